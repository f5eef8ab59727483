package csaf

import (
	_ "embed"
	"strings"
	"sync"
)

// The weaknesses of CWE 4.17 (2025-04-03), id and name, one per line;
// catalog/README.md says where they come from.
//
//go:embed catalog/cwe-4.17.tsv
var cweTSV string

var cweNames = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for line := range strings.Lines(cweTSV) {
		if id, name, ok := strings.Cut(strings.TrimRight(line, "\n"), "\t"); ok {
			m[id] = name
		}
	}
	return m
})

// CWEName returns the name CWE 4.17 gives a weakness ("CWE-79"), and
// whether the catalogue holds it: the name test 6.1.11 holds a
// document's cwe.name to, for writers of CSAF, and the check for whoever
// records CWE ids outside a CSAF document (an incident's root causes).
func CWEName(id string) (string, bool) {
	name, ok := cweNames()[id]
	return name, ok
}

// checkCWE is test 6.1.11: a vulnerability's CWE exists, and its name is the
// one the catalogue gives that id. The catalogue is the version BSI's
// validator uses, so both agree on which names are current.
func checkCWE(d *doc) {
	for _, v := range d.root.get("vulnerabilities").items() {
		c := v.get("cwe")
		id, ok1 := c.get("id").str()
		name, ok2 := c.get("name").str()
		if !ok1 || !ok2 {
			continue
		}
		want, known := cweNames()[id]
		switch {
		case !known:
			d.report(c.get("id").path, "%s is not a weakness of CWE 4.17", id)
		case name != want:
			d.report(c.get("name").path, "the name of %s is %q, not %q", id, want, name)
		}
	}
}
