package grype

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/jsonstream"
)

// Sniff reports whether head is Grype's JSON output: an object whose
// top-level keys include "matches" and one of "descriptor", "source" or
// "distro", or that starts with "matches" holding a vulnerability and an
// artifact. Grype's SARIF output ("runs") is scan/sarif's; Anchore's
// reports have "vulnerabilities" or "securityEvaluation" instead.
func Sniff(head []byte) bool {
	keys := jsonstream.HeadKeys(head, "{")
	if !slices.Contains(keys, "matches") {
		return false
	}
	if slices.Contains(keys, "descriptor") || slices.Contains(keys, "source") || slices.Contains(keys, "distro") {
		return true
	}
	// Grype writes matches first, and a long list pushes the other keys
	// past the head; then the first match must look like one.
	return keys[0] == "matches" && bytes.Contains(head, []byte(`"vulnerability"`)) && bytes.Contains(head, []byte(`"artifact"`))
}

// The types mirror grype/presenter/models (github.com/anchore/grype), old
// and new spellings together: 0.7 wrote cvssV2/cvssV3, links,
// fixedInVersion and one matchDetails object; later versions write cvss[],
// urls, fix and a list of matchDetails.

type match struct {
	Vulnerability          vulnerability   `json:"vulnerability"`
	RelatedVulnerabilities []vulnerability `json:"relatedVulnerabilities"`
	MatchDetails           json.RawMessage `json:"matchDetails"`
	Artifact               artifact        `json:"artifact"`
}

type vulnerability struct {
	ID          string      `json:"id"`
	DataSource  string      `json:"dataSource"`
	Namespace   string      `json:"namespace"`
	Severity    string      `json:"severity"`
	URLs        []string    `json:"urls"`
	Links       []string    `json:"links"`
	Description string      `json:"description"`
	CVSS        []cvss      `json:"cvss"`
	CVSSV2      *legacyCVSS `json:"cvssV2"`
	CVSSV3      *legacyCVSS `json:"cvssV3"`
	Fix         struct {
		Versions []string `json:"versions"`
		State    string   `json:"state"`
	} `json:"fix"`
	FixedInVersion string `json:"fixedInVersion"`
	Advisories     []struct {
		ID   string `json:"id"`
		Link string `json:"link"`
	} `json:"advisories"`
}

type cvss struct {
	Source  string `json:"source"`
	Type    string `json:"type"`
	Version string `json:"version"`
	Vector  string `json:"vector"`
	Metrics struct {
		BaseScore float64 `json:"baseScore"`
	} `json:"metrics"`
}

type legacyCVSS struct {
	BaseScore float64 `json:"baseScore"`
	Vector    string  `json:"vector"`
}

type artifact struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	Type      string `json:"type"`
	Locations []struct {
		Path string `json:"path"`
	} `json:"locations"`
	PURL string `json:"purl"`
}

type matchDetail struct {
	Type    string `json:"type"`
	Matcher string `json:"matcher"`
	Found   struct {
		VersionConstraint string `json:"versionConstraint"`
	} `json:"found"`
	MatchedOn struct { // grype 0.7
		Constraint string `json:"constraint"`
	} `json:"matchedOn"`
}

type source struct {
	Type   string          `json:"type"`
	Target json.RawMessage `json:"target"` // an image object, or a path string
}

type imageTarget struct {
	UserInput      string   `json:"userInput"`
	ManifestDigest string   `json:"manifestDigest"`
	Tags           []string `json:"tags"`
	RepoDigests    []string `json:"repoDigests"`
}

type distro struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type descriptor struct {
	Name      string `json:"name"`
	Version   string `json:"version"`
	Timestamp string `json:"timestamp"`
}

// parser collects the document: the matches need distro, which Grype
// writes after them.
type parser struct {
	rd         *jsonstream.Reader
	results    []scan.Result
	osPkgs     []int // results whose ecosystem is the distro's
	source     *source
	distro     distro
	descriptor descriptor
}

// Parse reads Grype's JSON output (`grype -o json`). The matches are
// streamed one at a time.
func Parse(r io.Reader) (*scan.Report, error) {
	rd, _, err := jsonstream.Open(r, jsonstream.Doc{Starts: "{", Want: "a JSON object (Grype JSON)", Empty: "Grype writes a JSON document even when it finds nothing"})
	if err != nil {
		return nil, err
	}
	p := &parser{rd: rd}
	err = p.rd.Object(func(key string) error {
		var err error
		switch {
		case strings.EqualFold(key, "matches"):
			return jsonstream.Located(p.rd.Array(p.match), "report", key)
		case strings.EqualFold(key, "source"):
			p.source = &source{}
			err = p.rd.Decode(p.source)
		case strings.EqualFold(key, "distro"):
			err = p.rd.Decode(&p.distro)
		case strings.EqualFold(key, "descriptor"):
			err = p.rd.Decode(&p.descriptor)
		default:
			err = p.rd.Skip() // ignoredMatches: the user's own exclusions
		}
		return jsonstream.Located(err, "report", key)
	})
	if err != nil {
		return nil, jsonstream.Located(err, "report", "")
	}
	if err := p.rd.End(); err != nil {
		return nil, jsonstream.Located(err, "", "")
	}
	return p.report()
}

