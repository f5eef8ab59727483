package epss

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

// Source is the advisory.Record.Source of every record this package yields.
const Source = "epss"

// maxLine bounds one line of the file. Real rows are under 50 bytes; the
// bound keeps a hostile file from making the CSV reader buffer without
// limit.
const maxLine = 1 << 20

// slack is how far past maxLine the reader may read ahead (its buffer)
// before a line counts as too large.
const slack = 64 << 10

// Columns of the header line. FIRST's files have had "cve,epss" and, since
// 2021-09-01, "cve,epss,percentile".
// https://www.first.org/epss/data_stats
const (
	colCVE        = "cve"
	colEPSS       = "epss"
	colPercentile = "percentile"
)

// Keys of the comment line that files since 2022-02-04 start with:
//
//	#model_version:v2023.03.01,score_date:2023-03-07T00:00:00+0000
const (
	keyModel     = "model_version"
	keyScoreDate = "score_date"
)

var (
	cvePattern = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,19}$`)
	// fileDate is the date in the name FIRST gives daily files, the only
	// place files before 2022-02-04 say which day they score.
	fileDate = regexp.MustCompile(`^epss_scores-([0-9]{4}-[0-9]{2}-[0-9]{2})\.csv(?:\.gz)?$`)
	// scoreDateLayouts are the forms score_date is read in: FIRST's own
	// (2023-03-07T00:00:00+0000), RFC 3339, and a bare date.
	scoreDateLayouts = []string{"2006-01-02T15:04:05Z0700", time.RFC3339, time.DateOnly}
)

// Parse reads one EPSS daily score file and yields one record per CVE, its
// EPSS field carrying the score, percentile, date and model. Row problems
// are yielded as *feed.RecordError naming the line and column, and parsing
// goes on. A file that cannot be read, or whose score date cannot be
// told, yields one error wrapping feed.ErrFormat and stops.
func Parse(name string, r io.Reader) iter.Seq2[advisory.Record, error] {
	return func(yield func(advisory.Record, error) bool) {
		cr := &feed.BoundedReader{R: r, Limit: maxLine + slack}
		br := bufio.NewReader(cr)
		if b, _ := br.Peek(3); bytes.Equal(b, feed.BOM) {
			br.Discard(3)
		}

		line := 1 // of the header
		var meta fileMeta
		if b, _ := br.Peek(1); len(b) == 1 && b[0] == '#' {
			comment, err := br.ReadString('\n')
			switch {
			case errors.Is(err, feed.ErrTooLarge) || len(comment) > maxLine:
				yield(advisory.Record{}, feed.Errorf("line 1", "", "line larger than %d bytes", maxLine))
				return
			case err != nil && !errors.Is(err, io.EOF):
				yield(advisory.Record{}, docError(err))
				return
			}
			if meta, err = parseComment(comment); err != nil {
				yield(advisory.Record{}, err)
				return
			}
			line++
		}
		date := meta.date
		if date == "" {
			date = dateFromName(name)
		}
		if date == "" {
			yield(advisory.Record{}, fmt.Errorf("%w: score date: no %s in a #%s comment line, and no date in the file name %q (want epss_scores-YYYY-MM-DD.csv)",
				feed.ErrFormat, keyScoreDate, keyModel, path.Base(name)))
			return
		}
		parseCSV(cr, br, line, &advisory.EPSS{Date: date, Model: meta.model}, yield)
	}
}

// fileMeta is what the comment line says.
type fileMeta struct {
	model string // "v2023.03.01"
	date  string // YYYY-MM-DD of score_date
}

// parseComment reads "#key:value,key:value". Values may hold colons
// (score_date's time does), so each pair splits at its first. Unknown keys
// are ignored, so that FIRST can add one.
func parseComment(line string) (fileMeta, error) {
	var m fileMeta
	line = strings.TrimRight(strings.TrimPrefix(line, "#"), "\r\n")
	for pair := range strings.SplitSeq(line, ",") {
		k, v, _ := strings.Cut(pair, ":")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case keyModel:
			m.model = v
		case keyScoreDate:
			d, ok := parseScoreDate(v)
			if !ok {
				return fileMeta{}, feed.Errorf("line 1", keyScoreDate, "not a date: %q", v)
			}
			m.date = d
		}
	}
	return m, nil
}

// parseScoreDate returns the calendar date of a score_date value as it is
// written, in its own offset: FIRST writes midnight UTC.
func parseScoreDate(s string) (string, bool) {
	for _, layout := range scoreDateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format(time.DateOnly), true
		}
	}
	return "", false
}

// dateFromName takes the date from a daily file's name,
// epss_scores-2021-04-14.csv or .csv.gz.
func dateFromName(name string) string {
	m := fileDate.FindStringSubmatch(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if m == nil {
		return ""
	}
	if _, err := time.Parse(time.DateOnly, m[1]); err != nil {
		return ""
	}
	return m[1]
}

// parseCSV reads the header line, numbered line, and the rows after it.
// Every record's EPSS starts as a copy of file.
func parseCSV(cr *feed.BoundedReader, br *bufio.Reader, line int, file *advisory.EPSS, yield func(advisory.Record, error) bool) {
	// The CSV reader counts lines from where it starts.
	first := line - 1
	at := func(l int) string { return fmt.Sprintf("line %d", first+l) }

	// csv.NewReader uses br as it is, so br.Buffered() is all the
	// read-ahead there is.
	cvr := csv.NewReader(br)
	cvr.FieldsPerRecord = -1 // short and long rows are reported per row
	cvr.ReuseRecord = true
	bound := func() { cr.Limit = cr.N - int64(br.Buffered()) + maxLine + slack }

	bound()
	header, err := cvr.Read()
	switch {
	case errors.Is(err, io.EOF):
		yield(advisory.Record{}, feed.Errorf(at(1), "header", "missing"))
		return
	case errors.Is(err, feed.ErrTooLarge):
		yield(advisory.Record{}, feed.Errorf(at(1), "header", "line larger than %d bytes", maxLine))
		return
	case err != nil:
		yield(advisory.Record{}, docError(fmt.Errorf("header: %w", err)))
		return
	}
	// ReuseRecord would overwrite the header with the first row.
	header = slices.Clone(header)
	col := map[string]int{}
	for i, h := range header {
		header[i] = strings.ToLower(strings.TrimSpace(h))
		if _, dup := col[header[i]]; !dup {
			col[header[i]] = i
		}
	}
	for _, c := range []string{colCVE, colEPSS} {
		if _, ok := col[c]; !ok {
			yield(advisory.Record{}, feed.Errorf(at(1), "header", "no %q column in %q", c, strings.Join(header, ",")))
			return
		}
	}
	pcol, hasPercentile := col[colPercentile]

	for {
		bound()
		start, startOffset := cr.NextLine(br), cvr.InputOffset()
		row, err := cvr.Read()
		var pe *csv.ParseError
		switch {
		case errors.Is(err, io.EOF):
			return
		case errors.As(err, &pe):
			// The reader resumes after the bad line.
			if !yield(advisory.Record{}, feed.Errorf(at(pe.Line), "", "byte %d: %v", pe.Column, pe.Err)) {
				return
			}
			continue
		case errors.Is(err, feed.ErrTooLarge):
			// The line comes from counting, not FieldPos: after a
			// failed read the reader may hold no field position, and
			// FieldPos would panic.
			yield(advisory.Record{}, feed.Errorf(fmt.Sprintf("line %d", start), "", "line larger than %d bytes", maxLine))
			return
		case err != nil:
			yield(advisory.Record{}, docError(err))
			return
		}
		l, _ := cvr.FieldPos(0)
		pos := at(l)
		if cvr.InputOffset()-startOffset > maxLine {
			if !yield(advisory.Record{}, feed.Errorf(pos, "", "line larger than %d bytes", maxLine)) {
				return
			}
			continue
		}
		if len(row) != len(header) {
			field := ""
			if len(row) < len(header) {
				field = header[len(row)]
			}
			if !yield(advisory.Record{}, feed.Errorf(pos, field, "%d fields, header has %d", len(row), len(header))) {
				return
			}
			continue
		}

		id := strings.TrimSpace(row[col[colCVE]])
		if !cvePattern.MatchString(id) {
			if !yield(advisory.Record{}, feed.Errorf(pos, colCVE, "malformed CVE id %q", row[col[colCVE]])) {
				return
			}
			continue
		}
		e := *file
		if e.Score, err = probability(row[col[colEPSS]]); err != nil {
			if !yield(advisory.Record{}, feed.Errorf(pos, colEPSS, "%v", err)) {
				return
			}
			continue
		}
		if hasPercentile {
			if e.Percentile, err = probability(row[pcol]); err != nil {
				if !yield(advisory.Record{}, feed.Errorf(pos, colPercentile, "%v", err)) {
					return
				}
				continue
			}
		}
		// The score date is the record's Modified, so that an older day's
		// file imported after a newer one cannot overwrite its scores.
		mod, _ := time.Parse(time.DateOnly, e.Date)
		if !yield(advisory.Record{Source: Source, ID: id, EPSS: &e, Modified: mod}, nil) {
			return
		}
	}
}

// probability reads a score or percentile: a number in [0, 1]. NaN and
// the infinities, which strconv accepts, are not.
func probability(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	if math.IsNaN(v) || v < 0 || v > 1 {
		return 0, fmt.Errorf("%q outside [0, 1]", s)
	}
	return v, nil
}

// docError wraps a failure to read the file as a whole.
func docError(err error) error {
	return fmt.Errorf("%w: %w", feed.ErrFormat, err)
}
