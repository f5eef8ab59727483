package risk

// SSVC (Stakeholder-Specific Vulnerability Categorization,
// https://certcc.github.io/SSVC/) decides what to do about a vulnerability
// from a few qualitative decision points. vmc evaluates two of CISA's
// decision tables:
//
//   - the CISA Coordinator table 2.0.3: Exploitation, Automatable,
//     Technical Impact and Mission and Well-Being Impact → Track, Track*,
//     Attend or Act;
//   - the CISA BOD 26-04 table 1.0.0: In KEV, Publicly Exposed,
//     Automatable and Technical Impact → a remediation timeline.
//
// The tables are data, not code: they are read from the SSVC project's
// DecisionTable 2.0.0 JSON (embedded from ssvc/decision_tables, copies of
// ../shared/data/ssvc), and this file knows the format, not the tables.
// ssvc_points.go derives each decision point's value from what vmc knows
// and says why; ssvc_decide.go applies analysts' overrides and evaluates
// both tables.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"
)

var (
	// ErrInvalidDecisionTable marks a decision table document vmc cannot
	// use: malformed JSON, a missing field, an unknown value in a row, a
	// combination of inputs with no row or with two.
	ErrInvalidDecisionTable = errors.New("invalid SSVC decision table")
	// ErrInvalidDecisionInput marks values handed to
	// DecisionTable.Evaluate that the table does not take.
	ErrInvalidDecisionInput = errors.New("invalid SSVC decision input")
)

// ssvcSchemaVersion is the only schemaVersion of DecisionTable and
// DecisionPoint documents vmc reads (the schemas' "const").
const ssvcSchemaVersion = "2.0.0"

// ssvcDefaultVersion is what the schemas say "version" defaults to.
const ssvcDefaultVersion = "0.0.1"

// Limits on hostile documents. The tables vmc ships are 11 KiB and 36
// rows; the largest tables in the SSVC repository have a few hundred rows.
// Evaluate indexes every combination of input values, so the number of
// combinations is bounded before anything of that size is allocated.
// Bounding the points and their values also keeps every linear scan over
// them short.
const (
	maxSSVCTableBytes = 4 << 20
	maxSSVCRows       = 1 << 16
	maxSSVCPoints     = 32
	maxSSVCValues     = 64
)

// DecisionTableError is a decision table document vmc rejects. It names
// the document and the field (a JSON path), and wraps
// ErrInvalidDecisionTable.
type DecisionTableError struct {
	File   string // as given to ParseDecisionTable; may be empty
	Field  string // "mapping[3][\"ssvc:E:1.1.0\"]"; empty for the whole document
	Reason string
}

func (e *DecisionTableError) Error() string {
	var b strings.Builder
	b.WriteString("SSVC decision table")
	if e.File != "" {
		b.WriteString(" " + e.File)
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Reason)
	return b.String()
}

func (e *DecisionTableError) Unwrap() error { return ErrInvalidDecisionTable }

// DecisionPoint is an SSVC decision point: a named, versioned, ordered set
// of values (https://certcc.github.io/SSVC/data/schema/v2/DecisionPoint_2_0_0.schema.json).
type DecisionPoint struct {
	// Namespace says who defines the point: "ssvc", "cisa", or an
	// "x_"-prefixed private namespace.
	Namespace string `json:"namespace"`
	// Key is the point's short name in its namespace: "E", "KEV".
	Key string `json:"key"`
	// Version is the point's semantic version; the schema's default is
	// "0.0.1".
	Version    string `json:"version"`
	Name       string `json:"name"`
	Definition string `json:"definition"`
	// SchemaVersion is "2.0.0".
	SchemaVersion string `json:"schemaVersion"`
	// Values are ordered from the lowest to the highest, as in every SSVC
	// decision point (None < Public PoC < Active; Track < ... < Act).
	Values []DecisionValue `json:"values"`
}

// DecisionValue is one value of a decision point.
type DecisionValue struct {
	Key        string `json:"key"` // "P"
	Name       string `json:"name"`
	Definition string `json:"definition"`
}

