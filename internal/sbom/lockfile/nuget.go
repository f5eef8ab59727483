package lockfile

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// nugetLock is packages.lock.json: target framework → package name →
// entry (https://learn.microsoft.com/nuget/consume-packages/package-references-in-project-files#locking-dependencies).
type nugetLock struct {
	Version      json.RawMessage                       `json:"version"`
	Dependencies map[string]map[string]json.RawMessage `json:"dependencies"`
}

type nugetEntry struct {
	// Type is Direct, Transitive, CentralTransitive or Project.
	Type         string            `json:"type"`
	Resolved     string            `json:"resolved"`
	Dependencies map[string]string `json:"dependencies"`
}

// parseNuGet reads a NuGet packages.lock.json. A package resolved for
// several target frameworks is one component per version. Project
// references are the solution's own code and left out. Direct comes from
// the entry's type; DependsOn from its dependencies, within the same
// framework, by name (NuGet names are case-insensitive).
func parseNuGet(b *inventory.Builder, data []byte) error {
	var lock nugetLock
	if err := json.Unmarshal(data, &lock); err != nil {
		return jsonError(b.File, data, err)
	}
	for _, fw := range slices.Sorted(maps.Keys(lock.Dependencies)) {
		entries := map[string]nugetEntry{}
		keys := map[string]string{} // lower-cased name → key
		for _, name := range slices.Sorted(maps.Keys(lock.Dependencies[fw])) {
			at := fw + "/" + name
			var e nugetEntry
			if err := json.Unmarshal(lock.Dependencies[fw][name], &e); err != nil {
				b.Report(at, "", "%v", elementError(lock.Dependencies[fw][name], err))
				continue
			}
			if strings.EqualFold(e.Type, "Project") {
				continue
			}
			record := label(at, name, e.Resolved)
			if e.Resolved == "" {
				b.Report(record, "resolved", "missing; skipped")
				continue
			}
			k, ok := add(b, record, at, pkg{ecosystem: "NuGet", name: name, version: e.Resolved, direct: strings.EqualFold(e.Type, "Direct")})
			if ok {
				keys[strings.ToLower(name)] = k
				entries[k] = e
			}
		}
		for k, e := range entries {
			var deps []string
			for d := range e.Dependencies {
				if kd, ok := keys[strings.ToLower(d)]; ok {
					deps = append(deps, kd)
				}
			}
			b.SetDependsOn(k, deps)
		}
	}
	return nil
}
