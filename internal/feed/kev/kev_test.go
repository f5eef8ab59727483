package kev

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// log4shell is the catalogue's CVE-2021-44228 entry, shortened, as JSON
// and as the record it becomes.
const log4shellJSON = `{"cveID":"CVE-2021-44228","vendorProject":"Apache","product":"Log4j2",` +
	`"vulnerabilityName":"Apache Log4j2 Remote Code Execution Vulnerability","dateAdded":"2021-12-10",` +
	`"shortDescription":"Apache Log4j2 contains a vulnerability.","requiredAction":"Apply updates.",` +
	`"dueDate":"2021-12-24","knownRansomwareCampaignUse":"Known","notes":"https://logging.apache.org",` +
	`"cwes":["CWE-20","CWE-400","CWE-502"]}`

const csvHead = "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,cwes\n"

const log4shellCSV = `CVE-2021-44228,Apache,Log4j2,"Apache Log4j2 Remote Code Execution Vulnerability",2021-12-10,` +
	`"Apache Log4j2 contains a vulnerability.","Apply updates.",2021-12-24,Known,"https://logging.apache.org","CWE-20, CWE-400, CWE-502"` + "\n"

func log4shell(catalog string) advisory.Record {
	mod, _ := time.Parse("2006.01.02", catalog)
	return advisory.Record{
		Modified:     mod,
		Source:       "kev",
		ID:           "CVE-2021-44228",
		Titles:       []advisory.Text{{Lang: "en", Value: "Apache Log4j2 Remote Code Execution Vulnerability"}},
		Descriptions: []advisory.Text{{Lang: "en", Value: "Apache Log4j2 contains a vulnerability."}},
		CWEs: []advisory.CWE{
			{ID: "CWE-20", Provider: "CISA-KEV"},
			{ID: "CWE-400", Provider: "CISA-KEV"},
			{ID: "CWE-502", Provider: "CISA-KEV"},
		},
		KEV: &advisory.KEV{
			DateAdded:                  "2021-12-10",
			DueDate:                    "2021-12-24",
			VendorProject:              "Apache",
			Product:                    "Log4j2",
			Name:                       "Apache Log4j2 Remote Code Execution Vulnerability",
			RequiredAction:             "Apply updates.",
			KnownRansomwareCampaignUse: "Known",
			Notes:                      "https://logging.apache.org",
			CWEs:                       []string{"CWE-20", "CWE-400", "CWE-502"},
			Catalog:                    catalog,
		},
	}
}

// minimal is the smallest entry Parse accepts: an id and dateAdded.
func minimal(id, catalog string) advisory.Record {
	mod, _ := time.Parse("2006.01.02", catalog)
	return advisory.Record{Source: "kev", ID: id, KEV: &advisory.KEV{DateAdded: "2022-01-10", Catalog: catalog}, Modified: mod}
}

func doc(entries ...string) string {
	return `{"title":"CISA Catalog of Known Exploited Vulnerabilities","catalogVersion":"2025.08.25",` +
		`"dateReleased":"2025-08-25T17:04:19.9796Z","count":1404,"vulnerabilities":[` + strings.Join(entries, ",") + `]}`
}

