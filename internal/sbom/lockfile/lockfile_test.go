package lockfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

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

type goldenInventory struct {
	Subject    string            `json:"subject,omitempty"`
	Components []asset.Component `json:"components"`
	Errors     []string          `json:"errors,omitempty"`
}

// TestTestdata parses every real lockfile in testdata, checks a summary of
// each, and compares the whole inventory with its golden file.
func TestTestdata(t *testing.T) {
	tests := []struct {
		file    string
		subject string
		// components, Direct ones, DependsOn edges, errors
		components, direct, edges, errs int
	}{
		{"bundler/has-git-gem/Gemfile.lock", "", 5, 1, 4, 0},
		{"bundler/rails/Gemfile.lock", "", 46, 1, 95, 0},
		{"bundler/rubocop/Gemfile.lock", "", 10, 1, 10, 0},
		{"cargo/many-packages/Cargo.lock", "", 6, 0, 1, 0},
		{"cargo/real-rust-project/Cargo.lock", "real-vuln-rust-project@0.1.0", 2, 1, 1, 0},
		{"cargo/two-packages-with-local/Cargo.lock", "local-rust-pkg@0.1.0", 1, 0, 0, 0},
		{"composer/drupal-packages/composer.lock", "", 4, 0, 2, 0},
		{"composer/two-packages/composer.lock", "", 2, 0, 0, 0},
		{"gomod/indirect-1.23/go.mod", "test", 2, 1, 0, 0},
		{"gomod/indirect-1.23/go.sum", "", 0, 0, 0, 1}, // deliberately malformed upstream
		{"gomod/replace-mixed/go.mod", "", 2, 2, 0, 0},
		{"gomod/toolchain/go.mod", "my-library", 2, 1, 0, 0},
		{"maven/ambiguous-interpolation/pom.xml", "", 1, 1, 0, 0},
		{"maven/interpolation/pom.xml", "io.library:my-library@1.0-SNAPSHOT", 2, 2, 0, 1},
		{"maven/with-dependency-management/pom.xml", "", 2, 2, 0, 0},
		{"maven/with-parent/pom.xml", "com.mycompany.app:my-app@1.0", 3, 3, 0, 1},
		{"maven/with-scope/pom.xml", "", 2, 2, 0, 0},
		{"npm/alias-v1/package-lock.json", "", 3, 0, 0, 0},
		{"npm/alias-v2/package-lock.json", "my-library", 3, 3, 0, 0},
		{"npm/guidedremediation-v2/package-lock.json", "r@1.0.0", 6, 3, 5, 0},
		{"npm/nested-v1/package-lock.json", "", 5, 0, 3, 0},
		{"npm/nested-v2/package-lock.json", "my-library", 5, 0, 3, 0},
		{"npm/workspaces-v3/package-lock.json", "my-monorepo@1.0.0", 2, 2, 0, 0},
		{"nuget/valid/packages.lock.json", "", 8, 1, 9, 0},
		{"pipenv/multiple-packages/Pipfile.lock", "", 4, 0, 0, 0},
		{"pipenv/one-package-dev/Pipfile.lock", "", 1, 0, 0, 0},
		{"pnpm/mixed-groups-v6/pnpm-lock.yaml", "", 3, 3, 0, 0},
		{"pnpm/mixed-groups-v9/pnpm-lock.yaml", "", 3, 3, 0, 0},
		{"pnpm/multiple-packages-v5/pnpm-lock.yaml", "", 14, 1, 16, 0},
		{"pnpm/peer-dependencies-advanced-v9/pnpm-lock.yaml", "", 13, 4, 30, 0},
		{"poetry/multiple-packages-v2/poetry.lock", "", 11, 0, 7, 0},
		{"poetry/source-git/poetry.lock", "", 1, 0, 0, 0},
		// pip's own example: of 27 requirements one is pinned with ==; the
		// rest are ranges, URLs, paths and -r/-c, each reported.
		{"requirements/example/requirements.txt", "", 1, 0, 0, 12},
		{"requirements/per-req-options/requirements.txt", "", 15, 0, 0, 3},
		{"yarn/commits-v1/yarn.lock", "", 18, 0, 0, 0},
		{"yarn/multiple-versions-v1/yarn.lock", "", 4, 0, 0, 0},
		{"yarn/multiple-versions-v2/yarn.lock", "", 3, 0, 0, 0},
		{"yarn/scoped-packages-v2/yarn.lock", "", 3, 0, 0, 0},
		{"yarn/with-aliases-v1/yarn.lock", "", 3, 0, 0, 0},
	}
	var files []string
	filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(p, "golden") && !strings.Contains(p, "fuzz") && filepath.Base(p) != "README.md" {
			files = append(files, filepath.ToSlash(strings.TrimPrefix(p, "testdata/")))
		}
		return err
	})
	for _, tt := range tests {
		files = slices.DeleteFunc(files, func(f string) bool { return f == tt.file })
		inv, err := parseFile(t, filepath.Join("testdata", tt.file))
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		direct, edges := 0, 0
		g := goldenInventory{Subject: inv.Subject, Components: inv.Components}
		for _, c := range inv.Components {
			if c.Direct {
				direct++
			}
			edges += len(c.DependsOn)
			if err := c.Validate(); err != nil {
				t.Errorf("%s: %s: %v", tt.file, c.Source, err)
			}
		}
		for _, e := range inv.Errors {
			g.Errors = append(g.Errors, e.Error())
			var re *feed.RecordError
			if !errors.As(e, &re) || !errors.Is(e, feed.ErrFormat) {
				t.Errorf("%s: %v is not a RecordError wrapping ErrFormat", tt.file, e)
			}
		}
		if inv.Subject != tt.subject || len(inv.Components) != tt.components || direct != tt.direct || edges != tt.edges || len(inv.Errors) != tt.errs {
			t.Errorf("%s: subject %q, %d components, %d direct, %d edges, %d errors; want %q, %d, %d, %d, %d",
				tt.file, inv.Subject, len(inv.Components), direct, edges, len(inv.Errors), tt.subject, tt.components, tt.direct, tt.edges, tt.errs)
		}
		feedtest.Golden(t, filepath.Join("testdata", "golden", strings.ReplaceAll(tt.file, "/", "_")+".golden"), g)
	}
	if len(files) > 0 {
		t.Errorf("testdata files without a row: %v", files)
	}
}

