package fetch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Defaults for the zero fields of a Client.
const (
	DefaultMaxBytes   = 4 << 30 // a cvelistV5 baseline is about 0.6 GB and grows
	DefaultIdle       = 2 * time.Minute
	DefaultAttempts   = 4
	DefaultBackoff    = 2 * time.Second
	DefaultMaxBackoff = time.Minute
)

// ErrTooLarge marks a download refused for passing the size limit.
var ErrTooLarge = errors.New("response larger than the limit")

// errStalled is why a download whose body stopped arriving was cancelled.
var errStalled = errors.New("no data received")

// StatusError is a response other than the one asked for, after any
// retries.
type StatusError struct {
	URL    string // without a password
	Code   int
	Status string // as the server sent it: "404 Not Found"
	Hint   string // what the status usually means here, or ""
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("GET %s: %s", e.URL, e.Status)
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// Client makes the requests of every source. Its zero value is usable.
type Client struct {
	// HTTP defaults to a client with connect, TLS and response-header
	// timeouts but no overall one: a large download may rightly take
	// longer than any fixed bound. Idle stops a stalled one instead.
	HTTP *http.Client
	// UserAgent defaults to "vmc".
	UserAgent string
	// MaxBytes caps one download (default 4 GiB).
	MaxBytes int64
	// Idle is how long a download may receive nothing before it fails
	// (default 2 minutes).
	Idle time.Duration
	// Attempts is how many times a request is tried when the answer is
	// worth retrying (default 4).
	Attempts int
	// Backoff is the wait before the first retry; it doubles each time,
	// up to MaxBackoff (defaults 2 s and 1 minute). A Retry-After header
	// from the server replaces it, within MaxBackoff.
	Backoff, MaxBackoff time.Duration
}

// defaultHTTP leaves the proxy, dial and TLS settings of
// http.DefaultTransport as they are.
var defaultHTTP = func() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	// NVD can take a minute to start answering a page of 2,000 CVEs.
	t.ResponseHeaderTimeout = 2 * time.Minute
	return &http.Client{
		Transport: t,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 10 {
				return errors.New("stopped after 10 redirects")
			}
			// Go forwards custom headers across hosts on a redirect; an API
			// key must not follow a redirect to somebody else.
			if req.URL.Host != via[0].URL.Host {
				req.Header.Del(nvdKeyHeader)
			}
			return nil
		},
	}
}()

// orZero lets a source with no Client use the defaults.
func (c *Client) orZero() *Client {
	if c == nil {
		return &Client{}
	}
	return c
}

func (c *Client) httpClient() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return defaultHTTP
}

func (c *Client) maxBytes() int64 {
	if c.MaxBytes > 0 {
		return c.MaxBytes
	}
	return DefaultMaxBytes
}

func orDefault[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// request is one GET and how to treat its answers.
type request struct {
	url    string
	header http.Header
	// retry403 retries 403 Forbidden too: NVD's answer to a client over
	// the rate limit.
	retry403 bool
	// limiter, when set, is waited for before each attempt.
	limiter *Limiter
	// hint explains a final error status (see StatusError.Hint).
	hint func(code int) string
}

func retryable(code int, retry403 bool) bool {
	return code == http.StatusTooManyRequests || code >= 500 || (retry403 && code == http.StatusForbidden)
}

// do sends req until it gets an answer not worth retrying or runs out of
// attempts. It returns a response with status 200 or 304; any other final
// status is a *StatusError.
func (c *Client) do(ctx context.Context, req request) (*http.Response, error) {
	c = c.orZero()
	attempts := orDefault(c.Attempts, DefaultAttempts)
	backoff := orDefault(c.Backoff, DefaultBackoff)
	maxBackoff := orDefault(c.MaxBackoff, DefaultMaxBackoff)
	hr, err := c.newRequest(ctx, req)
	if err != nil {
		return nil, err
	}
	for attempt := 1; ; attempt++ {
		if req.limiter != nil {
			if err := req.limiter.Wait(ctx); err != nil {
				return nil, err
			}
		}
		resp, err := c.send(hr.Clone(ctx))
		var wait time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil || attempt >= attempts {
				return nil, err
			}
		case resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusNotModified:
			return resp, nil
		default:
			resp.Body.Close()
			if !retryable(resp.StatusCode, req.retry403) || attempt >= attempts {
				e := &StatusError{URL: redacted(req.url), Code: resp.StatusCode, Status: resp.Status}
				if req.hint != nil {
					e.Hint = req.hint(resp.StatusCode)
				}
				return nil, e
			}
			wait = retryAfter(resp.Header.Get("Retry-After"), time.Now())
		}
		if wait <= 0 {
			wait = backoff
			for i := 1; i < attempt && wait < maxBackoff; i++ {
				wait *= 2
			}
		}
		t := time.NewTimer(min(wait, maxBackoff))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// newRequest builds req once; a URL that does not parse is not worth
// retrying.
func (c *Client) newRequest(ctx context.Context, req request) (*http.Request, error) {
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, req.url, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", redacted(req.url), err)
	}
	for k, vs := range req.header {
		for _, v := range vs {
			hr.Header.Add(k, v) // canonical keys, which Header.Del finds
		}
	}
	hr.Header.Set("User-Agent", cmp.Or(c.UserAgent, "vmc"))
	return hr, nil
}

func (c *Client) send(hr *http.Request) (*http.Response, error) {
	resp, err := c.httpClient().Do(hr)
	if err != nil {
		// *url.Error names the method and URL, but with any password.
		var ue *url.Error
		if errors.As(err, &ue) {
			return nil, fmt.Errorf("GET %s: %w", redacted(hr.URL.String()), ue.Err)
		}
		return nil, err
	}
	return resp, nil
}

// retryAfter reads a Retry-After header, seconds or an HTTP date
// (RFC 9110, section 10.2.3), as a wait from now; 0 when absent or bad.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return t.Sub(now)
	}
	return 0
}