func TestParse(t *testing.T) {
	// big is just over the limit, and read whole; huge is past what the
	// decoders may buffer, and ends the document.
	big := strings.Repeat("x", maxEntry)
	huge := strings.Repeat("x", maxEntry+slack)
	tests := []struct {
		name     string
		file     string // file name given to Parse; "kev.json" when empty
		in       string
		want     []advisory.Record
		wantErrs []string
	}{
		{
			name: "json",
			in:   doc(log4shellJSON),
			want: []advisory.Record{log4shell("2025.08.25")},
		},
		{
			name: "csv",
			file: "known_exploited_vulnerabilities.csv",
			in:   csvHead + log4shellCSV,
			want: []advisory.Record{log4shell("")},
		},
		{
			name: "csv catalogue from the file name",
			file: "kev/known_exploited_vulnerabilities-2025-08-25.csv.gz",
			in:   csvHead + log4shellCSV,
			want: []advisory.Record{log4shell("2025.08.25")},
		},
		{
			name: "csv file name with an impossible date",
			file: "kev-2025-13-45.csv",
			in:   csvHead + log4shellCSV,
			want: []advisory.Record{log4shell("")},
		},
		{
			name: "csv with BOM, CRLF and reordered columns without cwes",
			file: "kev.csv",
			in:   "\ufeffdateAdded,cveID\r\n2022-01-10,CVE-2022-0001\r\n",
			want: []advisory.Record{minimal("CVE-2022-0001", "")},
		},
		{
			name: "catalogue version after the array",
			in:   `{"vulnerabilities":[{"cveID":"CVE-2022-0001","dateAdded":"2022-01-10"}],"catalogVersion":"2025.08.25"}`,
			want: []advisory.Record{minimal("CVE-2022-0001", "")},
		},
		{
			name: "white space trimmed and empty fields dropped",
			in:   doc(`{"cveID":" CVE-2022-0001","dateAdded":"2022-01-10 ","vulnerabilityName":"  ","shortDescription":"","cwes":[]}`),
			want: []advisory.Record{minimal("CVE-2022-0001", "2025.08.25")},
		},
		{
			name: "unknown fields ignored",
			in:   `{"x":{"y":[1]},"vulnerabilities":[{"cveID":"CVE-2022-0001","dateAdded":"2022-01-10","epss":0.5}],"z":null}`,
			want: []advisory.Record{minimal("CVE-2022-0001", "")},
		},
		{
			name: "empty catalogue",
			in:   doc(),
		},

		// Bad entries are reported and the next one is read.
		{
			name:     "malformed cve id",
			in:       doc(`{"cveID":"CVE-21-44228","dateAdded":"2022-01-10"}`, `{"cveID":"CVE-2022-0001","dateAdded":"2022-01-10"}`),
			want:     []advisory.Record{minimal("CVE-2022-0001", "2025.08.25")},
			wantErrs: []string{`#1: cveID: malformed input: malformed CVE id "CVE-21-44228"`},
		},
		{
			name:     "missing cve id",
			in:       doc(`{"dateAdded":"2022-01-10"}`),
			wantErrs: []string{`#1: cveID: malformed input: malformed CVE id ""`},
		},
		{
			name:     "missing dateAdded",
			in:       doc(`{"cveID":"CVE-2022-0001"}`),
			wantErrs: []string{`CVE-2022-0001: dateAdded: malformed input: missing`},
		},
		{
			name:     "impossible dateAdded",
			in:       doc(`{"cveID":"CVE-2022-0001","dateAdded":"2022-02-30"}`),
			wantErrs: []string{`CVE-2022-0001: dateAdded: malformed input: not a YYYY-MM-DD date: "2022-02-30"`},
		},
		{
			name:     "dueDate with a time",
			in:       doc(`{"cveID":"CVE-2022-0001","dateAdded":"2022-01-10","dueDate":"2022-01-24T00:00:00Z"}`),
			wantErrs: []string{`CVE-2022-0001: dueDate: malformed input: not a YYYY-MM-DD date: "2022-01-24T00:00:00Z"`},
		},
		{
			name:     "malformed cwe",
			in:       doc(`{"cveID":"CVE-2022-0001","dateAdded":"2022-01-10","cwes":["CWE-20","NVD-CWE-noinfo"]}`),
			wantErrs: []string{`CVE-2022-0001: cwes[1]: malformed input: malformed CWE id "NVD-CWE-noinfo"`},
		},
		{
			name:     "wrong JSON type",
			in:       doc(`{"cveID":"CVE-2022-0001","dateAdded":20220110}`, `{"cveID":"CVE-2022-0002","dateAdded":"2022-01-10"}`),
			want:     []advisory.Record{minimal("CVE-2022-0002", "2025.08.25")},
			wantErrs: []string{`CVE-2022-0001: dateAdded: malformed input: JSON number where string belongs`},
		},
		{
			name:     "cwes as one string",
			in:       doc(`{"cveID":"CVE-2022-0001","dateAdded":"2022-01-10","cwes":"CWE-20"}`),
			wantErrs: []string{`CVE-2022-0001: cwes: malformed input: JSON string where array belongs`},
		},
		{
			name:     "entry not an object",
			in:       doc(`"CVE-2022-0001"`, `null`),
			wantErrs: []string{`#1: malformed input: JSON string where object belongs`, `#2: cveID: malformed input: malformed CVE id ""`},
		},
		{
			name:     "csv bad date",
			file:     "kev.csv",
			in:       csvHead + "CVE-2022-0001,,,,10/01/2022,,,,,,\n" + log4shellCSV,
			want:     []advisory.Record{log4shell("")},
			wantErrs: []string{`CVE-2022-0001: dateAdded: malformed input: not a YYYY-MM-DD date: "10/01/2022"`},
		},
		{
			name:     "csv malformed cwe list",
			file:     "kev.csv",
			in:       csvHead + `CVE-2022-0001,,,,2022-01-10,,,,,,"CWE-20; CWE-79"` + "\n",
			wantErrs: []string{`CVE-2022-0001: cwes[0]: malformed input: malformed CWE id "CWE-20; CWE-79"`},
		},
		{
			name:     "csv short row",
			file:     "kev.csv",
			in:       csvHead + "CVE-2022-0001,Apache,Log4j2\n" + log4shellCSV,
			want:     []advisory.Record{log4shell("")},
			wantErrs: []string{`CVE-2022-0001: vulnerabilityName: malformed input: 3 fields, header has 11`},
		},
		{
			name:     "csv long row",
			file:     "kev.csv",
			in:       "cveID,dateAdded\nCVE-2022-0001,2022-01-10,extra\n",
			wantErrs: []string{`CVE-2022-0001: malformed input: 3 fields, header has 2`},
		},
		{
			name:     "csv bad id names the line",
			file:     "kev.csv",
			in:       "cveID,dateAdded\nCVE-2022-0001,2022-01-10\n\nCVE_2022_0002,2022-01-10\n",
			want:     []advisory.Record{minimal("CVE-2022-0001", "")},
			wantErrs: []string{`line 4: cveID: malformed input: malformed CVE id "CVE_2022_0002"`},
		},
		{
			name:     "csv bare quote",
			file:     "kev.csv",
			in:       "cveID,dateAdded,notes\nCVE-2022-0001,2022-01-10,say \"hi\"\nCVE-2022-0002,2022-01-10,\n",
			want:     []advisory.Record{minimal("CVE-2022-0002", "")},
			wantErrs: []string{`line 2: malformed input: byte 30: bare " in non-quoted-field`},
		},
		{
			name:     "csv invalid UTF-8",
			file:     "kev.csv",
			in:       "cveID,dateAdded,product\nCVE-2022-0001,2022-01-10,caf\xe9\n",
			wantErrs: []string{`CVE-2022-0001: product: malformed input: invalid UTF-8`},
		},

		// Documents that cannot be read yield one error and stop.
		{
			name:     "empty",
			in:       " \n",
			wantErrs: []string{`malformed input: empty document`},
		},
		{
			name:     "csv header without cveID",
			file:     "kev.csv",
			in:       "cve,dateAdded\nCVE-2022-0001,2022-01-10\n",
			wantErrs: []string{`line 1: header: malformed input: no "cveID" column`},
		},
		{
			name:     "vulnerabilities not an array",
			in:       `{"catalogVersion":"2025.08.25","vulnerabilities":{"cveID":"CVE-2022-0001"}}`,
			wantErrs: []string{`malformed input: vulnerabilities: found {, want "["`},
		},
		{
			name:     "catalogVersion not a string",
			in:       `{"catalogVersion":2025,"vulnerabilities":[]}`,
			wantErrs: []string{`malformed input: catalogVersion: json: cannot unmarshal number into Go value of type string`},
		},
		{
			name:     "cut short inside an entry",
			in:       doc(log4shellJSON, `{"cveID":"CVE-2022-0001","dateAdded":"2022-01-10"}`)[:len(doc(log4shellJSON))+20],
			want:     []advisory.Record{log4shell("2025.08.25")},
			wantErrs: []string{`malformed input: vulnerabilities[1]: unexpected EOF`},
		},
		{
			name:     "cut short after the array",
			in:       strings.TrimSuffix(doc(log4shellJSON), "}"),
			want:     []advisory.Record{log4shell("2025.08.25")},
			wantErrs: []string{`malformed input: unexpected EOF`},
		},
		{
			name:     "syntax error in an entry",
			in:       doc(`{"cveID":"CVE-2022-0001",}`),
			wantErrs: []string{`malformed input: vulnerabilities[0]: invalid character '}' looking for beginning of object key string`},
		},
		{
			name:     "data after the object",
			in:       doc() + `{}`,
			wantErrs: []string{`malformed input: data after the catalogue object`},
		},
		{
			name:     "entry just over 1 MiB",
			in:       doc(log4shellJSON, `{"cveID":"CVE-2022-0001","dateAdded":"2022-01-10","notes":"`+big+`"}`, log4shellJSON),
			want:     []advisory.Record{log4shell("2025.08.25"), log4shell("2025.08.25")},
			wantErrs: []string{`#2: malformed input: entry larger than 1048576 bytes`},
		},
		{
			name:     "csv row just over 1 MiB",
			file:     "kev.csv",
			in:       csvHead + log4shellCSV + "CVE-2022-0001,,,,2022-01-10,,,,,," + big + "\n" + log4shellCSV,
			want:     []advisory.Record{log4shell(""), log4shell("")},
			wantErrs: []string{`line 3: malformed input: row larger than 1048576 bytes`},
		},
		{
			name:     "entry far over 1 MiB",
			in:       doc(log4shellJSON, `{"cveID":"CVE-2022-0001","dateAdded":"2022-01-10","notes":"`+huge+`"}`, log4shellJSON),
			want:     []advisory.Record{log4shell("2025.08.25")},
			wantErrs: []string{`#2: malformed input: entry larger than 1048576 bytes`},
		},
		{
			name:     "header value far over 1 MiB",
			in:       `{"title":"` + huge + `","vulnerabilities":[]}`,
			wantErrs: []string{`malformed input: more than 1048576 bytes without a complete value`},
		},
		{
			name:     "csv row far over 1 MiB",
			file:     "kev.csv",
			in:       csvHead + log4shellCSV + "\n\r\nCVE-2022-0001,2022-01-10," + huge + "\n" + log4shellCSV,
			want:     []advisory.Record{log4shell("")},
			wantErrs: []string{`line 5: malformed input: row larger than 1048576 bytes`},
		},
		{
			name:     "csv unterminated quote over 1 MiB",
			file:     "kev.csv",
			in:       csvHead + `"` + huge,
			wantErrs: []string{`line 2: malformed input: row larger than 1048576 bytes`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			if file == "" {
				file = "kev.json"
			}
			feedtest.Expect(t, Parse(file, strings.NewReader(tt.in)), tt.want, tt.wantErrs)
		})
	}
}