// osTypes are Grype's package types for distribution packages, whose
// ecosystem is the scanned distribution's.
var osTypes = map[string]bool{"deb": true, "rpm": true, "apk": true}

// match reads matches[i].
func (p *parser) match(i int) error {
	name := fmt.Sprintf("matches[%d]", i)
	raw, err := p.rd.Raw()
	if err != nil {
		return jsonstream.Located(err, name, "")
	}
	var m match
	err = jsonstream.Unmarshal(raw, &m)
	v := m.Vulnerability
	name, err = jsonstream.Named(name, v.ID, "vulnerability.id", err)
	if err != nil {
		return err
	}
	a := m.Artifact
	out := scan.Result{
		Rule:         v.ID,
		Severity:     scan.ParseSeverity(v.Severity),
		ToolSeverity: v.Severity,
		Description:  v.Description,
	}
	out.AddID(v.ID)
	for _, rel := range m.RelatedVulnerabilities {
		out.AddID(rel.ID)
	}
	if v.Severity == "" {
		// Grype leaves the severity out when its record for the id has
		// none (an NVD entry not yet scored) and shows the related
		// record's instead.
		for _, rel := range m.RelatedVulnerabilities {
			if rel.Severity != "" {
				out.Severity, out.ToolSeverity = scan.ParseSeverity(rel.Severity), rel.Severity
				break
			}
		}
	}
	if out.Description == "" {
		for _, rel := range m.RelatedVulnerabilities {
			if rel.Description != "" {
				out.Description = rel.Description
				break
			}
		}
	}
	if err := pickCVSS(&out, m); err != nil {
		return jsonstream.Located(err, name, "")
	}
	fixed := strings.Join(v.Fix.Versions, ", ")
	if fixed == "" {
		fixed = v.FixedInVersion
	}
	pkg := &scan.Package{Name: a.Name, Version: a.Version, PURL: a.PURL, Fixed: fixed}
	if len(a.Locations) > 0 {
		pkg.Path = a.Locations[0].Path
		out.Location = pkg.Path
	}
	if eco, pname := fromPURL(a.PURL); eco != "" {
		pkg.Ecosystem, pkg.Name = eco, pname
	} else if !osTypes[a.Type] {
		pkg.Ecosystem = langEcosystems[a.Type]
	}
	out.Package = pkg
	if osTypes[a.Type] {
		p.osPkgs = append(p.osPkgs, len(p.results))
	}
	if fixed != "" {
		out.Solution = "Upgrade " + a.Name + " to " + fixed
	}
	evidence, err := details(m.MatchDetails)
	if err != nil {
		return jsonstream.Located(err, name, "matchDetails")
	}
	out.Evidence = scan.Shorten(evidence)
	refs := append([]string{v.DataSource}, v.URLs...)
	refs = append(refs, v.Links...)
	for _, adv := range v.Advisories {
		refs = append(refs, adv.Link)
	}
	for _, u := range refs {
		if u != "" && !slices.Contains(out.References, u) {
			out.References = append(out.References, u)
		}
	}
	p.results = append(p.results, out)
	return nil
}

// cvssRank orders CVSS versions: 4.0 over 3.1 over 3.0 over 2.
func cvssRank(version, vector string) int {
	switch {
	case version == "4.0" || strings.HasPrefix(vector, "CVSS:4.0/"):
		return 4
	case version == "3.1" || strings.HasPrefix(vector, "CVSS:3.1/"):
		return 3
	case strings.HasPrefix(version, "3") || strings.HasPrefix(vector, "CVSS:3"):
		return 2
	}
	return 1
}

// pickCVSS sets Score and Vector from the newest CVSS version given: the
// vulnerability's own cvss list (or 0.7's cvssV3/cvssV2) before the
// related vulnerabilities', and within each, in the order listed (Grype
// lists NVD's Primary score first).
func pickCVSS(out *scan.Result, m match) error {
	best, bestRank := -1.0, 0
	var bestVector string
	consider := func(field string, s float64, vector string, rank int) error {
		if s == 0 && vector == "" {
			return nil
		}
		if _, err := jsonstream.Score(s); err != nil {
			return &jsonstream.FieldError{Path: field, Err: err}
		}
		if rank > bestRank {
			best, bestRank, bestVector = s, rank, vector
		}
		return nil
	}
	lists := append([]vulnerability{m.Vulnerability}, m.RelatedVulnerabilities...)
	for k, v := range lists {
		prefix := "vulnerability"
		if k > 0 {
			prefix = fmt.Sprintf("relatedVulnerabilities[%d]", k-1)
		}
		for j, c := range v.CVSS {
			if err := consider(fmt.Sprintf("%s.cvss[%d].metrics.baseScore", prefix, j), c.Metrics.BaseScore, c.Vector, cvssRank(c.Version, c.Vector)); err != nil {
				return err
			}
		}
		if c := v.CVSSV3; c != nil {
			if err := consider(prefix+".cvssV3.baseScore", c.BaseScore, c.Vector, cvssRank("3.0", c.Vector)); err != nil {
				return err
			}
		}
		if c := v.CVSSV2; c != nil {
			if err := consider(prefix+".cvssV2.baseScore", c.BaseScore, c.Vector, 1); err != nil {
				return err
			}
		}
	}
	if bestRank > 0 {
		out.Score, out.Vector = best, bestVector
	}
	return nil
}

