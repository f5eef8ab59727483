package osvscanner

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/risk"
	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/jsonstream"
	"github.com/vmc-dev/vmc/internal/version"
)

// Sniff reports whether head is osv-scanner's JSON output: an object with
// a top-level "results" whose entries have "source" and "packages". SARIF
// has "runs", and no other JSON tool vmc reads has "results" at the top.
// An empty file, which osv-scanner leaves when it finds nothing, is not
// claimed: it carries nothing of osv-scanner's.
func Sniff(head []byte) bool {
	keys := jsonstream.HeadKeys(head, "{")
	if !slices.Contains(keys, "results") {
		return false
	}
	if slices.Contains(keys, "experimental_config") {
		return true
	}
	return bytes.Contains(head, []byte(`"source"`)) && bytes.Contains(head, []byte(`"packages"`))
}

// The types mirror osv-scanner's pkg/models (results.go) and the OSV
// schema for the vulnerabilities it embeds.

type source struct {
	Path string `json:"path"`
	Type string `json:"type"` // lockfile, sbom, git, docker, ...
}

type packageEntry struct {
	Package struct {
		Name      string `json:"name"`
		Version   string `json:"version"`
		Ecosystem string `json:"ecosystem"`
		Commit    string `json:"commit"`
	} `json:"package"`
	Vulnerabilities []json.RawMessage `json:"vulnerabilities"`
	Groups          []group           `json:"groups"`
}

// group is a set of vulnerabilities osv-scanner found to be one
// (GroupInfo): their ids, every alias among them, and the highest CVSS
// base score (osv-scanner 1.7 and later; "" when none is known).
type group struct {
	IDs         []string `json:"ids"`
	Aliases     []string `json:"aliases"`
	MaxSeverity string   `json:"max_severity"`
}

// vulnerability is the part of an OSV record vmc reads.
type vulnerability struct {
	ID       string     `json:"id"`
	Aliases  []string   `json:"aliases"`
	Summary  string     `json:"summary"`
	Details  string     `json:"details"`
	Severity []severity `json:"severity"`
	Affected []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
		} `json:"package"`
		Severity []severity `json:"severity"`
		Ranges   []struct {
			Type   string              `json:"type"`
			Events []map[string]string `json:"events"`
		} `json:"ranges"`
		DatabaseSpecific json.RawMessage `json:"database_specific"`
	} `json:"affected"`
	References []struct {
		URL string `json:"url"`
	} `json:"references"`
	DatabaseSpecific json.RawMessage `json:"database_specific"`

	index int // position in the package's vulnerabilities, for errors
}

type severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

// Parse reads osv-scanner's JSON output (`osv-scanner --format json`).
// The results are streamed a package at a time. An empty input is an
// empty report: osv-scanner run with output to a file leaves it empty
// when it finds nothing, as the shared sample no_findings.json shows.
func Parse(r io.Reader) (*scan.Report, error) {
	rep := &scan.Report{Tool: "osvscanner"}
	rd, _, err := jsonstream.Open(r, jsonstream.Doc{Starts: "{", Want: "a JSON object (osv-scanner JSON)"})
	if err == io.EOF {
		return rep, nil
	}
	if err != nil {
		return nil, err
	}
	err = rd.Object(func(key string) error {
		if strings.EqualFold(key, "results") {
			return jsonstream.Located(rd.Array(func(i int) error { return readSource(rd, rep, i) }), "report", key)
		}
		return jsonstream.Located(rd.Skip(), "report", key)
	})
	if err != nil {
		return nil, jsonstream.Located(err, "report", "")
	}
	if err := rd.End(); err != nil {
		return nil, jsonstream.Located(err, "", "")
	}
	return rep, nil
}

// readSource reads results[i], a lockfile, SBOM, directory or image with
// its vulnerable packages.
func readSource(rd *jsonstream.Reader, rep *scan.Report, i int) error {
	var src source
	name := func() string {
		if src.Path == "" {
			return fmt.Sprintf("results[%d]", i)
		}
		return fmt.Sprintf("results[%d] %s", i, src.Path)
	}
	var found []scan.Result
	err := rd.Object(func(key string) error {
		switch {
		case strings.EqualFold(key, "source"):
			return jsonstream.Located(rd.Decode(&src), name(), key)
		case strings.EqualFold(key, "packages"):
			return jsonstream.Located(rd.Array(func(j int) error {
				rs, err := readPackage(rd, name(), j)
				found = append(found, rs...)
				return err
			}), name(), key)
		}
		return jsonstream.Located(rd.Skip(), name(), key)
	})
	if err != nil {
		return jsonstream.Located(err, name(), "")
	}
	// The source is the target; osv-scanner writes it before the
	// packages, but the results are placed only once the element is read.
	t := rep.Target(scan.Target{Kind: scan.TargetSource, Name: src.Path})
	for k := range found {
		found[k].Target = t
		found[k].Location = src.Path
		if found[k].Package != nil {
			found[k].Package.Path = src.Path
		}
	}
	rep.Results = append(rep.Results, found...)
	return nil
}

