package qualys

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"
	"unicode/utf8"

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
	idx := map[string]int{}
	for i, h := range rec {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if _, dup := idx[h]; !dup {
			idx[h] = i
		}
	}
	find := func(names ...string) int {
		for _, n := range names {
			if i, ok := idx[n]; ok {
				return i
			}
		}
		return -1
	}
	c := columns{
		ip: find("ip"), dns: find("dns"), os: find("os"), qid: find("qid"), title: find("title"), kind: find("type"),
		severity: find("severity"), port: find("port"), proto: find("protocol"), cves: find("cve id"),
		threat: find("threat"), impact: find("impact"), solution: find("solution"), results: find("results"),
		cvss3: find("cvss3 base", "cvss3"), cvss2: find("cvss base", "cvss"),
	}
	return c, c.ip >= 0 && c.qid >= 0
}

func parseCSV(r io.Reader) (*scan.Report, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // the preamble's rows are short; rows are checked against the header
	var (
		cols  columns
		names []string
	)
	for n := 0; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) || n == maxPreamble {
			return nil, feed.Errorf("line 1", "", "no header row with IP and QID columns in the first %d rows: not a Qualys CSV export", maxPreamble)
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if err := validUTF8(fmt.Sprintf("line %d", line), rec, rec); err != nil {
			return nil, err
		}
		var ok bool
		if cols, ok = findHeader(rec); ok {
			names = rec
			break
		}
	}
	for _, req := range []struct {
		i    int
		name string
	}{{cols.title, "Title"}, {cols.severity, "Severity"}} {
		if req.i < 0 {
			line, _ := cr.FieldPos(0)
			return nil, feed.Errorf(fmt.Sprintf("line %d", line), "", "header has no %q column: not a Qualys CSV export", req.name)
		}
	}
	rep := &scan.Report{Tool: Tool}
	targets := map[string]int{}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rep, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		rec := fmt.Sprintf("line %d", line)
		if len(row) != len(names) {
			return nil, feed.Errorf(rec, "", "%d fields, want %d as in the header", len(row), len(names))
		}
		if err := validUTF8(rec, row, names); err != nil {
			return nil, err
		}
		res, err := cols.result(rec, row, names)
		if err != nil {
			return nil, err
		}
		ip := cell(row, cols.ip)
		i, ok := targets[ip]
		if !ok {
			t := scan.Target{Kind: scan.TargetHost, Name: ip, FQDN: cell(row, cols.dns), OS: cell(row, cols.os)}
			if a, err := netip.ParseAddr(ip); err == nil {
				t.IP = a.String()
			}
			i = rep.Target(t)
			targets[ip] = i
		}
		res.Target = i
		rep.Results = append(rep.Results, res)
	}
}

func (c *columns) result(rec string, row, names []string) (scan.Result, error) {
	res := scan.Result{
		Rule:         cell(row, c.qid),
		Title:        oneLine(cell(row, c.title)),
		ToolSeverity: cell(row, c.severity),
		Description:  joinText(htmlText(cell(row, c.threat)), htmlText(cell(row, c.impact))),
		Solution:     htmlText(cell(row, c.solution)),
		Evidence:     scan.Shorten(cell(row, c.results)),
	}
	if cell(row, c.ip) == "" {
		return res, feed.Errorf(rec, names[c.ip], "missing")
	}
	if !isNumber(res.Rule) {
		return res, feed.Errorf(rec, names[c.qid], "not a QID: %q", res.Rule)
	}
	var err error
	if res.Severity, err = level(res.ToolSeverity); err != nil {
		return res, &feed.RecordError{Record: rec, Field: names[c.severity], Err: err}
	}
	if c.kind >= 0 && isInfoType(cell(row, c.kind)) {
		res.Severity = scan.SevInfo
	}
	if res.Location, err = location(cell(row, c.port), cell(row, c.proto)); err != nil {
		return res, &feed.RecordError{Record: rec, Field: names[c.port], Err: err}
	}
	for _, id := range strings.Split(cell(row, c.cves), ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		if !isCVE(id) {
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
		score, vec, err := cvss(cell(row, s.i), s.prefix)
		if err != nil {
			return res, &feed.RecordError{Record: rec, Field: names[s.i], Err: err}
		}
		if score != nil && !scored {
			res.Score, res.Vector, scored = *score, vec, true
		}
	}
	return res, nil
}

// cell returns column i of row, trimmed; "" for a missing column.
func cell(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

// validUTF8 refuses a row with bytes that are not UTF-8: encoding/csv
// passes them through, and they would not survive JSON.
func validUTF8(rec string, row, names []string) error {
	for i, f := range row {
		if !utf8.ValidString(f) {
			field := fmt.Sprintf("column %d", i+1)
			if i < len(names) && utf8.ValidString(names[i]) {
				field = names[i]
			}
			return feed.Errorf(rec, field, "invalid UTF-8")
		}
	}
	return nil
}

// csvError turns an encoding/csv error into a RecordError for its line.
func csvError(err error) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%w: %w", feed.ErrFormat, err)
	}
	return feed.Errorf(fmt.Sprintf("line %d", pe.StartLine), "", "%v", pe.Err)
}
