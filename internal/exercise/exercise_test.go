package exercise

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// shopPentest is an exercise as a security team would plan a web
// application test.
func shopPentest() Exercise {
	return Exercise{ID: 1, Name: "Shop API pen test 2026-Q4", Kind: Pentest,
		Scope:             Scope{Assets: []string{"shop-api"}, Targets: []string{"https://shop.example.com"}},
		RulesOfEngagement: "Testing 09:00–18:00 CST only; no denial of service.",
		Start:             day("2026-11-01"), End: day("2026-11-14"), Lead: "alice", Testers: []string{"bob", "carol"},
		Methodology: "owasp-wstg-4.2", Status: Planned}
}

func TestVocabularies(t *testing.T) {
	var k Kind
	if err := k.UnmarshalText([]byte("red_team")); err != nil || k != RedTeam {
		t.Errorf("red_team: %v %v", k, err)
	}
	if err := k.UnmarshalText([]byte("redteam")); err == nil || !errors.Is(err, ErrInvalid) {
		t.Errorf("redteam: %v", err)
	}
	if got := RedTeam.Title("zh-CN"); got != "红队演练（实网攻防演练）" {
		t.Errorf("red team in Chinese: %q", got)
	}
	var s Status
	if err := s.UnmarshalText([]byte("done")); err == nil {
		t.Error("unknown status accepted")
	}
	var r Result
	if err := r.UnmarshalText([]byte("still_vulnerable")); err != nil || r != StillVulnerable {
		t.Errorf("still_vulnerable: %v %v", r, err)
	}
	if err := r.UnmarshalText([]byte("partly")); err == nil {
		t.Error("unknown result accepted")
	}
}

func TestStatusMoves(t *testing.T) {
	for _, tc := range []struct {
		from, to Status
		err      string
	}{
		{Planned, Running, ""},
		{Planned, Closed, ""},
		{Running, Reporting, ""},
		{Reporting, Running, ""},
		{Reporting, Closed, ""},
		{Planned, Reporting, "planned → reporting (from planned: [running closed])"},
		{Running, Closed, "running → closed (from running: [reporting])"},
		{Closed, Running, "closed → running"},
		{Running, "paused", `unknown status "paused"`},
	} {
		err := CheckMove(tc.from, tc.to)
		if tc.err == "" {
			if err != nil {
				t.Errorf("%s → %s: %v", tc.from, tc.to, err)
			}
			continue
		}
		if err == nil || !errors.Is(err, ErrStatus) || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s → %s: %v, want %q", tc.from, tc.to, err, tc.err)
		}
	}
	closed := shopPentest()
	closed.Status = Closed
	changed := closed
	changed.Name = "renamed"
	if err := CheckUpdate(closed, changed); !errors.Is(err, ErrStatus) {
		t.Errorf("changing a closed exercise: %v", err)
	}
}

