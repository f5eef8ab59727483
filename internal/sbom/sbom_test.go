package sbom

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// TestDetect runs real files of every format through Detect and ParseAny:
// each must be claimed by its own format, and parse.
func TestDetect(t *testing.T) {
	tests := []struct {
		path   string // relative to internal/sbom, or shared: for the corpus
		format string
	}{
		{"shared:cyclonedx/examples/SBOM/keycloak-10.0.2/bom.json", "cyclonedx"},
		{"shared:cyclonedx/examples/SBOM/laravel-7.12.0/bom.1.1.xml", "cyclonedx"},
		{"shared:cyclonedx/examples/VEX/bom.json", "cyclonedx"},
		{"shared:spdx/SPDXJSONExample-v2.3.spdx.json", "spdx"},
		{"shared:spdx/SPDXTagExample-v2.3.spdx", "spdx"},
		{"../../go.mod", "lockfile"},
		{"../../go.sum", "lockfile"},
		{"lockfile/testdata/npm/nested-v2/package-lock.json", "lockfile"},
		{"lockfile/testdata/yarn/multiple-versions-v2/yarn.lock", "lockfile"},
		{"lockfile/testdata/pnpm/mixed-groups-v9/pnpm-lock.yaml", "lockfile"},
		{"lockfile/testdata/requirements/example/requirements.txt", "lockfile"},
		{"lockfile/testdata/poetry/source-git/poetry.lock", "lockfile"},
		{"lockfile/testdata/pipenv/one-package-dev/Pipfile.lock", "lockfile"},
		{"lockfile/testdata/cargo/many-packages/Cargo.lock", "lockfile"},
		{"lockfile/testdata/composer/two-packages/composer.lock", "lockfile"},
		{"lockfile/testdata/bundler/rails/Gemfile.lock", "lockfile"},
		{"lockfile/testdata/maven/interpolation/pom.xml", "lockfile"},
		{"lockfile/testdata/nuget/valid/packages.lock.json", "lockfile"},
		{"ospkg/testdata/dpkg/status", "ospkg"},
		{"ospkg/testdata/apk/installed", "ospkg"},
		{"ospkg/testdata/rpm/cbl-mariner-2.0.txt", "ospkg"},
		{"ospkg/testdata/rpm/centos7-plain.txt", "ospkg"},
	}
	for _, tt := range tests {
		path := tt.path
		if rel, ok := strings.CutPrefix(path, "shared:"); ok {
			path = feedtest.SharedData(t, rel)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, ok := Detect(filepath.Base(path), b[:min(len(b), HeadSize)])
		if !ok || f.Name != tt.format {
			t.Errorf("%s: detected %q (%v), want %s", tt.path, f.Name, ok, tt.format)
		}
		r, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		inv, err := ParseAny(filepath.Base(path), r)
		r.Close()
		if err != nil || len(inv.Components) == 0 {
			t.Errorf("%s: %d components, %v", tt.path, len(inv.Components), err)
		}
	}
}

func TestParseAnyUnknown(t *testing.T) {
	_, err := ParseAny("notes.md", strings.NewReader("# hello\n"))
	if !errors.Is(err, feed.ErrFormat) || err.Error() != "notes.md: malformed input: not an SBOM, lockfile or package list vmc reads" {
		t.Errorf("error %v", err)
	}
	_, err = ParseAny("bom.json", io.MultiReader(strings.NewReader(`{"bomFormat":"CycloneDX","x":"`), failing{}))
	if !errors.Is(err, feed.ErrFormat) {
		t.Errorf("read failure: %v", err)
	}
}

type failing struct{}

func (failing) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }
