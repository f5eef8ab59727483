// Package export writes any vulnerability vmc holds — merged from
// imported sources, or carried by one of its own identifiers — in one of
// the publishing formats (publish/formats: CSAF 2.0, OSV, CVE JSON 5.1,
// STIX 2.1), for the command line and the API alike, after the
// disclosure controls have had their say and with the export in the
// audit log.
//
// What may leave is decided as for the organisation's own advisories
// (incident.Release): a vulnerability is marked with the narrowest TLP
// label any of its sources distributes it under (a CSAF document's
// distribution, an advisory of the organisation's about it) and with the
// embargo of every such advisory still under one. An export for the
// public is refused unless every marking allows the public; an export
// for a named recipient needs their clearance, and under embargo their
// name among the embargo's recipients.
package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/publish/formats"
	"github.com/vmc-dev/vmc/internal/store"
)

// Store is what exporting reads and records.
type Store interface {
	Vuln(ctx context.Context, id string, opts store.VulnOptions) (advisory.Vulnerability, error)
	Advisory(ctx context.Context, id string) (incident.Advisory, error)
	AdvisorySettings(ctx context.Context) (incident.AdvisorySettings, error)
	Record(ctx context.Context, e audit.Entry) error
}

// Request asks for one export.
type Request struct {
	// ID is the vulnerability's id or any alias.
	ID     string
	Format string
	// To names the recipient; empty means the public.
	To string
	// Clearance is the recipient's (ignored for the public, whose is
	// CLEAR).
	Clearance incident.TLP
	// Actor and Reason go to the audit log.
	Actor, Reason string
	Now           time.Time
}

// Result is a written export.
type Result struct {
	Format   formats.Format
	Document publish.Document
	Body     []byte
	// Marking is what the vulnerability is marked with.
	Marking incident.Marking
}

// DefaultPublisher issues exports until the advisory settings name the
// organisation: vmc itself, as "other" (CSAF's category for a party that
// neither found, coordinates nor sells what it writes about).
var DefaultPublisher = publish.Publisher{Name: "vmc", Namespace: "https://github.com/vmc-dev/vmc", Category: "other"}

// ErrUnknownFormat marks a request for a format vmc does not write.
var ErrUnknownFormat = errors.New("unknown format")

// Vuln writes the vulnerability req names in req.Format. Errors: store.
// ErrNotFound, ErrUnknownFormat, incident.ErrWithheld (with the control
// that withheld it), publish.ErrInvalid (the format cannot express the
// record: OSV a product that is no package, CVE JSON 5 a record without
// a CVE id).
func Vuln(ctx context.Context, s Store, req Request) (Result, error) {
	f, err := formats.Get(req.Format)
	if err != nil {
		return Result{}, fmt.Errorf("%w: %w", ErrUnknownFormat, err)
	}
	v, err := s.Vuln(ctx, req.ID, store.VulnOptions{})
	if err != nil {
		return Result{}, err
	}
	res, err := write(ctx, s, v, f, req)
	if err != nil {
		return Result{}, err
	}
	why := fmt.Sprintf("%s, TLP:%s, for %s", f.Name, res.Marking.TLP, recipient(req.To))
	if req.Reason != "" {
		why += ": " + req.Reason
	}
	if err := s.Record(ctx, audit.Entry{Actor: req.Actor, Action: "vuln.export", Object: "vuln:" + v.ID, Reason: why}); err != nil {
		return Result{}, err
	}
	return res, nil
}

// Reader is what writing an export reads.
type Reader interface {
	Advisory(ctx context.Context, id string) (incident.Advisory, error)
	AdvisorySettings(ctx context.Context) (incident.AdvisorySettings, error)
}

// Public writes v for the public in format, under the same controls and
// by the same code as Vuln, but without an audit entry each: for feeds
// that publish every record (the TAXII collection of vmc's own
// vulnerabilities), whose publication is audited as a whole.
func Public(ctx context.Context, s Reader, v advisory.Vulnerability, format string, now time.Time) (Result, error) {
	f, err := formats.Get(format)
	if err != nil {
		return Result{}, fmt.Errorf("%w: %w", ErrUnknownFormat, err)
	}
	return write(ctx, s, v, f, Request{Now: now})
}

