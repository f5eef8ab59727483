package incident

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// PatchCriticality is the category a security patch release and its advisory
// give operators and users: how urgently to apply the fix. The words and
// their meanings follow the four-step scale vendors publish under (Red
// Hat's and Microsoft's severity ratings), in both languages:
//
//	critical   严重  Exploitable remotely without user interaction, or
//	                 already exploited: apply at once, outside the
//	                 maintenance window if need be.
//	                 无需用户交互即可远程利用，或已被利用：请立即更新，
//	                 必要时在维护窗口之外进行。
//	important  重要  Confidentiality, integrity or availability can be
//	                 compromised under common conditions: apply within
//	                 days, in the next maintenance window.
//	                 在常见条件下可危及机密性、完整性或可用性：请在数日内、
//	                 于下一个维护窗口更新。
//	moderate   中等  Exploitation needs unusual conditions or its impact
//	                 is limited: apply with the next regular update.
//	                 利用需要特殊条件或影响有限：请随下一次常规更新安装。
//	low        低    Little impact, or very hard to exploit: apply when
//	                 convenient. 影响很小或极难利用：请在方便时更新。
//
// Name and Meaning give these texts, as the API serves them and the
// advisories print them.
type PatchCriticality string

// The categories are named after what they are for, patches, so as not
// to read as incident severities (SevCritical, SevLow).
const (
	PatchCritical  PatchCriticality = "critical"
	PatchImportant PatchCriticality = "important"
	PatchModerate  PatchCriticality = "moderate"
	PatchLow       PatchCriticality = "low"
)

// Criticalities lists the categories, most urgent first.
var Criticalities = []PatchCriticality{PatchCritical, PatchImportant, PatchModerate, PatchLow}

func (c PatchCriticality) String() string { return string(c) }

// IsValid reports whether c is a known category.
func (c PatchCriticality) IsValid() bool { return slices.Contains(Criticalities, c) }

// UnmarshalText rejects unknown categories.
func (c *PatchCriticality) UnmarshalText(b []byte) error {
	if !PatchCriticality(b).IsValid() {
		return fmt.Errorf("%w: unknown criticality %q (%s)", ErrInvalid, b, joinKinds(Criticalities))
	}
	*c = PatchCriticality(b)
	return nil
}

// criticalityTexts are each category's name and meaning, English first,
// then Simplified Chinese; the type's comment is the same table.
var criticalityTexts = map[PatchCriticality][2][2]string{
	PatchCritical: {
		{"Critical", "Exploitable remotely without user interaction, or already exploited; the system or its data are likely to be compromised. Apply the update at once, outside the maintenance window if need be."},
		{"严重", "无需用户交互即可远程利用，或已被利用；系统或其数据很可能被攻陷。请立即更新，必要时在维护窗口之外进行。"},
	},
	PatchImportant: {
		{"Important", "Confidentiality, integrity or availability can be compromised under common conditions. Apply the update within days, in the next maintenance window."},
		{"重要", "在常见条件下可危及机密性、完整性或可用性。请在数日内、于下一个维护窗口更新。"},
	},
	PatchModerate: {
		{"Moderate", "Exploitation needs unusual conditions (local access, a particular configuration, user interaction) or its impact is limited. Apply the update with the next regular update."},
		{"中等", "利用需要特殊条件（本地访问、特定配置、用户交互）或影响有限。请随下一次常规更新安装。"},
	},
	PatchLow: {
		{"Low", "Little impact, or very hard to exploit. Apply the update when convenient."},
		{"低", "影响很小或极难利用。请在方便时更新。"},
	},
}

// langIndex is 1 for Chinese ("zh", "zh-CN", "zh-Hans"), else 0.
func langIndex(lang string) int {
	if l := strings.ToLower(lang); l == "zh" || strings.HasPrefix(l, "zh-") {
		return 1
	}
	return 0
}

// Name is the category's name in lang ("en" or "zh-CN"; others are
// English).
func (c PatchCriticality) Name(lang string) string { return criticalityTexts[c][langIndex(lang)][0] }