// ID is the point's identifier, "namespace:key:version" ("ssvc:E:1.1.0"),
// by which tables' rows name it.
func (p DecisionPoint) ID() string { return p.Namespace + ":" + p.Key + ":" + p.Version }

// Rank is the position of the value with key k in p's values, 0 being the
// lowest, or -1 if p has no such value.
func (p DecisionPoint) Rank(k string) int {
	return slices.IndexFunc(p.Values, func(v DecisionValue) bool { return v.Key == k })
}

// Value returns the value with key k.
func (p DecisionPoint) Value(k string) (DecisionValue, bool) {
	if i := p.Rank(k); i >= 0 {
		return p.Values[i], true
	}
	return DecisionValue{}, false
}

// Lookup finds a value by key, or else by name without regard to case
// ("Public PoC", "public poc"): the SSVC tooling's CSV exports and
// people write names.
func (p DecisionPoint) Lookup(s string) (DecisionValue, bool) {
	if v, ok := p.Value(s); ok {
		return v, true
	}
	for _, v := range p.Values {
		if strings.EqualFold(v.Name, s) {
			return v, true
		}
	}
	return DecisionValue{}, false
}

// valueKeys lists p's value keys for error messages: "N, P, A".
func (p DecisionPoint) valueKeys() string {
	keys := make([]string, len(p.Values))
	for i, v := range p.Values {
		keys[i] = v.Key
	}
	return strings.Join(keys, ", ")
}

func (p DecisionPoint) clone() DecisionPoint {
	p.Values = slices.Clone(p.Values)
	return p
}

// DecisionTable is an SSVC decision table: every combination of its input
// decision points' values, each mapped to a value of its outcome decision
// point (https://certcc.github.io/SSVC/data/schema/v2/DecisionTable_2_0_0.schema.json).
//
// A table from ParseDecisionTable is complete and unambiguous: each
// combination of input values has exactly one row. Treat it as read-only:
// Evaluate relies on an index built when the table was parsed.
type DecisionTable struct {
	Namespace  string
	Key        string // "DT_CO"
	Version    string
	Name       string
	Definition string
	// Inputs are the decision points whose values select a row, in the
	// order of the columns of the mapping (the order of the first row's
	// members, which is also the order of the SSVC tooling's CSV export).
	Inputs []DecisionPoint
	// Outcome is the decision point whose value a row decides.
	Outcome DecisionPoint
	// Rows are the mapping, in document order.
	Rows []DecisionRow

	// index maps a combination of input values, numbered in mixed radix
	// over Inputs (the first input most significant), to its row in Rows.
	index []int
}

// DecisionRow is one row of a decision table's mapping.
type DecisionRow struct {
	// Index is the row's position in the mapping, from 0, as in the "row"
	// column of the SSVC tooling's CSV export.
	Index int
	// Inputs are the row's value keys, one per DecisionTable.Inputs.
	Inputs []string
	// Outcome is the key of the outcome value the row decides.
	Outcome string
}

// ID is the table's identifier, "namespace:key:version" ("cisa:DT_CO:2.0.3").
func (t *DecisionTable) ID() string { return t.Namespace + ":" + t.Key + ":" + t.Version }