// write checks the disclosure controls for v and writes it in f.
func write(ctx context.Context, s Reader, v advisory.Vulnerability, f formats.Format, req Request) (Result, error) {
	markings, err := Markings(ctx, s, v)
	if err != nil {
		return Result{}, err
	}
	ch, r := incident.ChannelFeed, incident.Public
	if req.To != "" {
		ch, r = incident.ChannelExport, incident.Recipient{Name: req.To, Clearance: req.Clearance}
	}
	for _, m := range markings {
		if err := incident.Release(m, ch, r, req.Now); err != nil {
			return Result{}, fmt.Errorf("%s for %s: %w", v.ID, recipient(req.To), err)
		}
	}
	set, err := s.AdvisorySettings(ctx)
	if err != nil {
		return Result{}, err
	}
	label := incident.Label(markings)
	d, err := Document(v, set.Publisher, label, req.Now)
	if err != nil {
		return Result{}, err
	}
	body, err := f.Marshal(d)
	if err != nil {
		return Result{}, err
	}
	return Result{Format: f, Document: d, Body: body, Marking: incident.Marking{TLP: label}}, nil
}

// Document is the document vmc publishes about v, whatever the format
// and whoever asks (an export, the OSV API): publish.OfRecord of its
// merged record, issued by pub (DefaultPublisher when it names no one),
// dated by Changed (now, for a vulnerability no source dates).
func Document(v advisory.Vulnerability, pub publish.Publisher, label incident.TLP, now time.Time) (publish.Document, error) {
	rec, err := v.Record()
	if err != nil {
		return publish.Document{}, err
	}
	if pub.Name == "" {
		pub = DefaultPublisher
	}
	changed := Changed(v)
	if changed.IsZero() {
		changed = now
	}
	return publish.OfRecord(rec, pub, string(label), changed), nil
}

// Changed is when vmc last changed v: the latest of its source records'
// modification dates and of the imports that changed them
// (store.VulnStamp.Changed, read without the whole vulnerability, also
// counts the published date, which publish.OfRecord weighs in).
func Changed(v advisory.Vulnerability) time.Time {
	var t time.Time
	for _, src := range v.Sources {
		for _, u := range []time.Time{src.Modified, src.Seen} {
			if u.After(t) {
				t = u.UTC()
			}
		}
	}
	return t
}

// Releasable reports whether a vulnerability stamped st may go to the public
// (a feed, the OSV API), as Vuln decides for an export to the public: the
// marking of every source and advisory must allow it at now.
func Releasable(st store.VulnStamp, now time.Time) error {
	ms := append([]incident.Marking{{TLP: incident.Clear}}, st.Advisories...)
	for _, raw := range st.TLPs {
		ms = append(ms, sourceMarking(raw))
	}
	for _, m := range ms {
		if err := incident.Release(m, incident.ChannelFeed, incident.Public, now); err != nil {
			return fmt.Errorf("%s: %w", st.ID, err)
		}
	}
	return nil
}

// sourceMarking is the marking a source's TLP claim puts a vulnerability
// under: a label that cannot be read counts as RED, since what cannot be
// read is not released.
func sourceMarking(raw json.RawMessage) incident.Marking {
	var label string
	if err := json.Unmarshal(raw, &label); err != nil {
		return incident.Marking{TLP: incident.Red}
	}
	t, err := incident.ParseTLP(label)
	if err != nil {
		t = incident.Red
	}
	return incident.Marking{TLP: t}
}

func recipient(to string) string {
	if to == "" {
		return "the public"
	}
	return to
}

// Markings are the markings v is under: one per TLP label a source
// distributes it under (an unreadable label counts as RED: what cannot
// be read is not released), and those of the organisation's advisories
// about any of its ids. A vulnerability nobody marks is TLP:CLEAR.
func Markings(ctx context.Context, s Reader, v advisory.Vulnerability) ([]incident.Marking, error) {
	out := []incident.Marking{{TLP: incident.Clear}}
	for _, fv := range v.Fields {
		if fv.Field != advisory.FieldTLP {
			continue
		}
		for _, c := range fv.Claims {
			out = append(out, sourceMarking(c.Value))
		}
	}
	seen := map[string]bool{}
	for _, id := range v.Aliases {
		a, err := s.Advisory(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: advisory %s: %w", v.ID, id, err)
		}
		if !seen[a.ID] {
			seen[a.ID] = true
			out = append(out, a.Marking)
		}
	}
	return out, nil
}
