package spdx

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
	"github.com/vmc-dev/vmc/internal/sbom/internal/inventorytest"
)

func parseFile(t *testing.T, path string) inventory.Inventory {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	inv, err := Parse(filepath.Base(path), f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return inv
}

type goldenInventory struct {
	Subject    string            `json:"subject,omitempty"`
	Components []asset.Component `json:"components"`
	Errors     []string          `json:"errors,omitempty"`
}

// TestExample reads the specification's example in both forms. Of its four
// packages, glibc (a CPE) and Jena (a Maven purl) can be matched; Apache
// Commons Lang and Saxon have no identifier and are reported. Both forms
// must give the same inventory.
func TestExample(t *testing.T) {
	var first *inventory.Inventory
	for _, f := range []string{"SPDXJSONExample-v2.3.spdx.json", "SPDXTagExample-v2.3.spdx"} {
		inv := parseFile(t, filepath.Join("testdata", f))
		g := goldenInventory{Subject: inv.Subject, Components: inv.Components}
		for _, e := range inv.Errors {
			g.Errors = append(g.Errors, e.Error())
			var re *feed.RecordError
			if !errors.As(e, &re) || !errors.Is(e, feed.ErrFormat) {
				t.Errorf("%s: %v is not a RecordError wrapping ErrFormat", f, e)
			}
		}
		feedtest.Golden(t, filepath.Join("testdata", "golden", f+".golden"), g)
		if len(inv.Components) != 2 || len(inv.Errors) != 2 || inv.Subject != "glibc@2.11.1" {
			t.Errorf("%s: %d components, %d errors, subject %q; want 2, 2, glibc@2.11.1", f, len(inv.Components), len(inv.Errors), inv.Subject)
		}
		if first == nil {
			first = &inv
			continue
		}
		if diff := cmp.Diff(first.Components, inv.Components, cmpopts.IgnoreFields(asset.Component{}, "Source")); diff != "" {
			t.Errorf("tag-value differs from JSON (-json +tv):\n%s", diff)
		}
		var e1, e2 []string
		for i := range first.Errors {
			e1 = append(e1, first.Errors[i].Error())
		}
		for i := range inv.Errors {
			e2 = append(e2, inv.Errors[i].Error())
		}
		if diff := cmp.Diff(e1, e2); diff != "" {
			t.Errorf("tag-value errors differ from JSON's (-json +tv):\n%s", diff)
		}
	}
}

// TestSchema validates the JSON example against the SPDX 2.3 JSON schema
// (draft 2019-09), the check INTEROP.md names, so that the fixtures this
// package is tested on are known to be valid SPDX.
func TestSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	s, err := c.Compile(feedtest.SharedData(t, "spdx/spdx-schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join("testdata", "SPDXJSONExample-v2.3.spdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(doc); err != nil {
		t.Errorf("the example is not valid SPDX 2.3 JSON: %v", err)
	}
	// And the schema does reject: a package without its required name.
	var m map[string]any
	json.Unmarshal(data, &m)
	delete(m["packages"].([]any)[0].(map[string]any), "name")
	if err := s.Validate(m); err == nil {
		t.Error("a package without a name passed the schema")
	}
	// The shared copy is the one in testdata.
	shared, _ := os.ReadFile(feedtest.SharedData(t, "spdx/SPDXJSONExample-v2.3.spdx.json"))
	if !bytes.Equal(shared, data) {
		t.Error("testdata/SPDXJSONExample-v2.3.spdx.json differs from the shared corpus")
	}
}

func jsonDoc(packages, relationships string) string {
	return `{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"img","documentNamespace":"https://x/y",
	"creationInfo":{"created":"2024-01-01T00:00:00Z","creators":["Tool: x"]},
	"documentDescribes":["SPDXRef-app"],
	"packages":[` + packages + `],"relationships":[` + relationships + `]}`
}

func TestParse(t *testing.T) {
	key := func(eco, name, version string) string {
		return asset.Component{Ecosystem: eco, Name: name, Version: version}.Key()
	}
	app := `{"SPDXID":"SPDXRef-app","name":"app","versionInfo":"1.0.0","downloadLocation":"NOASSERTION",
		"externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:npm/app@1.0.0"}]}`
	lib := `{"SPDXID":"SPDXRef-lib","name":"lib","versionInfo":"2.0.0","downloadLocation":"NOASSERTION","licenseConcluded":"MIT","licenseDeclared":"NOASSERTION",
		"externalRefs":[{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl","referenceLocator":"pkg:npm/lib@2.0.0"},
		{"referenceCategory":"SECURITY","referenceType":"cpe23Type","referenceLocator":"cpe:2.3:a:x:lib:2.0.0:*:*:*:*:*:*:*"}]}`
	deb := `{"SPDXID":"SPDXRef-deb","name":"libssl3","versionInfo":"3.0.11-1","downloadLocation":"NOASSERTION",
		"externalRefs":[{"referenceCategory":"PACKAGE_MANAGER","referenceType":"purl","referenceLocator":"pkg:deb/debian/libssl3@3.0.11-1?upstream=openssl&distro=debian-12"}]}`
	tests := []struct {
		name, doc string
		want      []asset.Component
		subject   string
		errs      []string
		err       string
	}{{
		name: "graph.spdx.json",
		doc: jsonDoc(app+","+lib+","+deb, `{"spdxElementId":"SPDXRef-app","relationshipType":"DEPENDS_ON","relatedSpdxElement":"SPDXRef-lib"},
			{"spdxElementId":"SPDXRef-deb","relationshipType":"DEPENDENCY_OF","relatedSpdxElement":"SPDXRef-lib"},
			{"spdxElementId":"SPDXRef-lib","relationshipType":"CONTAINS","relatedSpdxElement":"SPDXRef-file"},
			{"spdxElementId":"SPDXRef-lib","relationshipType":"DEPENDS_ON","relatedSpdxElement":"DocumentRef-other:SPDXRef-x"},
			{"spdxElementId":"SPDXRef-app","relationshipType":"DESCRIBED_BY","relatedSpdxElement":"SPDXRef-DOCUMENT"}`),
		subject: "app@1.0.0",
		want: []asset.Component{
			{Name: "app", Version: "1.0.0", Ecosystem: "npm", PURL: "pkg:npm/app@1.0.0", Source: "graph.spdx.json: SPDXRef-app",
				DependsOn: []string{key("npm", "lib", "2.0.0")}},
			{Name: "lib", Version: "2.0.0", Ecosystem: "npm", PURL: "pkg:npm/lib@2.0.0", CPEs: []string{"cpe:2.3:a:x:lib:2.0.0:*:*:*:*:*:*:*"},
				Source: "graph.spdx.json: SPDXRef-lib", Direct: true, Licenses: []string{"MIT"}, DependsOn: []string{key("Debian:12", "openssl", "3.0.11-1")}},
			{Name: "openssl", Version: "3.0.11-1", Ecosystem: "Debian:12", PURL: "pkg:deb/debian/libssl3@3.0.11-1?upstream=openssl&distro=debian-12",
				Source: "graph.spdx.json: SPDXRef-deb"},
		},
	}, {
		name: "tv.spdx",
		doc: `# a comment
SPDXVersion: SPDX-2.2
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: tv-doc
DocumentComment: <text>spans
several lines: with colons
</text>
Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-File

SnippetSPDXID: SPDXRef-Snippet
SnippetFromFileSPDXID: SPDXRef-File

PackageName: requests
SPDXID: SPDXRef-requests
PackageVersion: 2.31.0
PackageDescription: <text>HTTP for Humans.</text>
ExternalRef: PACKAGE-MANAGER purl pkg:pypi/requests@2.31.0
ExternalRef: SECURITY cpe23Type
PackageLicenseDeclared: Apache-2.0
Relationship: SPDXRef-requests DEPENDS_ON SPDXRef-urllib3

FileName: ./x.py
SPDXID: SPDXRef-File

PackageName: urllib3
SPDXID: SPDXRef-urllib3
PackageVersion: 2.0.7
ExternalRef: PACKAGE-MANAGER purl pkg:pypi/urllib3@2.0.7
this line is not tag-value
PackageName: nameless
`,
		subject: "tv-doc",
		want: []asset.Component{
			{Name: "requests", Version: "2.31.0", Ecosystem: "PyPI", PURL: "pkg:pypi/requests@2.31.0", Source: "tv.spdx: SPDXRef-requests",
				Licenses: []string{"Apache-2.0"}, DependsOn: []string{key("PyPI", "urllib3", "2.0.7")}},
			{Name: "urllib3", Version: "2.0.7", Ecosystem: "PyPI", PURL: "pkg:pypi/urllib3@2.0.7", Source: "tv.spdx: SPDXRef-urllib3"},
		},
		errs: []string{
			`SPDXRef-requests: ExternalRef: malformed input: want CATEGORY TYPE LOCATOR, got "SECURITY cpe23Type"`,
			`line 30: malformed input: not a tag-value line: "this line is not tag-value"`,
			`line 31 (nameless): malformed input: invalid asset: nameless: no ecosystem, purl or CPE to match by; skipped`,
		},
	}, {
		name: "unclosed.spdx",
		doc:  "SPDXVersion: SPDX-2.3\nDocumentComment: <text>never closed\nPackageName: x\n",
		errs: []string{`line 2: DocumentComment: malformed input: <text> not closed by </text>`},
	}, {
		name: "notspdx.txt",
		doc:  "Hello: world\n",
		err:  `notspdx.txt: malformed input: SPDXVersion: "", want SPDX-2.x tag-value`,
	}, {
		name: "v3.spdx.json",
		doc:  `{"spdxVersion":"SPDX-3.0","packages":[]}`,
		err:  `v3.spdx.json: malformed input: unsupported SDPX version: SPDX-3.0`,
	}, {
		name: "types.spdx.json",
		doc:  `{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"SPDXRef-a","name":7}]}`,
		err:  `types.spdx.json: malformed input: packages.name: got JSON number, want string`,
	}, {
		name: "syntax.spdx.json",
		doc:  `{"spdxVersion":"SPDX-2.3","packages":[{"SPDXID":"SPDXRef-a",}]}`,
		err:  `syntax.spdx.json: malformed input: packages[0].SPDXID: invalid character '}' looking for beginning of object key string`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := Parse(tt.name, strings.NewReader(tt.doc))
			if inventorytest.Expect(t, inv, err, tt.err, tt.want, tt.errs) && inv.Subject != tt.subject {
				t.Errorf("subject %q, want %q", inv.Subject, tt.subject)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{`{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT"}`, true},
		{"## Document Information\nSPDXVersion: SPDX-2.3\n", true},
		{`{"bomFormat":"CycloneDX"}`, false},
		{"Package: bash\nStatus: install ok installed\n", false},
		{`{"spdxVersion":"SPDX-3.0"}`, false},
	}
	for _, tt := range tests {
		if got := Sniff("x", []byte(tt.head)); got != tt.want {
			t.Errorf("Sniff(%q) = %v, want %v", tt.head, got, tt.want)
		}
	}
}

// FuzzParse: no panic; a whole-file error wraps ErrFormat; per-package
// errors are RecordErrors; every component passes Validate and survives a
// JSON round trip. Run it with -fuzzminimizetime=1s under a short
// -fuzztime: minimising a 20 KB seed takes longer than a 10 s run.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"SPDXJSONExample-v2.3.spdx.json", "SPDXTagExample-v2.3.spdx"} {
		b, err := os.ReadFile(filepath.Join("testdata", s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("SPDXVersion: SPDX-2.3\nPackageName: a\nSPDXID: SPDXRef-a\nExternalRef: PACKAGE-MANAGER purl pkg:npm/a@1.0.0\nRelationship: SPDXRef-a DEPENDS_ON SPDXRef-a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		inv, err := Parse("fuzz", bytes.NewReader(data))
		inventorytest.Fuzzed(t, inv, err)
	})
}
