package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/feed/nvd"
)

// nvdAPI serves the corpus's recorded CVE API 2.0 responses: the request
// for startIndex I and resultsPerPage N gets fixtures/<case>/I-N.json,
// whatever its dates. It records each request's query and apiKey header.
type nvdAPI struct {
	dir string // fixtures/<case>

	mu      sync.Mutex
	queries []url.Values
	keys    []string
	fail    []int // statuses to answer first, one per request
}

func newNVDAPI(t *testing.T, fixture string) (*nvdAPI, *httptest.Server) {
	t.Helper()
	api := &nvdAPI{dir: feedtest.SharedData(t, "nvd/api-cve/fixtures/"+fixture)}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return api, srv
}

func (a *nvdAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a.mu.Lock()
	a.queries = append(a.queries, q)
	a.keys = append(a.keys, r.Header.Get("apiKey"))
	var status int
	if len(a.fail) > 0 {
		status, a.fail = a.fail[0], a.fail[1:]
	}
	a.mu.Unlock()
	if status != 0 {
		http.Error(w, http.StatusText(status), status)
		return
	}
	if r.URL.Path != "/rest/json/cves/2.0" {
		http.NotFound(w, r)
		return
	}
	http.ServeFile(w, r, filepath.Join(a.dir, q.Get("startIndex")+"-"+q.Get("resultsPerPage")+".json"))
}

// pages returns "startIndex-resultsPerPage" of each request.
func (a *nvdAPI) pages() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var ps []string
	for _, q := range a.queries {
		ps = append(ps, q.Get("startIndex")+"-"+q.Get("resultsPerPage"))
	}
	return ps
}

// cves reads the ids from the pages a sync imported.
func cves(t *testing.T, dir string, pages []string) []string {
	t.Helper()
	var ids []string
	for _, p := range pages {
		f, err := os.Open(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		_, err = nvd.SplitAPI(f, func(id string, _ json.RawMessage) error {
			ids = append(ids, id)
			return nil
		})
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	return ids
}

func nvdTimeOf(t *testing.T, s string) time.Time {
	t.Helper()
	tm, err := time.Parse(nvdTime, s)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

var eightCVEs = []string{
	"CVE-2023-36014", "CVE-2023-36024", "CVE-2023-46729", "CVE-2023-6069",
	"CVE-2023-45167", "CVE-2023-39796", "CVE-2023-47246", "CVE-2023-47800",
}

// TestNVDWalk walks every CVE, as a first sync does, through each recorded
// case.
func TestNVDWalk(t *testing.T) {
	tests := []struct {
		fixture   string
		pageSize  int
		requests  []string
		cves      []string
		watermark string // the first page's timestamp
	}{
		{fixture: "1_item", pageSize: 3, requests: []string{"0-3"}, cves: []string{"CVE-2024-4819"}, watermark: "2024-06-29T16:54:34.113"},
		{fixture: "3_items", pageSize: 3, requests: []string{"0-3"}, cves: []string{"CVE-2023-47488", "CVE-2023-47489", "CVE-2023-47613"}, watermark: "2023-11-10T07:40:33.460"},
		{fixture: "3_pages", pageSize: 3, requests: []string{"0-3", "3-3", "6-3"}, cves: eightCVEs, watermark: "2023-11-10T08:41:24.983"},
		// The total grows from 7 to 8 between the first and second page:
		// the walk follows the latest total.
		{fixture: "increase", pageSize: 3, requests: []string{"0-3", "3-3", "6-3"}, cves: eightCVEs, watermark: "2023-11-10T08:41:24.983"},
		// NVD sent more than asked for; the walk advances by what came.
		{fixture: "moddate", pageSize: 3, requests: []string{"0-3"}, cves: eightCVEs, watermark: "2023-11-10T08:41:24.983"},
		{fixture: "empty", pageSize: 1, requests: []string{"0-1"}, watermark: "2023-11-10T07:37:10.823"},
		{fixture: "ssvc_affected", pageSize: 3, requests: []string{"0-3"}, cves: []string{"CVE-2021-44228"}, watermark: "2026-06-18T00:00:00.000"},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			api, srv := newNVDAPI(t, tt.fixture)
			dir := t.TempDir()
			src := &NVD{Client: quick, Dir: dir, URL: srv.URL + "/rest/json/cves/2.0", PageSize: tt.pageSize, RateWindow: time.Millisecond}
			im := &imports{}
			res, err := src.Sync(context.Background(), im.Import)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.requests, api.pages()); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			if len(res.Files) != len(tt.requests) {
				t.Errorf("result lists %d files, want %d", len(res.Files), len(tt.requests))
			}
			if diff := cmp.Diff(tt.cves, cves(t, dir, im.paths)); diff != "" {
				t.Errorf("imported CVEs (-want +got):\n%s", diff)
			}
			st, err := LoadState(dir)
			if err != nil {
				t.Fatal(err)
			}
			if want := (&State{Watermark: nvdTimeOf(t, tt.watermark)}); !cmp.Equal(want, st) {
				t.Errorf("state %+v, want watermark %s and nothing else", st, tt.watermark)
			}
			for _, q := range api.queries {
				if q.Has("lastModStartDate") || q.Has("lastModEndDate") {
					t.Errorf("a first sync asked for a date range: %s", q.Encode())
				}
			}
		})
	}
}

