package incident

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/csaf"
	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/risk"
	"github.com/vmc-dev/vmc/internal/version"
)

// AdvisoryState is where a security advisory stands.
//
//	draft      being written; nothing is released, every field may change
//	final      its text approved and released as version 1 to whom its
//	           marking allows (the coordinated-disclosure parties under an
//	           embargo); every later change is a new revision
//	published  on vmc's public advisory feed, which shows it once its
//	           marking allows the public: TLP:CLEAR and no embargo left
type AdvisoryState string

const (
	AdvisoryDraft     AdvisoryState = "draft"
	AdvisoryFinal     AdvisoryState = "final"
	AdvisoryPublished AdvisoryState = "published"
)

// AdvisoryStates lists the states in order.
var AdvisoryStates = []AdvisoryState{AdvisoryDraft, AdvisoryFinal, AdvisoryPublished}

func (s AdvisoryState) String() string { return string(s) }

// IsValid reports whether s is a known state.
func (s AdvisoryState) IsValid() bool { return slices.Contains(AdvisoryStates, s) }

// UnmarshalText rejects unknown states.
func (s *AdvisoryState) UnmarshalText(b []byte) error {
	if !AdvisoryState(b).IsValid() {
		return fmt.Errorf("%w: unknown advisory state %q (%s)", ErrInvalid, b, joinKinds(AdvisoryStates))
	}
	*s = AdvisoryState(b)
	return nil
}

// ErrAdvisoryMove marks a state change of an advisory that is not
// allowed: only draft → final → published, each once.
var ErrAdvisoryMove = fmt.Errorf("%w: advisory", ErrTransition)

// CheckAdvisoryMove reports whether an advisory may move from one state
// to another. Publishing asks more of the advisory (CheckPublish).
func CheckAdvisoryMove(from, to AdvisoryState) error {
	i, j := slices.Index(AdvisoryStates, from), slices.Index(AdvisoryStates, to)
	if i < 0 || j != i+1 {
		return fmt.Errorf("%w: %s → %s (draft → final → published)", ErrAdvisoryMove, from, to)
	}
	return nil
}

// Advisory is a security advisory the organisation publishes about a
// vulnerability in its own products, for an incident: written once
// (Content) and published as CSAF, OSV and CVE JSON 5 through
// Document. Its marking starts as the incident's and is its own from
// then on: the incident may stay TLP:RED while its advisory goes public.
type Advisory struct {
	// ID is the advisory's id: the publisher's own (PREFIX-YYYY-NNNN,
	// assigned by the store), or its CVE id when it has no own.
	ID       string `json:"id"`
	Incident int64  `json:"incident"`
	// CVE is the vulnerability's CVE id, once assigned.
	CVE     string          `json:"cve,omitempty"`
	State   AdvisoryState   `json:"state"`
	Content AdvisoryContent `json:"content"`
	Marking Marking         `json:"marking"`
	// Publisher is who issues it, as the settings said when it was
	// created; it stays with the advisory.
	Publisher publish.Publisher `json:"publisher"`
	// Revisions are its released versions, oldest first, from 1.
	Revisions []AdvisoryRevision `json:"revisions,omitempty"`
	Created   time.Time          `json:"created"`
	CreatedBy string             `json:"created_by"`
	// Updated is when its content or marking last changed.
	Updated     time.Time `json:"updated"`
	Published   time.Time `json:"published,omitzero"`
	PublishedBy string    `json:"published_by,omitempty"`
}

// AdvisoryRevision is one released version of an advisory.
type AdvisoryRevision struct {
	Number  int       `json:"number"`
	Date    time.Time `json:"date"`
	By      string    `json:"by"`
	Summary string    `json:"summary"`
}

