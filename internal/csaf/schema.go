package csaf

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The CSAF 2.0 JSON schema and the FIRST CVSS schemas it references, as
// published; schema/README.md names their source and licences.
//
//go:embed schema/csaf_json_schema.json schema/first/*.json
var schemaFS embed.FS

const (
	csafSchemaURL = "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json"
	cvss20URL     = "https://www.first.org/cvss/cvss-v2.0.json"
	cvss30URL     = "https://www.first.org/cvss/cvss-v3.0.json"
	cvss31URL     = "https://www.first.org/cvss/cvss-v3.1.json"
)

// schemas holds the compiled schemas. Compiling takes a few milliseconds and
// the result is immutable, so it happens once, on first use.
type schemas struct {
	csaf   *jsonschema.Schema // the CSAF schema, as published (section 3 and 9.1.14)
	strict *jsonschema.Schema // the same with additionalProperties false everywhere (test 6.2.20)
	cvss2  *jsonschema.Schema // FIRST CVSS v2.0 (test 6.1.8)
	cvss30 *jsonschema.Schema // FIRST CVSS v3.0
	cvss31 *jsonschema.Schema // FIRST CVSS v3.1
}

var compiled = sync.OnceValues(compileSchemas)

func compileSchemas() (*schemas, error) {
	load := func(name string) (any, error) {
		b, err := schemaFS.ReadFile("schema/" + name)
		if err != nil {
			return nil, err
		}
		return jsonschema.UnmarshalJSON(bytes.NewReader(b))
	}
	// newCompiler maps the FIRST URLs onto the embedded copies, so nothing is
	// fetched. Format is asserted on purpose: CSAF requires RFC 3339
	// date-times and absolute URIs (sections 3.1.x and 3.2), the 2020-12 draft
	// only annotates format unless told otherwise, and BSI's validator asserts
	// both as well. A date without a time zone or a relative URL is therefore
	// a schema error.
	newCompiler := func(suffix string) (*jsonschema.Compiler, error) {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		for url, name := range map[string]string{
			cvss20URL: "first/cvss-v2.0" + suffix + ".json",
			cvss30URL: "first/cvss-v3.0" + suffix + ".json",
			cvss31URL: "first/cvss-v3.1" + suffix + ".json",
		} {
			doc, err := load(name)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			if err := c.AddResource(url, doc); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
		return c, nil
	}

	var s schemas
	c, err := newCompiler("")
	if err != nil {
		return nil, err
	}
	doc, err := load("csaf_json_schema.json")
	if err != nil {
		return nil, err
	}
	if err := c.AddResource(csafSchemaURL, doc); err != nil {
		return nil, err
	}
	for _, t := range []struct {
		url string
		dst **jsonschema.Schema
	}{{csafSchemaURL, &s.csaf}, {cvss20URL, &s.cvss2}, {cvss30URL, &s.cvss30}, {cvss31URL, &s.cvss31}} {
		if *t.dst, err = c.Compile(t.url); err != nil {
			return nil, err
		}
	}

	// The strict variant closes every object the CSAF schema defines and
	// uses FIRST's strict CVSS schemas, which do the same. Test 6.2.20 reports
	// what only it rejects.
	c, err = newCompiler("_strict")
	if err != nil {
		return nil, err
	}
	doc, err = load("csaf_json_schema.json")
	if err != nil {
		return nil, err
	}
	closeObjects(doc)
	if err := c.AddResource(csafSchemaURL, doc); err != nil {
		return nil, err
	}
	if s.strict, err = c.Compile(csafSchemaURL); err != nil {
		return nil, err
	}
	return &s, nil
}

// closeObjects sets additionalProperties to false in every schema object
// that lists properties.
func closeObjects(v any) {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["properties"].(map[string]any); ok {
			v["additionalProperties"] = false
		}
		for _, e := range v {
			closeObjects(e)
		}
	case []any:
		for _, e := range v {
			closeObjects(e)
		}
	}
}

// schemaViolation is one leaf of a validation error: where and what.
type schemaViolation struct {
	path    string
	message string
	keyword string // the failing keyword's last path element, e.g. "additionalProperties"
}

// violations validates v against s and flattens the error tree into its
// leaves, with paths in the document's notation. base is the path of v.
func violations(s *jsonschema.Schema, v any, base string) []schemaViolation {
	err := s.Validate(v)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []schemaViolation{{path: base, message: err.Error()}}
	}
	var out []schemaViolation
	seen := map[schemaViolation]bool{}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		kw := e.ErrorKind.KeywordPath()
		sv := schemaViolation{
			path:    instancePath(v, base, e.InstanceLocation),
			message: leafMessage(e),
		}
		if len(kw) > 0 {
			sv.keyword = kw[len(kw)-1]
		}
		if !seen[sv] {
			seen[sv] = true
			out = append(out, sv)
		}
	}
	walk(ve)
	return out
}

// instancePath turns a JSON pointer's tokens into the document's path
// notation, looking at v to tell array indexes from object keys.
func instancePath(v any, base string, tokens []string) string {
	n := node{v: v, path: base}
	for _, tok := range tokens {
		if i, err := strconv.Atoi(tok); err == nil && n.isArray() {
			n = n.at(i)
		} else {
			n = n.get(tok)
		}
	}
	return n.path
}

// leafMessage is the library's message for one error without the "at
// '/pointer': " prefix it puts in front: the finding carries the path itself.
func leafMessage(e *jsonschema.ValidationError) string {
	msg := e.Error()
	var ptr strings.Builder
	for _, tok := range e.InstanceLocation {
		ptr.WriteByte('/')
		ptr.WriteString(strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1"))
	}
	prefix := "at " + quote(ptr.String()) + ": "
	return strings.TrimPrefix(msg, prefix)
}

// quote mirrors the library's quoting of instance locations.
func quote(s string) string {
	s = strconv.Quote(s)
	s = strings.ReplaceAll(s, `\"`, `"`)
	s = strings.ReplaceAll(s, `'`, `\'`)
	return "'" + s[1:len(s)-1] + "'"
}

// checkSchema reports every violation of the CSAF schema.
func checkSchema(d *doc) {
	s, err := compiled()
	if err != nil {
		// The embedded schemas compile in every test run; reaching this is
		// a build defect, reported rather than panicking.
		d.report(d.root.path, "schema does not compile: %v", err)
		return
	}
	for _, v := range violations(s.csaf, d.root.v, d.root.path) {
		d.report(v.path, "%s", v.message)
	}
}

// checkAdditionalProperties is test 6.2.20: no property the schema does not
// define. The published schema leaves objects open, so only the closed
// variant finds these.
func checkAdditionalProperties(d *doc) {
	s, err := compiled()
	if err != nil {
		return
	}
	for _, v := range violations(s.strict, d.root.v, d.root.path) {
		if v.keyword == "additionalProperties" {
			d.report(v.path, "%s", v.message)
		}
	}
}
