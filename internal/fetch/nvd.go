package fetch

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/vmc-dev/vmc/internal/feed/nvd"
)

// DefaultNVDURL is the NVD CVE API 2.0.
const DefaultNVDURL = "https://services.nvd.nist.gov/rest/json/cves/2.0"

// NVD's limits (https://nvd.nist.gov/developers/start-here, "Rate Limits",
// and https://nvd.nist.gov/developers/vulnerabilities).
const (
	// MaxNVDPageSize is the most CVEs the API returns per request.
	MaxNVDPageSize = 2000
	// NVDRateWindow is the rolling window of NVD's rate limit.
	NVDRateWindow = 30 * time.Second
	// nvdRequests and nvdKeyRequests are the requests allowed in a
	// window without and with an API key.
	nvdRequests, nvdKeyRequests = 5, 50
	// NVDMaxRange is the longest lastModStartDate..lastModEndDate range a
	// sync asks for: a day short of NVD's 120 days, so that no rounding
	// at either end can push it over.
	NVDMaxRange = 119 * 24 * time.Hour
)

// nvdKeyHeader is the request header that carries an NVD API key.
const nvdKeyHeader = "apiKey"

// nvdTime is the extended ISO-8601 form NVD takes for dates, in UTC (NVD
// reads a time without an offset as UTC).
const nvdTime = "2006-01-02T15:04:05.000"

// NVD fetches CVEs from the NVD CVE API 2.0. The first sync walks every
// CVE, which takes about 150 pages; later ones ask for the CVEs modified
// since the watermark the previous sync saved, in ranges of at most
// NVDMaxRange. Each page is saved in the cache directory and imported
// before the next is asked for.
//
// An NVD is meant to be kept between syncs (by a schedule): its Limiter
// then counts every request it makes. It is not safe for concurrent use.
type NVD struct {
	Client *Client
	Dir    string
	URL    string // default DefaultNVDURL
	// APIKey raises the rate limit tenfold
	// (https://nvd.nist.gov/developers/request-an-api-key).
	APIKey string
	// PageSize is resultsPerPage (default and at most MaxNVDPageSize).
	PageSize int
	// Limiter paces the requests. When nil, Sync makes one allowing 5
	// requests per RateWindow, or 50 with an API key.
	Limiter *Limiter
	// RateWindow is NVD's window (default NVDRateWindow); tests shorten it.
	RateWindow time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Full ignores the saved watermark and walks every CVE again.
	Full bool
}

var _ Source = (*NVD)(nil)

func (*NVD) Name() string { return "nvd" }

// window is one lastModStartDate..lastModEndDate range; the zero window
// asks for every CVE.
type window struct{ from, to time.Time }

// windows splits from..to into ranges of at most max, oldest first.
func windows(from, to time.Time, max time.Duration) []window {
	var ws []window
	for from.Before(to) {
		end := from.Add(max)
		if end.After(to) {
			end = to
		}
		ws = append(ws, window{from, end})
		from = end
	}
	return ws
}

// Sync fetches and imports every page of what changed since the last sync.
// The watermark advances after each completed range, and a first walk
// through all of NVD saves its place after every page: an interrupted sync
// resumes rather than starts again.
func (s *NVD) Sync(ctx context.Context, imp Import) (Result, error) {
	var res Result
	size := cmp.Or(s.PageSize, MaxNVDPageSize)
	if size < 1 || size > MaxNVDPageSize {
		return res, fmt.Errorf("nvd: page size %d: want 1 to %d", s.PageSize, MaxNVDPageSize)
	}
	st, err := prepare(s.Dir)
	if err != nil {
		return res, fmt.Errorf("nvd: %w", err)
	}
	if s.Limiter == nil {
		n := nvdRequests
		if s.APIKey != "" {
			n = nvdKeyRequests
		}
		s.Limiter = NewLimiter(n, cmp.Or(s.RateWindow, NVDRateWindow))
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	w := walk{s: s, st: st, imp: imp, res: &res, size: size}

	if s.Full {
		st.Watermark, st.Resume = time.Time{}, nil
	}
	if st.Watermark.IsZero() {
		// A walk through everything; resumed where it stopped, if it did.
		// No CVE leaves the unfiltered list (rejected ones stay, marked),
		// so indexes stay valid between runs.
		if st.Resume == nil {
			if err := w.clean(); err != nil {
				return res, err
			}
			st.Resume = &Resume{}
		}
		if err := w.pages(ctx, window{}, st.Resume.Index); err != nil {
			return res, err
		}
		st.Watermark, st.Resume = st.Resume.Started, nil
		return res, w.save()
	}
	if err := w.clean(); err != nil {
		return res, err
	}
	for _, win := range windows(st.Watermark, now().UTC(), NVDMaxRange) {
		// A CVE modified again during a walk leaves the range and shifts
		// the rest down, so a range is walked whole or not at all.
		if err := w.pages(ctx, win, 0); err != nil {
			return res, err
		}
		// NVD's clock, not ours, says what the walk has seen: changes
		// after the first page's time are asked for again next time.
		st.Watermark = win.to
		if w.started.After(win.from) && w.started.Before(win.to) {
			st.Watermark = w.started
		}
		if err := w.save(); err != nil {
			return res, err
		}
	}
	return res, nil
}

// walk is the state of one sync.
type walk struct {
	s       *NVD
	st      *State
	imp     Import
	res     *Result
	size    int
	started time.Time // NVD's time on the current range's first page
}

func (w *walk) save() error {
	if err := SaveState(w.s.Dir, w.st); err != nil {
		return fmt.Errorf("nvd: %w", err)
	}
	return nil
}

// clean removes the previous sync's pages: the cache holds the latest
// sync's.
func (w *walk) clean() error {
	old, _ := filepath.Glob(filepath.Join(w.s.Dir, "page-*.json"))
	for _, p := range old {
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("nvd: %w", err)
		}
	}
	return nil
}

