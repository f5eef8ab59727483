package epss

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
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

func score(id string, e advisory.EPSS) advisory.Record {
	mod, _ := time.Parse(time.DateOnly, e.Date)
	return advisory.Record{Source: "epss", ID: id, EPSS: &e, Modified: mod}
}

func TestParse(t *testing.T) {
	const name = "epss_scores-2021-04-14.csv"
	const comment = "#model_version:v2023.03.01,score_date:2023-03-07T00:00:00+0000\n"
	big := strings.Repeat("9", maxLine)
	huge := strings.Repeat("9", maxLine+slack)
	tests := []struct {
		name     string
		file     string // given to Parse; name when empty
		in       string
		want     []advisory.Record
		wantErrs []string
	}{
		{
			name: "cve,epss dated by file name",
			in:   "cve,epss\nCVE-2020-5902,0.65117\nCVE-2018-19571,0.04773\n",
			want: []advisory.Record{
				score("CVE-2020-5902", advisory.EPSS{Score: 0.65117, Date: "2021-04-14"}),
				score("CVE-2018-19571", advisory.EPSS{Score: 0.04773, Date: "2021-04-14"}),
			},
		},
		{
			name: "compressed file name in a directory",
			file: "feeds/2021/epss_scores-2021-04-14.csv.gz",
			in:   "cve,epss\nCVE-2020-5902,0.65117\n",
			want: []advisory.Record{score("CVE-2020-5902", advisory.EPSS{Score: 0.65117, Date: "2021-04-14"})},
		},
		{
			name: "comment line gives model and date",
			file: "scores.csv",
			in:   comment + "cve,epss,percentile\nCVE-2020-5902,0.97567,0.99995\n",
			want: []advisory.Record{score("CVE-2020-5902", advisory.EPSS{Score: 0.97567, Percentile: 0.99995, Date: "2023-03-07", Model: "v2023.03.01"})},
		},
		{
			name: "comment line wins over the file name",
			in:   comment + "cve,epss,percentile\nCVE-2020-5902,0.97567,0.99995\n",
			want: []advisory.Record{score("CVE-2020-5902", advisory.EPSS{Score: 0.97567, Percentile: 0.99995, Date: "2023-03-07", Model: "v2023.03.01"})},
		},
		{
			name: "comment line with RFC 3339 date, unknown key, no model",
			file: "scores.csv",
			in:   "#score_date:2023-03-07T00:00:00Z,rows:1\ncve,epss\nCVE-2020-5902,0.5\n",
			want: []advisory.Record{score("CVE-2020-5902", advisory.EPSS{Score: 0.5, Date: "2023-03-07"})},
		},
		{
			name: "comment line without a date falls back to the file name",
			in:   "#model_version:v2022.01.01\ncve,epss\nCVE-2020-5902,0.5\n",
			want: []advisory.Record{score("CVE-2020-5902", advisory.EPSS{Score: 0.5, Date: "2021-04-14", Model: "v2022.01.01"})},
		},
		{
			name: "BOM, CRLF, blank line, column order, extra column",
			in:   "\ufeffPercentile,CVE,EPSS,note\r\n\r\n0.5,CVE-2020-5902,1e-05,x\r\n",
			want: []advisory.Record{score("CVE-2020-5902", advisory.EPSS{Score: 0.00001, Percentile: 0.5, Date: "2021-04-14"})},
		},
		{
			name: "bounds are scores",
			in:   "cve,epss,percentile\nCVE-2020-5902,1,1\nCVE-2020-5903,0,0.0\n",
			want: []advisory.Record{
				score("CVE-2020-5902", advisory.EPSS{Score: 1, Percentile: 1, Date: "2021-04-14"}),
				score("CVE-2020-5903", advisory.EPSS{Score: 0, Date: "2021-04-14"}),
			},
		},
		{name: "header only", in: "cve,epss\n"},

		// Bad rows are reported and the next one is read.
		{
			name:     "score above 1",
			in:       "cve,epss\nCVE-2020-5902,1.5\nCVE-2020-5903,0.5\n",
			want:     []advisory.Record{score("CVE-2020-5903", advisory.EPSS{Score: 0.5, Date: "2021-04-14"})},
			wantErrs: []string{`line 2: epss: malformed input: "1.5" outside [0, 1]`},
		},
		{
			name:     "negative score",
			in:       "cve,epss\nCVE-2020-5902,-0.1\n",
			wantErrs: []string{`line 2: epss: malformed input: "-0.1" outside [0, 1]`},
		},
		{
			name:     "NaN score",
			in:       "cve,epss\nCVE-2020-5902,NaN\n",
			wantErrs: []string{`line 2: epss: malformed input: "NaN" outside [0, 1]`},
		},
		{
			name:     "decimal comma makes a long row",
			in:       "cve,epss\nCVE-2020-5902,0,5\n",
			wantErrs: []string{`line 2: malformed input: 3 fields, header has 2`},
		},
		{
			name:     "score a word",
			in:       "cve,epss\nCVE-2020-5902,high\n",
			wantErrs: []string{`line 2: epss: malformed input: not a number: "high"`},
		},
		{
			name:     "score empty",
			in:       "cve,epss\nCVE-2020-5902,\n",
			wantErrs: []string{`line 2: epss: malformed input: not a number: ""`},
		},
		{
			name:     "percentile above 1",
			in:       comment + "cve,epss,percentile\nCVE-2020-5902,0.5,99.5\n",
			wantErrs: []string{`line 3: percentile: malformed input: "99.5" outside [0, 1]`},
		},
		{
			name:     "malformed cve id",
			in:       "cve,epss\nCVE-2020-59,0.5\ncve-2020-5902,0.5\n",
			wantErrs: []string{`line 2: cve: malformed input: malformed CVE id "CVE-2020-59"`, `line 3: cve: malformed input: malformed CVE id "cve-2020-5902"`},
		},
		{
			name:     "missing column",
			in:       comment + "cve,epss,percentile\nCVE-2020-5902,0.5\nCVE-2020-5903\n",
			wantErrs: []string{`line 3: percentile: malformed input: 2 fields, header has 3`, `line 4: epss: malformed input: 1 fields, header has 3`},
		},
		{
			name:     "bare quote",
			in:       "cve,epss\nCVE-2020-5902,0\"5\nCVE-2020-5903,0.5\n",
			want:     []advisory.Record{score("CVE-2020-5903", advisory.EPSS{Score: 0.5, Date: "2021-04-14"})},
			wantErrs: []string{`line 2: malformed input: byte 16: bare " in non-quoted-field`},
		},
		{
			name:     "line just over 1 MiB",
			in:       "cve,epss\nCVE-2020-5902,0." + big + "\nCVE-2020-5903,0.5\n",
			want:     []advisory.Record{score("CVE-2020-5903", advisory.EPSS{Score: 0.5, Date: "2021-04-14"})},
			wantErrs: []string{`line 2: malformed input: line larger than 1048576 bytes`},
		},

		// Files that cannot be read yield one error and stop.
		{
			name:     "no date anywhere",
			file:     "scores.csv",
			in:       "cve,epss\nCVE-2020-5902,0.5\n",
			wantErrs: []string{`malformed input: score date: no score_date in a #model_version comment line, and no date in the file name "scores.csv" (want epss_scores-YYYY-MM-DD.csv)`},
		},
		{
			name:     "impossible date in the file name",
			file:     "epss_scores-2021-02-30.csv",
			in:       "cve,epss\nCVE-2020-5902,0.5\n",
			wantErrs: []string{`malformed input: score date: no score_date in a #model_version comment line, and no date in the file name "epss_scores-2021-02-30.csv" (want epss_scores-YYYY-MM-DD.csv)`},
		},
		{
			name:     "bad score_date",
			in:       "#model_version:v2023.03.01,score_date:07/03/2023\ncve,epss\nCVE-2020-5902,0.5\n",
			wantErrs: []string{`line 1: score_date: malformed input: not a date: "07/03/2023"`},
		},
		{
			name:     "header without cve",
			in:       "id,epss,percentile\nCVE-2020-5902,0.5,0.5\n",
			wantErrs: []string{`line 1: header: malformed input: no "cve" column in "id,epss,percentile"`},
		},
		{
			name:     "header without epss after the comment line",
			in:       comment + "cve,percentile\nCVE-2020-5902,0.5\n",
			wantErrs: []string{`line 2: header: malformed input: no "epss" column in "cve,percentile"`},
		},
		{
			name:     "empty",
			in:       "",
			wantErrs: []string{`line 1: header: malformed input: missing`},
		},
		{
			name:     "comment line only",
			in:       strings.TrimSuffix(comment, "\n"),
			wantErrs: []string{`line 2: header: malformed input: missing`},
		},
		{
			name:     "header line far over 1 MiB",
			in:       "cve,epss" + huge,
			wantErrs: []string{`line 1: header: malformed input: line larger than 1048576 bytes`},
		},
		{
			name:     "comment line far over 1 MiB",
			in:       "#model_version:" + huge + "\ncve,epss\n",
			wantErrs: []string{`line 1: malformed input: line larger than 1048576 bytes`},
		},
		{
			name:     "line far over 1 MiB",
			in:       comment + "cve,epss\nCVE-2020-5902,0.5\n\nCVE-2020-5903,\"" + huge,
			want:     []advisory.Record{score("CVE-2020-5902", advisory.EPSS{Score: 0.5, Date: "2023-03-07", Model: "v2023.03.01"})},
			wantErrs: []string{`line 5: malformed input: line larger than 1048576 bytes`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := tt.file
			if file == "" {
				file = name
			}
			feedtest.Expect(t, Parse(file, strings.NewReader(tt.in)), tt.want, tt.wantErrs)
		})
	}
}

