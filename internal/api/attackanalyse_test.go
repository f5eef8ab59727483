package api_test

import (
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/attackpath"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// TestAttackAnalyseThreeHost posts MulVAL's 3-host example (read from
// ../shared/data: it is GPL-3.0 and never copied here) and checks the report
// against what the network implies: the only way in is httpd on webServer,
// so the goal is reached, every path starts with that exploit, and one fix
// (patch it or block internet→webServer:80) cuts them all.
func TestAttackAnalyseThreeHost(t *testing.T) {
	src, err := os.ReadFile(feedtest.SharedData(t, "mulval/3host/input.P"))
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t)
	body, _ := json.Marshal(map[string]any{"model": string(src), "file": "input.P", "paths": 5})
	var rep attackpath.AttackReport
	f.json(t, http.MethodPost, "/api/v1/attack-paths/analyse", f.tokens[auth.Auditor], string(body), http.StatusOK, &rep)

	if want := []string{"execCode(workStation,root)"}; !slices.Equal(rep.Goals, want) {
		t.Errorf("goals = %v, want %v", rep.Goals, want)
	}
	// The graph is well formed: edges join known nodes, the goal node is
	// marked, and every kind is one the page draws.
	ids := map[int]attackpath.AttackNode{}
	for _, n := range rep.Graph.Nodes {
		ids[n.ID] = n
		if n.Kind != attackpath.NodeOR && n.Kind != attackpath.NodeAND && n.Kind != attackpath.NodeLeaf {
			t.Errorf("node %d has kind %q", n.ID, n.Kind)
		}
	}
	for _, e := range rep.Graph.Edges {
		if _, ok := ids[e.From]; !ok {
			t.Errorf("edge from unknown node %d", e.From)
		}
		if _, ok := ids[e.To]; !ok {
			t.Errorf("edge to unknown node %d", e.To)
		}
	}
	var goals []string
	for _, n := range rep.Graph.Nodes {
		if n.Goal {
			goals = append(goals, n.Label)
		}
	}
	if !slices.Equal(goals, rep.Goals) {
		t.Errorf("goal nodes = %v, want %v", goals, rep.Goals)
	}
	if len(rep.Paths) == 0 {
		t.Fatal("no paths")
	}
	// Steps come in the attacker's order: reaching webServer's port 80
	// from the internet, then code on webServer through httpd, whichever
	// way the path goes on from there.
	for i, p := range rep.Paths {
		first := slices.IndexFunc(p.Steps, func(s attackpath.AttackStep) bool { return strings.HasPrefix(s.Fact, "execCode(") })
		if first < 0 || p.Steps[first].Fact != "execCode(webServer,apache)" || !slices.Contains(p.Exploits, "vulExists(webServer,'CAN-2002-0392',httpd,remoteExploit,privEscalation)") {
			t.Errorf("path %d does not start with the httpd exploit: %+v", i, p)
		}
		if p.Steps[len(p.Steps)-1].Fact != "execCode(workStation,root)" {
			t.Errorf("path %d ends with %s", i, p.Steps[len(p.Steps)-1].Fact)
		}
	}
	if rep.Fixes == nil || !rep.Fixes.Exact || len(rep.Fixes.Fixes) != 1 {
		t.Fatalf("fixes = %+v, want one exact fix", rep.Fixes)
	}
	if got := rep.Fixes.Fixes[0].Fact.String(); got != "hacl(internet,webServer,tcp,80)" && !strings.Contains(got, "CAN-2002-0392") {
		t.Errorf("fix = %s, want the httpd vulnerability or the internet flow to it", got)
	}

	// Overrides: an attacker placed on the workstation is there on the
	// network, not root on it (attackerLocated gives netAccess, never
	// execCode). From there hacl(workStation,_,_,_) reaches fileServer's
	// mountd directly, and webServer's httpd, whose NFS export leads back:
	// cutting the internet flow no longer helps, so both vulnerabilities
	// must be patched.
	body, _ = json.Marshal(map[string]any{"model": string(src), "attackers": []string{"workStation"}})
	f.json(t, http.MethodPost, "/api/v1/attack-paths/analyse", f.tokens[auth.Auditor], string(body), http.StatusOK, &rep)
	var fixed []string
	if rep.Fixes != nil {
		for _, x := range rep.Fixes.Fixes {
			fixed = append(fixed, x.String())
		}
	}
	slices.Sort(fixed)
	if want := []string{"patch vulExists(fileServer,vulID,mountd,remoteExploit,privEscalation)",
		"patch vulExists(webServer,'CAN-2002-0392',httpd,remoteExploit,privEscalation)"}; rep.Fixes == nil || !rep.Fixes.Exact || !slices.Equal(fixed, want) {
		t.Errorf("attacker on the workstation: fixes %v (exact %v), want %v", fixed, rep.Fixes != nil && rep.Fixes.Exact, want)
	}
	// An attacker placed on webServer reaches its own services with no
	// vulnerability or flow to remove: no fix set exists, and the report
	// says why instead of giving one.
	body, _ = json.Marshal(map[string]any{"model": string(src), "attackers": []string{"webServer"}, "goals": []string{"netAccess(webServer,_,_)"}})
	var own attackpath.AttackReport // decoded afresh: an absent field must stay absent
	f.json(t, http.MethodPost, "/api/v1/attack-paths/analyse", f.tokens[auth.Auditor], string(body), http.StatusOK, &own)
	if len(own.Goals) == 0 || own.Fixes != nil || !strings.Contains(own.FixError, "reachable without any vulnerability") {
		t.Errorf("attacker on the goal host: goals %v, fixes %+v, fix_error %q", own.Goals, own.Fixes, own.FixError)
	}
	// A goal nobody reaches: no goals, no paths.
	body, _ = json.Marshal(map[string]any{"model": string(src), "goals": []string{"execCode(nowhere,_)"}, "no_fixes": true})
	f.json(t, http.MethodPost, "/api/v1/attack-paths/analyse", f.tokens[auth.Auditor], string(body), http.StatusOK, &rep)
	if len(rep.Goals) != 0 || len(rep.Paths) != 0 {
		t.Errorf("unreachable goal: goals %v, paths %d", rep.Goals, len(rep.Paths))
	}
}

