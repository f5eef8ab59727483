package zap

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
)

// Tool is the Report.Tool of every report this package returns.
const Tool = "zap"

const rootElement = "OWASPZAPReport"

// Parse reads a ZAP XML report (see the package documentation).
func Parse(r io.Reader) (*scan.Report, error) {
	d, start, err := scan.OpenXML(r, rootElement)
	if err != nil {
		return nil, err
	}
	rep := &scan.Report{Tool: Tool}
	for _, a := range start.Attr {
		if a.Name.Local == "version" {
			rep.Version = strings.TrimSpace(a.Value)
		}
	}
	sites := 0
	err = d.Body(func(t *xml.StartElement) error {
		if t.Name.Local != "site" {
			return scan.SkipElement
		}
		err := site(d, t, sites, rep)
		sites++
		return err
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// site reads one <site>: its target and its alerts, one at a time.
func site(d *scan.XMLDecoder, start *xml.StartElement, n int, rep *scan.Report) error {
	var name, host string
	for _, a := range start.Attr {
		switch a.Name.Local {
		case "name":
			name = strings.TrimSpace(a.Value)
		case "host":
			host = strings.TrimSpace(a.Value)
		}
	}
	rec := fmt.Sprintf("site[%d] %s", n, name)
	t := scan.Target{Kind: scan.TargetWeb, Name: name, URL: name}
	if a, err := netip.ParseAddr(host); err == nil {
		t.IP = a.String()
	} else {
		t.FQDN = host
	}
	target := rep.Target(t)
	items := 0
	return d.Children(rec, func(t *xml.StartElement) error {
		if t.Name.Local != "alerts" {
			return scan.SkipElement
		}
		return d.Children(rec, func(t *xml.StartElement) error {
			if t.Name.Local != "alertitem" {
				return scan.SkipElement
			}
			var it alertItem
			irec := fmt.Sprintf("%s: alertitem[%d]", rec, items)
			if err := d.DecodeElement(&it, t); err != nil {
				return &feed.RecordError{Record: irec, Err: scan.XMLError(err)}
			}
			items++
			return it.results(irec, target, rep)
		})
	})
}

type instance struct {
	URI       string `xml:"uri"`
	Param     string `xml:"param"`
	Attack    string `xml:"attack"`
	Evidence  string `xml:"evidence"`
	OtherInfo string `xml:"otherinfo"`
}

type alertItem struct {
	PluginID  string     `xml:"pluginid"`
	AlertRef  string     `xml:"alertRef"`
	Alert     string     `xml:"alert"`
	Name      string     `xml:"name"`
	RiskCode  *string    `xml:"riskcode"`
	Desc      string     `xml:"desc"`
	Solution  string     `xml:"solution"`
	Reference string     `xml:"reference"`
	OtherInfo string     `xml:"otherinfo"`
	CWE       string     `xml:"cweid"`
	Tags      []string   `xml:"tags>tag>tag"`
	Instances []instance `xml:"instances>instance"`
	// Before ZAP 2.8, one alertitem per instance.
	instance
}

func (it *alertItem) results(rec string, target int, rep *scan.Report) error {
	base := scan.Result{
		Target:      target,
		Rule:        strings.TrimSpace(it.AlertRef),
		Title:       scan.OneLine(it.Name),
		Description: strings.Join(paragraphs(it.Desc), "\n"),
		Solution:    strings.Join(paragraphs(it.Solution), "\n"),
	}
	if base.Rule == "" {
		base.Rule = strings.TrimSpace(it.PluginID)
	}
	rec += " " + base.Rule
	if base.Rule == "" {
		return feed.Errorf(rec, "pluginid", "missing")
	}
	if base.Title == "" {
		base.Title = scan.OneLine(it.Alert)
	}
	if it.RiskCode == nil {
		return feed.Errorf(rec, "riskcode", "missing")
	}
	base.ToolSeverity = strings.TrimSpace(*it.RiskCode)
	switch base.ToolSeverity {
	case "0":
		base.Severity = scan.SevInfo
	case "1":
		base.Severity = scan.SevLow
	case "2":
		base.Severity = scan.SevMedium
	case "3":
		base.Severity = scan.SevHigh
	default:
		return feed.Errorf(rec, "riskcode", "%q is not 0, 1, 2 or 3", base.ToolSeverity)
	}
	// ZAP writes -1 (or 0) for "no CWE".
	if s := strings.TrimSpace(it.CWE); s != "" && s != "-1" && s != "0" {
		n, err := scan.ParseCWE(s)
		if err != nil {
			return feed.Errorf(rec, "cweid", "not a CWE id: %q", s)
		}
		base.AddCWE(n)
	}
	for i, tag := range it.Tags {
		tag = strings.TrimSpace(tag)
		if len(tag) < 4 || !strings.EqualFold(tag[:4], "CWE-") {
			continue
		}
		n, err := scan.ParseCWE(tag)
		if err != nil {
			return feed.Errorf(rec, fmt.Sprintf("tags.tag[%d]", i), "not a CWE id: %q", tag)
		}
		base.AddCWE(n)
	}
	for _, p := range paragraphs(it.Reference) {
		for _, f := range strings.Fields(p) {
			if strings.HasPrefix(f, "http://") || strings.HasPrefix(f, "https://") {
				base.References = append(base.References, f)
			}
		}
	}
	insts := it.Instances
	if len(insts) == 0 {
		insts = []instance{it.instance}
	}
	for _, in := range insts {
		res := base
		res.Location = strings.TrimSpace(in.URI)
		other := in.OtherInfo
		if strings.TrimSpace(other) == "" {
			other = it.OtherInfo
		}
		var ev []string
		if s := strings.TrimSpace(in.Evidence); s != "" {
			ev = append(ev, s)
		}
		if s := strings.TrimSpace(in.Param); s != "" {
			ev = append(ev, "Parameter: "+s)
		}
		if s := strings.TrimSpace(in.Attack); s != "" {
			ev = append(ev, "Attack: "+s)
		}
		if s := strings.Join(paragraphs(other), "\n"); s != "" {
			ev = append(ev, s)
		}
		res.Evidence = scan.Shorten(strings.Join(ev, "\n"))
		rep.Results = append(rep.Results, res)
	}
	return nil
}

// paragraphs splits ZAP's "<p>one</p><p>two</p>" text into its trimmed,
// non-empty paragraphs; text without the markup is one paragraph.
func paragraphs(s string) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "</p>", "<p>"), "<p>") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
