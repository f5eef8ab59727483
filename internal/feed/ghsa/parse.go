package ghsa

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/osv"
)

// Source is the advisory.Record source name of every record this package
// produces.
const Source = "ghsa"

// maxRecord bounds one advisory, and one GraphQL response page, which is
// read whole (GitHub pages hold at most 100 advisories, a few MiB).
const maxRecord = 16 << 20

var errTooLarge = errors.New("record larger than 16 MiB")

// Parse reads one document and yields its records. Record-level problems are
// yielded as *feed.RecordError (naming record id or "#N" position, and the
// JSON-path-like field, e.g. "vulnerabilities.nodes[0].vulnerableVersionRange")
// and parsing goes on with the next record. A document that cannot be read at
// all yields one error wrapping feed.ErrFormat and stops.
//
// A document is one advisory in GraphQL ("ghsaId") or REST ("ghsa_id")
// shape, a JSON array of them (a REST list page, streamed one element at a
// time), or a GraphQL response ({"data": {"securityAdvisories": {"nodes"
// or "edges"}}} or {"data": {"securityAdvisory": ...}}).
func Parse(name string, r io.Reader) iter.Seq2[advisory.Record, error] {
	return func(yield func(advisory.Record, error) bool) {
		p := &parser{yield: yield}
		br := bufio.NewReader(r)
		c, err := feed.SkipSpace(br)
		switch {
		case err == io.EOF:
			yield(advisory.Record{}, fmt.Errorf("%w: empty document", feed.ErrFormat))
		case err != nil:
			yield(advisory.Record{}, fmt.Errorf("%w: read: %v", feed.ErrFormat, err))
		case c == '{' || c == '[':
			p.parseJSON(br, c)
		default:
			yield(advisory.Record{}, fmt.Errorf("%w: not a JSON object or array", feed.ErrFormat))
		}
	}
}

// Sniff reports whether a document (its file name and first bytes, up to 4 KiB)
// looks like this format, so the importer can detect the source from content:
// JSON with a "ghsa_id" (REST) or "ghsaId" (GraphQL) key.
func Sniff(name string, head []byte) bool {
	head = head[:min(len(head), 4096)]
	head = bytes.TrimLeft(bytes.TrimPrefix(head, feed.BOM), " \t\r\n")
	if len(head) == 0 || (head[0] != '{' && head[0] != '[') {
		return false
	}
	return bytes.Contains(head, []byte(`"ghsa_id"`)) || bytes.Contains(head, []byte(`"ghsaId"`))
}

type parser struct {
	yield func(advisory.Record, error) bool
	pos   int  // advisories seen so far
	stop  bool // the consumer wants no more
}

func (p *parser) emit(rec advisory.Record, err error) {
	if !p.stop && !p.yield(rec, err) {
		p.stop = true
	}
}

// parseJSON reads the document whose first byte is first. The reading
// machinery is feed/osv's: a bounded reader so that no single value can make
// the decoder buffer more than maxRecord, and array elements decoded one at
// a time.
func (p *parser) parseJSON(r io.Reader, first byte) {
	br := &feed.BoundedReader{R: r, Limit: maxRecord}
	dec := json.NewDecoder(br)
	next := func(eof bool) (json.RawMessage, bool) {
		br.Limit = dec.InputOffset() + maxRecord
		var raw json.RawMessage
		err := dec.Decode(&raw)
		switch {
		case err == nil:
			return raw, true
		case err == io.EOF && eof:
		case errors.Is(err, feed.ErrTooLarge):
			p.emit(advisory.Record{}, feed.Errorf(fmt.Sprintf("#%d", p.pos+1), "", "%v", errTooLarge))
		default:
			p.emit(advisory.Record{}, fmt.Errorf("%w: record #%d: %v", feed.ErrFormat, p.pos+1, err))
		}
		return nil, false
	}
	if first == '[' {
		if _, err := dec.Token(); err != nil {
			p.emit(advisory.Record{}, fmt.Errorf("%w: %v", feed.ErrFormat, err))
			return
		}
		for dec.More() && !p.stop {
			raw, ok := next(false)
			if !ok {
				return
			}
			p.advisory(raw)
		}
		if p.stop {
			return
		}
		if _, err := dec.Token(); err != nil {
			p.emit(advisory.Record{}, fmt.Errorf("%w: after record #%d: %v", feed.ErrFormat, p.pos, err))
		} else if _, err := dec.Token(); err != io.EOF {
			p.emit(advisory.Record{}, fmt.Errorf("%w: data after the array of advisories", feed.ErrFormat))
		}
		return
	}
	for seen := false; !p.stop; seen = true {
		raw, ok := next(seen)
		if !ok {
			return
		}
		p.object(raw)
	}
}

