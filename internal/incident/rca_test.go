package incident

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseCWE(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"CWE-918", "CWE-918", ""},
		{" cwe-79 ", "CWE-79", ""},
		{"1004", "CWE-1004", ""},
		{"CWE-079", "", `"CWE-079" is not a CWE id`},
		{"CWE-", "", "is not a CWE id"},
		{"CWE-+7", "", "is not a CWE id"},
		{"CWE-0", "", "is not a CWE id"},
		{"CWE-99999999", "", "is not a CWE id"},
		{"NVD-CWE-noinfo", "", "says no weakness is known"},
		{"XSS", "", `"XSS" is not a CWE id (CWE-79)`},
		{"", "", "is not a CWE id"},
	} {
		got, err := ParseCWE(tc.in)
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && (!strings.Contains(err.Error(), tc.err) || !errors.Is(err, ErrInvalid))) {
			t.Errorf("ParseCWE(%q) = %q, %v; want %q, %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// fakeCWEs is a catalogue of three weaknesses, one deprecated.
func fakeCWEs(id string) (string, bool) {
	name, ok := map[string]string{
		"CWE-918": "Server-Side Request Forgery (SSRF)",
		"CWE-79":  "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')",
		"CWE-71":  "DEPRECATED: Apple '.DS_Store'",
	}[id]
	return name, ok
}

func TestCheckCWE(t *testing.T) {
	for _, tc := range []struct{ cwe, want, name, err string }{
		{"cwe-918", "CWE-918", "Server-Side Request Forgery (SSRF)", ""},
		{"", "", "", ""},
		{"CWE-16", "", "", "CWE-16 is not a weakness in the CWE catalogue"},
		{"CWE-71", "", "", "CWE-71 is deprecated (DEPRECATED: Apple '.DS_Store')"},
		{"CWE-x", "", "", `"CWE-x" is not a CWE id`},
	} {
		c := Cause{CWE: tc.cwe, CWEName: "stale"}
		err := c.CheckCWE(fakeCWEs)
		if (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("CheckCWE(%q): %v, want %q", tc.cwe, err, tc.err)
			continue
		}
		if err == nil && (c.CWE != tc.want || c.CWEName != tc.name) {
			t.Errorf("CheckCWE(%q) = %q %q, want %q %q", tc.cwe, c.CWE, c.CWEName, tc.want, tc.name)
		}
	}
}

func TestCauseValidate(t *testing.T) {
	ok := func() Cause {
		return Cause{Kind: CauseCodeVulnerability, CWE: "CWE-918", Description: "The connection test fetched any URL, internal ones too.",
			Component: &ComponentRef{Ecosystem: "PyPI", Name: "apache-airflow", Version: "2.6.3"}, Configuration: "exposure=internet tag=airflow"}
	}
	for _, tc := range []struct {
		name string
		edit func(*Cause)
		err  string
	}{
		{"valid", func(*Cause) {}, ""},
		{"people cause", func(c *Cause) { *c = Cause{Kind: CauseProcedureIgnored, Description: "Patch window skipped."} }, ""},
		{"unknown kind", func(c *Cause) { c.Kind = "bad_luck" }, `cause kind: unknown "bad_luck"`},
		{"no description", func(c *Cause) { c.Description = " " }, "cause description: empty"},
		{"code without CWE", func(c *Cause) { c.CWE = "" }, "a code vulnerability needs its CWE"},
		{"misconfiguration without CWE", func(c *Cause) { c.Kind, c.CWE = CauseMisconfiguration, "" }, ""},
		{"CWE on a people cause", func(c *Cause) { c.Kind = CauseSocialEngineering }, "social_engineering is a people and process cause, which has no CWE"},
		{"CWE not canonical", func(c *Cause) { c.CWE = "cwe-918" }, `"cwe-918" is written "CWE-918"`},
		{"CWE malformed", func(c *Cause) { c.CWE = "SSRF" }, `"SSRF" is not a CWE id`},
		{"component without name", func(c *Cause) { c.Component.Name = "" }, "component name: empty"},
		{"component without ecosystem", func(c *Cause) { c.Component.Ecosystem = "" }, "component ecosystem: empty"},
		{"component version with a newline", func(c *Cause) { c.Component.Version = "1\n2" }, "component version"},
		{"bad configuration", func(c *Cause) { c.Configuration = "exposure=everywhere" }, `exposure: unknown exposure "everywhere"`},
	} {
		c := ok()
		tc.edit(&c)
		err := c.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!strings.Contains(err.Error(), tc.err) || !errors.Is(err, ErrInvalid))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
	if !CauseMonitoringGap.Technical() || CauseMissingTraining.Technical() || CauseKind("x").Technical() {
		t.Error("Technical: wrong side")
	}
}

func TestComponentFromPURL(t *testing.T) {
	for _, tc := range []struct {
		purl string
		want ComponentRef
		err  string
	}{
		{"pkg:pypi/apache-airflow@2.6.3", ComponentRef{Ecosystem: "PyPI", Name: "apache-airflow", Version: "2.6.3", PURL: "pkg:pypi/apache-airflow@2.6.3"}, ""},
		{"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", ComponentRef{Ecosystem: "Maven", Name: "org.apache.logging.log4j:log4j-core", Version: "2.14.1", PURL: "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}, ""},
		{"apache-airflow", ComponentRef{}, "component purl"},
		{"pkg:generic/thing@1", ComponentRef{}, "component purl"},
	} {
		got, err := ComponentFromPURL(tc.purl)
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("ComponentFromPURL(%q) = %+v, %v; want %+v, %q", tc.purl, got, err, tc.want, tc.err)
		}
	}
}

func TestCheckDecision(t *testing.T) {
	decided := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	rec := func() Recommendation {
		return Recommendation{ID: 4, Incident: 1, Text: "Block egress from Airflow workers to the metadata service.", Owner: "bob",
			Due: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)}
	}
	scheduled := func(r *Recommendation) {
		r.Decisions = []Decision{{Kind: Schedule, DecidedBy: "carol", Decided: decided.Add(-48 * time.Hour), Task: 9}}
	}
	accepted := func(r *Recommendation) {
		r.Decisions = []Decision{{Kind: AcceptRisk, DecidedBy: "carol", Decided: decided.AddDate(0, -6, 0), Reason: "egress proxy", Expires: decided.Add(-time.Hour)}}
	}
	openTask := &Task{ID: 9, Owner: "bob", Due: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)}
	doneTask := &Task{ID: 9, Owner: "bob", Done: decided.Add(-time.Hour), DoneBy: "bob"}
	for _, tc := range []struct {
		name string
		rec  func(*Recommendation)
		task *Task
		d    Decision
		err  string
		want Decision // after defaults, when err is ""
	}{
		{name: "schedule with the recommendation's owner and day", d: Decision{Kind: Schedule, DecidedBy: "carol", Decided: decided},
			want: Decision{Kind: Schedule, DecidedBy: "carol", Decided: decided, TaskKind: TaskChange, Owner: "bob", Due: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)}},
		{name: "schedule with its own owner, day and kind", d: Decision{Kind: Schedule, DecidedBy: "carol", Decided: decided, Owner: "dave", Due: time.Date(2027, 1, 10, 15, 0, 0, 0, time.UTC), TaskKind: TaskPatch},
			want: Decision{Kind: Schedule, DecidedBy: "carol", Decided: decided, TaskKind: TaskPatch, Owner: "dave", Due: time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC)}},
		{name: "schedule due the day decided", d: Decision{Kind: Schedule, DecidedBy: "carol", Decided: decided, Due: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
			want: Decision{Kind: Schedule, DecidedBy: "carol", Decided: decided, TaskKind: TaskChange, Owner: "bob", Due: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}},
		{name: "schedule due in the past", d: Decision{Kind: Schedule, DecidedBy: "carol", Decided: decided, Due: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)},
			err: "due: 2026-11-30 is before the decision, 2026-12-01"},
		{name: "schedule without any day", rec: func(r *Recommendation) { r.Due = time.Time{} }, d: Decision{Kind: Schedule, DecidedBy: "carol", Decided: decided},
			err: "due: a scheduled fix needs a due day"},
		{name: "schedule with an expiry", d: Decision{Kind: Schedule, DecidedBy: "carol", Decided: decided, Expires: decided.AddDate(0, 1, 0)},
			err: "expires: a scheduled fix does not expire"},
		{name: "schedule with an unknown task kind", d: Decision{Kind: Schedule, DecidedBy: "carol", Decided: decided, TaskKind: "wish"},
			err: `task_kind: unknown "wish"`},
		{name: "accept", d: Decision{Kind: AcceptRisk, DecidedBy: "carol", Decided: decided, Reason: "Workers sit behind an egress proxy that allows only PyPI.", Expires: decided.AddDate(0, 6, 0)},
			want: Decision{Kind: AcceptRisk, DecidedBy: "carol", Decided: decided, Reason: "Workers sit behind an egress proxy that allows only PyPI.", Expires: decided.AddDate(0, 6, 0)}},
		{name: "accept without a reason", d: Decision{Kind: AcceptRisk, DecidedBy: "carol", Decided: decided, Reason: " ", Expires: decided.AddDate(0, 6, 0)},
			err: "reason: say why the risk is acceptable"},
		{name: "accept one's own recommendation", d: Decision{Kind: AcceptRisk, DecidedBy: "Bob", Decided: decided, Reason: "busy", Expires: decided.AddDate(0, 6, 0)},
			err: `decided_by: "Bob" owns the recommendation`},
		{name: "accept forever", d: Decision{Kind: AcceptRisk, DecidedBy: "carol", Decided: decided, Reason: "r"},
			err: "expires: an accepted risk needs a date"},
		{name: "accept expiring at once", d: Decision{Kind: AcceptRisk, DecidedBy: "carol", Decided: decided, Reason: "r", Expires: decided},
			err: "is not after the decision"},
		{name: "accept for more than a year", d: Decision{Kind: AcceptRisk, DecidedBy: "carol", Decided: decided, Reason: "r", Expires: decided.AddDate(1, 0, 1)},
			err: "more than 365 days after the decision"},
		{name: "accept with a task owner", d: Decision{Kind: AcceptRisk, DecidedBy: "carol", Decided: decided, Reason: "r", Expires: decided.AddDate(0, 1, 0), Owner: "dave"},
			err: "an accepted risk opens no task"},
		{name: "unknown decision", d: Decision{Kind: "defer", DecidedBy: "carol", Decided: decided}, err: `decision: unknown "defer" (schedule, accept_risk)`},
		{name: "nobody decided", d: Decision{Kind: Schedule, Decided: decided}, err: `decided_by: "" is not a name`},
		{name: "scheduled, task open", rec: scheduled, task: openTask, d: Decision{Kind: AcceptRisk, DecidedBy: "carol", Decided: decided, Reason: "r", Expires: decided.AddDate(0, 1, 0)},
			err: "recommendation: 4 is scheduled as task 9 (bob, due 2026-12-15), still open"},
		{name: "scheduled, task done", rec: scheduled, task: doneTask, d: Decision{Kind: Schedule, DecidedBy: "carol", Decided: decided},
			err: "recommendation: 4 was carried out by task 9, done 2026-12-01 by bob"},
		{name: "accepted, reviewed: scheduled now", rec: accepted, d: Decision{Kind: Schedule, DecidedBy: "erin", Decided: decided},
			want: Decision{Kind: Schedule, DecidedBy: "erin", Decided: decided, TaskKind: TaskChange, Owner: "bob", Due: time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)}},
		{name: "accepted, reviewed: accepted again", rec: accepted, d: Decision{Kind: AcceptRisk, DecidedBy: "carol", Decided: decided, Reason: "still behind the proxy", Expires: decided.AddDate(0, 3, 0)},
			want: Decision{Kind: AcceptRisk, DecidedBy: "carol", Decided: decided, Reason: "still behind the proxy", Expires: decided.AddDate(0, 3, 0)}},
	} {
		r := rec()
		if tc.rec != nil {
			tc.rec(&r)
		}
		d := tc.d
		err := CheckDecision(&d, r, tc.task)
		if (err == nil) != (tc.err == "") || (err != nil && (!strings.Contains(err.Error(), tc.err) || !errors.Is(err, ErrDecision))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
			continue
		}
		if err == nil && d != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.name, d, tc.want)
		}
	}
}

