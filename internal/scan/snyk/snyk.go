package snyk

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
	"github.com/vmc-dev/vmc/internal/scan/jsonstream"
)

// Sniff reports whether head is `snyk test --json` output: an object (or
// an array of them, from --all-projects) with "vulnerabilities" and one of
// Snyk's project keys (packageManager, projectName, dependencyCount, ok),
// or, when a long vulnerabilities list pushes those past the head,
// vulnerabilities with Snyk's own fields (upgradePath, semver). Anchore
// Engine's "vulnerabilities" hold feed_group and package_name instead.
func Sniff(head []byte) bool {
	keys := jsonstream.HeadKeys(head, "{[")
	if !slices.Contains(keys, "vulnerabilities") {
		return false
	}
	for _, k := range []string{"packageManager", "projectName", "dependencyCount", "ok"} {
		if slices.Contains(keys, k) {
			return true
		}
	}
	return bytes.Contains(head, []byte(`"upgradePath"`)) || bytes.Contains(head, []byte(`"semver"`))
}

// vulnerability is an entry of a project's vulnerabilities list (the
// Snyk CLI's JSON output; its fields are those of Snyk's vulnerability
// database).
type vulnerability struct {
	ID                   string   `json:"id"`
	Type                 string   `json:"type"` // "license" for licence policy issues
	Title                string   `json:"title"`
	Description          string   `json:"description"`
	Severity             string   `json:"severity"`
	SeverityWithCritical string   `json:"severityWithCritical"`
	CVSSv3               string   `json:"CVSSv3"`
	CVSSScore            *float64 `json:"cvssScore"`
	Identifiers          struct {
		CVE  []string `json:"CVE"`
		CWE  []string `json:"CWE"`
		GHSA []string `json:"GHSA"`
	} `json:"identifiers"`
	PackageManager string   `json:"packageManager"`
	PackageName    string   `json:"packageName"`
	Name           string   `json:"name"`
	Version        string   `json:"version"`
	FixedIn        []string `json:"fixedIn"`
	From           []string `json:"from"`
	References     []struct {
		URL string `json:"url"`
	} `json:"references"`
}

// project is what a project says besides its vulnerabilities.
type project struct {
	PackageManager    string `json:"packageManager"`
	ProjectName       string `json:"projectName"`
	Path              string `json:"path"`
	DisplayTargetFile string `json:"displayTargetFile"`
	TargetFile        string `json:"targetFile"`
	Docker            bool   // the output of snyk container test
}

// Parse reads `snyk test --json` output: one project, an array of
// projects (--all-projects), or `snyk container test --json`, whose
// applications[] (the language projects found in the image) are read as
// projects of the same image. Vulnerabilities are streamed.
func Parse(r io.Reader) (*scan.Report, error) {
	rd, c, err := jsonstream.Open(r, jsonstream.Doc{Starts: "{[", Want: "a JSON object or array (snyk test --json)", Empty: "snyk test --json writes a JSON document even when it finds nothing"})
	if err != nil {
		return nil, err
	}
	rep := &scan.Report{Tool: "snyk"}
	if c == '[' {
		err = rd.Array(func(i int) error { return readProject(rd, rep, fmt.Sprintf("[%d]", i), nil) })
	} else {
		err = readProject(rd, rep, "", nil)
	}
	if err != nil {
		return nil, jsonstream.Located(err, "", "")
	}
	if err := rd.End(); err != nil {
		return nil, jsonstream.Located(err, "", "")
	}
	return rep, nil
}

// readProject reads one project object named pos ("" for a lone
// project, "[1]" in --all-projects, "applications[0]" in a container
// report); image is the target of the container an application is in.
func readProject(rd *jsonstream.Reader, rep *scan.Report, pos string, image *scan.Target) error {
	var p project
	var vulns []vulnerability
	prefix := func(s string) string {
		if pos == "" {
			return s
		}
		return pos + ": " + s
	}
	var apps []func() error
	var tgt scan.Target // known once the project is read
	where := pos
	if where == "" {
		where = "project"
	}
	err := rd.Object(func(key string) error {
		var err error
		switch key {
		case "vulnerabilities":
			return jsonstream.Located(rd.Array(func(i int) error {
				name := prefix(fmt.Sprintf("vulnerabilities[%d]", i))
				raw, err := rd.Raw()
				if err != nil {
					return jsonstream.Located(err, name, "")
				}
				var v vulnerability
				err = jsonstream.Unmarshal(raw, &v)
				name, err = jsonstream.Named(name, v.ID, "id", err)
				if err != nil {
					return err
				}
				if v.CVSSScore != nil {
					if _, err := jsonstream.Score(*v.CVSSScore); err != nil {
						return feed.Errorf(name, "cvssScore", "%v", err)
					}
				}
				vulns = append(vulns, v)
				return nil
			}), where, key)
		case "applications":
			// Read after the image's own fields are known: buffer each
			// application's raw value, the image's list being short.
			return jsonstream.Located(rd.Array(func(i int) error {
				raw, err := rd.Raw()
				if err != nil {
					return jsonstream.Located(err, prefix(fmt.Sprintf("applications[%d]", i)), "")
				}
				apps = append(apps, func() error {
					sub := jsonstream.NewReader(bytes.NewReader(raw))
					return readProject(sub, rep, prefix(fmt.Sprintf("applications[%d]", i)), &tgt)
				})
				return nil
			}), where, key)
		case "packageManager":
			err = rd.Decode(&p.PackageManager)
		case "projectName":
			err = rd.Decode(&p.ProjectName)
		case "path":
			err = rd.Decode(&p.Path)
		case "displayTargetFile":
			err = rd.Decode(&p.DisplayTargetFile)
		case "targetFile":
			err = rd.Decode(&p.TargetFile)
		case "docker":
			p.Docker = true
			err = rd.Skip()
		default:
			err = rd.Skip()
		}
		return jsonstream.Located(err, where, key)
	})
	if err != nil {
		return jsonstream.Located(err, where, "")
	}
	if image != nil {
		// An application inside an image is found in the image.
		tgt = *image
	} else {
		tgt = target(p, vulns)
	}
	addResults(rep, rep.Target(tgt), p, vulns)
	for _, app := range apps {
		if err := app(); err != nil {
			return err
		}
	}
	return nil
}

