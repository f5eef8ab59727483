package nvd_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/feed/nvd"
)

// splitFile runs SplitAPI over a file and collects what it yields.
func splitFile(t *testing.T, path string, into map[string]json.RawMessage) nvd.Page {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := nvd.SplitAPI(f, func(id string, raw json.RawMessage) error {
		into[id] = raw
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return p
}

// TestSplitAPIGolden reproduces api-cve/golden/<case>/YYYY/<id>.json, the
// per-CVE files vuls-data-update's fetcher wrote from the paged fixtures,
// by paging through the fixtures the way an API client would.
//
// The fixtures are named <startIndex>-<resultsPerPage>.json. The fetcher
// first asked for one result to learn totalResults (0-1.json), then asked
// for pages of three. The test follows Page.Next from page to page, so in
// the "increase" case, where totalResults grows from 7 to 8 between pages,
// it still reaches the eighth CVE. In the "moddate" case the fixture server
// filtered the unfiltered files by lastModStartDate/lastModEndDate, so the
// test applies the same window.
func TestSplitAPIGolden(t *testing.T) {
	tests := []struct {
		name   string
		window [2]time.Time // lastModified bounds, inclusive; zero: none
		want   int
	}{
		{name: "empty", want: 0},
		{name: "1_item", want: 1},
		{name: "3_items", want: 3},
		{name: "3_pages", want: 8},
		{name: "increase", want: 8},
		{name: "moddate", want: 3, window: [2]time.Time{
			time.Date(2023, 11, 10, 4, 0, 0, 0, time.UTC),
			time.Date(2023, 11, 10, 7, 0, 0, 0, time.UTC),
		}},
		{name: "ssvc_affected", want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := feedtest.SharedData(t, "nvd/api-cve/fixtures/"+tt.name)
			got := map[string]json.RawMessage{}
			if probe := splitFile(t, filepath.Join(dir, "0-1.json"), map[string]json.RawMessage{}); probe.TotalResults > 0 {
				for start := 0; ; {
					p := splitFile(t, filepath.Join(dir, fmt.Sprintf("%d-3.json", start)), got)
					next, more := p.Next()
					if !more {
						break
					}
					start = next
				}
			}
			if !tt.window[0].IsZero() {
				for id, raw := range got {
					if m := lastModified(t, raw); m.Before(tt.window[0]) || m.After(tt.window[1]) {
						delete(got, id)
					}
				}
			}
			if len(got) != tt.want {
				t.Errorf("split %d CVEs, want %d", len(got), tt.want)
			}
			compareGolden(t, filepath.Join(filepath.Dir(filepath.Dir(dir)), "golden", tt.name), got)
		})
	}
}

// TestSplitFeedGolden reproduces feed/cve/v2/golden: the yearly 2.0 feeds
// split per CVE, with the "modified" feed applied last. A copy replaces an
// earlier one only when its lastModified is later: the fixture's modified
// feed holds one stale copy ("STALE DATA - this must NOT overwrite the
// year feed data"), which an importer must also refuse.
func TestSplitFeedGolden(t *testing.T) {
	got := map[string]json.RawMessage{}
	modified := map[string]time.Time{}
	for _, name := range []string{"nvdcve-2.0-2002.json.gz", "nvdcve-2.0-2021.json.gz", "nvdcve-2.0-modified.json.gz"} {
		b := readShared(t, "nvd/feed/cve/v2/fixtures/"+name)
		if _, err := nvd.SplitAPI(bytes.NewReader(b), func(id string, raw json.RawMessage) error {
			m := lastModified(t, raw)
			if have, ok := modified[id]; ok && !m.After(have) {
				return nil
			}
			got[id], modified[id] = raw, m
			return nil
		}); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if len(got) != 7 {
		t.Errorf("split %d CVEs, want 7", len(got))
	}
	compareGolden(t, feedtest.SharedData(t, "nvd/feed/cve/v2/golden"), got)
}

func lastModified(t *testing.T, raw json.RawMessage) time.Time {
	t.Helper()
	var c struct{ LastModified string }
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	m, err := time.Parse("2006-01-02T15:04:05", c.LastModified)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// compareGolden checks that dir holds exactly one YYYY/<id>.json per split
// CVE, YYYY being the year in the id, and that each equals the split
// object as decoded JSON.
//
// The golden files went through the fetcher's Go structs, which dropped
// empty members (cveTags: [], metrics: {}) and added zero ones
// (temporalScore: 0, environmentalScore: 0, negate: false), and which
// wrote 10.0 as 10. Both sides are therefore decoded and stripped of zero
// values before they are compared: that a member is absent or zero says
// the same thing in the NVD schema.
func compareGolden(t *testing.T, dir string, got map[string]json.RawMessage) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(got) {
		t.Errorf("%s holds %d files, split gave %d CVEs", dir, len(files), len(got))
	}
	for id, raw := range got {
		year := strings.Split(id, "-")[1]
		want, err := os.ReadFile(filepath.Join(dir, year, id+".json"))
		if err != nil {
			t.Errorf("%s: no golden file: %v", id, err)
			continue
		}
		if diff := cmp.Diff(decodeNonZero(t, want), decodeNonZero(t, raw)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", id, diff)
		}
	}
}

func decodeNonZero(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return dropZero(v)
}

// dropZero removes object members whose value is zero: null, false, 0,
// "", or an array or object that is empty once its own zero members are
// gone. Array elements are kept, since their positions matter.
func dropZero(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			x = dropZero(x)
			if isZero(x) {
				delete(v, k)
			} else {
				v[k] = x
			}
		}
		return v
	case []any:
		for i, x := range v {
			v[i] = dropZero(x)
		}
		return v
	}
	return v
}

