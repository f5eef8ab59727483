package cyclonedx

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
	"github.com/vmc-dev/vmc/internal/sbom/internal/inventorytest"
)

func parseFile(t *testing.T, path string) (inventory.Inventory, error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return Parse(filepath.Base(path), f)
}

// withoutSource drops what differs between two serialisations of one BOM:
// the file name and the element path.
var withoutSource = cmpopts.IgnoreFields(asset.Component{}, "Source")

// TestExamples parses every real SBOM in the shared corpus (bom-examples,
// spec 1.1 to 1.4, JSON and XML) and checks what each yields. Every
// component in them has a purl, so none is skipped; the counts are lower
// than the component arrays where a BOM lists one package twice.
func TestExamples(t *testing.T) {
	dir := feedtest.SharedData(t, "cyclonedx/examples/SBOM")
	tests := []struct {
		files   []string
		subject string
		// components after merging repeats; direct: the ones
		// metadata.component depends on; edges: DependsOn entries in all.
		components, direct, edges int
		// licensesDiffer: the upstream JSON and XML disagree on licences.
		licensesDiffer bool
	}{
		{[]string{"cern-lhc-vdm-editor-e564943/bom.json", "cern-lhc-vdm-editor-e564943/bom.xml"}, "lhc-vdm-editor@0.0.1", 43, 0, 0, false},
		// The XML lacks osgi-resource-locator's licence expression, which the
		// JSON has.
		{[]string{"dropwizard-1.3.15/bom.json", "dropwizard-1.3.15/bom.xml"}, "io.dropwizard/dropwizard-parent@1.3.15", 167, 0, 170, true},
		{[]string{"juice-shop/v11.1.2/bom.json", "juice-shop/v11.1.2/bom.xml"}, "juice-shop@11.1.2", 840, 0, 0, false},
		// 903 entries; org.keycloak:keycloak-core 10.0.2 is listed twice
		// (type=jar and type=test-jar), one package for matching.
		{[]string{"keycloak-10.0.2/bom.json", "keycloak-10.0.2/bom.xml"}, "org.keycloak/keycloak-parent@10.0.2", 902, 0, 994, false},
		// Spec 1.1 has no metadata and no dependency graph.
		{[]string{"laravel-7.12.0/bom.1.1.xml"}, "", 62, 0, 0, false},
		{[]string{"laravel-7.12.0/bom.1.2.json", "laravel-7.12.0/bom.1.2.xml", "laravel-7.12.0/bom.1.3.json",
			"laravel-7.12.0/bom.1.3.xml", "laravel-7.12.0/bom.1.4.json", "laravel-7.12.0/bom.1.4.xml"},
			"cyclonedx/cyclonedx-php-composer-demo@dev-master", 62, 1, 112, false},
		{[]string{"proton-bridge/proton-bridge-v1.6.3.bom.json", "proton-bridge/proton-bridge-v1.6.3.bom.xml"}, "github.com/ProtonMail/proton-bridge@v1.6.3", 201, 56, 176, false},
		{[]string{"proton-bridge/proton-bridge-v1.8.0.bom.json", "proton-bridge/proton-bridge-v1.8.0.bom.xml"}, "github.com/ProtonMail/proton-bridge@v1.8.0", 201, 56, 176, false},
		{[]string{"protonmail-webclient-v4-0912dff/bom.json", "protonmail-webclient-v4-0912dff/bom.xml"}, "protonmail-web@4.0.0-beta.20", 883, 0, 0, false},
	}
	seen := 0
	for _, tt := range tests {
		var first []asset.Component
		for _, f := range tt.files {
			seen++
			inv, err := parseFile(t, filepath.Join(dir, f))
			if err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			direct, edges := 0, 0
			for _, c := range inv.Components {
				if c.Direct {
					direct++
				}
				edges += len(c.DependsOn)
				if err := c.Validate(); err != nil {
					t.Errorf("%s: %s: %v", f, c.Source, err)
				}
				if c.Ecosystem == "" {
					t.Errorf("%s: %s: no ecosystem for %s", f, c.Source, c.PURL)
				}
			}
			if inv.Subject != tt.subject || len(inv.Components) != tt.components || direct != tt.direct || edges != tt.edges || len(inv.Errors) != 0 {
				t.Errorf("%s: subject %q, %d components, %d direct, %d edges, errors %v; want %q, %d, %d, %d, none",
					f, inv.Subject, len(inv.Components), direct, edges, inv.Errors, tt.subject, tt.components, tt.direct, tt.edges)
			}
			// JSON and XML, and every spec version, must describe the same
			// components.
			if first == nil {
				first = inv.Components
			} else if diff := cmp.Diff(first, inv.Components, withoutSource,
				cmpopts.IgnoreFields(asset.Component{}, map[bool]string{true: "Licenses", false: "Source"}[tt.licensesDiffer])); diff != "" {
				t.Errorf("%s differs from %s (-first +this):\n%s", f, tt.files[0], diff)
			}
		}
	}
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".zip") { // via_npm.zip: TestJuiceShopNPM
			n++
		}
		return err
	})
	if seen != n {
		t.Errorf("tested %d files, the corpus has %d: add the new ones", seen, n)
	}
}

