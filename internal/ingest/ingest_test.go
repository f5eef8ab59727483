package ingest_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
)

// fakeStore records the batches it is given.
type fakeStore struct {
	batches [][]string
	retired []string // "source:id,id" per RetireMissing call
	fail    error
}

func (f *fakeStore) PutRecords(_ context.Context, recs []advisory.Record) (store.BatchResult, error) {
	if f.fail != nil {
		return store.BatchResult{}, f.fail
	}
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.Source+":"+r.ID)
	}
	f.batches = append(f.batches, ids)
	return store.BatchResult{New: len(recs)}, nil
}

func (f *fakeStore) RetireMissing(_ context.Context, source string, present []string, _ time.Time) (int, error) {
	f.retired = append(f.retired, source+":"+strings.Join(present, ","))
	return 0, nil
}

func (f *fakeStore) ids() []string {
	var all []string
	for _, b := range f.batches {
		all = append(all, b...)
	}
	return all
}

// realCVE returns the bytes of a real CVE JSON 5 record from the corpus.
func realCVE(t *testing.T, id string) []byte {
	t.Helper()
	year := strings.Split(id, "-")[1]
	num := strings.Split(id, "-")[2]
	dir := num[:len(num)-3] + "xxx"
	b, err := os.ReadFile(feedtest.SharedData(t, filepath.Join("cve5/samples/cvelistV5/cves", year, dir, id+".json")))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type entry struct {
	name string
	data []byte
}

func writeZip(t *testing.T, path string, entries ...entry) {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func gz(data []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(data)
	zw.Close()
	return buf.Bytes()
}

func TestImport(t *testing.T) {
	log4shell := realCVE(t, "CVE-2021-44228")
	xz := realCVE(t, "CVE-2024-3094")
	// The same real record with its id removed: a record without an id.
	noID := bytes.Replace(xz, []byte(`"cveId": "CVE-2024-3094"`), []byte(`"cveId": ""`), 1)
	if bytes.Equal(noID, xz) {
		t.Fatal("fixture: could not remove the id")
	}
	bomb := bytes.Repeat([]byte{' '}, 64<<20) // 64 MiB of spaces compress ~1000:1

	tests := []struct {
		name        string
		files       func(t *testing.T, dir string) []string
		limits      ingest.Limits
		source      string   // forced format; empty detects
		want        []string // records written, in order
		wantSkipped int
		wantErr     []string // substrings of the report's errors, in order
	}{
		{
			name: "directory of plain files",
			files: func(t *testing.T, dir string) []string {
				os.WriteFile(filepath.Join(dir, "a.json"), log4shell, 0o644)
				os.WriteFile(filepath.Join(dir, "b.json"), xz, 0o644)
				return []string{dir}
			},
			want: []string{"cve5:CVE-2021-44228", "cve5:CVE-2024-3094"},
		},
		{
			name: "bad record is reported with file and field, the rest goes on",
			files: func(t *testing.T, dir string) []string {
				writeZip(t, filepath.Join(dir, "cves.zip"), entry{"cves/x.json", noID}, entry{"cves/y.json", log4shell})
				return []string{filepath.Join(dir, "cves.zip")}
			},
			want:    []string{"cve5:CVE-2021-44228"},
			wantErr: []string{"cves.zip:cves/x.json: ", "cveMetadata.cveId"},
		},
		{
			name: "zip bomb entry is refused, the next entry is read",
			files: func(t *testing.T, dir string) []string {
				writeZip(t, filepath.Join(dir, "bomb.zip"), entry{"bomb.json", bomb}, entry{"ok.json", xz})
				return []string{filepath.Join(dir, "bomb.zip")}
			},
			want:    []string{"cve5:CVE-2024-3094"},
			wantErr: []string{"bomb.zip:bomb.json: input exceeds limit: compression ratio"},
		},
		{
			name: "gzip bomb is stopped while reading",
			files: func(t *testing.T, dir string) []string {
				os.WriteFile(filepath.Join(dir, "bomb.json.gz"), gz(bomb), 0o644)
				return []string{filepath.Join(dir, "bomb.json.gz")}
			},
			// Forcing the format makes the parser read the stream, so the
			// ratio guard, not format detection, must stop it.
			source:  "cve5",
			wantErr: []string{"bomb.json.gz: ", "gzip expands more than 200:1"},
		},
		{
			name: "too many entries",
			files: func(t *testing.T, dir string) []string {
				writeZip(t, filepath.Join(dir, "many.zip"), entry{"a.json", xz}, entry{"b.json", xz}, entry{"c.json", xz})
				return []string{filepath.Join(dir, "many.zip")}
			},
			limits:  ingest.Limits{MaxEntries: 2},
			wantErr: []string{"many.zip: input exceeds limit: 3 entries, at most 2"},
		},
		{
			name: "document over the size limit",
			files: func(t *testing.T, dir string) []string {
				os.WriteFile(filepath.Join(dir, "big.json"), log4shell, 0o644)
				return []string{filepath.Join(dir, "big.json")}
			},
			limits:  ingest.Limits{MaxDocumentBytes: 1000},
			wantErr: []string{"big.json: input exceeds limit: document larger than the limit"},
		},
		{
			name: "truncated zip",
			files: func(t *testing.T, dir string) []string {
				writeZip(t, filepath.Join(dir, "t.zip"), entry{"a.json", xz})
				b, _ := os.ReadFile(filepath.Join(dir, "t.zip"))
				os.WriteFile(filepath.Join(dir, "t.zip"), b[:len(b)/2], 0o644)
				return []string{filepath.Join(dir, "t.zip")}
			},
			wantErr: []string{"t.zip: zip: not a valid zip file"},
		},
		{
			name: "a directory walk skips what is not advisory data",
			files: func(t *testing.T, dir string) []string {
				os.WriteFile(filepath.Join(dir, "README.txt"), []byte("notes"), 0o644)
				schema, err := os.ReadFile(feedtest.SharedData(t, "kev/known_exploited_vulnerabilities_schema.json"))
				if err != nil {
					t.Fatal(err)
				}
				os.WriteFile(filepath.Join(dir, "schema.json"), schema, 0o644)
				os.WriteFile(filepath.Join(dir, "x.json"), xz, 0o644)
				return []string{dir}
			},
			want:        []string{"cve5:CVE-2024-3094"},
			wantSkipped: 2,
		},
		{
			name: "unknown format",
			files: func(t *testing.T, dir string) []string {
				os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("hello"), 0o644)
				return []string{filepath.Join(dir, "notes.txt")}
			},
			wantErr: []string{"notes.txt: unknown format"},
		},
		{
			name: "missing path",
			files: func(t *testing.T, dir string) []string {
				return []string{filepath.Join(dir, "nope.json")}
			},
			wantErr: []string{"nope.json: no such file or directory"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := &fakeStore{}
			im := &ingest.Importer{Store: fs, Sources: ingest.Sources(), Limits: tc.limits, Source: tc.source}
			rep, err := im.Import(context.Background(), tc.files(t, t.TempDir())...)
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if got := fs.ids(); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("written %v, want %v", got, tc.want)
			}
			all := strings.Join(rep.Errors, "\n")
			for _, w := range tc.wantErr {
				if !strings.Contains(all, w) {
					t.Errorf("errors do not mention %q:\n%s", w, all)
				}
			}
			if len(tc.wantErr) == 0 && len(rep.Errors) > 0 {
				t.Errorf("unexpected errors:\n%s", all)
			}
			if len(rep.Skipped) != tc.wantSkipped {
				t.Errorf("skipped %v, want %d files", rep.Skipped, tc.wantSkipped)
			}
			if rep.Rejected < len(rep.Errors) {
				t.Errorf("rejected %d < %d errors", rep.Rejected, len(rep.Errors))
			}
		})
	}
}

