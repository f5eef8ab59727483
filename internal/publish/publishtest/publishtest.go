// Package publishtest holds what the writers' tests share: the example
// documents of ../testdata, read as publish.Documents.
package publishtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/publish"
)

// Names are the example documents, by file name without ".json":
// "shop" is a final CVE advisory about two packages at the full level,
// TLP:CLEAR; "appliance" a draft about a product that is no package,
// in Chinese, at the minimal level, TLP:AMBER+STRICT, without a CVE.
var Names = []string{"shop", "appliance"}

// Dir is the directory of the example documents.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

// Load reads an example document.
func Load(t testing.TB, name string) publish.Document {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Dir(), name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var d publish.Document
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return d
}

// Golden compares a writer's output with the file at path, byte for
// byte, or writes it there under -update (feedtest.Update).
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *feedtest.Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if bytes.Equal(want, got) {
		return
	}
	w, g := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			t.Errorf("%s differs from the writer's output at line %d (run with -update to accept it):\n-%s\n+%s", path, i+1, wl, gl)
			return
		}
	}
}

// SharedSchema returns a check of documents against a JSON schema file
// of ../shared/data (rel is relative to it), compiled here on its own,
// independently of the copy a writer embeds; the test is skipped when
// the corpus is absent (fatal in CI).
func SharedSchema(t testing.TB, rel, url string) func([]byte) error {
	t.Helper()
	b, err := os.ReadFile(feedtest.SharedData(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return publish.SchemaCheck(url, b)
}

// stixSchemaBase is where the STIX 2.1 schemas' $ids point; the loader
// maps it onto ../shared/data/stix/schemas, so that nothing is fetched.
const stixSchemaBase = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"

// STIXSchema returns a check of STIX 2.1 bundles against the OASIS JSON
// schemas in ../shared/data/stix/schemas (common/bundle.json, which
// refers to every object type's), formats asserted.
func STIXSchema(t testing.TB) func([]byte) error {
	t.Helper()
	dir := feedtest.SharedData(t, "stix/schemas")
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.UseLoader(stixLoader{dir})
	s, err := c.Compile(stixSchemaBase + "common/bundle.json")
	if err != nil {
		t.Fatal(err)
	}
	return func(doc []byte) error {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
		if err != nil {
			return err
		}
		return s.Validate(v)
	}
}

type stixLoader struct{ dir string }

func (l stixLoader) Load(url string) (any, error) {
	rel, ok := strings.CutPrefix(url, stixSchemaBase)
	if !ok {
		return nil, fmt.Errorf("schema %s: not under %s", url, stixSchemaBase)
	}
	f, err := os.Open(filepath.Join(l.dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return jsonschema.UnmarshalJSON(f)
}

// CVERecord wraps a CNA container into a whole published CVE JSON 5.1
// record, for the bundled record schema and vmc's CVE JSON 5 reader.
func CVERecord(t testing.TB, id string, container []byte) []byte {
	t.Helper()
	rec := map[string]any{
		"dataType":    "CVE_RECORD",
		"dataVersion": "5.1",
		"cveMetadata": map[string]any{
			"cveId": id, "assignerOrgId": "8254265b-2729-46b6-b9e3-3dfca2d5bfca", "assignerShortName": "acme",
			"state": "PUBLISHED", "datePublished": "2026-12-01T00:00:00Z", "dateUpdated": "2026-12-03T09:30:00Z",
		},
		"containers": map[string]any{"cna": json.RawMessage(container)},
	}
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
