package fetch

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// DefaultEUVDURL is the base of ENISA's EUVD API, documented at
// https://euvd.enisa.europa.eu/apidoc. It needs no key.
const DefaultEUVDURL = "https://euvdservices.enisa.europa.eu/api"

const (
	// EUVDMaxPageSize is the largest page /search returns. It answers a
	// larger size with 100 entries without saying so, which would throw
	// the paging arithmetic off, so a larger size is refused here.
	EUVDMaxPageSize = 100
	// DefaultEUVDDelay is the least time between the starts of two EUVD
	// requests. ENISA states no rate limit, and has been seen answering
	// 429 to busy shared addresses; one page a second still brings 100
	// entries a second.
	DefaultEUVDDelay = time.Second
	// euvdMaxResponse bounds one answer, which is held in memory. A page
	// of 100 real entries is about 1 MB; the largest real entry is about
	// 80 KiB.
	euvdMaxResponse = 64 << 20
)

// ErrEUVDNotFound is ByID's error for an id EUVD does not have: the API
// answers 204 No Content with an empty body.
var ErrEUVDNotFound = errors.New("no such EUVD entry")

// EUVDQuery is the query of /api/search. Zero fields are left out of the
// request. Dates are sent as YYYY-MM-DD in UTC.
type EUVDQuery struct {
	// FromDate and ToDate are the API documentation's date range.
	FromDate, ToDate time.Time
	// FromUpdatedDate and ToUpdatedDate select by last update. ENISA's
	// documentation does not list them; the AboutCode EUVD mirror
	// (github.com/aboutcode-org/aboutcode-mirror-euvd, sync_catalog.py)
	// syncs daily with them.
	FromUpdatedDate, ToUpdatedDate time.Time
	// FromScore and ToScore bound the CVSS base score, 0 to 10.
	FromScore, ToScore *float64
	// FromEPSS and ToEPSS bound the EPSS score in percent, 0 to 100.
	FromEPSS, ToEPSS *float64
	// Product, Vendor and Assigner filter by name; Text searches the text.
	Product, Vendor, Assigner, Text string
	// Exploited keeps only exploited entries (true) or only the others.
	Exploited *bool
	// Page is the page number, from 0.
	Page int
	// Size is the page size, at most EUVDMaxPageSize; 0 leaves it to the
	// API, which gives 10.
	Size int
}

// values encodes q as the API's query parameters.
func (q EUVDQuery) values() (url.Values, error) {
	if q.Size < 0 || q.Size > EUVDMaxPageSize {
		return nil, fmt.Errorf("page size %d: want 1 to %d", q.Size, EUVDMaxPageSize)
	}
	if q.Page < 0 {
		return nil, fmt.Errorf("page %d: want 0 or more", q.Page)
	}
	v := url.Values{}
	for _, d := range []struct {
		key string
		t   time.Time
	}{{"fromDate", q.FromDate}, {"toDate", q.ToDate}, {"fromUpdatedDate", q.FromUpdatedDate}, {"toUpdatedDate", q.ToUpdatedDate}} {
		if !d.t.IsZero() {
			v.Set(d.key, d.t.UTC().Format(time.DateOnly))
		}
	}
	for _, n := range []struct {
		key string
		f   *float64
	}{{"fromScore", q.FromScore}, {"toScore", q.ToScore}, {"fromEpss", q.FromEPSS}, {"toEpss", q.ToEPSS}} {
		if n.f != nil {
			v.Set(n.key, strconv.FormatFloat(*n.f, 'f', -1, 64))
		}
	}
	for _, s := range []struct{ key, val string }{{"product", q.Product}, {"vendor", q.Vendor}, {"assigner", q.Assigner}, {"text", q.Text}} {
		if s.val != "" {
			v.Set(s.key, s.val)
		}
	}
	if q.Exploited != nil {
		v.Set("exploited", strconv.FormatBool(*q.Exploited))
	}
	v.Set("page", strconv.Itoa(q.Page))
	if q.Size > 0 {
		v.Set("size", strconv.Itoa(q.Size))
	}
	return v, nil
}

// EUVDClient asks ENISA's EUVD API. Its zero value is usable. Requests go
// through HTTPClient, which retries 429 and 5xx answers a bounded number of
// times with backoff, honouring Retry-After, and are paced by Delay.
type EUVDClient struct {
	// BaseURL is the API's base (default DefaultEUVDURL).
	BaseURL string
	// HTTPClient makes the requests (retries, User-Agent, timeouts); nil
	// uses the defaults. ENISA's gateway refuses some library User-Agents
	// with 403, so keep one of vmc's own.
	HTTPClient *Client
	// Delay is the least time between the starts of two requests,
	// retries included (default DefaultEUVDDelay).
	Delay time.Duration
	// PageSize is the size of the pages SyncEUVD asks for (default and at
	// most EUVDMaxPageSize).
	PageSize int

	once    sync.Once
	limiter *Limiter
}

