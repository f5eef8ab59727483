package csafprovider

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/csaf"
	"github.com/vmc-dev/vmc/internal/disclosure"
	"github.com/vmc-dev/vmc/internal/export"
	"github.com/vmc-dev/vmc/internal/ident"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/publish"
	pcsaf "github.com/vmc-dev/vmc/internal/publish/csaf"
	"github.com/vmc-dev/vmc/internal/signing"
	"github.com/vmc-dev/vmc/internal/store"
)

// Store is what a build reads and keeps.
type Store interface {
	ListAdvisories(ctx context.Context, q store.AdvisoryQuery) ([]incident.Advisory, error)
	Advisory(ctx context.Context, id string) (incident.Advisory, error)
	AdvisorySettings(ctx context.Context) (incident.AdvisorySettings, error)
	ListIdentifiers(ctx context.Context, q store.IdentifierQuery) ([]ident.Identifier, error)
	Vuln(ctx context.Context, id string, opts store.VulnOptions) (advisory.Vulnerability, error)
	store.CSAFProvider
	// Record is export.Store's; a build writes no audit entry (it
	// publishes nothing a person decided just now).
	Record(ctx context.Context, e audit.Entry) error
}

// Config says where the provider is published and what it signs with.
type Config struct {
	// BaseURL is the https address of the site root.
	BaseURL string
	Key     *signing.Key
	// SecurityTxt, with a contact, makes the tree carry a security.txt
	// (static builds; `vmc serve` serves its own).
	SecurityTxt disclosure.SecurityTxt
	// Generator is vmc's version, written as the generator's.
	Generator string
	Now       time.Time
}

// Report says what a build did.
type Report struct {
	// Published counts the documents in the tree; New those published
	// for the first time, Revised those given a new revision.
	Published, New, Revised int
	// Skipped names documents that were not published, with why: not
	// public now, or not expressible as valid CSAF.
	Skipped []string
}

// candidate is a document the build may publish.
type candidate struct {
	doc publish.Document
	// own reports the document's revisions as the source's own (an
	// advisory the PSIRT revises), which win over vmc's numbering when
	// there are more of them than were published.
	own bool
}

// Build publishes (Publish) and renders the tree from what the store
// then keeps (Render): `vmc csaf provider build`.
func Build(ctx context.Context, s Store, cfg Config) (*Tree, Report, error) {
	rep, _, err := Publish(ctx, s, cfg)
	if err != nil {
		return nil, rep, err
	}
	t, err := Render(ctx, s, cfg)
	return t, rep, err
}

// Publish writes every document the public may read now, revises what
// changed since the last build, and keeps in the store what it
// published, which documents are listed now and the signing key's public
// half. It makes every publication decision — revision numbers, dates,
// signatures — so `vmc serve` runs it as one scheduled job for all its
// replicas, which then Render the same tree.
//
// It refuses to sign with another key than the one the provider
// published last: replicas with different key files would otherwise
// sign one document with one key and list another in
// provider-metadata.json.
func Publish(ctx context.Context, s Store, cfg Config) (Report, store.CSAFState, error) {
	var rep Report
	if cfg.Key == nil {
		return rep, store.CSAFState{}, errors.New("csaf provider: no signing key")
	}
	prev, err := s.CSAFState(ctx)
	if err != nil {
		return rep, prev, err
	}
	if prev.Key.Fingerprint != "" && prev.Key.Fingerprint != cfg.Key.Fingerprint() {
		return rep, prev, fmt.Errorf("csaf provider: the signing key %s is not %s, which the provider publishes: every replica needs the same csaf-provider.key",
			cfg.Key.Fingerprint(), prev.Key.Fingerprint)
	}
	set, err := s.AdvisorySettings(ctx)
	if err != nil {
		return rep, prev, err
	}
	pub := set.Publisher
	if pub.Name == "" {
		pub = export.DefaultPublisher
	}
	cands, skipped, err := candidates(ctx, s, pub, cfg.Now)
	if err != nil {
		return rep, prev, err
	}
	rep.Skipped = skipped
	kept, err := s.CSAFPublications(ctx)
	if err != nil {
		return rep, prev, err
	}
	byID := map[string]store.CSAFPublication{}
	for _, p := range kept {
		byID[p.ID] = p
	}
	var (
		listed  []string
		changed []store.CSAFPublication
	)
	for _, c := range cands {
		_, p, status, err := publishOne(c, byID, cfg)
		if err != nil {
			rep.Skipped = append(rep.Skipped, fmt.Sprintf("%s: %v", c.doc.ID, err))
			continue
		}
		listed = append(listed, p.ID)
		switch status {
		case statusNew:
			rep.New++
			changed = append(changed, p)
		case statusRevised:
			rep.Revised++
			changed = append(changed, p)
		}
	}
	armored, err := cfg.Key.ArmoredPublic()
	if err != nil {
		return rep, prev, err
	}
	pubJSON, err := json.Marshal(pub)
	if err != nil {
		return rep, prev, err
	}
	st, err := s.PublishCSAF(ctx, changed, listed, store.CSAFState{Key: store.CSAFKey{Fingerprint: cfg.Key.Fingerprint(), Armored: armored}, Publisher: pubJSON}, cfg.Now)
	if err != nil {
		return rep, prev, err
	}
	rep.Published = len(listed)
	return rep, st, nil
}