func TestRecommendationStatus(t *testing.T) {
	due := time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)
	decided := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	expires := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	undecided := Recommendation{ID: 1, Text: "x", Owner: "bob", Due: due}
	sched := undecided
	sched.Decisions = []Decision{{Kind: Schedule, Decided: decided, Task: 7}}
	acc := undecided
	acc.Decisions = []Decision{{Kind: AcceptRisk, Decided: decided, Expires: expires}}
	open := &Task{ID: 7, Due: due}
	done := &Task{ID: 7, Due: due, Done: decided.AddDate(0, 0, 3), DoneBy: "bob"}
	for _, tc := range []struct {
		name    string
		r       Recommendation
		task    *Task
		now     time.Time
		want    RecommendationStatus
		overdue bool
	}{
		{"undecided before its day", undecided, nil, due.Add(23 * time.Hour), Undecided, false},
		{"undecided after its day", undecided, nil, due.AddDate(0, 0, 1), Undecided, true},
		{"undecided, no day", Recommendation{ID: 2}, nil, due.AddDate(5, 0, 0), Undecided, false},
		{"scheduled", sched, open, due, Scheduled, false},
		{"scheduled, task late", sched, open, due.AddDate(0, 0, 2), Scheduled, true},
		{"implemented", sched, done, due.AddDate(0, 0, 2), Implemented, false},
		{"risk accepted", acc, nil, expires.Add(-time.Second), RiskAccepted, false},
		{"acceptance expired", acc, nil, expires, ReviewDue, true},
	} {
		if got, overdue := tc.r.Status(tc.task, tc.now), tc.r.Overdue(tc.task, tc.now); got != tc.want || overdue != tc.overdue {
			t.Errorf("%s: %s overdue=%v, want %s overdue=%v", tc.name, got, overdue, tc.want, tc.overdue)
		}
	}
}

