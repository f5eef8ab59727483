package maintenance

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/finding"
)

// Group is a maintenance group (NIST SP 800-40r4 §3.1): assets with the
// same function and risk, patched together under one maintenance plan.
// Its members are the assets whose MaintenanceGroup names it.
type Group struct {
	Name string `json:"name"`
	// Function is what the assets do: "public web front ends",
	// "payment back office", "build agents".
	Function string `json:"function"`
	// Risk is how much harm a vulnerability on them does: SP 800-40r4
	// groups assets of like risk so that one plan fits them.
	Risk  asset.Criticality `json:"risk"`
	Owner string            `json:"owner"`
	// Windows are when routine maintenance may disrupt the assets.
	Windows []PatchWindow `json:"windows"`
	Plan    Plan          `json:"plan"`
	Created time.Time     `json:"created,omitzero"`
	Updated time.Time     `json:"updated,omitzero"`
}

// Plan is a maintenance group's maintenance plan (SP 800-40r4 §3.2):
// routine patching at a cadence, emergency patching when a vulnerability
// is exploited or the SSVC decision is to act, and what is done when no
// patch exists.
type Plan struct {
	// RoutineDays is the routine patching cadence: every update that is
	// not an emergency is applied within this many days, in a window.
	RoutineDays int `json:"routine_days"`
	// EmergencyHours is how soon an emergency update is applied, inside
	// a window or not.
	EmergencyHours int `json:"emergency_hours"`
	// OnKEV and OnSSVCAct say what triggers emergency patching: a
	// finding whose vulnerability is in CISA's KEV catalogue, or whose
	// CISA Coordinator SSVC outcome is Act.
	OnKEV     bool `json:"on_kev"`
	OnSSVCAct bool `json:"on_ssvc_act"`
	// When no patch exists (SP 800-40r4 §2.2's other risk responses):
	// Mitigation is what reduces the risk in place (a configuration
	// change, a WAF rule), Isolation how the assets are cut off from
	// attackers, Acceptance who accepts what remains. Accepting is a
	// finding's risk acceptance (finding.Acceptance), time-limited and
	// approved by someone else; the plan says when to ask for one.
	Mitigation string `json:"mitigation"`
	Isolation  string `json:"isolation"`
	Acceptance string `json:"acceptance"`
}

// PatchWindow is a weekly maintenance window: Day ("mon" … "sun", or
// "daily"), Start ("02:00", UTC) and how many Hours it lasts.
type PatchWindow struct {
	Day   string `json:"day"`
	Start string `json:"start"`
	Hours int    `json:"hours"`
}

var days = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// ParseWindow reads "sun 02:00 4h" (a day or "daily", a UTC start time,
// a length in hours).
func ParseWindow(s string) (PatchWindow, error) {
	f := strings.Fields(s)
	if len(f) != 3 || !strings.HasSuffix(f[2], "h") {
		return PatchWindow{}, fmt.Errorf("%w: window: %q is not \"<day> <HH:MM> <hours>h\"", ErrInvalid, s)
	}
	var h int
	if _, err := fmt.Sscanf(strings.TrimSuffix(f[2], "h"), "%d", &h); err != nil {
		return PatchWindow{}, fmt.Errorf("%w: window: %q: hours: %v", ErrInvalid, s, err)
	}
	w := PatchWindow{Day: strings.ToLower(f[0]), Start: f[1], Hours: h}
	return w, w.Validate()
}

func (w PatchWindow) String() string { return fmt.Sprintf("%s %s %dh", w.Day, w.Start, w.Hours) }

// Validate checks the day, the start time and the length (1 to 24 hours).
func (w PatchWindow) Validate() error {
	if w.Day != "daily" && !slices.Contains(days, w.Day) {
		return fmt.Errorf("%w: window: day %q (mon … sun, or daily)", ErrInvalid, w.Day)
	}
	if _, err := time.Parse("15:04", w.Start); err != nil {
		return fmt.Errorf("%w: window: start %q is not HH:MM", ErrInvalid, w.Start)
	}
	if w.Hours < 1 || w.Hours > 24 {
		return fmt.Errorf("%w: window: %d hours (1 to 24)", ErrInvalid, w.Hours)
	}
	return nil
}

// Next returns when the window next opens at or after t (UTC), or the
// start of the window t is in.
func (w PatchWindow) Next(t time.Time) time.Time {
	t = t.UTC()
	st, _ := time.Parse("15:04", w.Start)
	length := time.Duration(w.Hours) * time.Hour
	// Look back one day so that a window already open at t is found.
	for d := -1; d <= 7; d++ {
		day := t.AddDate(0, 0, d)
		open := time.Date(day.Year(), day.Month(), day.Day(), st.Hour(), st.Minute(), 0, 0, time.UTC)
		if w.Day != "daily" && days[open.Weekday()] != w.Day {
			continue
		}
		if open.Add(length).After(t) {
			return open
		}
	}
	return time.Time{}
}

