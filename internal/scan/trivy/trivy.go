package trivy

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/jsonstream"
)

// Sniff reports whether head, the first bytes of a file, is a Trivy JSON
// report: an object whose top-level keys include SchemaVersion and one of
// ArtifactName, ArtifactType or Results. Grype, Anchore and the other
// JSON tools have none of these keys.
func Sniff(head []byte) bool {
	keys := jsonstream.HeadKeys(head, "{")
	return slices.Contains(keys, "SchemaVersion") &&
		(slices.Contains(keys, "ArtifactName") || slices.Contains(keys, "ArtifactType") || slices.Contains(keys, "Results"))
}

// metadata is the part of Report.Metadata vmc reads
// (github.com/aquasecurity/trivy pkg/types/report.go).
type metadata struct {
	OS *struct {
		Family string `json:"Family"`
		Name   string `json:"Name"`
	} `json:"OS"`
	RepoTags    []string `json:"RepoTags"`
	RepoDigests []string `json:"RepoDigests"`
}

// result is one Result without the lists Parse streams.
type result struct {
	Target string `json:"Target"`
	Class  string `json:"Class"` // os-pkgs, lang-pkgs, config, secret, license, ...
	Type   string `json:"Type"`  // debian, pip, jar, dockerfile, ...
}

// vulnerability is a DetectedVulnerability (pkg/types/vulnerability.go).
type vulnerability struct {
	VulnerabilityID string   `json:"VulnerabilityID"`
	VendorIDs       []string `json:"VendorIDs"`
	PkgName         string   `json:"PkgName"`
	PkgPath         string   `json:"PkgPath"`
	PkgIdentifier   struct {
		PURL string `json:"PURL"`
	} `json:"PkgIdentifier"`
	InstalledVersion string          `json:"InstalledVersion"`
	FixedVersion     string          `json:"FixedVersion"`
	Status           string          `json:"Status"`
	SeveritySource   string          `json:"SeveritySource"`
	PrimaryURL       string          `json:"PrimaryURL"`
	Title            string          `json:"Title"`
	Description      string          `json:"Description"`
	Severity         string          `json:"Severity"`
	CweIDs           []string        `json:"CweIDs"`
	CVSS             map[string]cvss `json:"CVSS"`
	References       []string        `json:"References"`
}

// cvss is one source's scores (pkg/types: dbTypes.CVSS).
type cvss struct {
	V2Vector  string  `json:"V2Vector"`
	V3Vector  string  `json:"V3Vector"`
	V40Vector string  `json:"V40Vector"`
	V2Score   float64 `json:"V2Score"`
	V3Score   float64 `json:"V3Score"`
	V40Score  float64 `json:"V40Score"`
}

// misconfiguration is a DetectedMisconfiguration.
type misconfiguration struct {
	Type          string   `json:"Type"`
	ID            string   `json:"ID"`
	AVDID         string   `json:"AVDID"`
	Title         string   `json:"Title"`
	Description   string   `json:"Description"`
	Message       string   `json:"Message"`
	Resolution    string   `json:"Resolution"`
	Severity      string   `json:"Severity"`
	PrimaryURL    string   `json:"PrimaryURL"`
	References    []string `json:"References"`
	Status        string   `json:"Status"`
	CauseMetadata struct {
		Resource  string `json:"Resource"`
		StartLine int    `json:"StartLine"`
	} `json:"CauseMetadata"`
}

// secret is a DetectedSecret.
type secret struct {
	RuleID    string `json:"RuleID"`
	Category  string `json:"Category"`
	Severity  string `json:"Severity"`
	Title     string `json:"Title"`
	StartLine int    `json:"StartLine"`
	Match     string `json:"Match"`
}

