package ingest_test

import (
	"context"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/vmc-dev/vmc/internal/ingest"
)

// lineFS serves one file, huge.json: an OSV record whose details string is
// a single 2 GiB line, generated as it is read.
type lineFS struct{ read *int64 }

func (l lineFS) Open(name string) (fs.File, error) {
	switch name {
	case ".":
		return fstest.MapFS{"huge.json": {}}.Open(".")
	case "huge.json":
		head := `{"id": "GO-2024-3333", "modified": "2024-12-01T00:00:00Z", "details": "`
		return &genFile{r: io.MultiReader(strings.NewReader(head), io.LimitReader(repeatA{}, 2<<30)), read: l.read}, nil
	}
	return nil, fs.ErrNotExist
}

type repeatA struct{}

func (repeatA) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

type genFile struct {
	r    io.Reader
	read *int64
}

func (g *genFile) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	*g.read += int64(n)
	return n, err
}
func (g *genFile) Close() error               { return nil }
func (g *genFile) Stat() (fs.FileInfo, error) { return fstest.MapFS{"huge.json": {}}.Stat("huge.json") }

// TestHugeLine: a document that is one 2 GiB line is refused with an error
// naming the file and the record, after reading a bounded amount of it.
func TestHugeLine(t *testing.T) {
	var read int64
	fake := &fakeStore{}
	im := &ingest.Importer{Store: fake, Sources: ingest.Sources()}
	start := time.Now()
	rep, err := im.ImportFS(context.Background(), lineFS{read: &read})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rejected != 1 || len(fake.ids()) != 0 {
		t.Fatalf("rejected %d, written %v; want the one document rejected", rep.Rejected, fake.ids())
	}
	if msg := rep.Errors[0]; !strings.HasPrefix(msg, "huge.json: ") || !strings.Contains(msg, "16 MiB") {
		t.Errorf("error %q does not name the file and the size limit", msg)
	}
	if read > 64<<20 {
		t.Errorf("read %d MiB of the document before refusing it", read>>20)
	}
	t.Logf("refused after reading %d MiB in %v: %s", read>>20, time.Since(start).Round(time.Millisecond), rep.Errors[0])
}
