package attackpath

import (
	"reflect"
	"testing"
)

// fixable lists the fixable stated facts in r's attack graph: the pool any
// fix set is drawn from.
func fixable(r *Result) []StatedFact {
	var out []StatedFact
	seen := map[FactID]bool{}
	for _, in := range r.dv.instances {
		for _, b := range in.body {
			f := r.dv.db.facts[b]
			if int(b) < r.nConfig && !seen[b] && fixKind(f.pred, len(f.args)) != "" {
				seen[b] = true
				out = append(out, r.stated(b))
			}
		}
	}
	return out
}

// stillReached reports whether any of r's goals survives removing fs.
func stillReached(t *testing.T, m *Model, r *Result, fs []StatedFact) bool {
	t.Helper()
	res, err := Analyse(m, Options{Remove: fs, Goals: goalTerms(t, r)})
	if err != nil {
		t.Fatal(err)
	}
	return len(res.goals) > 0
}

func goalTerms(t *testing.T, r *Result) []Term {
	var out []Term
	for _, g := range r.Goals() {
		tm, err := ParseTerm(g)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tm)
	}
	return out
}

// noSmallerCut checks every subset of the pool smaller than n: each must
// leave a goal reachable, or the plan of size n was not minimal.
func noSmallerCut(t *testing.T, m *Model, r *Result, n int) {
	t.Helper()
	pool := fixable(r)
	var pick func(start int, chosen []StatedFact)
	pick = func(start int, chosen []StatedFact) {
		if !stillReached(t, m, r, chosen) {
			t.Errorf("smaller cut %v works", chosen)
		}
		if len(chosen)+1 >= n {
			return
		}
		for i := start; i < len(pool); i++ {
			pick(i+1, append(append([]StatedFact(nil), chosen...), pool[i]))
		}
	}
	pick(0, nil)
}

func applyPlan(t *testing.T, m *Model, r *Result, p AttackFixPlan) {
	t.Helper()
	var fs []StatedFact
	for _, f := range p.Fixes {
		fs = append(fs, f.Fact)
	}
	if stillReached(t, m, r, fs) {
		t.Errorf("goals still reached after %v", p.Fixes)
	}
}

// On 3host one fix suffices: every path starts by exploiting httpd on
// webServer from the internet, so patching CAN-2002-0392 or blocking
// internet→webServer:80 cuts both (patching mountd alone would not: the NFS
// shell from webServer remains).
func TestThreeHostFixes(t *testing.T) {
	m := sharedModel(t, "3host/input.P")
	r := analyse(t, m, Options{})
	p, err := r.MinimalFixes()
	if err != nil {
		t.Fatal(err)
	}
	if !p.Exact || len(p.Fixes) != 1 {
		t.Fatalf("plan = %+v, want one exact fix", p)
	}
	applyPlan(t, m, r, p)
	noSmallerCut(t, m, r, len(p.Fixes))
	// Which single fixes work, by brute force over the pool.
	var works []string
	for _, f := range fixable(r) {
		if !stillReached(t, m, r, []StatedFact{f}) {
			works = append(works, f.String())
		}
	}
	want := []string{"hacl(internet,webServer,tcp,80)", "vulExists(webServer,'CAN-2002-0392',httpd,remoteExploit,privEscalation)"}
	if !equalSets(works, want) {
		t.Errorf("single fixes that work = %v, want %v", works, want)
	}
	if got := p.Fixes[0].Fact.String(); got != want[0] && got != want[1] {
		t.Errorf("plan fix = %s, want one of %v", got, want)
	}
}