// TestLaravelAcrossVersions: the same BOM in spec 1.1 to 1.4 gives the same
// packages. 1.1 lacks the graph, so only identities are compared with it.
func TestLaravelAcrossVersions(t *testing.T) {
	dir := feedtest.SharedData(t, "cyclonedx/examples/SBOM/laravel-7.12.0")
	old, err := parseFile(t, filepath.Join(dir, "bom.1.1.xml"))
	if err != nil {
		t.Fatal(err)
	}
	cur, err := parseFile(t, filepath.Join(dir, "bom.1.4.json"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(old.Components, cur.Components, withoutSource,
		cmpopts.IgnoreFields(asset.Component{}, "DependsOn", "Direct")); diff != "" {
		t.Errorf("1.1 XML and 1.4 JSON differ (-1.1 +1.4):\n%s", diff)
	}
}

// TestJuiceShopNPM parses the juice-shop BOMs made by the CycloneDX npm
// tool: bare (nested components) and flat, spec 1.2 to 1.4, JSON and XML.
// All twelve describe one install: 1,115 component entries, 978 distinct
// packages, with the same graph. With -short, two are parsed.
func TestJuiceShopNPM(t *testing.T) {
	zr, err := zip.OpenReader(feedtest.SharedData(t, "cyclonedx/examples/SBOM/juice-shop/via_npm.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var first []asset.Component
	parsed := 0
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		if testing.Short() && !strings.HasSuffix(f.Name, "bare/bom.1.4.json") && !strings.HasSuffix(f.Name, "flat/bom.1.2.xml") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		inv, err := Parse(f.Name, rc)
		rc.Close()
		if err != nil {
			t.Errorf("%s: %v", f.Name, err)
			continue
		}
		parsed++
		edges, direct := 0, 0
		for _, c := range inv.Components {
			edges += len(c.DependsOn)
			if c.Direct {
				direct++
			}
		}
		if len(inv.Components) != 978 || edges != 1589 || direct != 71 || len(inv.Errors) != 0 || inv.Subject != "juice-shop@14.1.1" {
			t.Errorf("%s: %d components, %d edges, %d direct, subject %q, errors %v; want 978, 1589, 71, juice-shop@14.1.1, none",
				f.Name, len(inv.Components), edges, direct, inv.Subject, inv.Errors)
		}
		if strings.Contains(f.Name, "bare/") && !slices.ContainsFunc(inv.Components, func(c asset.Component) bool {
			return strings.Contains(c.Source, "].components[")
		}) {
			t.Errorf("%s: no component found nested in another", f.Name)
		}
		if first == nil {
			first = inv.Components
		} else if diff := cmp.Diff(first, inv.Components, withoutSource); diff != "" {
			t.Errorf("%s differs from the first (-first +this):\n%s", f.Name, diff)
		}
	}
	if want := map[bool]int{true: 2, false: 12}[testing.Short()]; parsed != want {
		t.Errorf("parsed %d BOMs from the zip, want %d", parsed, want)
	}
}

// TestSpecTests runs the CycloneDX 1.6 conformance documents through
// Parse: every valid-* one must parse, and every invalid-* one must parse
// or fail with feed.ErrFormat, never panic. (Whether a document is valid
// is the schema's question; see TestSchema.)
func TestSpecTests(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(feedtest.SharedData(t, "cyclonedx/spec-tests-1.6"), "*"))
	if len(files) != 144 {
		t.Fatalf("found %d spec tests, want 144", len(files))
	}
	for _, f := range files {
		inv, err := parseFile(t, f)
		base := filepath.Base(f)
		switch {
		case strings.HasPrefix(base, "valid-") && err != nil:
			t.Errorf("%s: %v", base, err)
		case err != nil && !errors.Is(err, feed.ErrFormat):
			t.Errorf("%s: error does not wrap ErrFormat: %v", base, err)
		}
		for _, e := range inv.Errors {
			if re := (*feed.RecordError)(nil); !errors.As(e, &re) || !errors.Is(e, feed.ErrFormat) {
				t.Errorf("%s: %v is not a RecordError wrapping ErrFormat", base, e)
			}
		}
	}
}

// TestSchema checks Validate against the specification's verdicts on its
// 70 JSON conformance documents, with the schemas embedded in this package
// (which must be the shared corpus's, byte for byte), and checks that the
// real SBOM and VEX examples pass.
func TestSchema(t *testing.T) {
	shared := feedtest.SharedData(t, "cyclonedx/schema")
	for _, f := range []string{"bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json"} {
		want, err := os.ReadFile(filepath.Join(shared, f))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := schemaFS.ReadFile("schema/" + f)
		if !bytes.Equal(got, want) {
			t.Errorf("schema/%s differs from the shared corpus's copy", f)
		}
	}
	files, _ := filepath.Glob(filepath.Join(feedtest.SharedData(t, "cyclonedx/spec-tests-1.6"), "*.json"))
	if len(files) != 70 {
		t.Fatalf("found %d JSON spec tests, want 70", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		err = Validate(data)
		valid := strings.HasPrefix(filepath.Base(f), "valid-")
		switch {
		case valid && err != nil:
			t.Errorf("%s: %v", filepath.Base(f), err)
		case !valid && err == nil:
			t.Errorf("%s: accepted", filepath.Base(f))
		case !valid && !errors.Is(err, ErrSchema):
			t.Errorf("%s: error does not wrap ErrSchema: %v", filepath.Base(f), err)
		}
	}
	examples, _ := filepath.Glob(filepath.Join(feedtest.SharedData(t, "cyclonedx/examples"), "*", "*", "*.json"))
	more, _ := filepath.Glob(filepath.Join(feedtest.SharedData(t, "cyclonedx/examples"), "*", "*", "*", "*.json"))
	top, _ := filepath.Glob(filepath.Join(feedtest.SharedData(t, "cyclonedx/examples"), "*", "*.json"))
	examples = append(append(examples, more...), top...)
	if len(examples) != 49 { // 10 SBOMs, 39 VEX
		t.Errorf("found %d JSON examples, want 49", len(examples))
	}
	for _, f := range examples {
		data, _ := os.ReadFile(f)
		if err := Validate(data); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestGolden compares whole inventories of small real BOMs with golden
// files. Errors are kept as their messages.
func TestGolden(t *testing.T) {
	for _, f := range []string{"laravel-7.12.0/bom.1.4.json", "laravel-7.12.0/bom.1.1.xml", "cern-lhc-vdm-editor/bom.xml",
		"valid-dependency-1.6.xml", "valid-vulnerability-1.6.json", "vex/bom.json"} {
		inv, err := parseFile(t, filepath.Join("testdata", f))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		feedtest.Golden(t, filepath.Join("testdata", "golden", strings.ReplaceAll(f, "/", "_")+".golden"), golden(inv))
	}
}

type goldenInventory struct {
	Subject    string            `json:"subject,omitempty"`
	Components []asset.Component `json:"components"`
	Errors     []string          `json:"errors,omitempty"`
}

func golden(inv inventory.Inventory) goldenInventory {
	g := goldenInventory{Subject: inv.Subject, Components: inv.Components}
	for _, e := range inv.Errors {
		g.Errors = append(g.Errors, e.Error())
	}
	return g
}

// bom wraps components and dependencies into a JSON BOM.
func bom(components, dependencies string) string {
	s := `{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
	"metadata":{"component":{"type":"application","name":"shop","version":"2.0","bom-ref":"app"}},
	"components":[` + components + `]`
	if dependencies != "" {
		s += `,"dependencies":[` + dependencies + `]`
	}
	return s + "}"
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []asset.Component
		errs      []string // the messages of Inventory.Errors
		err       string   // the message of a whole-file failure
	}{{
		name: "nested.json",
		doc: bom(`{"type":"library","name":"a","version":"1.0.0","purl":"pkg:npm/a@1.0.0","bom-ref":"a","cpe":"cpe:2.3:a:x:a:1.0.0:*:*:*:*:*:*:*",
			"licenses":[{"license":{"id":"MIT"}},{"expression":"Apache-2.0 OR MIT"},{"license":{"name":"Custom"}}],
			"components":[{"type":"library","group":"org.x","name":"b","version":"2","purl":"pkg:maven/org.x/b@2","bom-ref":"b"}]}`,
			`{"ref":"app","dependsOn":["a"]},{"ref":"a","dependsOn":["b","a"]}`),
		want: []asset.Component{
			{Name: "a", Version: "1.0.0", Ecosystem: "npm", PURL: "pkg:npm/a@1.0.0", CPEs: []string{"cpe:2.3:a:x:a:1.0.0:*:*:*:*:*:*:*"},
				Source: "nested.json: components[0]", Direct: true, DependsOn: []string{asset.Component{Ecosystem: "Maven", Name: "org.x:b", Version: "2"}.Key()}, Licenses: []string{"MIT", "Apache-2.0 OR MIT", "Custom"}},
			{Name: "org.x:b", Version: "2", Ecosystem: "Maven", PURL: "pkg:maven/org.x/b@2", Source: "nested.json: components[0].components[0]"},
		},
	}, {
		name: "identities.json",
		doc: bom(`{"type":"library","name":"Django","version":"4.2","purl":"pkg:pypi/Django_Utils@4.2"},
			{"type":"library","name":"toml","version":"v1.3.2","purl":"pkg:golang/github.com/BurntSushi/toml@v1.3.2"},
			{"type":"library","name":"libc6","version":"2.36-9","purl":"pkg:deb/debian/libc6@2.36-9?arch=amd64&upstream=glibc&distro=debian-12"},
			{"type":"library","name":"busybox","purl":"pkg:apk/alpine/busybox@1.36.1-r5?arch=x86_64&upstream=busybox&distro=alpine-3.19.1"},
			{"type":"library","name":"openssl-libs","purl":"pkg:rpm/almalinux/openssl-libs@3.0.7-25.el9?epoch=1&upstream=openssl-3.0.7-25.el9.src.rpm&distro=almalinux-9.3"}`, ""),
		want: []asset.Component{
			{Name: "django-utils", Version: "4.2", Ecosystem: "PyPI", PURL: "pkg:pypi/Django_Utils@4.2", Source: "identities.json: components[0]"},
			{Name: "github.com/BurntSushi/toml", Version: "1.3.2", Ecosystem: "Go", PURL: "pkg:golang/github.com/BurntSushi/toml@v1.3.2", Source: "identities.json: components[1]"},
			{Name: "glibc", Version: "2.36-9", Ecosystem: "Debian:12", PURL: "pkg:deb/debian/libc6@2.36-9?arch=amd64&upstream=glibc&distro=debian-12", Source: "identities.json: components[2]"},
			{Name: "busybox", Version: "1.36.1-r5", Ecosystem: "Alpine:v3.19", PURL: "pkg:apk/alpine/busybox@1.36.1-r5?arch=x86_64&upstream=busybox&distro=alpine-3.19.1", Source: "identities.json: components[3]"},
			{Name: "openssl-libs", Version: "1:3.0.7-25.el9", Ecosystem: "AlmaLinux:9", PURL: "pkg:rpm/almalinux/openssl-libs@3.0.7-25.el9?epoch=1&upstream=openssl-3.0.7-25.el9.src.rpm&distro=almalinux-9.3", Source: "identities.json: components[4]"},
		},
	}, {
		name: "problems.json",
		doc: bom(`{"type":"library","name":"tool","version":"1.0","purl":"pkg:github/acme/tool@1.0"},
			{"type":"library","name":"bare","version":"1.0"},
			{"type":"library","name":"broken","version":"1.0","purl":"npm:broken@1.0","cpe":"cpe:2.3:a:x:broken:1.0:*:*:*:*:*:*:*"},
			{"type":"library","name":"gitdep","version":"git+https://x/y.git#abc","purl":"pkg:npm/gitdep"},
			{"type":"library","name":"dup","version":"1.0.0","purl":"pkg:npm/dup@1.0.0","licenses":[{"license":{"id":"MIT"}}]},
			{"type":"library","name":"dup","version":"1.0.0","purl":"pkg:npm/dup@1.0.0","licenses":[{"license":{"id":"ISC"}}]}`,
			`{"ref":"app","dependsOn":["nowhere"]},{"ref":"ghost"}`),
		want: []asset.Component{
			{Name: "tool", Version: "1.0", PURL: "pkg:github/acme/tool@1.0", Source: "problems.json: components[0]"},
			{Name: "broken", Version: "1.0", CPEs: []string{"cpe:2.3:a:x:broken:1.0:*:*:*:*:*:*:*"}, Source: "problems.json: components[2]"},
			{Name: "gitdep", Version: "git+https://x/y.git#abc", Ecosystem: "npm", PURL: "pkg:npm/gitdep", Source: "problems.json: components[3]"},
			{Name: "dup", Version: "1.0.0", Ecosystem: "npm", PURL: "pkg:npm/dup@1.0.0", Source: "problems.json: components[4]", Licenses: []string{"MIT", "ISC"}},
		},
		errs: []string{
			`components[0] (tool@1.0): purl: malformed input: no OSV ecosystem for purl type "github"`,
			`components[1] (bare@1.0): malformed input: invalid asset: bare: no ecosystem, purl or CPE to match by; skipped`,
			`components[2] (broken@1.0): purl: malformed input: invalid purl "npm:broken@1.0": purl scheme is not "pkg": "npm:broken@1.0"`,
			`components[3] (gitdep@git+https://x/y.git#abc): version: malformed input: "git+https://x/y.git#abc" is not a npm semver version`,
			`dependencies[0]: dependsOn[0]: malformed input: "nowhere" names no component`,
			`dependencies[1]: ref: malformed input: "ghost" names no component`,
		},
	}, {
		// One component with a member of the wrong type fails
		// json.Unmarshal for the whole document; the rest is salvaged.
		name: "salvage.json",
		doc: bom(`{"type":"library","name":"ok","version":"1.0.0","purl":"pkg:npm/ok@1.0.0"},
			{"type":"library","name":"bad","version":"1.0.0","purl":{"not":"a string"}}`, ""),
		want: []asset.Component{{Name: "ok", Version: "1.0.0", Ecosystem: "npm", PURL: "pkg:npm/ok@1.0.0", Source: "salvage.json: components[0]"}},
		errs: []string{`components[1]: purl: malformed input: got JSON object, want string; skipped`},
	}, {
		name: "xxe.xml",
		doc: `<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1"><components><component type="library"><name>&xxe;</name></component></components></bom>`,
		err: `xxe.xml: malformed input: line 1: <!DOCTYPE...> refused: no DTD is needed here`,
	}, {
		name: "laughs.xml",
		doc: `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components><component type="library"><name>&lol1;</name></component></components></bom>`,
		err: `laughs.xml: malformed input: line 2: <!DOCTYPE...> refused: no DTD is needed here`,
	}, {
		// Without a DOCTYPE an entity is undefined, and encoding/xml
		// refuses it rather than expanding anything.
		name: "entity.xml",
		doc:  `<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components><component type="library"><name>&xxe;</name></component></components></bom>`,
		err:  `entity.xml: malformed input: XML syntax error on line 1: invalid character entity &xxe;`,
	}, {
		name: "namespace.xml",
		doc:  `<bom xmlns="http://cyclonedx.org/schema/bom/12"/>`,
		err:  `namespace.xml: malformed input: bom: namespace "http://cyclonedx.org/schema/bom/12" is not a CycloneDX version (http://cyclonedx.org/schema/bom/1.0 to 1.7)`,
	}, {
		name: "spdx.json",
		doc:  `{"spdxVersion":"SPDX-2.3","packages":[]}`,
		err:  `spdx.json: malformed input: bomFormat: "", want "CycloneDX"`,
	}, {
		name: "truncated.json",
		doc:  `{"bomFormat":"CycloneDX","components":[{"name":"a"`,
		err:  `truncated.json: malformed input: components[0].name: unexpected end of JSON input`,
	}, {
		name: "components.json",
		doc:  `{"bomFormat":"CycloneDX","specVersion":"1.4","components":{"name":"a"}}`,
		err:  `components.json: malformed input: components: got JSON object, want array`,
	}, {
		name: "empty.json",
		doc:  " \n",
		err:  `empty.json: malformed input: empty document`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := Parse(tt.name, strings.NewReader(tt.doc))
			inventorytest.Expect(t, inv, err, tt.err, tt.want, tt.errs)
		})
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"bom.json", `{"bomFormat": "CycloneDX", "specVersion": "1.4"}`, true},
		{"bom.json", "\xef\xbb\xbf\n  {\"$schema\":\"x\",\"bomFormat\":\"CycloneDX\"", true},
		{"bom.xml", `<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.3" version="1">`, true},
		{"bom.xml", `<cdx:bom xmlns:cdx="http://cyclonedx.org/schema/bom/1.5">`, true},
		{"bom.json", `{"spdxVersion":"SPDX-2.3"}`, false},
		{"bom.xml", `<bomb xmlns="http://cyclonedx.org/schema/bom/1.3">`, false},
		{"x.json", ``, false},
	}
	for _, tt := range tests {
		if got := Sniff(tt.name, []byte(tt.head)); got != tt.want {
			t.Errorf("Sniff(%q, %q) = %v, want %v", tt.name, tt.head, got, tt.want)
		}
	}
}

// TestReadLimit: a document past sbom's bound fails whole, without being
// read to its end.
func TestReadLimit(t *testing.T) {
	r := io.MultiReader(strings.NewReader(`{"bomFormat":"CycloneDX","components":[`), endless{})
	_, err := Parse("huge.json", r)
	if !errors.Is(err, feed.ErrFormat) || !errors.Is(err, feed.ErrTooLarge) {
		t.Errorf("error %v, want ErrFormat and ErrTooLarge", err)
	}
}

type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}
