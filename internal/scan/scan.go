// Package scan is what other tools found: the reports of vulnerability
// scanners, dependency checkers, SAST and DAST tools and pen tests, read
// into one shape so vmc can map their targets to assets and their results
// to findings. Each tool's format lives in its own sub-package
// (scan/nessus, scan/trivy, ...) exporting
//
//	func Sniff(head []byte) bool
//	func Parse(r io.Reader) (*scan.Report, error)
//
// Parse reads a whole report or fails: a report stands for one scan of a
// scope, and a half-read one would make vmc believe what it left out was
// fixed. Errors name the record and field (a *feed.RecordError).
//
// What the formats share in reading lives here rather than in each
// sub-package: the strict XML decoder and its walk (xml.go), CSV rows and
// columns (csv.go), telling a report's encodings apart and sniffing heads
// (read.go), and the text and values of report fields (text.go). The JSON
// formats stream with scan/jsonstream; their tests share scan/scantest.
//
// This package knows nothing of storage, HTTP or the command line.
package scan

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// Report is one tool run.
type Report struct {
	Tool    string `json:"tool,omitempty"`    // "nessus", "trivy", ...: the sub-package's name
	Version string `json:"version,omitempty"` // the tool's version when the report says it
	// Started and Finished bound the scan when the report says so.
	Started  time.Time `json:"started,omitzero"`
	Finished time.Time `json:"finished,omitzero"`
	Targets  []Target  `json:"targets,omitempty"`
	Results  []Result  `json:"results,omitempty"`
}

// Target is one thing a report scanned: a host, an image, a web site or a
// source tree. Results point at targets by index, so a host with 300
// results is written once.
type Target struct {
	Kind TargetKind `json:"kind,omitempty"`
	// Name is what the tool called the target: a host name or address, an
	// image reference, a base URL, a path.
	Name   string `json:"name,omitempty"`
	IP     string `json:"ip,omitempty"`     // host address when known
	FQDN   string `json:"fqdn,omitempty"`   // host name when known
	OS     string `json:"os,omitempty"`     // operating system as the tool reported it
	Digest string `json:"digest,omitempty"` // image digest ("sha256:…") when known
	URL    string `json:"url,omitempty"`    // base URL of a web target
}

// HostTarget is a host target named name, with name as its IP when it is
// an address.
func HostTarget(name string) Target {
	t := Target{Kind: TargetHost, Name: name}
	if a, err := netip.ParseAddr(name); err == nil {
		t.IP = a.String()
	}
	return t
}

// TargetKind says how a target maps to an asset.
type TargetKind string

const (
	TargetHost   TargetKind = "host"   // matched to a host asset by FQDN, IP or name
	TargetImage  TargetKind = "image"  // matched to an image asset by digest or reference
	TargetWeb    TargetKind = "web"    // a web application, by base URL
	TargetSource TargetKind = "source" // a source tree or file system, by path/name
)

// Result is one thing the tool found on one target.
type Result struct {
	Target int    `json:"target"`         // index into Report.Targets
	Rule   string `json:"rule,omitempty"` // the tool's own id: plugin id, NVT OID, template id, rule id, alert id
	Title  string `json:"title,omitempty"`
	// IDs are vulnerability identifiers the tool names, normalised to
	// upper-case prefixes ("CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q",
	// "CNVD-2021-95914"), without duplicates, in report order.
	IDs  []string `json:"ids,omitempty"`
	CWEs []int    `json:"cwes,omitempty"`
	// Severity is ToolSeverity mapped to vmc's scale (see Severity).
	Severity     Severity `json:"severity,omitempty"`
	ToolSeverity string   `json:"tool_severity,omitempty"` // as the report spells it: "4", "High", "Negligible"
	// Score and Vector are the CVSS the tool reports, the newest version
	// it gives.
	Score  float64 `json:"score,omitempty"`
	Vector string  `json:"vector,omitempty"`
	// Package is the vulnerable component, for dependency and OS package
	// results.
	Package *Package `json:"package,omitempty"`
	// Location is where on the target: "443/tcp", a URL, "src/app.py:12".
	Location    string `json:"location,omitempty"`
	Description string `json:"description,omitempty"`
	Solution    string `json:"solution,omitempty"`
	// Evidence is the tool's proof, shortened to a few KiB: plugin output,
	// a matched string, a request line.
	Evidence   string   `json:"evidence,omitempty"`
	References []string `json:"references,omitempty"`
}

// Package is a component a result is about.
type Package struct {
	Ecosystem string `json:"ecosystem,omitempty"` // OSV ecosystem name when the report says enough
	Name      string `json:"name,omitempty"`
	Version   string `json:"version,omitempty"`
	PURL      string `json:"purl,omitempty"`
	Fixed     string `json:"fixed,omitempty"` // version that fixes it, when the tool says
	Path      string `json:"path,omitempty"`  // file the package was found in
}

