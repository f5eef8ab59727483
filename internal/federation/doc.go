// Package federation makes vmc a node among vmcs (package peer): it
// publishes vmc's own merged vulnerabilities as STIX 2.1 into a TAXII
// collection (the same conversion as "vmc export --format stix"), and
// pulls peers' records, over their OSV API and change index or their
// TAXII collection, into the source "peer:<name>".
package federation
