package lockfile

import (
	"io"
	"path"
	"strings"

	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// format is one lockfile format: the file names it has and its parser.
type format struct {
	name  string
	match func(base string) bool
	// parse reads data into b. Its error is for a file that cannot be read
	// at all, and names the file (inventory.Errorf).
	parse func(b *inventory.Builder, data []byte) error
}

func named(names ...string) func(string) bool {
	return func(base string) bool {
		for _, n := range names {
			if strings.EqualFold(base, n) {
				return true
			}
		}
		return false
	}
}

// formats lists every lockfile format, in no particular order: file names
// do not overlap.
var formats = []format{
	{"go.mod", named("go.mod"), parseGoMod},
	{"go.sum", named("go.sum"), parseGoSum},
	{"package-lock.json", named("package-lock.json", "npm-shrinkwrap.json"), parseNPM},
	{"yarn.lock", named("yarn.lock"), parseYarn},
	{"pnpm-lock.yaml", named("pnpm-lock.yaml"), parsePNPM},
	{"requirements.txt", isRequirements, parseRequirements},
	{"poetry.lock", named("poetry.lock"), parsePoetry},
	{"Pipfile.lock", named("Pipfile.lock"), parsePipfile},
	{"Cargo.lock", named("Cargo.lock"), parseCargo},
	{"composer.lock", named("composer.lock"), parseComposer},
	{"Gemfile.lock", named("Gemfile.lock", "gems.locked"), parseGemfile},
	{"pom.xml", func(b string) bool {
		return strings.EqualFold(b, "pom.xml") || strings.HasSuffix(strings.ToLower(b), ".pom")
	}, parsePOM},
	{"packages.lock.json", named("packages.lock.json"), parseNuGet},
}

// isRequirements matches pip's conventional names: requirements.txt,
// requirements-dev.txt, requirements_test.txt, dev-requirements.txt.
func isRequirements(base string) bool {
	b := strings.ToLower(base)
	return strings.HasSuffix(b, ".txt") && (strings.HasPrefix(b, "requirements") || strings.HasSuffix(b, "requirements.txt"))
}

func find(name string) (format, bool) {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	for _, f := range formats {
		if f.match(base) {
			return f, true
		}
	}
	return format{}, false
}

// Sniff reports whether name is a lockfile vmc reads. Lockfiles are known
// by their file names, which their tools fix; the content is not
// consulted (a requirements.txt has no signature at all).
func Sniff(name string, head []byte) bool {
	_, ok := find(name)
	return ok
}

// Parse reads one lockfile, chosen by its file name (see the package
// documentation for the names and what each yields). The error is for a
// file that cannot be read at all, or whose name is none of the
// lockfiles'; it names the file and wraps feed.ErrFormat. Problems with
// single entries are in Inventory.Errors.
func Parse(name string, r io.Reader) (inventory.Inventory, error) {
	f, ok := find(name)
	if !ok {
		return inventory.Inventory{}, inventory.Errorf(name, "not a lockfile vmc knows by name")
	}
	data, err := inventory.ReadAll(name, r)
	if err != nil {
		return inventory.Inventory{}, err
	}
	b := inventory.NewBuilder(name)
	if err := f.parse(b, data); err != nil {
		return inventory.Inventory{}, err
	}
	return b.Inventory(), nil
}
