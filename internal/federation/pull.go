package federation

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	feedosv "github.com/vmc-dev/vmc/internal/feed/osv"
	"github.com/vmc-dev/vmc/internal/peer"
	"github.com/vmc-dev/vmc/internal/stix"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/taxii"
	"github.com/vmc-dev/vmc/internal/taxiiclient"
)

// ErrPeer marks a peer's answer vmc cannot use.
var ErrPeer = errors.New("peer")

// Limits on what a peer sends: an index page, one OSV record.
const (
	indexPage     = 1000
	maxIndexBytes = 4 << 20
	maxRecord     = 4 << 20
)

// IndexPath is where a vmc serves its change index (peer.ReadIndex).
const IndexPath = "/v1/federation/modified_id.csv"

// Index headers: the cursor after the page, and whether more follow.
const (
	HeaderNext = "X-Vmc-Next"
	HeaderMore = "X-Vmc-More"
)

func (n *Node) client() *http.Client {
	if n.HTTP != nil {
		return n.HTTP
	}
	return http.DefaultClient
}

// token opens a peer's stored token.
func (n *Node) token(p peer.Peer) (string, error) {
	if !p.HasToken {
		return "", nil
	}
	return n.Sealer.Open(p.Name, p.Token)
}

// Pull pulls what changed at the peer since the last pull and records
// the outcome on the peer, failed or not.
func (n *Node) Pull(ctx context.Context, name string) (peer.Pull, error) {
	p, err := n.Store.Peer(ctx, name)
	if err != nil {
		return peer.Pull{}, err
	}
	res := peer.Pull{At: n.now(), Status: "ok"}
	mark := p.Mark
	token, err := n.token(p)
	if err == nil {
		switch p.Kind {
		case peer.OSV:
			mark, err = n.pullOSV(ctx, p, token, &res)
		case peer.TAXII:
			mark, err = n.pullTAXII(ctx, p, token, &res)
		}
	}
	if err != nil {
		res.Status, res.Error = "failed", err.Error()
	}
	if perr := n.Store.PutPeerPull(ctx, p.Name, res, mark); perr != nil {
		return res, errors.Join(err, perr)
	}
	if err != nil {
		return res, fmt.Errorf("pull from %s: %w", p.Name, err)
	}
	return res, nil
}

// get fetches u with the peer's token; 404 is (nil, nil).
func (n *Node) get(ctx context.Context, u, token string, limit int64) ([]byte, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := n.client().Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, resp.Header, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("%w: GET %s: %s", ErrPeer, u, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, nil, fmt.Errorf("GET %s: %w", u, err)
	}
	if int64(len(b)) > limit {
		return nil, nil, fmt.Errorf("%w: GET %s: more than %d bytes", ErrPeer, u, limit)
	}
	return b, resp.Header, nil
}

// pullOSV reads the peer's change index from the mark and fetches each
// changed record from its OSV API, one transaction per index page; the
// mark moves after each page, so an interrupted pull resumes there.
func (n *Node) pullOSV(ctx context.Context, p peer.Peer, token string, res *peer.Pull) (string, error) {
	base := strings.TrimSuffix(p.URL, "/")
	mark := p.Mark
	for {
		q := url.Values{"limit": {fmt.Sprint(indexPage)}}
		if mark != "" {
			q.Set("after", mark)
		}
		body, h, err := n.get(ctx, base+IndexPath+"?"+q.Encode(), token, maxIndexBytes)
		if err != nil {
			return mark, err
		}
		if body == nil {
			return mark, fmt.Errorf("%w: %s serves no change index at %s", ErrPeer, p.URL, IndexPath)
		}
		entries, err := peer.ReadIndex(bytes.NewReader(body))
		if err != nil {
			return mark, fmt.Errorf("%w: %s: %w", ErrPeer, p.URL, err)
		}
		res.Listed += len(entries)
		var todo []peer.IndexEntry
		ids := make([]string, 0, len(entries))
		for _, e := range entries {
			if e.Origin == n.Self {
				res.Own++
				continue
			}
			todo = append(todo, e)
			ids = append(ids, e.ID)
		}
		known, err := n.Store.PeerRecords(ctx, p.Source(), ids)
		if err != nil {
			return mark, err
		}
		var got []fetched
		for _, e := range todo {
			raw, _, err := n.get(ctx, base+"/v1/vulns/"+url.PathEscape(e.ID), token, maxRecord)
			if err != nil {
				return mark, err
			}
			if raw == nil {
				res.Withheld++
				continue
			}
			res.Fetched++
			f, err := osvRecord(e.ID, raw)
			if err != nil {
				res.Rejected++
				continue
			}
			f.origin = e.Origin
			got = append(got, f)
		}
		if err := n.store(ctx, p, got, known, res); err != nil {
			return mark, err
		}
		if next := h.Get(HeaderNext); next != "" {
			mark = next
		}
		if err := n.Store.PutPeerPull(ctx, p.Name, *res, mark); err != nil {
			return mark, err
		}
		if h.Get(HeaderMore) != "true" || len(entries) == 0 {
			return mark, nil
		}
	}
}

