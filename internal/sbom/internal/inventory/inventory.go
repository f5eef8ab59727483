// Package inventory holds what every SBOM, lockfile and OS package parser
// under internal/sbom shares: the Inventory they return, the size bound
// they read under, the builder that merges repeated components, and the
// purl → OSV ecosystem mapping. It is internal so that callers see only
// sbom.Inventory, an alias of the type here; the sub-packages cannot
// import internal/sbom itself, which lists them.
package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/feed"
)

// Inventory is what one SBOM, lockfile or package list says is installed.
type Inventory struct {
	// Subject names what the document describes (CycloneDX
	// metadata.component, SPDX documentDescribes, the project of a
	// lockfile), as "name@version" or "name", when the document says.
	Subject string `json:"subject,omitempty"`
	// Components are the packages found, each once by asset.Component.Key:
	// a package listed twice (npm's nested copies, one crate in two
	// workspace members) is merged, keeping the first Source and PURL and
	// the union of CPEs, DependsOn and Licenses.
	Components []asset.Component `json:"components"`
	// Errors are the per-component problems, each a *feed.RecordError
	// naming the component (or its position) and the field. The rest of the
	// document was still read.
	Errors []error `json:"-"`
}

// MaxSize bounds one document. The largest real SBOM in the corpus is 2 MB
// (juice-shop); container SBOMs with file lists reach tens of MB. Every
// format here is parsed whole (an SBOM's dependency graph refers back and
// forth), so the bound is what a hostile or runaway file can make vmc hold.
const MaxSize = 64 << 20

// ReadAll reads a whole document of at most MaxSize bytes. An error names
// the file and wraps feed.ErrFormat (and feed.ErrTooLarge past the bound),
// since a document that cannot be read cannot be parsed either.
func ReadAll(name string, r io.Reader) ([]byte, error) {
	br := &feed.BoundedReader{R: r, Limit: MaxSize + 1}
	data, err := io.ReadAll(br)
	if errors.Is(err, feed.ErrTooLarge) || int64(len(data)) > MaxSize {
		return nil, fmt.Errorf("%s: %w: %w (%d MiB)", name, feed.ErrFormat, feed.ErrTooLarge, MaxSize>>20)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w: read: %w", name, feed.ErrFormat, err)
	}
	return bytes.TrimPrefix(data, feed.BOM), nil
}

// Errorf is the error for a document that cannot be parsed at all: it names
// the file and wraps feed.ErrFormat.
func Errorf(name, format string, args ...any) error {
	return fmt.Errorf("%s: %w: "+format, append([]any{name, feed.ErrFormat}, args...)...)
}

// Builder collects the components of one document, merging repeats.
type Builder struct {
	// File is the document's name, the first part of every Source.
	File  string
	inv   Inventory
	index map[string]int   // mergeKey → position in inv.Components
	byKey map[string][]int // Key → positions; several when the ecosystem is unknown
}

// NewBuilder starts an inventory for the document named file.
func NewBuilder(file string) *Builder {
	return &Builder{File: file, index: map[string]int{}, byKey: map[string][]int{}}
}

// mergeKey is Key, with the PURL added when there is no ecosystem: two
// components of unknown ecosystems that share a name and version
// (pkg:github/x and pkg:generic/x) are different things.
func mergeKey(c asset.Component) string {
	if c.Ecosystem == "" {
		return c.Key() + "\x00" + c.PURL
	}
	return c.Key()
}

// Add records c, found at the element at (a path such as
// "components[3].components[1]" or "node_modules/lodash"), unless it has
// nothing to match by, in which case it is reported against record and
// skipped. It returns whether c was kept.
func (b *Builder) Add(record, at string, c asset.Component) bool {
	if c.Source == "" {
		c.Source = b.File + ": " + at
	}
	// Identities must be text: JSON would replace the bad bytes (so the
	// key would change on the way to the store) and PostgreSQL refuses
	// them. The locator and licences are only shown, so they are mended.
	c.Source = strings.ToValidUTF8(c.Source, "\uFFFD")
	c.Licenses = slices.Clone(c.Licenses) // the caller's slice stays as it was
	for i, l := range c.Licenses {
		c.Licenses[i] = strings.ToValidUTF8(l, "\uFFFD")
	}
	for _, f := range append([]string{c.Name, c.Version, c.Ecosystem, c.PURL}, c.CPEs...) {
		if !utf8.ValidString(f) {
			b.Report(strings.ToValidUTF8(record, "\uFFFD"), "", "%q is not UTF-8; skipped", f)
			return false
		}
	}
	if err := c.Validate(); err != nil {
		b.Report(record, "", "%v; skipped", err)
		return false
	}
	k := mergeKey(c)
	i, ok := b.index[k]
	if !ok {
		b.index[k] = len(b.inv.Components)
		b.byKey[c.Key()] = append(b.byKey[c.Key()], len(b.inv.Components))
		b.inv.Components = append(b.inv.Components, c)
		return true
	}
	have := &b.inv.Components[i]
	have.Direct = have.Direct || c.Direct
	have.CPEs = union(have.CPEs, c.CPEs)
	have.DependsOn = union(have.DependsOn, c.DependsOn)
	have.Licenses = union(have.Licenses, c.Licenses)
	if have.PURL == "" {
		have.PURL = c.PURL
	}
	return true
}

// Has reports whether a component with key k (asset.Component.Key) was
// added, so that dependency edges can be checked against what was kept.
func (b *Builder) Has(k string) bool { return len(b.byKey[k]) > 0 }

// Report adds a problem with one record: a *feed.RecordError whose cause
// wraps feed.ErrFormat.
func (b *Builder) Report(record, field, format string, args ...any) {
	b.inv.Errors = append(b.inv.Errors, feed.Errorf(record, field, format, args...))
}

// SetDependsOn replaces the DependsOn of the component keyed k, if kept.
// Parsers that learn the graph after the components (CycloneDX's
// dependencies, SPDX relationships) use it.
func (b *Builder) SetDependsOn(k string, deps []string) {
	for _, i := range b.byKey[k] {
		b.inv.Components[i].DependsOn = union(b.inv.Components[i].DependsOn, deps)
	}
}

// SetDirect marks the components keyed k as direct dependencies.
func (b *Builder) SetDirect(k string) {
	for _, i := range b.byKey[k] {
		b.inv.Components[i].Direct = true
	}
}

// SetSubject records what the document describes.
func (b *Builder) SetSubject(s string) { b.inv.Subject = strings.ToValidUTF8(s, "\uFFFD") }

// Inventory returns what was collected. The builder must not be used after.
func (b *Builder) Inventory() Inventory {
	for i := range b.inv.Components {
		c := &b.inv.Components[i]
		// A self-edge says nothing, and an edge to a component that was
		// skipped would dangle.
		c.DependsOn = slices.DeleteFunc(c.DependsOn, func(d string) bool { return d == c.Key() || !b.Has(d) })
		if len(c.DependsOn) == 0 {
			c.DependsOn = nil
		}
		slices.Sort(c.DependsOn)
	}
	return b.inv
}

// Subject formats a name and an optional version as Inventory.Subject.
func Subject(name, version string) string {
	if version == "" || name == "" {
		return name
	}
	return name + "@" + version
}

// union appends to a the elements of b it lacks, keeping a's order.
func union(a, b []string) []string {
	for _, s := range b {
		if s != "" && !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}