// TestParseStops checks that Parse stops when the consumer does, on
// records and on errors.
func TestParseStops(t *testing.T) {
	for _, in := range []string{
		"cve,epss\nCVE-2020-5902,0.5\nCVE-2020-5903,0.5\n",
		"cve,epss\nCVE-2020-59,0.5\nCVE-2020-59,0.5\n",
	} {
		n := 0
		for range Parse("epss_scores-2021-04-14.csv", strings.NewReader(in)) {
			n++
			break
		}
		if n != 1 {
			t.Errorf("yielded %d times after break", n)
		}
	}
}

// TestParseReadError checks that a failing reader ends the file with one
// error that keeps its cause.
func TestParseReadError(t *testing.T) {
	errDisk := errors.New("disk on fire")
	in := "cve,epss\nCVE-2020-5902,0.5\nCVE-2020-59"
	r := io.MultiReader(strings.NewReader(in), errReader{errDisk})
	got, errs := feedtest.Collect(Parse("epss_scores-2021-04-14.csv", r))
	if len(got) != 1 || len(errs) != 1 || !errors.Is(errs[0], errDisk) || !errors.Is(errs[0], feed.ErrFormat) {
		t.Errorf("got %d records, errors %v; want 1 record and one error wrapping %v and feed.ErrFormat", len(got), errs, errDisk)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// expected is the shape of the upstream expected outputs (vuls-data-update
// pkg/fetch/epss/testdata/golden): one file's model, score_date and scores.
type expected struct {
	Model     string `json:"model,omitempty"`
	ScoreDate string `json:"score_date"`
	Data      []struct {
		ID         string  `json:"id"`
		EPSS       float64 `json:"epss"`
		Percentile float64 `json:"percentile,omitempty"`
	} `json:"data"`
}

// rebuild turns a file's records back into the upstream shape. Every
// record carries the file's model and date; score_date is FIRST's midnight
// UTC of that date, which is also what upstream writes for the files that
// have no comment line.
func rebuild(t *testing.T, recs []advisory.Record) expected {
	t.Helper()
	var out expected
	for i, r := range recs {
		e := r.EPSS
		if i == 0 {
			out.Model, out.ScoreDate = e.Model, e.Date+"T00:00:00+0000"
		} else if e.Model != recs[0].EPSS.Model || e.Date != recs[0].EPSS.Date {
			t.Errorf("%s: model %q date %q differ from the first record's", r.ID, e.Model, e.Date)
		}
		out.Data = append(out.Data, struct {
			ID         string  `json:"id"`
			EPSS       float64 `json:"epss"`
			Percentile float64 `json:"percentile,omitempty"`
		}{r.ID, e.Score, e.Percentile})
	}
	return out
}

func readExpected(t *testing.T, path string) expected {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields() // a field the rebuild does not know would go unchecked
	var want expected
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return want
}

var dates = []string{"2021-04-14", "2021-09-01", "2022-02-04", "2023-03-07"}

// TestExpected parses the four header styles and compares each with the
// upstream expected output, and with the records' golden file.
func TestExpected(t *testing.T) {
	for _, date := range dates {
		t.Run(date, func(t *testing.T) {
			recs, errs := feedtest.ParseFile(t, Parse, filepath.Join("testdata", "epss_scores-"+date+".csv"))
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			want := readExpected(t, filepath.Join("testdata", "expected", date+".json"))
			if diff := cmp.Diff(want, rebuild(t, recs)); diff != "" {
				t.Errorf("rebuilt file differs from the expected output (-want +got):\n%s", diff)
			}
			feedtest.Golden(t, filepath.Join("testdata", "golden", "epss_scores-"+date+".json"), recs)
		})
	}
}

// TestCorpus reads the gzip files and expected outputs in the shared
// corpus as the importer would see them: decompressed, under their .gz
// names.
func TestCorpus(t *testing.T) {
	total := 0
	for _, date := range dates {
		path := feedtest.SharedData(t, "epss/fixtures/epss_scores-"+date+".csv.gz")
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		recs, errs := feedtest.Collect(Parse(filepath.Base(path), zr))
		if len(errs) > 0 {
			t.Errorf("%s: %v", date, errs)
		}
		for _, r := range recs {
			if err := r.Validate(); err != nil {
				t.Errorf("%s: %s: %v", date, r.ID, err)
			}
		}
		want := readExpected(t, feedtest.SharedData(t, "epss/golden/"+date[:4]+"/"+date+".json"))
		if diff := cmp.Diff(want, rebuild(t, recs)); diff != "" {
			t.Errorf("%s: rebuilt file differs from the expected output (-want +got):\n%s", date, diff)
		}
		total += len(recs)
	}
	if total != 8 {
		t.Errorf("read %d records in all, want 8", total)
	}
}

// TestParseStreams reads a file the size of a real daily one and checks
// that records come out while it is still being read.
func TestParseStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 250,000 rows")
	}
	g := &feedtest.Generated{N: 250_000, Head: "#model_version:v2025.03.14,score_date:2025-08-25T00:00:00+0000\ncve,epss,percentile\n",
		Item: func(i int) string {
			return fmt.Sprintf("CVE-%d-%d,0.%05d,0.%05d\n", 1999+i%27, 1000+i, i%100000, (i*7)%100000)
		}}
	feedtest.Streams(t, Parse("epss_scores-2025-08-25.csv", g), g, func(rec advisory.Record) {
		if rec.EPSS.Date != "2025-08-25" {
			t.Fatalf("%s: date %q", rec.ID, rec.EPSS.Date)
		}
	})
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name, file, head string
		want             bool
	}{
		{"daily file", "epss_scores-2023-03-07.csv.gz", "\x1f\x8b", true},
		{"current file name", "EPSS_scores-current.csv", "", true},
		{"comment line", "scores.csv", "#model_version:v2023.03.01,score_date:2023-03-07T00:00:00+0000\ncve,epss,percentile\n", true},
		{"old header", "scores.csv", "cve,epss\nCVE-2020-5902,0.65117\n", true},
		{"header with BOM", "scores.csv", "\ufeffcve,epss,percentile\n", true},
		{"kev csv", "known_exploited_vulnerabilities.csv", "cveID,vendorProject,product\n", false},
		{"other comment", "scores.csv", "# cve,epss\n", false},
		{"json", "epss.json", `{"status":"OK","data":[{"cve":"CVE-2022-27225","epss":"0.00272"}]}`, false},
		{"empty", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sniff(tt.file, []byte(tt.head)); got != tt.want {
				t.Errorf("Sniff(%q, %q) = %v, want %v", tt.file, tt.head, got, tt.want)
			}
		})
	}
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
	seeds, err := filepath.Glob("testdata/*.csv")
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seeds in testdata: %v", err)
	}
	f.Add("scores.csv", []byte("\ufeffpercentile,cve,epss\r\n0.5,CVE-2020-5902,1e-05\r\n"))
	feedtest.Fuzz(f, validated, seeds...)
}