// fetched is one record read from a peer.
type fetched struct {
	rec    advisory.Record
	hash   string
	origin string
}

func osvRecord(id string, raw []byte) (fetched, error) {
	var f fetched
	hash, err := contentHash(raw)
	if err != nil {
		return f, fmt.Errorf("%s: %w", id, err)
	}
	for rec, err := range feedosv.Parse(id+".json", bytes.NewReader(raw)) {
		if err != nil {
			return f, err
		}
		f.rec = rec
	}
	if f.rec.ID == "" {
		return f, fmt.Errorf("%s: no record", id)
	}
	f.hash = hash
	return f, nil
}

// store writes the records whose content changed since the last pull
// under the peer's source, then what was pulled. Two transactions: a
// crash between them makes the next pull fetch the records again, and
// writing the same record twice changes nothing.
func (n *Node) store(ctx context.Context, p peer.Peer, got []fetched, known map[string]store.PeerRecord, res *peer.Pull) error {
	var recs []advisory.Record
	var meta []store.PeerRecord
	for _, f := range got {
		if f.origin == "" {
			f.origin = p.Name // a peer that names no origin is its own
		}
		if k, ok := known[f.rec.ID]; ok && k.Hash == f.hash && k.Origin == f.origin {
			res.Unchanged++
			continue
		}
		f.rec.Source, f.rec.Document = p.Source(), ""
		recs = append(recs, f.rec)
		meta = append(meta, store.PeerRecord{ID: f.rec.ID, Origin: f.origin, Hash: f.hash})
	}
	if len(recs) == 0 {
		return nil
	}
	if _, err := n.Store.PutRecords(ctx, recs); err != nil {
		return fmt.Errorf("records from %s: %w", p.Name, err)
	}
	res.Stored += len(recs)
	return n.Store.PutPeerRecords(ctx, p.Source(), meta)
}

// mirrorRoot is the API root of the local collections TAXII peers are
// mirrored into: administrators only.
var mirrorRoot = taxii.APIRoot{Name: "peers", Title: "Mirrors of peers' TAXII collections"}

// MirrorID is the local collection a TAXII peer's collection is mirrored
// into, a name-based UUID (version 5 layout) of the peer's name.
func MirrorID(name string) string {
	h := sha1.Sum([]byte("vmc peer mirror\x00" + name))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}

