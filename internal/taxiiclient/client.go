// Package taxiiclient pulls STIX objects from a peer's TAXII 2.1
// collection into a collection of vmc's own: page by page through the
// envelope's more/next, resuming from where the last pull stopped (the
// last X-TAXII-Date-Added-Last seen, sent back as added_after). Every
// version of every object is asked for (match[version]=all, both spec
// versions), and the store keeps each version once, so that pulling
// again, or pulling a peer that pulled from vmc, adds nothing twice.
package taxiiclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/stix"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/taxii"
)

// MaxPage bounds one page's response.
const MaxPage = 64 << 20

// maxPages stops a peer whose next never ends.
const maxPages = 100_000

// Peer is a collection to pull, and where to.
type Peer struct {
	// APIRoot is the peer's API root URL (https://peer.example/taxii2/root/).
	APIRoot string
	// Collection is the peer's collection id.
	Collection string
	// Into is the local collection the objects go to.
	Into string
	// Token, when set, is sent as Authorization: Bearer.
	Token string
	// Limit is the page size asked for; 0 lets the peer choose.
	Limit int
}

// Result counts what a pull did.
type Result struct {
	Pages   int `json:"pages"`
	Objects int `json:"objects"`
	// Added counts versions new to the local collection.
	Added int `json:"added"`
	// Rejected lists objects that could not be read.
	Rejected []string `json:"rejected,omitempty"`
	// Mark is the added_after the next pull sends.
	Mark time.Time `json:"mark"`
}

// ErrPeer marks a peer's answer vmc cannot use.
var ErrPeer = errors.New("taxii peer")

// Pull pulls the peer's collection into p.Into, one transaction per page.
// The pull mark moves when a walk through the pages finishes: an
// interrupted walk starts again from the old mark, and the versions it
// had added are not added twice.
func Pull(ctx context.Context, hc *http.Client, s store.TAXII, p Peer, actor string) (Result, error) {
	var res Result
	if hc == nil {
		hc = http.DefaultClient
	}
	if _, err := s.Collection(ctx, p.Into); err != nil {
		return res, err
	}
	base, err := url.Parse(strings.TrimSuffix(p.APIRoot, "/") + "/collections/" + url.PathEscape(p.Collection) + "/objects/")
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") {
		return res, fmt.Errorf("%w: api root %q is not an http(s) URL", ErrPeer, p.APIRoot)
	}
	markKey := strings.TrimSuffix(p.APIRoot, "/") + "/"
	if res.Mark, err = s.PullMark(ctx, markKey, p.Collection); err != nil {
		return res, err
	}
	next, latest := "", res.Mark
	for res.Pages < maxPages {
		q := url.Values{"match[version]": {"all"}, "match[spec_version]": {"2.0,2.1"}}
		if !res.Mark.IsZero() && next == "" {
			q.Set("added_after", stix.TimeKey(res.Mark))
		}
		if next != "" {
			q.Set("next", next)
			if !res.Mark.IsZero() {
				q.Set("added_after", stix.TimeKey(res.Mark))
			}
		}
		if p.Limit > 0 {
			q.Set("limit", strconv.Itoa(p.Limit))
		}
		u := *base
		u.RawQuery = q.Encode()
		env, last, err := get(ctx, hc, u.String(), p.Token)
		if err != nil {
			return res, err
		}
		res.Pages++
		var objs []stix.Object
		var failures []taxii.Detail
		for i, raw := range env.Objects {
			o, err := stix.Parse(raw)
			if err != nil {
				msg := fmt.Sprintf("%s page %d objects[%d]: %v", u.String(), res.Pages, i, err)
				res.Rejected = append(res.Rejected, msg)
				failures = append(failures, taxii.Detail{Message: msg})
				continue
			}
			objs = append(objs, o)
		}
		res.Objects += len(env.Objects)
		st, err := s.AddSTIX(ctx, p.Into, objs, nil, failures, actor)
		if err != nil {
			return res, err
		}
		for _, d := range st.Successes {
			if d.Message == "added" {
				res.Added++
			}
		}
		if last.After(latest) {
			latest = last
		}
		if latest.After(res.Mark) && !env.More {
			// Only a finished walk moves the mark: next cursors are tied
			// to the walk that gave them, added_after is not.
			res.Mark = latest
			if err := s.PutPullMark(ctx, markKey, p.Collection, res.Mark); err != nil {
				return res, err
			}
		}
		if !env.More || env.Next == "" {
			return res, nil
		}
		next = env.Next
	}
	return res, fmt.Errorf("%w: more than %d pages", ErrPeer, maxPages)
}

type envelope struct {
	More    bool              `json:"more"`
	Next    string            `json:"next"`
	Objects []json.RawMessage `json:"objects"`
}

// get fetches one page and its X-TAXII-Date-Added-Last.
func get(ctx context.Context, hc *http.Client, u, token string) (envelope, time.Time, error) {
	var env envelope
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return env, time.Time{}, err
	}
	req.Header.Set("Accept", taxii.MediaType)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return env, time.Time{}, fmt.Errorf("%w: %w", ErrPeer, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxPage+1))
	if err != nil {
		return env, time.Time{}, fmt.Errorf("%w: %s: %w", ErrPeer, u, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Title       string `json:"title"`
			Description string `json:"description"`
		}
		json.Unmarshal(body, &e)
		return env, time.Time{}, fmt.Errorf("%w: %s: %s: %s %s", ErrPeer, u, resp.Status, e.Title, e.Description)
	}
	if len(body) > MaxPage {
		return env, time.Time{}, fmt.Errorf("%w: %s: a page of more than %d bytes", ErrPeer, u, MaxPage)
	}
	if mt, _, err := mime.ParseMediaType(resp.Header.Get("Content-Type")); err != nil || mt != "application/taxii+json" {
		return env, time.Time{}, fmt.Errorf("%w: %s: content type %q, not %s", ErrPeer, u, resp.Header.Get("Content-Type"), taxii.MediaType)
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return env, time.Time{}, fmt.Errorf("%w: %s: %w", ErrPeer, u, err)
	}
	var last time.Time
	if h := resp.Header.Get("X-TAXII-Date-Added-Last"); h != "" {
		if last, err = stix.ParseTime(h); err != nil {
			return env, time.Time{}, fmt.Errorf("%w: %s: X-TAXII-Date-Added-Last: %w", ErrPeer, u, err)
		}
	}
	return env, last, nil
}
