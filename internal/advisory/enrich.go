package advisory

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
)

// Facet is one of the parts of a record that other sources can complete:
// a weakness, a CVSS score, the affected products, a fixed version.
type Facet string

const (
	FacetCWE      Facet = "cwe"
	FacetCVSS     Facet = "cvss"
	FacetAffected Facet = "affected"
	FacetFixed    Facet = "fixed"
)

// Facets lists every Facet in report order.
var Facets = []Facet{FacetCWE, FacetCVSS, FacetAffected, FacetFixed}

// ADPSource is the donor name of what a CVE record's CISA ADP container
// ("Vulnrichment") adds. The cve5 importer keeps those values in the cve5
// record with Provider "CISA-ADP"; for enrichment they are a voice of their
// own, because CISA, not the CNA, said them.
const ADPSource = "cisa-adp"

// adpProvider is the providerMetadata.shortName of CISA's ADP container.
const adpProvider = "CISA-ADP"

// Fill says how the merged vulnerability has one facet for one source
// record: the record states it itself (Own), another source or voice
// fills it (From), or nobody states it (neither).
type Fill struct {
	Facet Facet `json:"facet"`
	Own   bool  `json:"own"`
	// From is the donor of a filled facet, the highest-precedence one
	// when several could fill it; nil when the record states the facet
	// itself or nobody does.
	From *Donor `json:"from,omitempty"`
}

// Donor names a source (or ADPSource) and the record whose claim fills a
// facet.
type Donor struct {
	Source   string `json:"source"`
	Record   string `json:"record"`
	Document string `json:"document,omitempty"`
}

// RecordFills is the enrichment of one source record by the others merged
// with it.
type RecordFills struct {
	Source   string `json:"source"`
	Record   string `json:"record"`
	Document string `json:"document,omitempty"`
	Fills    []Fill `json:"fills"`
}

// Filled reports whether some facet of the record is filled by another.
func (r RecordFills) Filled() bool {
	return slices.ContainsFunc(r.Fills, func(f Fill) bool { return f.From != nil })
}

// Missing returns the facets nobody states.
func (r RecordFills) Missing() []Facet {
	var out []Facet
	for _, f := range r.Fills {
		if !f.Own && f.From == nil {
			out = append(out, f.Facet)
		}
	}
	return out
}

// contribution is one facet one voice states.
type contribution struct {
	facet Facet
	donor Donor
}

var cweNumbered = regexp.MustCompile(`^CWE-[0-9]+$`)

// contributions lists the facets each current claim of v states. A claim
// of a cve5 record whose provider is CISA's ADP is credited to ADPSource.
func contributions(v *Vulnerability) []contribution {
	var out []contribution
	add := func(f Facet, c Claim, provider string) {
		src := c.Source
		if c.Source == "cve5" && provider == adpProvider {
			src = ADPSource
		}
		d := Donor{Source: src, Record: c.Record, Document: c.Document}
		if !slices.Contains(out, contribution{f, d}) {
			out = append(out, contribution{f, d})
		}
	}
	for _, fv := range v.Fields {
		for _, c := range fv.Claims {
			switch fv.Field {
			case FieldCWEs:
				var cwes []CWE
				if json.Unmarshal(c.Value, &cwes) != nil {
					continue
				}
				for _, w := range cwes {
					// NVD-CWE-noinfo and NVD-CWE-Other say there is no
					// weakness to name: they fill nothing.
					if cweNumbered.MatchString(w.ID) {
						add(FacetCWE, c, w.Provider)
					}
				}
			case FieldSeverity:
				var s Severity
				if json.Unmarshal(c.Value, &s) == nil && strings.HasPrefix(string(s.Type), "CVSS_") && s.Vector != "" {
					add(FacetCVSS, c, s.Provider)
				}
			case FieldAffected:
				var as []Affected
				if json.Unmarshal(c.Value, &as) != nil {
					continue
				}
				for _, a := range as {
					if a.Package != "" || a.Product != "" || a.PURL != "" || len(a.CPEs) > 0 || a.Text != "" {
						add(FacetAffected, c, a.Provider)
					}
					if a.hasFix() {
						add(FacetFixed, c, a.Provider)
					}
				}
			case FieldConfigurations:
				// NVD names affected products only as CPE match trees.
				var nodes []json.RawMessage
				if json.Unmarshal(c.Value, &nodes) == nil && len(nodes) > 0 {
					add(FacetAffected, c, "")
				}
			}
		}
	}
	return out
}

