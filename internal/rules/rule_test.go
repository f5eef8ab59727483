package rules

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCompileErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		rule Rule
		want *CompileError // nil: a plain ErrRule
		zh   string
	}{
		{"unknown field", Rule{Name: "x", When: "advisory.kev &&\n  advisory.nope > 1", Then: `tag("a")`},
			&CompileError{Part: "when", Line: 2, Column: 12}, "条件第 2 行第 12 列："},
		{"not boolean", Rule{Name: "x", When: "advisory.cvss", Then: `tag("a")`},
			&CompileError{Part: "when", Line: 1, Column: 1}, "条件第 1 行第 1 列："},
		{"syntax", Rule{Name: "x", When: "kind == ", Then: `tag("a")`},
			&CompileError{Part: "when", Line: 1, Column: 8}, "条件第 1 行第 8 列："},
		{"unknown function", Rule{Name: "x", Then: `[tag("a"), page("ops")]`},
			&CompileError{Part: "then", Line: 1, Column: 12}, "动作第 1 行第 12 列："},
		{"wrong arity", Rule{Name: "x", Then: `notify("a@example.org")`},
			&CompileError{Part: "then", Line: 1, Column: 1}, "动作第 1 行第 1 列："},
		{"not actions", Rule{Name: "x", Then: `advisory.cvss + 1`},
			&CompileError{Part: "then", Line: 1, Column: 1}, "动作第 1 行第 1 列："},
		{"no name", Rule{Then: `tag("a")`}, nil, ""},
		{"no actions", Rule{Name: "x"}, nil, ""},
		{"unknown kind", Rule{Name: "x", On: []Kind{"advisory.deleted"}, Then: `tag("a")`}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile(tc.rule)
			if !errors.Is(err, ErrRule) {
				t.Fatalf("Compile: %v, want an ErrRule", err)
			}
			var ce *CompileError
			if tc.want == nil {
				if errors.As(err, &ce) {
					t.Fatalf("Compile: %v, want no position", err)
				}
				return
			}
			if !errors.As(err, &ce) {
				t.Fatalf("Compile: %v, want a CompileError", err)
			}
			got := *ce
			got.Message = ""
			if diff := cmp.Diff(*tc.want, got); diff != "" {
				t.Errorf("position (-want +got):\n%s\n%v", diff, err)
			}
			if ce.Message == "" {
				t.Error("no message")
			}
			if zh := ce.Localize("zh-CN"); len(zh) < len(tc.zh) || zh[:len(tc.zh)] != tc.zh {
				t.Errorf("zh-CN: %q, want it to start %q", zh, tc.zh)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	kev := Env{Kind: string(AdvisoryChanged), Advisory: Advisory{ID: "CVE-2021-44228", KEV: true, KEVAdded: true, CVSS: 10,
		EPSS: 0.97, EPSSBefore: 0.5, EPSSDelta: 0.47}}
	finding := Env{Kind: string(FindingCreated), Finding: Finding{ID: 3, Asset: "web", Vuln: "CVE-2021-44228", CVSS: 10, Team: "ops"}}
	for _, tc := range []struct {
		name string
		rule Rule
		env  Env
		want Outcome
	}{
		{"kev added", Rule{On: []Kind{AdvisoryChanged}, When: "advisory.kev_added && advisory.cvss >= 9",
			Then: `[priority("critical"), notify("sec@example.org", "KEV: " + advisory.id)]`}, kev,
			Outcome{Matched: true, Actions: []Action{{SetPriority, []string{"critical"}}, {Notify, []string{"sec@example.org", "KEV: CVE-2021-44228"}}}}},
		{"epss jump", Rule{When: "advisory.epss_delta >= 0.2", Then: `tag("epss-jump")`}, kev,
			Outcome{Matched: true, Actions: []Action{{Tag, []string{"epss-jump"}}}}},
		{"other kind", Rule{On: []Kind{FindingCreated}, Then: `tag("x")`}, kev, Outcome{}},
		{"condition false", Rule{When: "finding.cvss < 5", Then: `tag("x")`}, finding, Outcome{}},
		{"conditional actions", Rule{Then: `finding.team == "ops" ? assign("ops-oncall") : nil`}, finding,
			Outcome{Matched: true, Actions: []Action{{Assign, []string{"ops-oncall"}}}}},
		{"bad argument at run time", Rule{Then: `priority(finding.asset)`}, finding,
			Outcome{Matched: true, Error: `then: invalid action: priority "web" (low, medium, high, critical)`}},
		{"incident", Rule{When: "advisory.kev", Then: `open_incident("Known exploited: " + advisory.id, "high")`}, kev,
			Outcome{Matched: true, Actions: []Action{{OpenIncident, []string{"Known exploited: CVE-2021-44228", "high"}}}}},
		{"ticket", Rule{Then: `ticket("https://tickets.example.org/hook", "fix " + finding.vuln + " on " + finding.asset)`}, finding,
			Outcome{Matched: true, Actions: []Action{{Ticket, []string{"https://tickets.example.org/hook", "fix CVE-2021-44228 on web"}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.rule.Name = tc.name
			c, err := Compile(tc.rule)
			if err != nil {
				t.Fatal(err)
			}
			got := c.Evaluate(tc.env)
			if diff := cmp.Diff(tc.want, got, cmpErrPrefix); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// cmpErrPrefix compares outcome errors by their start: expr appends the
// source line and a caret, which the tests do not restate.
var cmpErrPrefix = cmp.Comparer(func(a, b Outcome) bool {
	if len(a.Error) > len(b.Error) {
		a, b = b, a
	}
	return a.Matched == b.Matched && cmp.Equal(a.Actions, b.Actions) && b.Error[:len(a.Error)] == a.Error
})