// TestParseStops checks that Parse stops when the consumer does.
func TestParseStops(t *testing.T) {
	for _, in := range []string{doc(log4shellJSON, log4shellJSON), csvHead + log4shellCSV + log4shellCSV} {
		n := 0
		for range Parse("kev", strings.NewReader(in)) {
			n++
			break
		}
		if n != 1 {
			t.Errorf("yielded %d times after break", n)
		}
	}
}

// TestParseReadError checks that a failing reader ends the document with
// one error that keeps its cause.
func TestParseReadError(t *testing.T) {
	errDisk := errors.New("disk on fire")
	for _, in := range []string{doc(log4shellJSON), csvHead + log4shellCSV} {
		r := io.MultiReader(strings.NewReader(in[:len(in)-10]), iotestErr{errDisk})
		_, errs := feedtest.Collect(Parse("kev", r))
		if len(errs) != 1 || !errors.Is(errs[0], errDisk) || !errors.Is(errs[0], feed.ErrFormat) {
			t.Errorf("errors = %v, want one wrapping %v and feed.ErrFormat", errs, errDisk)
		}
	}
}

type iotestErr struct{ err error }

func (r iotestErr) Read([]byte) (int, error) { return 0, r.err }

// TestParseStreams reads generated catalogues over three times the size of the
// real one and checks that records come out while they are still being
// read.
func TestParseStreams(t *testing.T) {
	entry := func(line string) func(int) string {
		return func(i int) string {
			return strings.Replace(line, "CVE-2021-44228", fmt.Sprintf("CVE-2021-%d", 10000+i), 1)
		}
	}
	t.Run("json", func(t *testing.T) {
		g := &feedtest.Generated{N: 5_000, Head: `{"catalogVersion":"2025.08.25","vulnerabilities":[`, Sep: ",", Tail: "]}", Item: entry(log4shellJSON)}
		feedtest.Streams(t, Parse("kev", g), g, nil)
	})
	t.Run("csv", func(t *testing.T) {
		g := &feedtest.Generated{N: 5_000, Head: csvHead, Item: entry(log4shellCSV)}
		feedtest.Streams(t, Parse("kev", g), g, nil)
	})
}