// parser holds what a report says besides its results, which it needs
// only once the whole document is read: Trivy writes Metadata before
// Results, but nothing in JSON obliges another writer to.
type parser struct {
	rd *jsonstream.Reader
	// top-level members
	schema       *int
	createdAt    string
	artifactName string
	artifactType string
	version      string
	meta         metadata
	// osTarget is the Target of the first os-pkgs result ("image (debian
	// 10.13)"), which names the image when ArtifactName is empty.
	osTarget string
	results  []scan.Result
	// osPkgs indexes the results whose ecosystem depends on the
	// distribution in Metadata.OS.
	osPkgs []int
}

// Parse reads a Trivy JSON report (SchemaVersion 2). The results are
// streamed: one vulnerability is decoded at a time.
func Parse(r io.Reader) (*scan.Report, error) {
	rd, _, err := jsonstream.Open(r, jsonstream.Doc{Starts: "{", Want: "a JSON object (Trivy SchemaVersion 2)", Empty: "Trivy writes a JSON document even when it finds nothing"})
	if err != nil {
		return nil, err
	}
	p := &parser{rd: rd}
	if err := p.rd.Object(p.member); err != nil {
		return nil, jsonstream.Located(err, "report", "")
	}
	if err := p.rd.End(); err != nil {
		return nil, jsonstream.Located(err, "", "")
	}
	return p.report()
}

// member reads one top-level member.
func (p *parser) member(key string) error {
	rd := p.rd
	var err error
	switch {
	case strings.EqualFold(key, "SchemaVersion"):
		var v int
		err = rd.Decode(&v)
		p.schema = &v
	case strings.EqualFold(key, "CreatedAt"):
		err = rd.Decode(&p.createdAt)
	case strings.EqualFold(key, "ArtifactName"):
		err = rd.Decode(&p.artifactName)
	case strings.EqualFold(key, "ArtifactType"):
		err = rd.Decode(&p.artifactType)
	case strings.EqualFold(key, "Trivy"):
		var t struct {
			Version string `json:"Version"`
		}
		err = rd.Decode(&t)
		p.version = t.Version
	case strings.EqualFold(key, "Metadata"):
		err = rd.Decode(&p.meta)
	case strings.EqualFold(key, "Results"):
		return jsonstream.Located(rd.Array(p.result), "report", "Results")
	default:
		err = rd.Skip()
	}
	return jsonstream.Located(err, "report", key)
}

// result streams one element of Results.
func (p *parser) result(i int) error {
	rd := p.rd
	var res result
	name := func() string {
		if res.Target == "" {
			return fmt.Sprintf("Results[%d]", i)
		}
		return fmt.Sprintf("Results[%d] %s", i, res.Target)
	}
	// Target, Class and Type come first in what Trivy writes, but the
	// lists may precede them in another writer's output, so results are
	// completed once the whole element is read.
	start := len(p.results)
	var misconfs, secrets []int // indices of results needing Target
	err := rd.Object(func(key string) error {
		var err error
		switch {
		case strings.EqualFold(key, "Target"):
			err = rd.Decode(&res.Target)
		case strings.EqualFold(key, "Class"):
			err = rd.Decode(&res.Class)
		case strings.EqualFold(key, "Type"):
			err = rd.Decode(&res.Type)
		case strings.EqualFold(key, "Vulnerabilities"):
			return jsonstream.Located(rd.Array(func(j int) error { return p.vulnerability(name(), j) }), name(), key)
		case strings.EqualFold(key, "Misconfigurations"):
			return jsonstream.Located(rd.Array(func(j int) error {
				return p.misconfiguration(name(), j, &misconfs)
			}), name(), key)
		case strings.EqualFold(key, "Secrets"):
			return jsonstream.Located(rd.Array(func(j int) error {
				return p.secret(name(), j, &secrets)
			}), name(), key)
		default:
			err = rd.Skip()
		}
		return jsonstream.Located(err, name(), key)
	})
	if err != nil {
		return jsonstream.Located(err, name(), "")
	}
	if res.Class == "os-pkgs" && p.osTarget == "" {
		p.osTarget = res.Target
	}
	for k := start; k < len(p.results); k++ {
		rs := &p.results[k]
		if rs.Package == nil {
			continue // misconfigurations and secrets: below
		}
		if rs.Package.Ecosystem == "" {
			if res.Class == "os-pkgs" {
				p.osPkgs = append(p.osPkgs, k)
			} else {
				rs.Package.Ecosystem = langEcosystems[res.Type]
			}
		}
		if rs.Location == "" && res.Class != "os-pkgs" {
			// A lockfile or manifest: where the package was declared.
			rs.Location = res.Target
		}
	}
	for _, k := range append(misconfs, secrets...) {
		rs := &p.results[k]
		if rs.Location == "" {
			rs.Location = res.Target
		} else {
			rs.Location = res.Target + rs.Location // ":line"
		}
	}
	return nil
}

