package incident

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/vmc-dev/vmc/internal/ecosystem"
)

// Root-cause analysis is what SAMM VM3 asks of every incident: why it
// happened, technically and in people and process, what should change so
// that it does not happen again, and management's decision on each change
// (recommend.go). A cause also says where to look for the same weakness
// elsewhere: its CWE, the component and the configuration involved.

// CauseKind is what sort of cause a root cause is. Technical causes are in
// systems and code; people and process causes are in how the organisation
// works. Most incidents have one of each: the unpatched server, and the
// patch process that let it stay unpatched.
type CauseKind string

const (
	// Technical causes.
	CauseCodeVulnerability CauseKind = "code_vulnerability" // a flaw in code: own or a supplier's
	CauseMisconfiguration  CauseKind = "misconfiguration"   // a setting: permissions, exposure, defaults
	CauseMissingPatch      CauseKind = "missing_patch"      // a fix was available and not applied
	CauseVulnerableDep     CauseKind = "vulnerable_component"
	CauseDesignWeakness    CauseKind = "design_weakness" // the architecture: no segmentation, a shared secret
	CauseMonitoringGap     CauseKind = "monitoring_gap"  // it happened unseen: no log, no alert
	CauseOtherTechnical    CauseKind = "other_technical"

	// People and process causes.
	CauseSocialEngineering  CauseKind = "social_engineering"     // phishing, pretexting, a call to the help desk
	CauseProcedureIgnored   CauseKind = "procedure_not_followed" // a procedure existed and was not followed
	CauseMissingProcedure   CauseKind = "missing_procedure"      // no procedure covered it
	CauseMissingTraining    CauseKind = "missing_training"       // people did not know what to do
	CauseHumanError         CauseKind = "human_error"            // a slip: the wrong recipient, the wrong host
	CauseThirdParty         CauseKind = "third_party"            // a supplier's or partner's process failed
	CauseInsufficientStaff  CauseKind = "insufficient_resources" // no time, no people, no budget
	CauseOtherPeopleProcess CauseKind = "other_process"
)

// CauseKinds lists the kinds, technical first.
var CauseKinds = []CauseKind{
	CauseCodeVulnerability, CauseMisconfiguration, CauseMissingPatch, CauseVulnerableDep, CauseDesignWeakness, CauseMonitoringGap, CauseOtherTechnical,
	CauseSocialEngineering, CauseProcedureIgnored, CauseMissingProcedure, CauseMissingTraining, CauseHumanError, CauseThirdParty, CauseInsufficientStaff, CauseOtherPeopleProcess,
}

func (k CauseKind) String() string { return string(k) }

// IsValid reports whether k is a known kind.
func (k CauseKind) IsValid() bool { return slices.Contains(CauseKinds, k) }

// Technical reports whether k is a technical cause; the others are people
// and process causes.
func (k CauseKind) Technical() bool {
	return k.IsValid() && slices.Index(CauseKinds, k) <= slices.Index(CauseKinds, CauseOtherTechnical)
}

// UnmarshalText rejects unknown kinds.
func (k *CauseKind) UnmarshalText(b []byte) error {
	if !CauseKind(b).IsValid() {
		return fmt.Errorf("%w: unknown cause kind %q (%s)", ErrInvalid, b, joinKinds(CauseKinds))
	}
	*k = CauseKind(b)
	return nil
}

// Cause is one root cause of an incident.
type Cause struct {
	ID       int64     `json:"id,omitempty"`       // assigned by the store
	Incident int64     `json:"incident,omitempty"` // the incident's id
	Kind     CauseKind `json:"kind"`
	// CWE is the weakness of a technical cause ("CWE-918"), from CWE's
	// list of weaknesses (https://cwe.mitre.org/); CWEName is the name the
	// catalogue gives it, filled in when the id is checked (CheckCWE).
	CWE     string `json:"cwe,omitempty"`
	CWEName string `json:"cwe_name,omitempty"`
	// Component is the package the cause is in, when it is in one: the
	// vulnerable library, the unpatched server software.
	Component *ComponentRef `json:"component,omitempty"`
	// Configuration selects the assets configured the way that caused it
	// (see ParseSelector): "exposure=internet tag=php-fpm".
	Configuration string `json:"configuration,omitempty"`
	// Description is the cause in words.
	Description string    `json:"description"`
	Added       time.Time `json:"added,omitzero"`
	AddedBy     string    `json:"added_by,omitempty"`
}

