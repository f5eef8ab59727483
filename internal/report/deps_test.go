package report

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestImports keeps report a domain package (../shared/STYLE.md): it
// imports the standard library without HTTP, SQL or processes, the
// format libraries it renders with, and of vmc only the domain packages
// and the fonts; nothing it depends on, directly or not, is storage, the
// API, the command line or the web UI.
//
// maroto itself depends on net/http and database/sql/driver (through
// pdfcpu, which it uses to merge PDFs, and google/uuid); report does not
// call them, and internal/archtest does not list report among the
// packages whose every dependency it checks.
func TestImports(t *testing.T) {
	const mod = "github.com/vmc-dev/vmc/internal/"
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,Deps", mod+"report", mod+"font").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	// The incident review report (incidents.go) draws the charts of
	// package chart, itself a domain package.
	allowedVMC := []string{mod + "finding", mod + "risk", mod + "asset", mod + "font", mod + "incident", mod + "incident/metrics",
		mod + "incident/process", mod + "chart"}
	allowedThirdParty := []string{"github.com/johnfercher/go-tree/", "github.com/johnfercher/maroto/v2", "golang.org/x/image/"}
	forbiddenStd := []string{"net/http", "database/sql", "os/exec", "net"}
	forbiddenDeps := []string{mod + "store", mod + "api", mod + "cli", mod + "ingest", mod + "web", mod + "task", mod + "feed"}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p struct {
			ImportPath    string
			Imports, Deps []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		for _, imp := range p.Imports {
			switch {
			case strings.HasPrefix(imp, mod):
				if !slices.Contains(allowedVMC, imp) {
					t.Errorf("%s imports %s: only %v", p.ImportPath, imp, allowedVMC)
				}
			case strings.Contains(strings.Split(imp, "/")[0], "."):
				if !slices.ContainsFunc(allowedThirdParty, func(a string) bool { return strings.HasPrefix(imp, a) }) {
					t.Errorf("%s imports %s: not a format library it is meant to use", p.ImportPath, imp)
				}
			case slices.ContainsFunc(forbiddenStd, func(f string) bool { return imp == f || strings.HasPrefix(imp, f+"/") }):
				t.Errorf("%s imports %s", p.ImportPath, imp)
			}
		}
		for _, d := range p.Deps {
			if slices.ContainsFunc(forbiddenDeps, func(f string) bool { return d == f || strings.HasPrefix(d, f+"/") }) {
				t.Errorf("%s depends on %s", p.ImportPath, d)
			}
		}
	}
}
