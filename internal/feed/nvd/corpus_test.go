package nvd_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/feed/nvd"
)

// corpus lists every CVE document under ../shared/data/nvd with the number
// of records it holds. TestCorpus also checks that the list is complete,
// so a file added to the corpus cannot go untested.
var corpus = map[string]int{
	// The header of this file says CVE_data_numberOfCVEs "660"; it holds
	// 669 items. Parse counts items and ignores the header.
	"nvd/osv-dev/nvdcve-1.1-test-data.json": 669,

	"nvd/feed/cve/v1/fixtures/nvdcve-1.1-2002.json.gz":     4,
	"nvd/feed/cve/v1/fixtures/nvdcve-1.1-2021.json.gz":     2,
	"nvd/feed/cve/v1/fixtures/nvdcve-1.1-modified.json.gz": 2,
	"nvd/feed/cve/v2/fixtures/nvdcve-2.0-2002.json.gz":     4,
	"nvd/feed/cve/v2/fixtures/nvdcve-2.0-2021.json.gz":     3,
	"nvd/feed/cve/v2/fixtures/nvdcve-2.0-modified.json.gz": 2,

	"nvd/api-cve/fixtures/1_item/0-1.json":        1,
	"nvd/api-cve/fixtures/1_item/0-3.json":        1,
	"nvd/api-cve/fixtures/3_items/0-1.json":       1,
	"nvd/api-cve/fixtures/3_items/0-3.json":       3,
	"nvd/api-cve/fixtures/3_pages/0-1.json":       1,
	"nvd/api-cve/fixtures/3_pages/0-3.json":       3,
	"nvd/api-cve/fixtures/3_pages/3-3.json":       3,
	"nvd/api-cve/fixtures/3_pages/6-3.json":       2,
	"nvd/api-cve/fixtures/empty/0-1.json":         0,
	"nvd/api-cve/fixtures/increase/0-1.json":      1,
	"nvd/api-cve/fixtures/increase/0-3.json":      3,
	"nvd/api-cve/fixtures/increase/3-3.json":      3,
	"nvd/api-cve/fixtures/increase/6-3.json":      2,
	"nvd/api-cve/fixtures/moddate/0-1.json":       8, // the test server filtered; the file does not
	"nvd/api-cve/fixtures/moddate/0-3.json":       8,
	"nvd/api-cve/fixtures/ssvc_affected/0-1.json": 1,
	"nvd/api-cve/fixtures/ssvc_affected/0-3.json": 1,

	// One CVE each, in API 2.0 response shape.
	"nvd/osv-dev/nvdcve-2.0/CVE-2014-1424.json":    1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2016-1585.json":    1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2017-6507.json":    1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2018-1000500.json": 1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2020-13595.json":   1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2021-28429.json":   1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2022-0090.json":    1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2022-1122.json":    1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2022-25761.json":   1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2022-25929.json":   1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2022-29194.json":   1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2022-2956.json":    1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2022-32746.json":   1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2022-33745.json":   1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2022-34668.json":   1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2022-36037.json":   1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2022-36749.json":   1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2022-46285.json":   1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2023-24256.json":   1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2023-4863.json":    1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2023-5341.json":    1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2024-3094.json":    1,
	"nvd/osv-dev/nvdcve-2.0/CVE-2024-47177.json":   1,
}

// notCVE are NVD files of other kinds, which Sniff must turn down.
var notCVE = []string{
	"nvd/feed/cpe/v1/fixtures/official-cpe-dictionary_v2.3.xml.gz",
	"nvd/feed/cpe/v2/fixtures/nvdcpe-2.0.tar.gz",
	"nvd/feed/cpematch/v1/fixtures/nvdcpematch-1.0.json.gz",
	"nvd/feed/cpematch/v2/fixtures/nvdcpematch-2.0.tar.gz",
	// Other formats with a "vulnerabilities" key, and CVE JSON 5.
	"csaf/examples/csaf/rhsa-2019_1862.json",
	"cyclonedx/examples/VEX/vex.json",
	"cve5/samples/osv-dev-cve5/CVE-2024-3094.json",
	"nvd/api-cve/golden/3_items/2023/CVE-2023-47613.json",
	"kev/known_exploited_vulnerabilities.json",
}