func TestBatches(t *testing.T) {
	dir := t.TempDir()
	for _, id := range []string{"CVE-2021-44228", "CVE-2024-3094", "CVE-2023-45803"} {
		os.WriteFile(filepath.Join(dir, id+".json"), realCVE(t, id), 0o644)
	}
	fs := &fakeStore{}
	im := &ingest.Importer{Store: fs, Sources: ingest.Sources(), BatchSize: 2}
	rep, err := im.Import(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs.batches) != 2 || len(fs.batches[0]) != 2 || len(fs.batches[1]) != 1 || rep.New != 3 {
		t.Errorf("batches %v, report %+v; want [2 1] and 3 new", fs.batches, rep)
	}
}

// A store failure stops the import with an error naming the batch.
func TestStoreFailure(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.json"), realCVE(t, "CVE-2024-3094"), 0o644)
	boom := errors.New("disk full")
	im := &ingest.Importer{Store: &fakeStore{fail: boom}, Sources: ingest.Sources()}
	_, err := im.Import(context.Background(), dir)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "CVE-2024-3094..CVE-2024-3094 (1 records, rolled back)") {
		t.Errorf("error = %v", err)
	}
}

// preparingStore is a fakeStore that can prepare batches; it records the
// batches prepared and those written through what PrepareRecords
// returned, and fails PutRecords, which an importer must then not call.
type preparingStore struct {
	fakeStore
	mu       sync.Mutex
	prepared [][]string
}