func (c *EUVDClient) pace() *Limiter {
	c.once.Do(func() { c.limiter = NewLimiter(1, cmp.Or(c.Delay, DefaultEUVDDelay)) })
	return c.limiter
}

// euvdPage is the envelope of a search page; the entries are feed/euvd's.
type euvdPage struct {
	Items *[]json.RawMessage `json:"items"`
	Total *int               `json:"total"`
}

// Search asks /api/search for one page and returns the answer as it came,
// and the number of entries matching the query in all (the page's
// "total"). An answer that is not a search page is an error.
func (c *EUVDClient) Search(ctx context.Context, q EUVDQuery) (raw []byte, total int, err error) {
	raw, page, err := c.search(ctx, q)
	if err != nil {
		return nil, 0, err
	}
	if page.Total != nil {
		total = *page.Total
	}
	return raw, total, nil
}

// search is Search returning the decoded envelope as well.
func (c *EUVDClient) search(ctx context.Context, q EUVDQuery) ([]byte, euvdPage, error) {
	v, err := q.values()
	if err != nil {
		return nil, euvdPage{}, fmt.Errorf("euvd: %w", err)
	}
	u, err := c.url("search", v)
	if err != nil {
		return nil, euvdPage{}, err
	}
	raw, err := c.get(ctx, u)
	if err != nil {
		return nil, euvdPage{}, err
	}
	var page euvdPage
	if err := json.Unmarshal(raw, &page); err != nil || page.Items == nil {
		return nil, euvdPage{}, fmt.Errorf("euvd: GET %s: not a search page (%s)", redacted(u), describe(raw, err))
	}
	return raw, page, nil
}

// ByID asks /api/enisaid for one entry and returns it as it came. An id
// EUVD does not have is ErrEUVDNotFound.
func (c *EUVDClient) ByID(ctx context.Context, id string) ([]byte, error) {
	if id == "" {
		return nil, errors.New("euvd: empty id")
	}
	u, err := c.url("enisaid", url.Values{"id": {id}})
	if err != nil {
		return nil, err
	}
	raw, err := c.get(ctx, u)
	var se *StatusError
	switch {
	case errors.As(err, &se) && se.Code == http.StatusNoContent, err == nil && len(bytes.TrimSpace(raw)) == 0:
		return nil, fmt.Errorf("euvd: %s: %w (GET %s answered %s)", id, ErrEUVDNotFound, redacted(u), cmp.Or(statusOf(se), "200 with no body"))
	case err != nil:
		return nil, err
	}
	// A proxy's error page can come with 200; an entry names itself.
	var e struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &e); err != nil || e.ID != id {
		return nil, fmt.Errorf("euvd: GET %s: not the entry %s (%s)", redacted(u), id, describe(raw, err))
	}
	return raw, nil
}

func statusOf(se *StatusError) string {
	if se == nil {
		return ""
	}
	return se.Status
}

// describe says briefly what an unexpected answer was.
func describe(raw []byte, err error) string {
	if err != nil {
		return err.Error()
	}
	const max = 64
	if len(raw) > max {
		return fmt.Sprintf("%q...", raw[:max])
	}
	return fmt.Sprintf("%q", raw)
}

func (c *EUVDClient) url(endpoint string, v url.Values) (string, error) {
	u, err := url.Parse(cmp.Or(c.BaseURL, DefaultEUVDURL))
	if err != nil {
		return "", fmt.Errorf("euvd: base URL: %w", err)
	}
	u = u.JoinPath(endpoint)
	u.RawQuery = v.Encode()
	return u.String(), nil
}

// get fetches u, paced and retried, and reads the whole answer, which must
// be 200 and at most euvdMaxResponse bytes.
func (c *EUVDClient) get(ctx context.Context, u string) ([]byte, error) {
	hc := c.HTTPClient.orZero()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	resp, err := hc.do(ctx, request{url: u, limiter: c.pace(), hint: euvdHint})
	if err != nil {
		return nil, fmt.Errorf("euvd: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		// do returns 304 as a success, but no request here is
		// conditional.
		return nil, fmt.Errorf("euvd: %w", &StatusError{URL: redacted(u), Code: resp.StatusCode, Status: resp.Status})
	}
	limit := min(hc.maxBytes(), euvdMaxResponse)
	idle := orDefault(hc.Idle, DefaultIdle)
	watchdog := time.AfterFunc(idle, func() { cancel(errStalled) })
	defer watchdog.Stop()
	body := &idleReader{r: resp.Body, reset: func() { watchdog.Reset(idle) }}
	// One byte past the limit tells an answer of exactly the limit from a
	// longer one.
	raw, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		if errors.Is(context.Cause(ctx), errStalled) {
			err = fmt.Errorf("%w for %v", errStalled, idle)
		}
		return nil, fmt.Errorf("euvd: GET %s: body: %w", redacted(u), err)
	}
	if int64(len(raw)) > limit {
		return nil, fmt.Errorf("euvd: GET %s: %w of %d bytes", redacted(u), ErrTooLarge, limit)
	}
	return raw, nil
}

