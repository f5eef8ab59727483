package kev

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

// Source is the advisory.Record.Source of every record this package yields.
const Source = "kev"

// cweProvider marks the CWEs in advisory.Record.CWEs as CISA's KEV
// assignment, so they stay apart from the CNA's and NVD's once merged.
const cweProvider = "CISA-KEV"

// maxEntry bounds one catalogue entry (a JSON object or a CSV row). The
// largest real entry is under 2 KiB; the bound keeps a hostile document
// from making a decoder buffer without limit.
const maxEntry = 1 << 20

// slack is how far past maxEntry the decoders may read ahead (separators,
// whitespace and their own buffering) before an entry counts as too large.
const slack = 64 << 10

// catalog is the top level of known_exploited_vulnerabilities.json, as
// known_exploited_vulnerabilities_schema.json defines it. Only the fields
// vmc keeps are named; the array is streamed, never held.
//
//	{"title": ..., "catalogVersion": "2025.08.25",
//	 "dateReleased": "2025-08-25T17:04:19.9796Z", "count": 1404,
//	 "vulnerabilities": [entry, ...]}
const (
	keyCatalogVersion  = "catalogVersion"
	keyVulnerabilities = "vulnerabilities"
)

// entry is one element of "vulnerabilities", the schema's
// $defs.vulnerability. The CSV has one column per field, named the same.
type entry struct {
	// CVEID matches ^CVE-[0-9]{4}-[0-9]{4,19}$ (schema "cveID").
	CVEID          string `json:"cveID"`
	VendorProject  string `json:"vendorProject"`
	Product        string `json:"product"`
	Name           string `json:"vulnerabilityName"`
	DateAdded      string `json:"dateAdded"` // YYYY-MM-DD, schema format "date"
	Description    string `json:"shortDescription"`
	RequiredAction string `json:"requiredAction"`
	DueDate        string `json:"dueDate"` // YYYY-MM-DD
	// KnownRansomwareCampaignUse is "Known" or "Unknown" in every
	// catalogue so far. It is kept as written, not checked, so that a new
	// word from CISA does not reject the entry.
	KnownRansomwareCampaignUse string `json:"knownRansomwareCampaignUse"`
	Notes                      string `json:"notes"`
	// CWEs match ^CWE-([0-9])+$. The JSON has an array; the CSV joins it
	// into one field with ", ". Added to the catalogue in 2024, so older
	// copies have neither.
	CWEs []string `json:"cwes"`
}