func TestNVDAPIKey(t *testing.T) {
	for _, key := range []string{"", "a-key"} {
		t.Run(fmt.Sprintf("key %q", key), func(t *testing.T) {
			api, srv := newNVDAPI(t, "3_pages")
			src := &NVD{Client: quick, Dir: t.TempDir(), URL: srv.URL + "/rest/json/cves/2.0", PageSize: 3, APIKey: key}
			if _, err := src.Sync(context.Background(), (&imports{}).Import); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{key, key, key}, api.keys); diff != "" {
				t.Errorf("apiKey headers (-want +got):\n%s", diff)
			}
			want := nvdRequests
			if key != "" {
				want = nvdKeyRequests
			}
			if src.Limiter.n != want || src.Limiter.per != NVDRateWindow {
				t.Errorf("limiter allows %d per %v, want %d per %v", src.Limiter.n, src.Limiter.per, want, NVDRateWindow)
			}
		})
	}
}

// TestNVDIncremental syncs from a watermark five months back: two ranges,
// the first of NVDMaxRange, each walked whole.
func TestNVDIncremental(t *testing.T) {
	api, srv := newNVDAPI(t, "3_pages")
	dir := t.TempDir()
	if err := SaveState(dir, &State{Watermark: time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2023, 11, 10, 9, 0, 0, 0, time.UTC)
	src := &NVD{Client: quick, Dir: dir, URL: srv.URL + "/rest/json/cves/2.0", PageSize: 3, RateWindow: time.Millisecond, Now: func() time.Time { return now }}
	im := &imports{}
	if _, err := src.Sync(context.Background(), im.Import); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, q := range api.queries {
		got = append(got, q.Get("lastModStartDate")+" "+q.Get("lastModEndDate")+" "+q.Get("startIndex"))
	}
	want := []string{
		"2023-06-01T00:00:00.000 2023-09-28T00:00:00.000 0",
		"2023-06-01T00:00:00.000 2023-09-28T00:00:00.000 3",
		"2023-06-01T00:00:00.000 2023-09-28T00:00:00.000 6",
		"2023-09-28T00:00:00.000 2023-11-10T09:00:00.000 0",
		"2023-09-28T00:00:00.000 2023-11-10T09:00:00.000 3",
		"2023-09-28T00:00:00.000 2023-11-10T09:00:00.000 6",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("date ranges asked for (-want +got):\n%s", diff)
	}
	if len(im.paths) != 6 || im.paths[0] != "page-20230601T000000-0000000.json" || im.paths[5] != "page-20230928T000000-0000006.json" {
		t.Errorf("imported %v", im.paths)
	}
	// The last range ends at our clock, 09:00; NVD's said 08:41:24.983
	// on its first page, and what changed after that is asked for again.
	st, err := LoadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := nvdTimeOf(t, "2023-11-10T08:41:24.983"); !st.Watermark.Equal(want) || st.Resume != nil {
		t.Errorf("state %+v, want watermark %v", st, want)
	}

	// The next sync starts there, and the cache holds only its pages.
	api.queries = nil
	im = &imports{}
	if _, err := src.Sync(context.Background(), im.Import); err != nil {
		t.Fatal(err)
	}
	if q := api.queries[0]; q.Get("lastModStartDate") != "2023-11-10T08:41:24.983" || q.Get("lastModEndDate") != "2023-11-10T09:00:00.000" {
		t.Errorf("second sync asked for %s", q.Encode())
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "page-*.json"))
	if len(pages) != 3 {
		t.Errorf("cache holds %d pages after the second sync, want its 3", len(pages))
	}
}