// Meaning says what the category means for operators and users, in lang.
func (c PatchCriticality) Meaning(lang string) string { return criticalityTexts[c][langIndex(lang)][1] }

// NotifyState is where telling operators about a patch release stands.
type NotifyState string

const (
	NotifyPending     NotifyState = "pending"      // not told yet
	NotifyDone        NotifyState = "notified"     // told: when, by whom, how
	NotifyNotRequired NotifyState = "not_required" // nobody to tell, and why
)

// NotifyStates lists the states.
var NotifyStates = []NotifyState{NotifyPending, NotifyDone, NotifyNotRequired}

func (s NotifyState) String() string { return string(s) }

// IsValid reports whether s is a known state.
func (s NotifyState) IsValid() bool { return slices.Contains(NotifyStates, s) }

// PatchChange is a patch's change-management record: the ticket it goes
// through and its approval. Who requested the change does not approve it.
type PatchChange struct {
	// Ticket is the change request (CHG-2026-1182, a URL).
	Ticket      string    `json:"ticket"`
	RequestedBy string    `json:"requested_by"`
	ApprovedBy  string    `json:"approved_by,omitempty"`
	Approved    time.Time `json:"approved,omitzero"`
	// Note records the approval's conditions (a window, a rollback plan).
	Note string `json:"note,omitempty"`
}

// RegressionTest is one item of a patch's regression-test checklist.
type RegressionTest struct {
	Item string    `json:"item"`
	Done time.Time `json:"done,omitzero"`
	By   string    `json:"by,omitempty"`
}

// PatchNotice is the state of telling operators about a patch.
type PatchNotice struct {
	State NotifyState `json:"state"`
	At    time.Time   `json:"at,omitzero"`
	By    string      `json:"by,omitempty"`
	// Note says whom, how (the mailing list, the customer portal), or why
	// nobody needs telling.
	Note string `json:"note,omitempty"`
}

// Patch is a security patch release for an incident: the product or
// component fixed, the versions that fix it, the change that ships it,
// the regression tests it must pass, how urgent it is for operators and
// whether they have been told. It moves through approval (the change),
// the checklist and release to operator notification; the store keeps
// two incident tasks beside it, one for the change and one for applying
// the patch, done as the change is approved and the patch released.
type Patch struct {
	ID       int64 `json:"id,omitempty"`       // assigned by the store
	Incident int64 `json:"incident,omitempty"` // the incident's id
	// Product is what is released fixed: a product name or a package URL;
	// Component narrows it (a module, a service).
	Product       string           `json:"product"`
	Component     string           `json:"component,omitempty"`
	FixedVersions []string         `json:"fixed_versions"`
	Criticality   PatchCriticality `json:"criticality"`
	// Owner drives the release, and owns its tasks.
	Owner        string           `json:"owner"`
	Change       PatchChange      `json:"change"`
	Checklist    []RegressionTest `json:"checklist"`
	Released     time.Time        `json:"released,omitzero"`
	ReleasedBy   string           `json:"released_by,omitempty"`
	Notification PatchNotice      `json:"notification"`
	// Advisory is the id of the advisory published about it, if any.
	Advisory string `json:"advisory,omitempty"`
	// ChangeTask and PatchTask are the incident tasks the store keeps for
	// the change and for applying the patch.
	ChangeTask int64 `json:"change_task,omitempty"`
	PatchTask  int64 `json:"patch_task,omitempty"`
}

// Limits on a patch record: generous for a real release, small enough to
// keep a hostile one cheap.
const (
	maxFixedVersions = 100
	maxChecks        = 100
	maxNote          = 4 << 10
)

