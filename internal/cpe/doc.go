// Package cpe reads CPE names and evaluates NVD applicability statements
// ("configurations") against what an inventory says is installed.
//
// A CPE 2.3 name (NIST IR 7695) identifies a product by part, vendor,
// product, version and seven more attributes. NVD states which products a
// CVE affects as configurations: trees of AND/OR nodes over CPE match
// criteria, each criterion a CPE name with wildcards and, often, version
// bounds (https://nvd.nist.gov/developers/vulnerabilities, "configurations").
// [MatchConfigurations] evaluates them and returns the criterion that
// matched, so that a finding can say why it exists.
//
// Name matching is github.com/knqyf263/go-cpe's implementation of the CPE
// Name Matching specification (NIST IR 7696). Versions are compared in
// Maven's order (package version's Maven scheme); see MatchConfigurations
// for why.
//
// CPE matching needs a version order, which package ecosystem (a leaf)
// must not import, so it lives here rather than there.
package cpe