// TestNVDResume interrupts a first walk and checks that the next sync goes
// on from the page that failed.
func TestNVDResume(t *testing.T) {
	api, srv := newNVDAPI(t, "3_pages")
	dir := t.TempDir()
	src := &NVD{Client: quick, Dir: dir, URL: srv.URL + "/rest/json/cves/2.0", PageSize: 3, RateWindow: time.Millisecond}
	broken := &imports{fail: map[string]error{"page-all-0000003.json": errors.New("disk full")}}
	_, err := src.Sync(context.Background(), broken.Import)
	if want := "nvd: import " + filepath.Join(dir, "page-all-0000003.json") + ": disk full"; errString(err) != want {
		t.Fatalf("error %v, want %s", err, want)
	}
	st, err := LoadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	started := nvdTimeOf(t, "2023-11-10T08:41:24.983")
	if want := (&State{Resume: &Resume{Started: started, Index: 3}}); !cmp.Equal(want, st) {
		t.Errorf("state after the failure %+v, want resume at 3", st)
	}

	api.queries = nil
	im := &imports{}
	if _, err := src.Sync(context.Background(), im.Import); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"3-3", "6-3"}, api.pages()); diff != "" {
		t.Errorf("resumed requests (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(eightCVEs[3:], cves(t, dir, im.paths)); diff != "" {
		t.Errorf("resumed CVEs (-want +got):\n%s", diff)
	}
	if st, _ = LoadState(dir); !cmp.Equal(&State{Watermark: started}, st) {
		t.Errorf("state after resuming %+v, want watermark %v", st, started)
	}
}

func TestNVDRateLimit(t *testing.T) {
	_, srv := newNVDAPI(t, "3_pages")
	const per = 60 * time.Millisecond
	src := &NVD{Client: quick, Dir: t.TempDir(), URL: srv.URL + "/rest/json/cves/2.0", PageSize: 3, Limiter: NewLimiter(1, per)}
	start := time.Now()
	if _, err := src.Sync(context.Background(), (&imports{}).Import); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < 2*per {
		t.Errorf("3 requests at 1 per %v took %v", per, d)
	}
}

func TestNVDErrors(t *testing.T) {
	const path = "/rest/json/cves/2.0"
	tests := []struct {
		name     string
		fixture  string
		pageSize int
		fail     []int
		wantErr  string   // after "nvd: "
		pages    []string // besides page-all-0000000.json
	}{{
		name: "page size", fixture: "3_pages", pageSize: 2001,
		wantErr: "page size 2001: want 1 to 2000",
	}, {
		// 3_pages has no 0-2.json: the server's 404 ends the sync.
		name: "not found", fixture: "3_pages", pageSize: 2,
		wantErr: "GET {url}?resultsPerPage=2&startIndex=0: 404 Not Found (NVD answers 404 to a request it does not understand: check the URL and parameters)",
	}, {
		name: "rate limited", fixture: "3_pages", pageSize: 3, fail: []int{403, 403, 403, 403},
		wantErr: "GET {url}?resultsPerPage=3&startIndex=0: 403 Forbidden (rate limit exceeded, or the API key is not valid)",
	}, {
		name: "rate limited once", fixture: "3_pages", pageSize: 3, fail: []int{403, 503},
		pages: []string{"page-all-0000003.json", "page-all-0000006.json"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api, srv := newNVDAPI(t, tt.fixture)
			api.fail = tt.fail
			dir := t.TempDir()
			src := &NVD{Client: quick, Dir: dir, URL: srv.URL + path, PageSize: tt.pageSize, RateWindow: time.Millisecond}
			_, err := src.Sync(context.Background(), (&imports{}).Import)
			want := ""
			if tt.wantErr != "" {
				want = "nvd: " + strings.ReplaceAll(tt.wantErr, "{url}", srv.URL+path)
			}
			if errString(err) != want {
				t.Errorf("error %v\nwant %s", err, want)
			}
			if extra := leftovers(t, dir, append(tt.pages, StateFile, "page-all-0000000.json")...); extra != nil {
				t.Errorf("left in the cache: %v", extra)
			}
		})
	}
}