// NextWindow returns the earliest window of g opening at or after t (or
// open at t); zero when g has none.
func (g Group) NextWindow(t time.Time) time.Time {
	var best time.Time
	for _, w := range g.Windows {
		if n := w.Next(t); !n.IsZero() && (best.IsZero() || n.Before(best)) {
			best = n
		}
	}
	return best
}

// Validate checks a group before it is stored.
func (g Group) Validate() error {
	if err := checkText("name", g.Name, maxName, true); err != nil {
		return err
	}
	if err := checkText("function", g.Function, maxLine, true); err != nil {
		return err
	}
	if !g.Risk.IsValid() {
		return fmt.Errorf("%w: risk: %q (low, medium, high, critical)", ErrInvalid, g.Risk)
	}
	if err := checkText("owner", g.Owner, maxName, true); err != nil {
		return err
	}
	if len(g.Windows) == 0 || len(g.Windows) > 14 {
		return fmt.Errorf("%w: windows: %d (a group needs 1 to 14 maintenance windows)", ErrInvalid, len(g.Windows))
	}
	for _, w := range g.Windows {
		if err := w.Validate(); err != nil {
			return err
		}
	}
	return g.Plan.Validate()
}

// Validate checks the plan: a routine cadence of 1 to 365 days, an
// emergency time of 1 to 720 hours, at least one emergency trigger, and
// each no-patch response said.
func (p Plan) Validate() error {
	switch {
	case p.RoutineDays < 1 || p.RoutineDays > 365:
		return fmt.Errorf("%w: plan.routine_days: %d (1 to 365)", ErrInvalid, p.RoutineDays)
	case p.EmergencyHours < 1 || p.EmergencyHours > 720:
		return fmt.Errorf("%w: plan.emergency_hours: %d (1 to 720)", ErrInvalid, p.EmergencyHours)
	case !p.OnKEV && !p.OnSSVCAct:
		return fmt.Errorf("%w: plan: no emergency trigger; emergency patching needs KEV, SSVC act, or both", ErrInvalid)
	}
	for _, f := range []struct{ name, v string }{{"plan.mitigation", p.Mitigation}, {"plan.isolation", p.Isolation}, {"plan.acceptance", p.Acceptance}} {
		if err := checkText(f.name, f.v, maxText, true); err != nil {
			return err
		}
	}
	return nil
}

// Members returns the names of the assets in g, sorted.
func (g Group) Members(assets []asset.Asset) []string {
	var out []string
	for _, a := range assets {
		if a.MaintenanceGroup == g.Name {
			out = append(out, a.Name)
		}
	}
	slices.Sort(out)
	return out
}

// Trigger is an open finding that calls for emergency patching under a
// group's plan, and why.
type Trigger struct {
	Finding int64  `json:"finding"`
	Asset   string `json:"asset"`
	Vuln    string `json:"vuln"`
	Package string `json:"package"`
	// Reasons are "kev" and "ssvc act", those the plan listens to.
	Reasons []string `json:"reasons"`
	// FixedVersion is the upgrade its advisory names, if any; without
	// one the plan's no-patch path applies.
	FixedVersion string `json:"fixed_version,omitempty"`
	// Due is when the plan wants it patched: EmergencyHours after the
	// finding was first seen.
	Due time.Time `json:"due"`
}

// Triggers returns the findings of fs (a group's findings) that trigger
// emergency patching under g's plan: open, and on a KEV vulnerability
// (OnKEV) or with the SSVC outcome Act (OnSSVCAct). A risk-accepted
// finding does not: its risk was accepted, with a date to look again.
func (g Group) Triggers(fs []finding.Finding) []Trigger {
	var out []Trigger
	for _, f := range fs {
		if !f.State.Open() || f.State == finding.RiskAccepted || f.Assessment == nil {
			continue
		}
		var why []string
		if g.Plan.OnKEV && f.Assessment.KEV != nil {
			why = append(why, "kev")
		}
		if g.Plan.OnSSVCAct && f.Assessment.SSVC.Coordinator.Value == "AC" {
			why = append(why, "ssvc act")
		}
		if len(why) == 0 {
			continue
		}
		out = append(out, Trigger{Finding: f.ID, Asset: f.Asset, Vuln: f.Vuln, Package: f.Package, Reasons: why,
			FixedVersion: fixedVersion(f), Due: f.FirstSeen.Add(time.Duration(g.Plan.EmergencyHours) * time.Hour)})
	}
	slices.SortFunc(out, func(a, b Trigger) int { return cmp.Or(a.Due.Compare(b.Due), cmp.Compare(a.Finding, b.Finding)) })
	return out
}

// fixedVersion is the version the finding's advisory says fixes it.
func fixedVersion(f finding.Finding) string {
	return cmp.Or(f.Explanation.FixedVersion, f.Explanation.Fixed)
}