// pullTAXII mirrors the peer's collection with vmc's TAXII client
// (added_after from where it stopped), then reads the vulnerability
// objects added to the mirror since the mark into records.
func (n *Node) pullTAXII(ctx context.Context, p peer.Peer, token string, res *peer.Pull) (string, error) {
	into := MirrorID(p.Name)
	if _, err := n.Store.Collection(ctx, into); errors.Is(err, store.ErrNotFound) {
		roots, err := n.Store.APIRoots(ctx)
		if err != nil {
			return p.Mark, err
		}
		found := false
		for _, r := range roots {
			found = found || r.Name == mirrorRoot.Name
		}
		if !found {
			if err := n.Store.PutAPIRoot(ctx, mirrorRoot, n.actor()); err != nil {
				return p.Mark, err
			}
		}
		c := taxii.Collection{ID: into, APIRoot: mirrorRoot.Name, Title: "Mirror of peer " + p.Name, MediaTypes: []string{taxii.STIXMediaType}}
		if err := n.Store.PutCollection(ctx, c, n.actor()); err != nil {
			return p.Mark, err
		}
	} else if err != nil {
		return p.Mark, err
	}
	if _, err := taxiiclient.Pull(ctx, n.client(), n.Store, taxiiclient.Peer{APIRoot: p.URL, Collection: p.Collection, Into: into, Token: token}, n.actor()); err != nil {
		return p.Mark, err
	}
	// The mark is the date the last vulnerability read was added to the
	// mirror; within one walk, the mirror's own paging cursor.
	mark := p.Mark
	var after time.Time
	if mark != "" {
		t, err := stix.ParseTime(mark)
		if err != nil {
			return "", fmt.Errorf("peer %s: mark %q: %w", p.Name, mark, err)
		}
		after = t
	}
	next := ""
	for {
		page, err := n.Store.STIXObjects(ctx, store.STIXQuery{Collection: into, Types: []string{"vulnerability"}, AddedAfter: after, Next: next,
			Versions: []string{"last"}, Limit: store.MaxSTIXLimit})
		if err != nil {
			return mark, err
		}
		var ids []string
		var got []fetched
		for _, o := range page.Objects {
			res.Listed++
			f, own, err := n.stixRecord(o.Object)
			switch {
			case err != nil:
				res.Rejected++
			case own:
				res.Own++
			default:
				res.Fetched++
				got = append(got, f)
				ids = append(ids, f.rec.ID)
			}
		}
		known, err := n.Store.PeerRecords(ctx, p.Source(), ids)
		if err != nil {
			return mark, err
		}
		if err := n.store(ctx, p, got, known, res); err != nil {
			return mark, err
		}
		if !page.More {
			if k := len(page.Objects); k > 0 {
				mark = stix.TimeKey(page.Objects[k-1].DateAdded)
			}
			return mark, nil
		}
		next = page.Next
	}
}

// stixVuln is what a pull reads of a vulnerability object.
type stixVuln struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Created     string `json:"created"`
	Modified    string `json:"modified"`
	Refs        []struct {
		SourceName  string `json:"source_name"`
		ExternalID  string `json:"external_id"`
		URL         string `json:"url"`
		Description string `json:"description"`
	} `json:"external_references"`
	Origin string `json:"x_vmc_origin"`
}

// stixRecord reads a vulnerability object as a record: its name the id,
// the ids of its external references aliases, CWEs, reference URLs and
// the description. STIX carries no machine-readable version ranges
// (vmc's software relationships say them in prose), so no affected
// entries are made: a record matching every version would be worse than
// none.
func (n *Node) stixRecord(raw []byte) (fetched, bool, error) {
	var f fetched
	var v stixVuln
	if err := json.Unmarshal(raw, &v); err != nil {
		return f, false, err
	}
	if v.Origin != "" && v.Origin == n.Self {
		return f, true, nil
	}
	if v.Name == "" {
		return f, false, fmt.Errorf("%w: vulnerability without a name", ErrPeer)
	}
	hash, err := contentHash(raw)
	if err != nil {
		return f, false, err
	}
	r := advisory.Record{ID: v.Name}
	r.Published = parseStamp(v.Created)
	r.Modified = parseStamp(v.Modified)
	if v.Description != "" {
		r.Descriptions = []advisory.Text{{Lang: "en", Value: v.Description}}
	}
	for _, ref := range v.Refs {
		switch {
		case ref.SourceName == "cwe" && ref.ExternalID != "":
			r.CWEs = append(r.CWEs, advisory.CWE{ID: ref.ExternalID, Description: ref.Description})
		case ref.ExternalID != "" && ref.ExternalID != v.Name:
			r.Aliases = append(r.Aliases, ref.ExternalID)
		case ref.URL != "":
			r.References = append(r.References, advisory.Reference{URL: ref.URL, Type: strings.ToUpper(ref.SourceName)})
		}
	}
	f.rec, f.hash, f.origin = r, hash, v.Origin
	return f, false, nil
}
