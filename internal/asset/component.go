package asset

import (
	"fmt"
	"strings"
)

// Component is one package found on an asset.
//
// Ecosystem and Name are how the matcher finds advisories: Ecosystem is an
// OSV ecosystem name ("npm", "PyPI", "Go", "Maven", "Debian:12",
// "AlmaLinux:9", "Alpine:v3.19"), Name the package's name in it (Maven
// "group:artifact"). PURL and CPEs are kept as the inventory gave them,
// for matching by CPE and for display.
type Component struct {
	Name      string   `json:"name"`
	Version   string   `json:"version"`
	Ecosystem string   `json:"ecosystem,omitempty"`
	PURL      string   `json:"purl,omitempty"`
	CPEs      []string `json:"cpes,omitempty"`
	// Source names where the component was found: the SBOM or lockfile
	// and, inside it, the element ("bom.json: components[12]",
	// "package-lock.json: node_modules/lodash").
	Source string `json:"source,omitempty"`
	// Direct says the asset depends on it directly rather than through
	// another component, when the inventory says so.
	Direct bool `json:"direct,omitempty"`
	// DependsOn lists keys (see Key) of components this one depends on,
	// from an SBOM's dependency graph.
	DependsOn []string `json:"depends_on,omitempty"`
	// Licenses are SPDX license expressions, as the inventory states them.
	Licenses []string `json:"licenses,omitempty"`
}

// Key identifies a component within one asset: the same name and version
// in the same ecosystem is one component however many times an inventory
// lists it. The separator is ASCII's unit separator, which no package name
// holds and which, unlike NUL, PostgreSQL text accepts.
func (c Component) Key() string {
	return c.Ecosystem + "\x1f" + c.Name + "\x1f" + c.Version
}

// Validate checks a component enough to store and match it.
func (c Component) Validate() error {
	switch {
	case strings.TrimSpace(c.Name) == "":
		return fmt.Errorf("%w: name: empty", ErrInvalid)
	case len(c.Name) > 1024:
		return fmt.Errorf("%w: name: longer than 1024 bytes", ErrInvalid)
	case len(c.Version) > 256:
		return fmt.Errorf("%w: version: longer than 256 bytes", ErrInvalid)
	case c.Ecosystem == "" && c.PURL == "" && len(c.CPEs) == 0:
		return fmt.Errorf("%w: %s: no ecosystem, purl or CPE to match by", ErrInvalid, c.Name)
	}
	return nil
}

// Change is the difference between two inventories of one asset.
type Change struct {
	Added   []Component `json:"added,omitempty"`
	Removed []Component `json:"removed,omitempty"`
	// Kept counts components in both.
	Kept int `json:"kept"`
}

// Diff compares an asset's previous components with new ones by Key.
// Neither slice is modified.
func Diff(old, new []Component) Change {
	before := make(map[string]bool, len(old))
	for _, c := range old {
		before[c.Key()] = true
	}
	after := make(map[string]bool, len(new))
	var ch Change
	for _, c := range new {
		k := c.Key()
		if after[k] {
			continue
		}
		after[k] = true
		if before[k] {
			ch.Kept++
		} else {
			ch.Added = append(ch.Added, c)
		}
	}
	seen := make(map[string]bool, len(old))
	for _, c := range old {
		if k := c.Key(); !after[k] && !seen[k] {
			seen[k] = true
			ch.Removed = append(ch.Removed, c)
		}
	}
	return ch
}