// pages fetches and imports the pages of one range from startIndex index
// until NVD says there are no more.
func (w *walk) pages(ctx context.Context, win window, index int) error {
	w.started = time.Time{}
	for {
		u, err := w.pageURL(win, index)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("page-all-%07d.json", index)
		if !win.from.IsZero() {
			name = fmt.Sprintf("page-%s-%07d.json", win.from.UTC().Format("20060102T150405"), index)
		}
		dst := filepath.Join(w.s.Dir, name)
		var page nvd.Page
		f, err := w.s.Client.download(ctx, request{
			url:      u,
			header:   w.header(),
			retry403: true,
			limiter:  w.s.Limiter,
			hint:     nvdHint,
		}, dst, Validators{}, func(tmp string) error {
			page, err = readPage(tmp, index)
			return err
		})
		if err != nil {
			return fmt.Errorf("nvd: %w", err)
		}
		if err := w.imp(ctx, dst); err != nil {
			return fmt.Errorf("nvd: import %s: %w", dst, err)
		}
		w.res.add(u, f)
		if w.started.IsZero() {
			if w.started, err = page.Time(); err != nil {
				return fmt.Errorf("nvd: %s: %w", redacted(u), err)
			}
		}
		next, more := page.Next()
		if win.from.IsZero() {
			if w.st.Resume.Started.IsZero() {
				w.st.Resume.Started = w.started
			}
			w.st.Resume.Index = next
			if err := w.save(); err != nil {
				return err
			}
		}
		if !more {
			return nil
		}
		index = next
	}
}

func (w *walk) pageURL(win window, index int) (string, error) {
	u, err := url.Parse(cmp.Or(w.s.URL, DefaultNVDURL))
	if err != nil {
		return "", fmt.Errorf("nvd: %w", err)
	}
	q := u.Query()
	q.Set("resultsPerPage", strconv.Itoa(w.size))
	q.Set("startIndex", strconv.Itoa(index))
	if !win.from.IsZero() {
		q.Set("lastModStartDate", win.from.UTC().Format(nvdTime))
		q.Set("lastModEndDate", win.to.UTC().Format(nvdTime))
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func (w *walk) header() http.Header {
	if w.s.APIKey == "" {
		return nil
	}
	return http.Header{nvdKeyHeader: {w.s.APIKey}}
}

// readPage checks that the file at path is the CVE API page that starts at
// index, and returns its envelope.
func readPage(path string, index int) (nvd.Page, error) {
	f, err := os.Open(path)
	if err != nil {
		return nvd.Page{}, err
	}
	defer f.Close()
	page, err := nvd.SplitAPI(f, func(string, json.RawMessage) error { return nil })
	if err != nil {
		return page, fmt.Errorf("page: %w", err)
	}
	// Paging on from a page that is not the one asked for would skip or
	// repeat CVEs without anyone noticing.
	if page.StartIndex != index {
		return page, fmt.Errorf("page: startIndex %d, asked for %d", page.StartIndex, index)
	}
	return page, nil
}

// nvdHint explains the statuses NVD gives for a client's mistakes.
func nvdHint(code int) string {
	switch code {
	case http.StatusForbidden:
		return "rate limit exceeded, or the API key is not valid"
	case http.StatusNotFound:
		return "NVD answers 404 to a request it does not understand: check the URL and parameters"
	}
	return ""
}
