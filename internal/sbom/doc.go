// Package sbom turns inventories, the files that say what software an
// asset runs, into asset components: SBOMs (CycloneDX, SPDX), lockfiles
// (go.mod, package-lock.json, poetry.lock, ...) and operating-system
// package lists (dpkg, rpm, apk). Each format is a sub-package with the
// same two functions,
//
//	func Parse(name string, r io.Reader) (sbom.Inventory, error)
//	func Sniff(name string, head []byte) bool
//
// and this package lists them (Formats), picks one for a file (Detect)
// and parses with it (ParseAny).
//
// # The contract
//
// Parse reads the whole document, at most MaxSize bytes: every format here
// refers back and forth (a dependency graph, Source fields that name their
// package), so none can be streamed. It never panics. Its error is for a
// document that cannot be read at all (not the format, malformed, too
// large); the error names the file and wraps feed.ErrFormat. Everything
// else is per component, in Inventory.Errors as *feed.RecordError (Record:
// the component's position and name, "components[12] (lodash@4.17.21)";
// Field: the member at fault), and the rest of the document is still read:
//   - a component with nothing to match by (no ecosystem, purl or CPE) is
//     skipped and reported;
//   - a purl of a type with no OSV ecosystem keeps the component, with an
//     empty Ecosystem, and is reported;
//   - a version the matcher cannot compare (not semver in npm, crates.io
//     or Go; a Composer branch) keeps the component and is reported;
//   - a lockfile entry with no resolved version at all (a requirement
//     range, a Maven property defined elsewhere) is skipped and reported,
//     since a lockfile's point is its versions.
//
// Components are identified as OSV names them (asset.Component): the
// ecosystem ("npm", "PyPI", "Debian:12"), the name in it (Maven's
// "group:artifact", PEP 503 PyPI names, Debian and Alpine source
// packages), the version as OSV writes it (Go without "v"). A package
// listed twice is one component (see Inventory).
//
// # Identity
//
// The purl → OSV ecosystem mapping lives, for now, in
// internal/sbom/internal/inventory (FromPURL, Distro). It is a stopgap:
// package identity belongs to internal/ecosystem, and ecosystem.FromPURL
// should replace it once that package has one.
//
// Nothing here does I/O beyond the reader it is given.
package sbom