// object handles one top-level object: a GraphQL response or an advisory.
func (p *parser) object(raw json.RawMessage) {
	var env struct {
		Data *struct {
			SecurityAdvisories *struct {
				Nodes []json.RawMessage `json:"nodes"`
				Edges []struct {
					Node json.RawMessage `json:"node"`
				} `json:"edges"`
			} `json:"securityAdvisories"`
			SecurityAdvisory json.RawMessage `json:"securityAdvisory"`
		} `json:"data"`
	}
	if json.Unmarshal(raw, &env) != nil || env.Data == nil {
		p.advisory(raw)
		return
	}
	var nodes []json.RawMessage
	if sa := env.Data.SecurityAdvisories; sa != nil {
		nodes = sa.Nodes
		for _, e := range sa.Edges {
			nodes = append(nodes, e.Node)
		}
	}
	if len(env.Data.SecurityAdvisory) > 0 && string(env.Data.SecurityAdvisory) != "null" {
		nodes = append(nodes, env.Data.SecurityAdvisory)
	}
	for _, n := range nodes {
		p.advisory(n)
	}
}

// advisory decodes and maps one advisory, in either shape.
func (p *parser) advisory(raw json.RawMessage) {
	p.pos++
	pos := fmt.Sprintf("#%d", p.pos)
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil {
		p.emit(advisory.Record{}, decodeError(raw, pos, err))
		return
	}
	var a Advisory
	switch {
	case keys["ghsaId"] != nil:
		if err := json.Unmarshal(raw, &a); err != nil {
			p.emit(advisory.Record{}, decodeError(raw, pos, err))
			return
		}
	case keys["ghsa_id"] != nil:
		var g GlobalAdvisory
		if err := json.Unmarshal(raw, &g); err != nil {
			p.emit(advisory.Record{}, decodeError(raw, pos, err))
			return
		}
		a = g.Advisory()
	default:
		p.emit(advisory.Record{}, feed.Errorf(pos, "", "neither ghsaId nor ghsa_id: not a GitHub advisory"))
		return
	}
	rec, err := toRecord(a)
	if re, ok := err.(*feed.RecordError); ok && re.Record == "" {
		re.Record = pos
	}
	p.emit(rec, err)
}

