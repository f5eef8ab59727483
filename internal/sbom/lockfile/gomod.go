package lockfile

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// goModLine is one directive of a go.mod, with its block verb when inside
// a "require ( ... )" block.
type goModLine struct {
	verb     string
	args     []string
	indirect bool
	line     int
}

// readGoMod splits a go.mod into directives (https://go.dev/ref/mod#go-mod-file):
// one per line, a verb and its arguments, or a verb and a parenthesised
// block of argument lines. Comments are dropped, except that "// indirect"
// marks a requirement as not direct.
func readGoMod(b *inventory.Builder, data []byte) []goModLine {
	var out []goModLine
	block := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	n := 0
	for sc.Scan() {
		n++
		text, comment, _ := strings.Cut(sc.Text(), "//")
		indirect := strings.HasPrefix(strings.TrimSpace(comment), "indirect")
		f, err := goModFields(text)
		if err != nil {
			b.Report("line "+strconv.Itoa(n), "", "%v", err)
			continue
		}
		switch {
		case len(f) == 0:
		case block != "" && f[0] == ")":
			block = ""
		case block != "":
			out = append(out, goModLine{block, f, indirect, n})
		case len(f) == 2 && f[1] == "(":
			block = f[0]
		default:
			out = append(out, goModLine{f[0], f[1:], indirect, n})
		}
	}
	return out
}

// goModFields splits a line into tokens, unquoting "..." and `...`.
func goModFields(s string) ([]string, error) {
	var out []string
	for {
		s = strings.TrimLeft(s, " \t\r")
		if s == "" {
			return out, nil
		}
		switch s[0] {
		case '"', '`':
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, errUnterminated
			}
			u, _ := strconv.Unquote(q)
			out, s = append(out, u), s[len(q):]
		default:
			i := strings.IndexAny(s, " \t\r")
			if i < 0 {
				i = len(s)
			}
			out, s = append(out, s[:i]), s[i:]
		}
	}
}

var errUnterminated = errors.New("bad quoted string")

// isLocalPath reports whether a replacement is a directory rather than a
// module (https://go.dev/ref/mod#go-mod-file-replace).
func isLocalPath(p string) bool {
	return strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") ||
		p == "." || p == ".." || (len(p) > 1 && p[1] == ':') // a Windows drive
}

// parseGoMod reads the requirements of a go.mod. Replacements apply: a
// module replaced by another module version is that version; one replaced
// by a local directory is left out, since the code is not the module's
// any more. The toolchain directive, or failing it a go directive naming a
// full release ("go 1.22.3"), becomes the standard library, "stdlib",
// which OSV's Go records cover too; a go directive is a minimum, so the
// toolchain that builds may be newer.
func parseGoMod(b *inventory.Builder, data []byte) error {
	lines := readGoMod(b, data)
	type modVersion struct{ path, version string }
	replace := map[modVersion]modVersion{} // version "" replaces every version
	var goVersion, toolchain string
	for _, l := range lines {
		switch l.verb {
		case "module":
			if len(l.args) == 1 {
				b.SetSubject(l.args[0])
			}
		case "go":
			if len(l.args) == 1 {
				goVersion = l.args[0]
			}
		case "toolchain":
			if len(l.args) == 1 {
				toolchain = l.args[0]
			}
		case "replace":
			// old [v] => new [v]
			i := indexOf(l.args, "=>")
			if i < 1 || i > 2 || len(l.args)-i-1 < 1 || len(l.args)-i-1 > 2 {
				b.Report("line "+strconv.Itoa(l.line), "replace", "want OLD [VERSION] => NEW [VERSION], got %q", strings.Join(l.args, " "))
				continue
			}
			var old, to modVersion
			old.path = l.args[0]
			if i == 2 {
				old.version = l.args[1]
			}
			to.path = l.args[i+1]
			if len(l.args) == i+3 {
				to.version = l.args[i+2]
			}
			replace[old] = to
		}
	}
	if v := strings.TrimPrefix(toolchain, "go"); toolchain != "" && toolchain != "default" {
		release, _, _ := strings.Cut(v, "-") // "1.22.3-custom": a vendor's build of 1.22.3
		add(b, "line toolchain", "toolchain", pkg{ecosystem: "Go", name: "stdlib", version: goSemver(release), purlVersion: "go" + v})
	} else if strings.Count(goVersion, ".") == 2 || goPrerelease.MatchString(goVersion) {
		add(b, "line go", "go", pkg{ecosystem: "Go", name: "stdlib", version: goSemver(goVersion), purlVersion: "go" + goVersion})
	}
	for _, l := range lines {
		if l.verb != "require" {
			continue
		}
		at := "line " + strconv.Itoa(l.line)
		if len(l.args) != 2 {
			b.Report(at, "require", "want PATH VERSION, got %q", strings.Join(l.args, " "))
			continue
		}
		path, version := l.args[0], l.args[1]
		to, ok := replace[modVersion{path, version}]
		if !ok {
			to, ok = replace[modVersion{path, ""}]
		}
		if ok {
			if isLocalPath(to.path) || to.version == "" {
				continue
			}
			path, version = to.path, to.version
		}
		add(b, label(at, path, version), at, pkg{ecosystem: "Go", name: path, version: inventory.GoVersion(version),
			purlVersion: version, direct: !l.indirect})
	}
	return nil
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// parseGoSum reads a go.sum: "PATH VERSION HASH" lines, and
// "PATH VERSION/go.mod HASH" lines for modules whose go.mod alone was
// needed. Only the former are components: a /go.mod line means the module
// took part in version selection without its code being downloaded. A
// go.sum can hold versions the build no longer uses, so go.mod is the
// better input; go.sum is read for projects that ship no go.mod.
func parseGoSum(b *inventory.Builder, data []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	n := 0
	for sc.Scan() {
		n++
		f := strings.Fields(sc.Text())
		at := "line " + strconv.Itoa(n)
		switch {
		case len(f) == 0:
		case len(f) != 3 || !strings.HasPrefix(f[2], "h1:"):
			b.Report(at, "", "want PATH VERSION h1:HASH, got %.80q", sc.Text())
		case strings.HasSuffix(f[1], "/go.mod"):
		default:
			add(b, label(at, f[0], f[1]), at, pkg{ecosystem: "Go", name: f[0], version: inventory.GoVersion(f[1]), purlVersion: f[1]})
		}
	}
	return nil
}

// goPrerelease matches a Go release name with a pre-release: "1.21rc2",
// "1.9beta1".
var goPrerelease = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?(rc|beta)(\d+)$`)

// goSemver turns a Go release name into the semver the Go vulnerability
// database writes its ranges in, as golang/vuln's GoTagToSemver does:
// "1.21rc2" is 1.21.0-rc.2, "1.21" is 1.21.0. Anything else is returned
// as it is, for the version check to report.
func goSemver(v string) string {
	if m := goPrerelease.FindStringSubmatch(v); m != nil {
		return m[1] + "." + m[2] + "." + cmp.Or(m[3], "0") + "-" + m[4] + "." + m[5]
	}
	if strings.Count(v, ".") == 1 {
		return v + ".0"
	}
	return v
}
