package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/incident"
)

// Stamps reads many vulnerabilities at once, for answers that name
// hundreds of them: the OSV API's querybatch (an id and a modification
// time each) and its pages of whole records, and bulk exports. A few
// queries serve a whole list, where Vuln costs a few per vulnerability.
type Stamps interface {
	// VulnStamps returns the stamp of each vulnerability of ids (primary
	// ids, as AffectedFor and the matcher name them), by id. Ids no
	// vulnerability has are left out.
	VulnStamps(ctx context.Context, ids []string) (map[string]VulnStamp, error)
	// Vulns returns the vulnerabilities of ids (primary ids), merged as
	// Vuln merges them, without history, by id. Ids no vulnerability has
	// are left out.
	Vulns(ctx context.Context, ids []string) (map[string]advisory.Vulnerability, error)
}

// VulnStamp is what a list says of a vulnerability without reading it
// whole: when it last changed, and what decides whether it may be
// released (export.Markings reads the same from a whole vulnerability).
type VulnStamp struct {
	ID string
	// Changed is when the vulnerability vmc holds last changed: the
	// latest of its published date, its source records' modification
	// dates and the imports that changed them (advisory.SourceRef.Seen).
	Changed time.Time
	// TLPs are the values of its current "tlp" claims (JSON strings, as
	// the sources gave them): the labels its sources distribute it under.
	TLPs []json.RawMessage
	// Advisories are the markings of the organisation's advisories about
	// it (under any of its ids): their label and embargo date. An
	// embargo's recipients are left out: the public, whom lists serve,
	// is never among them.
	Advisories []incident.Marking
}
