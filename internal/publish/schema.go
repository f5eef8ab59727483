package publish

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ErrSchema marks output that its format's JSON schema rejects: a writer
// checks what it wrote before handing it out, so that a bug shows as an
// error naming the place, not as a document a consumer refuses.
var ErrSchema = errors.New("not valid against the format's JSON schema")

// SchemaCheck returns a check of documents against the JSON schema
// schema, registered under url (its $id) so that nothing is fetched. The
// schema is compiled on first use; formats are asserted, as "valid"
// means for OSV's date-times and URIs and CVE JSON 5's.
func SchemaCheck(url string, schema []byte) func(doc []byte) error {
	compiled := sync.OnceValues(func() (*jsonschema.Schema, error) {
		s, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", url, err)
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		if err := c.AddResource(url, s); err != nil {
			return nil, fmt.Errorf("schema %s: %w", url, err)
		}
		return c.Compile(url)
	})
	return func(doc []byte) error {
		s, err := compiled()
		if err != nil {
			return err
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
}