func TestValidate(t *testing.T) {
	if err := shopPentest().Validate(); err != nil {
		t.Fatalf("a good exercise: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(*Exercise)
		err  string
	}{
		{"no name", func(e *Exercise) { e.Name = " " }, "exercise name: empty"},
		{"unknown kind", func(e *Exercise) { e.Kind = "audit" }, `exercise kind: "audit" is not one of`},
		{"end before start", func(e *Exercise) { e.End = day("2026-10-31") }, "exercise end: 2026-10-31 is before the start, 2026-11-01"},
		{"no start", func(e *Exercise) { e.Start = time.Time{} }, "exercise start: missing"},
		{"unknown methodology", func(e *Exercise) { e.Methodology = "owasp-top-10" }, `exercise methodology: "owasp-top-10" is not one of [owasp-wstg-4.2 ptes nist-sp-800-115 osstmm-3 custom]`},
		{"no lead", func(e *Exercise) { e.Lead = "" }, "exercise lead: empty"},
		{"tester twice", func(e *Exercise) { e.Testers = []string{"bob", "bob"} }, `exercise testers[1]: "bob" is listed twice`},
		{"empty scope", func(e *Exercise) { e.Scope = Scope{} }, "scope: empty"},
		{"bad target", func(e *Exercise) { e.Scope.Targets = []string{"ftp://files.example.com"} }, "scope.targets[0]"},
	} {
		e := shopPentest()
		tc.edit(&e)
		err := e.Validate()
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

func TestTeamAndStatusGate(t *testing.T) {
	e := shopPentest()
	if err := e.CanRecord("bob"); !errors.Is(err, ErrStatus) {
		t.Errorf("recording on a planned exercise: %v", err)
	}
	e.Status = Running
	if err := e.CanRecord("bob"); err != nil {
		t.Errorf("a tester recording: %v", err)
	}
	if err := e.CanRecord("mallory"); !errors.Is(err, ErrNotTester) {
		t.Errorf("someone else recording: %v", err)
	}
	e.Status = Closed
	if err := e.CanRecord("alice"); !errors.Is(err, ErrStatus) {
		t.Errorf("recording on a closed exercise: %v", err)
	}
	if err := e.CanRetest("alice"); err != nil {
		t.Errorf("the lead retesting after closing: %v", err)
	}
}

func TestScope(t *testing.T) {
	assets := map[string]bool{"shop-api": true, "db1.corp.example": true}
	s, err := ParseScope([]string{"shop-api", "https://Shop.Example.com/api/", "10.20.0.0/16", "*.cdn.example.com", "192.0.2.7", "db1.corp.example", ""},
		func(n string) bool { return assets[n] })
	if err != nil {
		t.Fatal(err)
	}
	want := Scope{Assets: []string{"shop-api", "db1.corp.example"}, Targets: []string{"https://shop.example.com/api/", "10.20.0.0/16", "*.cdn.example.com", "192.0.2.7"}}
	if diff := cmp.Diff(want, s); diff != "" {
		t.Errorf("scope -want +got:\n%s", diff)
	}
	for _, tc := range []struct {
		asset, loc string
		in         bool
	}{
		{"shop-api", "", true},
		{"other", "https://shop.example.com/api/orders?id=1", true},
		{"other", "https://shop.example.com:443/api", true},
		{"other", "https://shop.example.com/apidocs", false},
		{"other", "http://shop.example.com/api/orders", false},
		{"other", "10.20.3.4:22", true},
		{"other", "10.21.3.4", false},
		{"other", "https://img.cdn.example.com/x.png", true},
		{"other", "https://cdn.example.com/x.png", false},
		{"192.0.2.7", "443/tcp", true},
		{"other", "", false},
	} {
		if got := s.Contains(tc.asset, tc.loc); got != tc.in {
			t.Errorf("Contains(%q, %q) = %v, want %v", tc.asset, tc.loc, got, tc.in)
		}
	}
	for _, bad := range []string{"https://user:pw@shop.example.com/", "10.0.0.0/33", "not a host!", "file:///etc/passwd"} {
		if _, err := ParseScope([]string{bad}, nil); err == nil || !errors.Is(err, ErrInvalid) {
			t.Errorf("scope %q: %v, want invalid", bad, err)
		}
	}
}

func TestMethodologies(t *testing.T) {
	phases := func(id string) []string {
		m, ok := Methodology(id)
		if !ok {
			t.Fatalf("no methodology %s", id)
		}
		var out []string
		for _, p := range m.Phases {
			if p.Name.EN == "" || p.Name.ZH == "" {
				t.Errorf("%s %s: a name is missing: %+v", id, p.ID, p.Name)
			}
			out = append(out, p.ID)
		}
		return out
	}
	for _, tc := range []struct {
		id   string
		want []string
	}{
		{"owasp-wstg-4.2", []string{"WSTG-INFO", "WSTG-CONF", "WSTG-IDNT", "WSTG-ATHN", "WSTG-ATHZ", "WSTG-SESS", "WSTG-INPV", "WSTG-ERRH", "WSTG-CRYP", "WSTG-BUSL", "WSTG-CLNT", "WSTG-APIT"}},
		{"ptes", []string{"pre-engagement", "intelligence-gathering", "threat-modeling", "vulnerability-analysis", "exploitation", "post-exploitation", "reporting"}},
		{"nist-sp-800-115", []string{"planning", "discovery", "attack", "reporting"}},
		{"osstmm-3", []string{"induction", "interaction", "inquest", "intervention"}},
		{"custom", nil},
	} {
		if diff := cmp.Diff(tc.want, phases(tc.id)); diff != "" {
			t.Errorf("%s phases -want +got:\n%s", tc.id, diff)
		}
	}
	wstg, _ := Methodology("owasp-wstg-4.2")
	for _, p := range wstg.Phases {
		for _, c := range p.Checklist {
			if !strings.HasPrefix(c, p.ID+"-") {
				t.Errorf("%s checklist item %q is not one of its tests", p.ID, c)
			}
		}
	}
	if got := wstg.Phases[6].Checklist[4]; got != "WSTG-INPV-05 Testing for SQL Injection" {
		t.Errorf("INPV-05 = %q", got)
	}
	// Templates are copies: changing one does not change the next read.
	ms := Methodologies()
	ms[0].Phases[0].Checklist[0] = "changed"
	if again, _ := Methodology(ms[0].ID); again.Phases[0].Checklist[0] == "changed" {
		t.Error("Methodologies shares its data with callers")
	}
	if got := (Label{EN: "Reporting", ZH: "报告"}).In("zh-CN"); got != "报告" {
		t.Errorf("Chinese name: %q", got)
	}
}

func TestParseRule(t *testing.T) {
	for in, want := range map[string]int64{"MF-12": 12, "mf-3": 3, "7": 7} {
		if got, err := ParseRule(in); err != nil || got != want {
			t.Errorf("ParseRule(%q) = %d, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "MF-", "MF-1a", "F-2"} {
		if _, err := ParseRule(in); err == nil {
			t.Errorf("ParseRule(%q): no error", in)
		}
	}
}
