package lockfile

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"

	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// parseGemfile reads a Bundler lockfile (Gemfile.lock, gems.locked).
// Sources are sections: GEM (a gem server), GIT and PATH, each with
// "  specs:" listing "    name (version)" and, beneath each, its
// dependencies "      name (constraint)". DEPENDENCIES lists what the
// Gemfile declares, which is Direct. Gems from GEM and GIT sections are
// components; PATH gems are local code and left out. A platform suffix
// ("1.13.10-x86_64-linux") is not part of the version.
func parseGemfile(b *inventory.Builder, data []byte) error {
	type spec struct {
		name, version string
		line          int
		deps          []string
	}
	var specs []*spec
	var cur *spec
	section := ""
	var direct []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		indent := len(line) - len(strings.TrimLeft(line, " "))
		text := strings.TrimSpace(line)
		if indent == 0 {
			section, cur = text, nil
			continue
		}
		switch section {
		case "GEM", "GIT", "PATH":
			name, version := gemSpec(text)
			switch indent {
			case 4:
				cur = nil
				if section == "PATH" {
					continue
				}
				if version == "" {
					b.Report("line "+strconv.Itoa(n), "", "want NAME (VERSION), got %.60q", text)
					continue
				}
				if i := strings.IndexByte(version, '-'); i > 0 {
					version = version[:i]
				}
				cur = &spec{name: name, version: version, line: n}
				specs = append(specs, cur)
			case 6:
				if cur != nil {
					cur.deps = append(cur.deps, name)
				}
			}
		case "DEPENDENCIES":
			if indent == 2 {
				name, _ := gemSpec(text)
				direct = append(direct, strings.TrimSuffix(name, "!"))
			}
		}
	}
	keys := map[string]string{}
	for _, s := range specs {
		at := "line " + strconv.Itoa(s.line)
		if k, ok := add(b, label(at, s.name, s.version), at, pkg{ecosystem: "RubyGems", name: s.name, version: s.version}); ok {
			keys[s.name] = k
		}
	}
	for _, s := range specs {
		var deps []string
		for _, d := range s.deps {
			if k, ok := keys[d]; ok {
				deps = append(deps, k)
			}
		}
		b.SetDependsOn(keys[s.name], deps)
	}
	for _, d := range direct {
		if k, ok := keys[d]; ok {
			b.SetDirect(k)
		}
	}
	return nil
}

// gemSpec splits "name (version)" or "name (>= 1, < 2)" or "name".
func gemSpec(s string) (name, paren string) {
	name, rest, ok := strings.Cut(s, " (")
	if !ok {
		return strings.TrimSpace(s), ""
	}
	return name, strings.TrimSuffix(strings.TrimSpace(rest), ")")
}
