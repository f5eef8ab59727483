package incident

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxEvidence bounds one piece of evidence, 100 MiB: logs, packet
// captures of the incident window, memory excerpts, screenshots and mail
// fit. A full disk or memory image does not belong in vmc: it stays in
// forensic storage, and the evidence recorded here is its hash list or
// acquisition report, with Source saying where the image is.
const MaxEvidence = 100 << 20

// Limits on evidence's text fields.
const (
	maxEvidenceName = 255 // a file name on every common file system
	maxActor        = 200
	maxSource       = 1024
	maxEvidenceText = 64 << 10
)

var (
	// ErrEvidence marks evidence that cannot be recorded or exported as
	// it is.
	ErrEvidence = errors.New("invalid evidence")
	// ErrTooLarge marks evidence over MaxEvidence.
	ErrTooLarge = errors.New("evidence too large")
	// ErrCustody marks a chain of custody that is not well-formed.
	ErrCustody = errors.New("broken chain of custody")
)

// Evidence is a file collected during an incident: a log excerpt, a
// packet capture, a malware sample, a screenshot, an e-mail. Its content
// is kept by the store byte for byte as received, and never changed or
// removed; SHA256 and Size are taken at intake (NewEvidence), so that
// every later copy can be shown to be the same bytes: the chain of
// custody of ISO/IEC 27037 and NIST SP 800-86.
type Evidence struct {
	ID       int64 `json:"id,omitempty"` // assigned by the store
	Incident int64 `json:"incident,omitempty"`
	// Name is the file's name, never a path: it is used as one when the
	// evidence is exported (evidence/<id>-<name> in a bundle).
	Name string `json:"name"`
	// MediaType is the type the collector gave ("application/vnd.tcpdump.pcap"),
	// without parameters; application/octet-stream when none was given.
	MediaType string `json:"media_type"`
	Size      int64  `json:"size"`
	// SHA256 is the lowercase hex SHA-256 of the content, taken at intake.
	SHA256      string    `json:"sha256"`
	Collected   time.Time `json:"collected"`
	CollectedBy string    `json:"collected_by"`
	// Source is where it came from: a host ("shop-web-02:/var/log/nginx"),
	// a system (the EDR console, the mail gateway), a person (who handed
	// it over).
	Source      string `json:"source,omitempty"`
	Description string `json:"description,omitempty"`
	// Marking is its disclosure control; NewEvidence sets TLP:RED, the
	// incident team only, until someone labels it otherwise.
	Marking Marking `json:"marking"`
}

// NewEvidence reads content received as evidence (at most MaxEvidence
// bytes; an empty file is refused) and describes it: size, SHA-256,
// media type, who collected it and when. The caller keeps the bytes (by
// teeing content into the store as it is read) and sets Incident,
// Source, Description and Marking.
func NewEvidence(name, mediaType string, content io.Reader, by string, at time.Time) (Evidence, error) {
	ev := Evidence{Name: name, MediaType: "application/octet-stream", Collected: at, CollectedBy: by, Marking: Marking{TLP: Red}}
	if err := checkEvidenceName(name); err != nil {
		return Evidence{}, err
	}
	if strings.TrimSpace(mediaType) != "" {
		base, _, err := mime.ParseMediaType(mediaType)
		if err != nil {
			return Evidence{}, fmt.Errorf("%w: %s: media_type: %q: %v", ErrEvidence, name, mediaType, err)
		}
		ev.MediaType = base
	}
	if !validCustodian(by) {
		return Evidence{}, fmt.Errorf("%w: %s: collected_by: %q is not a name", ErrEvidence, name, by)
	}
	if at.IsZero() {
		return Evidence{}, fmt.Errorf("%w: %s: collected: missing", ErrEvidence, name)
	}
	// Read one byte past the limit, so that an oversized upload is
	// refused without holding or hashing more than that.
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(content, MaxEvidence+1))
	if err != nil {
		return Evidence{}, fmt.Errorf("%s: read: %w", name, err)
	}
	if n > MaxEvidence {
		return Evidence{}, fmt.Errorf("%w: %s is larger than %d MiB", ErrTooLarge, name, MaxEvidence>>20)
	}
	if n == 0 {
		return Evidence{}, fmt.Errorf("%w: %s: content: empty", ErrEvidence, name)
	}
	ev.Size = n
	ev.SHA256 = hex.EncodeToString(h.Sum(nil))
	return ev, nil
}

