// Command scans serves bench/findings.sh, the scanner-report import
// benchmark:
//
//	scans gen -n 100000 -cves ../shared/data/cve5/cves.zip -template trivy.json -o big.json
//	scans floor FILE...
//
// gen writes a Trivy report of n vulnerabilities: the first vulnerability
// of the template report (a real Trivy result) repeated over real CVE ids
// from cves.zip, a thousand packages deep, so that the report is as large
// as a big image scan and every vulnerability id exists. floor decodes
// each file as bare JSON (into any) or bare XML (every token) and does
// nothing else: a report cannot be imported faster than it is read.
package main

import (
	"archive/zip"
	"bufio"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "gen":
		err = gen(os.Args[2:])
	case "floor":
		err = floor(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "scans:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: scans gen -n N -cves cves.zip -template trivy.json -o out.json | scans floor FILE...")
	os.Exit(2)
}

func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	n := fs.Int("n", 100000, "vulnerabilities")
	cves := fs.String("cves", "", "cves.zip (CVE JSON 5 records)")
	tmpl := fs.String("template", "", "a Trivy JSON report with at least one vulnerability")
	out := fs.String("o", "", "output file")
	fs.Parse(args)
	ids, err := cveIDs(*cves, 1000)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(*tmpl)
	if err != nil {
		return err
	}
	var rep map[string]any
	if err := json.Unmarshal(b, &rep); err != nil {
		return err
	}
	results, _ := rep["Results"].([]any)
	if len(results) == 0 {
		return errors.New("template has no results")
	}
	first, _ := results[0].(map[string]any)
	vs, _ := first["Vulnerabilities"].([]any)
	if len(vs) == 0 {
		return errors.New("template's first result has no vulnerabilities")
	}
	proto, _ := json.Marshal(vs[0])
	made := make([]any, 0, *n)
	for i := range *n {
		var v map[string]any
		json.Unmarshal(proto, &v)
		pkg := fmt.Sprintf("libbench%d", i/len(ids))
		v["VulnerabilityID"] = ids[i%len(ids)]
		v["PkgName"] = pkg
		v["PkgID"] = pkg + "@1.0-1"
		delete(v, "PkgIdentifier")
		made = append(made, v)
	}
	first["Vulnerabilities"] = made
	rep["Results"] = []any{first}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := json.NewEncoder(w).Encode(rep); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// cveIDs returns the ids of the first n records of a CVE JSON 5 zip, from
// the entries' names (CVE-YYYY-NNNN.json).
func cveIDs(zipPath string, n int) ([]string, error) {
	z, err := zip.OpenReader(zipPath)
	if err != nil {
		return nil, err
	}
	defer z.Close()
	var ids []string
	for _, f := range z.File {
		base := strings.TrimSuffix(path.Base(f.Name), ".json")
		if strings.HasPrefix(base, "CVE-") {
			ids = append(ids, base)
			if len(ids) == n {
				break
			}
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("%s: no CVE records", zipPath)
	}
	return ids, nil
}

func floor(files []string) error {
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		br := bufio.NewReaderSize(f, 64<<10)
		head, _ := br.Peek(1)
		if len(head) == 1 && (head[0] == '{' || head[0] == '[') {
			dec := json.NewDecoder(br)
			for {
				var v any
				if err := dec.Decode(&v); err == io.EOF {
					break
				} else if err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
			}
		} else {
			dec := xml.NewDecoder(br)
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
			}
		}
		f.Close()
	}
	return nil
}
