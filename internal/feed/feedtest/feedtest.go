// Package feedtest holds the golden-file and fuzz helpers the feed parsers'
// tests share.
package feedtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"iter"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

// Update rewrites golden files instead of comparing with them:
// go test ./internal/feed/... -update
var Update = flag.Bool("update", false, "rewrite golden files")

// ParseFunc is the signature every feed parser exports.
type ParseFunc func(name string, r io.Reader) iter.Seq2[advisory.Record, error]

// Collect drains a parser's sequence.
func Collect(seq iter.Seq2[advisory.Record, error]) (recs []advisory.Record, errs []error) {
	for r, err := range seq {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		recs = append(recs, r)
	}
	return recs, errs
}

// ParseFile parses one file with parse and returns what it yielded.
func ParseFile(t testing.TB, parse ParseFunc, path string) ([]advisory.Record, []error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Collect(parse(filepath.Base(path), f))
}

// Golden compares got, encoded as indented JSON, with the file at path, or
// writes it there under -update.
func Golden(t testing.TB, path string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, '\n')
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, b) {
		t.Errorf("%s differs from the parser's output; -want +got:\n%s", path, lineDiff(string(want), string(b)))
	}
}

// Fuzz runs parse over arbitrary input. The parser must not panic; every
// error it yields must be a *feed.RecordError or wrap feed.ErrFormat; every
// record it yields must survive a JSON round trip unchanged.
func Fuzz(f *testing.F, parse ParseFunc, seeds ...string) {
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(filepath.Base(s), b)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		for rec, err := range parse(name, bytes.NewReader(data)) {
			if err != nil {
				var re *feed.RecordError
				if !errors.As(err, &re) && !errors.Is(err, feed.ErrFormat) {
					t.Fatalf("error is neither a RecordError nor ErrFormat: %v", err)
				}
				continue
			}
			b, err := json.Marshal(rec)
			if err != nil {
				t.Fatalf("record %s does not encode: %v", rec.ID, err)
			}
			var back advisory.Record
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("record %s does not decode again: %v\n%s", rec.ID, err, b)
			}
			b2, _ := json.Marshal(back)
			if !bytes.Equal(b, b2) {
				t.Fatalf("record %s changes in a round trip:\n%s\n%s", rec.ID, b, b2)
			}
		}
	})
}

// SharedData returns the path of a file under ../shared/data, skipping the
// test when the corpus is absent (it always exists in CI).
func SharedData(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(sharedRoot(), rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("shared data missing in CI: %v", err)
		}
		t.Skipf("shared data not found: %v", err)
	}
	return p
}

// sharedRoot finds ../shared/data beside the repository by walking up from
// the test's directory, or takes VMC_SHARED_DATA.
func sharedRoot() string {
	if d := os.Getenv("VMC_SHARED_DATA"); d != "" {
		return d
	}
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "data")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "../shared/data"
		}
		dir = parent
	}
}

// lineDiff is a minimal line diff: lines only in want get "-", lines only in
// got get "+". It is enough to find the changed field in a golden file.
func lineDiff(want, got string) string {
	w := bytes.Split([]byte(want), []byte("\n"))
	g := bytes.Split([]byte(got), []byte("\n"))
	var out bytes.Buffer
	i, j := 0, 0
	for i < len(w) || j < len(g) {
		switch {
		case i < len(w) && j < len(g) && bytes.Equal(w[i], g[j]):
			i++
			j++
		case i < len(w) && (j >= len(g) || !contains(g[j:], w[i])):
			out.WriteString("-" + string(w[i]) + "\n")
			i++
		default:
			out.WriteString("+" + string(g[j]) + "\n")
			j++
		}
		if out.Len() > 4000 {
			out.WriteString("...\n")
			break
		}
	}
	return out.String()
}

func contains(lines [][]byte, l []byte) bool {
	for _, x := range lines {
		if bytes.Equal(x, l) {
			return true
		}
	}
	return false
}

// ErrorStrings returns the errors' texts, failing the test for any error
// that does not wrap feed.ErrFormat (callers rely on errors.Is).
func ErrorStrings(t testing.TB, errs []error) []string {
	t.Helper()
	var out []string
	for _, err := range errs {
		if !errors.Is(err, feed.ErrFormat) {
			t.Errorf("error does not wrap feed.ErrFormat: %v", err)
		}
		out = append(out, err.Error())
	}
	return out
}

// Generated is a document made as it is read, for streaming tests: Head,
// then Item(1) ... Item(N) separated by Sep, then Tail. Consumed counts the
// bytes handed out so far.
type Generated struct {
	Head, Sep, Tail string
	Item            func(i int) string
	N               int
	Consumed        int

	next int
	buf  []byte
}

func (g *Generated) Read(p []byte) (int, error) {
	for len(g.buf) < len(p) && g.next <= g.N+1 {
		switch {
		case g.next == 0:
			g.buf = append(g.buf, g.Head...)
		case g.next > g.N:
			g.buf = append(g.buf, g.Tail...)
		default:
			if g.next > 1 {
				g.buf = append(g.buf, g.Sep...)
			}
			g.buf = append(g.buf, g.Item(g.next)...)
		}
		g.next++
	}
	if len(g.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, g.buf)
	g.buf = g.buf[n:]
	g.Consumed += n
	return n, nil
}

// Streams checks that seq, a parse of g, yields all g.N records without
// error, the first while no more than 64 KiB of g has been read: the
// parser streams rather than reading the document whole. check, if not
// nil, is called on every record.
func Streams(t testing.TB, seq iter.Seq2[advisory.Record, error], g *Generated, check func(advisory.Record)) {
	t.Helper()
	count := 0
	for rec, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		if count == 0 && g.Consumed > 64<<10 {
			t.Errorf("first record came after %d bytes were read; want it within 64 KiB", g.Consumed)
		}
		if check != nil {
			check(rec)
		}
		count++
	}
	if count != g.N {
		t.Errorf("read %d records, want %d", count, g.N)
	}
}

// Expect checks a parse against the records and error texts it should
// give, each as a -want +got diff; every error must wrap feed.ErrFormat
// and every record must validate, as the importer requires. opts go to
// the records' diff.
func Expect(t testing.TB, seq iter.Seq2[advisory.Record, error], want []advisory.Record, wantErrs []string, opts ...cmp.Option) {
	t.Helper()
	got, errs := Collect(seq)
	if diff := cmp.Diff(want, got, opts...); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantErrs, ErrorStrings(t, errs)); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	for _, r := range got {
		if err := r.Validate(); err != nil {
			t.Errorf("%s: %v", r.ID, err)
		}
	}
}
