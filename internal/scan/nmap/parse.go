package nmap

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
)

// Tool is the Report.Tool of every report this package returns.
const Tool = "nmap"

const rootElement = "nmaprun"

// Rule of the result for an open port.
const openPort = "open-port"

// Parse reads an Nmap XML report (see the package documentation).
func Parse(r io.Reader) (*scan.Report, error) {
	d, start, err := scan.OpenXML(r, rootElement)
	if err != nil {
		return nil, err
	}
	rep := &scan.Report{Tool: Tool}
	for _, a := range start.Attr {
		switch a.Name.Local {
		case "version":
			rep.Version = strings.TrimSpace(a.Value)
		case "start":
			if rep.Started, err = scan.ParseUnixTime(a.Value); err != nil {
				return nil, &feed.RecordError{Record: rootElement, Field: "start", Err: err}
			}
		}
	}
	n := 0
	err = d.Body(func(t *xml.StartElement) error {
		switch t.Name.Local {
		case "host":
			var h hostElem
			if err := d.DecodeElement(&h, t); err != nil {
				return &feed.RecordError{Record: fmt.Sprintf("host[%d]", n), Err: scan.XMLError(err)}
			}
			err := h.add(n, rep)
			n++
			return err
		case "runstats":
			var rs struct {
				Finished struct {
					Time string `xml:"time,attr"`
				} `xml:"finished"`
			}
			if err := d.DecodeElement(&rs, t); err != nil {
				return &feed.RecordError{Record: "runstats", Err: scan.XMLError(err)}
			}
			var err error
			if rep.Finished, err = scan.ParseUnixTime(rs.Finished.Time); err != nil {
				return &feed.RecordError{Record: "runstats", Field: "finished.time", Err: err}
			}
			return nil
		}
		return scan.SkipElement
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

type script struct {
	ID     string `xml:"id,attr"`
	Output string `xml:"output,attr"`
}

type hostElem struct {
	Status struct {
		State string `xml:"state,attr"`
	} `xml:"status"`
	Addresses []struct {
		Addr string `xml:"addr,attr"`
		Type string `xml:"addrtype,attr"`
	} `xml:"address"`
	Hostnames []struct {
		Name string `xml:"name,attr"`
		Type string `xml:"type,attr"`
	} `xml:"hostnames>hostname"`
	Ports []struct {
		Protocol string `xml:"protocol,attr"`
		PortID   string `xml:"portid,attr"`
		State    struct {
			State string `xml:"state,attr"`
		} `xml:"state"`
		Service struct {
			Name      string   `xml:"name,attr"`
			Product   string   `xml:"product,attr"`
			Version   string   `xml:"version,attr"`
			ExtraInfo string   `xml:"extrainfo,attr"`
			CPEs      []string `xml:"cpe"`
		} `xml:"service"`
		Scripts []script `xml:"script"`
	} `xml:"ports>port"`
	OSMatches []struct {
		Name string `xml:"name,attr"`
	} `xml:"os>osmatch"`
	HostScripts []script `xml:"hostscript>script"`
}

func (h *hostElem) target() scan.Target {
	t := scan.Target{Kind: scan.TargetHost}
	for _, a := range h.Addresses {
		if typ := strings.TrimSpace(a.Type); (typ == "ipv4" || typ == "ipv6") && t.IP == "" {
			if ip, err := netip.ParseAddr(strings.TrimSpace(a.Addr)); err == nil {
				t.IP = ip.String()
			}
		}
	}
	var user, ptr string
	for _, n := range h.Hostnames {
		switch strings.TrimSpace(n.Type) {
		case "user":
			if user == "" {
				user = strings.TrimSpace(n.Name)
			}
		case "PTR":
			if ptr == "" {
				ptr = strings.TrimSpace(n.Name)
			}
		}
	}
	t.Name, t.FQDN = user, user
	if t.FQDN == "" {
		t.FQDN = ptr
	}
	if t.Name == "" {
		t.Name = t.IP
	}
	if len(h.OSMatches) > 0 {
		t.OS = strings.TrimSpace(h.OSMatches[0].Name)
	}
	return t
}

// add appends a host's target and results, unless it is not up.
func (h *hostElem) add(n int, rep *scan.Report) error {
	if strings.TrimSpace(h.Status.State) != "up" {
		return nil
	}
	t := h.target()
	rec := fmt.Sprintf("host[%d] %s", n, t.Name)
	if t.Name == "" {
		return feed.Errorf(rec, "address", "host has no IP address or hostname")
	}
	target := rep.Target(t)
	for i, p := range h.Ports {
		portID, proto := strings.TrimSpace(p.PortID), strings.TrimSpace(p.Protocol)
		if n, err := strconv.Atoi(portID); err != nil || n < 0 || n > 65535 {
			return feed.Errorf(fmt.Sprintf("%s: port[%d]", rec, i), "portid", "not a port number: %q", portID)
		}
		loc := portID + "/" + proto
		prec := fmt.Sprintf("%s: port %s", rec, loc)
		if strings.TrimSpace(p.State.State) == "open" {
			s := p.Service
			title := "Open port " + loc
			if name := strings.TrimSpace(s.Name); name != "" {
				title += ": " + name
			}
			var ev []string
			if line := strings.Join(strings.Fields(strings.Join([]string{s.Product, s.Version}, " ")), " "); line != "" {
				if x := strings.TrimSpace(s.ExtraInfo); x != "" {
					line += " (" + x + ")"
				}
				ev = append(ev, line)
			}
			for _, c := range s.CPEs {
				if c = strings.TrimSpace(c); c != "" {
					ev = append(ev, c)
				}
			}
			rep.Results = append(rep.Results, scan.Result{Target: target, Rule: openPort, Title: title,
				Severity: scan.SevInfo, Location: loc, Evidence: scan.Shorten(strings.Join(ev, "\n"))})
		}
		for _, sc := range p.Scripts {
			if err := addScript(rep, target, prec, loc, sc); err != nil {
				return err
			}
		}
	}
	for _, sc := range h.HostScripts {
		if err := addScript(rep, target, rec, "", sc); err != nil {
			return err
		}
	}
	return nil
}

func addScript(rep *scan.Report, target int, rec, loc string, sc script) error {
	id := strings.TrimSpace(sc.ID)
	rec += ": script " + id
	if id == "" {
		return feed.Errorf(rec, "id", "missing")
	}
	if id == "vulners" && strings.Contains(sc.Output, "cpe:") {
		return addVulners(rep, target, rec, loc, sc.Output)
	}
	rep.Results = append(rep.Results, scan.Result{Target: target, Rule: id, Title: id, Severity: scan.SevInfo,
		Location: loc, Evidence: scan.Shorten(strings.TrimSpace(sc.Output))})
	return nil
}

// addVulners adds one result per entry the vulners script lists under
// the CPEs it looked up (output without a CPE, such as a script error, is
// kept whole as any other script's):
//
//	cpe:/a:openbsd:openssh:7.4:
//	    	CVE-2018-15919	5.0	https://vulners.com/cve/CVE-2018-15919
//	    	EDB-ID:46516	5.8	https://vulners.com/exploitdb/EDB-ID:46516	*EXPLOIT*
func addVulners(rep *scan.Report, target int, rec, loc, output string) error {
	cpe := ""
	for i, line := range strings.Split(output, "\n") {
		f := strings.Fields(line)
		lrec := fmt.Sprintf("%s: line %d", rec, i+1)
		switch {
		case len(f) == 0:
			continue
		case len(f) == 1 && strings.HasSuffix(f[0], ":"):
			cpe = strings.TrimSuffix(f[0], ":")
			continue
		case len(f) < 2 || len(f) > 4:
			return feed.Errorf(lrec, "", "not a vulners entry (id, cvss, url): %q", strings.TrimSpace(line))
		}
		score, err := scan.ParseScore(f[1])
		if err != nil {
			return &feed.RecordError{Record: lrec, Field: "cvss", Err: err}
		}
		res := scan.Result{Target: target, Rule: "vulners", Title: f[0], Severity: scan.SeverityFromScore(score),
			ToolSeverity: f[1], Score: score, Location: loc}
		if scan.IsCVE(f[0]) || strings.HasPrefix(strings.ToUpper(f[0]), "GHSA-") {
			res.AddID(f[0])
		}
		exploit := false
		for _, x := range f[2:] {
			switch {
			case x == "*EXPLOIT*":
				exploit = true
			case strings.HasPrefix(x, "http://") || strings.HasPrefix(x, "https://"):
				res.References = append(res.References, x)
			default:
				return feed.Errorf(lrec, "", "not a vulners entry (id, cvss, url): %q", strings.TrimSpace(line))
			}
		}
		what := "Listed by vulners"
		if exploit {
			what = "Exploit listed by vulners"
		}
		if cpe != "" {
			what += " for " + cpe
		}
		res.Description = what + "."
		rep.Results = append(rep.Results, res)
	}
	return nil
}
