package nessus

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
)

// Tool is the Report.Tool of every report this package returns.
const Tool = "nessus"

const rootElement = "NessusClientData_v2"

// Parse reads a .nessus XML export or a Nessus CSV export (see the package
// documentation).
func Parse(r io.Reader) (*scan.Report, error) {
	return scan.XMLOrCSV(r, parseXML, parseCSV)
}

// parser holds the state of one XML read.
type parser struct {
	d   *scan.XMLDecoder
	rep *scan.Report
}

func parseXML(r io.Reader) (*scan.Report, error) {
	d, _, err := scan.OpenXML(r, rootElement)
	if err != nil {
		return nil, err
	}
	p := &parser{d: d, rep: &scan.Report{Tool: Tool}}
	if err := p.document(); err != nil {
		return nil, err
	}
	return p.rep, nil
}

// document reads the children of the root, <Policy> (skipped) and
// <Report>, whose hosts it reads one at a time, and what follows the root.
func (p *parser) document() error {
	hosts := 0
	return p.d.Body(func(t *xml.StartElement) error {
		if t.Name.Local != "Report" {
			// <Policy>, and anything a later version adds.
			return scan.SkipElement
		}
		return p.d.Children("", func(t *xml.StartElement) error {
			if t.Name.Local != "ReportHost" {
				return scan.SkipElement
			}
			err := p.host(t, hosts)
			hosts++
			return err
		})
	})
}

// host reads one <ReportHost>: its properties and items. The target is
// added when the host ends, as nothing obliges <HostProperties> to come
// before the items.
func (p *parser) host(start *xml.StartElement, n int) error {
	name := strings.TrimSpace(attr(start, "name"))
	rec := fmt.Sprintf("ReportHost[%d] %s", n, name)
	var (
		props hostProperties
		first = len(p.rep.Results) // this host's results start here
		items int
	)
	err := p.d.Children(rec, func(t *xml.StartElement) error {
		switch t.Name.Local {
		case "HostProperties":
			if err := p.d.DecodeElement(&props, t); err != nil {
				return &feed.RecordError{Record: rec, Field: "HostProperties", Err: scan.XMLError(err)}
			}
		case "ReportItem":
			// The record's name is built only for an error: a report
			// may have hundreds of thousands of items.
			irec := func() string {
				return fmt.Sprintf("%s: ReportItem[%d] plugin %s", rec, items, strings.TrimSpace(attr(t, "pluginID")))
			}
			var it reportItem
			if err := p.item(&it, t); err != nil {
				return &feed.RecordError{Record: irec(), Err: scan.XMLError(err)}
			}
			res, err := it.result()
			if err != nil {
				err.Record = irec()
				return err
			}
			if res.Rule == "19506" && p.rep.Version == "" {
				p.rep.Version = scanInfoVersion(it.PluginOutput)
			}
			p.rep.Results = append(p.rep.Results, res)
			items++
		default:
			return scan.SkipElement
		}
		return nil
	})
	if err != nil {
		return err
	}
	target, err := props.target(rec, name)
	if err != nil {
		return err
	}
	if err := props.times(rec, p.rep); err != nil {
		return err
	}
	i := p.rep.Target(target)
	for j := first; j < len(p.rep.Results); j++ {
		p.rep.Results[j].Target = i
	}
	return nil
}

// hostProperties is <HostProperties>: name/value tags.
type hostProperties struct {
	Tags []struct {
		Name  string `xml:"name,attr"`
		Value string `xml:",chardata"`
	} `xml:"tag"`
}

func (h *hostProperties) get(name string) string {
	for _, t := range h.Tags {
		if t.Name == name {
			return strings.TrimSpace(t.Value)
		}
	}
	return ""
}

func (h *hostProperties) target(rec, name string) (scan.Target, error) {
	t := scan.Target{Kind: scan.TargetHost, Name: name, OS: h.get("operating-system")}
	if ip := h.get("host-ip"); ip != "" {
		if a, err := netip.ParseAddr(ip); err == nil {
			t.IP = a.String()
		}
	}
	if fqdn := h.get("host-fqdn"); fqdn != "" && !isURL(fqdn) {
		t.FQDN = fqdn
	}
	if isURL(name) {
		t.Kind, t.URL = scan.TargetWeb, name
	}
	if t.Name == "" && t.IP == "" && t.FQDN == "" && t.URL == "" {
		return t, feed.Errorf(rec, "name", "host has no name, address or FQDN")
	}
	return t, nil
}