// details summarises how Grype matched: "dpkg-matcher (exact-direct-match):
// < 1.2.3 (deb)" per detail, one a line.
func details(raw json.RawMessage) (string, error) {
	var list []matchDetail
	switch jsonstream.KindOf(raw) {
	case "nothing", "null":
		return "", nil
	case "object":
		var d matchDetail
		if err := jsonstream.Unmarshal(raw, &d); err != nil {
			return "", err
		}
		list = []matchDetail{d}
	default:
		if err := jsonstream.Unmarshal(raw, &list); err != nil {
			return "", err
		}
	}
	var b strings.Builder
	for _, d := range list {
		line := d.Matcher
		if d.Type != "" {
			line += " (" + d.Type + ")"
		}
		c := d.Found.VersionConstraint
		if c == "" {
			c = d.MatchedOn.Constraint
		}
		if c != "" {
			line += ": " + c
		}
		if line == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(line)
	}
	return b.String(), nil
}

// report assembles the report once the document is read.
func (p *parser) report() (*scan.Report, error) {
	rep := &scan.Report{Tool: "grype", Version: p.descriptor.Version}
	t, err := jsonstream.ParseTime(p.descriptor.Timestamp)
	if err != nil {
		return nil, feed.Errorf("report", "descriptor.timestamp", "%v", err)
	}
	rep.Finished = t
	tgt, err := p.target()
	if err != nil {
		return nil, jsonstream.Located(err, "report", "source.target")
	}
	rep.Target(tgt)
	osEco := ""
	if p.distro.Name != "" {
		if e, err := ecosystem.FromDistro(p.distro.Name, p.distro.Version); err == nil {
			osEco = e.String()
		}
	}
	for _, k := range p.osPkgs {
		pkg := p.results[k].Package
		if osEco != "" {
			// The distro is more exact than a purl without a distro
			// qualifier ("pkg:deb/debian/bash@5.0-4" says Debian, not 10).
			pkg.Ecosystem = osEco
		}
	}
	rep.Results = p.results
	return rep, nil
}

// target is the scanned source: an image (by the name the user gave, the
// registry digest when Grype knows one, else the manifest digest) or a
// directory or file.
func (p *parser) target() (scan.Target, error) {
	t := scan.Target{Kind: scan.TargetSource}
	if p.distro.Name != "" {
		t.OS = strings.TrimSpace(p.distro.Name + " " + p.distro.Version)
	}
	if p.source == nil {
		return t, nil
	}
	switch jsonstream.KindOf(p.source.Target) {
	case "string":
		var s string
		if err := jsonstream.Unmarshal(p.source.Target, &s); err != nil {
			return t, err
		}
		t.Name = s
	case "null", "nothing":
	case "object":
		if p.source.Type != "image" {
			var d struct {
				Path string `json:"path"`
			}
			if err := jsonstream.Unmarshal(p.source.Target, &d); err != nil {
				return t, err
			}
			t.Name = d.Path
			break
		}
		var img imageTarget
		if err := jsonstream.Unmarshal(p.source.Target, &img); err != nil {
			return t, err
		}
		t.Kind, t.Name, t.Digest = scan.TargetImage, img.UserInput, img.ManifestDigest
		if t.Name == "" && len(img.Tags) > 0 {
			t.Name = img.Tags[0]
		}
		for _, d := range img.RepoDigests {
			if _, digest, ok := strings.Cut(d, "@"); ok && digest != "" {
				t.Digest = digest
				break
			}
		}
	default:
		return t, fmt.Errorf("got JSON %s, want object or string", jsonstream.KindOf(p.source.Target))
	}
	return t, nil
}

// fromPURL returns the OSV ecosystem and the package's name there for a
// purl, or "" when there is none or it names no OSV ecosystem
// ("pkg:generic/busybox"). A purl vmc cannot read is kept in Package.PURL
// as written but not used.
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

// langEcosystems maps Grype's (syft's) package types to OSV ecosystems,
// for artifacts without a purl.
var langEcosystems = map[string]string{
	"python": "PyPI", "java-archive": "Maven", "jenkins-plugin": "Maven", "npm": "npm",
	"go-module": "Go", "gem": "RubyGems", "rust-crate": "crates.io", "php-composer": "Packagist",
	"dotnet": "NuGet", "pub": "Pub", "hex": "Hex", "erlang-otp": "Hex", "swift": "SwiftURL",
	"conan": "ConanCenter", "hackage": "Hackage", "R-package": "CRAN",
}
