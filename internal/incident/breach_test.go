package incident

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func rule(t *testing.T, j string) DeadlineRule {
	t.Helper()
	rs := DefaultDeadlineRules()
	i := slices.IndexFunc(rs, func(r DeadlineRule) bool { return r.Jurisdiction == j })
	if i < 0 {
		t.Fatalf("no default rule for %s", j)
	}
	return rs[i]
}

func TestDefaultDeadlineRules(t *testing.T) {
	rs := DefaultDeadlineRules()
	var js []string
	for _, r := range rs {
		if err := r.Validate(); err != nil {
			t.Errorf("%s: %v", r.Jurisdiction, err)
		}
		js = append(js, r.Jurisdiction)
	}
	if !slices.Equal(js, []string{"CN", "EU", "UK", "US-CO"}) {
		t.Errorf("jurisdictions %v", js)
	}
	rs[0].Hours = 1
	if DefaultDeadlineRules()[0].Hours != 4 {
		t.Error("DefaultDeadlineRules shares its slice")
	}
}

// TestDeadline computes deadlines across jurisdictions and time zones.
// Hours are elapsed time, whatever the clocks do; days are calendar days
// in the jurisdiction's zone, at the same wall-clock time.
func TestDeadline(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	denver, _ := time.LoadLocation("America/Denver")
	london, _ := time.LoadLocation("Europe/London")
	for _, tc := range []struct {
		name  string
		rule  string
		aware time.Time
		want  time.Time // as an instant
		local string    // in the rule's zone
	}{
		{"GDPR, 72 hours", "EU", time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC), time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC), "2026-11-23T09:00:00+01:00"},
		{"GDPR across the end of summer time (72 h, not 3 wall-clock days)", "EU", time.Date(2026, 10, 23, 12, 0, 0, 0, time.UTC),
			time.Date(2026, 10, 26, 12, 0, 0, 0, time.UTC), "2026-10-26T13:00:00+01:00"},
		{"UK GDPR across the start of summer time: 72 h is 10:30 on the clock", "UK", time.Date(2026, 3, 27, 9, 30, 0, 0, london),
			time.Date(2026, 3, 30, 9, 30, 0, 0, time.UTC), "2026-03-30T10:30:00+01:00"},
		{"CAC, 4 hours, awareness in Shanghai late at night", "CN", time.Date(2026, 11, 20, 22, 15, 0, 0, shanghai),
			time.Date(2026, 11, 20, 18, 15, 0, 0, time.UTC), "2026-11-21T02:15:00+08:00"},
		{"CAC, awareness given in UTC", "CN", time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC), time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC), "2026-11-20T20:00:00+08:00"},
		{"Colorado, 30 days across the start of summer time", "US-CO", time.Date(2026, 3, 1, 12, 0, 0, 0, denver),
			time.Date(2026, 3, 31, 18, 0, 0, 0, time.UTC), "2026-03-31T12:00:00-06:00"},
		{"Colorado, 30 days, awareness in UTC on the evening before in Denver", "US-CO", time.Date(2026, 6, 1, 3, 0, 0, 0, time.UTC),
			time.Date(2026, 7, 1, 3, 0, 0, 0, time.UTC), "2026-06-30T21:00:00-06:00"},
	} {
		got, err := rule(t, tc.rule).Deadline(tc.aware)
		if err != nil || !got.Equal(tc.want) || got.Format(time.RFC3339) != tc.local {
			t.Errorf("%s: %s (%v), want %s = %s", tc.name, got.Format(time.RFC3339), err, tc.want.Format(time.RFC3339), tc.local)
		}
	}
	if _, err := (DeadlineRule{Jurisdiction: "XX", Hours: 1, TimeZone: "Mars/Olympus"}).Deadline(time.Now()); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown zone: %v", err)
	}
}