// Evaluate returns the row that values select. values maps each input
// decision point's ID to a value key: {"ssvc:E:1.1.0": "A", ...}. Every
// input must have a value, and values must name no other point: a point of
// another version is a wiring mistake that must not go unseen.
func (t *DecisionTable) Evaluate(values map[string]string) (DecisionRow, error) {
	if len(t.index) == 0 {
		return DecisionRow{}, fmt.Errorf("%w: %s: table has no index (not made by ParseDecisionTable)", ErrInvalidDecisionInput, t.ID())
	}
	combo := 0
	for _, p := range t.Inputs {
		v, ok := values[p.ID()]
		if !ok {
			return DecisionRow{}, fmt.Errorf("%w: %s: no value for %s", ErrInvalidDecisionInput, t.ID(), p.ID())
		}
		r := p.Rank(v)
		if r < 0 {
			return DecisionRow{}, fmt.Errorf("%w: %s: %s: unknown value %q (want %s)", ErrInvalidDecisionInput, t.ID(), p.ID(), v, p.valueKeys())
		}
		combo = combo*len(p.Values) + r
	}
	if len(values) != len(t.Inputs) {
		for _, id := range ssvcSortedKeys(values) {
			if !slices.ContainsFunc(t.Inputs, func(p DecisionPoint) bool { return p.ID() == id }) {
				return DecisionRow{}, fmt.Errorf("%w: %s: %s is not an input of the table", ErrInvalidDecisionInput, t.ID(), id)
			}
		}
	}
	row := t.Rows[t.index[combo]]
	row.Inputs = slices.Clone(row.Inputs)
	return row, nil
}

// Clone returns a deep copy of t, so that a shared table can be handed out
// without its callers changing it for each other.
func (t *DecisionTable) Clone() *DecisionTable {
	c := *t
	c.Inputs = make([]DecisionPoint, len(t.Inputs))
	for i, p := range t.Inputs {
		c.Inputs[i] = p.clone()
	}
	c.Outcome = t.Outcome.clone()
	c.Rows = make([]DecisionRow, len(t.Rows))
	for i, r := range t.Rows {
		r.Inputs = slices.Clone(r.Inputs)
		c.Rows[i] = r
	}
	c.index = slices.Clone(t.index)
	return &c
}

// ssvcTableDoc is a DecisionTable document as it is on the wire. The
// decision points and the rows are kept raw and decoded member by member,
// because encoding/json's maps lose the members' order (which gives the
// inputs their order) and silently keep the last of two equal names.
type ssvcTableDoc struct {
	Namespace      string            `json:"namespace"`
	Key            string            `json:"key"`
	Version        *string           `json:"version"`
	Name           string            `json:"name"`
	Definition     string            `json:"definition"`
	SchemaVersion  string            `json:"schemaVersion"`
	DecisionPoints json.RawMessage   `json:"decision_points"`
	Outcome        string            `json:"outcome"`
	Mapping        []json.RawMessage `json:"mapping"`
}

// ssvcPointDoc is a DecisionPoint as it is on the wire; Version is a
// pointer so that an absent version takes the schema's default.
type ssvcPointDoc struct {
	Namespace     string          `json:"namespace"`
	Key           string          `json:"key"`
	Version       *string         `json:"version"`
	Name          string          `json:"name"`
	Definition    string          `json:"definition"`
	SchemaVersion string          `json:"schemaVersion"`
	Values        []DecisionValue `json:"values"`
}

