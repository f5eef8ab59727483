package exercise

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"mime"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/risk"
	"github.com/vmc-dev/vmc/internal/scan"
)

// ManualFinding is a vulnerability a tester found by hand, written up
// the way a pen-test report writes one up.
type ManualFinding struct {
	ID       int64  `json:"id"`
	Exercise int64  `json:"exercise"`
	Asset    string `json:"asset"`
	Title    string `json:"title"`
	// Description says what is wrong and what an attacker gains.
	Description string `json:"description,omitempty"`
	// StepsToReproduce are what another tester (or the owner verifying a
	// fix) does to see it again: requests, payloads, clicks.
	StepsToReproduce string `json:"steps_to_reproduce"`
	// Location is where on the asset: a URL, "443/tcp", "src/app.py:12".
	Location string `json:"location,omitempty"`
	// Package is the vulnerable component as a purl, when the finding is
	// about one ("pkg:golang/github.com/gin-gonic/gin@v1.5.0"): the
	// finding then meets vmc's own match of the asset's inventory.
	Package string `json:"package,omitempty"`
	CWEs    []int  `json:"cwes,omitempty"`
	// CVSS is the tester's vector (v2.0, v3.x or v4.0); Score its score.
	CVSS  string  `json:"cvss,omitempty"`
	Score float64 `json:"score,omitempty"`
	// Vulns are public identifiers when the flaw has them (CVE, GHSA,
	// CNVD, ...); a finding without one is recorded as the exercise's own
	// vulnerability, "EXERCISE-<id>-MF-<id>".
	Vulns []string `json:"vulns,omitempty"`
	// Severity is the tester's rating; from the CVSS score when not given.
	Severity scan.Severity `json:"severity"`
	Reporter string        `json:"reporter"`
	Found    time.Time     `json:"found"`
	// Attachments and Retests come in the order they were added.
	Attachments []Attachment `json:"attachments,omitempty"`
	Retests     []Retest     `json:"retests,omitempty"`
}

// Rule is the finding's id as the exercise's tool names its results,
// "MF-<id>".
func (f ManualFinding) Rule() string { return fmt.Sprintf("MF-%d", f.ID) }

// ParseRule reads a manual finding's id written as "MF-12" or "12".
func ParseRule(s string) (int64, error) {
	digits := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(s)), "MF-")
	var id int64
	if digits == "" || len(digits) > 18 {
		return 0, fmt.Errorf("%w: manual finding id %q: want MF-<number>", ErrInvalid, s)
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%w: manual finding id %q: want MF-<number>", ErrInvalid, s)
		}
		id = id*10 + int64(c-'0')
	}
	return id, nil
}

// Open reports whether the finding still stands: it has no retest, or
// its latest retest did not find it fixed.
func (f ManualFinding) Open() bool {
	return len(f.Retests) == 0 || f.Retests[len(f.Retests)-1].Result != Fixed
}

// Limits on a manual finding's text: a report's worth each.
const (
	maxTitle = 500
	maxSteps = 256 << 10
	maxCWE   = 1 << 20
)

var severities = []scan.Severity{scan.SevCritical, scan.SevHigh, scan.SevMedium, scan.SevLow, scan.SevInfo, scan.SevUnknown}

// Normalise checks the finding and returns it in the form vmc keeps:
// identifiers normalised and deduplicated, the CVSS vector scored, the
// severity taken from the score when the tester gave none. The finding
// it was called on is left as it was.
func (f ManualFinding) Normalise() (ManualFinding, error) {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: manual finding %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
	}
	f.Title = strings.TrimSpace(f.Title)
	switch {
	case f.Exercise == 0:
		return f, bad("exercise", "missing")
	case strings.TrimSpace(f.Asset) == "" || len(f.Asset) > 512 || !printable(f.Asset):
		return f, bad("asset", "%q is not an asset name", f.Asset)
	case f.Title == "":
		return f, bad("title", "empty")
	case len(f.Title) > maxTitle || !printable(f.Title):
		return f, bad("title", "longer than %d bytes or not printable", maxTitle)
	case strings.TrimSpace(f.StepsToReproduce) == "":
		return f, bad("steps_to_reproduce", "empty: say how to see it again, so that a retest can")
	case len(f.StepsToReproduce) > maxSteps || !utf8.ValidString(f.StepsToReproduce):
		return f, bad("steps_to_reproduce", "longer than %d KiB or not UTF-8", maxSteps>>10)
	case len(f.Description) > maxText || !utf8.ValidString(f.Description):
		return f, bad("description", "longer than %d KiB or not UTF-8", maxText>>10)
	case len(f.Location) > 2048 || !printable(f.Location):
		return f, bad("location", "longer than 2048 bytes or not printable")
	case !validPerson(f.Reporter):
		return f, bad("reporter", "%q is not a name", f.Reporter)
	}
	if f.Package != "" {
		if _, name, _, err := ecosystem.FromPURL(f.Package); err != nil || name == "" {
			return f, bad("package", "%q is not a purl vmc reads: %v", f.Package, err)
		}
	}
	cwes := make([]int, 0, len(f.CWEs))
	for i, n := range f.CWEs {
		if n <= 0 || n > maxCWE {
			return f, bad(fmt.Sprintf("cwes[%d]", i), "%d is not a CWE id", n)
		}
		if !slices.Contains(cwes, n) {
			cwes = append(cwes, n)
		}
	}
	f.CWEs = cwes
	if len(f.CWEs) == 0 {
		f.CWEs = nil
	}
	var vulns []string
	for i, id := range f.Vulns {
		id = scan.NormaliseID(id)
		if !advisory.ValidID(id) {
			return f, bad(fmt.Sprintf("vulns[%d]", i), "%q is not a vulnerability id", f.Vulns[i])
		}
		if !slices.Contains(vulns, id) {
			vulns = append(vulns, id)
		}
	}
	f.Vulns = vulns
	f.Score = 0
	if f.CVSS = strings.TrimSpace(f.CVSS); f.CVSS != "" {
		c, err := risk.ParseCVSS(f.CVSS)
		if err != nil {
			return f, bad("cvss", "%v", err)
		}
		f.Score = c.Score
		if f.Severity == "" {
			f.Severity = scan.ParseSeverity(string(c.Severity))
		}
	}
	switch {
	case f.Severity == "":
		f.Severity = scan.SevUnknown
	case !slices.Contains(severities, f.Severity):
		return f, bad("severity", "%q is not one of %v", f.Severity, severities)
	}
	return f, nil
}

