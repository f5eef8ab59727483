package nessus

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
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

var bom = []byte("\xef\xbb\xbf")

// Parse reads a .nessus XML export or a Nessus CSV export (see the package
// documentation).
func Parse(r io.Reader) (*scan.Report, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	c, err := firstByte(br)
	switch {
	case errors.Is(err, io.EOF):
		return nil, fmt.Errorf("%w: empty document", feed.ErrFormat)
	case err != nil:
		return nil, fmt.Errorf("%w: %w", feed.ErrFormat, err)
	case c == '<':
		return parseXML(br)
	}
	return parseCSV(br)
}

// firstByte skips a byte order mark and white space and returns the next
// byte, left unread.
func firstByte(br *bufio.Reader) (byte, error) {
	if b, _ := br.Peek(len(bom)); bytes.Equal(b, bom) {
		br.Discard(len(bom))
	}
	for {
		c, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c, br.UnreadByte()
	}
}

// parser holds the state of one XML read.
type parser struct {
	d   *xml.Decoder
	rep *scan.Report
}

func parseXML(r io.Reader) (*scan.Report, error) {
	p := &parser{d: scan.NewXMLDecoder(r), rep: &scan.Report{Tool: Tool}}
	if err := p.document(); err != nil {
		return nil, err
	}
	return p.rep, nil
}

// document walks the tokens outside the hosts: the root, <Policy>
// (skipped) and <Report>.
func (p *parser) document() error {
	var depth, hosts int
	root := false
	for {
		tok, err := p.d.Token()
		if errors.Is(err, io.EOF) {
			if !root {
				return fmt.Errorf("%w: no <%s> element", feed.ErrFormat, rootElement)
			}
			return nil
		}
		if err != nil {
			return xmlError(err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if err := checkDirective(t); err != nil {
				return err
			}
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(bytes.TrimPrefix(t, bom))) > 0 {
				return fmt.Errorf("%w: text outside the root element", feed.ErrFormat)
			}
		case xml.EndElement:
			depth--
		case xml.StartElement:
			switch {
			case depth == 0 && root:
				return fmt.Errorf("%w: element <%s> after the root element", feed.ErrFormat, t.Name.Local)
			case depth == 0 && t.Name.Local != rootElement:
				return fmt.Errorf("%w: root element <%s>, want <%s>", feed.ErrFormat, t.Name.Local, rootElement)
			case depth == 0:
				root = true
				depth++
			case depth == 1 && t.Name.Local == "Report":
				depth++
			case depth == 2 && t.Name.Local == "ReportHost":
				if err := p.host(&t, hosts); err != nil {
					return err
				}
				hosts++
			default:
				// <Policy>, and anything a later version adds.
				if err := p.d.Skip(); err != nil {
					return xmlError(err)
				}
			}
		}
	}
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
	for {
		tok, err := p.d.Token()
		if err != nil {
			return &feed.RecordError{Record: rec, Err: xmlError(err)}
		}
		switch t := tok.(type) {
		case xml.Directive:
			if err := checkDirective(t); err != nil {
				return &feed.RecordError{Record: rec, Err: err}
			}
		case xml.EndElement:
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
		case xml.StartElement:
			switch t.Name.Local {
			case "HostProperties":
				if err := p.d.DecodeElement(&props, &t); err != nil {
					return &feed.RecordError{Record: rec, Field: "HostProperties", Err: xmlError(err)}
				}
			case "ReportItem":
				// The record's name is built only for an error: a
				// report may have hundreds of thousands of items.
				irec := func() string {
					return fmt.Sprintf("%s: ReportItem[%d] plugin %s", rec, items, strings.TrimSpace(attr(&t, "pluginID")))
				}
				var it reportItem
				if err := p.item(&it, &t); err != nil {
					return &feed.RecordError{Record: irec(), Err: xmlError(err)}
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
				if err := p.d.Skip(); err != nil {
					return &feed.RecordError{Record: rec, Err: xmlError(err)}
				}
			}
		}
	}
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
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 0 || n > maxUnix {
				return feed.Errorf(rec, "HostProperties."+f.unix, "not a Unix time: %q", s)
			}
			at = time.Unix(n, 0).UTC()
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

// maxUnix is 9999-12-31T23:59:59Z: time.Time encodes no later year as JSON.
const maxUnix = 253402300799

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
		Title:    oneLine(it.PluginName),
		Solution: solution(it.Solution),
		Evidence: scan.Shorten(strings.TrimSpace(it.PluginOutput)),
	}
	if res.Rule == "" {
		return res, feed.Errorf(rec, "pluginID", "missing")
	}
	if res.Title == "" {
		res.Title = oneLine(it.Name)
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
	res.Description = joinText(it.Synopsis, it.Desc)
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
		s, err := parseScore(c.score)
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

// parseScore reads a CVSS base score: a number from 0 to 10.
func parseScore(s string) (float64, error) {
	s = strings.TrimSpace(s)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > 10 {
		return 0, fmt.Errorf("%w: not a CVSS score from 0 to 10: %q", feed.ErrFormat, s)
	}
	return f, nil
}

var cveRE = regexp.MustCompile(`(?i)^CVE-\d{4}-\d{4,}$`)

// addCVE adds a CVE id the tool put in a CVE field. Anything else there is
// an error rather than an identifier vmc would match on.
func addCVE(res *scan.Result, s string) error {
	s = strings.TrimSpace(s)
	if !cveRE.MatchString(s) {
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

// joinText joins non-empty paragraphs with a blank line.
func joinText(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
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

// errEntity is the error for a DTD that declares entities.
var errEntity = errors.New("entity declarations (<!ENTITY>) are not allowed")

// checkDirective refuses a DOCTYPE that declares entities. encoding/xml
// would not expand them anyway (a reference to one is a syntax error in
// strict mode), so neither an external-entity read nor a billion-laughs
// expansion can happen; refusing the declaration says why plainly.
func checkDirective(d xml.Directive) error {
	if bytes.Contains(d, []byte("<!ENTITY")) {
		return fmt.Errorf("%w: %w", feed.ErrFormat, errEntity)
	}
	return nil
}

// xmlError wraps a decoding failure in feed.ErrFormat, with the line for a
// syntax error.
func xmlError(err error) error {
	var se *xml.SyntaxError
	switch {
	case errors.Is(err, feed.ErrFormat):
		return err
	case errors.As(err, &se):
		return fmt.Errorf("%w: XML syntax error on line %d: %s", feed.ErrFormat, se.Line, se.Msg)
	}
	return fmt.Errorf("%w: %w", feed.ErrFormat, err)
}

// oneLine collapses the white space of a title, which pretty-printed
// reports break over lines.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
