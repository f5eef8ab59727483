package openvex

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/vmc-dev/vmc/internal/feed"
)

// maxDocument bounds what Parse reads: VEX documents are small; a larger
// input is refused rather than buffered.
const maxDocument = 16 << 20

// Document is an OpenVEX document.
type Document struct {
	ID         string      `json:"id,omitempty"`
	Author     string      `json:"author,omitempty"`
	Role       string      `json:"role,omitempty"`
	Timestamp  time.Time   `json:"timestamp,omitzero"`
	Version    string      `json:"version,omitempty"`
	Statements []Statement `json:"statements"`
}

// Statement is what an author states about one vulnerability.
type Statement struct {
	Vulnerability string    `json:"vulnerability"`
	Aliases       []string  `json:"aliases,omitempty"`
	Products      []Product `json:"products,omitempty"`
	Status        Status    `json:"status"`
	// Justification is set for not_affected statements that give one.
	Justification   Justification `json:"justification,omitempty"`
	ImpactStatement string        `json:"impact_statement,omitempty"`
	ActionStatement string        `json:"action_statement,omitempty"`
	StatusNotes     string        `json:"status_notes,omitempty"`
	// Timestamp is the statement's, or the document's when it has none.
	Timestamp time.Time `json:"timestamp,omitzero"`
}

// Product is a product a statement is about: its identifier (a purl or
// another IRI), the purl and CPE its identifiers give, and the
// subcomponents (purls) the statement narrows it to.
type Product struct {
	ID            string   `json:"id"`
	PURL          string   `json:"purl,omitempty"`
	CPE           string   `json:"cpe,omitempty"`
	Subcomponents []string `json:"subcomponents,omitempty"`
}

// Status is a statement's status (spec: "Status Labels").
type Status string

const (
	NotAffected        Status = "not_affected"
	Affected           Status = "affected"
	Fixed              Status = "fixed"
	UnderInvestigation Status = "under_investigation"
)

// IsValid reports whether s is one of the spec's statuses.
func (s Status) IsValid() bool {
	switch s {
	case NotAffected, Affected, Fixed, UnderInvestigation:
		return true
	}
	return false
}

// Justification says why a product is not affected (spec: "Status
// Justifications").
type Justification string

// IsValid reports whether j is one of the spec's justifications.
func (j Justification) IsValid() bool {
	switch j {
	case "component_not_present", "vulnerable_code_not_present", "vulnerable_code_not_in_execute_path",
		"vulnerable_code_cannot_be_controlled_by_adversary", "inline_mitigations_already_exist":
		return true
	}
	return false
}

// Sniff reports whether a document looks like OpenVEX: an "@context" of
// openvex.dev, or (YAML drafts) a "statements" list beside an author.
func Sniff(name string, head []byte) bool {
	if bytes.Contains(head, []byte("openvex.dev/ns")) {
		return true
	}
	ext := strings.ToLower(path.Ext(name))
	return (ext == ".yaml" || ext == ".yml") && bytes.Contains(head, []byte("\nstatements:")) && bytes.Contains(head, []byte("\nauthor:"))
}

// raw is the document as written, before the shapes are reconciled.
type raw struct {
	ID         string          `json:"@id"`
	Author     string          `json:"author"`
	Role       string          `json:"role"`
	Timestamp  string          `json:"timestamp"`
	Version    json.RawMessage `json:"version"` // "1" in v0.0.1, 1 in v0.2.0
	Statements []rawStatement  `json:"statements"`
}

type rawStatement struct {
	Vulnerability   json.RawMessage   `json:"vulnerability"`
	Products        []json.RawMessage `json:"products"`
	Status          string            `json:"status"`
	Justification   string            `json:"justification"`
	ImpactStatement string            `json:"impact_statement"`
	ActionStatement string            `json:"action_statement"`
	StatusNotes     string            `json:"status_notes"`
	Timestamp       string            `json:"timestamp"`
}

// Parse reads one document. Statements that break the spec are left out
// and reported in the returned error (a join of *feed.RecordError naming
// "statements[i]" and the field); the document's other statements are
// still returned. A document that cannot be read at all is an error
// wrapping feed.ErrFormat with no document.
func Parse(name string, r io.Reader) (Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxDocument+1))
	if err != nil {
		return Document{}, fmt.Errorf("%w: %s: %v", feed.ErrFormat, name, err)
	}
	if len(data) > maxDocument {
		return Document{}, fmt.Errorf("%w: %s: larger than %d MiB", feed.ErrFormat, name, maxDocument>>20)
	}
	if ext := strings.ToLower(path.Ext(name)); ext == ".yaml" || ext == ".yml" {
		if data, err = yamlToJSON(data); err != nil {
			return Document{}, fmt.Errorf("%w: %s: %v", feed.ErrFormat, name, err)
		}
	}
	var doc raw
	if err := json.Unmarshal(data, &doc); err != nil {
		return Document{}, fmt.Errorf("%w: %s: %v", feed.ErrFormat, name, err)
	}
	out := Document{ID: doc.ID, Author: doc.Author, Role: doc.Role, Version: strings.Trim(string(doc.Version), `"`)}
	if doc.Timestamp != "" {
		if out.Timestamp, err = time.Parse(time.RFC3339Nano, doc.Timestamp); err != nil {
			return Document{}, fmt.Errorf("%w: %s: timestamp: %v", feed.ErrFormat, name, err)
		}
	}
	var errs []error
	for i, rs := range doc.Statements {
		st, err := statement(rs, out.Timestamp)
		if err != nil {
			err.Record = fmt.Sprintf("statements[%d]", i)
			errs = append(errs, err)
			continue
		}
		out.Statements = append(out.Statements, st)
	}
	return out, joinErrors(errs)
}

func joinErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return fmt.Errorf("%w; %s", errs[0], strings.Join(msgs[1:], "; "))
}

// statement reconciles one statement's two shapes and checks it.
func statement(rs rawStatement, docTime time.Time) (Statement, *feed.RecordError) {
	st := Statement{Status: Status(rs.Status), Justification: Justification(rs.Justification),
		ImpactStatement: rs.ImpactStatement, ActionStatement: rs.ActionStatement, StatusNotes: rs.StatusNotes, Timestamp: docTime}
	// v0.0.1: "vulnerability": "CVE-..."; v0.2.0: {"name": ..., "@id": ..., "aliases": [...]}.
	var name string
	if json.Unmarshal(rs.Vulnerability, &name) == nil {
		st.Vulnerability = name
	} else {
		var v struct {
			Name    string   `json:"name"`
			ID      string   `json:"@id"`
			Aliases []string `json:"aliases"`
		}
		if err := json.Unmarshal(rs.Vulnerability, &v); err != nil {
			return st, feed.Errorf("", "vulnerability", "neither a string nor an object")
		}
		st.Vulnerability, st.Aliases = v.Name, v.Aliases
		if st.Vulnerability == "" {
			st.Vulnerability = v.ID
		}
	}
	if st.Vulnerability == "" {
		return st, feed.Errorf("", "vulnerability", "missing")
	}
	for j, rp := range rs.Products {
		p, err := product(rp)
		if err != nil {
			return st, feed.Errorf("", fmt.Sprintf("products[%d]", j), "%v", err)
		}
		st.Products = append(st.Products, p)
	}
	switch {
	case !st.Status.IsValid():
		return st, feed.Errorf("", "status", "unknown %q", rs.Status)
	case st.Justification != "" && !st.Justification.IsValid():
		return st, feed.Errorf("", "justification", "unknown %q", rs.Justification)
	case st.Status == NotAffected && st.Justification == "" && st.ImpactStatement == "":
		return st, feed.Errorf("", "justification", "a not_affected statement needs a justification or an impact_statement")
	}
	if rs.Timestamp != "" {
		t, err := time.Parse(time.RFC3339Nano, rs.Timestamp)
		if err != nil {
			return st, feed.Errorf("", "timestamp", "%v", err)
		}
		st.Timestamp = t
	}
	return st, nil
}

// product reads a v0.0.1 product (a string) or a v0.2.0 one (an object).
func product(rp json.RawMessage) (Product, error) {
	var id string
	if json.Unmarshal(rp, &id) == nil {
		p := Product{ID: id}
		if strings.HasPrefix(id, "pkg:") {
			p.PURL = id
		}
		return p, nil
	}
	var v struct {
		ID          string `json:"@id"`
		Identifiers struct {
			PURL  string `json:"purl"`
			CPE23 string `json:"cpe23"`
			CPE22 string `json:"cpe22"`
		} `json:"identifiers"`
		Subcomponents []struct {
			ID          string `json:"@id"`
			Identifiers struct {
				PURL string `json:"purl"`
			} `json:"identifiers"`
		} `json:"subcomponents"`
	}
	if err := json.Unmarshal(rp, &v); err != nil {
		return Product{}, fmt.Errorf("neither a string nor an object")
	}
	p := Product{ID: v.ID, PURL: v.Identifiers.PURL, CPE: v.Identifiers.CPE23}
	if p.CPE == "" {
		p.CPE = v.Identifiers.CPE22
	}
	if p.PURL == "" && strings.HasPrefix(p.ID, "pkg:") {
		p.PURL = p.ID
	}
	for _, sc := range v.Subcomponents {
		id := sc.Identifiers.PURL
		if id == "" {
			id = sc.ID
		}
		if id != "" {
			p.Subcomponents = append(p.Subcomponents, id)
		}
	}
	if p.ID == "" && p.PURL == "" && p.CPE == "" {
		return Product{}, fmt.Errorf("no @id or identifiers")
	}
	return p, nil
}

// yamlToJSON converts a YAML document to JSON. yaml.v3 refuses alias
// expansion past its own limits, which bounds billion-laughs input.
func yamlToJSON(data []byte) ([]byte, error) {
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}
