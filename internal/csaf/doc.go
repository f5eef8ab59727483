// Package csaf validates CSAF 2.0 documents (OASIS Common Security Advisory
// Framework Version 2.0, https://docs.oasis-open.org/csaf/csaf/v2.0/) the way
// section 9.1.14 defines a CSAF full validator: against the JSON schema, the
// mandatory tests of section 6.1, and, as warnings and information, the
// optional tests of 6.2 and the informative tests of 6.3.
//
// Validate never fetches anything: the schemas, the CWE catalogue (test
// 6.1.11) and the IANA language subtag registry (6.1.12) are embedded, and
// the tests that need the network (6.3.6, 6.3.7) or a spelling dictionary
// (6.3.8) are not run.
//
// The tests read the decoded JSON, not Go structs: a validator has to judge
// documents that break the schema, and a struct would hide a value of the
// wrong type or, since encoding/json folds case, read "Product_Status" as
// product_status. Parsing CSAF into vmc's records is internal/feed/csaf's job.
//
// The official conformance suite (../shared/data/csaf/validator-tests) runs
// in conformance_test.go; bsi_test.go compares the verdicts with BSI's
// validator library, installed from npm under testdata/bsi.
package csaf
