package baseline

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/version"
)

// Status is a rule's result on a snapshot.
type Status string

const (
	Pass Status = "pass"
	Fail Status = "fail"
	// NotApplicable: the host has no such parameter, package, unit or
	// file, so the rule does not apply to it.
	NotApplicable Status = "not_applicable"
	// Unknown: the snapshot does not cover the rule's kind, or the value
	// could not be compared.
	Unknown Status = "unknown"
)

// Result is one rule's result.
type Result struct {
	Rule     string   `json:"rule"`
	Title    Phrase   `json:"title"`
	Severity Severity `json:"severity"`
	// Place is where the rule looked (Check.Place).
	Place    string `json:"place"`
	Status   Status `json:"status"`
	Expected string `json:"expected"`
	Actual   string `json:"actual,omitempty"`
	// Note says how the actual value was found, or why it could not be.
	Note   string   `json:"note,omitempty"`
	Source Citation `json:"source"`
	// Known is the last status the rule was decided with on the host:
	// Status, or when that is unknown, the previous evaluation's Known.
	// A snapshot that leaves a part out does not break the drift.
	Known Status `json:"known,omitempty"`
}

// StatusChange is a rule whose status changed since the previous evaluation.
type StatusChange struct {
	Rule string `json:"rule"`
	From Status `json:"from"`
	To   Status `json:"to"`
}

// Drifted says the rule went from pass to fail: the configuration moved
// away from the baseline.
func (c StatusChange) Drifted() bool { return c.From == Pass && c.To == Fail }

// Evaluation is a snapshot evaluated against one baseline.
type Evaluation struct {
	Baseline string    `json:"baseline"`
	Version  string    `json:"version"`
	At       time.Time `json:"at"`
	Results  []Result  `json:"results"`
	Passed   int       `json:"passed"`
	Failed   int       `json:"failed"`
	// NotApplicable and Unknown rules do not count towards compliance.
	NotApplicable int `json:"not_applicable"`
	Unknown       int `json:"unknown"`
	// Compliance is the percentage of the decided rules (passed and
	// failed) that passed, to one decimal; 0 when none was decided.
	Compliance float64 `json:"compliance"`
	// Changes are the rules whose status differs from the previous
	// evaluation of the baseline on the host (see Diff).
	Changes []StatusChange `json:"changes,omitempty"`
}

// Drift returns the changes from pass to fail.
func (e Evaluation) Drift() []StatusChange {
	var out []StatusChange
	for _, c := range e.Changes {
		if c.Drifted() {
			out = append(out, c)
		}
	}
	return out
}

// Evaluate checks every rule of b against s.
func Evaluate(b Baseline, s Snapshot, at time.Time) Evaluation {
	ev := Evaluation{Baseline: b.ID, Version: b.Version, At: at, Results: make([]Result, 0, len(b.Rules))}
	for _, r := range b.Rules {
		res := Result{Rule: r.ID, Title: r.Title, Severity: r.Severity, Place: r.Check.Place(), Source: r.Source,
			Expected: r.Check.Expected()}
		res.Status, res.Actual, res.Note = r.Check.evaluate(s)
		if res.Status != Unknown {
			res.Known = res.Status
		}
		switch res.Status {
		case Pass:
			ev.Passed++
		case Fail:
			ev.Failed++
		case NotApplicable:
			ev.NotApplicable++
		default:
			ev.Unknown++
		}
		ev.Results = append(ev.Results, res)
	}
	if d := ev.Passed + ev.Failed; d > 0 {
		ev.Compliance = math.Round(1000*float64(ev.Passed)/float64(d)) / 10
	}
	return ev
}

// Diff sets cur's Changes against prev, an earlier evaluation of the
// same baseline on the same host (of any version: rules are matched by
// id, and rules new in cur have no change). A rule unknown in either is
// compared by its last known status, and carries that forward.
func Diff(prev, cur *Evaluation) {
	cur.Changes = nil
	if prev == nil {
		return
	}
	before := map[string]Status{}
	for _, r := range prev.Results {
		before[r.Rule] = r.Known
	}
	for i, r := range cur.Results {
		from := before[r.Rule]
		if r.Status == Unknown {
			cur.Results[i].Known = from
			continue
		}
		if from != "" && from != r.Status {
			cur.Changes = append(cur.Changes, StatusChange{Rule: r.Rule, From: from, To: r.Status})
		}
	}
}

// Expected says in words what the check wants.
func (c Check) Expected() string {
	vs := strings.Join(c.Values, ", ")
	switch c.Op {
	case OneOf:
		if len(c.Values) == 1 {
			return c.Values[0]
		}
		return "one of " + vs
	case NoneOf:
		return "not " + strings.Join(c.Values, " or ")
	case AtLeast:
		return ">= " + vs
	case AtMost:
		return "<= " + vs
	case Subset:
		return "only " + vs
	case Disjoint:
		return "none of " + vs
	case Present:
		if len(c.Values) == 1 {
			return "installed, version >= " + vs
		}
		return "installed"
	case MinVersion:
		return "if installed, version >= " + vs
	case Absent:
		return "not installed"
	case ModeAtMost:
		return "mode at most " + vs
	}
	return vs
}

