package process

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vmc-dev/vmc/internal/incident"
)

// A playbook document is a playbook as people write and exchange it, in
// YAML or JSON (testdata/nist-sp800-61r2.yaml is one):
//
//	key: web-compromise
//	title: {en: ..., zh-CN: ...}
//	description: {en: ..., zh-CN: ...}     # optional
//	categories: [intrusion, exploitation]  # optional
//	steps:
//	  - phase: containment_eradication_recovery
//	    role: incident-handler
//	    task: containment                    # optional
//	    title: {en: ..., zh-CN: ...}
//	    description: {en: ..., zh-CN: ...}
//	note: what changed                       # optional
//
// An exported document carries its version; on import the store assigns
// the next one whatever it says.

// Format is a playbook document's format.
type Format string

const (
	YAML Format = "yaml"
	JSON Format = "json"
)

// ParseFormat reads a format name ("yaml", "yml", "json", any case).
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yaml", "yml":
		return YAML, nil
	case "json":
		return JSON, nil
	}
	return "", fmt.Errorf("unknown playbook format %q (yaml, json)", s)
}

// MaxDocument bounds a playbook document. The largest real playbooks are
// tens of KiB; the bound keeps a hostile upload from costing more than a
// moment to parse.
const MaxDocument = 256 << 10

// document is the exchange form: plain strings, so that an unknown
// phase or task kind is reported by Validate with its field's path
// rather than by the decoder without one.
type document struct {
	Key         string    `json:"key" yaml:"key"`
	Version     int       `json:"version,omitempty" yaml:"version,omitempty"`
	Title       Bilingual `json:"title" yaml:"title"`
	Description Bilingual `json:"description,omitzero" yaml:"description,omitempty"`
	Categories  []string  `json:"categories,omitempty" yaml:"categories,omitempty,flow"`
	Steps       []step    `json:"steps" yaml:"steps"`
	Note        string    `json:"note,omitempty" yaml:"note,omitempty"`
}

type step struct {
	Phase       string    `json:"phase" yaml:"phase"`
	Role        string    `json:"role" yaml:"role"`
	Task        string    `json:"task,omitempty" yaml:"task,omitempty"`
	Title       Bilingual `json:"title" yaml:"title"`
	Description Bilingual `json:"description" yaml:"description"`
}

// ParsePlaybook reads a playbook document, YAML or JSON (a document whose
// first character is "{" is read as JSON), and checks it. Fields the
// format does not know are refused, as is a second document after the
// first: a typo in a field name must not silently drop a step's role.
// Errors wrap ErrInvalid and name the field or the line.
func ParsePlaybook(b []byte) (Playbook, error) {
	if len(b) > MaxDocument {
		return Playbook{}, fmt.Errorf("%w: playbook document: %d bytes, more than %d KiB", ErrInvalid, len(b), MaxDocument>>10)
	}
	var (
		doc document
		err error
	)
	if t := bytes.TrimLeft(b, " \t\r\n\ufeff"); len(t) > 0 && t[0] == '{' {
		err = decodeJSON(t, &doc)
	} else {
		err = decodeYAML(b, &doc)
	}
	if err != nil {
		return Playbook{}, fmt.Errorf("%w: playbook document: %v", ErrInvalid, err)
	}
	p := doc.playbook()
	if err := p.Validate(); err != nil {
		return Playbook{}, err
	}
	return p, nil
}

func decodeJSON(b []byte, doc *document) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(doc); err != nil {
		return fmt.Errorf("json: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("json: more after the document")
	}
	return nil
}

func decodeYAML(b []byte, doc *document) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	switch err := dec.Decode(doc); {
	case err == io.EOF:
		return errors.New("yaml: empty document")
	case err != nil:
		return err // yaml.v3 says "yaml: line N: ..."
	}
	var more yaml.Node
	if err := dec.Decode(&more); err != io.EOF {
		return errors.New("yaml: more than one document")
	}
	return nil
}

func (d document) playbook() Playbook {
	p := Playbook{Key: d.Key, Version: d.Version, Title: d.Title, Description: d.Description, Note: d.Note}
	for _, c := range d.Categories {
		p.Categories = append(p.Categories, incident.Category(c))
	}
	for _, s := range d.Steps {
		p.Steps = append(p.Steps, Step{Phase: Phase(s.Phase), Role: Role(s.Role), Task: incident.TaskKind(s.Task), Title: s.Title, Description: s.Description})
	}
	return p
}

// EncodePlaybook writes p as a document in format f, which ParsePlaybook
// reads back as p (but for who made it and when, which are the store's).
func EncodePlaybook(p Playbook, f Format) ([]byte, error) {
	d := document{Key: p.Key, Version: p.Version, Title: p.Title, Description: p.Description, Note: p.Note, Steps: []step{}}
	for _, c := range p.Categories {
		d.Categories = append(d.Categories, string(c))
	}
	for _, s := range p.Steps {
		d.Steps = append(d.Steps, step{Phase: string(s.Phase), Role: string(s.Role), Task: string(s.Task), Title: s.Title, Description: s.Description})
	}
	switch f {
	case JSON:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(d); err != nil {
			return nil, fmt.Errorf("playbook %s: %w", p.Key, err)
		}
		return buf.Bytes(), nil
	case YAML:
		var buf bytes.Buffer
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(d); err != nil {
			return nil, fmt.Errorf("playbook %s: %w", p.Key, err)
		}
		if err := enc.Close(); err != nil {
			return nil, fmt.Errorf("playbook %s: %w", p.Key, err)
		}
		return buf.Bytes(), nil
	}
	return nil, fmt.Errorf("unknown playbook format %q (yaml, json)", f)
}
