package nessus

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

// columns are the CSV columns read, by lower-case header name; several
// names are spellings of one column across Nessus versions.
type columns struct {
	pluginID, cve, risk, severity, host, protocol, port, name, synopsis,
	description, solution, seeAlso, output, xref int
	// scores, newest CVSS version first.
	scores []scoreColumn
}

type scoreColumn struct {
	idx  int
	name string
}

func header(rec []string) (columns, error) {
	idx := map[string]int{}
	for i, h := range rec {
		h = strings.ToLower(strings.TrimSpace(h))
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
		pluginID:    find("plugin id"),
		cve:         find("cve"),
		risk:        find("risk"),
		severity:    find("severity"),
		host:        find("host"),
		protocol:    find("protocol"),
		port:        find("port"),
		name:        find("name", "plugin name"),
		synopsis:    find("synopsis"),
		description: find("description"),
		solution:    find("solution"),
		seeAlso:     find("see also"),
		output:      find("plugin output"),
		xref:        find("xref"),
	}
	for _, s := range []string{"cvss v4.0 base score", "cvss v3.0 base score", "cvss v2.0 base score", "cvss"} {
		if i := find(s); i >= 0 {
			c.scores = append(c.scores, scoreColumn{i, rec[i]})
		}
	}
	for _, req := range []struct {
		i    int
		name string
	}{{c.pluginID, "Plugin ID"}, {c.host, "Host"}} {
		if req.i < 0 {
			return c, feed.Errorf("line 1", "", "header has no %q column: not a Nessus CSV export", req.name)
		}
	}
	if c.risk < 0 && c.severity < 0 {
		return c, feed.Errorf("line 1", "", `header has neither a "Risk" nor a "Severity" column: not a Nessus CSV export`)
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
	if err := validUTF8("line 1", head, head); err != nil {
		return nil, err
	}
	cols, err := header(head)
	if err != nil {
		return nil, err
	}
	names := append([]string(nil), head...)
	rep := &scan.Report{Tool: Tool}
	targets := map[string]int{}
	var prevKey string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rep, nil
		}
		if err != nil {
			return nil, csvError(err, len(rec), len(names))
		}
		line, _ := cr.FieldPos(0)
		name := fmt.Sprintf("line %d", line)
		if err := validUTF8(name, rec, names); err != nil {
			return nil, err
		}
		// Nessus repeats a result once per CVE; the rest of the row
		// is the same.
		key := rowKey(rec, cols.cve)
		if cols.cve >= 0 && key == prevKey && len(rep.Results) > 0 {
			if cve := cell(rec, cols.cve); cve != "" {
				if err := addCVE(&rep.Results[len(rep.Results)-1], cve); err != nil {
					return nil, &feed.RecordError{Record: name, Field: names[cols.cve], Err: err}
				}
			}
			continue
		}
		prevKey = key
		res, err := cols.result(name, rec, names)
		if err != nil {
			return nil, err
		}
		host := cell(rec, cols.host)
		i, ok := targets[host]
		if !ok {
			t := scan.Target{Kind: scan.TargetHost, Name: host}
			if a, err := netip.ParseAddr(host); err == nil {
				t.IP = a.String()
			}
			i = rep.Target(t)
			targets[host] = i
		}
		res.Target = i
		rep.Results = append(rep.Results, res)
	}
}

func (c *columns) result(rec string, row, names []string) (scan.Result, error) {
	res := scan.Result{
		Rule:        cell(row, c.pluginID),
		Title:       oneLine(cell(row, c.name)),
		Description: joinText(cell(row, c.synopsis), cell(row, c.description)),
		Solution:    solution(cell(row, c.solution)),
		Evidence:    scan.Shorten(cell(row, c.output)),
		References:  fields(cell(row, c.seeAlso)),
	}
	if res.Rule == "" {
		return res, feed.Errorf(rec, names[c.pluginID], "missing")
	}
	if cell(row, c.host) == "" {
		return res, feed.Errorf(rec, names[c.host], "missing")
	}
	var err error
	if c.risk >= 0 {
		res.ToolSeverity = cell(row, c.risk)
		res.Severity, err = riskSeverity(res.ToolSeverity)
		if err != nil {
			return res, &feed.RecordError{Record: rec, Field: names[c.risk], Err: err}
		}
	} else {
		res.ToolSeverity = cell(row, c.severity)
		res.Severity, err = severity(res.ToolSeverity)
		if err != nil {
			return res, &feed.RecordError{Record: rec, Field: names[c.severity], Err: err}
		}
	}
	if res.Location, err = location(cell(row, c.port), cell(row, c.protocol)); err != nil {
		return res, &feed.RecordError{Record: rec, Field: names[c.port], Err: err}
	}
	if cve := cell(row, c.cve); cve != "" {
		if err := addCVE(&res, cve); err != nil {
			return res, &feed.RecordError{Record: rec, Field: names[c.cve], Err: err}
		}
	}
	// XREF holds "CWE:79" entries, comma- or line-separated.
	for _, x := range strings.FieldsFunc(cell(row, c.xref), func(r rune) bool { return r == ',' || r == '\n' }) {
		kind, val, _ := strings.Cut(strings.TrimSpace(x), ":")
		if !strings.EqualFold(kind, "CWE") {
			continue
		}
		n, err := scan.ParseCWE(val)
		if err != nil {
			return res, feed.Errorf(rec, names[c.xref], "not a CWE id: %q", strings.TrimSpace(x))
		}
		res.AddCWE(n)
	}
	for _, s := range c.scores {
		v := cell(row, s.idx)
		if v == "" {
			continue
		}
		if res.Score, err = parseScore(v); err != nil {
			return res, &feed.RecordError{Record: rec, Field: s.name, Err: err}
		}
		break
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

func rowKey(row []string, skip int) string {
	var b strings.Builder
	for i, f := range row {
		if i != skip {
			b.WriteString(f)
		}
		b.WriteByte(0)
	}
	return b.String()
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
