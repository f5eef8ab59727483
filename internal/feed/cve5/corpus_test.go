package cve5

import (
	"archive/zip"
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// TestCorpus parses every record of the CISA vulnrichment snapshot
// (../shared/data/cve5/cves.zip, cvelistV5 layout) and checks that all of
// them map without error and validate.
func TestCorpus(t *testing.T) {
	zr, err := zip.OpenReader(feedtest.SharedData(t, "cve5/cves.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()

	var records, errs int
	states := map[advisory.State]int{}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() || !strings.HasSuffix(f.Name, ".json") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		for rec, err := range Parse(f.Name, rc) {
			if err != nil {
				errs++
				if errs <= 20 {
					t.Errorf("%s: %v", f.Name, err)
				}
				continue
			}
			records++
			states[rec.State]++
			if err := rec.Validate(); err != nil {
				t.Errorf("%s: Validate: %v", f.Name, err)
			}
			if want := strings.TrimSuffix(f.Name[strings.LastIndex(f.Name, "/")+1:], ".json"); rec.ID != want {
				t.Errorf("%s: ID %q does not match the file name", f.Name, rec.ID)
			}
		}
		rc.Close()
	}
	if errs != 0 {
		t.Errorf("%d errors, want 0", errs)
	}
	if records != 44130 {
		t.Errorf("%d records, want 44130", records)
	}
	if got := states[advisory.StateRejected]; got != 104 {
		t.Errorf("%d REJECTED records, want 104", got)
	}
	if got := states[advisory.StatePublished]; got != 44026 {
		t.Errorf("%d PUBLISHED records, want 44026", got)
	}
}

// TestTxtar parses the 15 records of golang/vulndb's cvelist test archive.
func TestTxtar(t *testing.T) {
	data, err := os.ReadFile(feedtest.SharedData(t, "cve5/samples/vulndb-cvelist.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	files := txtarFiles(data)
	var n int
	for name, body := range files {
		if !strings.HasSuffix(name, ".json") {
			continue
		}
		recs, errs := feedtest.Collect(Parse(name, bytes.NewReader(body)))
		for _, err := range errs {
			t.Errorf("%s: %v", name, err)
		}
		for _, r := range recs {
			if err := r.Validate(); err != nil {
				t.Errorf("%s: Validate: %v", name, err)
			}
		}
		n += len(recs)
	}
	if n != 15 {
		t.Errorf("%d records, want 15", n)
	}
}

// txtarFiles splits a txtar archive (golang.org/x/tools/txtar) into its
// files: each starts after a "-- name --" line.
func txtarFiles(data []byte) map[string][]byte {
	files := map[string][]byte{}
	var name string
	var body []byte
	flush := func() {
		if name != "" {
			files[name] = body
		}
	}
	for line := range bytes.Lines(data) {
		s := strings.TrimRight(string(line), "\r\n")
		if strings.HasPrefix(s, "-- ") && strings.HasSuffix(s, " --") && len(s) > 6 {
			flush()
			name, body = strings.TrimSpace(s[3:len(s)-3]), nil
			continue
		}
		if name != "" {
			body = append(body, line...)
		}
	}
	flush()
	return files
}
