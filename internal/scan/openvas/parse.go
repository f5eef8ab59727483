package openvas

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
)

// Tool is the Report.Tool of every report this package returns.
const Tool = "openvas"

// Parse reads a GMP XML report or a GVM CSV results export (see the
// package documentation).
func Parse(r io.Reader) (*scan.Report, error) {
	return scan.XMLOrCSV(r, parseXML, parseCSV)
}

// parser holds the state of one XML read. Results come before the
// report-level <host> elements, so both are collected and joined at the
// end.
type parser struct {
	d       *scan.XMLDecoder
	rep     *scan.Report
	results []pending
	hosts   []hostElem
}

// pending is a result with its host, before targets are known.
type pending struct {
	res          scan.Result
	ip, hostname string
}

func parseXML(r io.Reader) (*scan.Report, error) {
	d, start, err := scan.OpenXML(r, "report", "get_reports_response")
	if err != nil {
		return nil, err
	}
	p := &parser{d: d, rep: &scan.Report{Tool: Tool}}
	if err := p.report(start.Name.Local); err != nil {
		return nil, err
	}
	if err := p.d.End(); err != nil {
		return nil, err
	}
	p.join()
	return p.rep, nil
}

// report reads the children of a <report> (or the response around it). An
// exported report nests the report proper in a <report> of the same name;
// whichever level holds <results> and <host> is read.
func (p *parser) report(path string) error {
	return p.d.Children("", func(t *xml.StartElement) error {
		switch t.Name.Local {
		case "report":
			return p.report(path + ".report")
		case "results":
			return p.resultList()
		case "host":
			var h hostElem
			if err := p.d.DecodeElement(&h, t); err != nil {
				return &feed.RecordError{Record: fmt.Sprintf("host[%d]", len(p.hosts)), Err: scan.XMLError(err)}
			}
			p.hosts = append(p.hosts, h)
		case "scan_start", "scan_end":
			var s string
			if err := p.d.DecodeElement(&s, t); err != nil {
				return scan.XMLError(err)
			}
			if s = strings.TrimSpace(s); s == "" {
				return nil
			}
			at, err := time.Parse(time.RFC3339Nano, s)
			if err != nil || at.Year() < 0 || at.Year() > 9999 {
				return feed.Errorf(path, t.Name.Local, "not an RFC 3339 time: %q", s)
			}
			if t.Name.Local == "scan_start" {
				p.rep.Started = at.UTC()
			} else {
				p.rep.Finished = at.UTC()
			}
		default:
			return scan.SkipElement
		}
		return nil
	})
}

func (p *parser) resultList() error {
	return p.d.Children("", func(t *xml.StartElement) error {
		if t.Name.Local != "result" {
			return scan.SkipElement
		}
		n := len(p.results)
		var r resultElem
		if err := p.d.DecodeElement(&r, t); err != nil {
			return &feed.RecordError{Record: fmt.Sprintf("result[%d]", n), Err: scan.XMLError(err)}
		}
		res, err := r.result(fmt.Sprintf("result[%d] nvt %s", n, strings.TrimSpace(r.NVT.OID)))
		if err != nil {
			return err
		}
		p.results = append(p.results, pending{res, strings.TrimSpace(r.Host.Addr), strings.TrimSpace(r.Host.Hostname)})
		return nil
	})
}

// join adds the targets, report-level hosts first, and the results.
func (p *parser) join() {
	names := map[string]string{} // address → first hostname a result gives
	for _, r := range p.results {
		if _, ok := names[r.ip]; !ok || names[r.ip] == "" {
			names[r.ip] = r.hostname
		}
	}
	index := map[string]int{}
	for _, h := range p.hosts {
		ip := strings.TrimSpace(h.IP)
		t := target(ip, h.detail("hostname"))
		if t.FQDN == "" {
			t.FQDN = names[ip]
		}
		t.OS = h.detail("best_os_txt")
		index[ip] = p.rep.Target(t)
	}
	for _, r := range p.results {
		i, ok := index[r.ip]
		if !ok {
			i = p.rep.Target(target(r.ip, names[r.ip]))
			index[r.ip] = i
		}
		r.res.Target = i
		p.rep.Results = append(p.rep.Results, r.res)
	}
}

func target(addr, hostname string) scan.Target {
	t := scan.HostTarget(addr)
	t.FQDN = hostname
	return t
}

// hostElem is a report-level <host>.
type hostElem struct {
	IP      string `xml:"ip"`
	Details []struct {
		Name  string `xml:"name"`
		Value string `xml:"value"`
	} `xml:"detail"`
}

func (h *hostElem) detail(name string) string {
	for _, d := range h.Details {
		if strings.TrimSpace(d.Name) == name {
			return strings.TrimSpace(d.Value)
		}
	}
	return ""
}

// resultElem is one <result>.
type resultElem struct {
	Host struct {
		Addr     string `xml:",chardata"`
		Hostname string `xml:"hostname"`
	} `xml:"host"`
	Port string `xml:"port"`
	NVT  struct {
		OID        string `xml:"oid,attr"`
		Name       string `xml:"name"`
		CVSSBase   string `xml:"cvss_base"`
		Severities []struct {
			Type  string `xml:"type,attr"`
			Score string `xml:"score"`
			Value string `xml:"value"`
		} `xml:"severities>severity"`
		Tags     string `xml:"tags"`
		Solution string `xml:"solution"`
		Refs     []struct {
			Type string `xml:"type,attr"`
			ID   string `xml:"id,attr"`
		} `xml:"refs>ref"`
		// GMP before 8 (OMP) listed CVEs and cross-references as text.
		CVE  string `xml:"cve"`
		Xref string `xml:"xref"`
	} `xml:"nvt"`
	Threat      string `xml:"threat"`
	Severity    string `xml:"severity"`
	Description string `xml:"description"`
}

