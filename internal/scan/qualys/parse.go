package qualys

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
)

// Tool is the Report.Tool of every report this package returns.
const Tool = "qualys"

const rootElement = "ASSET_DATA_REPORT"

// Parse reads a Qualys Asset Data Report XML or a VM detection CSV (see
// the package documentation).
func Parse(r io.Reader) (*scan.Report, error) {
	return scan.XMLOrCSV(r, parseXML, parseCSV)
}

// pending is a detection waiting for the glossary.
type pending struct {
	res  scan.Result
	qid  string
	kind string // TYPE: Vuln, Practice, Ig
}

type parser struct {
	d        *scan.XMLDecoder
	rep      *scan.Report
	pending  []pending
	glossary map[string]*vulnDetails
	hosts    int
	details  int
}

func parseXML(r io.Reader) (*scan.Report, error) {
	d, _, err := scan.OpenXML(r, rootElement)
	if err != nil {
		return nil, err
	}
	p := &parser{d: d, rep: &scan.Report{Tool: Tool}, glossary: map[string]*vulnDetails{}}
	if err := p.children(0); err != nil {
		return nil, err
	}
	if err := p.d.End(); err != nil {
		return nil, err
	}
	for _, pd := range p.pending {
		res := pd.res
		if err := complete(&res, pd.kind, p.glossary[pd.qid]); err != nil {
			return nil, err
		}
		p.rep.Results = append(p.rep.Results, res)
	}
	return p.rep, nil
}

// children walks the elements under the root down to the hosts and the
// glossary entries, decoding those one at a time. level counts the
// containers passed (HOST_LIST, GLOSSARY, VULN_DETAILS_LIST).
func (p *parser) children(level int) error {
	return p.d.Children("", func(t *xml.StartElement) error {
		switch t.Name.Local {
		case "HOST_LIST", "GLOSSARY", "VULN_DETAILS_LIST":
			if level < 2 {
				return p.children(level + 1)
			}
		case "HOST":
			return p.host(t)
		case "VULN_DETAILS":
			var v vulnDetails
			rec := fmt.Sprintf("VULN_DETAILS[%d]", p.details)
			if err := p.d.DecodeElement(&v, t); err != nil {
				return &feed.RecordError{Record: rec, Err: scan.XMLError(err)}
			}
			v.rec = rec + " QID " + strings.TrimSpace(v.QID)
			if err := v.check(); err != nil {
				return err
			}
			p.glossary[strings.TrimSpace(v.QID)] = &v
			p.details++
			return nil
		}
		return scan.SkipElement
	})
}

type hostElem struct {
	IP        string `xml:"IP"`
	DNS       string `xml:"DNS"`
	OS        string `xml:"OPERATING_SYSTEM"`
	Detection []struct {
		QID      string `xml:"QID"`
		Type     string `xml:"TYPE"`
		Port     string `xml:"PORT"`
		Protocol string `xml:"PROTOCOL"`
		Result   string `xml:"RESULT"`
	} `xml:"VULN_INFO_LIST>VULN_INFO"`
}

func (p *parser) host(start *xml.StartElement) error {
	rec := fmt.Sprintf("HOST[%d]", p.hosts)
	var h hostElem
	if err := p.d.DecodeElement(&h, start); err != nil {
		return &feed.RecordError{Record: rec, Err: scan.XMLError(err)}
	}
	p.hosts++
	ip := strings.TrimSpace(h.IP)
	rec += " " + ip
	if ip == "" {
		return feed.Errorf(rec, "IP", "missing")
	}
	target := p.rep.Target(hostTarget(ip, h.DNS, h.OS))
	for i, v := range h.Detection {
		qid := strings.TrimSpace(v.QID)
		vrec := fmt.Sprintf("%s: VULN_INFO[%d] QID %s", rec, i, qid)
		if !scan.IsNumber(qid) {
			return feed.Errorf(vrec, "QID", "not a QID: %q", qid)
		}
		loc, err := location(v.Port, v.Protocol)
		if err != nil {
			return &feed.RecordError{Record: vrec, Field: "PORT", Err: err}
		}
		p.pending = append(p.pending, pending{
			res: scan.Result{Target: target, Rule: qid, Location: loc, Evidence: scan.Shorten(strings.TrimSpace(v.Result))},
			qid: qid, kind: strings.TrimSpace(v.Type),
		})
	}
	return nil
}

// hostTarget is the target of a host by address, DNS name and operating
// system.
func hostTarget(ip, dns, os string) scan.Target {
	t := scan.HostTarget(ip)
	t.FQDN, t.OS = strings.TrimSpace(dns), strings.TrimSpace(os)
	return t
}

type idURL struct {
	ID  string `xml:"ID"`
	URL string `xml:"URL"`
}