// readShared returns a corpus file's content, gunzipped when its name ends
// in .gz, as the importer hands it over.
func readShared(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(feedtest.SharedData(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(rel, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

func TestCorpus(t *testing.T) {
	root := filepath.Dir(feedtest.SharedData(t, "nvd"))
	var found []string
	for _, pattern := range []string{
		"nvd/osv-dev/*.json", "nvd/osv-dev/nvdcve-2.0/*.json",
		"nvd/api-cve/fixtures/*/*.json", "nvd/feed/cve/v*/fixtures/*",
	} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m {
			rel, _ := filepath.Rel(root, p)
			found = append(found, filepath.ToSlash(rel))
		}
	}
	if len(found) != len(corpus) {
		t.Errorf("found %d corpus files, the table lists %d", len(found), len(corpus))
	}
	for _, rel := range found {
		if _, ok := corpus[rel]; !ok {
			t.Errorf("%s is not in the corpus table", rel)
		}
	}

	total := 0
	for rel, want := range corpus {
		t.Run(rel, func(t *testing.T) {
			b := readShared(t, rel)
			if !nvd.Sniff(filepath.Base(rel), b[:min(len(b), 4096)]) {
				t.Error("Sniff = false")
			}
			recs, errs := feedtest.Collect(nvd.Parse(filepath.Base(rel), bytes.NewReader(b)))
			for _, err := range errs {
				t.Error(err)
			}
			if len(recs) != want {
				t.Errorf("got %d records, want %d", len(recs), want)
			}
			for _, r := range recs {
				if r.Source != nvd.Source {
					t.Errorf("%s: source %q", r.ID, r.Source)
				}
				if err := r.Validate(); err != nil {
					t.Errorf("%s: %v", r.ID, err)
				}
				if r.Published.IsZero() || r.Modified.IsZero() || len(r.Descriptions) == 0 {
					t.Errorf("%s: published %v, modified %v, %d descriptions", r.ID, r.Published, r.Modified, len(r.Descriptions))
				}
			}
			total += len(recs)
		})
	}
	if t.Failed() {
		return
	}
	if want := 669 + 17 + 42 + 23; total != want {
		t.Errorf("corpus total = %d records, want %d", total, want)
	}
}

// TestCorpusMapping pins aggregate facts about the 1.1 test feed, the
// largest file, so that a mapping change shows up as a count.
func TestCorpusMapping(t *testing.T) {
	recs, errs := feedtest.ParseFile(t, nvd.Parse, feedtest.SharedData(t, "nvd/osv-dev/nvdcve-1.1-test-data.json"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := map[string]int{}
	for _, r := range recs {
		got["state "+string(r.State)]++
		for _, s := range r.Severities {
			got["severity "+string(s.Type)]++
		}
		if len(r.Configurations) > 0 {
			got["with configurations"]++
		}
		got["affected"] += len(r.Affected)
		got["cwes"] += len(r.CWEs)
		got["references"] += len(r.References)
		for _, ref := range r.References {
			got["reference "+ref.Type]++
		}
	}
	// Counted independently from the JSON with a short script.
	want := map[string]int{
		"state PUBLISHED":     640,
		"state REJECTED":      29, // "** REJECT **" descriptions
		"severity CVSS_V3.1":  356,
		"severity CVSS_V2":    4,
		"with configurations": 349,
		"affected":            515,
		"cwes":                384,
		"references":          1308,
		"reference FIX":       160,
		"reference EVIDENCE":  211,
		"reference ADVISORY":  279,
		"reference REPORT":    1,
		"reference WEB":       657,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("aggregates (-want +got):\n%s", diff)
	}
}

// TestSniffOthers checks that NVD's CPE dictionary and CPE Match feeds and
// other formats with a "vulnerabilities" member are not taken for CVE data.
func TestSniffOthers(t *testing.T) {
	for _, rel := range notCVE {
		t.Run(rel, func(t *testing.T) {
			b := readShared(t, rel)
			if nvd.Sniff(filepath.Base(rel), b[:min(len(b), 4096)]) {
				t.Error("Sniff = true")
			}
		})
	}
}
