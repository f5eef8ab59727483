package mirror_test

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/demo"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/mirror"
	"github.com/vmc-dev/vmc/internal/signing"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/postgres"
	"github.com/vmc-dev/vmc/internal/store/postgres/pgtest"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
	"github.com/vmc-dev/vmc/internal/store/sqlstore"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type opener struct {
	name string
	open func(t *testing.T) store.Store
}

var stores = []opener{
	{"sqlite", func(t *testing.T) store.Store {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}},
	{"postgres", func(t *testing.T) store.Store {
		s, err := postgres.Open(context.Background(), pgtest.NewDatabase(t), postgres.Options{Migrate: true, Options: sqlstore.Options{}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}},
}

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// importFiles imports files (name → content) as vmc import would.
func importFiles(t *testing.T, s store.Store, files map[string][]byte) {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, b := range files {
		fsys[name] = &fstest.MapFile{Data: b}
	}
	im := &ingest.Importer{Store: s, Sources: ingest.Sources()}
	rep, err := im.ImportFS(context.Background(), fsys)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Errors) > 0 {
		t.Fatalf("import errors: %v", rep.Errors)
	}
}

// goRecord is the real Go vulndb record GO-2020-0001, with its details
// extended n times and its modified time moved on as many days: n
// upstream revisions of it.
func goRecord(t *testing.T, n int) map[string][]byte {
	t.Helper()
	b, err := os.ReadFile(feedtest.SharedData(t, "osv/schema/linter-testdata/GO-2020-0001.json"))
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		return map[string][]byte{"GO-2020-0001.json": b}
	}
	var rec map[string]any
	if err := json.Unmarshal(b, &rec); err != nil {
		t.Fatal(err)
	}
	rec["details"] = fmt.Sprintf("%v (revision %d)", rec["details"], n)
	rec["modified"] = time.Date(2025, 1, n, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
	b, _ = json.Marshal(rec)
	return map[string][]byte{"GO-2020-0001.json": b}
}

// seed fills an origin with the demo corpus (real records from several
// sources) and a Go record revised twice, so that it has history.
func seed(t *testing.T, s store.Store) {
	t.Helper()
	im := &ingest.Importer{Store: s, Sources: ingest.Sources()}
	if _, err := im.ImportFS(context.Background(), demo.FS()); err != nil {
		t.Fatal(err)
	}
	for n := range 3 {
		importFiles(t, s, goRecord(t, n))
	}
}

// view is what must travel of a vulnerability: its records' provenance,
// and every value each record stated, current and replaced, in the
// order they replaced each other; not the times the database saw them.
type view struct {
	Sources []advisory.SourceRef
	Current []string
	History []string
}

func viewOf(t *testing.T, s store.Store, id string) view {
	t.Helper()
	v, err := s.Vuln(context.Background(), id, store.VulnOptions{History: true})
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	var out view
	for _, ref := range v.Sources {
		ref.Seen = time.Time{}
		out.Sources = append(out.Sources, ref)
	}
	claim := func(c advisory.Claim) string {
		return fmt.Sprintf("%s|%s|%s|%s|%s=%s", c.Source, c.Record, c.Document, c.Field, c.Key, c.Value)
	}
	for _, fv := range v.Fields {
		for _, c := range fv.Claims {
			out.Current = append(out.Current, claim(c))
		}
	}
	for _, c := range v.History {
		out.History = append(out.History, claim(c))
	}
	slices.Sort(out.Current)
	slices.Sort(out.History)
	return out
}

func allIDs(t *testing.T, s store.Store) []string {
	t.Helper()
	var ids []string
	q := store.VulnQuery{Sort: "id", Limit: 1000}
	for {
		p, err := s.ListVulns(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range p.Items {
			ids = append(ids, it.ID)
		}
		if p.Next == "" {
			return ids
		}
		q.After = p.Next
	}
}

// sameRecords fails unless every vulnerability of from is in to, with
// the same records, values and history.
func sameRecords(t *testing.T, from, to store.Store) {
	t.Helper()
	ids := allIDs(t, from)
	if got := allIDs(t, to); !slices.Equal(got, ids) {
		t.Fatalf("vulnerabilities differ (-origin +replica):\n%s", cmp.Diff(ids, got))
	}
	for _, id := range ids {
		if diff := cmp.Diff(viewOf(t, from, id), viewOf(t, to, id)); diff != "" {
			t.Errorf("%s differs (-origin +replica):\n%s", id, diff)
		}
	}
}

func keys(t *testing.T) (*signing.Key, *signing.Verifier) {
	t.Helper()
	k, err := signing.Generate("vmc mirror test", "", now)
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := k.ArmoredPublic()
	v, err := signing.ParseVerifier(pub)
	if err != nil {
		t.Fatal(err)
	}
	return k, v
}

func export(t *testing.T, s store.Store, k *signing.Key, since time.Time, at time.Time, batch int) ([]byte, mirror.Manifest) {
	t.Helper()
	var buf bytes.Buffer
	m, err := mirror.Export(context.Background(), s, &buf, k, mirror.ExportOptions{Since: since, Origin: "test", Now: at, BatchSize: batch})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), m
}

func importBundle(t *testing.T, s store.Store, b []byte, v *signing.Verifier) mirror.Report {
	t.Helper()
	rep, err := mirror.Import(context.Background(), s, bytes.NewReader(b), v, mirror.ImportOptions{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestRoundTrip mirrors a database into an empty one of each store, then
// again (nothing is written), then incrementally after the origin
// changed.
func TestRoundTrip(t *testing.T) {
	for _, o := range stores {
		t.Run(o.name, func(t *testing.T) {
			origin, replica := stores[0].open(t), o.open(t)
			seed(t, origin)
			k, v := keys(t)
			full, m := export(t, origin, k, time.Time{}, time.Now(), 3)
			if len(m.Batches) < 2 {
				t.Fatalf("%d batches, want several", len(m.Batches))
			}
			rep := importBundle(t, replica, full, v)
			if rep.Batches != len(m.Batches) || rep.Result.New == 0 {
				t.Errorf("first import: %+v", rep)
			}
			sameRecords(t, origin, replica)
			h := viewOf(t, replica, "GO-2020-0001")
			if len(h.History) == 0 {
				t.Errorf("GO-2020-0001 arrived without its history")
			}

			// Again: every batch is known and skipped unread.
			again := importBundle(t, replica, full, v)
			if again.Batches != 0 || again.Resumed != len(m.Batches) || again.Written != 0 {
				t.Errorf("re-import: %+v, want every batch resumed and nothing written", again)
			}

			// The origin changes; the next bundle carries only that.
			importFiles(t, origin, goRecord(t, 3))
			inc, im := export(t, origin, k, m.Mark, time.Now(), 3)
			entries := 0
			for _, b := range im.Batches {
				entries += b.Entries
			}
			if entries == 0 || entries >= rep.Entries {
				t.Errorf("incremental bundle has %d entries; the full one had %d", entries, rep.Entries)
			}
			irep := importBundle(t, replica, inc, v)
			if irep.Result.Changed == 0 {
				t.Errorf("incremental import changed nothing: %+v", irep)
			}
			sameRecords(t, origin, replica)
			// An importer given the full bundle after the incremental one
			// does not go back: what it holds is the newest version.
			other := o.open(t)
			importBundle(t, other, inc, v)
			importBundle(t, other, full, v)
			if got, want := viewOf(t, other, "GO-2020-0001").Current, viewOf(t, origin, "GO-2020-0001").Current; !slices.Equal(got, want) {
				t.Errorf("full after incremental went back:\n%s", cmp.Diff(want, got))
			}
		})
	}
}

// rewrite returns the bundle b with its members changed by fn (which
// returns a member's new body, or nil to drop it).
func rewrite(t *testing.T, b []byte, fn func(name string, body []byte) []byte) []byte {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(b))
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		if body = fn(h.Name, body); body == nil {
			continue
		}
		h.Size = int64(len(body))
		tw.WriteHeader(h)
		tw.Write(body)
	}
	tw.Close()
	return out.Bytes()
}

// TestRefused: bundles altered, unsigned, signed by another key or over
// the limits are refused with an error saying so, and write nothing.
func TestRefused(t *testing.T) {
	origin := stores[0].open(t)
	seed(t, origin)
	k, v := keys(t)
	other, _ := keys(t)
	good, m := export(t, origin, k, time.Time{}, now, 3)
	byOther, _ := export(t, origin, other, time.Time{}, now, 3)
	flip := func(target string) func(string, []byte) []byte {
		return func(name string, body []byte) []byte {
			if name == target {
				body = slices.Clone(body)
				body[len(body)/2] ^= 0x01
			}
			return body
		}
	}
	for _, tc := range []struct {
		name   string
		bundle []byte
		limits mirror.Limits
		want   error
		msg    string
	}{
		{"batch altered", rewrite(t, good, flip(m.Batches[1].Name)), mirror.Limits{}, mirror.ErrTampered, "batches/000002.jsonl.gz does not match its SHA-256"},
		{"manifest altered", rewrite(t, good, flip("manifest.json")), mirror.Limits{}, signing.ErrBadSignature, "manifest.json: signature does not verify"},
		{"unsigned", rewrite(t, good, func(n string, b []byte) []byte {
			if n == "manifest.json.asc" {
				return nil
			}
			return b
		}), mirror.Limits{}, mirror.ErrUnsigned, "bundle is not signed"},
		{"another key", byOther, mirror.Limits{}, signing.ErrBadSignature, "signed by another key"},
		{"batch dropped", rewrite(t, good, func(n string, b []byte) []byte {
			if n == m.Batches[2].Name {
				return nil
			}
			return b
		}), mirror.Limits{}, mirror.ErrTampered, ""},
		{"gzip bomb", good, mirror.Limits{Manifest: 1 << 20, Batch: 1 << 20, Decompressed: 100, Line: 1 << 20, Batches: 100}, mirror.ErrFormat, "decompresses to more than 100 bytes"},
		{"not a bundle", []byte("PK\x03\x04 a zip file"), mirror.Limits{}, mirror.ErrFormat, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			replica := stores[0].open(t)
			_, err := mirror.Import(context.Background(), replica, bytes.NewReader(tc.bundle), v, mirror.ImportOptions{Now: time.Now(), Limits: tc.limits})
			if !errors.Is(err, tc.want) || !strings.Contains(fmt.Sprint(err), tc.msg) {
				t.Fatalf("Import: %v, want %v (%q)", err, tc.want, tc.msg)
			}
			if tc.name == "batch altered" || tc.name == "batch dropped" {
				// The batches before the bad one are in: each batch is
				// its own transaction, and re-running resumes.
				return
			}
			if ids := allIDs(t, replica); len(ids) != 0 {
				t.Errorf("a refused bundle wrote %d vulnerabilities", len(ids))
			}
		})
	}
}

// TestResume: an import cut short after its first batch (the process
// killed, here its context cancelled) is resumed by running it again.
func TestResume(t *testing.T) {
	origin, replica := stores[0].open(t), stores[0].open(t)
	seed(t, origin)
	k, v := keys(t)
	b, m := export(t, origin, k, time.Time{}, now, 2)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := mirror.Import(ctx, replica, bytes.NewReader(b), v, mirror.ImportOptions{Now: time.Now(),
		Progress: func(mirror.Batch, store.BatchResult) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cut-short import: %v, want context.Canceled", err)
	}
	rep := importBundle(t, replica, b, v)
	if rep.Resumed != 1 || rep.Batches != len(m.Batches)-1 {
		t.Errorf("resumed import: %d resumed, %d imported, want 1 and %d", rep.Resumed, rep.Batches, len(m.Batches)-1)
	}
	sameRecords(t, origin, replica)
}
