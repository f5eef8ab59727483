// Package version parses and orders package versions the way each
// ecosystem's own tools do, and decides whether a version lies in an OSV
// range.
//
// Orderings are grouped in schemes ([Scheme]): npm, crates.io, Go and
// Bitnami share SemVer; Debian and Ubuntu share dpkg's; Red Hat,
// AlmaLinux, Rocky Linux, openSUSE and SUSE share rpm's. [Parse] and
// [Compare] take an OSV ecosystem name, with or without a release
// ("Debian:12", "Alpine:v3.19"), and find its scheme through package
// ecosystem.
//
// The orderings are osv-scalibr's semantic package, which osv-scanner and
// osv.dev use, so that vmc and those tools agree about what a range covers.
// vmc wraps it rather than forking it, and adds two things it lacks:
//
//   - Validation. semantic accepts any string in most ecosystems (a PyPI
//     "1..2" becomes a legacy version, a SemVer "x" an empty one). Each
//     scheme here checks the grammar its ecosystem's tools enforce and
//     reports anything else as an error naming the ecosystem and the
//     version, so that a typo in an advisory is seen rather than silently
//     ordered somewhere.
//   - Corrections where semantic and the ecosystem's tool disagree, each
//     commented where it is made and tested with vectors checked against
//     the tool: RubyGems versions with a "-" or with zero-padded numbers
//     (rubygems.go); Pub build metadata (pub.go); SemVer pre-release
//     identifiers that look like signed numbers, and versions with more
//     than three numbers (semver.go).
//
// Ordering is tested as data: testdata/*-versions.txt holds "a < b" lines
// checked against the ecosystems' own tools, and the tests also run
// ../shared/data/versions and osv-scalibr's own vectors from the module
// cache.
//
// [Affects] evaluates one OSV range the way the OSV schema's pseudo-code
// does (https://ossf.github.io/osv-schema/#evaluation) and says which event
// decided. GIT ranges need the repository's commit graph and are reported
// as not evaluable ([ErrNotEvaluable]); matching by commit is out of scope.
package version
