package nikto

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
)

// Tool is the Report.Tool of every report this package returns.
const Tool = "nikto"

const rootElement = "niktoscan"

// Parse reads a Nikto XML or JSON report (see the package documentation).
func Parse(r io.Reader) (*scan.Report, error) {
	br, c, err := scan.Peek(r)
	switch {
	case err != nil:
		return nil, err
	case c == '{' || c == '[':
		return parseJSON(br, c)
	}
	return parseXML(br)
}

type parser struct {
	d       *scan.XMLDecoder
	rep     *scan.Report
	details int
}

func parseXML(r io.Reader) (*scan.Report, error) {
	d, start, err := scan.OpenXML(r, rootElement)
	if err != nil {
		return nil, err
	}
	p := &parser{d: d, rep: &scan.Report{Tool: Tool}}
	p.version(&start)
	if err := p.scan(); err != nil {
		return nil, err
	}
	if err := p.d.End(); err != nil {
		return nil, err
	}
	return p.rep, nil
}

func (p *parser) version(t *xml.StartElement) {
	for _, a := range t.Attr {
		if a.Name.Local == "version" && p.rep.Version == "" {
			p.rep.Version = strings.TrimSpace(a.Value)
		}
	}
}

// scan reads the children of a <niktoscan>, which may nest one
// <niktoscan> per host.
func (p *parser) scan() error {
	return p.d.Children("", func(t *xml.StartElement) error {
		switch t.Name.Local {
		case rootElement:
			p.version(t)
			return p.scan()
		case "scandetails":
			var sd scanDetails
			rec := fmt.Sprintf("scandetails[%d]", p.details)
			if err := p.d.DecodeElement(&sd, t); err != nil {
				return &feed.RecordError{Record: rec, Err: scan.XMLError(err)}
			}
			if err := sd.add(rec, p.rep); err != nil {
				return err
			}
			p.details++
			return nil
		}
		return scan.SkipElement
	})
}

type scanDetails struct {
	TargetIP   string `xml:"targetip,attr"`
	TargetHost string `xml:"targethostname,attr"`
	SiteName   string `xml:"sitename,attr"`
	Items      []struct {
		ID        string `xml:"id,attr"`
		OSVDB     string `xml:"osvdbid,attr"`
		OSVDBLink string `xml:"osvdblink,attr"`
		Method    string `xml:"method,attr"`
		Desc      string `xml:"description"`
		URI       string `xml:"uri"`
		NameLink  string `xml:"namelink"`
	} `xml:"item"`
}

func (sd *scanDetails) add(rec string, rep *scan.Report) error {
	site := strings.TrimSpace(sd.SiteName)
	rec += " " + site
	if site == "" {
		return feed.Errorf(rec, "sitename", "missing")
	}
	t := scan.Target{Kind: scan.TargetWeb, Name: site, URL: site}
	addrs(&t, sd.TargetIP, sd.TargetHost)
	target := rep.Target(t)
	for i, it := range sd.Items {
		res, err := result(fmt.Sprintf("%s: item[%d] %s", rec, i, strings.TrimSpace(it.ID)), it.ID, it.Desc, it.Method, it.URI, it.NameLink, site, it.OSVDB, it.OSVDBLink, "")
		if err != nil {
			return err
		}
		res.Target = target
		rep.Results = append(rep.Results, res)
	}
	return nil
}

// addrs fills IP and FQDN from an address and a host name, either of which
// may be either.
func addrs(t *scan.Target, ip, host string) {
	for _, s := range []string{ip, host} {
		s = strings.TrimSpace(s)
		if a, err := netip.ParseAddr(s); err == nil {
			if t.IP == "" {
				t.IP = a.String()
			}
		} else if s != "" && t.FQDN == "" {
			t.FQDN = s
		}
	}
}

// result maps one finding, of either encoding.
func result(rec, id, msg, method, uri, link, base, osvdb, osvdbLink, refs string) (scan.Result, error) {
	res := scan.Result{Rule: strings.TrimSpace(id), Title: scan.OneLine(msg), Severity: scan.SevUnknown}
	if res.Rule == "" {
		return res, feed.Errorf(rec, "id", "missing")
	}
	for _, c := range scan.FindCVEs(msg) {
		res.AddID(c)
	}
	uri = strings.TrimSpace(uri)
	res.Location = strings.TrimSpace(link)
	if res.Location == "" {
		res.Location = strings.TrimSuffix(base, "/") + "/" + strings.TrimPrefix(uri, "/")
	}
	res.Evidence = scan.Shorten(strings.TrimSpace(strings.TrimSpace(method) + " " + uri))
	if n := strings.TrimSpace(osvdb); n != "" && n != "0" {
		if !scan.IsNumber(n) {
			return res, feed.Errorf(rec, "osvdbid", "not a number: %q", n)
		}
		l := strings.TrimSpace(osvdbLink)
		if l == "" {
			l = "http://osvdb.org/" + n
		}
		res.References = append(res.References, l)
	}
	for _, f := range strings.Fields(refs) {
		res.References = append(res.References, strings.TrimSuffix(f, ","))
	}
	return res, nil
}

// flexString is a JSON string or number, as Nikto writes ports and ids
// either way.
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*f = flexString(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("want a string or a number, got %s", b)
	}
	*f = flexString(n.String())
	return nil
}

type jsonHost struct {
	Host  flexString `json:"host"`
	IP    flexString `json:"ip"`
	Port  flexString `json:"port"`
	Vulns []struct {
		ID         flexString `json:"id"`
		OSVDB      flexString `json:"OSVDB"`
		Method     string     `json:"method"`
		URL        string     `json:"url"`
		Msg        string     `json:"msg"`
		References string     `json:"references"`
	} `json:"vulnerabilities"`
}

// parseJSON reads an array of hosts, or one host when c, the first byte,
// is not '['.
func parseJSON(r io.Reader, c byte) (*scan.Report, error) {
	var hosts []jsonHost
	var v any = &hosts
	if c != '[' {
		hosts = make([]jsonHost, 1)
		v = &hosts[0]
	}
	if err := scan.DecodeJSON(r, v); err != nil {
		return nil, err
	}
	rep := &scan.Report{Tool: Tool}
	for i, h := range hosts {
		rec := fmt.Sprintf("[%d]", i)
		host, port := strings.TrimSpace(string(h.Host)), strings.TrimSpace(string(h.Port))
		if host == "" {
			host = strings.TrimSpace(string(h.IP))
		}
		if host == "" {
			return nil, feed.Errorf(rec, "host", "missing")
		}
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 {
			return nil, feed.Errorf(rec, "port", "not a port number: %q", port)
		}
		t := scan.Target{Kind: scan.TargetWeb, Name: net.JoinHostPort(host, port), URL: baseURL(host, n)}
		addrs(&t, string(h.IP), host)
		target := rep.Target(t)
		for j, v := range h.Vulns {
			vrec := fmt.Sprintf("%s.vulnerabilities[%d] %s", rec, j, strings.TrimSpace(string(v.ID)))
			res, err := result(vrec, string(v.ID), v.Msg, v.Method, v.URL, "", t.URL, string(v.OSVDB), "", v.References)
			if err != nil {
				return nil, err
			}
			res.Target = target
			rep.Results = append(rep.Results, res)
		}
	}
	return rep, nil
}

// baseURL guesses the scheme the JSON does not give from the port.
func baseURL(host string, port int) string {
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	switch port {
	case 443:
		return "https://" + host + "/"
	case 80:
		return "http://" + host + "/"
	}
	return "http://" + host + ":" + strconv.Itoa(port) + "/"
}