// times widens the report's Started and Finished to this host's.
func (h *hostProperties) times(rec string, rep *scan.Report) error {
	for _, f := range []struct {
		unix, text string
		start      bool
	}{{"HOST_START_TIMESTAMP", "HOST_START", true}, {"HOST_END_TIMESTAMP", "HOST_END", false}} {
		var at time.Time
		if s := h.get(f.unix); s != "" {
			var err error
			if at, err = scan.ParseUnixTime(s); err != nil {
				return &feed.RecordError{Record: rec, Field: "HostProperties." + f.unix, Err: err}
			}
		} else if s := h.get(f.text); s != "" {
			// WAS writes RFC 3339; older scanners a ctime-like date
			// without a zone, which is not read.
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil && t.Year() >= 0 && t.Year() <= 9999 {
				at = t.UTC()
			}
		}
		switch {
		case at.IsZero():
		case f.start && (rep.Started.IsZero() || at.Before(rep.Started)):
			rep.Started = at
		case !f.start && at.After(rep.Finished):
			rep.Finished = at
		}
	}
	return nil
}

// reportItem is one <ReportItem>: the attributes and child elements read.
type reportItem struct {
	Port, Protocol, PluginID, PluginName string
	Severity                             *string

	Name, Synopsis, Desc, Solution, SeeAlso, PluginOutput string
	CVEs, CWEs, Xrefs                                     []string
	CVSS4Score, CVSS4Vec, CVSS3Score, CVSS3Vec            string
	CVSS2Score, CVSS2Vec                                  string
}

// item reads one <ReportItem> from its start tag. It walks the tokens
// itself rather than calling DecodeElement: a report may hold hundreds of
// thousands of items, and reflection-driven decoding doubled the cost of
// reading them (see BenchmarkParse100k). Only the children listed are
// kept; others are skipped, as is markup inside a kept one.
func (p *parser) item(it *reportItem, start *xml.StartElement) error {
	for _, a := range start.Attr {
		switch a.Name.Local {
		case "port":
			it.Port = a.Value
		case "protocol":
			it.Protocol = a.Value
		case "severity":
			v := a.Value
			it.Severity = &v
		case "pluginID":
			it.PluginID = a.Value
		case "pluginName":
			it.PluginName = a.Value
		}
	}
	for {
		tok, err := p.d.Token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			var dst *string
			var list *[]string
			switch t.Name.Local {
			case "plugin_name":
				dst = &it.Name
			case "synopsis":
				dst = &it.Synopsis
			case "description":
				dst = &it.Desc
			case "solution":
				dst = &it.Solution
			case "see_also":
				dst = &it.SeeAlso
			case "plugin_output":
				dst = &it.PluginOutput
			case "cvss4_base_score":
				dst = &it.CVSS4Score
			case "cvss4_vector":
				dst = &it.CVSS4Vec
			case "cvss3_base_score":
				dst = &it.CVSS3Score
			case "cvss3_vector":
				dst = &it.CVSS3Vec
			case "cvss_base_score":
				dst = &it.CVSS2Score
			case "cvss_vector":
				dst = &it.CVSS2Vec
			case "cve":
				list = &it.CVEs
			case "cwe":
				list = &it.CWEs
			case "xref":
				list = &it.Xrefs
			default:
				if err := p.d.Skip(); err != nil {
					return err
				}
				continue
			}
			text, err := p.text()
			if err != nil {
				return err
			}
			if list != nil {
				*list = append(*list, text)
			} else {
				*dst = text
			}
		}
	}
}

// text returns the character data of the element just opened, up to its
// end tag; nested elements are skipped.
func (p *parser) text() (string, error) {
	var b []byte
	for {
		tok, err := p.d.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b = append(b, t...)
		case xml.StartElement:
			if err := p.d.Skip(); err != nil {
				return "", err
			}
		case xml.EndElement:
			return string(b), nil
		}
	}
}

