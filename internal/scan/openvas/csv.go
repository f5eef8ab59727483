package openvas

import (
	"io"
	"strings"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
)

// columns are the CSV columns read, found by header name.
type columns struct {
	ip, hostname, port, proto, cvss, severity, name, oid, cves, summary,
	insight, impact, solution, output, refs int
}

func header(rec []string) (columns, error) {
	find := scan.IndexHeader(rec).Find
	c := columns{
		ip: find("ip"), hostname: find("hostname"), port: find("port"), proto: find("port protocol"),
		cvss: find("cvss"), severity: find("severity"), name: find("nvt name"), oid: find("nvt oid"),
		cves: find("cves"), summary: find("summary"), insight: find("vulnerability insight"),
		impact: find("impact"), solution: find("solution"), output: find("specific result"),
		refs: find("other references"),
	}
	for _, req := range []struct {
		i    int
		name string
	}{{c.ip, "IP"}, {c.name, "NVT Name"}, {c.oid, "NVT OID"}} {
		if req.i < 0 {
			return c, feed.Errorf("line 1", "", "header has no %q column: not a GVM CSV export", req.name)
		}
	}
	return c, nil
}

func parseCSV(r io.Reader) (*scan.Report, error) {
	cr := scan.NewCSV(r)
	names, err := cr.Header()
	if err != nil {
		return nil, err
	}
	cols, err := header(names)
	if err != nil {
		return nil, err
	}
	rep := &scan.Report{Tool: Tool}
	targets := scan.NewTargets[string](rep)
	for rec, row := range cr.Rows() {
		res, err := cols.result(rec, row, names)
		if err != nil {
			return nil, err
		}
		ip := scan.Cell(row, cols.ip)
		res.Target = targets.Index(ip, func() scan.Target { return target(ip, scan.Cell(row, cols.hostname)) })
		rep.Results = append(rep.Results, res)
	}
	if err := cr.Err(); err != nil {
		return nil, err
	}
	return rep, nil
}

func (c *columns) result(rec string, row, names []string) (scan.Result, error) {
	res := scan.Result{
		Rule:        scan.Cell(row, c.oid),
		Title:       scan.OneLine(scan.Cell(row, c.name)),
		Description: scan.JoinText(scan.Cell(row, c.summary), scan.Cell(row, c.insight), scan.Cell(row, c.impact)),
		Solution:    scan.Cell(row, c.solution),
		Evidence:    scan.Shorten(scan.Cell(row, c.output)),
	}
	if res.Rule == "" {
		return res, feed.Errorf(rec, names[c.oid], "missing")
	}
	if scan.Cell(row, c.ip) == "" {
		return res, feed.Errorf(rec, names[c.ip], "missing")
	}
	if port := scan.Cell(row, c.port); port != "" {
		res.Location = port
		if proto := scan.Cell(row, c.proto); proto != "" {
			res.Location += "/" + proto
		}
	}
	var err error
	field := "Severity"
	if c.cvss >= 0 && scan.Cell(row, c.cvss) != "" {
		field = names[c.cvss]
	}
	if res.Severity, res.ToolSeverity, err = severity(scan.Cell(row, c.cvss), scan.Cell(row, c.severity)); err != nil {
		return res, &feed.RecordError{Record: rec, Field: field, Err: err}
	}
	if f, err := scan.ParseScore(scan.Cell(row, c.cvss)); err == nil {
		res.Score = f
	}
	// Rows of the GVM "CVE" scanner: the CVE id is the NVT's name.
	for _, s := range []string{res.Title, res.Rule} {
		if scan.IsCVE(s) {
			res.AddID(s)
		}
	}
	for _, id := range strings.Split(scan.Cell(row, c.cves), ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		if !scan.IsCVE(id) {
			return res, feed.Errorf(rec, names[c.cves], "not a CVE id: %q", id)
		}
		res.AddID(id)
	}
	for _, u := range strings.Split(scan.Cell(row, c.refs), ",") {
		if u = strings.TrimSpace(u); u != "" {
			res.References = append(res.References, u)
		}
	}
	return res, nil
}
