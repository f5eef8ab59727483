package incident

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseTLP(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want TLP
		err  string
	}{
		{"TLP:AMBER+STRICT", AmberStrict, ""},
		{"amber+strict", AmberStrict, ""},
		{" tlp:clear ", Clear, ""},
		{"TLP:WHITE", Clear, ""}, // TLP 1.0
		{"RED", Red, ""},
		{"AMBER STRICT", "", `unknown TLP label "AMBER STRICT"`},
		{"", "", `unknown TLP label ""`},
	} {
		got, err := ParseTLP(tc.in)
		if got != tc.want || (err == nil) != (tc.err == "") || (err != nil && !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("ParseTLP(%q) = %q, %v; want %q, %q", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestWithin(t *testing.T) {
	// label × clearance: may information with that label go to a
	// recipient with that clearance?
	want := map[TLP]string{ // one column per clearance, in TLPs order
		Clear:       "yyyyy",
		Green:       "nyyyy",
		Amber:       "nnyyy",
		AmberStrict: "nnnyy",
		Red:         "nnnny",
	}
	for label, row := range want {
		for i, clearance := range TLPs {
			if got := label.Within(clearance); got != (row[i] == 'y') {
				t.Errorf("%s within %s = %v", label, clearance, got)
			}
		}
	}
	if TLP("PURPLE").Within(Red) || Clear.Within("") {
		t.Error("an unknown label or clearance allowed something")
	}
}

func TestCheckMove(t *testing.T) {
	for _, tc := range []struct {
		from, to State
		err      string
	}{
		{Reported, Triaged, ""},
		{Triaged, Contained, ""},
		{Triaged, Eradicated, ""}, // never spread: nothing to contain
		{Contained, Eradicated, ""},
		{Eradicated, Recovered, ""},
		{Recovered, Closed, ""},
		{Closed, Reviewed, ""},
		{Eradicated, Triaged, ""}, // the cause was not removed after all
		{Reported, Closed, ""},    // not an incident
		{Triaged, Closed, "triaged → closed (from triaged: contained, eradicated)"},
		{Closed, Recovered, "closed → recovered (from closed: reviewed, triaged)"},
		{Reported, "done", `unknown state "done"`},
	} {
		err := CheckMove(tc.from, tc.to)
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrTransition) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("CheckMove(%s, %s) = %v, want %q", tc.from, tc.to, err, tc.err)
		}
	}
	// Every state is reachable from reported, and every state has a way on.
	seen := map[State]bool{Reported: true}
	for queue := []State{Reported}; len(queue) > 0; queue = queue[1:] {
		for _, n := range queue[0].Next() {
			if !seen[n] {
				seen[n] = true
				queue = append(queue, n)
			}
		}
	}
	for _, s := range States {
		if !seen[s] || len(s.Next()) == 0 {
			t.Errorf("%s: reachable %v, moves %v", s, seen[s], s.Next())
		}
	}
}

func TestValidate(t *testing.T) {
	at := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	ok := func() Incident {
		return Incident{Title: "Webshell on shop-web", Category: Exploitation, Severity: SevHigh, State: Reported,
			Detected: at, Reported: at.Add(time.Hour), Marking: Marking{TLP: Amber}}
	}
	for _, tc := range []struct {
		name string
		edit func(*Incident)
		err  string
	}{
		{"valid", func(*Incident) {}, ""},
		{"no title", func(in *Incident) { in.Title = " " }, "title: empty"},
		{"unknown category", func(in *Incident) { in.Category = "aliens" }, `category: unknown "aliens"`},
		{"unknown severity", func(in *Incident) { in.Severity = "severe" }, `severity: unknown "severe"`},
		{"no detection time", func(in *Incident) { in.Detected = time.Time{} }, "detected: missing"},
		{"reported before detected", func(in *Incident) { in.Reported = at.Add(-time.Hour) }, "reported: 2026-11-20T07:00:00Z is before detected"},
		{"no label", func(in *Incident) { in.Marking.TLP = "" }, `marking: tlp: unknown ""`},
		{"embargo without date", func(in *Incident) { in.Marking.Embargo = &Embargo{Reason: "CVD"} }, "marking: embargo: no date"},
	} {
		in := ok()
		tc.edit(&in)
		err := in.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

// TestRelease holds every channel to the same rule: the label against
// the recipient's clearance, then the embargo, which only its named
// recipients pass, and never through a feed.
func TestRelease(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	embargo := &Embargo{Until: now.Add(72 * time.Hour), Reason: "coordinated disclosure", Recipients: []string{"PSIRT@vendor.example"}}
	team := Recipient{Name: "alice", Clearance: Red}
	vendor := Recipient{Name: "psirt@vendor.example", Clearance: Amber}
	public := Recipient{Clearance: Clear}
	for _, tc := range []struct {
		name string
		m    Marking
		ch   Channel
		r    Recipient
		at   time.Time
		err  string
	}{
		{"red to the team", Marking{TLP: Red}, ChannelAPI, team, now, ""},
		{"red to the vendor", Marking{TLP: Red}, ChannelNotification, vendor, now, "TLP:RED is beyond psirt@vendor.example's clearance (TLP:AMBER)"},
		{"amber to the public feed", Marking{TLP: Amber}, ChannelFeed, public, now, "TLP:AMBER is beyond the recipient's clearance (TLP:CLEAR)"},
		{"clear to the public feed", Marking{TLP: Clear}, ChannelFeed, public, now, ""},
		{"embargoed, to the feed", Marking{TLP: Clear, Embargo: embargo}, ChannelFeed, public, now, "under embargo until 2026-11-26T00:00:00Z"},
		{"embargoed, to its named recipient", Marking{TLP: Amber, Embargo: embargo}, ChannelNotification, vendor, now, ""},
		{"embargoed, named recipient via a feed", Marking{TLP: Clear, Embargo: embargo}, ChannelFeed, Recipient{Name: "psirt@vendor.example", Clearance: Clear}, now, "under embargo"},
		{"embargoed, to the team not named", Marking{TLP: Amber, Embargo: embargo}, ChannelExport, team, now, "under embargo"},
		{"embargo lifted", Marking{TLP: Clear, Embargo: embargo}, ChannelFeed, public, embargo.Until, ""},
		{"label checked even after the embargo", Marking{TLP: Amber, Embargo: embargo}, ChannelFeed, public, embargo.Until.Add(time.Hour), "beyond"},
	} {
		err := Release(tc.m, tc.ch, tc.r, tc.at)
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrWithheld) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

func FuzzParseTLP(f *testing.F) {
	for _, s := range []string{"TLP:AMBER+STRICT", "white", "red", "TLP:", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tlp, err := ParseTLP(s)
		if err != nil {
			return
		}
		if !tlp.IsValid() {
			t.Fatalf("ParseTLP(%q) = invalid %q", s, tlp)
		}
		if again, err := ParseTLP(tlp.String()); err != nil || again != tlp {
			t.Fatalf("%q does not read back: %q, %v", tlp, again, err)
		}
	})
}
