// Package ecosystem is package identity: which ecosystem a package lives in
// and what it is called there.
//
// An ecosystem is named the way OSV names it (https://ossf.github.io/osv-schema/#defined-ecosystems),
// optionally with a release suffix that scopes it to one distribution
// release: "Debian:12", "AlmaLinux:9", "Alpine:v3.19", "Ubuntu:22.04:LTS".
// [Parse] turns the many spellings tools use ("golang", "pip", "cargo",
// "deb:ubuntu-22.04") into that form; [FromDistro] does the same for an
// os-release ID and VERSION_ID; [FromPURL] and [PURL] translate between
// package URLs (https://github.com/package-url/purl-spec) and
// (ecosystem, name, version).
//
// The package is a leaf of vmc's domain: it imports nothing of vmc, so that
// version, match and the SBOM readers can all use it.
package ecosystem
