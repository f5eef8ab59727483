package baseline

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
)

var (
	// sysctlLine is a line of sysctl -a or sysctl.conf: "key = value".
	sysctlLine = regexp.MustCompile(`^-?[A-Za-z0-9_]+(?:[./][A-Za-z0-9_:@+\-]+)+\s*=`)
	// rpmQuery is vmc's rpm query format: "name epoch:version-release arch [srpm]".
	rpmQuery = regexp.MustCompile(`^\S+ (?:\(none\)|\d+):\S+-\S+ \S+(?: \S+)?$`)
	// rpmPlain is plain rpm -qa: "name-version-release.arch".
	rpmPlain = regexp.MustCompile(`^(\S+)-([^-\s]+)-([^-\s]+)\.([A-Za-z0-9_]+)$`)
)

// lines calls fn for each line of data that is neither blank nor a
// comment ("#", ";"), numbered from 1, stopping at fn's first error.
func lines(name string, data []byte, fn func(n int, line string) error) error {
	if len(data) > MaxFile {
		return syntaxErr(name, 0, "", "larger than %d bytes", MaxFile)
	}
	n, entries := 0, 0
	for raw := range bytes.Lines(data) {
		n++
		if len(raw) > maxLine {
			return syntaxErr(name, n, "", "line longer than %d bytes", maxLine)
		}
		line := strings.TrimRight(string(raw), "\r\n")
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";") {
			continue
		}
		if entries++; entries > maxEntries {
			return syntaxErr(name, n, "", "more than %d entries", maxEntries)
		}
		if err := fn(n, line); err != nil {
			return err
		}
	}
	return nil
}

// ParseSysctl reads the output of sysctl -a ("key = value"), or a
// sysctl.conf(5) file ("key=value", "-key = value"). Lines sysctl writes
// about keys it could not read ("sysctl: permission denied on key …",
// when stderr was captured too) are noted, not fatal: those keys are
// then missing, so their rules are not applicable rather than wrong.
func ParseSysctl(name string, data []byte) (Snapshot, error) {
	s := Snapshot{Sysctl: map[string]string{}, Sources: []string{name}}
	denied := 0
	err := lines(name, data, func(n int, line string) error {
		if strings.HasPrefix(line, "sysctl: ") {
			denied++
			return nil
		}
		k, v, ok := strings.Cut(line, "=")
		k = strings.TrimPrefix(strings.TrimSpace(k), "-")
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return syntaxErr(name, n, trunc(k), "want key = value")
		}
		v = strings.TrimSpace(v)
		if len(v) > maxValueLen {
			return syntaxErr(name, n, k, "value longer than %d bytes", maxValueLen)
		}
		// sysctl.conf allows "/" for "." in keys (sysctl.d(5)).
		k = strings.ReplaceAll(k, "/", ".")
		if _, dup := s.Sysctl[k]; !dup {
			s.Sysctl[k] = v
		}
		return nil
	})
	if err != nil {
		return Snapshot{}, err
	}
	if denied > 0 {
		s.Notes = append(s.Notes, name+": sysctl could not read "+strconv.Itoa(denied)+" keys (run sysctl -a as root)")
	}
	return s, nil
}

// ParseDpkgList reads the output of dpkg -l: a header ending in the
// "+++-" ruler, then "ii  name  version  arch  description". Packages
// whose status (the second letter) is not "i" are not installed (rc:
// removed, configuration files left) and are left out.
func ParseDpkgList(name string, data []byte) (Snapshot, error) {
	s := Snapshot{Packages: []InstalledPackage{}, Sources: []string{name}}
	body := false
	err := lines(name, data, func(n int, line string) error {
		if !body {
			body = strings.HasPrefix(line, "+++-")
			return nil
		}
		f := strings.Fields(line)
		switch {
		case len(f) < 3:
			return syntaxErr(name, n, "", "want status, name and version")
		case len(f[0]) < 2 || len(f[0]) > 3:
			return syntaxErr(name, n, "status", "malformed %q", trunc(f[0]))
		case f[0][1] != 'i':
			return nil
		}
		p := InstalledPackage{Name: f[1], Version: f[2], Format: "deb"}
		if len(f) > 3 {
			p.Arch = f[3]
		}
		p.Name, p.Arch = cutArch(p.Name, p.Arch)
		if p.Name == "" {
			return syntaxErr(name, n, "name", "empty")
		}
		s.Packages = append(s.Packages, p)
		return nil
	})
	if err != nil {
		return Snapshot{}, err
	}
	if !body {
		return Snapshot{}, syntaxErr(name, 0, "", "no \"+++-\" ruler: not dpkg -l output")
	}
	return s, nil
}

