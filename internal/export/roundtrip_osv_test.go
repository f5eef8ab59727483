package export_test

import "testing"

// osvFates is what becomes of each field of a real OSV record imported
// into vmc and exported as OSV again, and why. docs/federation.md shows
// the same table.
var osvFates = map[string]string{
	"id":                           "changed: the export is of the merged vulnerability, named by its primary id (a CVE before a GO or RUSTSEC id); the record's own id moves into aliases",
	"aliases[]":                    "changed: every id of the merged vulnerability but the primary, the record's own id among them",
	"modified":                     "changed: when vmc last changed the vulnerability (an OSV database's modified is its own, as osv.dev's is): the latest of the sources' dates and of the imports that changed what vmc holds",
	"schema_version":               "changed: the writer follows OSV 1.6.0",
	"published":                    "kept",
	"summary":                      "kept",
	"details":                      "kept",
	"related[]":                    "kept",
	"affected[].package.ecosystem": "kept",
	"affected[].package.name":      "kept",
	"affected[].package.purl":      "kept",
	"affected[].ranges[].type":     "kept",
	"affected[].ranges[].events[].introduced":           "kept",
	"affected[].ranges[].events[].fixed":                "kept",
	"references[].type":                                 "kept",
	"references[].url":                                  "kept",
	"credits[].name":                                    "kept",
	"severity[].type":                                   "kept",
	"severity[].score":                                  "kept",
	"affected[].ecosystem_specific.imports[].path":      "lost: ecosystem_specific is each database's own; vmc's record has no place for package paths and symbols (the matcher works by package and version)",
	"affected[].ecosystem_specific.imports[].symbols[]": "lost: as imports[].path",
	"affected[].ecosystem_specific.imports[].goarch[]":  "lost: as imports[].path",
	"affected[].ecosystem_specific.affected_functions":  "lost: as imports[].path (RustSec's)",
	"affected[].ecosystem_specific.affects.arch[]":      "lost: as imports[].path (RustSec's)",
	"affected[].ecosystem_specific.affects.os[]":        "lost: as imports[].path (RustSec's)",
	"affected[].ecosystem_specific.affects.functions[]": "lost: as imports[].path (RustSec's)",
	"affected[].database_specific.categories[]":         "lost: database_specific is the source database's; vmc writes its own (TLP, CWEs)",
	"affected[].database_specific.cvss":                 "lost: as categories (RustSec's null CVSS)",
	"affected[].database_specific.informational":        "lost: as categories (RustSec's unmaintained/unsound notices)",
	"database_specific.license":                         "lost: as affected[].database_specific; the licence of the source text is not carried (docs/federation.md: attribution)",
	"database_specific.review_status":                   "lost: as affected[].database_specific (the Go database's)",
	"database_specific.url":                             "lost: as affected[].database_specific; the source's page is among references when the source lists it",
}

// TestRoundTripOSV: OSV → vmc → OSV, field by field, over Go and RustSec
// records of the shared corpus.
func TestRoundTripOSV(t *testing.T) {
	if testing.Short() {
		t.Skip("a store per record; skipped with -short")
	}
	docs := zipDocs(t, "osv/Go/all.zip", 40)
	for k, v := range zipDocs(t, "osv/crates.io/all.zip", 40) {
		docs[k] = v
	}
	fates := roundTrip(t, "osv", docs, func(m map[string]any) (map[string]any, string) { return m, m["id"].(string) })
	checkFates(t, fates, osvFates)
}