// Render lays out the provider's tree from what Publish kept: the listed
// documents byte for byte, the key Publish signed with, its publisher,
// and the time of the last build that changed something. It decides nothing and reads
// no clock (cfg.Now serves security.txt only), so every replica renders
// the same bytes from one store.
func Render(ctx context.Context, s Store, cfg Config) (*Tree, error) {
	st, err := s.CSAFState(ctx)
	if err != nil {
		return nil, err
	}
	if st.Generation == 0 {
		return nil, errors.New("csaf provider: nothing published yet")
	}
	var pub publish.Publisher
	if err := json.Unmarshal(st.Publisher, &pub); err != nil {
		return nil, fmt.Errorf("csaf provider: the published publisher: %w", err)
	}
	kept, err := s.CSAFPublications(ctx)
	if err != nil {
		return nil, err
	}
	var entries []Entry
	for _, p := range kept {
		if !p.Listed {
			continue
		}
		e, err := entryOf(p.ID, p.Document, p.Signature)
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	site := Site{BaseURL: cfg.BaseURL, Publisher: pub, Fingerprint: st.Key.Fingerprint, PublicKey: st.Key.Armored, Now: st.Built,
		SecurityTxt: cfg.SecurityTxt, SecurityTxtNow: cfg.Now}
	return makeTree(site, entries)
}

// candidates are the documents the public may read now: published
// advisories, and vulnerabilities under published own identifiers,
// TLP:CLEAR and under no embargo. skipped names the others met, with
// why.
func candidates(ctx context.Context, s Store, pub publish.Publisher, now time.Time) ([]candidate, []string, error) {
	var out []candidate
	var skipped []string
	seen := map[string]bool{}
	ads, err := s.ListAdvisories(ctx, store.AdvisoryQuery{State: incident.AdvisoryPublished})
	if err != nil {
		return nil, nil, err
	}
	for _, a := range ads {
		if err := incident.Release(a.Marking, incident.ChannelFeed, incident.Public, now); err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: %v", a.ID, err))
			continue
		}
		d := a.Document()
		seen[d.ID] = true
		out = append(out, candidate{doc: d, own: true})
	}
	ids, err := s.ListIdentifiers(ctx, store.IdentifierQuery{State: ident.Published, Limit: 100000})
	if err != nil {
		return nil, nil, err
	}
	for _, id := range ids {
		if seen[id.ID] {
			continue
		}
		v, err := s.Vuln(ctx, id.ID, store.VulnOptions{})
		if errors.Is(err, store.ErrNotFound) {
			skipped = append(skipped, fmt.Sprintf("%s: no record", id.ID))
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		ms, err := export.Markings(ctx, s, v)
		if err != nil {
			return nil, nil, err
		}
		if err := releaseAll(ms, now); err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: %v", id.ID, err))
			continue
		}
		rec, err := v.Record()
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("%s: %v", id.ID, err))
			continue
		}
		// The document is known by the identifier, whatever the merged
		// view's primary id: the others are aliases.
		if rec.ID != id.ID {
			rec.Aliases = append(slices.DeleteFunc(slices.Clone(rec.Aliases), func(a string) bool { return a == id.ID }), rec.ID)
			rec.ID = id.ID
		}
		seen[id.ID] = true
		out = append(out, candidate{doc: publish.OfRecord(rec, pub, string(incident.Clear), now)})
	}
	return out, skipped, nil
}