// toRecord maps an advisory. The ranges are convert's exact ones; GitHub's
// ratings, CVSS vectors, CWEs and credits, which the OSV conversion leaves
// out, are added from the advisory itself.
func toRecord(a Advisory) (advisory.Record, error) {
	name := ""
	if advisory.ValidID(a.GHSAID) {
		name = a.GHSAID
	}
	fail := func(field, format string, args ...any) (advisory.Record, error) {
		return advisory.Record{}, feed.Errorf(name, field, format, args...)
	}
	switch {
	case a.GHSAID == "":
		return fail(a.field("ghsaId", "ghsa_id"), "missing")
	case name == "":
		return fail(a.field("ghsaId", "ghsa_id"), "malformed %.80q", a.GHSAID)
	case a.UpdatedAt == "":
		return fail(a.field("updatedAt", "updated_at"), "missing")
	}
	for _, t := range []struct{ value, graphql, rest string }{
		{a.UpdatedAt, "updatedAt", "updated_at"},
		{a.PublishedAt, "publishedAt", "published_at"},
		{a.WithdrawnAt, "withdrawnAt", "withdrawn_at"},
	} {
		if _, err := time.Parse(time.RFC3339Nano, t.value); t.value != "" && err != nil {
			return fail(a.field(t.graphql, t.rest), "not an RFC 3339 time: %.80q", t.value)
		}
	}
	for i, id := range a.Identifiers {
		if id.Value != a.GHSAID && !advisory.ValidID(id.Value) {
			return fail(fmt.Sprintf("identifiers[%d].value", i), "malformed id %.80q", id.Value)
		}
	}
	e, err := convert(a, true)
	if err != nil {
		field := ""
		var fe *fieldErr
		if errors.As(err, &fe) {
			field, err = fe.field, fe.err
		}
		return fail(field, "%v", err)
	}
	rec, err := osv.ToRecord(e)
	if err != nil {
		return advisory.Record{}, err
	}
	rec.Source = Source

	type score struct {
		c             *CVSS
		graphql, rest string
	}
	scores := []score{{a.CVSS, "cvss.vectorString", "cvss.vector_string"}}
	if s := a.CVSSSeverities; s != nil {
		scores = append(scores,
			score{s.CVSSV3, "cvssSeverities.cvssV3.vectorString", "cvss_severities.cvss_v3.vector_string"},
			score{s.CVSSV4, "cvssSeverities.cvssV4.vectorString", "cvss_severities.cvss_v4.vector_string"})
	}
	for _, s := range scores {
		if s.c == nil || s.c.VectorString == "" {
			continue
		}
		var typ advisory.SeverityType
		switch {
		case strings.HasPrefix(s.c.VectorString, "CVSS:3.0/"):
			typ = advisory.CVSSv30
		case strings.HasPrefix(s.c.VectorString, "CVSS:3.1/"):
			typ = advisory.CVSSv31
		case strings.HasPrefix(s.c.VectorString, "CVSS:4.0/"):
			typ = advisory.CVSSv40
		default:
			return fail(a.field(s.graphql, s.rest), "%.80q is not a CVSS 3.0, 3.1 or 4.0 vector", s.c.VectorString)
		}
		// The deprecated cvss field repeats the v3 score.
		if !slices.ContainsFunc(rec.Severities, func(o advisory.Severity) bool { return o.Type == typ && o.Vector == s.c.VectorString }) {
			rec.Severities = append(rec.Severities, advisory.Severity{Type: typ, Vector: s.c.VectorString, Score: s.c.Score})
		}
	}
	if r := strings.ToUpper(a.Severity); r != "" && r != "UNKNOWN" {
		rec.Severities = append(rec.Severities, advisory.Severity{Type: advisory.RatingGHSA, Rating: r})
	}
	for _, c := range a.CWEs.Nodes {
		if c.CWEID != "" && !slices.ContainsFunc(rec.CWEs, func(o advisory.CWE) bool { return o.ID == c.CWEID }) {
			// GitHub's description is the CWE's long text; its name is
			// the short title the CWE list is read by.
			rec.CWEs = append(rec.CWEs, advisory.CWE{ID: c.CWEID, Description: c.Name})
		}
	}
	for _, c := range a.Credits {
		if c.Login != "" {
			rec.Credits = append(rec.Credits, advisory.Credit{Name: c.Login, Type: strings.ToUpper(c.Type)})
		}
	}
	return rec, nil
}

// decodeError turns a JSON type error into a RecordError naming the
// advisory and the field with its indices.
func decodeError(raw json.RawMessage, pos string, err error) error {
	var ids struct {
		GraphQL any `json:"ghsaId"`
		REST    any `json:"ghsa_id"`
	}
	name := pos
	if json.Unmarshal(raw, &ids) == nil {
		for _, id := range []any{ids.GraphQL, ids.REST} {
			if s, ok := id.(string); ok && advisory.ValidID(s) {
				name = s
			}
		}
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return feed.Errorf(name, feed.JSONPath(raw, te.Offset), "got JSON %s, want %s", te.Value, feed.JSONKind(te.Type))
	}
	return feed.Errorf(name, "", "%v", err)
}