func patchInvalid(field, format string, args ...any) error {
	return fmt.Errorf("%w: patch %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
}

// Validate checks a patch's fields, naming the first at fault.
func (p Patch) Validate() error {
	switch {
	case strings.TrimSpace(p.Product) == "" || len(p.Product) > maxShort || !lineOK(p.Product):
		return patchInvalid("product", "empty, longer than %d bytes or not one line", maxShort)
	case len(p.Component) > maxShort || !lineOK(p.Component):
		return patchInvalid("component", "longer than %d bytes or not one line", maxShort)
	case len(p.FixedVersions) > maxFixedVersions:
		return patchInvalid("fixed_versions", "more than %d", maxFixedVersions)
	case !p.Criticality.IsValid():
		return patchInvalid("criticality", "unknown %q (%s)", p.Criticality, joinKinds(Criticalities))
	case !nameOK(p.Owner):
		return patchInvalid("owner", "%q is not a name", p.Owner)
	case len(p.Change.Ticket) > maxShort || !lineOK(p.Change.Ticket):
		return patchInvalid("change.ticket", "longer than %d bytes or not one line", maxShort)
	case len(p.Change.Note) > maxNote || len(p.Notification.Note) > maxNote:
		return patchInvalid("note", "longer than %d KiB", maxNote>>10)
	case len(p.Checklist) > maxChecks:
		return patchInvalid("checklist", "more than %d items", maxChecks)
	case !p.Notification.State.IsValid():
		return patchInvalid("notification.state", "unknown %q (%s)", p.Notification.State, joinKinds(NotifyStates))
	case len(p.Advisory) > 128 || !lineOK(p.Advisory):
		return patchInvalid("advisory", "%q is not an advisory id", p.Advisory)
	}
	for i, v := range p.FixedVersions {
		if strings.TrimSpace(v) == "" || len(v) > 200 || !lineOK(v) || slices.Contains(p.FixedVersions[:i], v) {
			return patchInvalid(fmt.Sprintf("fixed_versions[%d]", i), "%q is empty, too long, not one line or listed twice", v)
		}
	}
	for i, c := range p.Checklist {
		switch {
		case strings.TrimSpace(c.Item) == "" || len(c.Item) > maxShort || !lineOK(c.Item):
			return patchInvalid(fmt.Sprintf("checklist[%d].item", i), "empty, longer than %d bytes or not one line", maxShort)
		case c.Done.IsZero() != (c.By == ""):
			return patchInvalid(fmt.Sprintf("checklist[%d]", i), "done and by go together")
		case c.By != "" && !nameOK(c.By):
			return patchInvalid(fmt.Sprintf("checklist[%d].by", i), "%q is not a name", c.By)
		}
	}
	return nil
}

// Approved reports whether the change is approved.
func (p Patch) Approved() bool { return !p.Change.Approved.IsZero() }

// Tested reports whether every item of the checklist is done.
func (p Patch) Tested() bool {
	return !slices.ContainsFunc(p.Checklist, func(c RegressionTest) bool { return c.Done.IsZero() })
}

// PatchAction is a step of a patch release.
type PatchAction string

const (
	PatchApprove PatchAction = "approve" // approve the change
	PatchCheck   PatchAction = "check"   // tick a checklist item off
	PatchUncheck PatchAction = "uncheck" // a test done turned out not to be
	PatchRelease PatchAction = "release" // the fixed versions are out
	PatchNotify  PatchAction = "notify"  // operators told, or nobody to tell
)

// PatchActions lists the actions, in release order.
var PatchActions = []PatchAction{PatchApprove, PatchCheck, PatchUncheck, PatchRelease, PatchNotify}

// IsValid reports whether a is a known action.
func (a PatchAction) IsValid() bool { return slices.Contains(PatchActions, a) }

// PatchOp is one step applied to a patch: the action and what it needs
// (the checklist item's index for check and uncheck; the state and a
// note for notify; an optional note for approve).
type PatchOp struct {
	Action PatchAction `json:"action"`
	Item   int         `json:"item,omitempty"`
	State  NotifyState `json:"state,omitempty"`
	Note   string      `json:"note,omitempty"`
}

// ErrPatchStep marks a step the patch's state does not allow: approving
// one's own change, releasing before the tests are done, notifying
// before release.
var ErrPatchStep = errors.New("patch step not allowed")

func stepRefused(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrPatchStep, fmt.Sprintf(format, args...))
}

