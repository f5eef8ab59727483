package lockfile

import (
	"bufio"
	"bytes"
	"encoding/json"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// requirement is a PEP 508 requirement's name, extras and version
// specifiers, up to a marker (";") or URL ("@").
var requirement = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$`)

// specifier is one clause of a version specifier list.
var specifier = regexp.MustCompile(`^(===|==|~=|!=|<=|>=|<|>)\s*(\S+)$`)

// parseRequirements reads a pip requirements file
// (https://pip.pypa.io/en/stable/reference/requirements-file-format/).
// Only a requirement pinned to one version ("name==1.2.3", or "===") says
// what is installed; every other requirement (a range, no version, a URL
// or path) is reported and skipped, as are -r and -c, whose files are not
// read from here (parse them on their own). Other options (--hash,
// --index-url, -e) are ignored. Continuation lines are joined, comments
// dropped, and environment markers (after ";") ignored: the requirement
// may not apply to every interpreter, but it is what the file pins.
func parseRequirements(b *inventory.Builder, data []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	n, start := 0, 0
	var logical strings.Builder
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if logical.Len() == 0 {
			start = n
		}
		if body, ok := strings.CutSuffix(line, `\`); ok {
			logical.WriteString(body + " ")
			continue
		}
		logical.WriteString(line)
		requirementLine(b, start, logical.String())
		logical.Reset()
	}
	if logical.Len() > 0 {
		requirementLine(b, start, logical.String())
	}
	return nil
}

func requirementLine(b *inventory.Builder, n int, line string) {
	at := "line " + strconv.Itoa(n)
	// A comment starts at "#" at the start of the line or after white
	// space.
	if i := strings.Index(line, " #"); i >= 0 {
		line = line[:i]
	}
	if strings.HasPrefix(strings.TrimSpace(line), "#") {
		return
	}
	line = strings.TrimSpace(line)
	switch {
	case line == "":
		return
	case strings.HasPrefix(line, "-r ") || strings.HasPrefix(line, "--requirement") ||
		strings.HasPrefix(line, "-c ") || strings.HasPrefix(line, "--constraint"):
		b.Report(at, "", "%q: the file it names is not read from here; parse it on its own", line)
		return
	case strings.HasPrefix(line, "-"):
		return
	}
	// Options after the requirement (--hash=..., -C x) end it.
	if i := strings.Index(line, " -"); i >= 0 {
		line = strings.TrimSpace(line[:i])
	}
	spec, _, _ := strings.Cut(line, ";")
	m := requirement.FindStringSubmatch(strings.TrimSpace(spec))
	if m != nil && strings.HasPrefix(strings.TrimSpace(m[3]), "@") {
		name := ecosystem.NormalizePyPIName(m[1])
		b.Report(label(at, name, ""), "version", "installed from %s, not pinned to a release; skipped", strings.TrimSpace(strings.TrimSpace(m[3])[1:]))
		return
	}
	if m == nil || strings.Contains(spec, "://") || strings.HasPrefix(spec, ".") || strings.HasPrefix(spec, "/") {
		b.Report(at, "", "%.80q: not a named requirement (a path or URL); skipped", line)
		return
	}
	name, rest := ecosystem.NormalizePyPIName(m[1]), strings.TrimSpace(m[3])
	record := label(at, name, "")
	var pins []string
	var clauses []string
	for _, c := range strings.Split(rest, ",") {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		clauses = append(clauses, c)
		if s := specifier.FindStringSubmatch(c); s != nil && (s[1] == "==" || s[1] == "===") && !strings.Contains(s[2], "*") {
			pins = append(pins, s[2])
		}
	}
	if len(pins) != 1 || len(clauses) != 1 {
		why := "no version"
		if len(clauses) > 0 {
			why = strings.Join(clauses, ", ")
		}
		b.Report(record, "version", "not pinned with == (%s); skipped", why)
		return
	}
	add(b, label(at, name, pins[0]), at, pkg{ecosystem: "PyPI", name: name, version: pins[0]})
}

// parsePoetry reads a poetry.lock (TOML): [[package]] tables with name,
// version and, for packages not from an index, [package.source]. Packages
// from a local directory or file are the project's own code and left out.
// DependsOn comes from [package.dependencies], by name. poetry.lock does
// not record the project's own declarations, so none is Direct.
func parsePoetry(b *inventory.Builder, data []byte) error {
	doc, err := parseTOML(data)
	if err != nil {
		return inventory.Errorf(b.File, "%v", err)
	}
	pkgs, _ := doc["package"].([]any)
	keys := map[string]string{} // normalised name → key
	deps := map[string][]string{}
	for i, raw := range pkgs {
		at := "package[" + strconv.Itoa(i) + "]"
		t, _ := raw.(map[string]any)
		name, _ := t["name"].(string)
		version, _ := t["version"].(string)
		name = ecosystem.NormalizePyPIName(name)
		record := label(at, name, version)
		if name == "" || version == "" {
			b.Report(record, "", "name or version missing; skipped")
			continue
		}
		if src, ok := t["source"].(map[string]any); ok {
			if typ, _ := src["type"].(string); typ == "directory" || typ == "file" {
				continue
			}
		}
		k, ok := add(b, record, at, pkg{ecosystem: "PyPI", name: name, version: version})
		if !ok {
			continue
		}
		keys[name] = k
		if d, ok := t["dependencies"].(map[string]any); ok {
			for dep := range d {
				deps[k] = append(deps[k], ecosystem.NormalizePyPIName(dep))
			}
		}
	}
	for k, names := range deps {
		var ks []string
		for _, n := range names {
			if kd, ok := keys[n]; ok {
				ks = append(ks, kd)
			}
		}
		b.SetDependsOn(k, ks)
	}
	return nil
}

// pipfileLock is Pipfile.lock: the "default" and "develop" groups, each
// mapping a name to {"version": "==1.2.3", ...}.
type pipfileLock struct {
	Default map[string]json.RawMessage `json:"default"`
	Develop map[string]json.RawMessage `json:"develop"`
}

// parsePipfile reads a Pipfile.lock. Entries without a pinned version
// (editable, git, path) are reported and skipped. Pipfile.lock lists the
// whole resolved set flat, with no graph and no mark of what the Pipfile
// declares.
func parsePipfile(b *inventory.Builder, data []byte) error {
	var lock pipfileLock
	if err := json.Unmarshal(data, &lock); err != nil {
		return jsonError(b.File, data, err)
	}
	for _, group := range []struct {
		name    string
		entries map[string]json.RawMessage
	}{{"default", lock.Default}, {"develop", lock.Develop}} {
		for _, n := range slices.Sorted(maps.Keys(group.entries)) {
			at := group.name + "." + n
			var e struct {
				Version string `json:"version"`
			}
			if err := json.Unmarshal(group.entries[n], &e); err != nil {
				b.Report(at, "", "%v", elementError(group.entries[n], err))
				continue
			}
			name := ecosystem.NormalizePyPIName(n)
			version, ok := strings.CutPrefix(e.Version, "==")
			if !ok {
				b.Report(label(at, name, ""), "version", "not pinned with == (%q); skipped", e.Version)
				continue
			}
			add(b, label(at, name, version), at, pkg{ecosystem: "PyPI", name: name, version: version})
		}
	}
	return nil
}