// TestGolden compares records from real catalogue extracts with golden
// files, and checks that the CSV extract of the same entries says the same
// apart from the catalogue version.
func TestGolden(t *testing.T) {
	for _, base := range []string{"known_exploited_vulnerabilities-5", "quirks"} {
		t.Run(base, func(t *testing.T) {
			fromJSON, errs := feedtest.ParseFile(t, Parse, filepath.Join("testdata", base+".json"))
			if len(errs) > 0 {
				t.Fatalf("json: %v", errs)
			}
			feedtest.Golden(t, filepath.Join("testdata", "golden", base+".json"), fromJSON)

			fromCSV, errs := feedtest.ParseFile(t, Parse, filepath.Join("testdata", base+".csv"))
			if len(errs) > 0 {
				t.Fatalf("csv: %v", errs)
			}
			if diff := cmp.Diff(withoutCatalog(fromJSON), fromCSV); diff != "" {
				t.Errorf("csv records differ from json (-json +csv):\n%s", diff)
			}
		})
	}
}

// withoutCatalog returns copies of recs with KEV.Catalog, and the
// Modified time taken from it, cleared.
func withoutCatalog(recs []advisory.Record) []advisory.Record {
	out := make([]advisory.Record, len(recs))
	for i, r := range recs {
		r.Modified = time.Time{}
		k := *r.KEV
		k.Catalog = ""
		r.KEV = &k
		out[i] = r
	}
	return out
}