// readPackage reads packages[j] of source src and returns one result per
// group of vulnerabilities.
func readPackage(rd *jsonstream.Reader, src string, j int) ([]scan.Result, error) {
	name := fmt.Sprintf("%s: packages[%d]", src, j)
	raw, err := rd.Raw()
	if err != nil {
		return nil, jsonstream.Located(err, name, "")
	}
	var pe packageEntry
	err = jsonstream.Unmarshal(raw, &pe)
	p := pe.Package
	name, err = jsonstream.Named(name, p.Name, "", err)
	if err != nil {
		return nil, err
	}
	vulns := make(map[string]*vulnerability, len(pe.Vulnerabilities))
	order := make([]string, 0, len(pe.Vulnerabilities))
	for k, vr := range pe.Vulnerabilities {
		var v vulnerability
		err := jsonstream.Unmarshal(vr, &v)
		_, err = jsonstream.Named(fmt.Sprintf("%s: vulnerabilities[%d]", name, k), v.ID, "id", err)
		if err != nil {
			return nil, err
		}
		v.index = k
		if _, dup := vulns[v.ID]; !dup {
			order = append(order, v.ID)
		}
		vulns[v.ID] = &v
	}
	groups := pe.Groups
	// Before groups (osv-scanner 1.3) every vulnerability stood alone;
	// one a group also keeps any vulnerability no group names.
	grouped := map[string]bool{}
	for _, g := range groups {
		for _, id := range g.IDs {
			grouped[id] = true
		}
	}
	for _, id := range order {
		if !grouped[id] {
			groups = append(groups, group{IDs: []string{id}})
		}
	}
	var out []scan.Result
	for k, g := range groups {
		gname := fmt.Sprintf("%s: groups[%d]", name, k)
		if len(g.IDs) == 0 {
			return nil, feed.Errorf(gname, "ids", "empty")
		}
		r, err := groupResult(pe, g, vulns)
		if err != nil {
			return nil, jsonstream.Located(err, gname+" "+g.IDs[0], "")
		}
		out = append(out, r)
	}
	return out, nil
}

// groupResult makes the result for one group of one package.
func groupResult(pe packageEntry, g group, vulns map[string]*vulnerability) (scan.Result, error) {
	p := pe.Package
	out := scan.Result{Rule: g.IDs[0]}
	var members []*vulnerability
	for _, id := range g.IDs {
		out.AddID(id)
		if v := vulns[id]; v != nil {
			members = append(members, v)
		}
	}
	for _, id := range g.Aliases {
		out.AddID(id)
	}
	var dbWord string
	for _, v := range members {
		for _, id := range v.Aliases {
			out.AddID(id)
		}
		if out.Title == "" {
			out.Title = v.Summary
		}
		if out.Description == "" {
			out.Description = strings.TrimSpace(v.Details)
		}
		word, cwes := databaseSpecific(v.DatabaseSpecific)
		if dbWord == "" {
			dbWord = word
		}
		for _, c := range cwes {
			addCWE(&out, c)
		}
		for _, a := range v.Affected {
			_, cwes := databaseSpecific(a.DatabaseSpecific)
			for _, c := range cwes {
				addCWE(&out, c)
			}
		}
		for _, ref := range v.References {
			if ref.URL != "" && !slices.Contains(out.References, ref.URL) {
				out.References = append(out.References, ref.URL)
			}
		}
	}
	if err := pickCVSS(&out, members); err != nil {
		return out, err
	}
	switch {
	case g.MaxSeverity != "":
		s, err := jsonstream.ParseScore(g.MaxSeverity)
		if err != nil {
			return out, &jsonstream.FieldError{Path: "max_severity", Err: err}
		}
		out.Severity, out.ToolSeverity = scan.SeverityFromScore(s), g.MaxSeverity
	case dbWord != "":
		out.Severity, out.ToolSeverity = scan.ParseSeverity(dbWord), dbWord
	case out.Vector != "":
		out.Severity = scan.SeverityFromScore(out.Score)
	case strings.HasPrefix(out.Rule, "MAL-"):
		// A malicious package: installing it is the compromise.
		out.Severity = scan.SevCritical
	default:
		out.Severity = scan.SevUnknown
	}
	if p.Name == "" && p.Commit != "" {
		// A git repository matched by commit: no package to name.
		out.Evidence = "commit " + p.Commit
		return out, nil
	}
	eco := p.Ecosystem
	if e, err := ecosystem.Normalize(eco); err == nil {
		eco = e
	}
	pkg := &scan.Package{Ecosystem: eco, Name: p.Name, Version: p.Version}
	if purl, err := ecosystem.PURL(eco, p.Name, p.Version); err == nil {
		pkg.PURL = purl
	}
	pkg.Fixed = fixedVersion(eco, p.Name, p.Version, members)
	if pkg.Fixed != "" {
		out.Solution = "Upgrade " + p.Name + " to " + pkg.Fixed
	}
	out.Package = pkg
	return out, nil
}

