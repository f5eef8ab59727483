// Package openvex reads OpenVEX documents (https://github.com/openvex/spec):
// statements that a vulnerability does or does not affect products, with
// a status, a justification for "not_affected", and impact and action
// statements. It reads spec v0.0.1, where the vulnerability and products
// are strings, and v0.2.0, where they are objects (a product's @id, its
// identifiers and subcomponents); either shape is accepted in either
// version, as tools mix them. JSON, and the YAML serialisation early
// drafts used, are read.
//
// Status and justification are closed vocabularies: an unknown value
// rejects the statement with an error naming it and its field, as does a
// "not_affected" statement with neither a justification nor an impact
// statement, which the spec forbids. The other statements are still read.
package openvex