// ParseDecisionTable reads an SSVC DecisionTable 2.0.0 document and checks
// that it is a usable table: the fields the schema requires are present,
// the decision points are well formed, the outcome is one of them, every
// row gives every point a value the point has, and every combination of
// input values has exactly one row. file names the document in errors,
// which are *DecisionTableError.
func ParseDecisionTable(file string, data []byte) (*DecisionTable, error) {
	fail := func(field, format string, args ...any) error {
		return &DecisionTableError{File: file, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if len(data) > maxSSVCTableBytes {
		return nil, fail("", "%d bytes, more than the %d vmc reads", len(data), maxSSVCTableBytes)
	}
	var doc ssvcTableDoc
	if err := json.Unmarshal(data, &doc); err != nil {
		field, reason := ssvcJSONError(err)
		return nil, fail(field, "%s", reason)
	}
	// encoding/json keeps the last of two equal names silently; a table
	// that says two things is rejected instead.
	if _, err := ssvcObjectMembers(data); err != nil {
		return nil, fail("", "%v", err)
	}
	t := &DecisionTable{
		Namespace:  doc.Namespace,
		Key:        doc.Key,
		Version:    ssvcDefaultVersion,
		Name:       doc.Name,
		Definition: doc.Definition,
	}
	if doc.Version != nil {
		t.Version = *doc.Version
	}
	for _, f := range []struct{ name, val string }{
		{"namespace", t.Namespace}, {"key", t.Key}, {"version", t.Version}, {"name", t.Name},
		{"definition", t.Definition}, {"outcome", doc.Outcome},
	} {
		if strings.TrimSpace(f.val) == "" {
			return nil, fail(f.name, "missing or empty")
		}
	}
	if doc.SchemaVersion != ssvcSchemaVersion {
		return nil, fail("schemaVersion", "%q, want %q", doc.SchemaVersion, ssvcSchemaVersion)
	}

	// The decision points, by ID.
	if len(doc.DecisionPoints) == 0 {
		return nil, fail("decision_points", "missing")
	}
	members, err := ssvcObjectMembers(doc.DecisionPoints)
	if err != nil {
		return nil, fail("decision_points", "%v", err)
	}
	if len(members) == 0 {
		return nil, fail("decision_points", "empty")
	}
	if len(members) > maxSSVCPoints {
		return nil, fail("decision_points", "%d points, more than the %d vmc reads", len(members), maxSSVCPoints)
	}
	points := make(map[string]DecisionPoint, len(members))
	for _, m := range members {
		field := fmt.Sprintf("decision_points[%q]", m.name)
		p, err := parseSSVCPoint(m.value)
		if err != nil {
			return nil, fail(field, "%s", err)
		}
		// The schema only recommends IDs as the names; vmc requires them,
		// because rows, overrides and callers all name points by ID.
		if m.name != p.ID() {
			return nil, fail(field, "name is not the point's ID %q", p.ID())
		}
		points[m.name] = p
	}
	out, ok := points[doc.Outcome]
	if !ok {
		return nil, fail("outcome", "%q is not one of decision_points", doc.Outcome)
	}
	t.Outcome = out
	if len(points) < 2 {
		return nil, fail("decision_points", "only the outcome; a table needs at least one input")
	}

	// The rows. The first row orders the inputs; every row must name the
	// same points.
	if len(doc.Mapping) == 0 {
		return nil, fail("mapping", "missing or empty")
	}
	for i, raw := range doc.Mapping {
		field := fmt.Sprintf("mapping[%d]", i)
		ms, err := ssvcObjectMembers(raw)
		if err != nil {
			return nil, fail(field, "%v", err)
		}
		if i == 0 {
			for _, m := range ms {
				if p, ok := points[m.name]; ok && m.name != doc.Outcome {
					t.Inputs = append(t.Inputs, p)
				}
			}
			// Reject a table too large to index before building anything
			// of its size.
			n := 1
			for _, p := range t.Inputs {
				n *= len(p.Values) // each factor ≥ 1 and n ≤ maxSSVCRows: no overflow
				if n > maxSSVCRows {
					return nil, fail("decision_points", "more than %d combinations of input values", maxSSVCRows)
				}
			}
			t.index = make([]int, n)
			for j := range t.index {
				t.index[j] = -1
			}
		}
		row := DecisionRow{Index: i, Inputs: make([]string, len(t.Inputs))}
		seen := 0
		for _, m := range ms {
			mfield := fmt.Sprintf("%s[%q]", field, m.name)
			p, ok := points[m.name]
			if !ok {
				return nil, fail(mfield, "not one of decision_points")
			}
			var v string
			if err := json.Unmarshal(m.value, &v); err != nil {
				return nil, fail(mfield, "not a string")
			}
			if p.Rank(v) < 0 {
				return nil, fail(mfield, "unknown value %q (want %s)", v, p.valueKeys())
			}
			if m.name == doc.Outcome {
				row.Outcome = v
				seen++
				continue
			}
			j := slices.IndexFunc(t.Inputs, func(q DecisionPoint) bool { return q.ID() == m.name })
			if j < 0 {
				return nil, fail(mfield, "not in mapping[0]")
			}
			row.Inputs[j] = v
			seen++
		}
		// Members are unique (ssvcObjectMembers) and each is a known point,
		// so a short count means one is missing.
		if seen != len(t.Inputs)+1 {
			for _, id := range append(ssvcPointIDs(t.Inputs), doc.Outcome) {
				if !slices.ContainsFunc(ms, func(m ssvcMember) bool { return m.name == id }) {
					return nil, fail(field, "no value for %s", id)
				}
			}
		}
		combo := t.combo(row.Inputs)
		if prev := t.index[combo]; prev >= 0 {
			return nil, fail(field, "same inputs as mapping[%d] (%s)", prev, t.describe(row.Inputs))
		}
		t.index[combo] = i
		t.Rows = append(t.Rows, row)
	}
	for _, id := range ssvcSortedKeys(points) {
		if id != doc.Outcome && !slices.ContainsFunc(t.Inputs, func(p DecisionPoint) bool { return p.ID() == id }) {
			return nil, fail(fmt.Sprintf("decision_points[%q]", id), "not used by mapping")
		}
	}
	for combo, r := range t.index {
		if r < 0 {
			return nil, fail("mapping", "no row for %s", t.describe(t.uncombo(combo)))
		}
	}
	return t, nil
}

// UnmarshalJSON reads a DecisionTable document with ParseDecisionTable.
func (t *DecisionTable) UnmarshalJSON(b []byte) error {
	p, err := ParseDecisionTable("", b)
	if err != nil {
		return err
	}
	*t = *p
	return nil
}

// MarshalJSON writes t as a DecisionTable 2.0.0 document: the inputs'
// decision points in order, then the outcome's, and each row's members in
// the same order. ParseDecisionTable reads it back to an equal table.
func (t *DecisionTable) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	str := func(s string) {
		q, _ := json.Marshal(s) // a string always marshals
		b.Write(q)
	}
	field := func(name, val string) {
		str(name)
		b.WriteByte(':')
		str(val)
		b.WriteByte(',')
	}
	b.WriteByte('{')
	field("namespace", t.Namespace)
	field("key", t.Key)
	field("version", t.Version)
	field("name", t.Name)
	field("definition", t.Definition)
	field("schemaVersion", ssvcSchemaVersion)
	str("decision_points")
	b.WriteString(":{")
	all := append(slices.Clone(t.Inputs), t.Outcome)
	for i, p := range all {
		if i > 0 {
			b.WriteByte(',')
		}
		p.SchemaVersion = ssvcSchemaVersion
		q, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		str(p.ID())
		b.WriteByte(':')
		b.Write(q)
	}
	b.WriteString("},")
	field("outcome", t.Outcome.ID())
	str("mapping")
	b.WriteString(":[")
	for i, r := range t.Rows {
		if i > 0 {
			b.WriteByte(',')
		}
		if len(r.Inputs) != len(t.Inputs) {
			return nil, fmt.Errorf("SSVC decision table %s: row %d: %d inputs, table has %d", t.ID(), i, len(r.Inputs), len(t.Inputs))
		}
		b.WriteByte('{')
		for j, p := range t.Inputs {
			str(p.ID())
			b.WriteByte(':')
			str(r.Inputs[j])
			b.WriteByte(',')
		}
		str(t.Outcome.ID())
		b.WriteByte(':')
		str(r.Outcome)
		b.WriteByte('}')
	}
	b.WriteString("]}")
	return b.Bytes(), nil
}

// parseSSVCPoint reads and checks one decision point.
func parseSSVCPoint(raw json.RawMessage) (DecisionPoint, error) {
	var d ssvcPointDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		field, reason := ssvcJSONError(err)
		if field != "" {
			return DecisionPoint{}, fmt.Errorf("%s: %s", field, reason)
		}
		return DecisionPoint{}, errors.New(reason)
	}
	p := DecisionPoint{
		Namespace: d.Namespace, Key: d.Key, Version: ssvcDefaultVersion, Name: d.Name,
		Definition: d.Definition, SchemaVersion: d.SchemaVersion, Values: d.Values,
	}
	if d.Version != nil {
		p.Version = *d.Version
	}
	for _, f := range []struct{ name, val string }{
		{"namespace", p.Namespace}, {"key", p.Key}, {"version", p.Version}, {"name", p.Name}, {"definition", p.Definition},
	} {
		if strings.TrimSpace(f.val) == "" {
			return p, fmt.Errorf("%s: missing or empty", f.name)
		}
	}
	// IDs join namespace, key and version with ":", so none may hold one
	// (the schema's patterns forbid it too).
	if strings.Contains(p.Namespace, ":") || strings.Contains(p.Key, ":") || strings.Contains(p.Version, ":") {
		return p, fmt.Errorf("namespace, key or version contains \":\"")
	}
	if p.SchemaVersion != ssvcSchemaVersion {
		return p, fmt.Errorf("schemaVersion: %q, want %q", p.SchemaVersion, ssvcSchemaVersion)
	}
	if len(p.Values) == 0 {
		return p, fmt.Errorf("values: missing or empty")
	}
	if len(p.Values) > maxSSVCValues {
		return p, fmt.Errorf("values: %d values, more than the %d vmc reads", len(p.Values), maxSSVCValues)
	}
	for i, v := range p.Values {
		switch {
		case strings.TrimSpace(v.Key) == "":
			return p, fmt.Errorf("values[%d].key: missing or empty", i)
		case strings.TrimSpace(v.Name) == "":
			return p, fmt.Errorf("values[%d].name: missing or empty", i)
		case strings.TrimSpace(v.Definition) == "":
			return p, fmt.Errorf("values[%d].definition: missing or empty", i)
		}
		// Keys and names are both looked up (Rank, Lookup), so both must
		// be unique.
		for j := range i {
			if p.Values[j].Key == v.Key {
				return p, fmt.Errorf("values[%d].key: %q repeats values[%d]", i, v.Key, j)
			}
			if strings.EqualFold(p.Values[j].Name, v.Name) {
				return p, fmt.Errorf("values[%d].name: %q repeats values[%d]", i, v.Name, j)
			}
		}
	}
	return p, nil
}