func TestDeadlineRuleValidate(t *testing.T) {
	ok := func() DeadlineRule {
		return DeadlineRule{Jurisdiction: "SG", Law: "PDPA", Authority: "PDPC", Days: 3, TimeZone: "Asia/Singapore", Source: "s. 26D"}
	}
	for _, tc := range []struct {
		name string
		edit func(*DeadlineRule)
		err  string
	}{
		{"valid", func(*DeadlineRule) {}, ""},
		{"lower-case code", func(r *DeadlineRule) { r.Jurisdiction = "sg" }, `jurisdiction: "sg" is not a code`},
		{"subdivision", func(r *DeadlineRule) { r.Jurisdiction = "US-CA" }, ""},
		{"hours and days", func(r *DeadlineRule) { r.Hours = 72 }, "give hours or days, one of them"},
		{"neither", func(r *DeadlineRule) { r.Days = 0 }, "give hours or days, one of them"},
		{"negative days", func(r *DeadlineRule) { r.Days = -3; r.Hours = 1 }, "days: -3"},
		{"too many days", func(r *DeadlineRule) { r.Days = 400 }, "days: 400"},
		{"no zone", func(r *DeadlineRule) { r.TimeZone = "" }, "time_zone"},
		{"Local zone", func(r *DeadlineRule) { r.TimeZone = "Local" }, "time_zone"},
		{"unknown zone", func(r *DeadlineRule) { r.TimeZone = "Asia/Atlantis" }, "time_zone"},
		{"no source", func(r *DeadlineRule) { r.Source = " " }, "source: empty"},
		{"no authority", func(r *DeadlineRule) { r.Authority = "" }, "authority: empty"},
		{"negative threshold", func(r *DeadlineRule) { r.MinSubjects = -1 }, "min_subjects"},
	} {
		r := ok()
		tc.edit(&r)
		err := r.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!strings.Contains(err.Error(), tc.err) || !errors.Is(err, ErrInvalid))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

func TestRulesMerge(t *testing.T) {
	cii := rule(t, "CN")
	cii.Hours, cii.Note = 1, "we operate critical information infrastructure"
	sg := DeadlineRule{Jurisdiction: "SG", Law: "PDPA", Authority: "PDPC", Days: 3, TimeZone: "Asia/Singapore", Source: "s. 26D"}
	got := Rules(DefaultDeadlineRules(), []DeadlineRule{sg, cii})
	var line []string
	for _, r := range got {
		line = append(line, r.Jurisdiction+" "+r.Within())
	}
	if want := []string{"CN 1 hours", "EU 72 hours", "SG 3 days", "UK 72 hours", "US-CO 30 days"}; !slices.Equal(line, want) {
		t.Errorf("Rules = %q, want %q", line, want)
	}
}

func TestCheckBreach(t *testing.T) {
	detected := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	ok := func() Incident {
		return Incident{Title: "Customer table dumped", Category: DataBreach, Severity: SevHigh, State: Reported, Marking: Marking{TLP: Amber},
			Detected: detected, PersonalData: true, Aware: detected.Add(3 * time.Hour), DataCategories: []DataCategory{DataContact, DataHealth},
			DataSubjects: 1200, Jurisdictions: []string{"EU", "CN"}}
	}
	for _, tc := range []struct {
		name string
		edit func(*Incident)
		err  string
	}{
		{"valid", func(*Incident) {}, ""},
		{"not personal, nothing else", func(in *Incident) { in.SetBreach(BreachFacts{}) }, ""},
		{"categories but not flagged", func(in *Incident) { in.PersonalData = false }, "personal_data: data categories"},
		{"unknown category", func(in *Incident) { in.DataCategories = []DataCategory{"shoe_size"} }, `data_categories: unknown "shoe_size"`},
		{"category twice", func(in *Incident) { in.DataCategories = []DataCategory{DataHealth, DataHealth} }, "data_categories: health given twice"},
		{"negative subjects", func(in *Incident) { in.DataSubjects = -5 }, "data_subjects: -5"},
		{"lower-case jurisdiction", func(in *Incident) { in.Jurisdictions = []string{"eu"} }, `jurisdictions: "eu" is not a code`},
		{"jurisdiction twice", func(in *Incident) { in.Jurisdictions = []string{"EU", "EU"} }, "jurisdictions: EU given twice"},
		{"aware before detected", func(in *Incident) { in.Aware = detected.Add(-time.Minute) }, "aware: 2026-11-20T07:59:00Z is before detected"},
	} {
		in := ok()
		tc.edit(&in)
		err := in.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!strings.Contains(err.Error(), tc.err) || !errors.Is(err, ErrInvalid))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
	in := ok()
	if !in.Sensitive() || !in.AwareAt().Equal(detected.Add(3*time.Hour)) {
		t.Errorf("sensitive %v, aware %s", in.Sensitive(), in.AwareAt())
	}
	in.Aware, in.DataCategories = time.Time{}, []DataCategory{DataContact, DataIdentity}
	if in.Sensitive() || !in.AwareAt().Equal(detected) {
		t.Errorf("sensitive %v, aware %s", in.Sensitive(), in.AwareAt())
	}
	for _, tc := range []struct{ in, want, err string }{{" us-co ", "US-CO", ""}, {"EU", "EU", ""}, {"Europe", "", "not a code"}, {"US-", "", "not a code"}} {
		got, err := ParseJurisdiction(tc.in)
		if got != tc.want || (err == nil) != (tc.err == "") {
			t.Errorf("ParseJurisdiction(%q) = %q, %v", tc.in, got, err)
		}
	}
}

func TestCheckBreachDecision(t *testing.T) {
	aware := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	in := Incident{ID: 3, PersonalData: true, Detected: aware, Jurisdictions: []string{"EU", "CN"}, DataSubjects: 1200}
	eu := rule(t, "EU")
	notifiedEU := BreachDecision{ID: 1, Jurisdiction: "EU", Action: Notified, DecidedBy: "dpo", Decided: aware.Add(50 * time.Hour),
		NotifiedAt: aware.Add(48 * time.Hour), Reference: "DPC-2026-114"}
	for _, tc := range []struct {
		name string
		in   func(*Incident)
		rule *DeadlineRule
		prev []BreachDecision
		d    BreachDecision
		err  string
		auth string // the authority after defaults
	}{
		{name: "decide to notify", rule: &eu, d: BreachDecision{Jurisdiction: "EU", Action: Notify, DecidedBy: "ciso", Decided: aware.Add(time.Hour)},
			auth: "the competent supervisory authority (GDPR Art. 55, 56)"},
		{name: "notified in time", rule: &eu, d: BreachDecision{Jurisdiction: "EU", Action: Notified, DecidedBy: "dpo", Decided: aware.Add(72 * time.Hour),
			NotifiedAt: aware.Add(71 * time.Hour), Reference: "DPC-2026-114", Authority: "Data Protection Commission (IE)"}, auth: "Data Protection Commission (IE)"},
		{name: "notified late without reasons", rule: &eu, d: BreachDecision{Jurisdiction: "EU", Action: Notified, DecidedBy: "dpo", Decided: aware.Add(80 * time.Hour),
			NotifiedAt: aware.Add(75 * time.Hour)}, err: "delay_reason: notified 3h0m0s after the deadline (2026-11-23T09:00:00+01:00, 72 hours from awareness)"},
		{name: "notified late with reasons", rule: &eu, d: BreachDecision{Jurisdiction: "EU", Action: Notified, DecidedBy: "dpo", Decided: aware.Add(80 * time.Hour),
			NotifiedAt: aware.Add(75 * time.Hour), DelayReason: "forensics confirmed exfiltration only on day 3"}, auth: eu.Authority},
		{name: "late, no rule configured", d: BreachDecision{Jurisdiction: "CN", Action: Notified, DecidedBy: "dpo", Decided: aware.Add(80 * time.Hour),
			NotifiedAt: aware.Add(75 * time.Hour)}},
		{name: "notified in the future", rule: &eu, d: BreachDecision{Jurisdiction: "EU", Action: Notified, DecidedBy: "dpo", Decided: aware.Add(time.Hour),
			NotifiedAt: aware.Add(2 * time.Hour)}, err: "notified_at: 2026-11-20T10:00:00Z is after the record is made"},
		{name: "notified before awareness", rule: &eu, d: BreachDecision{Jurisdiction: "EU", Action: Notified, DecidedBy: "dpo", Decided: aware.Add(time.Hour),
			NotifiedAt: aware.Add(-time.Hour)}, err: "is before the organisation became aware"},
		{name: "notified without a time", rule: &eu, d: BreachDecision{Jurisdiction: "EU", Action: Notified, DecidedBy: "dpo", Decided: aware.Add(time.Hour)},
			err: "notified_at: when was the regulator notified?"},
		{name: "not notifying without a reason", rule: &eu, d: BreachDecision{Jurisdiction: "EU", Action: NoNotify, DecidedBy: "dpo", Decided: aware.Add(time.Hour)},
			err: "reason: say why the regulator is not notified"},
		{name: "not notifying, with a reference", rule: &eu, d: BreachDecision{Jurisdiction: "EU", Action: NoNotify, DecidedBy: "dpo", Decided: aware.Add(time.Hour),
			Reason: "encrypted", Reference: "X"}, err: "a decision not to notify has no notification time"},
		{name: "not notifying, with a reason", rule: &eu, d: BreachDecision{Jurisdiction: "EU", Action: NoNotify, DecidedBy: "dpo", Decided: aware.Add(time.Hour),
			Reason: "the laptop's disk was encrypted (LUKS) and the key was not on it"}, auth: eu.Authority},
		{name: "deciding to notify with a time", rule: &eu, d: BreachDecision{Jurisdiction: "EU", Action: Notify, DecidedBy: "dpo", Decided: aware.Add(time.Hour),
			NotifiedAt: aware}, err: "record it as notified once made"},
		{name: "a jurisdiction not on the incident", d: BreachDecision{Jurisdiction: "UK", Action: Notify, DecidedBy: "dpo", Decided: aware},
			err: `jurisdiction: "UK" is not among the incident's jurisdictions (EU, CN)`},
		{name: "not personal data", in: func(in *Incident) { in.PersonalData = false }, d: BreachDecision{Jurisdiction: "EU", Action: Notify, DecidedBy: "dpo", Decided: aware},
			err: "incident 3 is not flagged as involving personal data"},
		{name: "unknown action", d: BreachDecision{Jurisdiction: "EU", Action: "tweet", DecidedBy: "dpo", Decided: aware}, err: `action: unknown "tweet"`},
		{name: "nobody decided", d: BreachDecision{Jurisdiction: "EU", Action: Notify, Decided: aware}, err: "decided_by"},
		{name: "declining after notifying", rule: &eu, prev: []BreachDecision{notifiedEU}, d: BreachDecision{Jurisdiction: "EU", Action: NoNotify,
			DecidedBy: "dpo", Decided: aware.Add(60 * time.Hour), Reason: "changed our mind"}, err: "EU was notified on 2026-11-22T08:00:00Z (DPC-2026-114)"},
		{name: "a follow-up notification", rule: &eu, prev: []BreachDecision{notifiedEU}, d: BreachDecision{Jurisdiction: "EU", Action: Notified,
			DecidedBy: "dpo", Decided: aware.Add(200 * time.Hour), NotifiedAt: aware.Add(199 * time.Hour), Reference: "DPC-2026-114",
			DelayReason: "phase 2: the full list of records (Art. 33(4))"}, auth: eu.Authority},
		{name: "another jurisdiction after one was notified", prev: []BreachDecision{notifiedEU}, d: BreachDecision{Jurisdiction: "CN", Action: NoNotify,
			DecidedBy: "dpo", Decided: aware.Add(60 * time.Hour), Reason: "no Chinese residents' data"}},
	} {
		x := in
		if tc.in != nil {
			tc.in(&x)
		}
		d := tc.d
		err := CheckBreachDecision(&d, x, tc.rule, tc.prev)
		if (err == nil) != (tc.err == "") || (err != nil && (!strings.Contains(err.Error(), tc.err) || !errors.Is(err, ErrDecision))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
			continue
		}
		if err == nil && d.Authority != tc.auth {
			t.Errorf("%s: authority %q, want %q", tc.name, d.Authority, tc.auth)
		}
	}
}

func TestObligations(t *testing.T) {
	aware := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	in := Incident{ID: 3, PersonalData: true, Detected: aware.Add(-2 * time.Hour), Aware: aware, DataSubjects: 1200,
		Jurisdictions: []string{"EU", "CN", "UK", "US-CO", "SG"}}
	rules := DefaultDeadlineRules()
	at := func(h int) time.Time { return aware.Add(time.Duration(h) * time.Hour) }
	dec := func(id int64, j string, a BreachAction, decided, notified int) BreachDecision {
		d := BreachDecision{ID: id, Jurisdiction: j, Action: a, DecidedBy: "dpo", Decided: at(decided)}
		if a == Notified {
			d.NotifiedAt = at(notified)
		}
		return d
	}
	for _, tc := range []struct {
		name      string
		subjects  int64
		decisions []BreachDecision
		now       time.Time
		want      map[string]ObligationStatus
	}{
		{"nothing decided, an hour in", 1200, nil, at(1),
			map[string]ObligationStatus{"EU": Pending, "CN": Pending, "UK": Pending, "US-CO": Pending, "SG": NoRule}},
		{"nothing decided, five hours in: China is late", 1200, nil, at(5),
			map[string]ObligationStatus{"EU": Pending, "CN": Overdue, "UK": Pending, "US-CO": Pending, "SG": NoRule}},
		{"decided to notify the EU but not done in 72 hours; China notified late; the UK declined", 1200,
			[]BreachDecision{dec(1, "EU", Notify, 2, 0), dec(2, "CN", Notified, 6, 6), dec(3, "UK", NoNotify, 3, 0)}, at(73),
			map[string]ObligationStatus{"EU": Overdue, "CN": Late, "UK": Declined, "US-CO": Pending, "SG": NoRule}},
		{"a late follow-up does not make a timely notification late", 1200,
			[]BreachDecision{dec(5, "EU", Notified, 300, 299), dec(4, "EU", Notified, 48, 47)}, at(400),
			map[string]ObligationStatus{"EU": Done, "CN": Overdue, "UK": Overdue, "US-CO": Pending, "SG": NoRule}},
		{"below Colorado's threshold", 120, nil, at(24 * 31),
			map[string]ObligationStatus{"EU": Overdue, "CN": Overdue, "UK": Overdue, "US-CO": NotApplicable, "SG": NoRule}},
		{"number of people unknown: Colorado's rule holds", 0, nil, at(24 * 31),
			map[string]ObligationStatus{"EU": Overdue, "CN": Overdue, "UK": Overdue, "US-CO": Overdue, "SG": NoRule}},
	} {
		x := in
		x.DataSubjects = tc.subjects
		obs, err := Obligations(x, rules, tc.decisions, tc.now)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		got := map[string]ObligationStatus{}
		for _, o := range obs {
			got[o.Jurisdiction] = o.Status
			if !o.Clock.Equal(aware) {
				t.Errorf("%s: %s clock %s", tc.name, o.Jurisdiction, o.Clock)
			}
		}
		for j, want := range tc.want {
			if got[j] != want {
				t.Errorf("%s: %s is %s, want %s", tc.name, j, got[j], want)
			}
		}
	}
	obs, _ := Obligations(in, rules, []BreachDecision{dec(4, "EU", Notified, 48, 47)}, at(50))
	if obs[0].Decision == nil || obs[0].Decision.ID != 4 || obs[0].Rule == nil || obs[0].Deadline.Format(time.RFC3339) != "2026-11-23T09:00:00+01:00" {
		t.Errorf("EU obligation: %+v", obs[0])
	}
	if _, err := Obligations(Incident{ID: 9}, rules, nil, aware); !errors.Is(err, ErrNoPersonalData) {
		t.Errorf("an incident without personal data: %v", err)
	}
}

// FuzzParseJurisdiction: jurisdiction codes come from outside. Parsing
// never panics, and a code it returns parses to itself and is accepted on
// an incident.
func FuzzParseJurisdiction(f *testing.F) {
	for _, s := range []string{"EU", " us-co ", "CN", "Europe", "US-", "gb-ENG", "ÉU"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := ParseJurisdiction(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		again, err := ParseJurisdiction(code)
		in := Incident{Title: "t", Category: DataBreach, Severity: SevLow, State: Reported, Marking: Marking{TLP: Red}, Detected: time.Unix(0, 0),
			PersonalData: true, Jurisdictions: []string{code}}
		if err != nil || again != code || in.Validate() != nil {
			t.Fatalf("%q → %q → %q, %v; incident: %v", s, code, again, err, in.Validate())
		}
	})
}