// target is what a project scanned: the directory (path) of a code
// project, or the image of a container project, with the distribution
// its OS packages come from ("debian:11" → "debian 11").
func target(p project, vulns []vulnerability) scan.Target {
	tgt := scan.Target{Kind: scan.TargetSource, Name: p.Path}
	if p.Docker {
		tgt.Kind = scan.TargetImage
		if tgt.Name == "" {
			tgt.Name = strings.TrimPrefix(p.ProjectName, "docker-image|")
		}
		for _, v := range vulns {
			if fam, rel, ok := strings.Cut(v.PackageManager, ":"); ok {
				tgt.OS = fam + " " + rel
				break
			}
		}
	}
	if tgt.Name == "" {
		tgt.Name = p.ProjectName
	}
	return tgt
}

// addResults adds a project's results on target t. Snyk lists a
// vulnerability once per dependency path; vmc keeps one result per
// vulnerability and package (by packageName, which for distribution
// packages is the source package, the unit a fix comes in), with every
// path in Evidence.
func addResults(rep *scan.Report, t int, p project, vulns []vulnerability) {
	manifest := p.DisplayTargetFile
	if manifest == "" {
		manifest = p.TargetFile
	}
	type key struct{ id, name, version string }
	seen := map[key]int{}
	for _, v := range vulns {
		if v.Type == "license" {
			continue // a licence policy issue, not a vulnerability
		}
		k := key{v.ID, v.PackageName, v.Version}
		path := strings.Join(v.From, " > ")
		if i, ok := seen[k]; ok {
			r := &rep.Results[i]
			if path != "" && len(r.Evidence) < scan.MaxEvidence {
				r.Evidence = scan.Shorten(r.Evidence + "\n" + path)
			}
			continue
		}
		seen[k] = len(rep.Results)
		rep.Results = append(rep.Results, result(t, p, manifest, v, path))
	}
}

// result maps one vulnerability.
func result(t int, p project, manifest string, v vulnerability, path string) scan.Result {
	sev := v.SeverityWithCritical
	if sev == "" {
		sev = v.Severity
	}
	out := scan.Result{
		Target:       t,
		Rule:         v.ID,
		Title:        v.Title,
		Severity:     scan.ParseSeverity(sev),
		ToolSeverity: sev,
		Vector:       v.CVSSv3,
		Description:  strings.TrimSpace(v.Description),
		Location:     manifest,
		Evidence:     scan.Shorten(path),
	}
	if v.CVSSScore != nil {
		out.Score = *v.CVSSScore
	}
	out.AddID(v.ID)
	for _, id := range v.Identifiers.CVE {
		out.AddID(id)
	}
	for _, id := range v.Identifiers.GHSA {
		out.AddID(id)
	}
	for _, c := range v.Identifiers.CWE {
		if n, err := scan.ParseCWE(c); err == nil {
			out.AddCWE(n)
		}
	}
	pm := v.PackageManager
	if pm == "" {
		pm = p.PackageManager
	}
	name := v.PackageName
	if name == "" {
		name = v.Name
	}
	pkg := &scan.Package{Ecosystem: packageEcosystem(pm), Name: name, Version: v.Version,
		Fixed: strings.Join(v.FixedIn, ", "), Path: manifest}
	if purl, err := ecosystem.PURL(pkg.Ecosystem, pkg.Name, pkg.Version); err == nil && pkg.Ecosystem != "" {
		pkg.PURL = purl
	}
	if pkg.Fixed != "" {
		out.Solution = "Upgrade " + name + " to " + pkg.Fixed
	}
	out.Package = pkg
	for _, ref := range v.References {
		if ref.URL != "" && !slices.Contains(out.References, ref.URL) {
			out.References = append(out.References, ref.URL)
		}
	}
	return out
}

// packageEcosystem maps Snyk's package manager ("maven", "npm",
// "debian:11") to an OSV ecosystem, or "" when OSV has none.
func packageEcosystem(pm string) string {
	if distro, rel, ok := strings.Cut(pm, ":"); ok {
		e, err := ecosystem.FromDistro(distro, rel)
		if err != nil {
			return ""
		}
		return e.String()
	}
	return managers[strings.ToLower(pm)]
}

// managers maps Snyk's package managers to OSV ecosystems.
var managers = map[string]string{
	"maven": "Maven", "gradle": "Maven", "sbt": "Maven",
	"npm": "npm", "yarn": "npm", "pnpm": "npm",
	"nuget": "NuGet", "paket": "NuGet",
	"pip": "PyPI", "poetry": "PyPI", "pipenv": "PyPI",
	"rubygems": "RubyGems", "composer": "Packagist",
	"gomodules": "Go", "golangdep": "Go", "govendor": "Go",
	"cargo": "crates.io", "hex": "Hex", "swift": "SwiftURL", "pub": "Pub",
}
