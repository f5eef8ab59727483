package formats_test

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/cve5"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/feed/osv"
	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/publish/formats"
)

// TestRealRecords writes real vulnerability records — the CVE JSON 5 and
// OSV samples of the shared corpus, read by vmc's own importers — as
// documents in every format, the way issue #10 will publish any merged
// record. A format may refuse a record it cannot express (ErrInvalid);
// it must never write one its schema or validator rejects (ErrSchema).
func TestRealRecords(t *testing.T) {
	var recs []advisory.Record
	read := func(dir string, parse feedtest.ParseFunc) {
		root := feedtest.SharedData(t, dir)
		err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() || !strings.HasSuffix(path, ".json") || strings.HasPrefix(e.Name(), "no") {
				return err
			}
			got, _ := feedtest.ParseFile(t, parse, path)
			recs = append(recs, got...)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	read("cve5/samples", cve5.Parse)
	read("osv/schema/linter-testdata", osv.Parse)
	if len(recs) < 20 {
		t.Fatalf("only %d records read", len(recs))
	}
	pub := publish.Publisher{Name: "vmc", Namespace: "https://vmc.example", Category: "other",
		CSAFBase: "https://vmc.example/csaf", CNAOrgID: "8254265b-2729-46b6-b9e3-3dfca2d5bfca"}
	written := map[string]int{}
	for _, r := range recs {
		title := r.ID
		if len(r.Titles) > 0 {
			title = r.Titles[0].Value
		}
		d := publish.Document{ID: r.ID, Title: title, Lang: "en", Publisher: pub, Status: publish.Final, TLP: "CLEAR", Level: publish.Full,
			Revisions: []publish.Revision{{Number: 1, Date: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Summary: "Initial release"}}, Vuln: r}
		if len(title) > 500 {
			d.Title = title[:500]
		}
		for _, f := range formats.All {
			_, err := f.Marshal(d)
			switch {
			case err == nil:
				written[f.Name]++
			case errors.Is(err, publish.ErrSchema) || !errors.Is(err, publish.ErrInvalid):
				t.Errorf("%s as %s: %v", r.ID, f.Name, err)
			default:
				t.Logf("%s as %s: %v", r.ID, f.Name, err)
			}
		}
	}
	t.Logf("%d records; written: %v", len(recs), written)
	for _, f := range formats.All {
		if written[f.Name] == 0 {
			t.Errorf("no record written as %s", f.Name)
		}
	}
}
