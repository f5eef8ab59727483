package federation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/vmc-dev/vmc/internal/export"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/peer"
	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/stix"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/taxii"
)

// Node is this vmc as a member of a federation.
type Node struct {
	Store store.Store
	// Self is this vmc's origin name (peer.CheckOrigin), which its
	// published records carry and its pulls skip.
	Self string
	// Sealer opens the peers' tokens; nil when no key is configured.
	Sealer *peer.Sealer
	// HTTP reaches the peers; nil means http.DefaultClient.
	HTTP *http.Client
	// Collection is where vmc's own vulnerabilities are published;
	// the zero value means DefaultCollection.
	Collection taxii.Collection
	Now        func() time.Time
	// Actor is who the audit log names for scheduled work.
	Actor string
}

// DefaultCollection is the TAXII collection vmc publishes its own
// vulnerabilities in: readable by anyone, as the OSV API is, since only
// what may go to the public (TLP:CLEAR, no embargo) goes in.
var DefaultCollection = taxii.Collection{ID: "2f8b7c1e-6a0d-4c55-9a57-0e3f5b8d4a21", APIRoot: "vmc", Title: "vmc vulnerabilities",
	Description: "This vmc's merged vulnerability records as STIX 2.1 vulnerability, software and relationship objects",
	Alias:       "vulnerabilities", Read: []string{"public"}, MediaTypes: []string{taxii.STIXMediaType}}

// DefaultAPIRoot is DefaultCollection's API root.
var DefaultAPIRoot = taxii.APIRoot{Name: "vmc", Title: "vmc", Description: "This vmc's own content"}

func (n *Node) now() time.Time {
	if n.Now != nil {
		return n.Now().UTC()
	}
	return time.Now().UTC()
}

func (n *Node) actor() string {
	if n.Actor != "" {
		return n.Actor
	}
	return "system"
}

func (n *Node) collection() taxii.Collection {
	if n.Collection.ID != "" {
		return n.Collection
	}
	return DefaultCollection
}

// Published counts what a publication did.
type Published struct {
	// Changed counts the vulnerabilities changed since the last run;
	// Versions those that became a new version in the collection;
	// Unchanged those whose STIX content was the same; Withheld those
	// the disclosure controls keep from the public (or STIX cannot
	// mark); Objects the object versions added.
	Changed   int `json:"changed"`
	Versions  int `json:"versions"`
	Unchanged int `json:"unchanged"`
	Withheld  int `json:"withheld"`
	Objects   int `json:"objects"`
}

// publishPage is how many vulnerabilities one transaction publishes.
const publishPage = 200

// markName names the publication's mark.
func (n *Node) markName() string { return "stix:" + n.collection().ID }

// PublishSTIX brings the collection up to date with the vulnerabilities
// changed since the last run: each is written by export.Public (the
// disclosure controls, then the STIX writer) and its objects added as
// new versions when their content changed. The index of changes is paged
// in SQL, so a run costs what changed, not the corpus.
func (n *Node) PublishSTIX(ctx context.Context) (Published, error) {
	var res Published
	if err := n.ensureCollection(ctx); err != nil {
		return res, err
	}
	col := n.collection().ID
	mark, err := n.Store.FederationMark(ctx, n.markName())
	if err != nil {
		return res, err
	}
	for {
		page, err := n.Store.ChangedVulns(ctx, mark, publishPage)
		if err != nil {
			return res, err
		}
		var objs []stix.Object
		held := map[string]bool{}
		for _, c := range page.Items {
			res.Changed++
			os, err := n.stixOf(ctx, c, held)
			switch {
			case errors.Is(err, incident.ErrWithheld) || errors.Is(err, publish.ErrInvalid) || errors.Is(err, store.ErrNotFound):
				res.Withheld++
				continue
			case err != nil:
				return res, fmt.Errorf("publish %s: %w", c.ID, err)
			case os == nil:
				res.Unchanged++
				continue
			}
			res.Versions++
			objs = append(objs, os...)
		}
		if len(objs) > 0 {
			st, err := n.Store.AddSTIX(ctx, col, objs, nil, nil, n.actor())
			if err != nil {
				return res, err
			}
			for _, d := range st.Successes {
				if d.Message == "added" {
					res.Objects++
				}
			}
		}
		if page.Next != mark {
			mark = page.Next
			if err := n.Store.PutFederationMark(ctx, n.markName(), mark); err != nil {
				return res, err
			}
		}
		if !page.More {
			return res, nil
		}
	}
}

