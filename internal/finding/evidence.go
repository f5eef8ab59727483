package finding

import (
	"slices"
	"time"
)

// OwnTool names vmc's own matching of inventories against advisories as a
// source of evidence.
const OwnTool = "vmc"

// Evidence is one tool's sighting of a finding: which tool reports it, in
// which report it was last seen, and what the tool said. A finding that
// several tools report (a scanner, a second scanner, vmc's own matching of
// an SBOM) is one finding with one piece of evidence per tool; it is
// resolved when the last of them stops reporting it.
type Evidence struct {
	Tool string `json:"tool"` // "trivy", "nessus", OwnTool
	// Report is the report or inventory it was last seen in.
	Report string `json:"report"`
	// Rule is the tool's own check id (plugin, NVT, template, rule).
	Rule string `json:"rule,omitempty"`
	// Severity is the tool's severity as reported, Mapped vmc's scale.
	Severity string `json:"severity,omitempty"`
	Mapped   string `json:"mapped,omitempty"`
	// Location is where on the asset the tool saw it: a port, a URL, a
	// file.
	Location string `json:"location,omitempty"`
	// Detail is the tool's proof, shortened.
	Detail string    `json:"detail,omitempty"`
	First  time.Time `json:"first"`
	Last   time.Time `json:"last"`
}

// evidence returns the finding's evidence, counting a finding recorded
// before evidence was kept as vmc's own.
func (f *Finding) evidence() []Evidence {
	if len(f.Evidence) == 0 && f.ID != 0 {
		return []Evidence{{Tool: OwnTool, Report: f.Explanation.Source, First: f.FirstSeen, Last: f.LastSeen}}
	}
	return f.Evidence
}

// Reports says whether tool is among the finding's evidence.
func (f *Finding) Reports(tool string) bool {
	return slices.ContainsFunc(f.evidence(), func(e Evidence) bool { return e.Tool == tool })
}

// see records tool's sighting in a scan: the first for the tool, or a
// later one that keeps its first time.
func (f *Finding) see(e Evidence) {
	ev := slices.Clone(f.evidence())
	i := slices.IndexFunc(ev, func(have Evidence) bool { return have.Tool == e.Tool })
	if i < 0 {
		f.Evidence = append(ev, e)
		return
	}
	e.First = ev[i].First
	ev[i] = e
	f.Evidence = ev
}

// drop removes tool's evidence and returns the tools still reporting the
// finding.
func (f *Finding) drop(tool string) []Evidence {
	f.Evidence = slices.DeleteFunc(slices.Clone(f.evidence()), func(e Evidence) bool { return e.Tool == tool })
	return f.Evidence
}
