package lockfile

import (
	"bufio"
	"bytes"
	"maps"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// parseYarn reads a yarn.lock: the classic format of Yarn 1 ("# yarn
// lockfile v1"), which is Yarn's own syntax, or the YAML of Yarn 2 and
// later ("berry", with a __metadata entry). Each entry resolves one or
// more descriptors ("lodash@^4.17.0, lodash@^4.17.21") to one version;
// DependsOn links an entry to the entries that resolve its dependencies'
// descriptors. yarn.lock does not record which packages the project
// declares, so none is Direct.
func parseYarn(b *inventory.Builder, data []byte) error {
	if bytes.Contains(data, []byte("\n__metadata:")) || bytes.HasPrefix(data, []byte("__metadata:")) {
		return parseBerry(b, data)
	}
	return parseYarnV1(b, data)
}

type yarnEntry struct {
	at          string // the entry's header as written, for Source
	line        int
	descriptors []string
	name        string
	version     string
	resolution  string // berry only
	deps        map[string]string
}

// yarnName splits a descriptor "name@range" ("@scope/x@^1", "alias@npm:real@^1")
// into the package's name (the aliased one) and the range.
func yarnName(descriptor string) (name, rng string) {
	i := strings.IndexByte(descriptor[min(1, len(descriptor)):], '@')
	if i < 0 {
		return descriptor, ""
	}
	name, rng = descriptor[:i+1], descriptor[i+2:]
	if real, ok := strings.CutPrefix(rng, "npm:"); ok {
		if j := strings.IndexByte(real[min(1, len(real)):], '@'); j >= 0 {
			return real[:j+1], rng
		}
	}
	return name, rng
}

func parseYarnV1(b *inventory.Builder, data []byte) error {
	var entries []*yarnEntry
	var cur *yarnEntry
	inDeps := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		switch {
		case indent == 0:
			inDeps = false
			if !strings.HasSuffix(trimmed, ":") {
				b.Report("line "+strconv.Itoa(n), "", "not an entry header: %.60q", trimmed)
				cur = nil
				continue
			}
			cur = &yarnEntry{at: strings.TrimSuffix(trimmed, ":"), line: n, deps: map[string]string{}}
			for _, d := range strings.Split(cur.at, ",") {
				if d = unquote(strings.TrimSpace(d)); d != "" {
					cur.descriptors = append(cur.descriptors, d)
				}
			}
			entries = append(entries, cur)
		case cur == nil:
		case indent <= 2:
			inDeps = trimmed == "dependencies:" || trimmed == "optionalDependencies:"
			if k, v := yarnPair(trimmed); k == "version" {
				cur.version = v
			}
		case inDeps:
			if k, v := yarnPair(trimmed); k != "" {
				cur.deps[k] = v
			}
		}
	}
	return yarnCollect(b, entries)
}

// yarnPair splits a classic-format line `key "value"` or `"key" value`.
func yarnPair(s string) (string, string) {
	var key string
	if strings.HasPrefix(s, `"`) {
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return "", ""
		}
		key, s = unquote(q), s[len(q):]
	} else {
		i := strings.IndexAny(s, " \t")
		if i < 0 {
			return strings.TrimSuffix(s, ":"), ""
		}
		key, s = s[:i], s[i:]
	}
	return key, unquote(strings.TrimSpace(s))
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
	}
	return s
}

// berryEntry is one entry of a Yarn 2+ lockfile.
type berryEntry struct {
	Version              string            `yaml:"version"`
	Resolution           string            `yaml:"resolution"`
	Dependencies         map[string]string `yaml:"dependencies"`
	OptionalDependencies map[string]string `yaml:"optionalDependencies"`
}

// berryLocal are the protocols of code that is not a published package:
// the project's own workspaces and directories linked in.
var berryLocal = []string{"workspace:", "link:", "portal:", "file:"}

func parseBerry(b *inventory.Builder, data []byte) error {
	// yaml.v3 refuses documents whose aliases expand excessively, the
	// "billion laughs" of YAML.
	var doc map[string]yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return inventory.Errorf(b.File, "%v", err)
	}
	var entries []*yarnEntry
	for _, key := range slices.Sorted(maps.Keys(doc)) {
		if key == "__metadata" {
			continue
		}
		node := doc[key]
		var e berryEntry
		if err := node.Decode(&e); err != nil {
			b.Report(key, "", "%v", err)
			continue
		}
		ye := &yarnEntry{at: key, line: node.Line, version: e.Version, resolution: e.Resolution, deps: map[string]string{}}
		maps.Copy(ye.deps, e.Dependencies)
		maps.Copy(ye.deps, e.OptionalDependencies)
		for _, d := range strings.Split(key, ",") {
			if d = strings.TrimSpace(d); d != "" {
				ye.descriptors = append(ye.descriptors, d)
			}
		}
		// The resolution names the package that was installed:
		// "debug@npm:4.3.3", "resolve@patch:resolve@npm%3A1.22.1#...".
		name, proto := yarnName(e.Resolution)
		if slices.ContainsFunc(berryLocal, func(p string) bool { return strings.HasPrefix(proto, p) }) {
			if proto == "workspace:." {
				b.SetSubject(name)
			}
			continue
		}
		ye.name = name
		entries = append(entries, ye)
	}
	return yarnCollect(b, entries)
}

func yarnCollect(b *inventory.Builder, entries []*yarnEntry) error {
	keys := map[string]string{} // descriptor → component key
	for _, e := range entries {
		if len(e.descriptors) == 0 {
			continue
		}
		name := e.name
		if name == "" {
			name, _ = yarnName(e.descriptors[0])
		}
		record := label("line "+strconv.Itoa(e.line), name, e.version)
		if e.version == "" {
			b.Report(record, "version", "missing; skipped")
			continue
		}
		k, ok := add(b, record, e.at, pkg{ecosystem: "npm", name: name, version: e.version})
		if !ok {
			continue
		}
		for _, d := range e.descriptors {
			keys[d] = k
		}
	}
	for _, e := range entries {
		k, ok := keys[firstOf(e.descriptors)]
		if !ok {
			continue
		}
		var deps []string
		for name, rng := range e.deps {
			// Berry writes "ms: 2.1.2" for the descriptor "ms@npm:2.1.2".
			for _, d := range []string{name + "@" + rng, name + "@npm:" + rng} {
				if kd, ok := keys[d]; ok {
					deps = append(deps, kd)
					break
				}
			}
		}
		b.SetDependsOn(k, deps)
	}
	return nil
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
