package ospkg

import (
	"bufio"
	"bytes"
	"io"
	"regexp"
	"strings"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// Options says which distribution release a package list came from.
type Options struct {
	// Distro is the OSV ecosystem of the release: "Debian:12",
	// "Ubuntu:22.04:LTS", "Alpine:v3.19", "AlmaLinux:9". It wins over
	// OSRelease.
	Distro string
	// OSRelease is the content of the host's /etc/os-release (or
	// /usr/lib/os-release).
	OSRelease []byte
}

// Parse reads a package list with no release given: see Options.Parse.
func Parse(name string, r io.Reader) (inventory.Inventory, error) {
	return Options{}.Parse(name, r)
}

// Parse reads one package list, telling its format from its content. The
// error is for a file that cannot be read at all or is none of the three
// formats; it names the file and wraps feed.ErrFormat.
func (o Options) Parse(name string, r io.Reader) (inventory.Inventory, error) {
	data, err := inventory.ReadAll(name, r)
	if err != nil {
		return inventory.Inventory{}, err
	}
	b := inventory.NewBuilder(name)
	d := o.distro()
	if d.subject != "" {
		b.SetSubject(d.subject)
	}
	switch kind(data) {
	case "dpkg":
		parseDpkg(b, data, d)
	case "apk":
		parseAPK(b, data, d)
	case "rpm":
		parseRPM(b, data, d)
	default:
		return inventory.Inventory{}, inventory.Errorf(name, "not a dpkg status file, rpm -qa output or apk installed database")
	}
	if d.ecosystem == "" {
		b.Report("os-release", "", "distribution release unknown (%s): components have no ecosystem; pass Options.Distro or the host's os-release", d.why)
	}
	return b.Inventory(), nil
}

// Sniff reports whether head, the first bytes of a file, is one of the
// package lists: a dpkg paragraph ("Package: "), an apk paragraph ("C:" or
// "P:"), or an rpm -qa line.
func Sniff(name string, head []byte) bool {
	return kind(head) != ""
}

var (
	// rpmLine is one line of vmc's queryformat, with or without the
	// source RPM: NAME EPOCH:VERSION-RELEASE ARCH [SOURCERPM].
	rpmLine = regexp.MustCompile(`^(\S+) (\(none\)|[0-9]+):(\S+)-([^-\s]+) (\S+)(?: (\S+))?$`)
	// rpmNEVRA is plain rpm -qa: name-version-release.arch, where the
	// architecture is one RPM knows.
	rpmNEVRA = regexp.MustCompile(`^(\S+)-([^-\s]+)-([^-\s]+)\.(noarch|x86_64|i[3-6]86|aarch64|armv7hl|armv7l|ppc64le|ppc64|s390x|riscv64|src|\(none\))$`)
)

// kind tells the format from the first non-empty line.
func kind(data []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(bytes.TrimPrefix(data, feed.BOM)))
	sc.Buffer(nil, 64<<10)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
			continue
		case strings.HasPrefix(line, "Package:"):
			return "dpkg"
		case len(line) > 2 && (line[:2] == "C:" || line[:2] == "P:"):
			return "apk"
		case rpmLine.MatchString(line) || rpmNEVRA.MatchString(line) || strings.HasPrefix(line, "gpg-pubkey"):
			return "rpm"
		}
		return ""
	}
	return ""
}

// paragraphs splits deb-control or apk data into blank-line-separated
// paragraphs, each with the line it starts on.
func paragraphs(data []byte, fn func(line int, lines []string)) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	var cur []string
	start, n := 0, 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			if len(cur) > 0 {
				fn(start, cur)
				cur = nil
			}
			continue
		}
		if cur == nil {
			start = n
		}
		cur = append(cur, line)
	}
	if len(cur) > 0 {
		fn(start, cur)
	}
}
