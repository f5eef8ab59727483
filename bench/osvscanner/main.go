// Command osvscanner normalises the JSON output of `vmc scan --json` and of
// `osv-scanner scan source --format json` for the same input into sorted
// "ECOSYSTEM:PACKAGE@VERSION VULN" lines, so that bench/osvscanner.sh can
// diff them.
//
// The two tools name one vulnerability differently: vmc reports it under
// its primary id (a CVE when one is among the merged records' aliases),
// osv-scanner under the id of each OSV record it loaded, grouping the
// records that alias each other. So ids are compared as alias sets: for
// each package version, every id a finding carries (its id and its
// aliases, on either side) joins one set with the ids it is named
// together with, and the set is written as one of its ids (a CVE if it
// has one). Two findings agree when their sets meet.
//
// Usage:
//
//	osvscanner -vmc VMC.json -osv OSV.json -out DIR
//
// writes DIR/vmc.txt and DIR/osv-scanner.txt and prints one line:
// "vmc N osv-scanner M agreed K".
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// vmcOutput is the part of `vmc scan --json` read here.
type vmcOutput struct {
	Matches []struct {
		Component struct {
			Name      string `json:"name"`
			Version   string `json:"version"`
			Ecosystem string `json:"ecosystem"`
		} `json:"component"`
		Vuln    string `json:"vuln"`
		Summary struct {
			Aliases []string `json:"aliases"`
		} `json:"summary"`
		VEX *struct {
			Status string `json:"status"`
		} `json:"vex"`
	} `json:"matches"`
}

// osvOutput is the part of osv-scanner v2's JSON output read here
// (https://google.github.io/osv-scanner/output/#json): results by source
// file, packages, and the full OSV record of each vulnerability.
type osvOutput struct {
	Results []struct {
		Packages []struct {
			Package struct {
				Name      string `json:"name"`
				Version   string `json:"version"`
				Ecosystem string `json:"ecosystem"`
			} `json:"package"`
			Vulnerabilities []struct {
				ID      string   `json:"id"`
				Aliases []string `json:"aliases"`
			} `json:"vulnerabilities"`
		} `json:"packages"`
	} `json:"results"`
}

// finding is one vulnerability reported for one package version, with
// every id it is known by.
type finding struct {
	pkg string
	ids []string
}

// pkgKey spells a package version the same way for both tools: osv-scanner
// keeps the "v" of Go versions read from a CycloneDX purl, vmc drops it.
func pkgKey(eco, name, version string) string {
	if eco == "Go" {
		version = strings.TrimPrefix(version, "v")
	}
	return eco + ":" + name + "@" + version
}

func readVMC(path string) ([]finding, error) {
	var out vmcOutput
	if err := readJSON(path, &out); err != nil {
		return nil, err
	}
	var fs []finding
	for _, m := range out.Matches {
		if m.VEX != nil && (m.VEX.Status == "not_affected" || m.VEX.Status == "fixed") {
			continue
		}
		c := m.Component
		fs = append(fs, finding{pkgKey(c.Ecosystem, c.Name, c.Version), append([]string{m.Vuln}, m.Summary.Aliases...)})
	}
	return fs, nil
}

func readOSV(path string) ([]finding, error) {
	var out osvOutput
	if err := readJSON(path, &out); err != nil {
		return nil, err
	}
	var fs []finding
	for _, r := range out.Results {
		for _, p := range r.Packages {
			for _, v := range p.Vulnerabilities {
				k := pkgKey(p.Package.Ecosystem, p.Package.Name, p.Package.Version)
				fs = append(fs, finding{k, append([]string{v.ID}, v.Aliases...)})
			}
		}
	}
	return fs, nil
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// sets is a union-find over "package id" keys.
type sets map[string]string

func (s sets) find(x string) string {
	for {
		p, ok := s[x]
		if !ok || p == x {
			return x
		}
		if gp, ok := s[p]; ok {
			s[x] = gp // path halving
		}
		x = p
	}
}

func (s sets) union(a, b string) {
	ra, rb := s.find(a), s.find(b)
	if ra == rb {
		return
	}
	if less(rb, ra) {
		ra, rb = rb, ra
	}
	s[rb] = ra
}

// less orders "package id" keys for naming a set: a CVE id first, as the
// one both tools' users know, then a GHSA id, then the smallest.
func less(a, b string) bool {
	rank := func(k string) int {
		_, id, _ := strings.Cut(k, " ")
		switch {
		case strings.HasPrefix(id, "CVE-"):
			return 0
		case strings.HasPrefix(id, "GHSA-"):
			return 1
		}
		return 2
	}
	if ra, rb := rank(a), rank(b); ra != rb {
		return ra < rb
	}
	return a < b
}

// lines writes each finding as "PACKAGE ID", ID naming its set, once.
func lines(fs []finding, s sets) []string {
	var out []string
	for _, f := range fs {
		root := s.find(f.pkg + " " + f.ids[0])
		out = append(out, root)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func writeLines(path string, ls []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, l := range ls {
		fmt.Fprintln(w, l)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func run() error {
	vmcPath := flag.String("vmc", "", "output of vmc scan --json")
	osvPath := flag.String("osv", "", "output of osv-scanner scan source --format json")
	outDir := flag.String("out", "", "directory for vmc.txt and osv-scanner.txt")
	flag.Parse()
	if *vmcPath == "" || *osvPath == "" || *outDir == "" {
		flag.Usage()
		os.Exit(2)
	}
	vf, err := readVMC(*vmcPath)
	if err != nil {
		return err
	}
	of, err := readOSV(*osvPath)
	if err != nil {
		return err
	}
	s := sets{}
	for _, f := range slices.Concat(vf, of) {
		for _, id := range f.ids {
			s.union(f.pkg+" "+f.ids[0], f.pkg+" "+id)
		}
	}
	vl, ol := lines(vf, s), lines(of, s)
	agreed := 0
	for _, l := range vl {
		if _, ok := slices.BinarySearch(ol, l); ok {
			agreed++
		}
	}
	if err := writeLines(filepath.Join(*outDir, "vmc.txt"), vl); err != nil {
		return err
	}
	if err := writeLines(filepath.Join(*outDir, "osv-scanner.txt"), ol); err != nil {
		return err
	}
	fmt.Printf("vmc %d osv-scanner %d agreed %d\n", len(vl), len(ol), agreed)
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "osvscanner:", err)
		os.Exit(1)
	}
}