// ComponentRef names a package as the inventory does: an OSV ecosystem,
// a name in it and, when the cause is one release, its version. PURL is
// kept as given.
type ComponentRef struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	Version   string `json:"version,omitempty"`
	PURL      string `json:"purl,omitempty"`
}

// ComponentFromPURL reads a component from a package URL
// ("pkg:pypi/apache-airflow@2.6.3").
func ComponentFromPURL(purl string) (ComponentRef, error) {
	if len(purl) > maxShort {
		return ComponentRef{}, fmt.Errorf("%w: component purl: longer than %d bytes", ErrInvalid, maxShort)
	}
	eco, name, version, err := ecosystem.FromPURL(strings.TrimSpace(purl))
	if err != nil {
		return ComponentRef{}, fmt.Errorf("%w: component purl: %v", ErrInvalid, err)
	}
	return ComponentRef{Ecosystem: eco, Name: name, Version: version, PURL: strings.TrimSpace(purl)}, nil
}

func (c ComponentRef) String() string {
	s := c.Name
	if c.Version != "" {
		s += " " + c.Version
	}
	return s + " (" + c.Ecosystem + ")"
}

// Validate checks a component reference, naming the field.
func (c ComponentRef) Validate() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: component %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
	}
	switch {
	case strings.TrimSpace(c.Ecosystem) == "":
		return bad("ecosystem", "empty")
	case len(c.Ecosystem) > 100 || !lineOK(c.Ecosystem):
		return bad("ecosystem", "%q is not an ecosystem", c.Ecosystem)
	case strings.TrimSpace(c.Name) == "":
		return bad("name", "empty")
	case len(c.Name) > 1024 || !lineOK(c.Name):
		return bad("name", "longer than 1024 bytes or not printable")
	case len(c.Version) > 256 || !lineOK(c.Version):
		return bad("version", "longer than 256 bytes or not printable")
	case len(c.PURL) > maxShort || !lineOK(c.PURL):
		return bad("purl", "longer than %d bytes or not printable", maxShort)
	}
	return nil
}

// ErrCWE marks a CWE id that is malformed or names no weakness.
var ErrCWE = fmt.Errorf("%w: cwe", ErrInvalid)

// ParseCWE reads a CWE id as people write it ("CWE-918", "cwe-918",
// "918") and returns it as CWE writes it. NVD's placeholders
// (NVD-CWE-noinfo, NVD-CWE-Other) say no weakness is known, which is no
// root cause, and are refused.
func ParseCWE(s string) (string, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	num, ok := strings.CutPrefix(t, "CWE-")
	if !ok {
		num = t
	}
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 || n > 9999999 || num[0] == '0' || num[0] == '+' {
		if strings.HasPrefix(t, "NVD-CWE-") {
			return "", fmt.Errorf("%w: %q says no weakness is known; leave it out", ErrCWE, s)
		}
		return "", fmt.Errorf("%w: %q is not a CWE id (CWE-79)", ErrCWE, s)
	}
	return "CWE-" + num, nil
}

// CWENames looks a CWE id up in a catalogue of weaknesses, returning its
// name (package csaf's CWEName is vmc's catalogue). The incident package
// holds no catalogue of its own: the one the CSAF validator uses is the one
// ids must pass.
type CWENames func(id string) (name string, known bool)

// CheckCWE checks that the cause's CWE names a current weakness of the
// catalogue and fills in its name. A cause without a CWE passes.
func (c *Cause) CheckCWE(names CWENames) error {
	if c.CWE == "" {
		c.CWEName = ""
		return nil
	}
	id, err := ParseCWE(c.CWE)
	if err != nil {
		return err
	}
	name, known := names(id)
	switch {
	case !known:
		return fmt.Errorf("%w: %s is not a weakness in the CWE catalogue (categories and views, such as CWE-16, are not weaknesses)", ErrCWE, id)
	case strings.HasPrefix(name, "DEPRECATED:"):
		return fmt.Errorf("%w: %s is deprecated (%s)", ErrCWE, id, name)
	}
	c.CWE, c.CWEName = id, name
	return nil
}

// Limits on a cause's text: a paragraph or two each; the analysis
// (Analysis) holds the long form.
const maxCauseText = 4 << 10

