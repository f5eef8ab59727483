package acunetix

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
)

// Tool is the Report.Tool of every report this package returns.
const Tool = "acunetix"

const rootElement = "ScanGroup"

// Parse reads an Acunetix XML export or an Acunetix 360 JSON report (see
// the package documentation).
func Parse(r io.Reader) (*scan.Report, error) {
	br, c, err := scan.Peek(r)
	switch {
	case err != nil:
		return nil, err
	case c == '{':
		return parseJSON(br)
	}
	return parseXML(br)
}

func parseXML(r io.Reader) (*scan.Report, error) {
	d, _, err := scan.OpenXML(r, rootElement)
	if err != nil {
		return nil, err
	}
	rep := &scan.Report{Tool: Tool}
	n := 0
	err = d.Body(func(t *xml.StartElement) error {
		if t.Name.Local != "Scan" {
			return scan.SkipElement
		}
		err := scanElem(d, n, rep)
		n++
		return err
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// scanElem reads one <Scan>: its start URL and its items, one at a time.
// The target is added when the scan ends, as nothing obliges StartURL to
// come before the items.
func scanElem(d *scan.XMLDecoder, n int, rep *scan.Report) error {
	rec := fmt.Sprintf("Scan[%d]", n)
	var (
		startURL, crawlURL string
		results            []scan.Result
		items              int
	)
	err := d.Children(rec, func(t *xml.StartElement) error {
		switch t.Name.Local {
		case "StartURL":
			if err := d.DecodeElement(&startURL, t); err != nil {
				return &feed.RecordError{Record: rec, Field: "StartURL", Err: scan.XMLError(err)}
			}
			return nil
		case "Crawler":
			for _, a := range t.Attr {
				if a.Name.Local == "StartUrl" {
					crawlURL = a.Value
				}
			}
		case "ReportItems":
			return d.Children(rec, func(t *xml.StartElement) error {
				if t.Name.Local != "ReportItem" {
					return scan.SkipElement
				}
				var it reportItem
				irec := fmt.Sprintf("%s %s: ReportItem[%d]", rec, strings.TrimSpace(startURL), items)
				if err := d.DecodeElement(&it, t); err != nil {
					return &feed.RecordError{Record: irec, Err: scan.XMLError(err)}
				}
				items++
				if strings.EqualFold(strings.TrimSpace(it.FalsePositive), "true") {
					return nil
				}
				res, err := it.result(irec)
				if err != nil {
					return err
				}
				results = append(results, res)
				return nil
			})
		}
		return scan.SkipElement
	})
	if err != nil {
		return err
	}
	name := strings.TrimSpace(startURL)
	tg := scan.Target{Kind: scan.TargetWeb, Name: name, URL: strings.TrimSpace(crawlURL)}
	if tg.URL == "" {
		tg.URL = name
	}
	if tg.Name == "" {
		tg.Name = tg.URL
	}
	if tg.Name == "" && len(results) > 0 {
		return feed.Errorf(rec, "StartURL", "missing")
	}
	i := rep.Target(tg)
	base := tg.URL
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	for _, r := range results {
		r.Target = i
		r.Location = joinURL(base, r.Location)
		rep.Results = append(rep.Results, r)
	}
	return nil
}

type cvssElem struct {
	Descriptor string `xml:"Descriptor"`
	Score      string `xml:"Score"`
}

type reportItem struct {
	Name          string   `xml:"Name"`
	ModuleName    string   `xml:"ModuleName"`
	Details       string   `xml:"Details"`
	Affects       string   `xml:"Affects"`
	Parameter     string   `xml:"Parameter"`
	FalsePositive string   `xml:"IsFalsePositive"`
	Severity      string   `xml:"Severity"`
	Type          string   `xml:"Type"`
	Impact        string   `xml:"Impact"`
	Description   string   `xml:"Description"`
	Recommend     string   `xml:"Recommendation"`
	Request       string   `xml:"TechnicalDetails>Request"`
	CVEs          []string `xml:"CVEList>CVE"`
	CWEs          []struct {
		ID   string `xml:"id,attr"`
		Text string `xml:",chardata"`
	} `xml:"CWEList>CWE"`
	CVSS       cvssElem `xml:"CVSS"`
	CVSS3      cvssElem `xml:"CVSS3"`
	References []struct {
		URL string `xml:"URL"`
	} `xml:"References>Reference"`
}

func (it *reportItem) result(rec string) (scan.Result, error) {
	res := scan.Result{
		Rule:         strings.TrimSpace(it.ModuleName),
		Title:        scan.OneLine(it.Name),
		ToolSeverity: strings.TrimSpace(it.Severity),
		Location:     strings.TrimSpace(it.Affects), // joined to the scan's URL by the caller
		Description:  scan.JoinText(scan.HTMLText(it.Description), scan.HTMLText(it.Impact)),
		Solution:     scan.HTMLText(it.Recommend),
	}
	if res.Rule == "" {
		res.Rule = strings.TrimSpace(it.Type)
	}
	rec += " " + res.Rule
	if res.Rule == "" {
		return res, feed.Errorf(rec, "ModuleName", "missing")
	}
	res.Severity = severity(res.ToolSeverity)
	for i, c := range it.CVEs {
		if !scan.IsCVE(c) {
			return res, feed.Errorf(rec, fmt.Sprintf("CVEList.CVE[%d]", i), "not a CVE id: %q", strings.TrimSpace(c))
		}
		res.AddID(c)
	}
	for i, c := range it.CWEs {
		s := strings.TrimSpace(c.ID)
		if s == "" {
			s = strings.TrimSpace(c.Text)
		}
		n, err := scan.ParseCWE(s)
		if err != nil {
			return res, feed.Errorf(rec, fmt.Sprintf("CWEList.CWE[%d]", i), "not a CWE id: %q", s)
		}
		res.AddCWE(n)
	}
	for _, c := range []struct {
		elem  cvssElem
		field string
	}{{it.CVSS3, "CVSS3.Score"}, {it.CVSS, "CVSS.Score"}} {
		if strings.TrimSpace(c.elem.Score) == "" {
			continue
		}
		f, err := scan.ParseScore(c.elem.Score)
		if err != nil {
			return res, &feed.RecordError{Record: rec, Field: c.field, Err: err}
		}
		res.Score, res.Vector = f, strings.TrimSpace(c.elem.Descriptor)
		break
	}
	ev := []string{scan.HTMLText(it.Details)}
	if p := strings.TrimSpace(it.Parameter); p != "" {
		ev = append(ev, "Parameter: "+p)
	}
	if h := requestHead(it.Request); h != "" {
		ev = append(ev, "Request:\n"+h)
	}
	res.Evidence = scan.Shorten(scan.JoinText(ev...))
	for _, r := range it.References {
		if u := strings.TrimSpace(r.URL); u != "" {
			res.References = append(res.References, u)
		}
	}
	return res, nil
}

func severity(s string) scan.Severity {
	switch strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", "")) {
	case "informational", "information", "bestpractice":
		return scan.SevInfo
	case "critical", "high", "medium", "low":
		return scan.ParseSeverity(s)
	}
	return scan.SevUnknown
}

// joinURL puts a path Acunetix reports under the scan's base URL; a full
// URL is left as it is.
func joinURL(base, path string) string {
	switch {
	case path == "":
		return base
	case strings.Contains(path, "://"):
		return path
	}
	return strings.TrimSuffix(base, "/") + "/" + strings.TrimPrefix(path, "/")
}

// requestHead is an HTTP request up to the blank line that ends its
// headers, with CRLF made LF.
func requestHead(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\r\n", "\n")
	if i := strings.Index(s, "\n\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > scan.MaxEvidence {
		s = scan.Shorten(s)
	}
	return s
}

// cweList reads Acunetix 360's "16" or "79,80".
func cweList(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := scan.ParseCWE(f)
		if err != nil {
			return nil, fmt.Errorf("%w: not a CWE id: %q", feed.ErrFormat, f)
		}
		out = append(out, n)
	}
	return out, nil
}
