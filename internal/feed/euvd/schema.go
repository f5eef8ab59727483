package euvd

// ENISA publishes no schema for the EUVD API. The endpoints and query
// parameters are in the API documentation, https://euvd.enisa.europa.eu/apidoc;
// the field names and JSON types below are what the real responses in
// testdata/ carry (see testdata/README.md for where each was captured).

// Keys of a search page, the object /api/search returns:
//
//	{"items": [vulnerability, ...], "total": 14}
//
// total counts every match of the query, not the items of this page, so a
// page cannot be checked against it.
const (
	keyItems = "items"
	keyTotal = "total"
)

// vulnerability is one EUVD record: an element of a search page's items,
// an element of the arrays /api/lastvulnerabilities,
// /api/exploitedvulnerabilities and /api/criticalvulnerabilities return
// (at most 8 each), or the object /api/enisaid?id=EUVD-... returns.
//
// Fields the API sends that vmc does not read: enisaUuid (ENISA's internal
// key, which no other source uses), assigner (the CNA's short name, which
// advisory.Record has no place for), and, in /api/enisaid answers only,
// enisaIdVulnerability (the upstream CVE and GHSA records EUVD merged, which
// vmc imports from their own sources) and enisaIdAdvisory (linked vendor
// advisories, an array of objects whose shape no captured response shows).
type vulnerability struct {
	// ID is the EUVD identifier: EUVD-, the year, and at least four
	// digits (EUVD-1999-0471, EUVD-2025-206901). The year is EUVD's own
	// and need not match the aliased CVE's.
	ID string `json:"id"`
	// Description is English text; it may hold "\n" and "\r\n".
	Description string `json:"description"`
	// DatePublished and DateUpdated are written as the API's Java
	// serialiser writes dates in the US locale, in UTC:
	// "Oct 8, 2024, 5:35:48 PM" (see dateLayout).
	DatePublished string `json:"datePublished"`
	DateUpdated   string `json:"dateUpdated"`
	// BaseScore is the CVSS base score, 0 to 10, or -1.0 when EUVD has
	// none (EUVD-2024-45012). A pointer tells a missing or null score
	// from 0.
	BaseScore *float64 `json:"baseScore"`
	// BaseScoreVersion is the CVSS version: "2.0", "3.0", "3.1" or "4.0";
	// absent when there is no score.
	BaseScoreVersion string `json:"baseScoreVersion"`
	// BaseScoreVector is the CVSS vector: "CVSS:3.1/AV:N/..." and
	// "CVSS:4.0/AV:N/..." for the versions that have a prefix, and the bare
	// "AV:N/AC:L/Au:N/..." for CVSS 2.0. Temporal and threat metrics may
	// follow the base ones ("/E:U/RL:O/RC:C").
	BaseScoreVector string `json:"baseScoreVector"`
	// References is one string of URLs, each followed by "\n".
	References string `json:"references"`
	// Aliases is one string of ids (CVE, GHSA, PYSEC, ...), each
	// followed by "\n".
	Aliases string `json:"aliases"`
	// EPSS is the EPSS probability in percent, 0 to 100 (87.46 where
	// FIRST publishes 0.8746), rounded to two decimals; 0.0 for records
	// not scored yet.
	EPSS *float64 `json:"epss"`
	// ExploitedSince is when ENISA first knew the vulnerability to be
	// exploited, a date at midnight in the form of DatePublished; absent
	// for vulnerabilities not known to be exploited. There is no
	// "exploited" flag besides it.
	ExploitedSince string `json:"exploitedSince"`
	// Products are the affected products, one entry per product and
	// version string.
	Products []productEntry `json:"enisaIdProduct"`
	// Vendors are the vendors the record names. Entries are not linked
	// to products: see productEntry.
	Vendors []vendorEntry `json:"enisaIdVendor"`
}

// productEntry is an element of enisaIdProduct. Its own "id" (a UUID of the
// pairing) is not read.
type productEntry struct {
	Product struct {
		Name string `json:"name"`
		// Vendor ties the product to its vendor. Responses captured in
		// July 2026 have it; earlier ones (2025 to March 2026) do not,
		// and there the vendor can only be inferred from enisaIdVendor.
		Vendor struct {
			Name string `json:"name"`
		} `json:"vendor"`
	} `json:"product"`
	// Version is display text, not one version: an exact version
	// ("6.0.7", "15SU4"), a CVE JSON 5 range printed as "start <end" or
	// "start ≤end" ("0 <v8.5", "* ≤2.6.03", "unspecified <2.11.3"), a
	// GHSA range ("< 12.3.0", "10.3.0, < 12.2.0"), a hyphenated span
	// ("1.0.0-6.6.1"), a model name (Qualcomm lists chips here:
	// "Snapdragon X5 LTE Modem"), or "n/a".
	Version string `json:"product_version"`
}

// vendorEntry is an element of enisaIdVendor. Its "id" is not read.
type vendorEntry struct {
	Vendor struct {
		Name string `json:"name"`
	} `json:"vendor"`
}