// TestNVDBadPage serves something that is not a CVE API page, and a page
// other than the one asked for.
func TestNVDBadPage(t *testing.T) {
	kev := feedtest.SharedData(t, "kev/known_exploited_vulnerabilities.json")
	page3 := feedtest.SharedData(t, "nvd/api-cve/fixtures/3_pages/3-3.json")
	tests := []struct {
		name, file, wantErr string
	}{
		// KEV's catalogue has a "vulnerabilities" array too, of other things.
		{name: "not a page", file: kev, wantErr: "page: #1: cve: malformed input: missing"},
		{name: "other page", file: page3, wantErr: "page: startIndex 3, asked for 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(served{path: tt.file})
			defer srv.Close()
			dir := t.TempDir()
			src := &NVD{Client: quick, Dir: dir, URL: srv.URL + "/rest/json/cves/2.0"}
			_, err := src.Sync(context.Background(), (&imports{}).Import)
			want := "nvd: GET " + srv.URL + "/rest/json/cves/2.0?resultsPerPage=2000&startIndex=0: " + tt.wantErr
			if errString(err) != want {
				t.Errorf("error %v\nwant %s", err, want)
			}
			if extra := leftovers(t, dir, StateFile); extra != nil {
				t.Errorf("left in the cache: %v", extra)
			}
		})
	}
}

func TestWindows(t *testing.T) {
	d := func(s string) time.Time { return nvdTimeOf(t, s) }
	tests := []struct {
		name     string
		from, to string
		want     []window
	}{
		{name: "short", from: "2024-01-01T00:00:00.000", to: "2024-01-02T12:00:00.000",
			want: []window{{d("2024-01-01T00:00:00.000"), d("2024-01-02T12:00:00.000")}}},
		{name: "exactly the maximum", from: "2024-01-01T00:00:00.000", to: "2024-04-29T00:00:00.000",
			want: []window{{d("2024-01-01T00:00:00.000"), d("2024-04-29T00:00:00.000")}}},
		{name: "a year", from: "2023-01-01T00:00:00.000", to: "2024-01-01T00:00:00.000",
			want: []window{
				{d("2023-01-01T00:00:00.000"), d("2023-04-30T00:00:00.000")},
				{d("2023-04-30T00:00:00.000"), d("2023-08-27T00:00:00.000")},
				{d("2023-08-27T00:00:00.000"), d("2023-12-24T00:00:00.000")},
				{d("2023-12-24T00:00:00.000"), d("2024-01-01T00:00:00.000")},
			}},
		{name: "nothing to ask", from: "2024-01-01T00:00:00.000", to: "2024-01-01T00:00:00.000"},
		{name: "watermark ahead of the clock", from: "2024-01-02T00:00:00.000", to: "2024-01-01T00:00:00.000"},
	}
	for _, tt := range tests {
		got := windows(d(tt.from), d(tt.to), NVDMaxRange)
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(window{})); diff != "" {
			t.Errorf("%s: windows (-want +got):\n%s", tt.name, diff)
		}
	}
}