func (r *resultElem) result(rec string) (scan.Result, error) {
	tags := parseTags(r.NVT.Tags)
	res := scan.Result{
		Rule:        strings.TrimSpace(r.NVT.OID),
		Title:       scan.OneLine(r.NVT.Name),
		Location:    strings.TrimSpace(r.Port),
		Description: scan.JoinText(tags["summary"], tags["insight"], tags["impact"]),
		Solution:    strings.TrimSpace(r.NVT.Solution),
		Evidence:    scan.Shorten(strings.TrimSpace(r.Description)),
	}
	if res.Rule == "" {
		return res, feed.Errorf(rec, "nvt.oid", "missing")
	}
	if res.Solution == "" {
		res.Solution = strings.TrimSpace(tags["solution"])
	}
	var err error
	if res.Severity, res.ToolSeverity, err = severity(r.Severity, r.Threat); err != nil {
		return res, &feed.RecordError{Record: rec, Field: "severity", Err: err}
	}
	// The GVM "CVE" scanner names its results by CVE.
	if scan.IsCVE(res.Title) {
		res.AddID(res.Title)
	}
	for i, ref := range r.NVT.Refs {
		id := strings.TrimSpace(ref.ID)
		switch strings.ToLower(strings.TrimSpace(ref.Type)) {
		case "cve":
			if !scan.IsCVE(id) {
				return res, feed.Errorf(rec, fmt.Sprintf("nvt.refs.ref[%d]", i), "not a CVE id: %q", id)
			}
			res.AddID(id)
		case "cwe":
			n, err := scan.ParseCWE(id)
			if err != nil {
				return res, feed.Errorf(rec, fmt.Sprintf("nvt.refs.ref[%d]", i), "not a CWE id: %q", id)
			}
			res.AddCWE(n)
		case "url":
			if id != "" {
				res.References = append(res.References, id)
			}
		}
	}
	for _, id := range strings.Split(r.NVT.CVE, ",") {
		switch id = strings.TrimSpace(id); {
		case id == "" || strings.EqualFold(id, "NOCVE"):
		case !scan.IsCVE(id):
			return res, feed.Errorf(rec, "nvt.cve", "not a CVE id: %q", id)
		default:
			res.AddID(id)
		}
	}
	for _, x := range strings.Split(r.NVT.Xref, ",") {
		if u, ok := strings.CutPrefix(strings.TrimSpace(x), "URL:"); ok && u != "" {
			res.References = append(res.References, u)
		}
	}
	// Newest CVSS first; cvss_base and the tags' vector are the
	// fallback for reports without <severities>.
	best := 0
	for i, s := range r.NVT.Severities {
		rank := map[string]int{"cvss_base_v2": 1, "cvss_base_v3": 2, "cvss_base_v4": 3}[strings.TrimSpace(s.Type)]
		if rank <= best {
			continue
		}
		if res.Score, err = scan.ParseScore(s.Score); err != nil {
			return res, &feed.RecordError{Record: rec, Field: fmt.Sprintf("nvt.severities.severity[%d].score", i), Err: err}
		}
		res.Vector, best = strings.TrimSpace(s.Value), rank
	}
	if best == 0 && strings.TrimSpace(r.NVT.CVSSBase) != "" {
		if res.Score, err = scan.ParseScore(r.NVT.CVSSBase); err != nil {
			return res, &feed.RecordError{Record: rec, Field: "nvt.cvss_base", Err: err}
		}
		res.Vector = strings.TrimSpace(tags["cvss_base_vector"])
	}
	return res, nil
}

// severity maps a result's severity score, or its threat word when the
// score is empty, and returns what ToolSeverity keeps.
func severity(score, threat string) (scan.Severity, string, error) {
	score, threat = strings.TrimSpace(score), strings.TrimSpace(threat)
	if score == "" {
		switch strings.ToLower(threat) {
		case "debug", "false positive", "error":
			return scan.SevInfo, threat, nil
		}
		return scan.ParseSeverity(threat), threat, nil
	}
	f, err := scan.ParseNumber(score, -3, 10, "severity from -3 to 10")
	if err != nil {
		return "", "", err
	}
	if f <= 0 {
		// 0 is a log message; -1 a false positive, -2 an error, -3
		// debug output.
		return scan.SevInfo, score, nil
	}
	return scan.SeverityFromScore(f), score, nil
}

// parseTags splits an NVT's tags, "key=value|key=value". A value may itself
// hold "|"; a piece that does not start with a key joins the value before.
func parseTags(s string) map[string]string {
	tags := map[string]string{}
	last := ""
	for _, piece := range strings.Split(s, "|") {
		k, v, ok := strings.Cut(piece, "=")
		if ok && isKey(k) {
			last = k
			tags[k] = strings.TrimSpace(v)
			continue
		}
		if last != "" {
			tags[last] += "|" + piece
		}
	}
	return tags
}

func isKey(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && c != '_' {
			return false
		}
	}
	return true
}