// Severity is vmc's severity scale for tool results. Tools' own scales map
// onto it by a table in each sub-package's documentation; words common to
// many tools map by ParseSeverity.
type Severity string

const (
	SevCritical Severity = "critical"
	SevHigh     Severity = "high"
	SevMedium   Severity = "medium"
	SevLow      Severity = "low"
	SevInfo     Severity = "info"    // informational: no vulnerability
	SevUnknown  Severity = "unknown" // the tool gave none, or one vmc cannot read
)

// ParseSeverity maps the words tools commonly use:
//
//	critical                               → critical
//	high, error, important                 → high
//	medium, moderate, warning              → medium
//	low, note                              → low
//	info, information, informational, none,
//	negligible, log                        → info
//	anything else                          → unknown
//
// Case and surrounding space are ignored.
func ParseSeverity(s string) Severity {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "critical":
		return SevCritical
	case "high", "error", "important":
		return SevHigh
	case "medium", "moderate", "warning":
		return SevMedium
	case "low", "note":
		return SevLow
	case "info", "information", "informational", "none", "negligible", "log":
		return SevInfo
	}
	return SevUnknown
}

// SeverityFromScore maps a CVSS base score by the CVSS v3 qualitative
// scale; 0 is info.
func SeverityFromScore(score float64) Severity {
	switch {
	case score >= 9:
		return SevCritical
	case score >= 7:
		return SevHigh
	case score >= 4:
		return SevMedium
	case score > 0:
		return SevLow
	}
	return SevInfo
}

// AddID appends a normalised vulnerability identifier unless it is empty
// or already present.
func (r *Result) AddID(id string) {
	id = NormaliseID(id)
	if id == "" {
		return
	}
	for _, have := range r.IDs {
		if have == id {
			return
		}
	}
	r.IDs = append(r.IDs, id)
}

// NormaliseID trims an identifier and upper-cases the prefixes vmc knows
// ("cve-2021-1" → "CVE-2021-1"). GHSA ids keep their lower-case tail, as
// GitHub writes them.
func NormaliseID(id string) string {
	id = strings.TrimSpace(id)
	prefix, rest, ok := strings.Cut(id, "-")
	if !ok || rest == "" {
		return id
	}
	switch up := strings.ToUpper(prefix); up {
	case "CVE", "CNVD", "CNNVD", "JVNDB", "EUVD", "GCVE":
		return up + "-" + strings.ToUpper(rest)
	case "GHSA":
		return up + "-" + strings.ToLower(rest)
	}
	return id
}

// ParseCWE reads "CWE-79", "cwe-79", "79" or a CWE URL's last segment.
func ParseCWE(s string) (int, error) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexAny(s, "/:"); i >= 0 && !strings.HasPrefix(strings.ToUpper(s), "CWE-") {
		s = s[i+1:]
	}
	s = strings.TrimSuffix(s, ".html")
	if len(s) > 4 && strings.EqualFold(s[:4], "CWE-") {
		s = s[4:]
	}
	n := 0
	if s == "" || len(s) > 7 {
		return 0, fmt.Errorf("not a CWE id: %q", s)
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("not a CWE id: %q", s)
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

// AddCWE appends a CWE id unless already present.
func (r *Result) AddCWE(n int) {
	for _, have := range r.CWEs {
		if have == n {
			return
		}
	}
	r.CWEs = append(r.CWEs, n)
}

// Target adds t unless an equal target is already in the report, and
// returns its index. It looks through the targets so far: call it once per
// target element of a report, not once per result.
func (rep *Report) Target(t Target) int {
	for i, have := range rep.Targets {
		if have == t {
			return i
		}
	}
	rep.Targets = append(rep.Targets, t)
	return len(rep.Targets) - 1
}

// Targets adds targets to a report by a key of the caller's, building a
// target only when its key is new: Report.Target looks through all the
// targets so far, too slow to call for every result of a large report.
type Targets[K comparable] struct {
	rep   *Report
	index map[K]int
}

// NewTargets returns Targets adding to rep.
func NewTargets[K comparable](rep *Report) *Targets[K] {
	return &Targets[K]{rep: rep, index: map[K]int{}}
}

// Index returns the index of the target for key, adding target() the first
// time key is seen.
func (ts *Targets[K]) Index(key K, target func() Target) int {
	i, ok := ts.index[key]
	if !ok {
		i = ts.rep.Target(target())
		ts.index[key] = i
	}
	return i
}

// MaxEvidence is how much of a tool's proof a result keeps.
const MaxEvidence = 4 << 10

// Shorten cuts s to at most MaxEvidence bytes on a rune boundary, marking
// the cut.
func Shorten(s string) string {
	if len(s) <= MaxEvidence {
		return s
	}
	cut := MaxEvidence
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + " …"
}
