package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// quick keeps retries from slowing tests down.
var quick = &Client{UserAgent: "vmc/test", Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}

// served is a real file from the shared corpus as an HTTP server offers
// it: with Last-Modified always, an ETag when etag is set, and answers to
// conditional requests (net/http's ServeContent).
type served struct {
	path string
	etag bool
}

func (s served) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, err := os.ReadFile(s.path)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if s.etag {
		w.Header().Set("ETag", fmt.Sprintf(`"%x"`, sha256.Sum256(b)))
	}
	fi, _ := os.Stat(s.path)
	http.ServeContent(w, r, filepath.Base(s.path), fi.ModTime(), bytes.NewReader(b))
}

// hits counts requests per path and keeps their headers.
type hits struct {
	mu      sync.Mutex
	n       map[string]int
	headers []http.Header
	queries []string
}

func (h *hits) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		if h.n == nil {
			h.n = map[string]int{}
		}
		h.n[r.URL.Path]++
		h.headers = append(h.headers, r.Header.Clone())
		h.queries = append(h.queries, r.URL.RawQuery)
		h.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (h *hits) count(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.n[path]
}

// imports records the files a sync hands over, failing those named in
// fail.
type imports struct {
	paths []string
	fail  map[string]error
}

func (im *imports) Import(_ context.Context, path string) error {
	if err := im.fail[filepath.Base(path)]; err != nil {
		return err
	}
	im.paths = append(im.paths, filepath.Base(path))
	return nil
}

func sameFile(t *testing.T, got, want string) {
	t.Helper()
	g, err := os.ReadFile(got)
	if err != nil {
		t.Fatal(err)
	}
	w, err := os.ReadFile(want)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g, w) {
		t.Errorf("%s: %d bytes differ from %s (%d bytes)", got, len(g), want, len(w))
	}
}