// Validate checks what an export and the store rely on, naming the
// evidence and the field.
func (ev Evidence) Validate() error {
	if err := checkEvidenceName(ev.Name); err != nil {
		return err
	}
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s: %s", ErrEvidence, ev.label(), field, fmt.Sprintf(format, args...))
	}
	switch {
	case ev.Size <= 0 || ev.Size > MaxEvidence:
		return bad("size", "%d bytes is not between 1 byte and %d MiB", ev.Size, MaxEvidence>>20)
	case !isHexSHA256(ev.SHA256):
		return bad("sha256", "%q is not a lowercase hex SHA-256", ev.SHA256)
	case ev.Collected.IsZero():
		return bad("collected", "missing")
	case !validCustodian(ev.CollectedBy):
		return bad("collected_by", "%q is not a name", ev.CollectedBy)
	case len(ev.Source) > maxSource || !noControl(ev.Source):
		return bad("source", "longer than %d bytes or not printable", maxSource)
	case len(ev.Description) > maxEvidenceText || !utf8.ValidString(ev.Description):
		return bad("description", "longer than %d KiB or not UTF-8", maxEvidenceText>>10)
	}
	if _, _, err := mime.ParseMediaType(ev.MediaType); err != nil {
		return bad("media_type", "%q: %v", ev.MediaType, err)
	}
	if err := ev.Marking.Validate(); err != nil {
		return bad("marking", "%v", err)
	}
	return nil
}

// label names the evidence in messages: "evidence 3 (access.log)".
func (ev Evidence) label() string {
	if ev.ID == 0 {
		return fmt.Sprintf("evidence %q", ev.Name)
	}
	return fmt.Sprintf("evidence %d (%s)", ev.ID, ev.Name)
}

// checkEvidenceName refuses a name that is not a plain file name. The
// name becomes part of a path when the evidence is exported, so a
// separator or a dot-dot could place the file outside the bundle's
// evidence/ folder on the recipient's disk, and control characters
// could forge lines in logs and listings.
func checkEvidenceName(name string) error {
	bad := func(why string) error {
		return fmt.Errorf("%w: name %q: %s", ErrEvidence, name, why)
	}
	switch {
	case name == "":
		return bad("empty")
	case len(name) > maxEvidenceName:
		return bad(fmt.Sprintf("longer than %d bytes", maxEvidenceName))
	case !utf8.ValidString(name):
		return bad("not UTF-8")
	case strings.ContainsAny(name, `/\:`):
		// ':' too: "C:x" is a path on Windows, and "x:y" a stream.
		return bad("a path: give the file's name alone")
	case name == "." || name == "..":
		return bad("not a file name")
	case strings.TrimSpace(name) != name:
		return bad("leading or trailing space")
	case !noControl(name):
		return bad("control character")
	}
	return nil
}

// validCustodian reports whether s can name a person: printable, trimmed,
// not empty, not too long.
func validCustodian(s string) bool {
	return s != "" && strings.TrimSpace(s) == s && len(s) <= maxActor && noControl(s)
}