func TestScheduledTask(t *testing.T) {
	r := Recommendation{ID: 4, Incident: 2, Text: "Block  egress\nfrom workers " + strings.Repeat("界", 200), Owner: "bob"}
	task := ScheduledTask(r, Decision{TaskKind: TaskChange, Owner: "dave", Due: time.Date(2027, 1, 10, 0, 0, 0, 0, time.UTC)})
	if err := task.Validate(); err != nil || len(task.Title) > maxShort || !strings.HasPrefix(task.Title, "Recommendation 4: Block egress from workers 界") ||
		!strings.HasSuffix(task.Title, "…") || task.Link != "recommendation:4" || task.Incident != 2 || task.Owner != "dave" {
		t.Errorf("%+v: %v", task, err)
	}
}

// FuzzParseCWE: CWE ids come from outside. Parsing never panics, and an id
// it returns is canonical: it parses to itself.
func FuzzParseCWE(f *testing.F) {
	for _, s := range []string{"CWE-918", "cwe-79", "79", "NVD-CWE-noinfo", "CWE-079", "CWE-+1", "CWE--1", " CWE-1 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseCWE(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) || id != "" {
				t.Fatalf("%q: %q, %v", s, id, err)
			}
			return
		}
		if again, err := ParseCWE(id); err != nil || again != id || !strings.HasPrefix(id, "CWE-") {
			t.Fatalf("%q → %q → %q, %v", s, id, again, err)
		}
	})
}