// evaluate finds the actual value in s and compares it.
func (c Check) evaluate(s Snapshot) (Status, string, string) {
	switch c.Kind {
	case SSHD:
		return c.sshd(s.SSHD)
	case Sysctl:
		return c.setting(s.Sysctl, "sysctl", "the kernel has no such parameter")
	case TLS:
		return c.setting(s.TLS, "TLS settings", "not set")
	case Service:
		if s.Services == nil {
			return Unknown, "", "the snapshot has no unit file list"
		}
		unit := c.Key
		if !strings.Contains(unit, ".") {
			unit += ".service"
		}
		st, ok := s.Services[unit]
		if !ok {
			return NotApplicable, "", "no such unit"
		}
		return c.compare(st, "")
	case Package:
		return c.pkg(s.Packages)
	case File:
		return c.file(s.Files)
	}
	return Unknown, "", "unknown kind " + string(c.Kind)
}

func (c Check) setting(m map[string]string, what, missing string) (Status, string, string) {
	if m == nil {
		return Unknown, "", "the snapshot has no " + what
	}
	v, ok := m[c.Key]
	if !ok {
		if c.Default == "" {
			return NotApplicable, "", missing
		}
		return c.compare(c.Default, "not set: the default")
	}
	return c.compare(v, "")
}

func (c Check) sshd(cfg *SSHDConfig) (Status, string, string) {
	if cfg == nil {
		return Unknown, "", "the snapshot has no sshd_config"
	}
	key := strings.ToLower(c.Key)
	v, ok := cfg.Settings[key]
	note := ""
	if !ok {
		if c.Default == "" {
			return Unknown, "", "not set, and the baseline gives no default"
		}
		v, note = c.Default, "not set: sshd's default"
	}
	st, actual, n := c.compare(v, note)
	if st == Unknown {
		return st, actual, n
	}
	// A Match block that sets a failing value weakens the server for the
	// connections it matches: the rule fails for them.
	for _, m := range cfg.Matches {
		mv, ok := m.Settings[key]
		if !ok {
			continue
		}
		if ms, _, _ := c.compare(mv, ""); ms == Fail {
			where := fmt.Sprintf("Match %s (%s:%d) sets %s", m.Criteria, m.File, m.Line, mv)
			return Fail, actual, join(n, where)
		}
	}
	return st, actual, n
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func (c Check) pkg(ps []InstalledPackage) (Status, string, string) {
	if ps == nil {
		return Unknown, "", "the snapshot has no package list"
	}
	var have []InstalledPackage
	for _, p := range ps {
		if p.Name == c.Key {
			have = append(have, p)
		}
	}
	installed := func() string {
		vs := make([]string, len(have))
		for i, p := range have {
			vs[i] = p.Version
		}
		return "installed " + strings.Join(vs, ", ")
	}
	switch {
	case c.Op == Absent && len(have) == 0:
		return Pass, "not installed", ""
	case c.Op == Absent:
		return Fail, installed(), ""
	case len(have) == 0 && c.Op == MinVersion:
		return NotApplicable, "not installed", ""
	case len(have) == 0:
		return Fail, "not installed", ""
	case len(c.Values) == 0:
		return Pass, installed(), ""
	}
	for _, p := range have {
		eco := ecosystem.Debian
		if p.Format == "rpm" {
			eco = ecosystem.RedHat
		}
		cmp, err := version.Compare(string(eco), p.Version, c.Values[0])
		if err != nil {
			return Unknown, installed(), err.Error()
		}
		if cmp < 0 {
			return Fail, installed(), "older than " + c.Values[0] + " in " + p.Format + " version order"
		}
	}
	return Pass, installed(), ""
}

func (c Check) file(fs []FileInfo) (Status, string, string) {
	if fs == nil {
		return Unknown, "", "the snapshot has no file list"
	}
	i := slices.IndexFunc(fs, func(f FileInfo) bool { return f.Path == c.Key })
	if i < 0 {
		return NotApplicable, "", "no such file"
	}
	if c.Field == "owner" {
		return c.compare(fs[i].Owner, "")
	}
	return c.compare(fs[i].Mode, "")
}

// compare applies the operator to an actual value.
func (c Check) compare(v, note string) (Status, string, string) {
	ok := false
	switch c.Op {
	case OneOf:
		ok = c.has(v)
	case NoneOf:
		ok = !c.has(v)
	case AtLeast, AtMost:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return Unknown, v, join(note, "not an integer")
		}
		want, _ := strconv.ParseInt(c.Values[0], 10, 64) // checked by Validate
		ok = n >= want
		if c.Op == AtMost {
			ok = n <= want
		}
	case Subset, Disjoint:
		items := strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ':' || r == ' ' || r == '\t' })
		if len(items) > 0 && strings.ContainsAny(items[0][:1], "+-^") {
			// sshd's "+list" / "-list" / "^list" change the built-in
			// default, which the snapshot does not show.
			return Unknown, v, join(note, "modifies the built-in default list")
		}
		ok = true
		for _, it := range items {
			if c.has(it) != (c.Op == Subset) {
				ok = false
				break
			}
		}
	case ModeAtMost:
		have, err1 := strconv.ParseUint(v, 8, 32)
		limit, err2 := strconv.ParseUint(c.Values[0], 8, 32)
		if err1 != nil || err2 != nil {
			return Unknown, v, join(note, "not an octal mode")
		}
		ok = have&^limit == 0
	}
	if ok {
		return Pass, v, note
	}
	return Fail, v, note
}

func (c Check) has(v string) bool {
	return slices.ContainsFunc(c.Values, func(w string) bool { return strings.EqualFold(w, v) })
}
