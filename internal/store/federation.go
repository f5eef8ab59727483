package store

import (
	"context"
	"time"

	"github.com/vmc-dev/vmc/internal/peer"
)

// Federation keeps the peers a vmc pulls from, what it last pulled of
// each record from each, and the index of changed vulnerabilities it
// offers its own peers.
type Federation interface {
	// PutPeer creates or changes a peer, in the audit log as actor's.
	// sealedToken replaces the stored token when keepToken is false
	// ("" removes it).
	PutPeer(ctx context.Context, p peer.Peer, sealedToken string, keepToken bool, actor string) error
	// Peers lists the peers by name, each with its sealed token in Token,
	// its last pull and its source's current record count.
	Peers(ctx context.Context) ([]peer.Peer, error)
	Peer(ctx context.Context, name string) (peer.Peer, error)
	// DeletePeer removes a peer and what was pulled of its records'
	// hashes; the records stay, under their source, until retired.
	DeletePeer(ctx context.Context, name, actor string) error
	// PutPeerPull records a pull's outcome and where the next starts.
	PutPeerPull(ctx context.Context, name string, last peer.Pull, mark string) error
	// PeerRecords returns what was last pulled of ids from source.
	PeerRecords(ctx context.Context, source string, ids []string) (map[string]PeerRecord, error)
	// PutPeerRecords records what was pulled.
	PutPeerRecords(ctx context.Context, source string, recs []PeerRecord) error
	// ChangedVulns returns one page of the vulnerabilities vmc's merged
	// view of changed since the cursor, oldest change first, each with
	// its origin: "" for this vmc's own (a non-peer source carries it),
	// else the origin its peer copies carry. Vulnerabilities any current
	// source marks above TLP:CLEAR are left out.
	ChangedVulns(ctx context.Context, after string, limit int) (ChangedPage, error)
	// FederationMark returns a named mark ("" when none), and
	// PutFederationMark moves it.
	FederationMark(ctx context.Context, name string) (string, error)
	PutFederationMark(ctx context.Context, name, mark string) error
}

// PeerRecord is what was last pulled of one record from a peer.
type PeerRecord struct {
	ID     string
	Origin string
	// Hash is of the record's content, all but its modified time.
	Hash     string
	PulledAt time.Time
}

// ChangedPage is a page of ChangedVulns.
type ChangedPage struct {
	Items []Changed
	// Next is the cursor after the last item: the whole list's when
	// More is false, for the next call to continue from.
	Next string
	More bool
}

// Changed is one changed vulnerability.
type Changed struct {
	ID      string
	Updated time.Time
	Origin  string
}

// MaxChangedLimit bounds a ChangedVulns page.
const MaxChangedLimit = 10000