// AdvisoryContent is what an advisory's author writes. Summary is
// published at every detail level, Details from the standard level,
// Exploit only at the full level (publish's doc.go has the table).
type AdvisoryContent struct {
	Title string `json:"title" yaml:"title"`
	// Lang is the language it is written in: "en" or "zh-CN".
	Lang  string        `json:"lang,omitempty" yaml:"lang,omitempty"`
	Level publish.Level `json:"level,omitempty" yaml:"level,omitempty"`
	// Criticality is the category for operators and users.
	Criticality PatchCriticality `json:"criticality,omitempty" yaml:"criticality,omitempty"`
	// Summary says what is affected and what the flaw lets an attacker
	// do, without saying where it is.
	Summary string `json:"summary,omitempty" yaml:"summary,omitempty"`
	// Details is the technical description: what is wrong, where.
	Details string `json:"details,omitempty" yaml:"details,omitempty"`
	// Exploit describes exploitation: conditions, steps, whether it is
	// exploited.
	Exploit  string            `json:"exploit,omitempty" yaml:"exploit,omitempty"`
	Products []AffectedProduct `json:"products,omitempty" yaml:"products,omitempty"`
	// CVSS are CVSS v3.1 and v4.0 base vectors, at most one of each.
	CVSS []string `json:"cvss,omitempty" yaml:"cvss,omitempty"`
	// CWEs are weakness ids ("CWE-434"), the most specific first.
	CWEs       []string            `json:"cwes,omitempty" yaml:"cwes,omitempty"`
	References []AdvisoryReference `json:"references,omitempty" yaml:"references,omitempty"`
	Credits    []AdvisoryCredit    `json:"credits,omitempty" yaml:"credits,omitempty"`
	// Remediation says what to do: the update, the fixed versions.
	Remediation string `json:"remediation,omitempty" yaml:"remediation,omitempty"`
	// Workaround says what to do until then, if anything helps.
	Workaround string `json:"workaround,omitempty" yaml:"workaround,omitempty"`
}

// AffectedProduct is a product an advisory names: a package (PURL,
// without a version: pkg:maven/com.acme.shop/shop-core) or a product that
// is no package (Vendor and Name: firmware, an appliance), with the
// versions affected.
type AffectedProduct struct {
	PURL   string `json:"purl,omitempty" yaml:"purl,omitempty"`
	Vendor string `json:"vendor,omitempty" yaml:"vendor,omitempty"`
	Name   string `json:"name,omitempty" yaml:"name,omitempty"`
	// Ranges are the affected intervals, in the package's ecosystem's
	// version order; Versions lists affected versions one by one.
	Ranges   []VersionRange `json:"ranges,omitempty" yaml:"ranges,omitempty"`
	Versions []string       `json:"versions,omitempty" yaml:"versions,omitempty"`
}

// VersionRange is an affected interval: from Introduced ("0" or empty:
// from the start) up to Fixed, excluded, or LastAffected, included, or
// open when neither is given.
type VersionRange struct {
	Introduced   string `json:"introduced,omitempty" yaml:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty" yaml:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty" yaml:"last_affected,omitempty"`
}

// AdvisoryReference is a link, typed as OSV types references: ADVISORY,
// ARTICLE, DETECTION, DISCUSSION, REPORT, FIX, INTRODUCED, GIT, PACKAGE,
// EVIDENCE or WEB. The type decides from which detail level it is
// published.
type AdvisoryReference struct {
	Type string `json:"type" yaml:"type"`
	URL  string `json:"url" yaml:"url"`
}

// AdvisoryCredit names who is credited, typed as OSV types credits: FINDER,
// REPORTER (the reporter credit), ANALYST, COORDINATOR,
// REMEDIATION_DEVELOPER, REMEDIATION_REVIEWER, REMEDIATION_VERIFIER,
// TOOL, SPONSOR or OTHER.
type AdvisoryCredit struct {
	Name    string   `json:"name" yaml:"name"`
	Type    string   `json:"type" yaml:"type"`
	Contact []string `json:"contact,omitempty" yaml:"contact,omitempty"`
}

