package store

import (
	"context"
	"time"
)

// CSAFProvider keeps what vmc's CSAF trusted provider has published
// (package csafprovider): each document as it was written and signed,
// so that a document whose content did not change is served again byte
// for byte, with the same hashes and signature, and one that changed is
// given its next revision.
type CSAFProvider interface {
	// CSAFPublications returns every document ever published, by id.
	CSAFPublications(ctx context.Context) ([]CSAFPublication, error)
	// PutCSAFPublications creates or replaces documents by id, in one
	// transaction.
	PutCSAFPublications(ctx context.Context, ps []CSAFPublication) error
}

// CSAFPublication is one published CSAF document.
type CSAFPublication struct {
	// ID is the document's tracking id.
	ID string
	// Fingerprint identifies the content without its tracking (see
	// csafprovider): it changes only when what the document says does.
	Fingerprint string
	// Revisions is the revision history published, as JSON.
	Revisions []byte
	// Document and Signature are the bytes served: the CSAF JSON and its
	// armored detached OpenPGP signature.
	Document, Signature []byte
	// Updated is when this version was written.
	Updated time.Time
}