// TestAttackAnalyseErrors: a bad model is the client's error and says where.
func TestAttackAnalyseErrors(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		name string
		body map[string]any
		code int
		want string
	}{
		{"syntax, with line and column", map[string]any{"model": "attackerLocated(internet).\nattackGoal(execCode(db,_)).\nhacl(internet, web, tcp 80)."},
			http.StatusUnprocessableEntity, "model.P:3:"},
		{"file name used", map[string]any{"model": "hacl(a,b", "file": "net.P"}, http.StatusUnprocessableEntity, "net.P:1:"},
		{"JSON model entry", map[string]any{"model": `{"goals":["execCode(db,_)"],"vulnerabilities":[{"host":"db","id":"X","program":"p","range":"far","consequence":"privEscalation"}]}`},
			http.StatusUnprocessableEntity, "vulnerabilities[0].range"},
		{"derived fact stated", map[string]any{"model": "attackGoal(execCode(db,_)).\nexecCode(db,root)."},
			http.StatusUnprocessableEntity, "model.P:2:1"},
		{"no goal", map[string]any{"model": "attackerLocated(internet)."}, http.StatusUnprocessableEntity, "states no attackGoal"},
		{"bad goal", map[string]any{"model": "attackerLocated(internet).", "goals": []string{"db"}}, http.StatusUnprocessableEntity, `goals[0] \"db\": invalid`},
		{"bad attacker", map[string]any{"model": "attackGoal(execCode(db,_)).", "attackers": []string{"f(x)"}}, http.StatusUnprocessableEntity, `attackers[0] \"f(x)\": invalid`},
		{"too large", map[string]any{"model": strings.Repeat("a", 1<<20+1)}, http.StatusUnprocessableEntity, "model"},
		{"empty", map[string]any{"model": ""}, http.StatusUnprocessableEntity, "model"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, _ := json.Marshal(tc.body)
			code, got := f.do(t, nil, http.MethodPost, "/api/v1/attack-paths/analyse", f.tokens[auth.Auditor], string(body))
			if code != tc.code || !strings.Contains(got, tc.want) {
				t.Errorf("%d %.400s; want %d with %s", code, got, tc.code, tc.want)
			}
		})
	}
	// Reporters hold no finding.read.
	if code, _ := f.do(t, nil, http.MethodPost, "/api/v1/attack-paths/analyse", f.tokens[auth.Reporter], `{"model":"x."}`); code != http.StatusForbidden {
		t.Errorf("reporter: %d, want 403", code)
	}
}