// TestCorpus reads the whole 2025.08.25 catalogue in both forms.
func TestCorpus(t *testing.T) {
	fromJSON, errs := feedtest.ParseFile(t, Parse, feedtest.SharedData(t, "kev/known_exploited_vulnerabilities.json"))
	if len(errs) > 0 {
		t.Fatalf("json: %d errors, first %v", len(errs), errs[0])
	}
	fromCSV, errs := feedtest.ParseFile(t, Parse, feedtest.SharedData(t, "kev/known_exploited_vulnerabilities.csv"))
	if len(errs) > 0 {
		t.Fatalf("csv: %d errors, first %v", len(errs), errs[0])
	}

	type counts struct{ Records, WithCWEs, CWEs, Known, Catalog, Valid int }
	count := func(recs []advisory.Record) counts {
		var c counts
		for _, r := range recs {
			c.Records++
			if len(r.CWEs) > 0 {
				c.WithCWEs++
			}
			c.CWEs += len(r.CWEs)
			if r.KEV.KnownRansomwareCampaignUse == "Known" {
				c.Known++
			}
			if r.KEV.Catalog == "2025.08.25" {
				c.Catalog++
			}
			if err := r.Validate(); err == nil {
				c.Valid++
			} else {
				t.Errorf("%s: %v", r.ID, err)
			}
		}
		return c
	}
	want := counts{Records: 1404, WithCWEs: 1252, CWEs: 1338, Known: 293, Catalog: 1404, Valid: 1404}
	if diff := cmp.Diff(want, count(fromJSON)); diff != "" {
		t.Errorf("json counts (-want +got):\n%s", diff)
	}
	want.Catalog = 0
	if diff := cmp.Diff(want, count(fromCSV)); diff != "" {
		t.Errorf("csv counts (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(withoutCatalog(fromJSON), fromCSV); diff != "" {
		t.Errorf("csv records differ from json (-json +csv):\n%s", diff)
	}
	if added, changed, removed := Diff(fromJSON, fromCSV); added != nil || changed != nil || removed != nil {
		t.Errorf("Diff(json, csv) = %v, %v, %v; want no difference", added, changed, removed)
	}
}

func TestSniff(t *testing.T) {
	catalogue, err := os.ReadFile("testdata/known_exploited_vulnerabilities-5.json")
	if err != nil {
		t.Fatal(err)
	}
	csvFile, err := os.ReadFile("testdata/known_exploited_vulnerabilities-5.csv")
	if err != nil {
		t.Fatal(err)
	}
	// The opening of known_exploited_vulnerabilities_schema.json.
	schema := `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "title": "CISA Catalog of Known Exploited Vulnerabilities",
  "properties": {
    "catalogVersion": {
      "description": "Version of the known exploited vulnerabilities catalog",`
	tests := []struct {
		name, file, head string
		want             bool
	}{
		{"catalogue", "feed.json", string(catalogue[:min(len(catalogue), 4096)]), true},
		{"catalogue compressed", "known_exploited_vulnerabilities.json.gz", string(catalogue[:100]), true},
		{"csv", "export", string(csvFile[:200]), true},
		{"csv with BOM", "kev.csv", "\ufeff" + string(csvFile[:200]), true},
		{"named like the catalogue", `C:\feeds\Known_Exploited_Vulnerabilities.json`, `{"vulnerabilities":[`, true},
		{"schema", "known_exploited_vulnerabilities_schema.json", schema, false},
		{"schema under another name", "kev.json", schema, false},
		{"named like the catalogue but not JSON", "known_exploited_vulnerabilities.html", "<!doctype html>", false},
		{"cve5 record", "CVE-2021-44228.json", `{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"CVE-2021-44228"}}`, false},
		{"epss", "epss_scores-2023-03-07.csv", "cve,epss,percentile\n", false},
		{"csv with other columns", "kev.csv", "vendorProject,cveID\n", false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff(tt.file, []byte(tt.head)); got != tt.want {
				t.Errorf("Sniff(%q, %.20q...) = %v, want %v", tt.file, tt.head, got, tt.want)
			}
		})
	}
}