var (
	referenceTypes = []string{"ADVISORY", "ARTICLE", "DETECTION", "DISCUSSION", "REPORT", "FIX", "INTRODUCED", "GIT", "PACKAGE", "EVIDENCE", "WEB"}
	creditTypes    = []string{"FINDER", "REPORTER", "ANALYST", "COORDINATOR", "REMEDIATION_DEVELOPER", "REMEDIATION_REVIEWER", "REMEDIATION_VERIFIER", "TOOL", "SPONSOR", "OTHER"}
	// AdvisoryLangs are the languages advisories are written in.
	AdvisoryLangs = []string{"en", "zh-CN"}
	cweRE         = regexp.MustCompile(`^CWE-[1-9][0-9]{0,5}$`)
	// CVERE matches a CVE id.
	CVERE = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,19}$`)
)

// Limits on an advisory's content. The summary and the details together
// fit CVE JSON 5's description (4096 characters), and the rest is sized
// for a real advisory, so that a hostile one stays cheap.
const (
	maxSummary    = 2000
	maxDetails    = 2000
	maxExploit    = 16 << 10
	maxRemedy     = 4000
	maxProducts   = 100
	maxVersions   = 1000
	maxRanges     = 20
	maxVersionLen = 200
	maxRefs       = 100
	maxCredits    = 50
	maxCWEs       = 10
)

func contentInvalid(field, format string, args ...any) error {
	return fmt.Errorf("%w: advisory %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
}

// text checks a free-text field: UTF-8, at most max bytes, and one line
// when oneLine.
func text(field, s string, max int, oneLine bool) error {
	switch {
	case len(s) > max:
		return contentInvalid(field, "longer than %d bytes", max)
	case !utf8.ValidString(s):
		return contentInvalid(field, "not UTF-8")
	case oneLine && !lineOK(s):
		return contentInvalid(field, "not one line")
	case strings.ContainsRune(s, 0):
		return contentInvalid(field, "contains NUL")
	}
	return nil
}

// Validate checks that the content is well formed, naming the field at
// fault: every value in its vocabulary and within its limits, every purl
// readable and every version a version of its ecosystem, every range in
// order, every CVSS vector a base vector of v3.1 or v4.0. A draft may be
// incomplete; Complete says what finalising needs besides.
func (c AdvisoryContent) Validate() error {
	if strings.TrimSpace(c.Title) == "" {
		return contentInvalid("title", "empty")
	}
	for _, f := range []struct {
		name, value string
		max         int
		oneLine     bool
	}{
		{"title", c.Title, maxShort, true}, {"summary", c.Summary, maxSummary, false}, {"details", c.Details, maxDetails, false},
		{"exploit", c.Exploit, maxExploit, false}, {"remediation", c.Remediation, maxRemedy, false}, {"workaround", c.Workaround, maxRemedy, false},
	} {
		if err := text(f.name, f.value, f.max, f.oneLine); err != nil {
			return err
		}
	}
	switch {
	case !slices.Contains(AdvisoryLangs, c.Lang):
		return contentInvalid("lang", "%q (%s)", c.Lang, strings.Join(AdvisoryLangs, ", "))
	case !c.Level.IsValid():
		return contentInvalid("level", "unknown %q (%s)", c.Level, joinKinds(publish.Levels))
	case c.Criticality != "" && !c.Criticality.IsValid():
		return contentInvalid("criticality", "unknown %q (%s)", c.Criticality, joinKinds(Criticalities))
	case len(c.Products) > maxProducts:
		return contentInvalid("products", "more than %d", maxProducts)
	case len(c.CVSS) > 2:
		return contentInvalid("cvss", "more than one v3.1 and one v4.0 vector")
	case len(c.CWEs) > maxCWEs:
		return contentInvalid("cwes", "more than %d", maxCWEs)
	case len(c.References) > maxRefs:
		return contentInvalid("references", "more than %d", maxRefs)
	case len(c.Credits) > maxCredits:
		return contentInvalid("credits", "more than %d", maxCredits)
	}
	for i, p := range c.Products {
		if err := p.validate(fmt.Sprintf("products[%d]", i)); err != nil {
			return err
		}
	}
	var versions []risk.CVSSVersion
	for i, v := range c.CVSS {
		field := fmt.Sprintf("cvss[%d]", i)
		s, err := risk.ParseCVSS(v)
		switch {
		case err != nil:
			return contentInvalid(field, "%v", err)
		case s.Version != risk.CVSS31 && s.Version != risk.CVSS40:
			return contentInvalid(field, "CVSS v%s: advisories give v3.1 and v4.0 vectors", s.Version)
		case s.Temporal != nil || s.Environmental != nil:
			return contentInvalid(field, "sets temporal, threat or environmental metrics: an advisory gives the base vector, the rest is the reader's")
		case slices.Contains(versions, s.Version):
			return contentInvalid(field, "a second CVSS v%s vector", s.Version)
		case s.Vector != v:
			return contentInvalid(field, "surrounding space")
		}
		versions = append(versions, s.Version)
	}
	for i, w := range c.CWEs {
		if !cweRE.MatchString(w) || slices.Contains(c.CWEs[:i], w) {
			return contentInvalid(fmt.Sprintf("cwes[%d]", i), "%q is not a CWE id (CWE-79) or is listed twice", w)
		}
		// The catalogue CSAF's test 6.1.11 holds documents to: a CWE it
		// does not know would stop the advisory at a higher level only.
		if _, ok := csaf.CWEName(w); !ok {
			return contentInvalid(fmt.Sprintf("cwes[%d]", i), "%q is not a weakness of CWE 4.17", w)
		}
	}
	for i, r := range c.References {
		field := fmt.Sprintf("references[%d]", i)
		u, err := url.Parse(r.URL)
		switch {
		case !slices.Contains(referenceTypes, r.Type):
			return contentInvalid(field+".type", "unknown %q (%s)", r.Type, strings.Join(referenceTypes, ", "))
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(r.URL) > 2000 || !lineOK(r.URL) || strings.ContainsAny(r.URL, " \t"):
			return contentInvalid(field+".url", "%.100q is not an http(s) address", r.URL)
		}
	}
	for i, cr := range c.Credits {
		field := fmt.Sprintf("credits[%d]", i)
		switch {
		case !nameOK(cr.Name):
			return contentInvalid(field+".name", "%q is not a name", cr.Name)
		case !slices.Contains(creditTypes, cr.Type):
			return contentInvalid(field+".type", "unknown %q (%s)", cr.Type, strings.Join(creditTypes, ", "))
		case len(cr.Contact) > 10:
			return contentInvalid(field+".contact", "more than 10")
		}
		for j, ct := range cr.Contact {
			if err := text(fmt.Sprintf("%s.contact[%d]", field, j), ct, maxShort, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// Complete reports what a valid draft still lacks to be finalised: a
// summary, an affected product, a criticality and a remediation.
func (c AdvisoryContent) Complete() error {
	switch {
	case strings.TrimSpace(c.Summary) == "":
		return contentInvalid("summary", "empty: say what is affected and what the flaw lets an attacker do")
	case len(c.Products) == 0:
		return contentInvalid("products", "none: name the affected products and versions")
	case c.Criticality == "":
		return contentInvalid("criticality", "not chosen (%s)", joinKinds(Criticalities))
	case strings.TrimSpace(c.Remediation) == "":
		return contentInvalid("remediation", "empty: say what operators and users are to do")
	}
	return nil
}

// validate checks one product: ecosystem-aware when it is a package.
func (p AffectedProduct) validate(field string) error {
	var eco string
	switch {
	case p.PURL != "" && (p.Vendor != "" || p.Name != ""):
		return contentInvalid(field, "a purl or a vendor and name, not both")
	case p.PURL != "":
		if len(p.PURL) > maxShort || !lineOK(p.PURL) {
			return contentInvalid(field+".purl", "longer than %d bytes or not one line", maxShort)
		}
		e, _, v, err := ecosystem.FromPURL(p.PURL)
		switch {
		case err != nil:
			return contentInvalid(field+".purl", "%v", err)
		case v != "":
			return contentInvalid(field+".purl", "names version %q: give the package, and its versions in ranges and versions", v)
		}
		eco = e
	case !nameOK(p.Vendor) || !nameOK(p.Name):
		return contentInvalid(field, "a purl, or a vendor and a name (one line each)")
	}
	switch {
	case len(p.Ranges) == 0 && len(p.Versions) == 0:
		return contentInvalid(field, "no affected range or version")
	case len(p.Ranges) > maxRanges:
		return contentInvalid(field+".ranges", "more than %d", maxRanges)
	case len(p.Versions) > maxVersions:
		return contentInvalid(field+".versions", "more than %d", maxVersions)
	}
	// Versions are read as the ecosystem reads them when vmc knows its
	// order; a product that is no package, or an ecosystem without one,
	// keeps them as written.
	check := func(f, v string) error {
		if strings.TrimSpace(v) != v || v == "" || len(v) > maxVersionLen || !lineOK(v) || strings.ContainsAny(v, " |") {
			return contentInvalid(f, "%.60q is not a version", v)
		}
		if eco == "" {
			return nil
		}
		if _, err := version.Parse(eco, v); err != nil && !errors.Is(err, version.ErrUnsupported) {
			return contentInvalid(f, "%v", err)
		}
		return nil
	}
	// after checks that b comes after a in the ecosystem's order (or,
	// when orEqual, is not before it); versions of a product that is no
	// package, or of an ecosystem without an order, are not compared.
	after := func(f, a, b string, orEqual bool) error {
		if eco == "" || a == "" || a == "0" {
			return nil
		}
		c, err := version.Compare(eco, a, b)
		switch {
		case errors.Is(err, version.ErrUnsupported):
			return nil
		case err != nil:
			return contentInvalid(f, "%v", err)
		case c > 0 || (c == 0 && !orEqual):
			return contentInvalid(f, "%s is not after introduced %s", b, a)
		}
		return nil
	}
	for i, v := range p.Versions {
		if err := check(fmt.Sprintf("%s.versions[%d]", field, i), v); err != nil {
			return err
		}
	}
	for i, r := range p.Ranges {
		rf := fmt.Sprintf("%s.ranges[%d]", field, i)
		if r.Fixed != "" && r.LastAffected != "" {
			return contentInvalid(rf, "fixed or last_affected, not both")
		}
		for _, x := range []struct{ name, v string }{{"introduced", r.Introduced}, {"fixed", r.Fixed}, {"last_affected", r.LastAffected}} {
			if x.v != "" && !(x.name == "introduced" && x.v == "0") {
				if err := check(rf+"."+x.name, x.v); err != nil {
					return err
				}
			}
		}
		if r.Fixed != "" {
			if err := after(rf+".fixed", r.Introduced, r.Fixed, false); err != nil {
				return err
			}
		}
		if r.LastAffected != "" {
			if err := after(rf+".last_affected", r.Introduced, r.LastAffected, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// MaxContentInput bounds an advisory read by ParseAdvisoryContent.
const MaxContentInput = 256 << 10

// ParseAdvisoryContent reads an advisory's content as its author writes
// it, in JSON or YAML (anything not starting with "{"), refusing fields
// it does not know (a misspelt "exploit" must not pass as no exploit
// detail) and input larger than MaxContentInput. Lang defaults to "en"
// and Level to "standard". The content is checked with Validate.
func ParseAdvisoryContent(data []byte) (AdvisoryContent, error) {
	var c AdvisoryContent
	if len(data) > MaxContentInput {
		return c, contentInvalid("input", "larger than %d KiB", MaxContentInput>>10)
	}
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			return AdvisoryContent{}, contentInvalid("input", "JSON: %v", err)
		}
		if dec.More() {
			return AdvisoryContent{}, contentInvalid("input", "JSON: more than one document")
		}
	} else {
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) {
			// yaml lists its errors one per line; a message is one line.
			return AdvisoryContent{}, contentInvalid("input", "YAML: %s", strings.Join(strings.Fields(err.Error()), " "))
		}
		var extra any
		if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
			return AdvisoryContent{}, contentInvalid("input", "YAML: more than one document")
		}
	}
	if c.Lang == "" {
		c.Lang = "en"
	}
	if c.Level == "" {
		c.Level = publish.Standard
	}
	return c, c.Validate()
}

// Validate checks an advisory as the store keeps it.
func (a Advisory) Validate() error {
	switch {
	case !advisory.ValidID(a.ID):
		return fmt.Errorf("%w: advisory id: %q is not an identifier", ErrInvalid, a.ID)
	case a.CVE != "" && !CVERE.MatchString(a.CVE):
		return fmt.Errorf("%w: advisory cve: %q is not a CVE id (CVE-2026-12345)", ErrInvalid, a.CVE)
	case !a.State.IsValid():
		return fmt.Errorf("%w: advisory state: unknown %q", ErrInvalid, a.State)
	case a.Incident <= 0:
		return fmt.Errorf("%w: advisory incident: none", ErrInvalid)
	}
	if err := a.Marking.Validate(); err != nil {
		return fmt.Errorf("%w: advisory marking: %v", ErrInvalid, err)
	}
	return a.Content.Validate()
}

// CheckPublish reports whether a final advisory may go on the public
// feed: it must be meant for everyone, TLP:CLEAR. An embargo does not
// stop publishing: the feed holds the advisory back until it lifts.
func (a Advisory) CheckPublish() error {
	if err := CheckAdvisoryMove(a.State, AdvisoryPublished); err != nil {
		return err
	}
	if a.Marking.TLP != Clear {
		return fmt.Errorf("%w: advisory %s is TLP:%s; the public feed carries TLP:CLEAR only: change its marking first", ErrAdvisoryMove, a.ID, a.Marking.TLP)
	}
	return nil
}

// Moved returns a as it is once moved to state to by by at at, or why it
// may not move: finalising needs the content complete (Complete) and
// makes version 1, summarised summary ("Initial release" when empty);
// publishing needs CheckPublish and records who published it and when.
// a is unchanged. The store moves with it, and callers ask it first to
// write the advisory as it will be before anything is released.
func (a Advisory) Moved(to AdvisoryState, by, summary string, at time.Time) (Advisory, error) {
	if err := CheckAdvisoryMove(a.State, to); err != nil {
		return a, fmt.Errorf("advisory %s: %w", a.ID, err)
	}
	x := a
	x.Revisions = slices.Clone(a.Revisions)
	x.State = to
	switch to {
	case AdvisoryFinal:
		if err := x.Content.Complete(); err != nil {
			return a, err
		}
		summary = strings.TrimSpace(summary)
		if summary == "" {
			summary = "Initial release"
		}
		if len(summary) > maxShort || !lineOK(summary) {
			return a, contentInvalid("summary", "longer than %d bytes or not one line", maxShort)
		}
		x.Revisions = []AdvisoryRevision{{Number: 1, Date: at, By: by, Summary: summary}}
	case AdvisoryPublished:
		if err := a.CheckPublish(); err != nil {
			return a, err
		}
		x.Published, x.PublishedBy = at, by
	}
	return x, nil
}

// Changed returns a as it is once changed by by at at: a draft as it
// is; a released advisory with a new revision summarised summary, which
// it must have, and complete content. a is unchanged. The store changes
// advisories with it, and callers ask it first to write the advisory as
// it will be.
func (a Advisory) Changed(by, summary string, at time.Time) (Advisory, error) {
	x := a
	x.Updated = at
	if a.State == AdvisoryDraft {
		return x, nil
	}
	summary = strings.TrimSpace(summary)
	switch {
	case summary == "":
		return a, contentInvalid("summary", "a released advisory changes by a new revision: say what changed")
	case len(summary) > maxShort || !lineOK(summary):
		return a, contentInvalid("summary", "longer than %d bytes or not one line", maxShort)
	}
	if err := x.Content.Complete(); err != nil {
		return a, err
	}
	x.Revisions = append(slices.Clone(a.Revisions), AdvisoryRevision{Number: len(a.Revisions) + 1, Date: at, By: by, Summary: summary})
	return x, nil
}

// Public is the recipient of vmc's public feed and public downloads:
// anyone, cleared for TLP:CLEAR only and named in no embargo.
var Public = Recipient{Clearance: Clear}

// Document is the advisory as publish's writers write it. A draft is
// written as version 0, dated when it last changed; a published advisory
// is a final document.
func (a Advisory) Document() publish.Document {
	c := a.Content
	d := publish.Document{
		ID: a.ID, Title: c.Title, Lang: c.Lang, Publisher: a.Publisher, TLP: string(a.Marking.TLP), Level: c.Level,
		Status: publish.Final, Drafted: a.Updated,
	}
	if a.State == AdvisoryDraft {
		d.Status = publish.Draft
	}
	if c.Criticality.IsValid() {
		d.Criticality, d.CriticalityNote = c.Criticality.Name(c.Lang), c.Criticality.Meaning(c.Lang)
	}
	for _, r := range a.Revisions {
		d.Revisions = append(d.Revisions, publish.Revision{Number: r.Number, Date: r.Date, Summary: r.Summary})
	}
	v := advisory.Record{Source: "vmc", ID: a.ID,
		Titles:       []advisory.Text{{Lang: c.Lang, Value: c.Title}},
		Descriptions: []advisory.Text{{Lang: c.Lang, Value: c.Summary}}}
	if a.CVE != "" && a.CVE != a.ID {
		v.Aliases = []string{a.CVE}
	}
	if c.Details != "" {
		v.Notes = append(v.Notes, advisory.Note{Category: publish.NoteDetails, Text: c.Details, Lang: c.Lang})
	}
	if c.Exploit != "" {
		v.Notes = append(v.Notes, advisory.Note{Category: publish.NoteExploit, Text: c.Exploit, Lang: c.Lang})
	}
	for _, w := range c.CWEs {
		v.CWEs = append(v.CWEs, advisory.CWE{ID: w})
	}
	for _, vec := range c.CVSS {
		t := advisory.CVSSv31
		if strings.HasPrefix(vec, "CVSS:4.0/") {
			t = advisory.CVSSv40
		}
		v.Severities = append(v.Severities, advisory.Severity{Type: t, Vector: vec})
	}
	var remedies []advisory.Remediation
	if c.Remediation != "" {
		remedies = append(remedies, advisory.Remediation{Category: "vendor_fix", Details: c.Remediation})
	}
	if c.Workaround != "" {
		remedies = append(remedies, advisory.Remediation{Category: "workaround", Details: c.Workaround})
	}
	for _, p := range c.Products {
		x := advisory.Affected{PURL: p.PURL, Vendor: p.Vendor, Product: p.Name, Versions: slices.Clone(p.Versions), Remediations: slices.Clone(remedies)}
		if p.PURL != "" {
			x.Ecosystem, x.Package, _, _ = ecosystem.FromPURL(p.PURL)
		}
		if len(p.Ranges) > 0 {
			r := advisory.Range{Type: advisory.RangeEcosystem}
			for _, pr := range p.Ranges {
				r.Events = append(r.Events, advisory.Event{Introduced: cmp.Or(pr.Introduced, "0")})
				switch {
				case pr.Fixed != "":
					r.Events = append(r.Events, advisory.Event{Fixed: pr.Fixed})
				case pr.LastAffected != "":
					r.Events = append(r.Events, advisory.Event{LastAffected: pr.LastAffected})
				}
			}
			x.Ranges = []advisory.Range{r}
		}
		v.Affected = append(v.Affected, x)
	}
	for _, r := range c.References {
		v.References = append(v.References, advisory.Reference{Type: r.Type, URL: r.URL})
	}
	for _, cr := range c.Credits {
		v.Credits = append(v.Credits, advisory.Credit{Name: cr.Name, Type: cr.Type, Contact: slices.Clone(cr.Contact), Lang: c.Lang})
	}
	d.Vuln = v
	return d
}

// AdvisorySettings are how advisories are published: the publisher they
// carry and the prefix of the ids vmc gives them.
type AdvisorySettings struct {
	// Prefix starts the advisories' own ids: PREFIX-YYYY-NNNN, numbered
	// per year from 1.
	Prefix    string            `json:"prefix"`
	Publisher publish.Publisher `json:"publisher"`
}

// DefaultAdvisoryPrefix is the id prefix until the settings name one.
const DefaultAdvisoryPrefix = "VMC-SA"

var prefixRE = regexp.MustCompile(`^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$`)

// Validate checks the settings: a prefix of upper-case letters, digits
// and hyphens (at most 20), and a publisher as the writers need one.
func (s AdvisorySettings) Validate() error {
	if len(s.Prefix) > 20 || !prefixRE.MatchString(s.Prefix) {
		return fmt.Errorf("%w: advisory settings prefix: %q: upper-case letters, digits and single hyphens, at most 20", ErrInvalid, s.Prefix)
	}
	if s.Prefix == "CVE" || s.Prefix == "GCVE" {
		// Own ids would pass for ids the CVE Program or GCVE assigns.
		return fmt.Errorf("%w: advisory settings prefix: %q is another numbering authority's", ErrInvalid, s.Prefix)
	}
	// The publisher is checked as a document checks it: a document
	// with every other field valid shows what the publisher lacks.
	probe := publish.Document{ID: "X-1", Title: "x", Lang: "en", TLP: "CLEAR", Level: publish.Minimal, Status: publish.Draft,
		Drafted: time.Unix(0, 0), Publisher: s.Publisher,
		Vuln: advisory.Record{Descriptions: []advisory.Text{{Lang: "en", Value: "x"}}, Affected: []advisory.Affected{{PURL: "pkg:generic/x"}}}}
	if err := probe.Validate(); err != nil {
		return fmt.Errorf("%w: advisory settings: %v", ErrInvalid, err)
	}
	if id := s.Publisher.CNAOrgID; id != "" && !uuidRE.MatchString(id) {
		return fmt.Errorf("%w: advisory settings: publisher.cna_org_id: %q is not a UUID", ErrInvalid, id)
	}
	// CVE JSON 5's shortName: 2 to 32 characters.
	if n := s.Publisher.CNAShortName; n != "" && (len(n) < 2 || len(n) > 32 || !lineOK(n) || strings.ContainsAny(n, " \t")) {
		return fmt.Errorf("%w: advisory settings: publisher.cna_short_name: %q is not a CNA short name (2 to 32 characters, no spaces)", ErrInvalid, n)
	}
	return nil
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// OwnID is the advisory id numbered n in year under prefix.
func OwnID(prefix string, year, n int) string { return fmt.Sprintf("%s-%d-%04d", prefix, year, n) }
