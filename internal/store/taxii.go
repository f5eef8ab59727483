package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/vmc-dev/vmc/internal/stix"
	"github.com/vmc-dev/vmc/internal/taxii"
)

// TAXII keeps TAXII API roots and collections, the STIX objects added to
// them with every version, add requests' statuses, and where pulls from
// peers stopped.
type TAXII interface {
	// PutAPIRoot creates or changes an API root.
	PutAPIRoot(ctx context.Context, r taxii.APIRoot, actor string) error
	APIRoots(ctx context.Context) ([]taxii.APIRoot, error)
	// PutCollection creates or changes a collection.
	PutCollection(ctx context.Context, c taxii.Collection, actor string) error
	// Collections lists an API root's collections ("" for every root's).
	Collections(ctx context.Context, apiRoot string) ([]taxii.Collection, error)
	Collection(ctx context.Context, id string) (taxii.Collection, error)
	// AddSTIX adds objects to a collection in one transaction, each
	// version once: a version the collection holds already is a success
	// that adds nothing. It writes one audit entry, and returns the
	// request's status (complete), which it keeps for status/{id}.
	// dateAdded overrides the date each object is added (by index) when
	// it has a value: for loading another server's data as it was.
	// failures are the request's objects that could not be read, which
	// the status reports beside the others.
	AddSTIX(ctx context.Context, collection string, objs []stix.Object, dateAdded []time.Time, failures []taxii.Detail, actor string) (taxii.Status, error)
	// STIXObjects returns one page of a collection's object versions,
	// oldest added first.
	STIXObjects(ctx context.Context, q STIXQuery) (STIXPage, error)
	// TAXIIStatus returns an add request's status.
	TAXIIStatus(ctx context.Context, id string) (taxii.Status, error)
	// PullMark returns where the last pull of a peer's collection
	// stopped (the zero time if none did), and PutPullMark moves it.
	PullMark(ctx context.Context, peer, collection string) (time.Time, error)
	PutPullMark(ctx context.Context, peer, collection string, addedAfter time.Time) error
}

// STIXQuery selects object versions of a collection, as TAXII's filters
// do (TAXII 2.1 section 3.4). Values within a filter are alternatives;
// filters all apply.
type STIXQuery struct {
	Collection string
	IDs        []string
	Types      []string
	// Versions are "first", "last", "all" or STIX timestamps; none means
	// "last".
	Versions []string
	// SpecVersions are "2.0", "2.1"; none means each object's latest.
	SpecVersions []string
	// AddedAfter keeps versions added strictly after it.
	AddedAfter time.Time
	// Next is the cursor a previous page returned.
	Next string
	// Limit bounds the page; 0 means DefaultSTIXLimit.
	Limit int
}

// DefaultSTIXLimit and MaxSTIXLimit bound a page of objects.
const (
	DefaultSTIXLimit = 100
	MaxSTIXLimit     = 1000
)

// STIXPage is one page of object versions.
type STIXPage struct {
	Objects []STIXVersion
	// More says later pages exist; Next is their cursor.
	More bool
	Next string
}

// STIXVersion is one version of an object in a collection.
type STIXVersion struct {
	ID          string
	Type        string
	Version     string
	SpecVersion string
	DateAdded   time.Time
	Object      json.RawMessage
}