// Apply takes the step op on p as done by actor at at, and returns what
// happened in words for the incident's timeline. p is unchanged when
// Apply refuses the step.
func (p *Patch) Apply(op PatchOp, actor string, at time.Time) (string, error) {
	if !nameOK(actor) {
		return "", fmt.Errorf("%w: patch step: actor %q is not a name", ErrInvalid, actor)
	}
	if len(op.Note) > maxNote {
		return "", patchInvalid("note", "longer than %d KiB", maxNote>>10)
	}
	what := fmt.Sprintf("patch %d (%s %s)", p.ID, p.Product, strings.Join(p.FixedVersions, ", "))
	switch op.Action {
	case PatchApprove:
		switch {
		case p.Approved():
			return "", stepRefused("%s: the change was approved by %s on %s", what, p.Change.ApprovedBy, p.Change.Approved.Format(time.RFC3339))
		case strings.TrimSpace(p.Change.Ticket) == "":
			return "", stepRefused("%s: no change ticket to approve", what)
		case actor == p.Change.RequestedBy:
			return "", stepRefused("%s: %s requested the change and may not approve it", what, actor)
		}
		p.Change.ApprovedBy, p.Change.Approved, p.Change.Note = actor, at, op.Note
		return fmt.Sprintf("%s: change %s approved by %s", what, p.Change.Ticket, actor), nil
	case PatchCheck, PatchUncheck:
		if op.Item < 0 || op.Item >= len(p.Checklist) {
			return "", patchInvalid("item", "%d is not an item of the checklist (0 to %d)", op.Item, len(p.Checklist)-1)
		}
		c := &p.Checklist[op.Item]
		if op.Action == PatchUncheck {
			switch {
			case !p.Released.IsZero():
				return "", stepRefused("%s: released on %s; its tests are history", what, p.Released.Format(time.RFC3339))
			case c.Done.IsZero():
				return "", stepRefused("%s: %q is not done", what, c.Item)
			}
			c.Done, c.By = time.Time{}, ""
			return fmt.Sprintf("%s: regression test %q reopened", what, c.Item), nil
		}
		if !c.Done.IsZero() {
			return "", stepRefused("%s: %q was done by %s on %s", what, c.Item, c.By, c.Done.Format(time.RFC3339))
		}
		c.Done, c.By = at, actor
		return fmt.Sprintf("%s: regression test %q passed (%s)", what, c.Item, actor), nil
	case PatchRelease:
		var open []string
		for _, c := range p.Checklist {
			if c.Done.IsZero() {
				open = append(open, c.Item)
			}
		}
		switch {
		case !p.Released.IsZero():
			return "", stepRefused("%s: released on %s by %s", what, p.Released.Format(time.RFC3339), p.ReleasedBy)
		case !p.Approved():
			return "", stepRefused("%s: the change is not approved", what)
		case len(open) > 0:
			return "", stepRefused("%s: regression tests not done: %s", what, strings.Join(open, "; "))
		case len(p.FixedVersions) == 0:
			return "", stepRefused("%s: no fixed version to release", what)
		}
		p.Released, p.ReleasedBy = at, actor
		return fmt.Sprintf("%s: released by %s", what, actor), nil
	case PatchNotify:
		switch {
		case op.State != NotifyDone && op.State != NotifyNotRequired:
			return "", patchInvalid("state", "%q: notify records %s or %s", op.State, NotifyDone, NotifyNotRequired)
		case p.Notification.State != NotifyPending:
			return "", stepRefused("%s: operators' notification is already %s", what, p.Notification.State)
		case op.State == NotifyDone && p.Released.IsZero():
			return "", stepRefused("%s: not released yet; operators are told about a release", what)
		case strings.TrimSpace(op.Note) == "":
			return "", patchInvalid("note", "say whom and how operators were told, or why nobody needs telling")
		}
		p.Notification = PatchNotice{State: op.State, At: at, By: actor, Note: op.Note}
		if op.State == NotifyNotRequired {
			return fmt.Sprintf("%s: operators' notification not required: %s", what, op.Note), nil
		}
		return fmt.Sprintf("%s: operators notified by %s: %s", what, actor, op.Note), nil
	}
	return "", patchInvalid("action", "unknown %q (%s)", op.Action, joinKinds(PatchActions))
}
