package depcheck

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/package-url/packageurl-go"

	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
)

// Tool is the Report.Tool of every report this package returns.
const Tool = "depcheck"

const rootElement = "analysis"

// Parse reads a Dependency-Check XML report (see the package
// documentation).
func Parse(r io.Reader) (*scan.Report, error) {
	d, _, err := scan.OpenXML(r, rootElement)
	if err != nil {
		return nil, err
	}
	rep := &scan.Report{Tool: Tool}
	project := scan.Target{Kind: scan.TargetSource}
	deps := 0
	var results []scan.Result
	err = d.Body(func(t *xml.StartElement) error {
		switch t.Name.Local {
		case "dependencies":
			return d.Children("", func(t *xml.StartElement) error {
				if t.Name.Local != "dependency" {
					return scan.SkipElement
				}
				var dep dependency
				rec := fmt.Sprintf("dependency[%d]", deps)
				if err := d.DecodeElement(&dep, t); err != nil {
					return &feed.RecordError{Record: rec, Err: scan.XMLError(err)}
				}
				rs, err := dep.results(rec + " " + strings.TrimSpace(dep.FileName))
				if err != nil {
					return err
				}
				results = append(results, rs...)
				deps++
				return nil
			})
		case "scanInfo":
			var si struct {
				Engine string `xml:"engineVersion"`
			}
			if err := d.DecodeElement(&si, t); err != nil {
				return &feed.RecordError{Record: "scanInfo", Err: scan.XMLError(err)}
			}
			rep.Version = strings.TrimSpace(si.Engine)
		case "projectInfo":
			var pi struct {
				Name       string `xml:"name"`
				ReportDate string `xml:"reportDate"`
			}
			if err := d.DecodeElement(&pi, t); err != nil {
				return &feed.RecordError{Record: "projectInfo", Err: scan.XMLError(err)}
			}
			project.Name = strings.TrimSpace(pi.Name)
			rep.Finished = reportDate(pi.ReportDate)
		default:
			return scan.SkipElement
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The report is one scan of one project: one target.
	rep.Target(project)
	rep.Results = results
	return rep, nil
}

// reportDate reads the layouts Dependency-Check has written; another is
// left unread (zero), as the date is not needed to use the report.
func reportDate(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999-0700"} {
		if t, err := time.Parse(layout, s); err == nil && t.Year() >= 0 && t.Year() <= 9999 {
			return t.UTC()
		}
	}
	return time.Time{}
}

type dependency struct {
	FileName string      `xml:"fileName"`
	FilePath string      `xml:"filePath"`
	Packages []idElem    `xml:"identifiers>package"`
	Nested   []idElem    `xml:"identifiers>identifiers>package"` // as some hand-edited reports nest them
	Old      []oldIDElem `xml:"identifiers>identifier"`
	Vulns    []vulnElem  `xml:"vulnerabilities>vulnerability"`
}

type idElem struct {
	ID string `xml:"id"`
}

type oldIDElem struct {
	Type string `xml:"type,attr"`
	Name string `xml:"name"`
}

type vulnElem struct {
	Name     string `xml:"name"`
	Severity string `xml:"severity"`
	// Schema 1.x: the v2 score and metrics directly in <vulnerability>.
	CVSSScore string `xml:"cvssScore"`
	V1AV      string `xml:"cvssAccessVector"`
	V1AC      string `xml:"cvssAccessComplexity"`
	V1Au      string `xml:"cvssAuthenticationr"`
	V1C       string `xml:"cvssConfidentialImpact"`
	V1I       string `xml:"cvssIntegrityImpact"`
	V1A       string `xml:"cvssAvailabilityImpact"`
	V2        struct {
		Score string `xml:"score"`
		AV    string `xml:"accessVector"`
		AC    string `xml:"accessComplexity"`
		Au    string `xml:"authenticationr"`
		C     string `xml:"confidentialImpact"`
		I     string `xml:"integrityImpact"`
		A     string `xml:"availabilityImpact"`
	} `xml:"cvssV2"`
	V3 struct {
		Score   string `xml:"baseScore"`
		AV      string `xml:"attackVector"`
		AC      string `xml:"attackComplexity"`
		PR      string `xml:"privilegesRequired"`
		UI      string `xml:"userInteraction"`
		S       string `xml:"scope"`
		C       string `xml:"confidentialityImpact"`
		I       string `xml:"integrityImpact"`
		A       string `xml:"availabilityImpact"`
		Version string `xml:"version"`
	} `xml:"cvssV3"`
	CWE         string   `xml:"cwe"`
	CWEs        []string `xml:"cwes>cwe"`
	Description string   `xml:"description"`
	References  []struct {
		URL string `xml:"url"`
	} `xml:"references>reference"`
	Software []struct {
		Matched   string `xml:"vulnerabilityIdMatched,attr"`
		StartIncl string `xml:"versionStartIncluding,attr"`
		StartExcl string `xml:"versionStartExcluding,attr"`
		EndIncl   string `xml:"versionEndIncluding,attr"`
		EndExcl   string `xml:"versionEndExcluding,attr"`
		CPE       string `xml:",chardata"`
	} `xml:"vulnerableSoftware>software"`
}

func (dep *dependency) results(rec string) ([]scan.Result, error) {
	if len(dep.Vulns) == 0 {
		return nil, nil
	}
	pkg, err := dep.pkg(rec)
	if err != nil {
		return nil, err
	}
	var out []scan.Result
	for i, v := range dep.Vulns {
		name := strings.TrimSpace(v.Name)
		vrec := fmt.Sprintf("%s: vulnerability[%d] %s", rec, i, name)
		res, err := v.result(vrec)
		if err != nil {
			return nil, err
		}
		res.Title = name + " in " + strings.TrimSpace(dep.FileName)
		res.Location = strings.TrimSpace(dep.FilePath)
		p := *pkg
		res.Package = &p
		out = append(out, res)
	}
	return out, nil
}

// pkg is the dependency's package, from its first package identifier.
func (dep *dependency) pkg(rec string) (*scan.Package, error) {
	p := &scan.Package{Path: strings.TrimSpace(dep.FilePath)}
	ids := append(append([]idElem(nil), dep.Packages...), dep.Nested...)
	for i, id := range ids {
		purl := strings.TrimSpace(id.ID)
		if purl == "" {
			continue
		}
		field := fmt.Sprintf("identifiers.package[%d].id", i)
		if i >= len(dep.Packages) {
			field = fmt.Sprintf("identifiers.identifiers.package[%d].id", i-len(dep.Packages))
		}
		eco, name, version, err := ecosystem.FromPURL(purl)
		switch {
		case err == nil:
			p.Ecosystem, p.Name, p.Version = eco, name, version
		case errors.Is(err, ecosystem.ErrUnknown):
			// A type OSV has no ecosystem for ("generic",
			// "javascript"): the purl still names the package.
			pu, perr := packageurl.FromString(purl)
			if perr != nil {
				return nil, feed.Errorf(rec, field, "%v", err)
			}
			p.Name, p.Version = pu.Name, pu.Version
			if pu.Namespace != "" {
				p.Name = pu.Namespace + "/" + pu.Name
			}
		default:
			return nil, feed.Errorf(rec, field, "%v", err)
		}
		p.PURL = purl
		return p, nil
	}
	for i, id := range dep.Old {
		if strings.TrimSpace(id.Type) != "maven" {
			continue
		}
		gav := strings.Split(strings.TrimSpace(id.Name), ":")
		if len(gav) != 3 || gav[0] == "" || gav[1] == "" {
			return nil, feed.Errorf(rec, fmt.Sprintf("identifiers.identifier[%d].name", i), "not group:artifact:version: %q", strings.TrimSpace(id.Name))
		}
		p.Ecosystem, p.Name, p.Version = string(ecosystem.Maven), gav[0]+":"+gav[1], gav[2]
		purl, err := ecosystem.PURL(p.Ecosystem, p.Name, p.Version)
		if err != nil {
			return nil, feed.Errorf(rec, fmt.Sprintf("identifiers.identifier[%d].name", i), "%v", err)
		}
		p.PURL = purl
		return p, nil
	}
	p.Name = strings.TrimSpace(dep.FileName)
	return p, nil
}

var (
	idRE  = regexp.MustCompile(`(?i)^(CVE-\d{4}-\d{4,}|GHSA(-[0-9a-z]{4}){3})$`)
	cweRE = regexp.MustCompile(`(?i)^CWE-(\d{1,7})\b`)
)

func (v *vulnElem) result(rec string) (scan.Result, error) {
	res := scan.Result{
		Rule:         strings.TrimSpace(v.Name),
		ToolSeverity: strings.TrimSpace(v.Severity),
		Description:  strings.TrimSpace(v.Description),
	}
	if res.Rule == "" {
		return res, feed.Errorf(rec, "name", "missing")
	}
	if idRE.MatchString(res.Rule) {
		res.AddID(res.Rule)
	}
	scored := false
	for _, s := range []struct {
		score, field string
		vector       func() string
	}{
		{v.V3.Score, "cvssV3.baseScore", v.v3Vector},
		{v.V2.Score, "cvssV2.score", func() string {
			return v2Vector(v.V2.AV, v.V2.AC, v.V2.Au, v.V2.C, v.V2.I, v.V2.A)
		}},
		{v.CVSSScore, "cvssScore", func() string {
			return v2Vector(v.V1AV, v.V1AC, v.V1Au, v.V1C, v.V1I, v.V1A)
		}},
	} {
		if strings.TrimSpace(s.score) == "" {
			continue
		}
		f, err := scan.ParseScore(s.score)
		if err != nil {
			return res, &feed.RecordError{Record: rec, Field: s.field, Err: err}
		}
		if !scored {
			res.Score, res.Vector, scored = f, s.vector(), true
		}
	}
	switch {
	case res.ToolSeverity != "":
		res.Severity = scan.ParseSeverity(res.ToolSeverity)
	case scored:
		res.Severity = scan.SeverityFromScore(res.Score)
	default:
		res.Severity = scan.SevUnknown
	}
	cwes := append([]string{v.CWE}, v.CWEs...)
	for i, c := range cwes {
		c = strings.TrimSpace(c)
		if c == "" || strings.HasPrefix(strings.ToUpper(c), "NVD-CWE-") {
			continue
		}
		m := cweRE.FindStringSubmatch(c)
		if m == nil {
			field := "cwe"
			if i > 0 {
				field = fmt.Sprintf("cwes.cwe[%d]", i-1)
			}
			return res, feed.Errorf(rec, field, "not a CWE id: %q", c)
		}
		if n, _ := scan.ParseCWE(m[1]); n > 0 {
			res.AddCWE(n)
		}
	}
	for _, r := range v.References {
		if u := strings.TrimSpace(r.URL); u != "" {
			res.References = append(res.References, u)
		}
	}
	var ev []string
	for _, s := range v.Software {
		if strings.TrimSpace(s.Matched) != "true" {
			continue
		}
		line := strings.TrimSpace(s.CPE)
		for _, b := range []struct{ op, v string }{{">=", s.StartIncl}, {">", s.StartExcl}, {"<=", s.EndIncl}, {"<", s.EndExcl}} {
			if b.v = strings.TrimSpace(b.v); b.v != "" {
				line += " " + b.op + " " + b.v
			}
		}
		ev = append(ev, "Matched "+line)
	}
	res.Evidence = scan.Shorten(strings.Join(ev, "\n"))
	return res, nil
}

// metric returns the one-letter code of a metric value, written in full
// ("NETWORK", "ADJACENT_NETWORK") or as the code ("N"): in both CVSS
// versions the code is the value's first letter. It is "" unless the code
// is one of allowed.
func metric(value, allowed string) string {
	value = strings.ToUpper(strings.TrimSpace(value))
	if value == "" || !strings.Contains(allowed, value[:1]) {
		return ""
	}
	return value[:1]
}

func (v *vulnElem) v3Vector() string {
	version := strings.TrimSpace(v.V3.Version)
	if version != "3.0" && version != "3.1" {
		version = "3.1"
	}
	parts := []string{"CVSS:" + version}
	for _, m := range []struct{ name, value, allowed string }{
		{"AV", v.V3.AV, "NALP"}, {"AC", v.V3.AC, "LH"}, {"PR", v.V3.PR, "NLH"}, {"UI", v.V3.UI, "NR"},
		{"S", v.V3.S, "UC"}, {"C", v.V3.C, "NLH"}, {"I", v.V3.I, "NLH"}, {"A", v.V3.A, "NLH"},
	} {
		c := metric(m.value, m.allowed)
		if c == "" {
			return ""
		}
		parts = append(parts, m.name+":"+c)
	}
	return strings.Join(parts, "/")
}

func v2Vector(av, ac, au, c, i, a string) string {
	var parts []string
	for _, m := range []struct{ name, value, allowed string }{
		{"AV", av, "LAN"}, {"AC", ac, "HML"}, {"Au", au, "MSN"}, {"C", c, "NPC"}, {"I", i, "NPC"}, {"A", a, "NPC"},
	} {
		code := metric(m.value, m.allowed)
		if code == "" {
			return ""
		}
		parts = append(parts, m.name+":"+code)
	}
	return strings.Join(parts, "/")
}
