package osv

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"path"
	"slices"
	"strings"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
)

// maxRecord bounds one record. The largest record in the four osv.dev
// corpora (an AlmaLinux erratum listing every package it fixes) is under
// 200 KiB; anything past 16 MiB is hostile or broken, and a record is held
// in memory whole while it is decoded.
const maxRecord = 16 << 20

// errTooLarge describes a record that has run past maxRecord, for the
// error naming it.
var errTooLarge = errors.New("record larger than 16 MiB")

// Parse reads one document and yields its records. Record-level problems are
// yielded as *feed.RecordError (naming record id or "#N" position, and the
// JSON-path-like field, e.g. "affected[0].ranges[1].events[2].fixed")
// and parsing goes on with the next record. A document that cannot be read at
// all yields one error wrapping feed.ErrFormat and stops.
//
// A document is OSV JSON (one record, an array of records, or records one
// after another as in JSON Lines) or OSV YAML (a .yaml or .yml name, or
// content that does not start with '{' or '['), one record or an array of
// records per YAML document.
func Parse(name string, r io.Reader) iter.Seq2[advisory.Record, error] {
	return func(yield func(advisory.Record, error) bool) {
		br := bufio.NewReader(r)
		if isYAMLName(name) {
			parseYAML(br, yield)
			return
		}
		c, err := feed.SkipSpace(br)
		switch {
		case err == io.EOF:
			yield(advisory.Record{}, fmt.Errorf("%w: empty document", feed.ErrFormat))
		case err != nil:
			yield(advisory.Record{}, fmt.Errorf("%w: read: %v", feed.ErrFormat, err))
		case c == '{' || c == '[':
			parseJSON(br, c, yield)
		default:
			parseYAML(br, yield)
		}
	}
}

// Sniff reports whether a document (its file name and first bytes, up to 4 KiB)
// looks like this format, so the importer can detect the source from content.
//
// JSON must start with '{' or '[' and carry an "id" key with one of
// "affected", "schema_version" or "modified"; GitHub advisories ("ghsa_id",
// "ghsaId") are feed/ghsa's. A .yaml or .yml file must have top-level id:
// and one of affected:, schema_version: or modified: lines.
func Sniff(name string, head []byte) bool {
	head = head[:min(len(head), 4096)]
	if isYAMLName(name) {
		return yamlKey(head, "id") && (yamlKey(head, "modified") || yamlKey(head, "affected") || yamlKey(head, "schema_version"))
	}
	// Only top-level keys count: other formats nest an "id" (JVN's
	// references) beside a top-level "modified".
	keys := feed.TopKeys(head)
	if slices.Contains(keys, "ghsa_id") || slices.Contains(keys, "ghsaId") {
		return false
	}
	return slices.Contains(keys, "id") &&
		(slices.Contains(keys, "affected") || slices.Contains(keys, "schema_version") || slices.Contains(keys, "modified"))
}

func isYAMLName(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".yaml" || ext == ".yml"
}

// yamlKey reports whether a line of head starts with key and a colon.
func yamlKey(head []byte, key string) bool {
	for line := range bytes.Lines(head) {
		if rest, ok := bytes.CutPrefix(line, []byte(key)); ok && len(rest) > 0 && rest[0] == ':' {
			return true
		}
	}
	return false
}

// parseJSON reads a JSON document whose first byte is first: either one
// array of records, streamed element by element, or one or more objects.
func parseJSON(r io.Reader, first byte, yield func(advisory.Record, error) bool) {
	br := &feed.BoundedReader{R: r, Limit: maxRecord}
	dec := json.NewDecoder(br)
	pos := 0
	// next decodes the next record, or reports why it cannot and returns
	// false. eof says whether a clean end of input is acceptable here.
	next := func(eof bool) (json.RawMessage, bool) {
		br.Limit = dec.InputOffset() + maxRecord
		var raw json.RawMessage
		err := dec.Decode(&raw)
		switch {
		case err == nil:
			pos++
			return raw, true
		case err == io.EOF && eof:
		case errors.Is(err, feed.ErrTooLarge):
			yield(advisory.Record{}, feed.Errorf(fmt.Sprintf("#%d", pos+1), "", "%v", errTooLarge))
		default:
			yield(advisory.Record{}, fmt.Errorf("%w: record #%d: %v", feed.ErrFormat, pos+1, err))
		}
		return nil, false
	}

	if first == '[' {
		if _, err := dec.Token(); err != nil {
			yield(advisory.Record{}, fmt.Errorf("%w: %v", feed.ErrFormat, err))
			return
		}
		for dec.More() {
			raw, ok := next(false)
			if !ok {
				return
			}
			if !yield(decodeRecord(raw, pos)) {
				return
			}
		}
		if _, err := dec.Token(); err != nil {
			yield(advisory.Record{}, fmt.Errorf("%w: after record #%d: %v", feed.ErrFormat, pos, err))
			return
		}
		if _, err := dec.Token(); err != io.EOF {
			yield(advisory.Record{}, fmt.Errorf("%w: data after the array of records", feed.ErrFormat))
		}
		return
	}
	// Objects one after another: a single record, or JSON Lines.
	for {
		raw, ok := next(pos > 0)
		if !ok {
			return
		}
		if !yield(decodeRecord(raw, pos)) {
			return
		}
	}
}

// decodeRecord decodes and maps the pos'th record of a document.
func decodeRecord(raw json.RawMessage, pos int) (advisory.Record, error) {
	var e Entry
	if err := json.Unmarshal(raw, &e); err != nil {
		return advisory.Record{}, decodeError(raw, pos, err)
	}
	rec, err := ToRecord(e)
	if re, ok := err.(*feed.RecordError); ok && re.Record == "" {
		re.Record = fmt.Sprintf("#%d", pos)
	}
	return rec, err
}

// decodeError turns a JSON type error into a RecordError that names the
// record and the field with its indices, which encoding/json's own
// UnmarshalTypeError.Field (no indices) cannot do.
func decodeError(raw json.RawMessage, pos int, err error) error {
	var id struct {
		ID any `json:"id"`
	}
	name := fmt.Sprintf("#%d", pos)
	if json.Unmarshal(raw, &id) == nil {
		if s, ok := id.ID.(string); ok && advisory.ValidID(s) {
			name = s
		}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return feed.Errorf(name, feed.JSONPath(raw, te.Offset), "got JSON %s, want %s", te.Value, feed.JSONKind(te.Type))
	}
	return feed.Errorf(name, "", "%v", err)
}