// leftovers lists what is in dir besides want.
func leftovers(t *testing.T, dir string, want ...string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var extra []string
	for _, e := range ents {
		if !contains(want, e.Name()) {
			extra = append(extra, e.Name())
		}
	}
	return extra
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestDownload(t *testing.T) {
	kev := feedtest.SharedData(t, "kev/known_exploited_vulnerabilities.json")
	var h hits
	srv := httptest.NewServer(h.wrap(served{path: kev, etag: true}))
	defer srv.Close()
	dir := t.TempDir()
	dst := filepath.Join(dir, "kev.json")

	f, err := quick.Download(context.Background(), srv.URL+"/kev.json", dst, Validators{})
	if err != nil {
		t.Fatal(err)
	}
	sameFile(t, dst, kev)
	if f.Unchanged || f.Bytes != 1257565 || f.Validators.ETag == "" || f.Validators.LastModified == "" {
		t.Errorf("first download: %+v, want 1257565 bytes with ETag and Last-Modified", f)
	}
	if ua := h.headers[0].Get("User-Agent"); ua != "vmc/test" {
		t.Errorf("User-Agent %q, want vmc/test", ua)
	}

	again, err := quick.Download(context.Background(), srv.URL+"/kev.json", dst, f.Validators)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Unchanged || again.Validators != f.Validators {
		t.Errorf("conditional download: %+v, want unchanged with the same validators", again)
	}
	if got := h.headers[1].Get("If-None-Match"); got != f.Validators.ETag {
		t.Errorf("If-None-Match %q, want %q", got, f.Validators.ETag)
	}
	if extra := leftovers(t, dir, "kev.json"); extra != nil {
		t.Errorf("left in the cache: %v", extra)
	}
}

// TestDownloadFailures checks that a failed download names the URL and
// what went wrong, and leaves neither the file nor a temporary one.
func TestDownloadFailures(t *testing.T) {
	kev := feedtest.SharedData(t, "kev/known_exploited_vulnerabilities.json")
	body, err := os.ReadFile(kev)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		client  Client
		handler http.HandlerFunc
		wantErr string
		is      error
	}{{
		name:    "announced too large",
		client:  Client{MaxBytes: 1000},
		handler: served{path: kev}.ServeHTTP,
		wantErr: "response larger than the limit: 1257565 bytes announced, at most 1000",
		is:      ErrTooLarge,
	}, {
		// Without a Content-Length the limit is found while streaming.
		name:   "streamed too large",
		client: Client{MaxBytes: 100_000},
		handler: func(w http.ResponseWriter, _ *http.Request) {
			for i := 0; i < len(body); i += 64 << 10 {
				w.Write(body[i:min(i+64<<10, len(body))])
				w.(http.Flusher).Flush()
			}
		},
		wantErr: "response larger than the limit of 100000 bytes",
		is:      ErrTooLarge,
	}, {
		name:   "cut off",
		client: Client{Attempts: 1},
		handler: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Length", fmt.Sprint(len(body)))
			w.Write(body[:len(body)/2])
			w.(http.Flusher).Flush()
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		},
		wantErr: "body: unexpected EOF",
		is:      io.ErrUnexpectedEOF,
	}, {
		name:   "stalled",
		client: Client{Idle: 50 * time.Millisecond},
		handler: func(w http.ResponseWriter, r *http.Request) {
			w.Write(body[:1000])
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		},
		wantErr: "body: no data received for 50ms",
		is:      errStalled,
	}, {
		name:    "not found",
		handler: http.NotFound,
		wantErr: "404 Not Found",
	}, {
		name:   "server error after retries",
		client: Client{Attempts: 2, Backoff: time.Millisecond},
		handler: func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "down", http.StatusServiceUnavailable)
		},
		wantErr: "503 Service Unavailable",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			dir := t.TempDir()
			_, err := tt.client.Download(context.Background(), srv.URL+"/feeds/kev.json", filepath.Join(dir, "kev.json"), Validators{})
			if err == nil {
				t.Fatal("no error")
			}
			if want := "GET " + srv.URL + "/feeds/kev.json: "; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error %q does not start with %q", err, want)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not say %q", err, tt.wantErr)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %q is not %v", err, tt.is)
			}
			if extra := leftovers(t, dir); extra != nil {
				t.Errorf("left in the cache: %v", extra)
			}
		})
	}
}

// TestRetry checks that retryable answers are retried, that Retry-After is
// honoured, and that NVD's 403 is retried only where asked for.
func TestRetry(t *testing.T) {
	kev := feedtest.SharedData(t, "kev/known_exploited_vulnerabilities.json")
	tests := []struct {
		name     string
		fail     []int // statuses before the file is served
		retry403 bool
		wantErr  string
		wantHits int
	}{
		{name: "503 then ok", fail: []int{503, 502}, wantHits: 3},
		{name: "429 then ok", fail: []int{429}, wantHits: 2},
		{name: "403 for NVD", fail: []int{403}, retry403: true, wantHits: 2},
		{name: "403 elsewhere", fail: []int{403}, wantErr: "403 Forbidden", wantHits: 1},
		{name: "too many", fail: []int{500, 500, 500, 500}, wantErr: "500 Internal Server Error", wantHits: 3},
		{name: "404 is final", fail: []int{404}, wantErr: "404 Not Found", wantHits: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var mu sync.Mutex
			n := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				i := n
				n++
				mu.Unlock()
				if i < len(tt.fail) {
					w.Header().Set("Retry-After", "0")
					http.Error(w, "no", tt.fail[i])
					return
				}
				served{path: kev}.ServeHTTP(w, r)
			}))
			defer srv.Close()
			c := &Client{Attempts: 3, Backoff: time.Millisecond}
			_, err := c.download(context.Background(), request{url: srv.URL, retry403: tt.retry403},
				filepath.Join(t.TempDir(), "kev.json"), Validators{}, nil)
			if got := fmt.Sprint(err); (tt.wantErr == "") != (err == nil) || !strings.Contains(got, tt.wantErr) {
				t.Errorf("error %v, want %q", err, tt.wantErr)
			}
			var se *StatusError
			if tt.wantErr != "" && !errors.As(err, &se) {
				t.Errorf("error %v is not a *StatusError", err)
			}
			if n != tt.wantHits {
				t.Errorf("%d requests, want %d", n, tt.wantHits)
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 8, 25, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"7", 7 * time.Second},
		{"Mon, 25 Aug 2025 12:00:30 GMT", 30 * time.Second},
		{"-3", 0},
		{"soon", 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.in, now); got != tt.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestRedirectDropsAPIKey checks that an NVD API key does not follow a
