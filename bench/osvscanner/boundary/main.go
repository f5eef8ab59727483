// Command boundary writes a lockfile that names every package of an OSV zip
// at the versions where its advisories change their verdict, so that
// bench/osvscanner.sh (STRESS=1) can compare vmc's matcher with
// osv-scanner's on every range boundary rather than only on the versions a
// real project happens to pin.
//
// For each affected package it takes every event version and listed
// version, and next to each release X.Y.Z also X.Y.(Z-1) and a pre-release
// of X.Y.Z (X.Y.Z-rc.1 for Go, X.Y.Z-alpha.1 for crates.io): the versions
// either side of a bound, where off-by-one and pre-release mistakes show.
//
// Usage:
//
//	boundary -zip Go/all.zip > go.mod
//	boundary -zip crates.io/all.zip > Cargo.lock
//
// The ecosystem is the first one the zip names that boundary can write:
// Go (a go.mod; the standard library and toolchain are left out, as a
// go.mod cannot require them) or crates.io (a Cargo.lock).
package main

import (
	"archive/zip"
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// record is the part of an OSV record read here
// (https://ossf.github.io/osv-schema/#affected-fields).
type record struct {
	Affected []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
		} `json:"package"`
		Ranges []struct {
			Events []map[string]string `json:"events"`
		} `json:"ranges"`
		Versions []string `json:"versions"`
	} `json:"affected"`
}

var (
	release = regexp.MustCompile(`^(\d+)\.(\d+)\.(\d+)$`)
	semver  = regexp.MustCompile(`^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
	goMajor = regexp.MustCompile(`/v\d+$`)
)

type pkgVersion struct{ name, version string }

func read(path string) (eco string, out []pkgVersion, err error) {
	z, err := zip.OpenReader(path)
	if err != nil {
		return "", nil, err
	}
	defer z.Close()
	seen := map[pkgVersion]bool{}
	add := func(name, v string) {
		k := pkgVersion{name, v}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	for _, f := range z.File {
		if !strings.HasSuffix(f.Name, ".json") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return "", nil, fmt.Errorf("%s: %s: %w", path, f.Name, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return "", nil, fmt.Errorf("%s: %s: %w", path, f.Name, err)
		}
		var r record
		if err := json.Unmarshal(data, &r); err != nil {
			continue // not ours to judge; osv-scanner skips such records too
		}
		for _, a := range r.Affected {
			e, name := a.Package.Ecosystem, a.Package.Name
			switch {
			case e != "Go" && e != "crates.io":
				continue
			case eco == "":
				eco = e
			case e != eco:
				continue
			}
			if e == "Go" && (name == "stdlib" || name == "toolchain" || !strings.Contains(strings.Split(name, "/")[0], ".")) {
				continue
			}
			vs := slices.Clone(a.Versions)
			for _, rg := range a.Ranges {
				for _, ev := range rg.Events {
					for _, v := range ev {
						if v != "0" {
							vs = append(vs, v)
						}
					}
				}
			}
			pre := "-alpha.1"
			if e == "Go" {
				pre = "-rc.1"
			}
			for _, v := range vs {
				if !semver.MatchString(v) {
					continue
				}
				add(name, v)
				if m := release.FindStringSubmatch(v); m != nil {
					add(name, v+pre)
					if z, _ := strconv.Atoi(m[3]); z > 0 {
						add(name, fmt.Sprintf("%s.%s.%d", m[1], m[2], z-1))
					}
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b pkgVersion) int {
		return strings.Compare(a.name+" "+a.version, b.name+" "+b.version)
	})
	return eco, out, nil
}

// goVersion spells v as a go.mod does: with "v", and "+incompatible" for
// a major version above 1 of a module whose path has no /vN suffix.
func goVersion(name, v string) string {
	major, _, _ := strings.Cut(v, ".")
	if n, _ := strconv.Atoi(major); n >= 2 && !goMajor.MatchString(name) &&
		!strings.HasPrefix(name, "gopkg.in/") && !strings.Contains(v, "+") {
		v += "+incompatible"
	}
	return "v" + v
}

func main() {
	zipPath := flag.String("zip", "", "OSV zip (Go or crates.io)")
	flag.Parse()
	if *zipPath == "" {
		flag.Usage()
		os.Exit(2)
	}
	eco, pvs, err := read(*zipPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "boundary:", err)
		os.Exit(1)
	}
	w := bufio.NewWriter(os.Stdout)
	switch eco {
	case "Go":
		// No go directive: neither tool then adds the standard library.
		fmt.Fprint(w, "module example.com/boundary\n\nrequire (\n")
		for _, p := range pvs {
			fmt.Fprintf(w, "\t%s %s\n", p.name, goVersion(p.name, p.version))
		}
		fmt.Fprint(w, ")\n")
	case "crates.io":
		fmt.Fprint(w, "version = 3\n")
		for _, p := range pvs {
			fmt.Fprintf(w, "\n[[package]]\nname = %q\nversion = %q\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n", p.name, p.version)
		}
	default:
		fmt.Fprintf(os.Stderr, "boundary: %s names no Go or crates.io package\n", *zipPath)
		os.Exit(1)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "boundary:", err)
		os.Exit(1)
	}
}
