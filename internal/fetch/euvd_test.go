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
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/euvd"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// Real EUVD answers, kept with the parser (see its testdata/README.md): a
// /api/search page of 14 entries and an /api/enisaid answer.
const (
	euvdSearchFixture = "../feed/euvd/testdata/search-pillow.json"
	euvdEntryFixture  = "../feed/euvd/testdata/enisaid-EUVD-2026-38110.json"
	euvdEntryID       = "EUVD-2026-38110"
)

// euvdQuick keeps pacing and retries from slowing tests down.
func euvdQuick(base string) *EUVDClient {
	return &EUVDClient{
		BaseURL:    base + "/api",
		HTTPClient: &Client{UserAgent: "vmc/test", Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond},
		Delay:      time.Millisecond,
	}
}

// euvdServer plays the EUVD API with real entries: /api/search pages
// through the 14 entries of the fixture by the page and size asked for,
// and /api/enisaid knows the one entry of its fixture.
type euvdServer struct {
	items []json.RawMessage
	entry []byte

	noTotal    bool // leave "total" out of pages
	ignorePage bool // answer page 0 whatever is asked

	mu      sync.Mutex
	fail    []int // statuses to answer first, one per request
	queries []url.Values
	agents  []string
}

func newEUVDServer(t *testing.T) *euvdServer {
	t.Helper()
	b, err := os.ReadFile(euvdSearchFixture)
	if err != nil {
		t.Fatal(err)
	}
	var page struct{ Items []json.RawMessage }
	if err := json.Unmarshal(b, &page); err != nil || len(page.Items) != 14 {
		t.Fatalf("%s: %d items, %v", euvdSearchFixture, len(page.Items), err)
	}
	entry, err := os.ReadFile(euvdEntryFixture)
	if err != nil {
		t.Fatal(err)
	}
	return &euvdServer{items: page.Items, entry: entry}
}

func (s *euvdServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.queries = append(s.queries, r.URL.Query())
	s.agents = append(s.agents, r.UserAgent())
	var status int
	if len(s.fail) > 0 {
		status, s.fail = s.fail[0], s.fail[1:]
	}
	s.mu.Unlock()
	if status != 0 {
		w.Header().Set("Retry-After", "0")
		http.Error(w, http.StatusText(status), status)
		return
	}
	q := r.URL.Query()
	switch r.URL.Path {
	case "/api/search":
		page, _ := strconv.Atoi(q.Get("page"))
		size, err := strconv.Atoi(q.Get("size"))
		if err != nil {
			size = 10
		}
		if s.ignorePage {
			page = 0
		}
		from, to := min(page*size, len(s.items)), min((page+1)*size, len(s.items))
		var b strings.Builder
		b.WriteString(`{"items":[`)
		for i, it := range s.items[from:to] {
			if i > 0 {
				b.WriteString(",")
			}
			b.Write(it)
		}
		b.WriteString("]")
		if !s.noTotal {
			fmt.Fprintf(&b, `,"total":%d`, len(s.items))
		}
		b.WriteString("}")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, b.String())
	case "/api/enisaid":
		if q.Get("id") != euvdEntryID {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		w.Write(s.entry)
	default:
		http.NotFound(w, r)
	}
}

func (s *euvdServer) requests() []url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries
}

func ptr[T any](v T) *T { return &v }