// ParseDpkgQuery reads the output of dpkg-query -W: "name\tversion",
// with the version empty for a package dpkg knows but has not installed.
func ParseDpkgQuery(name string, data []byte) (Snapshot, error) {
	s := Snapshot{Packages: []InstalledPackage{}, Sources: []string{name}}
	err := lines(name, data, func(n int, line string) error {
		pkg, ver, ok := strings.Cut(line, "\t")
		if !ok || pkg == "" || strings.ContainsAny(pkg, " \t") {
			return syntaxErr(name, n, "", "want name<TAB>version")
		}
		if ver = strings.TrimSpace(ver); ver == "" {
			return nil
		}
		p := InstalledPackage{Name: pkg, Version: ver, Format: "deb"}
		p.Name, p.Arch = cutArch(p.Name, "")
		if p.Name == "" {
			return syntaxErr(name, n, "name", "empty")
		}
		s.Packages = append(s.Packages, p)
		return nil
	})
	if err != nil {
		return Snapshot{}, err
	}
	return s, nil
}

// cutArch splits dpkg's "name:arch" (multi-arch packages).
func cutArch(name, arch string) (string, string) {
	if n, a, ok := strings.Cut(name, ":"); ok {
		return n, a
	}
	return name, arch
}

// ParseRPM reads rpm -qa output: vmc's query format
//
//	rpm -qa --queryformat '%{NAME} %{EPOCH}:%{VERSION}-%{RELEASE} %{ARCH} %{SOURCERPM}\n'
//
// (the source RPM optional, "(none)" for no epoch), or plain rpm -qa
// ("name-version-release.arch", which hides epochs). gpg-pubkey entries
// are keys, not packages.
func ParseRPM(name string, data []byte) (Snapshot, error) {
	s := Snapshot{Packages: []InstalledPackage{}, Sources: []string{name}}
	err := lines(name, data, func(n int, line string) error {
		line = strings.TrimSpace(line)
		var p InstalledPackage
		if m := rpmPlain.FindStringSubmatch(line); m != nil {
			p = InstalledPackage{Name: m[1], Version: m[2] + "-" + m[3], Arch: m[4]}
		} else if rpmQuery.MatchString(line) {
			f := strings.Fields(line)
			epoch, vr, _ := strings.Cut(f[1], ":")
			if epoch != "(none)" && epoch != "0" {
				vr = epoch + ":" + vr
			}
			p = InstalledPackage{Name: f[0], Version: vr, Arch: f[2]}
		} else {
			return syntaxErr(name, n, "", "want name-version-release.arch or name epoch:version-release arch")
		}
		if p.Name == "gpg-pubkey" {
			return nil
		}
		p.Format = "rpm"
		s.Packages = append(s.Packages, p)
		return nil
	})
	if err != nil {
		return Snapshot{}, err
	}
	return s, nil
}

// ParseSystemctl reads systemctl list-unit-files: a "UNIT FILE STATE"
// header, "unit state [preset]" lines and a "N unit files listed." line.
func ParseSystemctl(name string, data []byte) (Snapshot, error) {
	s := Snapshot{Services: map[string]string{}, Sources: []string{name}}
	header := false
	err := lines(name, data, func(n int, line string) error {
		if !header {
			if !strings.HasPrefix(line, "UNIT FILE") {
				return syntaxErr(name, n, "", "want the \"UNIT FILE STATE\" header")
			}
			header = true
			return nil
		}
		if strings.HasSuffix(line, " unit files listed.") {
			return nil
		}
		f := strings.Fields(line)
		if len(f) < 2 || len(f) > 3 {
			return syntaxErr(name, n, "", "want unit, state and preset")
		}
		s.Services[f[0]] = f[1]
		return nil
	})
	if err != nil {
		return Snapshot{}, err
	}
	if !header {
		return Snapshot{}, syntaxErr(name, 0, "", "empty: not systemctl list-unit-files output")
	}
	return s, nil
}