func releaseAll(ms []incident.Marking, now time.Time) error {
	for _, m := range ms {
		if err := incident.Release(m, incident.ChannelFeed, incident.Public, now); err != nil {
			return err
		}
	}
	return nil
}

type status int

const (
	statusKept status = iota
	statusNew
	statusRevised
)

// fingerprint identifies what a document says, without its tracking:
// revisions, and when and by which version it was written.
func fingerprint(d publish.Document) (string, error) {
	d.Revisions, d.Generated, d.Generator, d.Drafted = nil, time.Time{}, "", time.Time{}
	b, err := json.Marshal(d)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// publishOne writes, or takes as kept, one document.
func publishOne(c candidate, kept map[string]store.CSAFPublication, cfg Config) (Entry, store.CSAFPublication, status, error) {
	d := c.doc
	if len(d.Revisions) == 0 {
		return Entry{}, store.CSAFPublication{}, 0, errors.New("no revision: not released")
	}
	prev, known := kept[d.ID]
	var prevRevs []publish.Revision
	if known {
		if err := json.Unmarshal(prev.Revisions, &prevRevs); err != nil || len(prevRevs) == 0 {
			known = false
		}
	}
	// The folder is the initial release's year, which must not move:
	// the published first revision's date stands.
	first := d.Revisions[0].Date
	if known {
		first = prevRevs[0].Date
	}
	d.Publisher.CSAFBase = fmt.Sprintf("%s/%s%d/", trimSlash(cfg.BaseURL), whiteDir, first.UTC().Year())
	fp, err := fingerprint(d)
	if err != nil {
		return Entry{}, store.CSAFPublication{}, 0, err
	}
	st := statusNew
	switch {
	case known && prev.Fingerprint == fp:
		e, err := entryOf(d.ID, prev.Document, prev.Signature)
		return e, prev, statusKept, err
	case known && c.own && len(d.Revisions) > len(prevRevs):
		st = statusRevised
	case known:
		next := prevRevs[len(prevRevs)-1].Number + 1
		at := cfg.Now.UTC()
		if last := prevRevs[len(prevRevs)-1].Date; !at.After(last) {
			at = last.Add(time.Second)
		}
		d.Revisions = append(slices.Clone(prevRevs), publish.Revision{Number: next, Date: at, Summary: "Updated: the vulnerability record changed"})
		st = statusRevised
	}
	d.Generated, d.Generator = cfg.Now.UTC(), cfg.Generator
	body, err := pcsaf.Marshal(d)
	if err != nil {
		return Entry{}, store.CSAFPublication{}, 0, err
	}
	// Marshal refuses what vmc's validator refuses; asked again here
	// because a provider must never serve an invalid document.
	res, err := csaf.Validate(body)
	if err != nil {
		return Entry{}, store.CSAFPublication{}, 0, err
	}
	if !res.Valid() {
		return Entry{}, store.CSAFPublication{}, 0, errors.New("fails vmc's CSAF validator")
	}
	sig, err := cfg.Key.Sign(body, cfg.Now)
	if err != nil {
		return Entry{}, store.CSAFPublication{}, 0, err
	}
	revs, err := json.Marshal(d.Revisions)
	if err != nil {
		return Entry{}, store.CSAFPublication{}, 0, err
	}
	p := store.CSAFPublication{ID: d.ID, Fingerprint: fp, Revisions: revs, Document: body, Signature: sig, Updated: cfg.Now.UTC()}
	e, err := entryOf(d.ID, body, sig)
	return e, p, st, err
}

func trimSlash(s string) string {
	for len(s) > 0 && s[len(s)-1] == '/' {
		s = s[:len(s)-1]
	}
	return s
}

// entryOf reads what the tree needs from a written document: its title
// and release dates, as the document states them.
func entryOf(id string, body, sig []byte) (Entry, error) {
	var doc struct {
		Document struct {
			Title    string `json:"title"`
			Tracking struct {
				Initial time.Time `json:"initial_release_date"`
				Current time.Time `json:"current_release_date"`
			} `json:"tracking"`
		} `json:"document"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return Entry{}, fmt.Errorf("%s: %w", id, err)
	}
	t := doc.Document.Tracking
	return Entry{ID: id, Title: doc.Document.Title, Body: body, Sig: sig, Initial: t.Initial, Current: t.Current,
		fileName: pcsaf.FileName(id)}, nil
}