// vulnerability reads Vulnerabilities[j] of the result named res.
func (p *parser) vulnerability(res string, j int) error {
	raw, err := p.rd.Raw()
	if err != nil {
		return jsonstream.Located(err, fmt.Sprintf("%s: Vulnerabilities[%d]", res, j), "")
	}
	var v vulnerability
	err = jsonstream.Unmarshal(raw, &v)
	name, err := jsonstream.Named(fmt.Sprintf("%s: Vulnerabilities[%d]", res, j), v.VulnerabilityID, "VulnerabilityID", err)
	if err != nil {
		return err
	}
	out := scan.Result{
		Rule:         v.VulnerabilityID,
		Title:        v.Title,
		Severity:     scan.ParseSeverity(v.Severity),
		ToolSeverity: v.Severity,
		Description:  v.Description,
		Location:     v.PkgPath,
		Package: &scan.Package{
			Name:    v.PkgName,
			Version: v.InstalledVersion,
			PURL:    v.PkgIdentifier.PURL,
			Fixed:   v.FixedVersion,
			Path:    v.PkgPath,
		},
	}
	out.AddID(v.VulnerabilityID)
	for _, id := range v.VendorIDs {
		out.AddID(id)
	}
	for k, c := range v.CweIDs {
		if err := addCWE(&out, c); err != nil {
			return feed.Errorf(name, fmt.Sprintf("CweIDs[%d]", k), "%v", err)
		}
	}
	if err := p.pickCVSS(&out, v); err != nil {
		return jsonstream.Located(err, name, "")
	}
	if eco, pname := fromPURL(v.PkgIdentifier.PURL); eco != "" {
		out.Package.Ecosystem, out.Package.Name = eco, pname
	}
	if v.FixedVersion != "" {
		out.Solution = "Upgrade " + v.PkgName + " to " + v.FixedVersion
	}
	out.References = references(v.PrimaryURL, v.References)
	p.results = append(p.results, out)
	return nil
}

// cvssSlot is one place a score can come from, in order of preference.
type cvssSlot struct {
	rank   int // 4: v4.0, 3: v3.1, 2: v3.0, 1: v2
	source string
	score  float64
	vector string
	field  string
}

// pickCVSS sets Score and Vector from the newest CVSS version any source
// gives; among sources giving that version, nvd first, then the
// SeveritySource, then the others by name.
func (p *parser) pickCVSS(out *scan.Result, v vulnerability) error {
	sources := make([]string, 0, len(v.CVSS))
	for s := range v.CVSS {
		sources = append(sources, s)
	}
	pref := func(s string) int {
		switch s {
		case "nvd":
			return 0
		case v.SeveritySource:
			return 1
		}
		return 2
	}
	sort.Slice(sources, func(a, b int) bool {
		if pa, pb := pref(sources[a]), pref(sources[b]); pa != pb {
			return pa < pb
		}
		return sources[a] < sources[b]
	})
	var best *cvssSlot
	for _, s := range sources {
		c := v.CVSS[s]
		for _, slot := range []cvssSlot{
			{4, s, c.V40Score, c.V40Vector, "V40Score"},
			{v3Rank(c.V3Vector), s, c.V3Score, c.V3Vector, "V3Score"},
			{1, s, c.V2Score, c.V2Vector, "V2Score"},
		} {
			if slot.score == 0 && slot.vector == "" {
				continue
			}
			if _, err := jsonstream.Score(slot.score); err != nil {
				return &jsonstream.FieldError{Path: "CVSS." + s + "." + slot.field, Err: err}
			}
			if best == nil || slot.rank > best.rank {
				b := slot
				best = &b
			}
		}
	}
	if best != nil {
		out.Score, out.Vector = best.score, best.vector
	}
	return nil
}

