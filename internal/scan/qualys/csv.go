package qualys

import (
	"errors"
	"io"
	"strings"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
)

// maxPreamble is how many rows of report metadata may come before the
// header.
const maxPreamble = 20

type columns struct {
	ip, dns, os, qid, title, kind, severity, port, proto, cves, threat, impact,
	solution, results int
	cvss3, cvss2 int
}

func findHeader(rec []string) (columns, bool) {
	find := scan.IndexHeader(rec).Find
	c := columns{
		ip: find("ip"), dns: find("dns"), os: find("os"), qid: find("qid"), title: find("title"), kind: find("type"),
		severity: find("severity"), port: find("port"), proto: find("protocol"), cves: find("cve id"),
		threat: find("threat"), impact: find("impact"), solution: find("solution"), results: find("results"),
		cvss3: find("cvss3 base", "cvss3"), cvss2: find("cvss base", "cvss"),
	}
	return c, c.ip >= 0 && c.qid >= 0
}

func parseCSV(r io.Reader) (*scan.Report, error) {
	cr := scan.NewCSV(r)
	var (
		cols columns
		head string // the header's line
	)
	for n := 0; ; n++ {
		rec, row, err := cr.Row()
		if errors.Is(err, io.EOF) || n == maxPreamble {
			return nil, feed.Errorf("line 1", "", "no header row with IP and QID columns in the first %d rows: not a Qualys CSV export", maxPreamble)
		}
		if err != nil {
			return nil, err
		}
		var ok bool
		if cols, ok = findHeader(row); ok {
			cr.SetHeader(row)
			head = rec
			break
		}
	}
	for _, req := range []struct {
		i    int
		name string
	}{{cols.title, "Title"}, {cols.severity, "Severity"}} {
		if req.i < 0 {
			return nil, feed.Errorf(head, "", "header has no %q column: not a Qualys CSV export", req.name)
		}
	}
	names := cr.Names()
	rep := &scan.Report{Tool: Tool}
	targets := scan.NewTargets[string](rep)
	for rec, row := range cr.Rows() {
		res, err := cols.result(rec, row, names)
		if err != nil {
			return nil, err
		}
		ip := scan.Cell(row, cols.ip)
		res.Target = targets.Index(ip, func() scan.Target {
			return hostTarget(ip, scan.Cell(row, cols.dns), scan.Cell(row, cols.os))
		})
		rep.Results = append(rep.Results, res)
	}
	if err := cr.Err(); err != nil {
		return nil, err
	}
	return rep, nil
}

func (c *columns) result(rec string, row, names []string) (scan.Result, error) {
	res := scan.Result{
		Rule:         scan.Cell(row, c.qid),
		Title:        scan.OneLine(scan.Cell(row, c.title)),
		ToolSeverity: scan.Cell(row, c.severity),
		Description:  scan.JoinText(scan.HTMLText(scan.Cell(row, c.threat)), scan.HTMLText(scan.Cell(row, c.impact))),
		Solution:     scan.HTMLText(scan.Cell(row, c.solution)),
		Evidence:     scan.Shorten(scan.Cell(row, c.results)),
	}
	if scan.Cell(row, c.ip) == "" {
		return res, feed.Errorf(rec, names[c.ip], "missing")
	}
	if !scan.IsNumber(res.Rule) {
		return res, feed.Errorf(rec, names[c.qid], "not a QID: %q", res.Rule)
	}
	var err error
	if res.Severity, err = level(res.ToolSeverity); err != nil {
		return res, &feed.RecordError{Record: rec, Field: names[c.severity], Err: err}
	}
	if c.kind >= 0 && isInfoType(scan.Cell(row, c.kind)) {
		res.Severity = scan.SevInfo
	}
	if res.Location, err = location(scan.Cell(row, c.port), scan.Cell(row, c.proto)); err != nil {
		return res, &feed.RecordError{Record: rec, Field: names[c.port], Err: err}
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
	scored := false
	for _, s := range []struct {
		i      int
		prefix string
	}{{c.cvss3, "CVSS:3.1/"}, {c.cvss2, ""}} {
		if s.i < 0 {
			continue
		}
		score, vec, err := cvss(scan.Cell(row, s.i), s.prefix)
		if err != nil {
			return res, &feed.RecordError{Record: rec, Field: names[s.i], Err: err}
		}
		if score != nil && !scored {
			res.Score, res.Vector, scored = *score, vec, true
		}
	}
	return res, nil
}