// TestRepoGoMod reads vmc's own go.mod and go.sum.
func TestRepoGoMod(t *testing.T) {
	mod, err := parseFile(t, filepath.Join("..", "..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := parseFile(t, filepath.Join("..", "..", "..", "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if mod.Subject != "github.com/vmc-dev/vmc" || len(mod.Errors) != 0 || len(sum.Errors) != 0 {
		t.Errorf("subject %q, errors %v %v", mod.Subject, mod.Errors, sum.Errors)
	}
	find := func(inv inventory.Inventory, name string) (asset.Component, bool) {
		i := slices.IndexFunc(inv.Components, func(c asset.Component) bool { return c.Name == name })
		if i < 0 {
			return asset.Component{}, false
		}
		return inv.Components[i], true
	}
	// The go directive names a full release, so the standard library is a
	// component; cobra is required directly, puddle (pgx's connection
	// pool) indirectly.
	if c, ok := find(mod, "stdlib"); !ok || !strings.HasPrefix(c.PURL, "pkg:golang/stdlib@go1.") || strings.HasPrefix(c.Version, "go") {
		t.Errorf("stdlib: %+v", c)
	}
	if c, ok := find(mod, "github.com/spf13/cobra"); !ok || !c.Direct || c.Ecosystem != "Go" || strings.HasPrefix(c.Version, "v") {
		t.Errorf("cobra: %+v", c)
	}
	if c, ok := find(mod, "github.com/jackc/puddle/v2"); !ok || c.Direct {
		t.Errorf("puddle: %+v", c)
	}
	// Every module go.mod requires has its code hash in go.sum (Go 1.17+
	// records the whole pruned graph in go.mod).
	have := map[string]bool{}
	for _, c := range sum.Components {
		have[c.Key()] = true
	}
	for _, c := range mod.Components {
		if c.Name != "stdlib" && !have[c.Key()] {
			t.Errorf("%s %s is in go.mod but not go.sum", c.Name, c.Version)
		}
	}
	if len(mod.Components) < 20 || len(sum.Components) < len(mod.Components)-1 {
		t.Errorf("%d components in go.mod, %d in go.sum", len(mod.Components), len(sum.Components))
	}
}

// TestParse holds rows constructed for what the real files above lack:
// bad and hostile input, and the rules each format's documentation states.
// Each is a few lines, named for the rule.
func TestParse(t *testing.T) {
	key := func(eco, name, version string) string {
		return asset.Component{Ecosystem: eco, Name: name, Version: version}.Key()
	}
	tests := []struct {
		name, doc string
		want      []asset.Component
		errs      []string
		err       string
	}{{
		name: "go.mod",
		doc: "module example.com/m\n\ngo 1.21\n\nrequire (\n\t\"example.com/quoted\" v1.0.0\n\texample.com/local v1.0.0\n\texample.com/bad\n)\n" +
			"replace example.com/local => ../local\nreplace (\n\texample.com/x v1 => \n)\n",
		want: []asset.Component{{Name: "example.com/quoted", Version: "1.0.0", Ecosystem: "Go", PURL: "pkg:golang/example.com/quoted@v1.0.0",
			Source: "go.mod: line 6", Direct: true}},
		errs: []string{
			`line 12: replace: malformed input: want OLD [VERSION] => NEW [VERSION], got "example.com/x v1 =>"`,
			`line 8: require: malformed input: want PATH VERSION, got "example.com/bad"`,
		},
	}, {
		// Go's pre-release names become the semver the Go vulnerability
		// database writes (golang/vuln GoTagToSemver).
		name: "go.mod",
		doc:  "module example.com/m\n\ngo 1.21rc1\n\ntoolchain go1.21rc2\n",
		want: []asset.Component{{Name: "stdlib", Version: "1.21.0-rc.2", Ecosystem: "Go", PURL: "pkg:golang/stdlib@go1.21rc2", Source: "go.mod: toolchain"}},
	}, {
		name: "go.mod",
		doc:  "module example.com/m\n\ngo 1.22rc1\n",
		want: []asset.Component{{Name: "stdlib", Version: "1.22.0-rc.1", Ecosystem: "Go", PURL: "pkg:golang/stdlib@go1.22rc1", Source: "go.mod: go"}},
	}, {
		name: "package-lock.json",
		doc: `{"name":"app","lockfileVersion":3,"packages":{"":{"dependencies":{"a":"^1"}},
			"node_modules/a":{"version":"1.0.0","dependencies":{"b":"*"}},
			"node_modules/a/node_modules/b":{"version":"2.0.0"},
			"node_modules/b":{"version":"1.0.0"},
			"node_modules/git":{"version":"github:user/repo#abc"},
			"node_modules/nover":{},
			"node_modules/bad":{"version":7}}}`,
		want: []asset.Component{
			{Name: "a", Version: "1.0.0", Ecosystem: "npm", PURL: "pkg:npm/a@1.0.0", Source: "package-lock.json: node_modules/a", Direct: true,
				DependsOn: []string{key("npm", "b", "2.0.0")}},
			{Name: "b", Version: "2.0.0", Ecosystem: "npm", PURL: "pkg:npm/b@2.0.0", Source: "package-lock.json: node_modules/a/node_modules/b"},
			{Name: "b", Version: "1.0.0", Ecosystem: "npm", PURL: "pkg:npm/b@1.0.0", Source: "package-lock.json: node_modules/b"},
			{Name: "git", Version: "github:user/repo#abc", Ecosystem: "npm", PURL: "pkg:npm/git@github:user%2Frepo%23abc", Source: "package-lock.json: node_modules/git"},
		},
		errs: []string{
			`packages.node_modules/bad: malformed input: version: got JSON number, want string`,
			`node_modules/git (git@github:user/repo#abc): version: malformed input: "github:user/repo#abc" is not a npm semver version`,
			`node_modules/nover (nover): version: malformed input: missing; skipped`,
		},
	}, {
		name: "yarn.lock",
		doc:  "# yarn lockfile v1\n\n\"@s/a@^1\", \"@s/a@^1.1\":\n  version \"1.2.0\"\n  dependencies:\n    b \"^2\"\n\nb@^2:\n  version \"2.0.0\"\n\nnot a header\n",
		want: []asset.Component{
			{Name: "@s/a", Version: "1.2.0", Ecosystem: "npm", PURL: "pkg:npm/%40s/a@1.2.0", Source: `yarn.lock: "@s/a@^1", "@s/a@^1.1"`,
				DependsOn: []string{key("npm", "b", "2.0.0")}},
			{Name: "b", Version: "2.0.0", Ecosystem: "npm", PURL: "pkg:npm/b@2.0.0", Source: "yarn.lock: b@^2"},
		},
		errs: []string{`line 11: malformed input: not an entry header: "not a header"`},
	}, {
		name: "pnpm-lock.yaml",
		doc:  "lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies:\n      a:\n        specifier: ^1\n        version: 1.0.0(b@2.0.0)\npackages:\n  a@1.0.0:\n    resolution: {integrity: x}\n  b@2.0.0:\n    resolution: {integrity: y}\nsnapshots:\n  a@1.0.0(b@2.0.0):\n    dependencies:\n      b: 2.0.0\n  b@2.0.0: {}\n",
		want: []asset.Component{
			{Name: "a", Version: "1.0.0", Ecosystem: "npm", PURL: "pkg:npm/a@1.0.0", Source: "pnpm-lock.yaml: a@1.0.0", Direct: true,
				DependsOn: []string{key("npm", "b", "2.0.0")}},
			{Name: "b", Version: "2.0.0", Ecosystem: "npm", PURL: "pkg:npm/b@2.0.0", Source: "pnpm-lock.yaml: b@2.0.0"},
		},
	}, {
		name: "pnpm-lock.yaml",
		doc:  "lockfileVersion: [\n",
		err:  "pnpm-lock.yaml: malformed input: yaml: line 1: did not find expected node content",
	}, {
		name: "requirements-dev.txt",
		doc:  "Django_Rest.Framework[extra] == 3.14.0 ; python_version > '3.8' --hash=sha256:00\nflask>=2\n-e .\n-r base.txt\nx @ https://h/x.zip\n",
		want: []asset.Component{{Name: "django-rest-framework", Version: "3.14.0", Ecosystem: "PyPI", PURL: "pkg:pypi/django-rest-framework@3.14.0",
			Source: "requirements-dev.txt: line 1"}},
		errs: []string{
			`line 2 (flask): version: malformed input: not pinned with == (>=2); skipped`,
			`line 4: malformed input: "-r base.txt": the file it names is not read from here; parse it on its own`,
			`line 5 (x): version: malformed input: installed from https://h/x.zip, not pinned to a release; skipped`,
		},
	}, {
		name: "Pipfile.lock",
		doc:  `{"default":{"Requests":{"version":"==2.31.0"},"local":{"path":".","editable":true}},"develop":{"bad":[]}}`,
		want: []asset.Component{{Name: "requests", Version: "2.31.0", Ecosystem: "PyPI", PURL: "pkg:pypi/requests@2.31.0", Source: "Pipfile.lock: default.Requests"}},
		errs: []string{
			`default.local (local): version: malformed input: not pinned with == (""); skipped`,
			`develop.bad: malformed input: got JSON array, want object`,
		},
	}, {
		name: "poetry.lock",
		doc:  "[[package]]\nname = \"A_B\"\nversion = \"1.0\"\n[package.dependencies]\nc = \">=1\"\n\n[[package]]\nname = \"c\"\nversion = '2.0'\n\n[[package]]\nname = \"mine\"\nversion = \"0.1\"\n[package.source]\ntype = \"directory\"\nurl = \"../mine\"\n",
		want: []asset.Component{
			{Name: "a-b", Version: "1.0", Ecosystem: "PyPI", PURL: "pkg:pypi/a-b@1.0", Source: "poetry.lock: package[0]", DependsOn: []string{key("PyPI", "c", "2.0")}},
			{Name: "c", Version: "2.0", Ecosystem: "PyPI", PURL: "pkg:pypi/c@2.0", Source: "poetry.lock: package[1]"},
		},
	}, {
		name: "poetry.lock",
		doc:  "[[package]]\nname = \"a\nversion = \"1\"\n",
		err:  "poetry.lock: malformed input: line 2: unterminated string",
	}, {
		name: "Cargo.lock",
		doc:  "[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"serde 1.0.0\", \"serde 2.0.0 (registry+x)\"]\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\n\n[[package]]\nname = \"serde\"\nversion = \"2.0.0\"\nsource = \"registry+x\"\n\n[[package]]\nname = \"nover\"\nsource = \"registry+x\"\n",
		want: []asset.Component{
			{Name: "serde", Version: "1.0.0", Ecosystem: "crates.io", PURL: "pkg:cargo/serde@1.0.0", Source: "Cargo.lock: package[1]", Direct: true},
			{Name: "serde", Version: "2.0.0", Ecosystem: "crates.io", PURL: "pkg:cargo/serde@2.0.0", Source: "Cargo.lock: package[2]", Direct: true},
		},
		errs: []string{`package[3] (nover): malformed input: name or version missing; skipped`},
	}, {
		name: "composer.lock",
		doc:  `{"packages":[{"name":"a/b","version":"v1.2.3","require":{"php":">=8","c/d":"^1"}},{"name":"c/d","version":"dev-main"}],"packages-dev":[{"name":"x"}]}`,
		want: []asset.Component{
			{Name: "a/b", Version: "v1.2.3", Ecosystem: "Packagist", PURL: "pkg:composer/a/b@v1.2.3", Source: "composer.lock: packages[0]",
				DependsOn: []string{key("Packagist", "c/d", "dev-main")}},
			{Name: "c/d", Version: "dev-main", Ecosystem: "Packagist", PURL: "pkg:composer/c/d@dev-main", Source: "composer.lock: packages[1]"},
		},
		errs: []string{
			`packages[1] (c/d@dev-main): version: malformed input: "dev-main" is a development branch, not a release`,
			`packages-dev[0] (x): malformed input: name or version missing; skipped`,
		},
	}, {
		name: "Gemfile.lock",
		doc:  "PATH\n  remote: .\n  specs:\n    mine (0.1.0)\n      nokogiri\n\nGEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.16.0-x86_64-linux)\n      racc (~> 1.4)\n    racc (1.7.3)\n    broken\n\nDEPENDENCIES\n  mine!\n  nokogiri (>= 1)\n",
		want: []asset.Component{
			{Name: "nokogiri", Version: "1.16.0", Ecosystem: "RubyGems", PURL: "pkg:gem/nokogiri@1.16.0", Source: "Gemfile.lock: line 10", Direct: true,
				DependsOn: []string{key("RubyGems", "racc", "1.7.3")}},
			{Name: "racc", Version: "1.7.3", Ecosystem: "RubyGems", PURL: "pkg:gem/racc@1.7.3", Source: "Gemfile.lock: line 12"},
		},
		errs: []string{`line 13: malformed input: want NAME (VERSION), got "broken"`},
	}, {
		name: "pom.xml",
		doc: `<project><groupId>g</groupId><artifactId>app</artifactId><version>1.0</version>
<properties><a>${b}</a><b>${a}</b><lib.version>2.0</lib.version></properties>
<dependencies>
<dependency><groupId>${project.groupId}</groupId><artifactId>lib</artifactId><version>${lib.version}</version></dependency>
<dependency><groupId>g</groupId><artifactId>managed</artifactId></dependency>
<dependency><groupId>g</groupId><artifactId>cycle</artifactId><version>${a}</version></dependency>
<dependency><groupId>g</groupId><artifactId>env</artifactId><version>${env.V}</version></dependency>
</dependencies>
<dependencyManagement><dependencies><dependency><groupId>g</groupId><artifactId>managed</artifactId><version>3.0</version></dependency></dependencies></dependencyManagement>
</project>`,
		want: []asset.Component{
			{Name: "g:lib", Version: "2.0", Ecosystem: "Maven", PURL: "pkg:maven/g/lib@2.0", Source: "pom.xml: dependency[0]", Direct: true},
			{Name: "g:managed", Version: "3.0", Ecosystem: "Maven", PURL: "pkg:maven/g/managed@3.0", Source: "pom.xml: dependency[1]", Direct: true},
		},
		errs: []string{
			`dependency[2] (g:cycle): version: malformed input: "${a}": properties refer to each other in a cycle; skipped`,
			`dependency[3] (g:env): version: malformed input: ${env.V} not defined in this file; skipped`,
		},
	}, {
		name: "pom.xml",
		doc:  `<?xml version="1.0"?><!DOCTYPE project [<!ENTITY x SYSTEM "file:///etc/passwd">]><project><artifactId>&x;</artifactId></project>`,
		err:  "pom.xml: malformed input: line 1: <!DOCTYPE...> refused: no DTD is needed here",
	}, {
		name: "packages.lock.json",
		doc:  `{"version":1,"dependencies":{"net8.0":{"A":{"type":"Direct","resolved":"1.0.0","dependencies":{"b":"2.0.0"}},"B":{"type":"Transitive","resolved":"2.0.0"},"Proj":{"type":"Project"}}}}`,
		want: []asset.Component{
			{Name: "A", Version: "1.0.0", Ecosystem: "NuGet", PURL: "pkg:nuget/A@1.0.0", Source: "packages.lock.json: net8.0/A", Direct: true,
				DependsOn: []string{key("NuGet", "B", "2.0.0")}},
			{Name: "B", Version: "2.0.0", Ecosystem: "NuGet", PURL: "pkg:nuget/B@2.0.0", Source: "packages.lock.json: net8.0/B"},
		},
	}, {
		name: "package-lock.json",
		doc:  `{"packages":[]}`,
		err:  "package-lock.json: malformed input: packages: got JSON array, want object",
	}, {
		name: "setup.py",
		err:  "setup.py: malformed input: not a lockfile vmc knows by name",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := Parse(tt.name, strings.NewReader(tt.doc))
			inventorytest.Expect(t, inv, err, tt.err, tt.want, tt.errs)
		})
	}
}

// TestYAMLAliases: a "billion laughs" of YAML aliases, placed where the
// decoders must expand it, fails fast (yaml.v3 refuses excessive
// aliasing) instead of building 9^9 nodes.
func TestYAMLAliases(t *testing.T) {
	var doc strings.Builder
	doc.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&doc, "a%d: &a%d [", i, i)
		for range 9 {
			fmt.Fprintf(&doc, "*a%d, ", i-1)
		}
		doc.WriteString("]\n")
	}
	for _, tt := range []struct{ name, doc string }{
		{"pnpm-lock.yaml", doc.String() + "packages:\n  x@1.0.0:\n    dependencies: *a9\n"},
		{"yarn.lock", "__metadata:\n  version: 6\n" + doc.String() + "\"x@npm:1\":\n  dependencies: *a9\n"},
	} {
		start := time.Now()
		inv, err := Parse(tt.name, strings.NewReader(tt.doc))
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s: took %v", tt.name, d)
		}
		if err == nil && len(inv.Errors) == 0 {
			t.Errorf("%s: accepted", tt.name)
		}
	}
}