// combo numbers a combination of input value keys (all known).
func (t *DecisionTable) combo(keys []string) int {
	n := 0
	for i, p := range t.Inputs {
		n = n*len(p.Values) + p.Rank(keys[i])
	}
	return n
}

// uncombo is the inverse of combo.
func (t *DecisionTable) uncombo(n int) []string {
	keys := make([]string, len(t.Inputs))
	for i := len(t.Inputs) - 1; i >= 0; i-- {
		vs := t.Inputs[i].Values
		keys[i] = vs[n%len(vs)].Key
		n /= len(vs)
	}
	return keys
}

// describe writes a combination as "ssvc:E:1.1.0=N, ssvc:A:2.0.0=Y".
func (t *DecisionTable) describe(keys []string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = t.Inputs[i].ID() + "=" + k
	}
	return strings.Join(parts, ", ")
}

func ssvcPointIDs(ps []DecisionPoint) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID()
	}
	return ids
}

func ssvcSortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// ssvcMember is one name/value pair of a JSON object.
type ssvcMember struct {
	name  string
	value json.RawMessage
}

// ssvcObjectMembers returns the members of the JSON object in data in
// document order, and rejects a name that appears twice.
func ssvcObjectMembers(data []byte) ([]ssvcMember, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("not an object")
	}
	var ms []ssvcMember
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		name, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("not an object")
		}
		if seen[name] {
			return nil, fmt.Errorf("%q appears twice", name)
		}
		seen[name] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%q: %v", name, err)
		}
		ms = append(ms, ssvcMember{name, v})
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the object")
	}
	return ms, nil
}

// ssvcJSONError turns an encoding/json error into a field and a reason
// that name the document's terms, not vmc's Go types.
func ssvcJSONError(err error) (field, reason string) {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		want := "a string"
		switch te.Type.Kind() {
		case reflect.Slice:
			want = "an array"
		case reflect.Struct:
			want = "an object"
		}
		return te.Field, fmt.Sprintf("%s, want %s", te.Value, want)
	}
	return "", err.Error()
}
