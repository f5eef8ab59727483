package rules

import (
	"errors"
	"testing"
)

// FuzzCompile feeds rule text to the compiler: whatever it is given, it
// must either compile (and then evaluate without panicking on an event)
// or be refused with an ErrRule whose position lies inside the text.
func FuzzCompile(f *testing.F) {
	for _, s := range [][2]string{
		{"advisory.kev_added && advisory.cvss >= 9", `[priority("critical"), notify("sec@example.org", "KEV " + advisory.id)]`},
		{"advisory.epss_delta >= 0.2", `tag("epss")`},
		{`finding.team == "ops"`, `finding.days_left < 3 ? ticket("https://t.example.org", finding.vuln) : nil`},
		{"any(advisory.text, # contains \"远程代码执行\")", `open_incident("RCE " + advisory.id, "high")`},
		{"kind ==", `tag(`},
		{"1..100000000", `map(1..10, tag(string(#)))`},
	} {
		f.Add(s[0], s[1])
	}
	env := Env{Kind: string(AdvisoryChanged), Advisory: Advisory{ID: "CVE-2024-3094", KEV: true, CVSS: 10, Text: []string{"xz 后门"}},
		Finding: Finding{ID: 1, Asset: "a", Vuln: "CVE-2024-3094"}}
	f.Fuzz(func(t *testing.T, when, then string) {
		c, err := Compile(Rule{Name: "fuzz", When: when, Then: then})
		if err != nil {
			if !errors.Is(err, ErrRule) {
				t.Fatalf("error is not an ErrRule: %v", err)
			}
			var ce *CompileError
			if errors.As(err, &ce) {
				src := map[string]string{"when": when, "then": then}[ce.Part]
				if ce.Line < 1 || ce.Column < 1 || ce.Line > countLines(src) {
					t.Fatalf("position %d:%d outside %q", ce.Line, ce.Column, src)
				}
			}
			return
		}
		out := c.Evaluate(env)
		for _, a := range out.Actions {
			if err := a.Validate(); err != nil {
				t.Fatalf("evaluation gave an invalid action %v: %v", a, err)
			}
		}
	})
}

func countLines(s string) int {
	n := 1
	for _, r := range s {
		if r == '\n' {
			n++
		}
	}
	return n
}
