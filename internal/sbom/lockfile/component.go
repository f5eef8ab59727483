package lockfile

import (
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// ecosystems maps each lockfile ecosystem to its purl type.
var purlTypes = map[string]string{
	"Go":        packageurl.TypeGolang,
	"npm":       packageurl.TypeNPM,
	"PyPI":      packageurl.TypePyPi,
	"crates.io": packageurl.TypeCargo,
	"Packagist": packageurl.TypeComposer,
	"RubyGems":  packageurl.TypeGem,
	"Maven":     packageurl.TypeMaven,
	"NuGet":     packageurl.TypeNuget,
}

// pkg is one package a lockfile resolved.
type pkg struct {
	ecosystem string
	name      string // as OSV names it: "@scope/x", "group:artifact", a PEP 503 name
	version   string // as OSV writes it ("1.2.3" for Go's "v1.2.3")
	// purlVersion is the version as the purl carries it, when it differs
	// (Go keeps the "v").
	purlVersion string
	direct      bool
}

// purl builds the package URL of p.
func (p pkg) purl() string {
	ns, name := "", p.name
	switch p.ecosystem {
	case "Maven":
		ns, name, _ = strings.Cut(p.name, ":")
	case "npm", "Go", "Packagist":
		if i := strings.LastIndexByte(p.name, '/'); i >= 0 {
			ns, name = p.name[:i], p.name[i+1:]
		}
	}
	v := p.version
	if p.purlVersion != "" {
		v = p.purlVersion
	}
	return packageurl.NewPackageURL(purlTypes[p.ecosystem], ns, name, v, nil, "").ToString()
}

// add records p, found at the element at (a path or "line N"), reporting a
// version the matcher cannot compare against record. It returns the
// component's key and whether it was kept.
func add(b *inventory.Builder, record, at string, p pkg) (string, bool) {
	c := asset.Component{Name: p.name, Version: p.version, Ecosystem: p.ecosystem, Direct: p.direct}
	if p.name != "" {
		c.PURL = p.purl()
	}
	if err := inventory.CheckVersion(p.ecosystem, p.version); err != nil {
		b.Report(record, "version", "%v", err)
	}
	return c.Key(), b.Add(record, at, c)
}

// label names an entry in an error: "lodash@4.17.21", "line 12 (lodash)".
func label(where, name, version string) string {
	s := inventory.Subject(name, version)
	switch {
	case where == "":
		return s
	case s == "":
		return where
	}
	return where + " (" + s + ")"
}
