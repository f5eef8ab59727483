package burp

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"net/netip"
	"regexp"
	"strings"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
)

// Tool is the Report.Tool of every report this package returns.
const Tool = "burp"

const rootElement = "issues"

// Parse reads a Burp issues export (see the package documentation).
func Parse(r io.Reader) (*scan.Report, error) {
	d, start, err := scan.OpenXML(r, rootElement)
	if err != nil {
		return nil, err
	}
	rep := &scan.Report{Tool: Tool}
	p := &parser{rep: rep, targets: scan.NewTargets[scan.Target](rep)}
	for _, a := range start.Attr {
		if a.Name.Local == "burpVersion" {
			p.rep.Version = strings.TrimSpace(a.Value)
		}
	}
	n := 0
	err = d.Body(func(t *xml.StartElement) error {
		if t.Name.Local != "issue" {
			return scan.SkipElement
		}
		var it issueElem
		if err := d.DecodeElement(&it, t); err != nil {
			return &feed.RecordError{Record: fmt.Sprintf("issue[%d]", n), Err: scan.XMLError(err)}
		}
		err := p.issue(fmt.Sprintf("issue[%d] type %s", n, strings.TrimSpace(it.Type)), &it)
		n++
		return err
	})
	if err != nil {
		return nil, err
	}
	return p.rep, nil
}

type parser struct {
	rep     *scan.Report
	targets *scan.Targets[scan.Target]
	buf     []byte // scratch for base64 decoding
}

type message struct {
	Base64 string `xml:"base64,attr"`
	Text   string `xml:",chardata"`
}

type issueElem struct {
	Type string `xml:"type"`
	Name string `xml:"name"`
	Host struct {
		IP   string `xml:"ip,attr"`
		Name string `xml:",chardata"`
	} `xml:"host"`
	Path            string   `xml:"path"`
	Location        string   `xml:"location"`
	Severity        string   `xml:"severity"`
	Background      string   `xml:"issueBackground"`
	RemBackground   string   `xml:"remediationBackground"`
	References      string   `xml:"references"`
	Classifications string   `xml:"vulnerabilityClassifications"`
	Detail          string   `xml:"issueDetail"`
	DetailItems     []string `xml:"issueDetailItems>issueDetailItem"`
	RemDetail       string   `xml:"remediationDetail"`
	Traffic         []struct {
		Request  message `xml:"request"`
		Response message `xml:"response"`
	} `xml:"requestresponse"`
}

var cweAnyRE = regexp.MustCompile(`(?i)\bCWE-\d+\b`)

func (p *parser) issue(rec string, it *issueElem) error {
	host := strings.TrimSpace(it.Host.Name)
	res := scan.Result{
		Rule:         strings.TrimSpace(it.Type),
		Title:        scan.OneLine(it.Name),
		ToolSeverity: strings.TrimSpace(it.Severity),
		Location:     host + strings.TrimSpace(it.Location),
		Description:  scan.HTMLText(it.Background),
		Solution:     scan.JoinText(scan.HTMLText(it.RemDetail), scan.HTMLText(it.RemBackground)),
		References:   scan.Hrefs(it.References),
	}
	if res.Rule == "" {
		return feed.Errorf(rec, "type", "missing")
	}
	if host == "" {
		return feed.Errorf(rec, "host", "missing")
	}
	res.Severity = scan.ParseSeverity(res.ToolSeverity)
	if res.Severity == scan.SevCritical {
		// Burp has no "critical"; only its own four words are read.
		res.Severity = scan.SevUnknown
	}
	for _, s := range []string{it.Detail, it.References, it.Classifications} {
		for _, id := range scan.FindCVEs(s) {
			res.AddID(id)
		}
	}
	for _, m := range cweAnyRE.FindAllString(it.Classifications, -1) {
		n, err := scan.ParseCWE(m)
		if err != nil {
			return feed.Errorf(rec, "vulnerabilityClassifications", "not a CWE id: %q", m)
		}
		res.AddCWE(n)
	}
	ev := []string{scan.HTMLText(it.Detail)}
	for _, item := range it.DetailItems {
		ev = append(ev, scan.HTMLText(item))
	}
	for i, rr := range it.Traffic {
		// The two share p.buf: each is used before the next decode.
		req, err := p.decode(rr.Request)
		if err != nil {
			return feed.Errorf(rec, fmt.Sprintf("requestresponse[%d].request", i), "%v", err)
		}
		if i == 0 {
			if h := requestHead(req); h != "" {
				ev = append(ev, "Request:\n"+h)
			}
		}
		resp, err := p.decode(rr.Response)
		if err != nil {
			return feed.Errorf(rec, fmt.Sprintf("requestresponse[%d].response", i), "%v", err)
		}
		if i == 0 {
			if l := statusLine(resp); l != "" {
				ev = append(ev, "Response: "+l)
			}
		}
	}
	res.Evidence = scan.Shorten(scan.JoinText(ev...))

	t := scan.Target{Kind: scan.TargetWeb, Name: host, URL: host}
	if a, err := netip.ParseAddr(strings.TrimSpace(it.Host.IP)); err == nil {
		t.IP = a.String()
	}
	res.Target = p.targets.Index(t, func() scan.Target { return t })
	p.rep.Results = append(p.rep.Results, res)
	return nil
}

// decode returns a request or response as text, decoding base64. The
// bytes are only valid until the next call.
func (p *parser) decode(m message) ([]byte, error) {
	if strings.TrimSpace(m.Base64) != "true" {
		return []byte(m.Text), nil
	}
	s := strings.TrimSpace(m.Text)
	if n := base64.StdEncoding.DecodedLen(len(s)); cap(p.buf) < n {
		p.buf = make([]byte, n)
	}
	n, err := base64.StdEncoding.Decode(p.buf[:cap(p.buf)], []byte(s))
	if err != nil {
		return nil, fmt.Errorf("invalid base64: %v", err)
	}
	return p.buf[:n], nil
}

// requestHead is an HTTP request up to the blank line that ends its
// headers.
func requestHead(b []byte) string {
	if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 {
		b = b[:i]
	} else if i := bytes.Index(b, []byte("\n\n")); i >= 0 {
		b = b[:i]
	}
	if len(b) > scan.MaxEvidence {
		b = b[:scan.MaxEvidence]
	}
	return strings.TrimSpace(strings.ReplaceAll(strings.ToValidUTF8(string(b), "\uFFFD"), "\r\n", "\n"))
}

// statusLine is the first line of an HTTP response.
func statusLine(b []byte) string {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	if len(b) > 200 {
		b = b[:200]
	}
	return strings.TrimSpace(strings.ToValidUTF8(string(b), "\uFFFD"))
}
