// Package spdx reads SPDX 2.x software bills of materials
// (https://spdx.github.io/spdx-spec/v2.3/) into asset components: JSON
// (2.1 to 2.3, decoded by github.com/spdx/tools-golang) and tag-value (a
// parser of this package's own).
//
// # Why tag-value is parsed here
//
// tools-golang v0.5.7's tag-value reader rejects the SPDX 2.3 specification's
// own example ("unknown tag SnippetSPDXID in Package section"): it expects
// snippets only after files. vmc needs only packages and relationships, so
// tagvalue.go reads those and skips every other tag, wherever it stands.
//
// # Mapping
//
// Both forms are read into one model and mapped the same way, so the JSON
// and tag-value serialisations of a document give the same components
// (Source aside: "doc.spdx.json: SPDXRef-Package").
//
//   - packages[] become components. An externalRefs entry of category
//     PACKAGE-MANAGER (PACKAGE_MANAGER in 2.2) and type purl gives the purl,
//     which decides Ecosystem, Name and Version as in internal/sbom; SECURITY
//     entries of type cpe23Type or cpe22Type give CPEs. licenseConcluded and
//     licenseDeclared become Licenses, unless NOASSERTION or NONE.
//   - Relationships become DependsOn: A DEPENDS_ON, CONTAINS, DYNAMIC_LINK or
//     STATIC_LINK B, and the reverse forms B DEPENDENCY_OF, CONTAINED_BY or
//     *_DEPENDENCY_OF A (runtime, build, dev, test, optional, provided),
//     where both ends are packages that were kept. Ends in other documents
//     (DocumentRef-...) are ignored.
//   - The packages the document DESCRIBES (documentDescribes in JSON, or
//     a DESCRIBES relationship from SPDXRef-DOCUMENT; DESCRIBED_BY the other
//     way) name the Subject, the first such package as "name@version", or
//     the document name when only files are described. Unlike CycloneDX's
//     metadata.component, a described package stays a component: SPDX
//     does not set it apart, and it is often a real package (the
//     specification's example describes glibc). Packages a described
//     package depends on are Direct.
//
// A package with neither a usable purl nor a CPE is skipped, and reported
// as a *feed.RecordError whose Record is its SPDXID and label
// ("SPDXRef-Saxon (Saxon@8.8)"); so is a purl of an unknown type (the
// component is kept) or a version the matcher cannot compare (kept).
//
// Documents are read whole, up to 64 MiB (sbom.MaxSize).
package spdx