// MaxAttachment bounds an attachment: screenshots, request captures and
// short videos fit; a disk image does not belong in vmc.
const MaxAttachment = 20 << 20

// Attachment is a file of evidence attached to a manual finding. Its
// content is kept by the store, byte for byte as received; SHA256 is
// taken at intake, so that the file can be shown unchanged later (chain
// of custody), and attachments are never changed or removed.
type Attachment struct {
	ID      int64  `json:"id"`
	Finding int64  `json:"finding"`
	Name    string `json:"name"`
	// MediaType is the type the uploader gave ("image/png"), without
	// parameters; application/octet-stream when none was given.
	MediaType string    `json:"media_type"`
	Size      int64     `json:"size"`
	SHA256    string    `json:"sha256"`
	Added     time.Time `json:"added"`
	By        string    `json:"by"`
}

// NewAttachment checks a file received as evidence and describes it:
// size (at most MaxAttachment; an empty file is refused), SHA-256,
// media type. name is reduced to its base name.
func NewAttachment(finding int64, name, mediaType string, content []byte, by string, at time.Time) (Attachment, error) {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: attachment %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
	}
	if len(content) > MaxAttachment {
		return Attachment{}, fmt.Errorf("%w: %s is %d bytes; attachments are at most %d MiB", ErrTooLarge, name, len(content), MaxAttachment>>20)
	}
	if len(content) == 0 {
		return Attachment{}, bad("content", "empty")
	}
	// A name is a label, never a path: take its last element whichever
	// separator the uploader's system uses.
	name = path.Base(strings.ReplaceAll(strings.TrimSpace(name), `\`, "/"))
	if name == "" || name == "." || name == "/" || name == ".." || len(name) > 255 || !printable(name) {
		return Attachment{}, bad("name", "%q is not a file name", name)
	}
	mt := "application/octet-stream"
	if strings.TrimSpace(mediaType) != "" {
		base, _, err := mime.ParseMediaType(mediaType)
		if err != nil {
			return Attachment{}, bad("media_type", "%q: %v", mediaType, err)
		}
		mt = base
	}
	if !validPerson(by) {
		return Attachment{}, bad("by", "%q is not a name", by)
	}
	sum := sha256.Sum256(content)
	return Attachment{Finding: finding, Name: name, MediaType: mt, Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:]), Added: at, By: by}, nil
}

// Verify reports whether content is the attachment's, byte for byte.
func (a Attachment) Verify(content []byte) error {
	sum := sha256.Sum256(content)
	if got := hex.EncodeToString(sum[:]); int64(len(content)) != a.Size || got != a.SHA256 {
		return fmt.Errorf("attachment %d (%s): content does not match its SHA-256 %s taken at intake (got %s, %d bytes)", a.ID, a.Name, a.SHA256, got, len(content))
	}
	return nil
}

// Result is what a retest found.
type Result string

const (
	// Fixed: the steps to reproduce no longer work.
	Fixed Result = "fixed"
	// StillVulnerable: they still do.
	StillVulnerable Result = "still_vulnerable"
	// CannotTest: the retest could not be done (the environment is gone,
	// access was withdrawn); the finding stands.
	CannotTest Result = "cannot_test"
)

// Results lists every result.
var Results = []Result{Fixed, StillVulnerable, CannotTest}

func (r Result) String() string { return string(r) }

// IsValid reports whether r is a known result.
func (r Result) IsValid() bool { return slices.Contains(Results, r) }

// UnmarshalText rejects unknown results.
func (r *Result) UnmarshalText(b []byte) error {
	if !Result(b).IsValid() {
		return fmt.Errorf("%w: unknown retest result %q (one of %v)", ErrInvalid, b, Results)
	}
	*r = Result(b)
	return nil
}

// Retest is a tester's second look at a manual finding, usually after
// its owner says it is fixed.
type Retest struct {
	ID      int64     `json:"id"`
	Finding int64     `json:"finding"`
	At      time.Time `json:"at"`
	By      string    `json:"by"`
	Result  Result    `json:"result"`
	Note    string    `json:"note,omitempty"`
}

// Validate checks a retest's fields.
func (r Retest) Validate() error {
	switch {
	case !r.Result.IsValid():
		return fmt.Errorf("%w: retest result: %q is not one of %v", ErrInvalid, r.Result, Results)
	case !validPerson(r.By):
		return fmt.Errorf("%w: retest by: %q is not a name", ErrInvalid, r.By)
	case len(r.Note) > maxText || !utf8.ValidString(r.Note):
		return fmt.Errorf("%w: retest note: longer than %d KiB or not UTF-8", ErrInvalid, maxText>>10)
	}
	return nil
}
