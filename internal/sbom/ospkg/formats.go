package ospkg

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

func purl(typ string, d distro, name, version string, q map[string]string) string {
	return packageurl.NewPackageURL(typ, d.vendor, name, version, packageurl.QualifiersFromMap(q), "").ToString()
}

func lineAt(n int) string { return "line " + strconv.Itoa(n) }

func label(n int, name, version string) string {
	if s := inventory.Subject(name, version); s != "" {
		return lineAt(n) + " (" + s + ")"
	}
	return lineAt(n)
}

// parseDpkg reads dpkg's status file: deb-control paragraphs
// (https://manpages.debian.org/dpkg/deb-control.5). Continuation lines
// (starting with white space) belong to the field before and are not read.
func parseDpkg(b *inventory.Builder, data []byte, d distro) {
	paragraphs(data, func(n int, lines []string) {
		f := map[string]string{}
		for _, l := range lines {
			if l[0] == ' ' || l[0] == '\t' {
				continue
			}
			k, v, ok := strings.Cut(l, ":")
			if !ok {
				b.Report(lineAt(n), "", "not a field: %.60q", l)
				continue
			}
			f[k] = strings.TrimSpace(v)
		}
		pkg, version := f["Package"], f["Version"]
		if pkg == "" {
			b.Report(lineAt(n), "Package", "missing; paragraph skipped")
			return
		}
		// Status is "want flag state"; only the state says whether the
		// files are on disk. "deinstall ok config-files" (removed, its
		// configuration kept) and "install ok unpacked" are not installed.
		if st := strings.Fields(f["Status"]); len(st) == 3 && st[2] != "installed" {
			return
		}
		if version == "" {
			b.Report(label(n, pkg, ""), "Version", "missing; skipped")
			return
		}
		name, srcVersion := pkg, version
		upstream := ""
		if src := f["Source"]; src != "" {
			sname, sver, _ := strings.Cut(src, " ")
			name = sname
			if sver = strings.Trim(sver, "() "); sver != "" {
				srcVersion = sver
			}
			if sname != pkg || srcVersion != version {
				upstream = sname
				if srcVersion != version {
					upstream += "@" + srcVersion
				}
			}
		}
		c := asset.Component{Name: name, Version: srcVersion, Ecosystem: d.ecosystem,
			PURL: purl(packageurl.TypeDebian, d, pkg, version, d.qualifiers(f["Architecture"], "", upstream))}
		if err := inventory.CheckVersion(d.ecosystem, srcVersion); err != nil {
			b.Report(label(n, pkg, version), "Version", "%v", err)
		}
		b.Add(label(n, pkg, version), lineAt(n), c)
	})
}

// parseAPK reads apk's installed database
// (https://wiki.alpinelinux.org/wiki/Apk_spec#Installed_Database_V2):
// paragraphs of "X:value" lines, one per package.
func parseAPK(b *inventory.Builder, data []byte, d distro) {
	paragraphs(data, func(n int, lines []string) {
		f := map[byte]string{}
		for _, l := range lines {
			if len(l) < 2 || l[1] != ':' {
				b.Report(lineAt(n), "", "not a field: %.60q", l)
				continue
			}
			// Files (F:, R:, Z:, ...) repeat; the package fields come first
			// and once.
			if _, ok := f[l[0]]; !ok {
				f[l[0]] = strings.TrimSpace(l[2:])
			}
		}
		pkg, version, origin := f['P'], f['V'], f['o']
		if pkg == "" || version == "" {
			b.Report(label(n, pkg, version), "", "P: or V: missing; skipped")
			return
		}
		name, upstream := pkg, ""
		if origin != "" && origin != pkg {
			name, upstream = origin, origin
		}
		c := asset.Component{Name: name, Version: version, Ecosystem: d.ecosystem,
			PURL: purl(packageurl.TypeApk, d, pkg, version, d.qualifiers(f['A'], "", upstream))}
		if l := f['L']; l != "" {
			c.Licenses = []string{l}
		}
		if err := inventory.CheckVersion(d.ecosystem, version); err != nil {
			b.Report(label(n, pkg, version), "V", "%v", err)
		}
		b.Add(label(n, pkg, version), lineAt(n), c)
	})
}

// parseRPM reads rpm -qa output, one package a line (see the package
// documentation for the forms).
func parseRPM(b *inventory.Builder, data []byte, d distro) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "gpg-pubkey") {
			continue
		}
		var name, epoch, ver, rel, arch, srpm string
		if m := rpmLine.FindStringSubmatch(line); m != nil {
			name, epoch, ver, rel, arch, srpm = m[1], m[2], m[3], m[4], m[5], m[6]
		} else if m := rpmNEVRA.FindStringSubmatch(line); m != nil {
			// Plain rpm -qa does not show epochs: a package with one
			// compares as if it had none.
			name, ver, rel, arch = m[1], m[2], m[3], m[4]
		} else {
			b.Report(lineAt(n), "", "not NAME EPOCH:VERSION-RELEASE ARCH [SOURCERPM] nor NAME-VERSION-RELEASE.ARCH: %.80q", line)
			continue
		}
		if srpm == "(none)" {
			srpm = ""
		}
		version := ver + "-" + rel
		if epoch != "" && epoch != "0" && epoch != "(none)" {
			version = epoch + ":" + version
		}
		c := asset.Component{Name: name, Version: version, Ecosystem: d.ecosystem,
			PURL: purl(packageurl.TypeRPM, d, name, ver+"-"+rel, d.qualifiers(arch, epoch, srpm))}
		b.Add(label(n, name, version), lineAt(n), c)
	}
}
