package cyclonedx

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The CycloneDX 1.6 JSON schema and the two schemas it references, as
// published; schema/README.md names their source and licence.
//
//go:embed schema/*.json
var schemaFS embed.FS

const schemaBase = "http://cyclonedx.org/schema/"

// ErrSchema marks a document that is not valid against the CycloneDX
// schema.
var ErrSchema = errors.New("not valid CycloneDX 1.6 JSON")

// compiled is the 1.6 schema, compiled on first use (a few tens of
// milliseconds; the result is immutable).
var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	// bom-1.6 refers to the other two by relative URLs
	// ("spdx.schema.json", "jsf-0.82.schema.json#/definitions/signature")
	// that resolve against its $id, so each is registered under its own
	// $id and nothing is fetched. Formats are asserted, as the draft-07
	// default in jsonschema/v6 does anyway: CycloneDX's iri-reference,
	// date-time and email formats are part of what "valid" means in the
	// specification's own conformance tests.
	for _, f := range []string{"spdx.schema.json", "jsf-0.82.schema.json", "bom-1.6.schema.json"} {
		b, err := schemaFS.ReadFile("schema/" + f)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		if err := c.AddResource(schemaBase+f, doc); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
	}
	c.AssertFormat()
	return c.Compile(schemaBase + "bom-1.6.schema.json")
})

// Validate checks a CycloneDX JSON document against the 1.6 JSON schema.
// Documents of earlier spec versions are checked against 1.6 too, which
// accepts most of them (1.6 added members and loosened none it kept); a
// strict check of a 1.2 document needs the 1.2 schema. The error wraps
// ErrSchema and lists where the document breaks the schema, or wraps the
// JSON syntax error.
func Validate(doc []byte) error {
	s, err := compiled()
	if err != nil {
		return fmt.Errorf("compile CycloneDX schema: %w", err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSchema, err)
	}
	if err := s.Validate(v); err != nil {
		return fmt.Errorf("%w: %w", ErrSchema, err)
	}
	return nil
}