func (n *Node) ensureCollection(ctx context.Context) error {
	c := n.collection()
	if _, err := n.Store.Collection(ctx, c.ID); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	roots, err := n.Store.APIRoots(ctx)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(roots, func(r taxii.APIRoot) bool { return r.Name == c.APIRoot }) {
		root := DefaultAPIRoot
		root.Name = c.APIRoot
		if err := n.Store.PutAPIRoot(ctx, root, n.actor()); err != nil {
			return err
		}
	}
	return n.Store.PutCollection(ctx, c, n.actor())
}

// stixOf returns the objects to add for one changed vulnerability, nil
// when the collection holds its content already. The vulnerability
// object carries vmc's custom properties (STIX 2.1 section 11.1):
// x_vmc_origin, the vmc it originated at; x_vmc_sources, the upstream
// records ("source:id") of this vmc's own sources; x_vmc_content, a hash
// of the bundle's content without modified times, by which a new
// version is told from a repeat.
func (n *Node) stixOf(ctx context.Context, c store.Changed, held map[string]bool) ([]stix.Object, error) {
	v, err := n.Store.Vuln(ctx, c.ID, store.VulnOptions{})
	if err != nil {
		return nil, err
	}
	out, err := export.Public(ctx, n.Store, v, "stix", n.now())
	if err != nil {
		return nil, err
	}
	var bundle struct {
		Objects []map[string]any `json:"objects"`
	}
	if err := json.Unmarshal(out.Body, &bundle); err != nil {
		return nil, err
	}
	var sources []string
	for _, s := range v.Sources {
		if !peer.IsPeerSource(s.Source) && s.Retired.IsZero() {
			sources = append(sources, s.Source+":"+s.Record)
		}
	}
	origin := c.Origin
	if origin == "" {
		origin = n.Self
	}
	h := sha256.New()
	var vuln map[string]any
	for _, o := range bundle.Objects {
		if o["type"] == "vulnerability" {
			vuln = o
			o["x_vmc_origin"] = origin
			if len(sources) > 0 {
				o["x_vmc_sources"] = sources
			}
		}
		m := o["modified"]
		delete(o, "modified")
		b, _ := json.Marshal(o) // maps marshal with sorted keys
		h.Write(b)
		if m != nil {
			o["modified"] = m
		}
	}
	if vuln == nil {
		return nil, fmt.Errorf("%s: the STIX writer wrote no vulnerability", c.ID)
	}
	content := hex.EncodeToString(h.Sum(nil))
	vid, _ := vuln["id"].(string)
	last, err := n.Store.STIXObjects(ctx, store.STIXQuery{Collection: n.collection().ID, IDs: []string{vid}, Limit: 1})
	if err != nil {
		return nil, err
	}
	// The new version's modified is the record's own date, or vmc's
	// change when that is later, and always after the version held: a
	// record can change in vmc without its sources' dates moving.
	modified := maxTime(parseStamp(vuln["modified"]), c.Updated)
	if len(last.Objects) > 0 {
		var prev struct {
			Content  string `json:"x_vmc_content"`
			Modified string `json:"modified"`
		}
		if err := json.Unmarshal(last.Objects[0].Object, &prev); err == nil && prev.Content == content {
			return nil, nil
		}
		if pm := parseStamp(prev.Modified); !modified.After(pm) {
			modified = pm.Add(time.Millisecond)
		}
	}
	vuln["x_vmc_content"] = content
	var objs []stix.Object
	for _, o := range bundle.Objects {
		id, _ := o["id"].(string)
		if _, versioned := o["modified"]; versioned {
			o["modified"] = modified.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		switch o["type"] {
		case "identity", "marking-definition":
			// The publisher and the TLP marking are the same objects for
			// every record: one version each.
			if held[id] {
				continue
			}
			got, err := n.Store.STIXObjects(ctx, store.STIXQuery{Collection: n.collection().ID, IDs: []string{id}, Limit: 1})
			if err != nil {
				return nil, err
			}
			held[id] = true
			if len(got.Objects) > 0 {
				continue
			}
		}
		b, err := json.Marshal(o)
		if err != nil {
			return nil, err
		}
		so, err := stix.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.ID, err)
		}
		objs = append(objs, so)
	}
	return objs, nil
}

func parseStamp(v any) time.Time {
	s, _ := v.(string)
	t, err := stix.ParseTime(s)
	if err != nil {
		return time.Time{}
	}
	return t
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// contentHash hashes a JSON object without its modified time, for
// telling a changed record from a repeat.
func contentHash(raw []byte) (string, error) {
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		return "", err
	}
	delete(m, "modified")
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}