// redacted hides a password in a URL before it reaches a message.
func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Redacted()
}

// Validators are what a server said identifies the copy it sent
// (RFC 9110, section 8.8), sent back to ask whether it changed.
type Validators struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// Fetched is the outcome of a download.
type Fetched struct {
	Path string
	// Unchanged means the server answered 304 Not Modified: Path was not
	// written.
	Unchanged  bool
	Bytes      int64
	Validators Validators
}

// Download fetches url into the file dst, which appears only once the
// whole body has arrived. With prev from an earlier download the request
// is conditional, and an unchanged resource comes back as Unchanged.
func (c *Client) Download(ctx context.Context, url, dst string, prev Validators) (Fetched, error) {
	return c.download(ctx, request{url: url}, dst, prev, nil)
}

// download is Download with retry options and a check that runs on the
// complete temporary file before it becomes dst.
func (c *Client) download(ctx context.Context, req request, dst string, prev Validators, check func(path string) error) (Fetched, error) {
	c = c.orZero()
	if prev.ETag != "" || prev.LastModified != "" {
		req.header = req.header.Clone()
		if req.header == nil {
			req.header = http.Header{}
		}
		if prev.ETag != "" {
			req.header.Set("If-None-Match", prev.ETag)
		}
		if prev.LastModified != "" {
			req.header.Set("If-Modified-Since", prev.LastModified)
		}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	resp, err := c.do(ctx, req)
	if err != nil {
		return Fetched{}, err
	}
	defer resp.Body.Close()
	where := redacted(req.url)
	if resp.StatusCode == http.StatusNotModified {
		return Fetched{Path: dst, Unchanged: true, Validators: prev}, nil
	}
	limit := c.maxBytes()
	if resp.ContentLength > limit {
		return Fetched{}, fmt.Errorf("GET %s: %w: %d bytes announced, at most %d", where, ErrTooLarge, resp.ContentLength, limit)
	}
	idle := orDefault(c.Idle, DefaultIdle)
	watchdog := time.AfterFunc(idle, func() { cancel(errStalled) })
	defer watchdog.Stop()
	body := &idleReader{r: resp.Body, reset: func() { watchdog.Reset(idle) }}

	n, err := writeFile(dst, func(w io.Writer) error {
		// One byte past the limit tells a body of exactly the limit from a
		// longer one.
		n, err := io.Copy(w, io.LimitReader(body, limit+1))
		if err != nil {
			if cause := context.Cause(ctx); errors.Is(cause, errStalled) {
				err = fmt.Errorf("%w for %v", errStalled, idle)
			}
			return fmt.Errorf("GET %s: body: %w", where, err)
		}
		if n > limit {
			return fmt.Errorf("GET %s: %w of %d bytes", where, ErrTooLarge, limit)
		}
		return nil
	}, func(tmp string) error {
		if check == nil {
			return nil
		}
		if err := check(tmp); err != nil {
			return fmt.Errorf("GET %s: %w", where, err)
		}
		return nil
	})
	if err != nil {
		return Fetched{}, err
	}
	return Fetched{
		Path:       dst,
		Bytes:      n,
		Validators: Validators{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")},
	}, nil
}

// idleReader reports each read that made progress.
type idleReader struct {
	r     io.Reader
	reset func()
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.reset()
	}
	return n, err
}

// writeFile makes dst the bytes fill writes, or leaves dst as it was: the
// bytes go to a hidden temporary file beside dst, which check (when not
// nil) inspects and a rename then makes dst. A temporary file left by a
// process killed on the way is removed first. It returns the bytes
// written.
func writeFile(dst string, fill func(io.Writer) error, check func(path string) error) (int64, error) {
	dir, base := filepath.Dir(dst), filepath.Base(dst)
	// Ingest skips dot files in a directory it walks, so a temporary
	// file is never mistaken for data.
	pattern := "." + base + ".*.part"
	if stale, err := filepath.Glob(filepath.Join(dir, pattern)); err == nil {
		for _, p := range stale {
			os.Remove(p)
		}
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return 0, err
	}
	tmp := f.Name()
	cw := &countWriter{w: f}
	err = fill(cw)
	if err == nil {
		// The data must be on disk before the rename can publish it, or a
		// crash could leave dst named but empty.
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && check != nil {
		err = check(tmp)
	}
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, err
	}
	return cw.n, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
