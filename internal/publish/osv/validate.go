package osv

import (
	_ "embed"

	"github.com/vmc-dev/vmc/internal/publish"
)

// The OSV JSON schema (validation/schema.json of ossf/osv-schema), an
// unmodified copy; schema/README.md names its source and licence.
//
//go:embed schema/schema.json
var schema []byte

// schemaURL is the schema's $id.
const schemaURL = "https://raw.githubusercontent.com/ossf/osv-schema/main/validation/schema.json"

// Validate checks an OSV record against the OSV JSON schema. The error
// wraps publish.ErrSchema and says where the record breaks it.
var Validate = publish.SchemaCheck(schemaURL, schema)