func TestDiff(t *testing.T) {
	rec := func(id string, edit func(*advisory.KEV)) advisory.Record {
		r := minimal(id, "2025.08.24")
		if edit != nil {
			edit(r.KEV)
		}
		return r
	}
	a, b, c := rec("CVE-2022-0001", nil), rec("CVE-2022-0002", nil), rec("CVE-2022-0003", nil)
	tests := []struct {
		name                    string
		old, new                []advisory.Record
		added, changed, removed []string
	}{
		{name: "both empty"},
		{name: "first catalogue", new: []advisory.Record{a, b}, added: []string{"CVE-2022-0001", "CVE-2022-0002"}},
		{name: "unchanged", old: []advisory.Record{a, b}, new: []advisory.Record{a, b}},
		{name: "order does not matter", old: []advisory.Record{a, b}, new: []advisory.Record{b, a}},
		{
			name: "new catalogue version alone is no change",
			old:  []advisory.Record{a},
			new:  []advisory.Record{rec("CVE-2022-0001", func(k *advisory.KEV) { k.Catalog = "2025.08.25" })},
		},
		{
			name:    "ransomware use learnt",
			old:     []advisory.Record{a, b},
			new:     []advisory.Record{a, rec("CVE-2022-0002", func(k *advisory.KEV) { k.KnownRansomwareCampaignUse = "Known" })},
			changed: []string{"CVE-2022-0002"},
		},
		{
			name:    "cwe added",
			old:     []advisory.Record{a},
			new:     []advisory.Record{rec("CVE-2022-0001", func(k *advisory.KEV) { k.CWEs = []string{"CWE-79"} })},
			changed: []string{"CVE-2022-0001"},
		},
		{
			name: "description reworded",
			old:  []advisory.Record{a},
			new: []advisory.Record{func() advisory.Record {
				r := rec("CVE-2022-0001", nil)
				r.Descriptions = []advisory.Text{{Lang: "en", Value: "reworded"}}
				return r
			}()},
			changed: []string{"CVE-2022-0001"},
		},
		{
			name:    "added, changed and removed keep catalogue order",
			old:     []advisory.Record{c, b, a},
			new:     []advisory.Record{rec("CVE-2022-0005", nil), rec("CVE-2022-0004", nil), rec("CVE-2022-0003", func(k *advisory.KEV) { k.DueDate = "2022-02-01" }), a},
			added:   []string{"CVE-2022-0005", "CVE-2022-0004"},
			changed: []string{"CVE-2022-0003"},
			removed: []string{"CVE-2022-0002"},
		},
		{
			name:    "repeated ids count once, as first listed",
			old:     []advisory.Record{a, b, b},
			new:     []advisory.Record{a, a, rec("CVE-2022-0001", func(k *advisory.KEV) { k.Notes = "later" })},
			removed: []string{"CVE-2022-0002"},
		},
		{name: "all removed", old: []advisory.Record{a, b}, removed: []string{"CVE-2022-0001", "CVE-2022-0002"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			oldCatalogs := catalogs(tt.old)
			added, changed, removed := Diff(tt.old, tt.new)
			if diff := cmp.Diff(tt.added, added); diff != "" {
				t.Errorf("added (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.changed, changed); diff != "" {
				t.Errorf("changed (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.removed, removed); diff != "" {
				t.Errorf("removed (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(oldCatalogs, catalogs(tt.old)); diff != "" {
				t.Errorf("Diff modified its input (-before +after):\n%s", diff)
			}
		})
	}
}

func catalogs(recs []advisory.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.KEV.Catalog)
	}
	return out
}

// validated wraps Parse so that the fuzzer also fails on a yielded record
// that advisory.Record.Validate rejects: feedtest.Fuzz fails on any error
// that is not a feed error.
func validated(name string, r io.Reader) iter.Seq2[advisory.Record, error] {
	return func(yield func(advisory.Record, error) bool) {
		for rec, err := range Parse(name, r) {
			if err == nil {
				if verr := rec.Validate(); verr != nil {
					yield(rec, verr)
					return
				}
			}
			if !yield(rec, err) {
				return
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	jsonSeeds, _ := filepath.Glob("testdata/*.json")
	csvSeeds, _ := filepath.Glob("testdata/*.csv")
	// Small seeds too: the extracts take the fuzzer long to minimise.
	f.Add("kev.json", []byte(doc(log4shellJSON)))
	f.Add("kev-2025-08-25.csv", []byte(csvHead+log4shellCSV))
	feedtest.Fuzz(f, validated, append(jsonSeeds, csvSeeds...)...)
}
