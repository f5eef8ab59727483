package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vmc-dev/vmc/internal/finding"
)

// bom is the UTF-8 byte order mark. Excel reads a CSV file without it in
// the machine's ANSI code page (GBK on Chinese Windows), which garbles
// every Chinese cell; with it, Excel reads UTF-8. Other readers skip it
// or show it once at the start of the first header.
const bom = "\uFEFF"

// FindingsCSV writes the rows of r as CSV: a localised header row, then
// one line per finding, in the order given. Title, filter and summary are
// not written: the file is one table, to sort and filter.
func FindingsCSV(w io.Writer, r Findings) error {
	if err := check(r.Lang, r.GeneratedAt); err != nil {
		return err
	}
	m := msgs(r.Lang)
	loc := r.GeneratedAt.Location()
	cw := newCSV(w)
	cw.row(m.ColID, m.ColAsset, m.ColTeam, m.ColVuln, m.ColTitle, m.ColPackage, m.ColVersion,
		m.ColPriority, m.ColState, m.ColDue, m.ColOverdue, m.ColAssignee, m.ColFirstSeen)
	for _, f := range r.Rows {
		cw.row(strconv.FormatInt(f.ID, 10), f.Asset, f.Team, f.Vuln, f.Title, f.Package, f.Version,
			m.priority(f.Priority), m.state(f.State), date(f.Due, loc), m.yesNo(f.Breached), f.Assignee,
			date(f.FirstSeen, loc))
	}
	return cw.flush("findings")
}

// SLACSV writes the SLA metrics of r as CSV: one line per priority, most
// urgent first, then one for all findings. Each SLA policy adds a column
// with its deadline per priority, so that the file stays one table.
// Empty cells mean "none": no compliance when nothing is decided, no MTTR
// when nothing was remediated.
func SLACSV(w io.Writer, r SLA) error {
	if err := check(r.Lang, r.GeneratedAt); err != nil {
		return err
	}
	m := msgs(r.Lang)
	cw := newCSV(w)
	head := []string{m.ColPriority, m.ColOpen, m.ColAccepted, m.ColOverdueN, m.ColClosed, m.ColRemediated,
		m.ColMet, m.ColMissed, m.ColCompliance, m.ColMTTRDays, m.ColMedianDays}
	for _, p := range r.Policies {
		head = append(head, fmt.Sprintf(m.PolicyColumn, m.env(p.Environment)))
	}
	cw.row(head...)
	line := func(name string, b finding.Bucket, policyDays func(finding.Policy) string) {
		rec := []string{name, itoa(b.Open), itoa(b.Accepted), itoa(b.Overdue), itoa(b.Closed), itoa(b.Remediated),
			itoa(b.SLAMet), itoa(b.SLAMissed), percent(b.Compliance), days(b.MTTR), days(b.MedianTTR)}
		for _, p := range r.Policies {
			rec = append(rec, policyDays(p))
		}
		cw.row(rec...)
	}
	for _, p := range sortedPriorities {
		line(m.priority(p), bucket(r.Metrics, p), func(pol finding.Policy) string {
			if d, ok := pol.Days[p]; ok {
				return itoa(d)
			}
			return ""
		})
	}
	line(m.All, r.Metrics.All, func(finding.Policy) string { return "" })
	return cw.flush("SLA")
}

func itoa(n int) string { return strconv.Itoa(n) }

// csvWriter writes the BOM and then records, neutralised, and keeps the
// first error.
type csvWriter struct {
	w   *csv.Writer
	err error
}

func newCSV(w io.Writer) *csvWriter {
	cw := &csvWriter{w: csv.NewWriter(w)}
	// RFC 4180 ends lines with CRLF. encoding/csv then writes a line
	// break inside a cell as CRLF too, and drops a lone CR.
	cw.w.UseCRLF = true
	_, cw.err = io.WriteString(w, bom)
	return cw
}

func (cw *csvWriter) row(fields ...string) {
	if cw.err != nil {
		return
	}
	rec := make([]string, len(fields))
	for i, f := range fields {
		rec[i] = cell(f)
	}
	cw.err = cw.w.Write(rec)
}

func (cw *csvWriter) flush(what string) error {
	if cw.err == nil {
		cw.w.Flush()
		cw.err = cw.w.Error()
	}
	if cw.err != nil {
		return fmt.Errorf("write %s CSV: %w", what, cw.err)
	}
	return nil
}

// cell makes s safe to put in a CSV cell: valid UTF-8 (each run of
// invalid bytes becomes U+FFFD, so that the file as a whole is UTF-8, as
// the BOM promises), and not a formula. A spreadsheet takes a cell starting with
// = + - or @ as a formula, and some take a tab or carriage return
// followed by one the same way, so such cells get a leading apostrophe,
// which spreadsheets read as "text" and do not show (OWASP, "CSV
// Injection"). Advisory titles, asset names and assignees are all written
// by someone else, so every cell goes through here.
func cell(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}