func isZero(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case bool:
		return !v
	case float64:
		return v == 0
	case string:
		return v == ""
	case map[string]any:
		return len(v) == 0
	case []any:
		return len(v) == 0
	}
	return false
}

func TestPage(t *testing.T) {
	tests := []struct {
		file     string
		want     nvd.Page
		wantNext int
		wantMore bool
		wantTime time.Time
	}{
		{
			file:     "empty/0-1.json",
			want:     nvd.Page{Format: "NVD_CVE", Version: "2.0", Timestamp: "2023-11-10T07:37:10.823"},
			wantTime: time.Date(2023, 11, 10, 7, 37, 10, 823e6, time.UTC),
		},
		{
			file:     "increase/0-3.json",
			want:     nvd.Page{ResultsPerPage: 3, TotalResults: 7, Format: "NVD_CVE", Version: "2.0", Timestamp: "2023-11-10T08:41:24.983", Count: 3},
			wantNext: 3, wantMore: true,
			wantTime: time.Date(2023, 11, 10, 8, 41, 24, 983e6, time.UTC),
		},
		{
			// totalResults has grown to 8 since the first page.
			file:     "increase/3-3.json",
			want:     nvd.Page{ResultsPerPage: 3, StartIndex: 3, TotalResults: 8, Format: "NVD_CVE", Version: "2.0", Timestamp: "2023-11-10T07:39:45.630", Count: 3},
			wantNext: 6, wantMore: true,
			wantTime: time.Date(2023, 11, 10, 7, 39, 45, 630e6, time.UTC),
		},
		{
			file:     "increase/6-3.json",
			want:     nvd.Page{ResultsPerPage: 2, StartIndex: 6, TotalResults: 8, Format: "NVD_CVE", Version: "2.0", Timestamp: "2023-11-10T07:39:23.140", Count: 2},
			wantNext: 8,
			wantTime: time.Date(2023, 11, 10, 7, 39, 23, 140e6, time.UTC),
		},
		{
			// resultsPerPage says 1, but the page holds all 8: Next
			// advances by what arrived.
			file:     "moddate/0-1.json",
			want:     nvd.Page{ResultsPerPage: 1, TotalResults: 8, Format: "NVD_CVE", Version: "2.0", Timestamp: "2023-11-10T08:41:24.983", Count: 8},
			wantNext: 8,
			wantTime: time.Date(2023, 11, 10, 8, 41, 24, 983e6, time.UTC),
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := splitFile(t, feedtest.SharedData(t, "nvd/api-cve/fixtures/"+tt.file), map[string]json.RawMessage{})
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("page (-want +got):\n%s", diff)
			}
			next, more := got.Next()
			if next != tt.wantNext || more != tt.wantMore {
				t.Errorf("Next() = %d, %v; want %d, %v", next, more, tt.wantNext, tt.wantMore)
			}
			tm, err := got.Time()
			if err != nil || !tm.Equal(tt.wantTime) {
				t.Errorf("Time() = %v, %v; want %v", tm, err, tt.wantTime)
			}
		})
	}
}

