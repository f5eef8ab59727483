// Package cyclonedx reads CycloneDX bills of materials
// (https://cyclonedx.org/specification/overview/), JSON or XML, spec 1.1
// to 1.6, into asset components, and CycloneDX VEX (the same documents'
// vulnerabilities[].analysis) into triage statements. Decoding is
// github.com/CycloneDX/cyclonedx-go's; this package maps its BOM to vmc's
// terms.
//
// # Mapping
//
//   - components[], flattened with their nested components[] (assemblies),
//     and metadata.component's nested components. Each component's Source
//     is the file and the path to it, "bom.json: components[3].components[1]".
//     metadata.component itself is the Subject ("name@version", with the
//     group as "group/name"), not a component: it is the thing the SBOM
//     describes, which has no advisories of its own in the ecosystem it
//     came from.
//   - purl decides Ecosystem, Name and Version (see internal/sbom):
//     Maven's "group:artifact", npm's "@scope/name", PEP 503 PyPI names,
//     Go versions without "v", Debian and Alpine source packages from
//     Syft's upstream qualifier, RPM epochs. The component's own name and
//     version are used when there is no purl.
//   - cpe becomes CPEs; licenses[] become Licenses (an expression, or a
//     license id, or, failing both, the license name as written).
//   - dependencies[] (ref → dependsOn refs, by bom-ref) become DependsOn,
//     as component keys. A ref that names no component, or one that was
//     skipped, is dropped. The components metadata.component depends on
//     are Direct.
//
// # Problems
//
// A component with neither a usable purl nor a CPE has nothing to match
// by and is skipped; a purl of an unknown type keeps the component with no
// ecosystem; a version that is not comparable keeps the component. Each is
// an Inventory.Errors entry (*feed.RecordError) whose Record is the
// component's path and name, "components[12] (lodash@4.17.20)", and whose
// Field is the JSON member ("purl", "version").
//
// In JSON, a component whose members have the wrong types (a number for a
// name, an object for a purl) would make the whole document fail to
// decode. When it does, Parse decodes the document element by element,
// reports each bad component, metadata or dependency entry with the path
// of the bad member, and keeps the rest. XML has no such second pass: a
// malformed XML document fails whole.
//
// # Hostile input
//
// Documents are read whole, up to 64 MiB (sbom.MaxSize), since the
// dependency graph refers back and forth. XML documents with a DOCTYPE
// are refused before decoding: encoding/xml neither fetches external
// entities nor expands internal ones, but a BOM has no use for a DTD, and
// refusing it keeps entity tricks from ever depending on that. Nesting
// depth is bounded by encoding/json and encoding/xml (10,000 levels).
//
// # Validation
//
// Validate checks a JSON BOM against the CycloneDX 1.6 JSON schema
// embedded in schema/. Parse does not validate: real SBOMs break the
// schema in small ways (a licence name where an id belongs) that do not
// stop vmc from using their components.
package cyclonedx
