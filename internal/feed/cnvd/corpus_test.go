package cnvd

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// TestCorpus parses all 460 weekly exports of ../shared/data/cnvd/cnvd.zip
// (2014-12-29 to 2023-12-10) and checks that every entry maps without
// error and validates, and what the entries add up to.
func TestCorpus(t *testing.T) {
	zr, err := zip.OpenReader(feedtest.SharedData(t, "cnvd/cnvd.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()

	type counts struct {
		Files, Records, IDs, Errors int
		// Severities by rating; "" counts entries without one.
		Severities map[string]int
		// WithAliases counts records citing at least one CVE.
		WithAliases, Aliases int
		// Event counts 事件型漏洞 entries.
		Event int
		// WithVendor counts records with a vendor split off a product.
		WithVendor int
		// Leftover counts records whose referenceLink kept a note.
		Leftover int
		// CWEs counts records with a CWE (CNVD gives none; one cites
		// CWE-264 as its CVE).
		CWEs int
		// Repeated and RepeatedSame count records whose number came
		// before, and of those the ones equal to the first.
		Repeated, RepeatedSame int
	}
	got := counts{Severities: map[string]int{}}
	ids := map[string][32]byte{} // id → digest of its first record
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		got.Files++
		for rec, err := range Parse(f.Name, rc) {
			if err != nil {
				got.Errors++
				if got.Errors <= 20 {
					t.Errorf("%s: %v", f.Name, err)
				}
				continue
			}
			got.Records++
			b, err := json.Marshal(rec)
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(b)
			if first, ok := ids[rec.ID]; ok {
				got.Repeated++
				if first == sum {
					got.RepeatedSame++
				}
			} else {
				ids[rec.ID] = sum
			}
			if err := rec.Validate(); err != nil {
				t.Errorf("%s: Validate: %v", f.Name, err)
			}
			rating := ""
			if len(rec.Severities) > 0 {
				rating = rec.Severities[0].Rating
			}
			got.Severities[rating]++
			if len(rec.Aliases) > 0 {
				got.WithAliases++
			}
			got.Aliases += len(rec.Aliases)
			if len(rec.CWEs) > 0 {
				got.CWEs++
			}
			vendor := false
			for _, a := range rec.Affected {
				vendor = vendor || a.Vendor != ""
			}
			if vendor {
				got.WithVendor++
			}
			for _, n := range rec.Notes {
				switch {
				case n.Category == "vulnerability_type" && n.Text == "事件型漏洞":
					got.Event++
				case n.Category == "references":
					got.Leftover++
				}
			}
		}
		rc.Close()
	}
	got.IDs = len(ids)
	want := counts{
		Files: 460, Records: 112192, IDs: 111816,
		Severities:  map[string]int{"HIGH": 38188, "MEDIUM": 63194, "LOW": 10484, "": 326},
		WithAliases: 88382, Aliases: 88446,
		Event:      74,
		WithVendor: 13569,
		Leftover:   249,
		CWEs:       1,
		// 288 copies in a later week; 7 revisions and 81 other
		// vulnerabilities under a number already used (see doc.go).
		Repeated: 376, RepeatedSame: 288,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s", diff)
	}
}