// v3Rank ranks a v3 vector: 3.1 above 3.0.
func v3Rank(vector string) int {
	if strings.HasPrefix(vector, "CVSS:3.1/") {
		return 3
	}
	return 2
}

// misconfiguration reads Misconfigurations[j]. Only failed checks are
// results: Trivy lists passed ones under --include-non-failures, and
// exceptions are checks the user has waived.
func (p *parser) misconfiguration(res string, j int, idx *[]int) error {
	raw, err := p.rd.Raw()
	name := fmt.Sprintf("%s: Misconfigurations[%d]", res, j)
	if err != nil {
		return jsonstream.Located(err, name, "")
	}
	var m misconfiguration
	err = jsonstream.Unmarshal(raw, &m)
	name, err = jsonstream.Named(name, m.ID, "ID", err)
	if err != nil {
		return err
	}
	if m.Status != "" && !strings.EqualFold(m.Status, "FAIL") {
		return nil
	}
	out := scan.Result{
		Rule:         m.ID,
		Title:        m.Title,
		Severity:     scan.ParseSeverity(m.Severity),
		ToolSeverity: m.Severity,
		Description:  m.Description,
		Solution:     m.Resolution,
		Evidence:     scan.Shorten(m.Message),
		References:   references(m.PrimaryURL, m.References),
	}
	if m.CauseMetadata.StartLine > 0 {
		out.Location = ":" + strconv.Itoa(m.CauseMetadata.StartLine)
	}
	*idx = append(*idx, len(p.results))
	p.results = append(p.results, out)
	return nil
}

// secret reads Secrets[j].
func (p *parser) secret(res string, j int, idx *[]int) error {
	raw, err := p.rd.Raw()
	name := fmt.Sprintf("%s: Secrets[%d]", res, j)
	if err != nil {
		return jsonstream.Located(err, name, "")
	}
	var s secret
	err = jsonstream.Unmarshal(raw, &s)
	name, err = jsonstream.Named(name, s.RuleID, "RuleID", err)
	if err != nil {
		return err
	}
	out := scan.Result{
		Rule:         s.RuleID,
		Title:        s.Title,
		Severity:     scan.ParseSeverity(s.Severity),
		ToolSeverity: s.Severity,
		Evidence:     scan.Shorten(s.Match),
	}
	if s.StartLine > 0 {
		out.Location = ":" + strconv.Itoa(s.StartLine)
	}
	*idx = append(*idx, len(p.results))
	p.results = append(p.results, out)
	return nil
}