// Validate checks a cause's fields, naming the first at fault. A CWE is
// checked for its form here and against the catalogue by CheckCWE.
func (c Cause) Validate() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: cause %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
	}
	switch {
	case !c.Kind.IsValid():
		return bad("kind", "unknown %q (%s)", c.Kind, joinKinds(CauseKinds))
	case strings.TrimSpace(c.Description) == "":
		return bad("description", "empty")
	case len(c.Description) > maxCauseText || !utf8.ValidString(c.Description):
		return bad("description", "longer than %d KiB or not UTF-8", maxCauseText>>10)
	case c.CWE != "" && !c.Kind.Technical():
		return bad("cwe", "%s is a people and process cause, which has no CWE", c.Kind)
	case c.Kind == CauseCodeVulnerability && c.CWE == "":
		return bad("cwe", "a code vulnerability needs its CWE (https://cwe.mitre.org/)")
	}
	if c.CWE != "" {
		if id, err := ParseCWE(c.CWE); err != nil {
			return err
		} else if id != c.CWE {
			return bad("cwe", "%q is written %q", c.CWE, id)
		}
	}
	if c.Component != nil {
		if err := c.Component.Validate(); err != nil {
			return err
		}
	}
	if c.Configuration != "" {
		if _, err := ParseSelector(c.Configuration); err != nil {
			return err
		}
	}
	return nil
}

// Analysis is an incident's root-cause analysis: the story in words, the
// causes and the recommendations, with management's decisions on them.
type Analysis struct {
	Incident int64 `json:"incident"`
	// Text is the free-text analysis: the sequence of events, why each
	// control failed, what went well.
	Text      string    `json:"text,omitempty"`
	Updated   time.Time `json:"updated,omitzero"`
	UpdatedBy string    `json:"updated_by,omitempty"`
	Causes    []Cause   `json:"causes"`
	// Recommendations carry their decisions, oldest first.
	Recommendations []Recommendation `json:"recommendations"`
}

// MaxAnalysis bounds the free-text analysis: a long report's worth of
// text, which the API and CLI refuse beyond rather than truncate.
const MaxAnalysis = 64 << 10

// CheckAnalysisText checks the free-text analysis.
func CheckAnalysisText(s string) error {
	switch {
	case len(s) > MaxAnalysis:
		return fmt.Errorf("%w: analysis: longer than %d KiB", ErrInvalid, MaxAnalysis>>10)
	case !utf8.ValidString(s):
		return fmt.Errorf("%w: analysis: not UTF-8", ErrInvalid)
	}
	return nil
}

// Documented reports whether the analysis documents a root cause and what
// to do about it: at least one cause and one recommendation, SAMM VM3's
// measure of an incident that was learnt from.
func (a Analysis) Documented() bool { return len(a.Causes) > 0 && len(a.Recommendations) > 0 }

// errNoCause marks a recommendation pointing at a cause of another
// incident, or none.
var errNoCause = errors.New("no such cause on this incident")

// CheckCauseRef checks that a recommendation's cause, if it names one, is
// among the incident's causes.
func CheckCauseRef(r Recommendation, causes []Cause) error {
	if r.Cause == 0 || slices.ContainsFunc(causes, func(c Cause) bool { return c.ID == r.Cause }) {
		return nil
	}
	return fmt.Errorf("%w: recommendation cause: %d: %v", ErrInvalid, r.Cause, errNoCause)
}

// WhereElseTask is the task that follows a cause up on another asset:
// check it, and fix it if the cause is there too. why are the reasons the
// asset was found; finding is the one finding the task is carried out
// through, if there is exactly one (0 otherwise); a match through code
// or a package is a patch, through configuration alone a change.
func WhereElseTask(c Cause, assetName string, why []string, finding int64, patch bool, owner string, due time.Time) Task {
	label := string(c.Kind)
	if c.CWE != "" {
		label = c.CWE
	}
	title := fmt.Sprintf("Where else (cause %d, %s): %s — %s", c.ID, label, assetName, strings.Join(why, "; "))
	if len(title) > maxShort {
		title = truncate(title, maxShort-len("…")) + "…"
	}
	t := Task{Incident: c.Incident, Title: title, Kind: TaskChange, Owner: owner, Due: due}
	if patch {
		t.Kind = TaskPatch
	}
	switch link := "asset:" + assetName; {
	case finding != 0:
		t.Link = fmt.Sprintf("finding:%d", finding)
	case len(link) <= maxShort && lineOK(link) && !strings.ContainsAny(link, " \t"):
		t.Link = link
	}
	return t
}