var _ ingest.Preparer = (*preparingStore)(nil)

func (p *preparingStore) PutRecords(context.Context, []advisory.Record) (store.BatchResult, error) {
	return store.BatchResult{}, errors.New("PutRecords called on a store that prepares")
}

func (p *preparingStore) PrepareRecords(recs []advisory.Record) func(context.Context) (store.BatchResult, error) {
	p.mu.Lock()
	p.prepared = append(p.prepared, recordIDs(recs))
	p.mu.Unlock()
	return func(ctx context.Context) (store.BatchResult, error) {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.fakeStore.PutRecords(ctx, recs)
	}
}

func recordIDs(recs []advisory.Record) []string {
	var ids []string
	for _, r := range recs {
		ids = append(ids, r.Source+":"+r.ID)
	}
	return ids
}

// A store that prepares batches gets each prepared as it is queued and
// written, in order, by what preparing returned; a failure there names
// the batch as a failed PutRecords does.
func TestPreparedBatches(t *testing.T) {
	dir := t.TempDir()
	for _, id := range []string{"CVE-2021-44228", "CVE-2024-3094", "CVE-2023-45803"} {
		os.WriteFile(filepath.Join(dir, id+".json"), realCVE(t, id), 0o644)
	}
	boom := errors.New("disk full")
	for _, tc := range []struct {
		name    string
		fail    error
		written int // batches written
	}{
		{name: "writes", written: 2},
		{name: "fails", fail: boom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps := &preparingStore{fakeStore: fakeStore{fail: tc.fail}}
			im := &ingest.Importer{Store: ps, Sources: ingest.Sources(), BatchSize: 2}
			rep, err := im.Import(context.Background(), dir)
			if tc.fail != nil {
				if !errors.Is(err, tc.fail) || !strings.Contains(err.Error(), "(2 records, rolled back)") {
					t.Errorf("error = %v, want %v naming the batch", err, tc.fail)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(ps.prepared, ps.batches); diff != "" || len(ps.batches) != tc.written || rep.New != 3 {
				t.Errorf("written %v, report %+v; want %d batches as prepared (-prepared +written):\n%s", ps.batches, rep, tc.written, diff)
			}
		})
	}
}

func TestUnknownSourceName(t *testing.T) {
	im := &ingest.Importer{Store: &fakeStore{}, Sources: ingest.Sources(), Source: "cvrf"}
	if _, err := im.Import(context.Background(), "x"); !errors.Is(err, ingest.ErrUnknownFormat) {
		t.Errorf("error = %v, want ErrUnknownFormat", err)
	}
}
