// Package stix reads STIX 2.1 objects (https://docs.oasis-open.org/cti/stix/v2.1/)
// as vmc keeps them: each object's common properties (id, type,
// spec_version, created, modified) are checked and kept beside its
// untouched JSON, which vmc stores and serves as it came. Bundles are
// read one object at a time, within size limits, so that an attacker's
// bundle cannot exhaust memory.
//
// The JSON schemas (../shared/data/stix/schemas) check each type's own
// properties; what they cannot check, such as modified not preceding
// created, is checked here.
package stix
