package csaf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"regexp"
	"strings"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

// Source is the advisory.Record.Source of every record this package yields.
const Source = "csaf"

// maxDocument bounds what Parse reads. A CSAF document is one JSON object
// that has to be decoded whole before its first record can be built (the
// product tree may come after the vulnerabilities), so it is held in
// memory. The largest real advisories (Red Hat kernel errata, Siemens
// product lists) are a few MiB; 64 MiB leaves room while keeping a hostile
// stream from exhausting memory.
const maxDocument = 64 << 20

// maxCopies bounds document-level items (notes, references,
// acknowledgments) times vulnerabilities. Every record repeats the
// document-level items, so a hostile document of a million notes and a
// million vulnerabilities would cost 10^12 copies; real advisories stay in
// the thousands.
const maxCopies = 1 << 26

// Parse reads one CSAF 2.0 or 2.1 document and yields a record per entry
// of its vulnerabilities array. Record-level problems are yielded as
// *feed.RecordError, naming the record (its id, or "#N" for the Nth
// vulnerability) and the JSON path of the field
// ("vulnerabilities[0].product_status.fixed[3]"), and parsing goes on with
// the next vulnerability. A document that cannot be read at all (not JSON,
// trailing data, no document property, an unsupported csaf_version, a
// malformed product tree) yields one error wrapping feed.ErrFormat and
// stops.
func Parse(name string, r io.Reader) iter.Seq2[advisory.Record, error] {
	return func(yield func(advisory.Record, error) bool) {
		data, err := io.ReadAll(io.LimitReader(r, maxDocument+1))
		if err != nil {
			// An I/O failure says nothing about the format, so it does not
			// wrap ErrFormat.
			yield(advisory.Record{}, &feed.RecordError{Err: fmt.Errorf("read: %w", err)})
			return
		}
		if len(data) > maxDocument {
			yield(advisory.Record{}, fmt.Errorf("%w: document larger than %d MiB", feed.ErrFormat, maxDocument>>20))
			return
		}
		d, err := decode(data)
		if err != nil {
			yield(advisory.Record{}, err)
			return
		}
		seen := map[string]string{}
		for i, raw := range d.vulns {
			rec, err := d.record(i, raw, seen)
			if !yield(rec, err) {
				return
			}
		}
	}
}

// Sniff reports whether a document (its file name and first bytes, up to 4
// KiB) looks like CSAF, so the importer can detect the source from content:
// a JSON object whose head carries "csaf_version", or a "document" with a
// csaf_ category. Provider metadata, ROLIE feeds and aggregator lists have
// neither.
func Sniff(name string, head []byte) bool {
	head = head[:min(len(head), 4096)]
	head = bytes.TrimLeft(bytes.TrimPrefix(head, utf8BOM), " \t\r\n")
	if len(head) == 0 || head[0] != '{' {
		return false
	}
	return bytes.Contains(head, []byte(`"csaf_version"`)) ||
		bytes.Contains(head, []byte(`"document"`)) && csafCategory.Match(head)
}

var (
	csafCategory = regexp.MustCompile(`"category"\s*:\s*"csaf_`)
	utf8BOM      = []byte("\xef\xbb\xbf")
)

// decoded is a document read and checked at the document level, ready to
// map its vulnerabilities one by one.
type decoded struct {
	meta  *meta
	tree  *tree
	vulns []json.RawMessage
	// common is what every record shares: source, document id, dates,
	// TLP, document-level titles, notes, references and credits.
	common advisory.Record
	// prob is a document-level value that makes every record unusable (a
	// malformed tracking id or date, an unknown TLP label). It is reported
	// once per record, naming the record, because each record is
	// rejected.
	prob     *problem
	provider string // the publisher, for Severity.Provider
}

// decode reads the document level: the document property and the product
// tree. Their problems of shape (not JSON, a value of the wrong type) stop
// the document, since every record depends on them.
func decode(data []byte) (*decoded, error) {
	// Some Windows tools write a byte-order mark, which encoding/json
	// rejects as an invalid character.
	data = bytes.TrimPrefix(data, utf8BOM)
	var doc document
	// json.Unmarshal rejects anything after the object, as CSAF requires
	// (one of the provider test documents is followed by "invalid data").
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, decodeError(data, err)
	}
	switch {
	case doc.Document == nil:
		return nil, docErrorf("document", "missing")
	case doc.Document.CSAFVersion == "":
		return nil, docErrorf("document.csaf_version", "missing")
	case doc.Document.CSAFVersion != "2.0" && doc.Document.CSAFVersion != "2.1":
		// A later version may change meaning, so it is refused rather
		// than half-read.
		return nil, docErrorf("document.csaf_version", "unsupported %.20q", doc.Document.CSAFVersion)
	}
	m := doc.Document
	docItems := len(m.Notes) + len(m.References) + len(m.Acknowledgments) + 4
	if docItems*len(doc.Vulnerabilities) > maxCopies {
		return nil, docErrorf("vulnerabilities", "%d vulnerabilities times %d document-level notes, references and acknowledgments is more than %d", len(doc.Vulnerabilities), docItems, maxCopies)
	}
	d := &decoded{meta: m, tree: newTree(doc.ProductTree), vulns: doc.Vulnerabilities}
	d.prob = d.documentLevel()
	return d, nil
}

// docErrorf is an error that stops the document: it wraps feed.ErrFormat
// and names the field, as a RecordError does, but no record.
func docErrorf(field, format string, args ...any) error {
	return fmt.Errorf("%s: %w: "+format, append([]any{field, feed.ErrFormat}, args...)...)
}

// decodeError turns an encoding/json error into a document error naming
// the JSON path where decoding failed. encoding/json reports a path
// without array indices ("product_tree.branches.branches.name"), which does
// not find the branch in a tree of thousands, so the path is rebuilt from
// the byte offset.
func decodeError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return docErrorf(orRoot(feed.JSONPath(data, syn.Offset)), "invalid JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		return docErrorf(orRoot(feed.JSONPath(data, typ.Offset)), "got %s, want %s", kindOf(typ.Value), feed.JSONKind(typ.Type))
	default:
		return fmt.Errorf("%w: %v", feed.ErrFormat, err)
	}
}

// recordDecodeError is decodeError for one vulnerability: data is its
// raw value and prefix its path in the document.
func recordDecodeError(name string, data []byte, prefix string, err error) error {
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return feed.Errorf(name, joinPath(prefix, feed.JSONPath(data, typ.Offset)), "got %s, want %s", kindOf(typ.Value), feed.JSONKind(typ.Type))
	}
	// The raw value came out of a document that decoded, so it is valid
	// JSON; any other error is unexpected but still the record's.
	return feed.Errorf(name, prefix, "%v", err)
}

func orRoot(p string) string {
	if p == "" {
		return "(document)"
	}
	return p
}

func joinPath(prefix, p string) string {
	switch {
	case p == "" || p[0] == '[':
		return prefix + p
	default:
		return prefix + "." + p
	}
}

// kindOf reduces encoding/json's description of a value ("number -5",
// "string") to its JSON kind.
func kindOf(value string) string {
	kind, _, _ := strings.Cut(value, " ")
	return kind
}
