package nessus

import (
	"io"
	"strings"

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
	find := scan.IndexHeader(rec).Find
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
	var prevKey string
	for name, rec := range cr.Rows() {
		// Nessus repeats a result once per CVE; the rest of the row
		// is the same.
		key := rowKey(rec, cols.cve)
		if cols.cve >= 0 && key == prevKey && len(rep.Results) > 0 {
			if cve := scan.Cell(rec, cols.cve); cve != "" {
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
		host := scan.Cell(rec, cols.host)
		res.Target = targets.Index(host, func() scan.Target { return scan.HostTarget(host) })
		rep.Results = append(rep.Results, res)
	}
	if err := cr.Err(); err != nil {
		return nil, err
	}
	return rep, nil
}

func (c *columns) result(rec string, row, names []string) (scan.Result, error) {
	res := scan.Result{
		Rule:        scan.Cell(row, c.pluginID),
		Title:       scan.OneLine(scan.Cell(row, c.name)),
		Description: scan.JoinText(scan.Cell(row, c.synopsis), scan.Cell(row, c.description)),
		Solution:    solution(scan.Cell(row, c.solution)),
		Evidence:    scan.Shorten(scan.Cell(row, c.output)),
		References:  fields(scan.Cell(row, c.seeAlso)),
	}
	if res.Rule == "" {
		return res, feed.Errorf(rec, names[c.pluginID], "missing")
	}
	if scan.Cell(row, c.host) == "" {
		return res, feed.Errorf(rec, names[c.host], "missing")
	}
	var err error
	if c.risk >= 0 {
		res.ToolSeverity = scan.Cell(row, c.risk)
		res.Severity, err = riskSeverity(res.ToolSeverity)
		if err != nil {
			return res, &feed.RecordError{Record: rec, Field: names[c.risk], Err: err}
		}
	} else {
		res.ToolSeverity = scan.Cell(row, c.severity)
		res.Severity, err = severity(res.ToolSeverity)
		if err != nil {
			return res, &feed.RecordError{Record: rec, Field: names[c.severity], Err: err}
		}
	}
	if res.Location, err = location(scan.Cell(row, c.port), scan.Cell(row, c.protocol)); err != nil {
		return res, &feed.RecordError{Record: rec, Field: names[c.port], Err: err}
	}
	if cve := scan.Cell(row, c.cve); cve != "" {
		if err := addCVE(&res, cve); err != nil {
			return res, &feed.RecordError{Record: rec, Field: names[c.cve], Err: err}
		}
	}
	// XREF holds "CWE:79" entries, comma- or line-separated.
	for _, x := range strings.FieldsFunc(scan.Cell(row, c.xref), func(r rune) bool { return r == ',' || r == '\n' }) {
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
		v := scan.Cell(row, s.idx)
		if v == "" {
			continue
		}
		if res.Score, err = scan.ParseScore(v); err != nil {
			return res, &feed.RecordError{Record: rec, Field: s.name, Err: err}
		}
		break
	}
	return res, nil
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
