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
	// PublishCSAF is one build's outcome, in one transaction: the
	// documents it wrote or revised, the ids the provider lists now
	// (every other kept document is unlisted), the signing key's and the
	// publisher in st (whose Generation and Built it ignores). When
	// anything differs from what was kept, the provider's generation
	// moves on and its time becomes at; the state is returned.
	PublishCSAF(ctx context.Context, changed []CSAFPublication, listed []string, st CSAFState, at time.Time) (CSAFState, error)
	// CSAFState returns the provider's generation: every replica polls it
	// and renders the tree again from the store when it moves.
	CSAFState(ctx context.Context) (CSAFState, error)
}

// CSAFKey is the public half of the key the provider signs with, as
// provider-metadata.json and the openpgp/ folder publish it.
type CSAFKey struct {
	Fingerprint string
	Armored     []byte
}

// CSAFState is what every replica must agree on to serve the same
// bytes.
type CSAFState struct {
	// Generation counts the builds that changed something; 0: none yet.
	Generation int64
	// Built is when the last of them ran: the tree's time when it lists
	// nothing.
	Built time.Time
	Key   CSAFKey
	// Publisher is the publisher provider-metadata.json names, as JSON:
	// kept with the build, so that a settings change reaches every
	// replica with the next build, not with each one's next render.
	Publisher []byte
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
	// Listed says whether the provider serves it now: a document that
	// may no longer be published stays kept, unlisted.
	Listed bool
}