// databaseSpecific reads what vmc uses of a free-form database_specific
// object: GitHub's severity word and CWE ids (cwe_ids), and the
// malicious-packages database's cwes[].cweId. Other shapes are ignored:
// the field is each database's own.
func databaseSpecific(raw json.RawMessage) (severity string, cwes []string) {
	if len(raw) == 0 {
		return "", nil
	}
	var ds struct {
		Severity any   `json:"severity"`
		CWEIDs   []any `json:"cwe_ids"`
		CWEs     []struct {
			CWEID any `json:"cweId"`
		} `json:"cwes"`
	}
	if json.Unmarshal(raw, &ds) != nil {
		return "", nil
	}
	severity, _ = ds.Severity.(string)
	for _, c := range ds.CWEIDs {
		if s, ok := c.(string); ok {
			cwes = append(cwes, s)
		}
	}
	for _, c := range ds.CWEs {
		if s, ok := c.CWEID.(string); ok {
			cwes = append(cwes, s)
		}
	}
	return severity, cwes
}

// addCWE adds a CWE id, passing over what is not one (NVD-CWE-Other):
// database_specific is free-form and not the report's to get wrong.
func addCWE(out *scan.Result, s string) {
	if n, err := scan.ParseCWE(s); err == nil {
		out.AddCWE(n)
	}
}

// pickCVSS sets Score and Vector from the newest CVSS version among the
// group's records (4.0 over 3.1 over 3.0 over 2.0), the first in report
// order among equals. OSV gives vectors only; the base score is computed
// from the vector. A CVSS score that is no vector of its type is an error.
func pickCVSS(out *scan.Result, members []*vulnerability) error {
	bestRank := 0
	for _, v := range members {
		sevs := slices.Clone(v.Severity)
		for _, a := range v.Affected {
			sevs = append(sevs, a.Severity...)
		}
		for j, s := range sevs {
			switch s.Type {
			case "CVSS_V2", "CVSS_V3", "CVSS_V4":
			default:
				continue // Ubuntu's words and future scales
			}
			c, err := risk.ParseCVSS(s.Score)
			if err != nil {
				return &jsonstream.FieldError{Path: fmt.Sprintf("vulnerabilities[%d].severity[%d].score", v.index, j), Err: err}
			}
			rank := map[risk.CVSSVersion]int{risk.CVSS40: 4, risk.CVSS31: 3, risk.CVSS30: 2, risk.CVSS20: 1}[c.Version]
			if rank > bestRank {
				bestRank, out.Score, out.Vector = rank, c.Base, c.Vector
			}
		}
	}
	return nil
}

// fixedVersion is the lowest version that the group's records say fixes
// the package and that is above the installed one; when the versions
// cannot be ordered (an ecosystem vmc has no ordering for), every fixed
// version the records give, joined by ", ".
func fixedVersion(eco, name, installed string, members []*vulnerability) string {
	var fixes []string
	for _, v := range members {
		for _, a := range v.Affected {
			if !strings.EqualFold(a.Package.Name, name) && ecosystem.NormalizePyPIName(a.Package.Name) != ecosystem.NormalizePyPIName(name) {
				continue
			}
			for _, r := range a.Ranges {
				if r.Type == "GIT" {
					continue
				}
				for _, e := range r.Events {
					if f := e["fixed"]; f != "" && !slices.Contains(fixes, f) {
						fixes = append(fixes, f)
					}
				}
			}
		}
	}
	if len(fixes) == 0 {
		return ""
	}
	best := ""
	for _, f := range fixes {
		if c, err := version.Compare(eco, installed, f); err != nil {
			return strings.Join(fixes, ", ")
		} else if c >= 0 {
			continue
		}
		if best == "" {
			best = f
			continue
		}
		if c, err := version.Compare(eco, f, best); err != nil {
			return strings.Join(fixes, ", ")
		} else if c < 0 {
			best = f
		}
	}
	return best
}