// report assembles the report once the document is read.
func (p *parser) report() (*scan.Report, error) {
	if p.schema == nil {
		return nil, feed.Errorf("report", "SchemaVersion", "missing")
	}
	if *p.schema != 2 {
		return nil, feed.Errorf("report", "SchemaVersion", "unsupported %d (vmc reads 2)", *p.schema)
	}
	rep := &scan.Report{Tool: "trivy", Version: p.version}
	t, err := jsonstream.ParseTime(p.createdAt)
	if err != nil {
		return nil, feed.Errorf("report", "CreatedAt", "%v", err)
	}
	rep.Finished = t
	tgt := scan.Target{Kind: scan.TargetSource, Name: p.artifactName}
	if os := p.meta.OS; os != nil {
		tgt.OS = strings.TrimSpace(os.Family + " " + os.Name)
	}
	switch p.artifactType {
	case "container_image":
		tgt.Kind = scan.TargetImage
		if tgt.Name == "" {
			tgt.Name = firstNonEmpty(p.meta.RepoTags)
		}
		if tgt.Name == "" {
			// "image:tag (debian 10.13)"
			tgt.Name, _, _ = strings.Cut(p.osTarget, " (")
		}
		for _, d := range p.meta.RepoDigests {
			if _, digest, ok := strings.Cut(d, "@"); ok && digest != "" {
				tgt.Digest = digest
				break
			}
		}
	case "vm":
		tgt.Kind = scan.TargetHost
	}
	rep.Target(tgt)
	var osEco string
	if os := p.meta.OS; os != nil {
		osEco = distroEcosystem(os.Family, os.Name)
	}
	for _, k := range p.osPkgs {
		p.results[k].Package.Ecosystem = osEco
	}
	rep.Results = p.results
	return rep, nil
}

func firstNonEmpty(list []string) string {
	for _, s := range list {
		if s != "" {
			return s
		}
	}
	return ""
}

// references returns the primary URL and then the others, without
// repeats or empty entries.
func references(primary string, refs []string) []string {
	var out []string
	for _, u := range append([]string{primary}, refs...) {
		if u != "" && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}

// addCWE adds a CWE id. NVD's placeholders for "no CWE fits"
// (NVD-CWE-Other, NVD-CWE-noinfo), which Trivy copies, are not CWEs and
// are passed over.
func addCWE(out *scan.Result, s string) error {
	if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(s)), "NVD-CWE-") {
		return nil
	}
	n, err := scan.ParseCWE(s)
	if err != nil {
		return err
	}
	out.AddCWE(n)
	return nil
}

// fromPURL returns the OSV ecosystem and the package's name there for a
// purl, or "" when there is no purl or it names no OSV ecosystem. A purl
// vmc cannot read is kept in Package.PURL as written but not trusted for
// the ecosystem: it is the tool's business, not a fault of the report.
func fromPURL(purl string) (eco, name string) {
	if purl == "" {
		return "", ""
	}
	eco, name, _, err := ecosystem.FromPURL(purl)
	if err != nil {
		return "", ""
	}
	return eco, name
}

// distroEcosystem maps Trivy's OS family and release to an OSV
// ecosystem, or "" when OSV has none for it.
func distroEcosystem(family, release string) string {
	id := strings.ToLower(family)
	switch id {
	case "opensuse.leap", "opensuse-leap":
		id = "opensuse-leap"
	case "opensuse.tumbleweed":
		id = "opensuse-tumbleweed"
	case "suse linux enterprise server", "sles", "slem", "suse linux enterprise micro":
		id = "sles"
	}
	e, err := ecosystem.FromDistro(id, release)
	if err != nil {
		return ""
	}
	return e.String()
}

// langEcosystems maps Trivy's language package types
// (pkg/fanal/types/const.go) to OSV ecosystems.
var langEcosystems = map[string]string{
	"bundler": "RubyGems", "gemspec": "RubyGems",
	"cargo": "crates.io", "rust-binary": "crates.io",
	"composer": "Packagist", "composer-vendor": "Packagist",
	"gobinary": "Go", "gomod": "Go",
	"jar": "Maven", "pom": "Maven", "gradle": "Maven", "sbt": "Maven",
	"npm": "npm", "yarn": "npm", "pnpm": "npm", "bun": "npm", "node-pkg": "npm",
	"nuget": "NuGet", "dotnet-core": "NuGet", "packages-props": "NuGet",
	"pip": "PyPI", "pipenv": "PyPI", "poetry": "PyPI", "uv": "PyPI", "python-pkg": "PyPI",
	"conan": "ConanCenter", "hex": "Hex", "pub": "Pub", "swift": "SwiftURL", "julia": "Julia",
}