// noControl reports whether s is UTF-8 without control characters.
func noControl(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

func isHexSHA256(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// CustodyAction is something done with a piece of evidence that its
// chain of custody records.
type CustodyAction string

const (
	// CustodyCollected: taken in (NewEvidence); the first entry, once.
	CustodyCollected CustodyAction = "collected"
	// CustodyAccessed: read or downloaded inside vmc.
	CustodyAccessed CustodyAction = "accessed"
	// CustodyExported: written out of vmc, in an evidence bundle.
	CustodyExported CustodyAction = "exported"
	// CustodyTransferred: handed to someone else (To): law enforcement,
	// an insurer's forensic firm, a regulator.
	CustodyTransferred CustodyAction = "transferred"
	// CustodyVerified: its content re-hashed and found unchanged.
	CustodyVerified CustodyAction = "verified"
)

// CustodyActions lists the actions.
var CustodyActions = []CustodyAction{CustodyCollected, CustodyAccessed, CustodyExported, CustodyTransferred, CustodyVerified}

func (a CustodyAction) String() string { return string(a) }

// IsValid reports whether a is a known action.
func (a CustodyAction) IsValid() bool { return slices.Contains(CustodyActions, a) }

// UnmarshalText rejects unknown actions.
func (a *CustodyAction) UnmarshalText(b []byte) error {
	if !CustodyAction(b).IsValid() {
		return fmt.Errorf("unknown custody action %q (collected, accessed, exported, transferred, verified)", b)
	}
	*a = CustodyAction(b)
	return nil
}

// needsReason reports whether an action must say why: every use of the
// evidence beyond its intake and its integrity checks.
func (a CustodyAction) needsReason() bool {
	return a == CustodyAccessed || a == CustodyExported || a == CustodyTransferred
}

// CustodyEvent is one entry of a piece of evidence's chain of custody:
// who did what with it, when, and why.
type CustodyEvent struct {
	Evidence int64         `json:"evidence,omitempty"`
	At       time.Time     `json:"at"`
	Actor    string        `json:"actor"`
	Action   CustodyAction `json:"action"`
	// Reason is why: required for accessed, exported and transferred.
	Reason string `json:"reason,omitempty"`
	// To is who received it: required for transferred, and the
	// recipient of an export when it had one.
	To string `json:"to,omitempty"`
	// SHA256, for exported and verified, is what was found: the bundle
	// manifest's hash for an export, the content's hash for a check.
	SHA256 string `json:"sha256,omitempty"`
}

// Intake is the first entry of the evidence's chain of custody.
func (ev Evidence) Intake() CustodyEvent {
	return CustodyEvent{Evidence: ev.ID, At: ev.Collected, Actor: ev.CollectedBy, Action: CustodyCollected, SHA256: ev.SHA256}
}

// CheckCustody reports whether log is a well-formed chain of custody for
// ev: it starts with the evidence's intake, by whom and when the
// evidence says, and holds no other; times never go backwards; every
// entry names its actor and a known action; accesses, exports and
// transfers say why, and transfers to whom. The error names the first
// offending entry by its index, action, actor and time.
func CheckCustody(ev Evidence, log []CustodyEvent) error {
	if len(log) == 0 {
		return fmt.Errorf("%w: %s: no entries (it starts with its collection)", ErrCustody, ev.label())
	}
	for i, e := range log {
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%w: %s: custody[%d] (%s by %q at %s): %s", ErrCustody, ev.label(), i,
				e.Action, e.Actor, e.At.UTC().Format(time.RFC3339), fmt.Sprintf(format, args...))
		}
		switch {
		case !e.Action.IsValid():
			return bad("unknown action %q", e.Action)
		case i == 0 && e.Action != CustodyCollected:
			return bad("the first entry must be collected")
		case i > 0 && e.Action == CustodyCollected:
			return bad("collected again: evidence is collected once, and a new copy is new evidence")
		case e.At.IsZero():
			return bad("no time")
		case !validCustodian(e.Actor):
			return bad("actor: not a name")
		case e.Evidence != 0 && ev.ID != 0 && e.Evidence != ev.ID:
			return bad("entry for evidence %d", e.Evidence)
		case i == 0 && (!e.At.Equal(ev.Collected) || e.Actor != ev.CollectedBy):
			return bad("the evidence was collected by %q at %s", ev.CollectedBy, ev.Collected.UTC().Format(time.RFC3339))
		case i > 0 && e.At.Before(log[i-1].At):
			return bad("before the previous entry, at %s", log[i-1].At.UTC().Format(time.RFC3339))
		case e.Action.needsReason() && strings.TrimSpace(e.Reason) == "":
			return bad("reason: empty (say why it was %s)", e.Action)
		case len(e.Reason) > maxEvidenceText || !utf8.ValidString(e.Reason):
			return bad("reason: longer than %d KiB or not UTF-8", maxEvidenceText>>10)
		case e.Action == CustodyTransferred && strings.TrimSpace(e.To) == "":
			return bad("to: empty (say who received it)")
		case e.To != "" && !validCustodian(e.To):
			return bad("to: %q is not a name", e.To)
		case e.SHA256 != "" && !isHexSHA256(e.SHA256):
			return bad("sha256: %q is not a lowercase hex SHA-256", e.SHA256)
		}
	}
	return nil
}