// euvdHint explains the statuses EUVD gives for a client's mistakes.
func euvdHint(code int) string {
	if code == http.StatusForbidden {
		return "EUVD answers 403 to a query it cannot read, such as a malformed parameter, and to some User-Agents"
	}
	return ""
}

// euvdPagePattern matches the page files SyncEUVD writes.
const euvdPagePattern = "euvd-updated-*.json"

// SyncEUVD saves every /api/search page of the entries updated on or after
// since's day (UTC) into dir, as the API sent it, and returns the files in
// order for the importer (feed/euvd reads them); a zero since asks for
// every entry. Pages of c.PageSize entries are asked for until one comes
// back short or the pages cover the total. A page with no entries is not saved. Each file appears by rename
// once complete. The pages of the previous sync are removed first: the
// directory holds the latest sync's, which its caller has imported.
//
// Entries updated while the walk is under way may move between pages and
// be missed; the next sync, from a since no later than this one's start,
// asks for them again.
func SyncEUVD(ctx context.Context, c *EUVDClient, dir string, since time.Time) (files []string, err error) {
	if c == nil {
		c = &EUVDClient{}
	}
	if dir == "" {
		return nil, errors.New("euvd: no cache directory")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("euvd: %w", err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, euvdPagePattern))
	for _, p := range old {
		if err := os.Remove(p); err != nil {
			return nil, fmt.Errorf("euvd: %w", err)
		}
	}
	day := since.UTC().Format(time.DateOnly)
	q := EUVDQuery{FromUpdatedDate: since, Size: cmp.Or(c.PageSize, EUVDMaxPageSize)}
	var first json.RawMessage // the previous page's first entry
	for ; ; q.Page++ {
		raw, page, err := c.search(ctx, q)
		if err != nil {
			return files, err
		}
		items := *page.Items
		if len(items) == 0 {
			return files, nil
		}
		// A server that ignores page would send page 0 for ever.
		if q.Page > 0 && bytes.Equal(items[0], first) {
			return files, fmt.Errorf("euvd: page %d starts with the same entry as page %d: the server ignores the page parameter", q.Page, q.Page-1)
		}
		first = items[0]
		dst := filepath.Join(dir, fmt.Sprintf("euvd-updated-%s-p%04d.json", day, q.Page))
		if _, err := writeFile(dst, func(w io.Writer) error {
			_, err := w.Write(raw)
			return err
		}, nil); err != nil {
			return files, fmt.Errorf("euvd: %w", err)
		}
		files = append(files, dst)
		if len(items) < q.Size || (page.Total != nil && (q.Page+1)*q.Size >= *page.Total) {
			return files, nil
		}
	}
}

// EUVD is the EUVD source for `vmc feed sync euvd`: the entries updated
// since the previous sync began (the state's watermark), as search pages.
// A first sync, or a full one, asks for every entry.
type EUVD struct {
	Client *EUVDClient
	Dir    string
	Full   bool
	// Now is the clock, replaceable in tests (default time.Now).
	Now func() time.Time
}

var _ Source = (*EUVD)(nil)

func (*EUVD) Name() string { return "euvd" }

// Sync implements Source. The watermark moves to this sync's start only
// after every page is imported, so a failed import is asked for again.
func (s *EUVD) Sync(ctx context.Context, imp Import) (Result, error) {
	var res Result
	st, err := prepare(s.Dir)
	if err != nil {
		return res, fmt.Errorf("euvd: %w", err)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	start := now().UTC()
	since := st.Watermark
	if s.Full {
		since = time.Time{}
	}
	files, err := SyncEUVD(ctx, s.Client, filepath.Join(s.Dir, "pages"), since)
	if err != nil {
		return res, err
	}
	for _, f := range files {
		if err := imp(ctx, f); err != nil {
			return res, fmt.Errorf("euvd: import %s: %w", f, err)
		}
		res.Files = append(res.Files, f)
	}
	st.Watermark = start
	return res, SaveState(s.Dir, st)
}