var (
	cvePattern = regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,19}$`)
	cwePattern = regexp.MustCompile(`^CWE-[0-9]+$`)
	// nameDate finds a date in a CSV file's name
	// (known_exploited_vulnerabilities-2025-08-25.csv), the only place a
	// CSV copy can say which catalogue it is.
	nameDate = regexp.MustCompile(`([0-9]{4})[-._]([0-9]{2})[-._]([0-9]{2})`)
)

// Parse reads one KEV catalogue, JSON or CSV, and yields one record per
// entry. The format is told from the content: a JSON document starts with
// "{", anything else is read as CSV. Record-level problems are yielded as
// *feed.RecordError naming the entry (its CVE id, or "#N" in the JSON array
// and "line N" in the CSV when the id is unusable) and the field, and
// parsing goes on. A document that cannot be read yields one error wrapping
// feed.ErrFormat and stops.
func Parse(name string, r io.Reader) iter.Seq2[advisory.Record, error] {
	return func(yield func(advisory.Record, error) bool) {
		cr := &feed.BoundedReader{R: r, Limit: maxEntry + slack}
		br := bufio.NewReader(cr)
		skipBOM(br)
		first, err := firstByte(br)
		switch {
		case errors.Is(err, io.EOF):
			yield(advisory.Record{}, fmt.Errorf("%w: empty document", feed.ErrFormat))
			return
		case err != nil:
			yield(advisory.Record{}, docError(err))
			return
		case first == '{':
			parseJSON(cr, br, yield)
		default:
			parseCSV(catalogFromName(name), cr, br, yield)
		}
	}
}

// parseJSON streams the catalogue object: header fields are read with the
// token decoder, then each array element is decoded on its own. CISA puts
// catalogVersion before the array; in a document that puts it after,
// the entries read before it carry no Catalog.
func parseJSON(cr *feed.BoundedReader, br *bufio.Reader, yield func(advisory.Record, error) bool) {
	dec := json.NewDecoder(br)
	// Reads are bounded relative to the decoder's position: base is where
	// in the input the decoder starts (after a BOM and white space).
	base := cr.N - int64(br.Buffered())
	bound := func() { cr.Limit = base + dec.InputOffset() + maxEntry + slack }
	if err := expectDelim(dec, '{'); err != nil {
		yield(advisory.Record{}, docError(err))
		return
	}
	var catalog string
	n := 0 // entries seen, for "#N"
	for {
		bound()
		tok, err := dec.Token()
		if err != nil {
			yield(advisory.Record{}, docError(err))
			return
		}
		if tok == json.Delim('}') {
			break
		}
		key, _ := tok.(string) // object keys are always strings
		switch key {
		case keyCatalogVersion:
			bound()
			if err := dec.Decode(&catalog); err != nil {
				yield(advisory.Record{}, docError(fmt.Errorf("%s: %w", keyCatalogVersion, err)))
				return
			}
			catalog = strings.TrimSpace(catalog)
		case keyVulnerabilities:
			if err := expectDelim(dec, '['); err != nil {
				yield(advisory.Record{}, docError(fmt.Errorf("%s: %w", keyVulnerabilities, err)))
				return
			}
			for {
				bound()
				if !dec.More() {
					break
				}
				n++
				pos := fmt.Sprintf("#%d", n)
				start := dec.InputOffset()
				var e entry
				err := dec.Decode(&e)
				var te *json.UnmarshalTypeError
				switch {
				case err == nil && dec.InputOffset()-start > maxEntry:
					// Read whole within the slack, so the next
					// entry can still be read.
					if !yield(advisory.Record{}, feed.Errorf(pos, "", "entry larger than %d bytes", maxEntry)) {
						return
					}
					continue
				case errors.As(err, &te):
					// The value was consumed whole, so the next
					// entry can still be read.
					if !yield(advisory.Record{}, feed.Errorf(e.label(pos), te.Field, "JSON %s where %s belongs", te.Value, feed.JSONKind(te.Type))) {
						return
					}
					continue
				case errors.Is(err, feed.ErrTooLarge):
					yield(advisory.Record{}, feed.Errorf(pos, "", "entry larger than %d bytes", maxEntry))
					return
				case err != nil:
					yield(advisory.Record{}, docError(fmt.Errorf("%s[%d]: %w", keyVulnerabilities, n-1, err)))
					return
				}
				if !yield(e.record(pos, catalog)) {
					return
				}
			}
			bound()
			if err := expectDelim(dec, ']'); err != nil {
				yield(advisory.Record{}, docError(err))
				return
			}
		default:
			// title, dateReleased, count and whatever CISA adds: not
			// part of any record. count is not checked: a cut-short
			// document already fails as JSON, and a trimmed copy
			// (a test fixture) keeps its original count.
			bound()
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				yield(advisory.Record{}, docError(fmt.Errorf("%s: %w", key, err)))
				return
			}
		}
	}
	bound()
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		yield(advisory.Record{}, fmt.Errorf("%w: data after the catalogue object", feed.ErrFormat))
	}
}

// expectDelim reads one token and checks that it is the delimiter d.
func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != d {
		return fmt.Errorf("found %v, want %q", tok, d)
	}
	return nil
}

// columns the CSV must have: without them a row says nothing usable.
var requiredColumns = []string{"cveID", "dateAdded"}

// parseCSV reads the CSV form row by row. Columns are found by header
// name, so older copies without "cwes" still read. The CSV carries no
// catalogue version; catalog comes from the file name, or is empty.
func parseCSV(catalog string, cr *feed.BoundedReader, br *bufio.Reader, yield func(advisory.Record, error) bool) {
	// csv.NewReader uses br as it is, so br.Buffered() is all the
	// read-ahead there is.
	cvr := csv.NewReader(br)
	cvr.FieldsPerRecord = -1 // short and long rows are reported per row
	cvr.ReuseRecord = true
	bound := func() { cr.Limit = cr.N - int64(br.Buffered()) + maxEntry + slack }

	bound()
	header, err := cvr.Read()
	if err != nil {
		yield(advisory.Record{}, docError(fmt.Errorf("header: %w", err)))
		return
	}
	// ReuseRecord would overwrite the header with the first row.
	header = slices.Clone(header)
	col := make(map[string]int, len(header))
	for i, h := range header {
		header[i] = strings.TrimSpace(h)
		if _, dup := col[header[i]]; !dup {
			col[header[i]] = i
		}
	}
	for _, c := range requiredColumns {
		if _, ok := col[c]; !ok {
			yield(advisory.Record{}, feed.Errorf("line 1", "header", "no %q column", c))
			return
		}
	}
	for {
		bound()
		start, startOffset := cr.NextLine(br), cvr.InputOffset()
		row, err := cvr.Read()
		var pe *csv.ParseError
		switch {
		case errors.Is(err, io.EOF):
			return
		case errors.As(err, &pe):
			// The reader resumes after the bad line. A bare quote
			// cannot be pinned to a column name, as the row was not
			// split into fields.
			if !yield(advisory.Record{}, feed.Errorf(fmt.Sprintf("line %d", pe.Line), "", "byte %d: %v", pe.Column, pe.Err)) {
				return
			}
			continue
		case errors.Is(err, feed.ErrTooLarge):
			// The line comes from counting, not FieldPos: after a
			// failed read the reader may hold no field position, and
			// FieldPos would panic.
			yield(advisory.Record{}, feed.Errorf(fmt.Sprintf("line %d", start), "", "row larger than %d bytes", maxEntry))
			return
		case err != nil:
			yield(advisory.Record{}, docError(err))
			return
		}
		line, _ := cvr.FieldPos(0)
		if cvr.InputOffset()-startOffset > maxEntry {
			if !yield(advisory.Record{}, feed.Errorf(fmt.Sprintf("line %d", line), "", "row larger than %d bytes", maxEntry)) {
				return
			}
			continue
		}
		if !yield(csvEntry(header, col, row, fmt.Sprintf("line %d", line), catalog)) {
			return
		}
	}
}

// csvEntry turns one CSV row into a record.
func csvEntry(header []string, col map[string]int, row []string, pos, catalog string) (advisory.Record, error) {
	get := func(c string) string {
		if i, ok := col[c]; ok && i < len(row) {
			return row[i]
		}
		return ""
	}
	e := entry{
		CVEID:                      get("cveID"),
		VendorProject:              get("vendorProject"),
		Product:                    get("product"),
		Name:                       get("vulnerabilityName"),
		DateAdded:                  get("dateAdded"),
		Description:                get("shortDescription"),
		RequiredAction:             get("requiredAction"),
		DueDate:                    get("dueDate"),
		KnownRansomwareCampaignUse: get("knownRansomwareCampaignUse"),
		Notes:                      get("notes"),
	}
	if len(row) != len(header) {
		field := ""
		if len(row) < len(header) {
			field = header[len(row)]
		}
		return advisory.Record{}, feed.Errorf(e.label(pos), field, "%d fields, header has %d", len(row), len(header))
	}
	// encoding/json would replace bad bytes with U+FFFD when the record
	// is stored, silently changing the text; the JSON form never has
	// them, so a CSV row with them is damaged.
	for i, v := range row {
		if !utf8.ValidString(v) {
			return advisory.Record{}, feed.Errorf(e.label(pos), header[i], "invalid UTF-8")
		}
	}
	for c := range strings.SplitSeq(get("cwes"), ",") {
		if c = strings.TrimSpace(c); c != "" {
			e.CWEs = append(e.CWEs, c)
		}
	}
	return e.record(pos, catalog)
}

// label names the entry in errors: its CVE id when that is well formed,
// else its position.
func (e *entry) label(pos string) string {
	if id := strings.TrimSpace(e.CVEID); cvePattern.MatchString(id) {
		return id
	}
	return pos
}

// record checks the entry and maps it to an advisory record.
//
// Text fields are trimmed: 42 entries of the 2025.08.25 catalogue carry a
// stray leading or trailing space (" CrushFTP Unprotected Alternate Channel
// Vulnerability"), and CISA fixing one later must not look like a change.
// dateAdded is not mapped to Record.Published: it is when CISA listed the
// CVE, not when the vulnerability was published, and as a published claim
// it would compete with the CVE record's own date.
func (e *entry) record(pos, catalog string) (advisory.Record, error) {
	id := strings.TrimSpace(e.CVEID)
	label := e.label(pos)
	if !cvePattern.MatchString(id) {
		return advisory.Record{}, feed.Errorf(label, "cveID", "malformed CVE id %q", e.CVEID)
	}
	k := &advisory.KEV{
		DateAdded:                  strings.TrimSpace(e.DateAdded),
		DueDate:                    strings.TrimSpace(e.DueDate),
		VendorProject:              strings.TrimSpace(e.VendorProject),
		Product:                    strings.TrimSpace(e.Product),
		Name:                       strings.TrimSpace(e.Name),
		RequiredAction:             strings.TrimSpace(e.RequiredAction),
		KnownRansomwareCampaignUse: strings.TrimSpace(e.KnownRansomwareCampaignUse),
		Notes:                      strings.TrimSpace(e.Notes),
		Catalog:                    catalog,
	}
	if k.DateAdded == "" {
		return advisory.Record{}, feed.Errorf(label, "dateAdded", "missing")
	}
	if !validDate(k.DateAdded) {
		return advisory.Record{}, feed.Errorf(label, "dateAdded", "not a YYYY-MM-DD date: %q", e.DateAdded)
	}
	// dueDate is required by the schema but says only when federal
	// agencies must act; an entry without one is still worth keeping.
	if k.DueDate != "" && !validDate(k.DueDate) {
		return advisory.Record{}, feed.Errorf(label, "dueDate", "not a YYYY-MM-DD date: %q", e.DueDate)
	}
	rec := advisory.Record{Source: Source, ID: id, KEV: k}
	// The catalogue version is its release date; as the record's Modified
	// it lets the store refuse an older catalogue's entry over a newer one.
	if t, err := time.Parse("2006.01.02", catalog); err == nil {
		rec.Modified = t
	}
	for i, c := range e.CWEs {
		c = strings.TrimSpace(c)
		if !cwePattern.MatchString(c) {
			return advisory.Record{}, feed.Errorf(label, fmt.Sprintf("cwes[%d]", i), "malformed CWE id %q", e.CWEs[i])
		}
		k.CWEs = append(k.CWEs, c)
		rec.CWEs = append(rec.CWEs, advisory.CWE{ID: c, Provider: cweProvider})
	}
	if k.Name != "" {
		rec.Titles = []advisory.Text{{Lang: "en", Value: k.Name}}
	}
	if d := strings.TrimSpace(e.Description); d != "" {
		rec.Descriptions = []advisory.Text{{Lang: "en", Value: d}}
	}
	return rec, nil
}

// validDate reports whether s is a calendar date written YYYY-MM-DD.
func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil && len(s) == len(time.DateOnly)
}

// catalogFromName gives the catalogue version, written as CISA writes
// catalogVersion ("2025.08.25"), from a date in the file's name. CISA's own
// CSV name has none, and then the version is unknown and left empty rather
// than guessed from the newest dateAdded, which need not be the release.
func catalogFromName(name string) string {
	m := nameDate.FindStringSubmatch(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if m == nil || !validDate(m[1]+"-"+m[2]+"-"+m[3]) {
		return ""
	}
	return m[1] + "." + m[2] + "." + m[3]
}

// docError wraps a failure to read the document as a whole.
func docError(err error) error {
	if errors.Is(err, feed.ErrTooLarge) {
		return fmt.Errorf("%w: more than %d bytes without a complete value", feed.ErrFormat, maxEntry)
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%w: %w", feed.ErrFormat, err)
}

// skipBOM drops a UTF-8 byte order mark, which spreadsheet exports of the
// CSV put first.
func skipBOM(br *bufio.Reader) {
	if b, _ := br.Peek(3); bytes.Equal(b, feed.BOM) {
		br.Discard(3)
	}
}

// firstByte returns the first byte that is not white space, leaving it
// unread.
func firstByte(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		}
		br.UnreadByte()
		return b, nil
	}
}
