package lockfile

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// composerLock is composer.lock: "packages" and "packages-dev", each an
// array of {name, version, require}.
type composerLock struct {
	Packages    []json.RawMessage `json:"packages"`
	PackagesDev []json.RawMessage `json:"packages-dev"`
}

type composerPackage struct {
	Name    string            `json:"name"`
	Version string            `json:"version"`
	Require map[string]string `json:"require"`
}

// parseComposer reads a composer.lock. Versions are kept as written
// ("v5.4.16" and "5.4.16" both occur; the ecosystem's version rules
// compare them); a branch ("dev-main") is reported. DependsOn comes from
// each package's require, by name; platform requirements (php, ext-*,
// lib-*, composer-*) name no package. composer.lock does not record the
// project's own requirements, so none is Direct.
func parseComposer(b *inventory.Builder, data []byte) error {
	var lock composerLock
	if err := json.Unmarshal(data, &lock); err != nil {
		return jsonError(b.File, data, err)
	}
	keys := map[string]string{} // lower-cased name → key
	requires := map[string][]string{}
	for _, group := range []struct {
		name string
		pkgs []json.RawMessage
	}{{"packages", lock.Packages}, {"packages-dev", lock.PackagesDev}} {
		for i, raw := range group.pkgs {
			at := fmt.Sprintf("%s[%d]", group.name, i)
			var p composerPackage
			if err := json.Unmarshal(raw, &p); err != nil {
				b.Report(at, "", "%v", elementError(raw, err))
				continue
			}
			record := label(at, p.Name, p.Version)
			if p.Name == "" || p.Version == "" {
				b.Report(record, "", "name or version missing; skipped")
				continue
			}
			k, ok := add(b, record, at, pkg{ecosystem: "Packagist", name: p.Name, version: p.Version})
			if !ok {
				continue
			}
			keys[strings.ToLower(p.Name)] = k
			for dep := range p.Require {
				requires[k] = append(requires[k], strings.ToLower(dep))
			}
		}
	}
	for k, deps := range requires {
		var ks []string
		for _, d := range deps {
			if kd, ok := keys[d]; ok {
				ks = append(ks, kd)
			}
		}
		b.SetDependsOn(k, ks)
	}
	return nil
}
