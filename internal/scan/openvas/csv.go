package openvas

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
)

// columns are the CSV columns read, found by header name.
type columns struct {
	ip, hostname, port, proto, cvss, severity, name, oid, cves, summary,
	insight, impact, solution, output, refs int
}

func header(rec []string) (columns, error) {
	idx := map[string]int{}
	for i, h := range rec {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, dup := idx[h]; !dup {
			idx[h] = i
		}
	}
	find := func(name string) int {
		if i, ok := idx[name]; ok {
			return i
		}
		return -1
	}
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
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, csvError(err, len(head), 0)
	}
	names := append([]string(nil), head...)
	if err := validUTF8("line 1", head, names); err != nil {
		return nil, err
	}
	cols, err := header(names)
	if err != nil {
		return nil, err
	}
	rep := &scan.Report{Tool: Tool}
	targets := map[string]int{}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rep, nil
		}
		if err != nil {
			return nil, csvError(err, len(row), len(names))
		}
		line, _ := cr.FieldPos(0)
		rec := fmt.Sprintf("line %d", line)
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
			i = rep.Target(target(ip, cell(row, cols.hostname)))
			targets[ip] = i
		}
		res.Target = i
		rep.Results = append(rep.Results, res)
	}
}

func (c *columns) result(rec string, row, names []string) (scan.Result, error) {
	res := scan.Result{
		Rule:        cell(row, c.oid),
		Title:       oneLine(cell(row, c.name)),
		Description: joinText(cell(row, c.summary), cell(row, c.insight), cell(row, c.impact)),
		Solution:    cell(row, c.solution),
		Evidence:    scan.Shorten(cell(row, c.output)),
	}
	if res.Rule == "" {
		return res, feed.Errorf(rec, names[c.oid], "missing")
	}
	if cell(row, c.ip) == "" {
		return res, feed.Errorf(rec, names[c.ip], "missing")
	}
	if port := cell(row, c.port); port != "" {
		res.Location = port
		if proto := cell(row, c.proto); proto != "" {
			res.Location += "/" + proto
		}
	}
	var err error
	field := "Severity"
	if c.cvss >= 0 && cell(row, c.cvss) != "" {
		field = names[c.cvss]
	}
	if res.Severity, res.ToolSeverity, err = severity(cell(row, c.cvss), cell(row, c.severity)); err != nil {
		return res, &feed.RecordError{Record: rec, Field: field, Err: err}
	}
	if f, err := parseScore(cell(row, c.cvss)); err == nil {
		res.Score = f
	}
	// Rows of the GVM "CVE" scanner: the CVE id is the NVT's name.
	for _, s := range []string{res.Title, res.Rule} {
		if isCVE(s) {
			res.AddID(s)
		}
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
	for _, u := range strings.Split(cell(row, c.refs), ",") {
		if u = strings.TrimSpace(u); u != "" {
			res.References = append(res.References, u)
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
func csvError(err error, got, want int) error {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return fmt.Errorf("%w: %w", feed.ErrFormat, err)
	}
	rec := fmt.Sprintf("line %d", pe.StartLine)
	if errors.Is(pe.Err, csv.ErrFieldCount) {
		return feed.Errorf(rec, "", "%d fields, want %d as in the header", got, want)
	}
	return feed.Errorf(rec, "", "%v", pe.Err)
}