func TestEUVDSearch(t *testing.T) {
	day := time.Date(2026, 7, 1, 23, 30, 0, 0, time.FixedZone("CEST", 2*3600)) // 21:30 UTC
	tests := []struct {
		name      string
		q         EUVDQuery
		wantQuery url.Values
		wantItems int
	}{
		{
			name:      "defaults",
			wantQuery: url.Values{"page": {"0"}},
			wantItems: 10,
		},
		{
			name:      "second page",
			q:         EUVDQuery{Page: 1, Size: 10},
			wantQuery: url.Values{"page": {"1"}, "size": {"10"}},
			wantItems: 4,
		},
		{
			name: "every parameter, dates in UTC",
			q: EUVDQuery{
				FromDate: day, ToDate: day.AddDate(0, 0, 1), FromUpdatedDate: day, ToUpdatedDate: day,
				FromScore: ptr(7.5), ToScore: ptr(10.0), FromEPSS: ptr(0.0), ToEPSS: ptr(90.0),
				Product: "Pillow", Vendor: "python-pillow", Assigner: "GitHub_M", Text: "decompression bomb",
				Exploited: ptr(false), Page: 0, Size: 100,
			},
			wantQuery: url.Values{
				"fromDate": {"2026-07-01"}, "toDate": {"2026-07-02"}, "fromUpdatedDate": {"2026-07-01"}, "toUpdatedDate": {"2026-07-01"},
				"fromScore": {"7.5"}, "toScore": {"10"}, "fromEpss": {"0"}, "toEpss": {"90"},
				"product": {"Pillow"}, "vendor": {"python-pillow"}, "assigner": {"GitHub_M"}, "text": {"decompression bomb"},
				"exploited": {"false"}, "page": {"0"}, "size": {"100"},
			},
			wantItems: 14,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newEUVDServer(t)
			srv := httptest.NewServer(s)
			defer srv.Close()
			raw, total, err := euvdQuick(srv.URL).Search(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if total != 14 {
				t.Errorf("total = %d, want 14", total)
			}
			recs, errs := feedtest.Collect(euvd.Parse("page.json", strings.NewReader(string(raw))))
			if len(errs) > 0 || len(recs) != tt.wantItems {
				t.Errorf("page holds %d records and errors %v, want %d records", len(recs), errs, tt.wantItems)
			}
			if diff := cmp.Diff([]url.Values{tt.wantQuery}, s.requests()); diff != "" {
				t.Errorf("queries (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEUVDSearchRefused(t *testing.T) {
	s := newEUVDServer(t)
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := euvdQuick(srv.URL)
	for _, tt := range []struct {
		q    EUVDQuery
		want string
	}{
		{EUVDQuery{Size: 101}, "euvd: page size 101: want 1 to 100"},
		{EUVDQuery{Size: -1}, "euvd: page size -1: want 1 to 100"},
		{EUVDQuery{Page: -1}, "euvd: page -1: want 0 or more"},
	} {
		if _, _, err := c.Search(context.Background(), tt.q); err == nil || err.Error() != tt.want {
			t.Errorf("Search(%+v) error = %v, want %q", tt.q, err, tt.want)
		}
	}
	if n := len(s.requests()); n != 0 {
		t.Errorf("%d requests sent, want none", n)
	}
}

// TestSyncEUVD pages through the real entries in pages of several sizes
// and checks that the saved files hold exactly those entries, in order.
func TestSyncEUVD(t *testing.T) {
	want, errs := feedtest.ParseFile(t, euvd.Parse, euvdSearchFixture)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	since := time.Date(2024, 9, 16, 22, 0, 0, 0, time.FixedZone("x", -3*3600)) // 2024-09-17 01:00 UTC
	tests := []struct {
		name      string
		size      int
		noTotal   bool
		wantPages []int // items per request made
	}{
		{name: "last page short", size: 5, wantPages: []int{5, 5, 4}},
		{name: "total reached on a full page", size: 7, wantPages: []int{7, 7}},
		{name: "without total, an empty page ends it", size: 7, noTotal: true, wantPages: []int{7, 7, 0}},
		{name: "one page", wantPages: []int{14}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newEUVDServer(t)
			s.noTotal = tt.noTotal
			srv := httptest.NewServer(s)
			defer srv.Close()
			dir := t.TempDir()
			stale := filepath.Join(dir, "euvd-updated-2024-01-01-p0000.json")
			if err := os.WriteFile(stale, []byte(`{"items":[]}`), 0o644); err != nil {
				t.Fatal(err)
			}
			c := euvdQuick(srv.URL)
			c.PageSize = tt.size
			files, err := SyncEUVD(context.Background(), c, dir, since)
			if err != nil {
				t.Fatal(err)
			}

			size := tt.size
			if size == 0 {
				size = EUVDMaxPageSize
			}
			var wantQueries []url.Values
			var wantFiles []string
			for i, n := range tt.wantPages {
				wantQueries = append(wantQueries, url.Values{"fromUpdatedDate": {"2024-09-17"}, "page": {strconv.Itoa(i)}, "size": {strconv.Itoa(size)}})
				if n > 0 {
					wantFiles = append(wantFiles, filepath.Join(dir, fmt.Sprintf("euvd-updated-2024-09-17-p%04d.json", i)))
				}
			}
			if diff := cmp.Diff(wantQueries, s.requests()); diff != "" {
				t.Errorf("queries (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantFiles, files); diff != "" {
				t.Errorf("files (-want +got):\n%s", diff)
			}
			left, _ := os.ReadDir(dir)
			var names []string
			for _, e := range left {
				names = append(names, filepath.Join(dir, e.Name()))
			}
			if diff := cmp.Diff(wantFiles, names); diff != "" {
				t.Errorf("directory holds (-want +got):\n%s", diff)
			}

			var got []advisory.Record
			for _, f := range files {
				if !euvd.Sniff(f, head(t, f)) {
					t.Errorf("%s: not recognised as EUVD", f)
				}
				recs, errs := feedtest.ParseFile(t, euvd.Parse, f)
				if len(errs) > 0 {
					t.Errorf("%s: %v", f, errs)
				}
				got = append(got, recs...)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("records in the saved pages (-fixture +saved):\n%s", diff)
			}
		})
	}
}

func head(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b[:min(len(b), 4096)]
}

func TestSyncEUVDFailures(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(*euvdServer, *EUVDClient)
		want    string // in the error
		files   int    // saved before the failure
		request int
	}{
		{
			name:    "server ignores page",
			setup:   func(s *euvdServer, c *EUVDClient) { s.ignorePage, c.PageSize = true, 5 },
			want:    "euvd: page 1 starts with the same entry as page 0: the server ignores the page parameter",
			files:   1,
			request: 2,
		},
		{
			name:    "server error after retries",
			setup:   func(s *euvdServer, c *EUVDClient) { s.fail = []int{500, 500, 500, 500} },
			want:    "/api/search?fromUpdatedDate=2026-07-01&page=0&size=100: 500 Internal Server Error",
			request: 4,
		},
		{
			name:    "page too large",
			setup:   func(s *euvdServer, c *EUVDClient) { c.PageSize = 500 },
			want:    "euvd: page size 500: want 1 to 100",
			request: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newEUVDServer(t)
			srv := httptest.NewServer(s)
			defer srv.Close()
			c := euvdQuick(srv.URL)
			tt.setup(s, c)
			files, err := SyncEUVD(context.Background(), c, t.TempDir(), time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
			if len(files) != tt.files {
				t.Errorf("files = %v, want %d", files, tt.files)
			}
			if n := len(s.requests()); n != tt.request {
				t.Errorf("%d requests, want %d", n, tt.request)
			}
		})
	}
}

func TestEUVDRetry(t *testing.T) {
	tests := []struct {
		name     string
		fail     []int
		wantErr  string // empty: success
		requests int
	}{
		{name: "429 and 503 are retried", fail: []int{429, 503}, requests: 3},
		{name: "gives up after the attempts", fail: []int{502, 502, 502, 502, 502}, wantErr: "502 Bad Gateway", requests: 4},
		{
			name:     "403 is final and explained",
			fail:     []int{403},
			wantErr:  "403 Forbidden (EUVD answers 403 to a query it cannot read, such as a malformed parameter, and to some User-Agents)",
			requests: 1,
		},
		{name: "404 is final", fail: []int{404}, wantErr: "404 Not Found", requests: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newEUVDServer(t)
			s.fail = tt.fail
			srv := httptest.NewServer(s)
			defer srv.Close()
			_, total, err := euvdQuick(srv.URL).Search(context.Background(), EUVDQuery{Size: 5})
			if n := len(s.requests()); n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
			if tt.wantErr == "" {
				if err != nil || total != 14 {
					t.Errorf("total, err = %d, %v; want 14, nil", total, err)
				}
				return
			}
			var se *StatusError
			wantURL := srv.URL + "/api/search?page=0&size=5"
			if !errors.As(err, &se) || se.URL != wantURL || !strings.HasSuffix(err.Error(), "GET "+wantURL+": "+tt.wantErr) {
				t.Errorf("error = %v, want a StatusError for %s ending %q", err, wantURL, tt.wantErr)
			}
		})
	}
}

func TestEUVDByID(t *testing.T) {
	s := newEUVDServer(t)
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := euvdQuick(srv.URL)

	raw, err := c.ByID(context.Background(), euvdEntryID)
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != string(s.entry) {
		t.Errorf("ByID returned %d bytes, not the entry as served", len(raw))
	}
	recs, errs := feedtest.Collect(euvd.Parse("entry.json", strings.NewReader(string(raw))))
	if len(errs) > 0 || len(recs) != 1 || recs[0].ID != euvdEntryID {
		t.Errorf("entry parses to %v, %v", recs, errs)
	}

	_, err = c.ByID(context.Background(), "EUVD-2099-0001")
	want := "euvd: EUVD-2099-0001: no such EUVD entry (GET " + srv.URL + "/api/enisaid?id=EUVD-2099-0001 answered 204 No Content)"
	if !errors.Is(err, ErrEUVDNotFound) || err.Error() != want {
		t.Errorf("unknown id: error = %v, want %q", err, want)
	}
	if _, err := c.ByID(context.Background(), ""); err == nil {
		t.Error("empty id: no error")
	}
	if diff := cmp.Diff([]string{"vmc/test", "vmc/test"}, s.agents); diff != "" {
		t.Errorf("User-Agents (-want +got):\n%s", diff)
	}
}

// TestEUVDUnexpectedAnswers checks answers that come with 200 but are not
// what was asked for, as a proxy or a changed API might send them.
func TestEUVDUnexpectedAnswers(t *testing.T) {
	tests := []struct {
		name, body string
		call       func(*EUVDClient) error
		want       string // in the error
	}{
		{
			name: "HTML instead of a page",
			body: "<html><body>Service Unavailable</body></html>",
			call: func(c *EUVDClient) error { _, _, err := c.Search(context.Background(), EUVDQuery{}); return err },
			want: "not a search page (invalid character '<' looking for beginning of value)",
		},
		{
			name: "an array instead of a page",
			body: `[{"id":"EUVD-2026-38110"}]`,
			call: func(c *EUVDClient) error { _, _, err := c.Search(context.Background(), EUVDQuery{}); return err },
			want: "not a search page (json: cannot unmarshal array",
		},
		{
			name: "object without items",
			body: `{"total":3}`,
			call: func(c *EUVDClient) error { _, _, err := c.Search(context.Background(), EUVDQuery{}); return err },
			want: `not a search page ("{\"total\":3}")`,
		},
		{
			name: "another entry",
			body: `{"id":"EUVD-2026-0001"}`,
			call: func(c *EUVDClient) error { _, err := c.ByID(context.Background(), euvdEntryID); return err },
			want: `not the entry EUVD-2026-38110 ("{\"id\":\"EUVD-2026-0001\"}")`,
		},
		{
			name: "200 with no body",
			body: "",
			call: func(c *EUVDClient) error { _, err := c.ByID(context.Background(), euvdEntryID); return err },
			want: "no such EUVD entry",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, tt.body) }))
			defer srv.Close()
			if err := tt.call(euvdQuick(srv.URL)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// TestEUVDTooLarge checks that an answer past the client's size limit is
// refused.
func TestEUVDTooLarge(t *testing.T) {
	s := newEUVDServer(t)
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := euvdQuick(srv.URL)
	c.HTTPClient.MaxBytes = 1000
	_, _, err := c.Search(context.Background(), EUVDQuery{})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("error = %v, want ErrTooLarge", err)
	}
}

// TestEUVDDelay checks that requests, retries included, start at least
// Delay apart.
func TestEUVDDelay(t *testing.T) {
	s := newEUVDServer(t)
	s.fail = []int{429}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c := euvdQuick(srv.URL)
	c.Delay = 40 * time.Millisecond
	c.PageSize = 5
	start := time.Now()
	if _, err := SyncEUVD(context.Background(), c, t.TempDir(), time.Time{}); err != nil {
		t.Fatal(err)
	}
	// One refused request and three pages: three waits of Delay.
	if n, took := len(s.requests()), time.Since(start); n != 4 || took < 3*c.Delay {
		t.Errorf("%d requests in %v, want 4 taking at least %v", n, took, 3*c.Delay)
	}
	if q := s.requests()[0]; q.Has("fromUpdatedDate") {
		t.Errorf("zero since sent fromUpdatedDate=%s", q.Get("fromUpdatedDate"))
	}
}

// TestEUVDSource runs the source twice against the server of real EUVD
// entries: the first sync asks for everything and imports the pages, the
// second asks only for what changed since the first began.
func TestEUVDSource(t *testing.T) {
	s := newEUVDServer(t)
	srv := httptest.NewServer(s)
	defer srv.Close()
	dir := t.TempDir()
	clock := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	src := &EUVD{Client: euvdQuick(srv.URL), Dir: dir, Now: func() time.Time { return clock }}
	var imported []string
	imp := func(_ context.Context, path string) error { imported = append(imported, path); return nil }
	res, err := src.Sync(context.Background(), imp)
	if err != nil || len(res.Files) == 0 || len(imported) != len(res.Files) {
		t.Fatalf("first sync: %+v, %v, imported %v", res, err, imported)
	}
	first := s.requests()
	if q := first[0]; q.Get("fromUpdatedDate") != "" {
		t.Errorf("first sync asked from %q, want everything", q.Get("fromUpdatedDate"))
	}
	clock = clock.Add(24 * time.Hour)
	if _, err := src.Sync(context.Background(), imp); err != nil {
		t.Fatal(err)
	}
	second := s.requests()[len(first):]
	if len(second) == 0 || second[0].Get("fromUpdatedDate") != "2026-11-01" {
		t.Errorf("second sync asked %v, want entries updated from 2026-11-01", second)
	}
}
