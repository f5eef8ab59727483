// Package taxii holds TAXII 2.1's resources as vmc keeps them
// (https://docs.oasis-open.org/cti/taxii/v2.1/): API roots, collections
// with who may read and write each, and the status of an add request;
// and it reads the OASIS reference server's data file (medallion's
// default_data.json), so that a vmc can be loaded with the reference
// collections. It does no I/O: the HTTP server is in package api, the
// client in package taxii/client.
package taxii
