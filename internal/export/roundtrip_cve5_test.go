package export_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// cve5Fates is what becomes of each field of a real CVE record's CNA
// container imported into vmc and exported as a CNA container again,
// and why. docs/federation.md shows the same table.
var cve5Fates = map[string]string{
	"title":                                     "kept",
	"affected[].vendor":                         "kept",
	"affected[].product":                        "kept",
	"affected[].cpes[]":                         "kept",
	"affected[].defaultStatus":                  "kept: mostly; where the CNA lists affected and unaffected products both default to unaffected in the export (a weakness: vmc's record keeps one default per entry as merged)",
	"affected[].versions[].version":             "kept: mostly; git ranges whose start is the first commit come back as introduced 0",
	"affected[].versions[].versionType":         "kept: mostly; types CVE does not define (original_commit_for_fix) are dropped",
	"affected[].versions[].lessThan":            "kept",
	"affected[].versions[].lessThanOrEqual":     "lost: wildcards (5.15.*, *) in lessThanOrEqual are not versions vmc's ranges hold; the CNA's unaffected branches are written as the affected ranges between them",
	"affected[].versions[].status":              "kept: mostly; unaffected entries become the complement (see lessThanOrEqual)",
	"affected[].versions[].changes[]":           "lost: per-version status changes have no place in vmc's ranges",
	"affected[].collectionURL":                  "lost: vmc keeps ecosystem and package, and writes collectionURL only for ecosystems it knows the registry of",
	"affected[].packageName":                    "lost: written only where the entry names an ecosystem package vmc knows",
	"affected[].repo":                           "changed: one repository per entry",
	"affected[].platforms[]":                    "lost: vmc's record has no platforms",
	"affected[].programFiles[]":                 "lost: vmc's record has no program files",
	"cpeApplicability[]":                        "lost: the CNA's CPE applicability statements are read as NVD configurations only from NVD",
	"credits[].":                                "kept",
	"datePublic":                                "changed: the export's datePublic is the record's published date as vmc holds it (the CVE record's datePublished), not the CNA's public date",
	"descriptions[].lang":                       "changed: en-US is written en (the language, not the region)",
	"descriptions[].value":                      "changed: same text; where the record has more than one description (ADP, other sources), the export carries the merged ones",
	"descriptions[].supportingMedia[]":          "lost: vmc keeps descriptions as text",
	"impacts[]":                                 "lost: CAPEC impacts have no place in vmc's record",
	"metrics[].format":                          "kept",
	"metrics[].scenarios[].value":               "kept",
	"metrics[].scenarios[].lang":                "changed: en-US is written en",
	"metrics[].cvssV2_0.":                       "lost: CVSS v2 is kept for scoring, but the CNA container is written with v3.x and v4.0 only",
	"metrics[].cvssV3_0.vectorString":           "kept",
	"metrics[].cvssV3_0.version":                "kept",
	"metrics[].cvssV3_0.baseScore":              "kept",
	"metrics[].cvssV3_0.baseSeverity":           "kept",
	"metrics[].cvssV3_0.":                       "lost: the metrics the vector spells out are not repeated as fields (the vector carries them)",
	"metrics[].cvssV3_1.vectorString":           "kept",
	"metrics[].cvssV3_1.version":                "kept",
	"metrics[].cvssV3_1.baseScore":              "kept",
	"metrics[].cvssV3_1.baseSeverity":           "kept",
	"metrics[].cvssV3_1.":                       "lost: as cvssV3_0; temporal scores are not kept",
	"metrics[].cvssV4_0.vectorString":           "kept",
	"metrics[].cvssV4_0.version":                "kept",
	"metrics[].cvssV4_0.baseScore":              "kept",
	"metrics[].cvssV4_0.baseSeverity":           "kept",
	"metrics[].cvssV4_0.":                       "lost: as cvssV3_0",
	"metrics[].other.":                          "lost: other metrics (CISA's SSVC and KEV ADP entries) are kept as SSVC and KEV, which a CNA container does not carry",
	"problemTypes[].descriptions[].cweId":       "kept",
	"problemTypes[].descriptions[].description": "changed: CWEs are written with the catalogue's name; text problem types (\"Remote Code Execution\") that name no CWE are lost",
	"problemTypes[].descriptions[].lang":        "lost: as description",
	"problemTypes[].descriptions[].type":        "lost: as description",
	"providerMetadata.orgId":                    "changed: the container is vmc's, as the CNA the settings name",
	"providerMetadata.shortName":                "changed: as orgId",
	"providerMetadata.dateUpdated":              "lost: CVE Services sets it on submission",
	"references[].url":                          "changed: the same URLs, with vmc's own CSAF document added",
	"references[].tags[]":                       "changed: x_refsource_* and CNA tags are mapped to vmc's reference types and back (MISC → vendor-advisory, ...)",
	"references[].name":                         "lost: vmc's references are URLs with a type",
	"solutions[]":                               "lost: solutions are not read into vmc's record (remediations are, from CSAF)",
	"workarounds[]":                             "lost: as solutions",
	"source.advisory":                           "changed: the source is vmc's record, named by its primary id",
	"source.discovery":                          "lost: vmc's record has no discovery source",
	"tags[]":                                    "lost: CNA tags (disputed, unsupported-when-assigned) are not kept",
	"timeline[]":                                "lost: vmc's record has no timeline",
	"x_generator.":                              "changed: the generator is vmc",
	"x_redhatCweChain":                          "lost: vendors' x_ extensions are not kept",
	"x_legacyV4Record.":                         "lost: the CVE 4 record kept for history is not carried",
}

// TestRoundTripCVE5: CVE JSON 5 → vmc → CVE JSON 5, field by field, over
// the CVE record samples and the first records of cves.zip.
func TestRoundTripCVE5(t *testing.T) {
	if testing.Short() {
		t.Skip("a store per record; skipped with -short")
	}
	docs := zipDocs(t, "cve5/cves.zip", 60)
	root := feedtest.SharedData(t, "cve5/samples")
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".json") {
			b, _ := os.ReadFile(p)
			docs[p] = b
		}
		return nil
	})
	fates := roundTrip(t, "cve5", docs, func(m map[string]any) (map[string]any, string) {
		meta, _ := m["cveMetadata"].(map[string]any)
		cs, _ := m["containers"].(map[string]any)
		cna, _ := cs["cna"].(map[string]any)
		id, _ := meta["cveId"].(string)
		return cna, id
	})
	checkFates(t, fates, cve5Fates)
}