func TestPageTimeBad(t *testing.T) {
	for _, tt := range []struct{ stamp, want string }{
		{"", "malformed input: timestamp: missing"},
		{"yesterday", `malformed input: timestamp: invalid time "yesterday"`},
	} {
		_, err := nvd.Page{Timestamp: tt.stamp}.Time()
		if err == nil || err.Error() != tt.want {
			t.Errorf("Time(%q) error = %v, want %q", tt.stamp, err, tt.want)
		}
	}
}

func TestSplitAPIBad(t *testing.T) {
	errYield := errors.New("disk full")
	tests := []struct {
		name    string
		in      string
		yield   error
		wantIDs []string
		wantErr string
	}{
		{
			name:    "1.1 feed",
			in:      `{"CVE_data_type":"CVE","CVE_Items":[]}`,
			wantErr: "malformed input: no vulnerabilities array",
		},
		{
			name:    "CPE API page",
			in:      `{"resultsPerPage":0,"format":"NVD_CPE","products":[]}`,
			wantErr: `malformed input: format: "NVD_CPE" is not NVD_CVE`,
		},
		{
			name:    "element without cve",
			in:      `{"vulnerabilities":[{"cve":{"id":"CVE-2024-0001"}},{"id":"CVE-2024-0002"}]}`,
			wantIDs: []string{"CVE-2024-0001"},
			wantErr: "#2: cve: malformed input: missing",
		},
		{
			name:    "id unsafe as a file name",
			in:      `{"vulnerabilities":[{"cve":{"id":"../../etc/passwd"}}]}`,
			wantErr: `#1: cve.id: malformed input: malformed id "../../etc/passwd"`,
		},
		{
			name:    "id not a string",
			in:      `{"vulnerabilities":[{"cve":{"id":7}}]}`,
			wantErr: "#1: cve: malformed input: not an object with a string id",
		},
		{
			name:    "element not an object",
			in:      `{"vulnerabilities":["CVE-2024-0001"]}`,
			wantErr: "#1: malformed input: not an object",
		},
		{
			name:    "truncated",
			in:      `{"vulnerabilities":[{"cve":{"id":"CVE-2024-0001"}},{"cve":{"id":"CVE-2024-0002"`,
			wantIDs: []string{"CVE-2024-0001"},
			wantErr: "malformed input: vulnerabilities[1]: unexpected EOF",
		},
		{
			name:    "totalResults not a number",
			in:      `{"totalResults":"many","vulnerabilities":[]}`,
			wantErr: "malformed input: totalResults: json: cannot unmarshal string into Go value of type int",
		},
		{
			name:    "yield fails",
			in:      `{"vulnerabilities":[{"cve":{"id":"CVE-2024-0001"}},{"cve":{"id":"CVE-2024-0002"}}]}`,
			yield:   errYield,
			wantIDs: []string{"CVE-2024-0001"},
			wantErr: "disk full",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ids []string
			_, err := nvd.SplitAPI(strings.NewReader(tt.in), func(id string, _ json.RawMessage) error {
				ids = append(ids, id)
				return tt.yield
			})
			if diff := cmp.Diff(tt.wantIDs, ids); diff != "" {
				t.Errorf("ids (-want +got):\n%s", diff)
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("error = %v, want %q", err, tt.wantErr)
			}
			if tt.yield != nil {
				if !errors.Is(err, tt.yield) {
					t.Errorf("error %v does not wrap the yield error", err)
				}
			} else if !errors.Is(err, feed.ErrFormat) {
				t.Errorf("error %v does not wrap feed.ErrFormat", err)
			}
		})
	}
}