// result maps an item. Its errors name the field; the caller names the
// record.
func (it *reportItem) result() (scan.Result, *feed.RecordError) {
	const rec = ""
	res := scan.Result{
		Rule:     strings.TrimSpace(it.PluginID),
		Title:    scan.OneLine(it.PluginName),
		Solution: solution(it.Solution),
		Evidence: scan.Shorten(strings.TrimSpace(it.PluginOutput)),
	}
	if res.Rule == "" {
		return res, feed.Errorf(rec, "pluginID", "missing")
	}
	if res.Title == "" {
		res.Title = scan.OneLine(it.Name)
	}
	if it.Severity == nil {
		return res, feed.Errorf(rec, "severity", "missing")
	}
	var err error
	res.ToolSeverity = strings.TrimSpace(*it.Severity)
	if res.Severity, err = severity(res.ToolSeverity); err != nil {
		return res, &feed.RecordError{Record: rec, Field: "severity", Err: err}
	}
	loc, err := location(it.Port, it.Protocol)
	if err != nil {
		return res, &feed.RecordError{Record: rec, Field: "port", Err: err}
	}
	res.Location = loc
	res.Description = scan.JoinText(it.Synopsis, it.Desc)
	for i, c := range it.CVEs {
		if err := addCVE(&res, c); err != nil {
			return res, &feed.RecordError{Record: rec, Field: fmt.Sprintf("cve[%d]", i), Err: err}
		}
	}
	for i, c := range it.CWEs {
		n, err := scan.ParseCWE(c)
		if err != nil {
			return res, feed.Errorf(rec, fmt.Sprintf("cwe[%d]", i), "not a CWE id: %q", strings.TrimSpace(c))
		}
		res.AddCWE(n)
	}
	for i, x := range it.Xrefs {
		kind, val, _ := strings.Cut(strings.TrimSpace(x), ":")
		if !strings.EqualFold(kind, "CWE") {
			continue
		}
		n, err := scan.ParseCWE(val)
		if err != nil {
			return res, feed.Errorf(rec, fmt.Sprintf("xref[%d]", i), "not a CWE id: %q", strings.TrimSpace(x))
		}
		res.AddCWE(n)
	}
	for _, c := range []struct{ score, vector, field string }{
		{it.CVSS4Score, it.CVSS4Vec, "cvss4_base_score"},
		{it.CVSS3Score, it.CVSS3Vec, "cvss3_base_score"},
		{it.CVSS2Score, strings.TrimPrefix(strings.TrimSpace(it.CVSS2Vec), "CVSS2#"), "cvss_base_score"},
	} {
		if strings.TrimSpace(c.score) == "" {
			continue
		}
		s, err := scan.ParseScore(c.score)
		if err != nil {
			return res, &feed.RecordError{Record: rec, Field: c.field, Err: err}
		}
		res.Score, res.Vector = s, strings.TrimSpace(c.vector)
		break
	}
	res.References = fields(it.SeeAlso)
	return res, nil
}

// severity maps the 0–4 scale Nessus shares with Tenable.sc and Tenable.io.
func severity(s string) (scan.Severity, error) {
	switch s {
	case "0":
		return scan.SevInfo, nil
	case "1":
		return scan.SevLow, nil
	case "2":
		return scan.SevMedium, nil
	case "3":
		return scan.SevHigh, nil
	case "4":
		return scan.SevCritical, nil
	}
	return "", fmt.Errorf("%w: %q not on the 0–4 scale", feed.ErrFormat, s)
}

// riskSeverity maps the CSV's Risk column.
func riskSeverity(s string) (scan.Severity, error) {
	switch strings.ToLower(s) {
	case "none":
		return scan.SevInfo, nil
	case "low":
		return scan.SevLow, nil
	case "medium":
		return scan.SevMedium, nil
	case "high":
		return scan.SevHigh, nil
	case "critical":
		return scan.SevCritical, nil
	}
	return "", fmt.Errorf("%w: %q is not None, Low, Medium, High or Critical", feed.ErrFormat, s)
}

func location(port, proto string) (string, error) {
	port, proto = strings.TrimSpace(port), strings.TrimSpace(proto)
	if port == "" {
		return proto, nil
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return "", fmt.Errorf("%w: not a port number: %q", feed.ErrFormat, port)
	}
	if proto == "" {
		return port, nil
	}
	return port + "/" + proto, nil
}

// addCVE adds a CVE id the tool put in a CVE field. Anything else there is
// an error rather than an identifier vmc would match on.
func addCVE(res *scan.Result, s string) error {
	s = strings.TrimSpace(s)
	if !scan.IsCVE(s) {
		return fmt.Errorf("%w: not a CVE id: %q", feed.ErrFormat, s)
	}
	res.AddID(s)
	return nil
}

func solution(s string) string {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "n/a") {
		return ""
	}
	return s
}

// fields splits s at white space; nil when there is nothing.
func fields(s string) []string {
	if f := strings.Fields(s); len(f) > 0 {
		return f
	}
	return nil
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

var versionRE = regexp.MustCompile(`(?m)^\s*Nessus version\s*:\s*(\S+)`)

// scanInfoVersion finds the scanner version in plugin 19506's output.
func scanInfoVersion(out string) string {
	if m := versionRE.FindStringSubmatch(out); m != nil {
		return m[1]
	}
	return ""
}

func attr(t *xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}
