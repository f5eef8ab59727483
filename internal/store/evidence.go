package store

import (
	"context"
	"io"

	"github.com/vmc-dev/vmc/internal/incident"
)

// Custody keeps incident evidence (incident.Evidence): its description,
// its content byte for byte as received, and its chain of custody. None
// of it is ever changed or removed, and the database refuses it too.
// Every write is in the audit log as actor's, under the incident's object
// ("incident:<id>"), and on the incident's timeline, in the same
// transaction.
//
// Content is read back only through OpenEvidence and ExportEvidence,
// which re-hash it against the SHA-256 taken at intake and refuse, with
// incident.ErrTampered, content that changed; each logs what it was used
// for. Who may be given what (the marking) is the caller's to decide.
type Custody interface {
	// AddEvidence takes in content as a new piece of evidence on
	// ev.Incident, collected by ev.CollectedBy now: ev's Name, MediaType,
	// Source, Description and Marking are kept; its size and SHA-256 are
	// taken from content (at most incident.MaxEvidence bytes, else
	// incident.ErrTooLarge). The intake is the first custody entry, with
	// reason (why it was collected; may be empty). A piece of evidence is
	// kept whole or not at all. Identical content taken in twice is
	// stored once.
	AddEvidence(ctx context.Context, ev incident.Evidence, content io.Reader, reason string) (incident.Evidence, error)
	// Evidence returns a piece of evidence's description.
	Evidence(ctx context.Context, id int64) (incident.Evidence, error)
	// ListEvidence returns an incident's evidence, oldest first.
	ListEvidence(ctx context.Context, incidentID int64) ([]incident.Evidence, error)
	// CustodyLog returns a piece of evidence's chain of custody, oldest
	// first.
	CustodyLog(ctx context.Context, id int64) ([]incident.CustodyEvent, error)
	// OpenEvidence re-hashes a piece of evidence's content and, when it
	// is what was taken in, records e (accessed, with its actor and
	// reason, or verified) and returns the content, read from a private
	// copy that Close removes. Changed content is not returned: the error
	// is incident.ErrTampered, and the finding is recorded in the audit
	// log and on the timeline instead.
	OpenEvidence(ctx context.Context, id int64, e incident.CustodyEvent) (io.ReadSeekCloser, incident.Evidence, error)
	// ExportEvidence writes an evidence bundle (incident.WriteBundle) of
	// the incident's evidence ids, in that order, for ex.To, and records
	// an exported entry with the manifest's SHA-256 in each one's chain
	// of custody; ex.At is set to now. The marking rules and the content
	// checks are WriteBundle's; nothing is recorded when it refuses. It
	// returns the bundle, read from a private copy that Close removes,
	// the manifest's SHA-256 and the evidence exported.
	ExportEvidence(ctx context.Context, incidentID int64, ids []int64, ex incident.Export) (io.ReadSeekCloser, string, []incident.Evidence, error)
	// TransferEvidence records that e.Actor handed the evidence to e.To,
	// for e.Reason: a copy given to law enforcement, an insurer's
	// forensic firm, a regulator.
	TransferEvidence(ctx context.Context, id int64, e incident.CustodyEvent) (incident.CustodyEvent, error)
}