// hasFix reports whether the entry names a version or product that fixes
// the vulnerability.
func (a Affected) hasFix() bool {
	if a.Status == "fixed" || a.Status == "first_fixed" {
		return true
	}
	for _, r := range a.Ranges {
		for _, e := range r.Events {
			if e.Fixed != "" {
				return true
			}
		}
	}
	return false
}

// Enrichment works out, for every current source record of v, which
// facets it states itself and which the other records (or a CVE record's
// ADP container) fill, naming the donor that ranks first: v.Sources is in
// precedence order (Merge sorts it), and an ADP container ranks just after
// the CVE record that carries it. Records are in v.Sources order; retired
// ones are left out.
func (v *Vulnerability) Enrichment() []RecordFills {
	cs := contributions(v)
	rank := func(d Donor) int {
		for i, s := range v.Sources {
			if s.Record == d.Record && s.Document == d.Document && (s.Source == d.Source || d.Source == ADPSource && s.Source == "cve5") {
				if d.Source == ADPSource {
					return 2*i + 1
				}
				return 2 * i
			}
		}
		return 2 * len(v.Sources)
	}
	var out []RecordFills
	for _, s := range v.Sources {
		if !s.Retired.IsZero() {
			continue
		}
		rf := RecordFills{Source: s.Source, Record: s.Record, Document: s.Document, Fills: make([]Fill, 0, len(Facets))}
		self := Donor{Source: s.Source, Record: s.Record, Document: s.Document}
		for _, f := range Facets {
			fill := Fill{Facet: f}
			for _, c := range cs {
				switch {
				case c.facet != f:
				case c.donor == self:
					fill.Own, fill.From = true, nil
				case fill.Own:
				case fill.From == nil || rank(c.donor) < rank(*fill.From):
					d := c.donor
					fill.From = &d
				}
			}
			rf.Fills = append(rf.Fills, fill)
		}
		out = append(out, rf)
	}
	return out
}

// PrimaryRecord returns the index in fills of the record that speaks for
// v: the first (by precedence) whose id is v's primary id, else the first.
// It returns -1 for an empty list.
func (v *Vulnerability) PrimaryRecord(fills []RecordFills) int {
	for i, f := range fills {
		if strings.EqualFold(f.Record, v.ID) {
			return i
		}
	}
	if len(fills) == 0 {
		return -1
	}
	return 0
}

// FacetTally counts, for the records of one source, how one facet stands.
type FacetTally struct {
	// Own counts records that state the facet themselves.
	Own int `json:"own"`
	// Filled counts records lacking it that another source fills, by
	// donor source.
	Filled map[string]int `json:"filled"`
	// Missing counts records that nobody fills.
	Missing int `json:"missing"`
}

// SourceTally is the enrichment of one source's records.
type SourceTally struct {
	Records int                  `json:"records"`
	Facets  map[Facet]FacetTally `json:"facets"`
}

// EnrichmentTally counts enrichment over many vulnerabilities, by the
// source of the enriched record.
type EnrichmentTally struct {
	Vulnerabilities int `json:"vulnerabilities"`
	// Primary counts only the record that speaks for each vulnerability
	// (PrimaryRecord), so each vulnerability counts once.
	Primary map[string]SourceTally `json:"primary"`
	// Records counts every current source record.
	Records map[string]SourceTally `json:"records"`
}

// NewEnrichmentTally returns an empty tally.
func NewEnrichmentTally() *EnrichmentTally {
	return &EnrichmentTally{Primary: map[string]SourceTally{}, Records: map[string]SourceTally{}}
}

// Add counts one vulnerability.
func (t *EnrichmentTally) Add(v *Vulnerability) {
	fills := v.Enrichment()
	if len(fills) == 0 {
		return
	}
	t.Vulnerabilities++
	primary := v.PrimaryRecord(fills)
	for i, rf := range fills {
		countFills(t.Records, rf)
		if i == primary {
			countFills(t.Primary, rf)
		}
	}
}

func countFills(m map[string]SourceTally, rf RecordFills) {
	st := m[rf.Source]
	if st.Facets == nil {
		st.Facets = map[Facet]FacetTally{}
	}
	st.Records++
	for _, f := range rf.Fills {
		ft := st.Facets[f.Facet]
		if ft.Filled == nil {
			ft.Filled = map[string]int{}
		}
		switch {
		case f.Own:
			ft.Own++
		case f.From != nil:
			ft.Filled[f.From.Source]++
		default:
			ft.Missing++
		}
		st.Facets[f.Facet] = ft
	}
	m[rf.Source] = st
}