func TestTOML(t *testing.T) {
	doc := `# comment
version = 3
[[package]]
name = "a" # trailing
list = [
  "x 1.0", # one
  'y',
]
inline = {k = "v", n.m = true}
esc = "tab\there \u00e9"
multi = """
line1 \
  joined"""
lit = '''raw\n'''
[package.source]
type = "git"
[[package]]
"quoted key" = 1
`
	got, err := parseTOML([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"version": "3",
		"package": []any{
			map[string]any{"name": "a", "list": []any{"x 1.0", "y"}, "inline": map[string]any{"k": "v", "n": map[string]any{"m": "true"}},
				"esc": "tab\there é", "multi": "line1 joined", "lit": `raw\n`, "source": map[string]any{"type": "git"}},
			map[string]any{"quoted key": "1"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	for _, bad := range []string{"a = \"x", "[a\n", "a = [1,", "a = {b = 1", "= 1", "a = \"\\q\"", strings.Repeat("a = ", 1) + strings.Repeat("[", 200)} {
		if _, err := parseTOML([]byte(bad)); err == nil {
			t.Errorf("%q: accepted", bad)
		}
	}
}

func TestSniff(t *testing.T) {
	for name, want := range map[string]bool{
		"go.mod": true, "x/go.sum": true, `C:\p\package-lock.json`: true, "npm-shrinkwrap.json": true, "yarn.lock": true,
		"pnpm-lock.yaml": true, "requirements.txt": true, "requirements-dev.txt": true, "dev-requirements.txt": true,
		"poetry.lock": true, "Pipfile.lock": true, "Cargo.lock": true, "composer.lock": true, "Gemfile.lock": true,
		"gems.locked": true, "pom.xml": true, "lib-1.0.pom": true, "packages.lock.json": true,
		"package.json": false, "requirements.in": false, "bom.json": false, "status": false, "notes.txt": false,
	} {
		if got := Sniff(name, nil); got != want {
			t.Errorf("Sniff(%q) = %v, want %v", name, got, want)
		}
	}
}

// FuzzParse feeds mutated lockfiles to Parse under every lockfile name.
// It must not panic; a whole-file error must wrap feed.ErrFormat, entry
// errors must be RecordErrors, and every component must pass Validate and
// survive a JSON round trip. Seeds are the testdata files.
func FuzzParse(f *testing.F) {
	filepath.WalkDir("testdata", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(p, "golden") && !strings.Contains(p, "fuzz") && filepath.Base(p) != "README.md" {
			b, _ := os.ReadFile(p)
			f.Add(filepath.Base(p), b)
		}
		return err
	})
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if !Sniff(name, nil) {
			name = formats[len(name)%len(formats)].name
		}
		inv, err := Parse(name, bytes.NewReader(data))
		inventorytest.Fuzzed(t, inv, err)
	})
}