// redirect to another host.
func TestRedirectDropsAPIKey(t *testing.T) {
	var got []string
	var mu sync.Mutex
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, "other:"+r.Header.Get(nvdKeyHeader))
		mu.Unlock()
		w.Write([]byte("{}"))
	}))
	defer other.Close()
	// httptest servers all listen on 127.0.0.1; "localhost" makes the
	// redirect cross hosts as far as the client can tell.
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, "first:"+r.Header.Get(nvdKeyHeader))
		mu.Unlock()
		http.Redirect(w, r, otherURL, http.StatusFound)
	}))
	defer first.Close()
	_, err := (&Client{}).download(context.Background(), request{url: first.URL, header: http.Header{nvdKeyHeader: {"secret"}}},
		filepath.Join(t.TempDir(), "x"), Validators{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"first:secret", "other:"}, got); diff != "" {
		t.Errorf("apiKey per server (-want +got):\n%s", diff)
	}
}

func TestState(t *testing.T) {
	dir := t.TempDir()
	st, err := LoadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&State{}, st); diff != "" {
		t.Errorf("missing state (-want +got):\n%s", diff)
	}
	want := &State{
		Validators: map[string]Validators{"https://example.org/a.zip": {ETag: `"x"`, LastModified: "Mon, 25 Aug 2025 17:04:19 GMT"}},
		Assets:     map[string]string{"baseline": "2025-08-25" + baselineSuffix},
		Watermark:  time.Date(2023, 11, 10, 8, 41, 24, 983e6, time.UTC),
		Resume:     &Resume{Started: time.Date(2023, 11, 10, 8, 41, 24, 983e6, time.UTC), Index: 6},
	}
	if err := SaveState(dir, want); err != nil {
		t.Fatal(err)
	}
	got, err := LoadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("state round trip (-want +got):\n%s", diff)
	}
	if extra := leftovers(t, dir, StateFile); extra != nil {
		t.Errorf("left beside the state: %v", extra)
	}

	if err := os.WriteFile(filepath.Join(dir, StateFile), []byte(`{"watermark": 7`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = LoadState(dir)
	if want := "state " + filepath.Join(dir, StateFile) + ": unexpected end of JSON input (remove it to start afresh)"; fmt.Sprint(err) != want {
		t.Errorf("corrupt state: error %v, want %s", err, want)
	}
}

func TestLimiter(t *testing.T) {
	const per = 150 * time.Millisecond
	l := NewLimiter(3, per)
	ctx := context.Background()
	start := time.Now()
	for i := 0; i < 3; i++ {
		if err := l.Wait(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if d := time.Since(start); d >= per {
		t.Errorf("3 of 3 tokens took %v, want no wait", d)
	}
	// The fourth request waits until the first token returns.
	if err := l.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < per {
		t.Errorf("4th request after %v, want at least %v", d, per)
	}
	ctx, cancel := context.WithCancel(ctx)
	cancel()
	for {
		// The bucket is empty again within a window; a cancelled wait
		// returns the context's error.
		if err := l.Wait(ctx); err != nil {
			if !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled wait: %v", err)
			}
			break
		}
	}
}