// vulnDetails is a glossary entry: what a QID is.
type vulnDetails struct {
	rec      string
	QID      string  `xml:"QID"`
	Title    string  `xml:"TITLE"`
	Severity string  `xml:"SEVERITY"`
	Threat   string  `xml:"THREAT"`
	Impact   string  `xml:"IMPACT"`
	Solution string  `xml:"SOLUTION"`
	CVSS     string  `xml:"CVSS_SCORE>CVSS_BASE"`
	CVSS3    string  `xml:"CVSS3_SCORE>CVSS3_BASE"`
	Vendor   []idURL `xml:"VENDOR_REFERENCE_LIST>VENDOR_REFERENCE"`
	CVEs     []idURL `xml:"CVE_ID_LIST>CVE_ID"`
	Bugtraq  []idURL `xml:"BUGTRAQ_ID_LIST>BUGTRAQ_ID"`
}

// check validates an entry once, when it is read, so its errors name it.
func (v *vulnDetails) check() error {
	if !scan.IsNumber(strings.TrimSpace(v.QID)) {
		return feed.Errorf(v.rec, "QID", "not a QID: %q", strings.TrimSpace(v.QID))
	}
	if _, err := level(v.Severity); err != nil {
		return &feed.RecordError{Record: v.rec, Field: "SEVERITY", Err: err}
	}
	for i, c := range v.CVEs {
		if !scan.IsCVE(c.ID) {
			return feed.Errorf(v.rec, fmt.Sprintf("CVE_ID_LIST.CVE_ID[%d].ID", i), "not a CVE id: %q", strings.TrimSpace(c.ID))
		}
	}
	if _, _, err := cvss(v.CVSS3, "CVSS:3.1/"); err != nil {
		return &feed.RecordError{Record: v.rec, Field: "CVSS3_SCORE.CVSS3_BASE", Err: err}
	}
	if _, _, err := cvss(v.CVSS, ""); err != nil {
		return &feed.RecordError{Record: v.rec, Field: "CVSS_SCORE.CVSS_BASE", Err: err}
	}
	return nil
}

// complete fills a detection in from its glossary entry (checked already).
func complete(res *scan.Result, kind string, v *vulnDetails) error {
	if v == nil {
		res.Title = "QID " + res.Rule
		res.Severity = scan.SevUnknown
		if isInfoType(kind) {
			res.Severity = scan.SevInfo
		}
		return nil
	}
	res.Title = scan.OneLine(v.Title)
	res.ToolSeverity = strings.TrimSpace(v.Severity)
	sev, _ := level(v.Severity)
	if isInfoType(kind) {
		sev = scan.SevInfo
	}
	res.Severity = sev
	res.Description = scan.JoinText(scan.HTMLText(v.Threat), scan.HTMLText(v.Impact))
	res.Solution = scan.HTMLText(v.Solution)
	for _, c := range v.CVEs {
		res.AddID(c.ID)
	}
	if s, vec, _ := cvss(v.CVSS3, "CVSS:3.1/"); s != nil {
		res.Score, res.Vector = *s, vec
	} else if s, vec, _ := cvss(v.CVSS, ""); s != nil {
		res.Score, res.Vector = *s, vec
	}
	for _, l := range [][]idURL{v.Vendor, v.Bugtraq} {
		for _, r := range l {
			if u := strings.TrimSpace(r.URL); u != "" {
				res.References = append(res.References, u)
			}
		}
	}
	return nil
}

// level maps a Qualys severity level for a confirmed or potential
// vulnerability.
func level(s string) (scan.Severity, error) {
	switch strings.TrimSpace(s) {
	case "5":
		return scan.SevCritical, nil
	case "4":
		return scan.SevHigh, nil
	case "3":
		return scan.SevMedium, nil
	case "2", "1":
		return scan.SevLow, nil
	}
	return "", fmt.Errorf("%w: %q is not a level from 1 to 5", feed.ErrFormat, strings.TrimSpace(s))
}

// isInfoType reports whether a detection type is information gathered.
func isInfoType(kind string) bool {
	switch strings.ToLower(kind) {
	case "ig", "info", "information gathered":
		return true
	}
	return false
}

// cvss reads Qualys's "7.5 (AV:N/AC:L/...)", or a bare score; "" and "-"
// are no score (nil). prefix is put before the vector.
func cvss(s, prefix string) (*float64, string, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "-" {
		return nil, "", nil
	}
	num, rest, _ := strings.Cut(s, " ")
	f, err := scan.ParseScore(num)
	if err != nil {
		return nil, "", err
	}
	vec := strings.TrimSpace(rest)
	if vec != "" {
		if !strings.HasPrefix(vec, "(") || !strings.HasSuffix(vec, ")") {
			return nil, "", fmt.Errorf("%w: not \"score (vector)\": %q", feed.ErrFormat, s)
		}
		vec = prefix + strings.TrimSpace(vec[1:len(vec)-1])
	}
	return &f, vec, nil
}

func location(port, proto string) (string, error) {
	port, proto = strings.TrimSpace(port), strings.TrimSpace(proto)
	if port == "" {
		return "", nil
	}
	if !scan.IsNumber(port) || len(port) > 5 {
		return "", fmt.Errorf("%w: not a port number: %q", feed.ErrFormat, port)
	}
	if proto == "" {
		return port, nil
	}
	return port + "/" + proto, nil
}