// twoDoors is 3host with a second way in: a mail server the internet
// reaches, also allowed to write the NFS export. Now no single fix works
// and two do.
const twoDoors = `{
  "attackers": ["internet"],
  "goals": ["execCode(workStation,_)"],
  "reachability": [
    {"from": "internet", "to": "webServer", "protocol": "tcp", "port": "80"},
    {"from": "internet", "to": "mailServer", "protocol": "tcp", "port": "25"},
    {"from": "webServer", "to": "*", "protocol": "*", "port": "*"},
    {"from": "mailServer", "to": "fileServer", "protocol": "nfsProtocol", "port": "nfsPort"}
  ],
  "services": [
    {"host": "webServer", "program": "httpd", "protocol": "tcp", "port": "80", "privilege": "apache"},
    {"host": "mailServer", "program": "smtpd", "protocol": "tcp", "port": "25", "privilege": "mail"}
  ],
  "vulnerabilities": [
    {"host": "webServer", "id": "CVE-A", "program": "httpd", "range": "remoteExploit", "consequence": "privEscalation", "complexity": "l"},
    {"host": "mailServer", "id": "CVE-B", "program": "smtpd", "range": "remoteExploit", "consequence": "privEscalation", "likelihood": 0.2}
  ],
  "nfs_exports": [
    {"server": "fileServer", "path": "/export", "access": "*", "client": "webServer"},
    {"server": "fileServer", "path": "/export", "access": "*", "client": "mailServer"}
  ],
  "nfs_mounts": [
    {"client": "workStation", "client_path": "/usr/local/share", "server": "fileServer", "server_path": "/export", "access": "read"}
  ]
}`

func TestTwoDoorsFixes(t *testing.T) {
	m, err := ParseJSONModel("twodoors.json", []byte(twoDoors))
	if err != nil {
		t.Fatal(err)
	}
	r := analyse(t, m, Options{})
	if got := r.Goals(); !reflect.DeepEqual(got, []string{"execCode(workStation,root)"}) {
		t.Fatalf("goals = %v", got)
	}
	p, err := r.MinimalFixes()
	if err != nil {
		t.Fatal(err)
	}
	if !p.Exact || len(p.Fixes) != 2 {
		t.Fatalf("plan = %+v, want two exact fixes", p)
	}
	applyPlan(t, m, r, p)
	noSmallerCut(t, m, r, len(p.Fixes))
	// The likelihoods given (complexity l = 0.9, explicit 0.2) rank the
	// web server's door first.
	ps, err := r.Paths(5)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 2 || ps[0].Exploits[0] != "vulExists(webServer,'CVE-A',httpd,remoteExploit,privEscalation)" {
		t.Errorf("paths = %+v", ps)
	}
}

// On h2v1s5 five fixes are needed: fileServers_host_10 has two doors
// (its server from the internet, its user browsing the internet), as do
// dmz_host_10, and subnet1_host_10 one (its user browsing); blocking one
// flow closes each door. The exact search proves five is the minimum.
func TestH2v1s5Fixes(t *testing.T) {
	m := sharedModel(t, "h2v1s5.P")
	r := analyse(t, m, Options{})
	p, err := r.MinimalFixes()
	if err != nil {
		t.Fatal(err)
	}
	if !p.Exact || len(p.Fixes) != 5 {
		t.Fatalf("plan = %+v, want five exact fixes", p)
	}
	applyPlan(t, m, r, p)
	greedy, _, err := r.greedyFixes(goalTerms(t, r))
	if err != nil {
		t.Fatal(err)
	}
	if len(greedy) < len(p.Fixes) {
		t.Errorf("greedy found %d fixes, fewer than the exact %d", len(greedy), len(p.Fixes))
	}
	applyPlan(t, m, r, AttackFixPlan{Fixes: toFixes(greedy)})
}

func toFixes(fs []StatedFact) []AttackFix {
	var out []AttackFix
	for _, f := range fs {
		out = append(out, AttackFix{Kind: fixKind(f.Pred, len(f.Args)), Fact: f})
	}
	return out
}

func equalSets(a, b []string) bool {
	m := map[string]int{}
	for _, x := range a {
		m[x]++
	}
	for _, x := range b {
		m[x]--
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return len(a) == len(b)
}
