package attackpath

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// sharedModel reads a MulVAL input from ../shared/data/mulval. The files are
// GPL-3.0, so they stay there and are never copied into this repository.
func sharedModel(t *testing.T, rel string) *Model {
	t.Helper()
	path := feedtest.SharedData(t, "mulval/"+rel)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseMulVAL(rel, b)
	if err != nil {
		t.Fatalf("parse %s: %v", rel, err)
	}
	return m
}

func analyse(t *testing.T, m *Model, opt Options) *Result {
	t.Helper()
	r, err := Analyse(m, opt)
	if err != nil {
		t.Fatalf("analyse %s: %v", m.Source, err)
	}
	return r
}

func filter(facts []string, prefix string) []string {
	var out []string
	for _, f := range facts {
		if strings.HasPrefix(f, prefix) {
			out = append(out, f)
		}
	}
	return out
}

// TestThreeHost checks the classic example of the MulVAL paper (Ou,
// Govindavajhala, Appel, USENIX Security 2005, section 6 and figure 2; the
// same network is MulVAL's testcases/3host and its README's example): an
// attacker on the internet reaches root on the internal workStation. The
// derivation, step by step, as the paper explains it:
//
//  1. hacl(internet, webServer, tcp, 80) lets the attacker reach httpd
//     (netAccess(webServer,tcp,80), rule "direct").
//  2. httpd runs as apache and has CAN-2002-0392, a remotely exploitable
//     privilege escalation: execCode(webServer,apache) ("remote-exploit").
//  3. From webServer every host is reachable (hacl(webServer,_,_,_)), so
//     the attacker reaches two things on fileServer:
//     a. mountd (rpc 100005, running as root) with vulID:
//     execCode(fileServer,root), and with localFileProtection(fileServer,
//     root,_,_) root may write /export: accessFile(fileServer,write,'/export');
//     b. the NFS service itself: /export is exported to webServer with any
//     access, so code on webServer writes it directly ("nfs-shell").
//  4. workStation mounts fileServer:/export at /usr/local/share, so a file
//     written on the server appears there: accessFile(workStation,write,
//     '/usr/local/share') ("nfs-to-client").
//  5. A Trojan horse planted in /usr/local/share runs as root on
//     workStation: execCode(workStation,root) ("trojan"), the goal.
func TestThreeHost(t *testing.T) {
	r := analyse(t, sharedModel(t, "3host/input.P"), Options{})
	if got, want := r.Goals(), []string{"execCode(workStation,root)"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("goals = %v, want %v", got, want)
	}
	// Code runs on exactly these three hosts at these privileges: apache is
	// all the web server yields (it has no local exploit), and no principal
	// is ever compromised (the model has no accounts).
	wantExec := []string{"execCode(fileServer,root)", "execCode(webServer,apache)", "execCode(workStation,root)"}
	if got := filter(r.Derived(), "execCode("); !reflect.DeepEqual(got, wantExec) {
		t.Errorf("execCode facts = %v, want %v", got, wantExec)
	}
	if got := filter(r.Derived(), "principalCompromised("); len(got) != 0 {
		t.Errorf("principalCompromised = %v, want none", got)
	}
	wantAccess := []string{
		"accessFile(fileServer,read,'/export')", "accessFile(fileServer,write,'/export')",
		"accessFile(workStation,read,'/usr/local/share')", "accessFile(workStation,write,'/usr/local/share')",
	}
	for _, f := range append(wantAccess, "netAccess(webServer,tcp,80)", "netAccess(fileServer,rpc,100005)", "netAccess(fileServer,nfsProtocol,nfsPort)") {
		if !r.Has(f) {
			t.Errorf("%s not derived", f)
		}
	}
	// The exact rule firings of the documented derivation.
	inst := strings.Join(r.Instances(), "\n")
	for _, want := range []string{
		"direct: netAccess(webServer,tcp,80) <- attackerLocated(internet); hacl(internet,webServer,tcp,80)",
		"remote-exploit: execCode(webServer,apache) <- vulExists(webServer,'CAN-2002-0392',httpd,remoteExploit,privEscalation); networkServiceInfo(webServer,httpd,tcp,80,apache); netAccess(webServer,tcp,80)",
		"multi-hop: netAccess(fileServer,rpc,100005) <- execCode(webServer,apache); hacl(webServer,fileServer,rpc,100005)",
		"remote-exploit: execCode(fileServer,root) <- vulExists(fileServer,vulID,mountd,remoteExploit,privEscalation); networkServiceInfo(fileServer,mountd,rpc,100005,root); netAccess(fileServer,rpc,100005)",
		"file-access: accessFile(fileServer,write,'/export') <- execCode(fileServer,root); canAccessFile(fileServer,root,write,'/export')",
		"nfs-shell: accessFile(fileServer,write,'/export') <- execCode(webServer,apache); nfsExportInfo(fileServer,'/export',write,webServer); hacl(webServer,fileServer,nfsProtocol,nfsPort)",
		"nfs-to-client: accessFile(workStation,write,'/usr/local/share') <- nfsMounted(workStation,'/usr/local/share',fileServer,'/export',read); accessFile(fileServer,write,'/export')",
		"trojan: execCode(workStation,root) <- accessFile(workStation,write,'/usr/local/share')",
	} {
		if !strings.Contains(inst, want) {
			t.Errorf("missing rule firing\n  %s", want)
		}
	}
	// The graph holds only what leads to the goal: 40 nodes, 46 edges.
	g := r.Graph()
	if len(g.Nodes) != 40 || len(g.Edges) != 46 {
		t.Errorf("graph has %d nodes and %d edges, want 40 and 46", len(g.Nodes), len(g.Edges))
	}
}

// TestThreeHostPaths ranks the two ways in: NFS shell from webServer is
// likelier than exploiting mountd (which needs a second exploit and a
// multi-hop step), and both start with CAN-2002-0392.
func TestThreeHostPaths(t *testing.T) {
	r := analyse(t, sharedModel(t, "3host/input.P"), Options{})
	ps, err := r.Paths(5)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) < 2 {
		t.Fatalf("got %d paths, want at least 2", len(ps))
	}
	var rules [][]string
	for _, p := range ps {
		var rs []string
		for _, s := range p.Steps {
			rs = append(rs, s.Rule)
		}
		rules = append(rules, rs)
	}
	want0 := []string{"direct", "remote-exploit", "nfs-shell", "nfs-to-client", "trojan"}
	if !reflect.DeepEqual(rules[0], want0) {
		t.Errorf("best path = %v, want %v", rules[0], want0)
	}
	// No cvss facts: each exploit counts 0.6; nfs-shell 0.8, trojan 0.8.
	if got := ps[0].Likelihood; got < 0.3839 || got > 0.3841 {
		t.Errorf("best likelihood = %v, want 0.384", got)
	}
	want1 := []string{"direct", "remote-exploit", "multi-hop", "remote-exploit", "file-access", "nfs-to-client", "trojan"}
	if !reflect.DeepEqual(rules[1], want1) {
		t.Errorf("second path = %v, want %v", rules[1], want1)
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].Likelihood > ps[i-1].Likelihood {
			t.Errorf("paths not ranked: %v after %v", ps[i].Likelihood, ps[i-1].Likelihood)
		}
	}
}

// TestH2v1s5 checks the generated network. The attacker is on the
// internet, which MulVAL's hacl facts connect (http only) to
// fileServers_host_10, subnet1_host_10, subnet2_host_10 and dmz_host_10,
// in both directions; hosts of one subnet reach each other on every port
// (the file's inSubnet rule). So:
//   - dmz_host_10 and fileServers_host_10 run serverApplication as user with
//     remote vulnerabilities: user there; dmz_host_10 also has a setuid
//     localApplication with a local vulnerability: root.
//   - subnet1_host_10 runs no service, but its incompetent user's
//     clientApplication is vulnerable and the host browses the internet
//     (hacl(subnet1_host_10, internet, http...)): user, then root by its
//     setuid local vulnerability.
//   - from fileServers_host_10 the attacker reaches its subnet:
//     fileServers_host_9 runs serverApplication with remote vulnerabilities
//     (user; no local ones); and, through hacl(fileServers_host_10,
//     workStation_host_10, http), workStation_host_10's server: user, then
//     root by its local vulnerability.
//   - subnet2_host_10 and historian_host_10 have no facts: nothing to take.
//   - every *_host_9 other than fileServers_host_9 has only client and local
//     vulnerabilities, and does not browse the internet (no hacl to it)
//     and no isWebServer exists: unreachable. Hosts 1..8 have nothing.
func TestH2v1s5(t *testing.T) {
	r := analyse(t, sharedModel(t, "h2v1s5.P"), Options{})
	want := []string{
		"execCode(dmz_host_10,root)", "execCode(dmz_host_10,user)",
		"execCode(fileServers_host_10,user)", "execCode(fileServers_host_9,user)",
		"execCode(subnet1_host_10,root)", "execCode(subnet1_host_10,user)",
		"execCode(workStation_host_10,root)", "execCode(workStation_host_10,user)",
	}
	if got := r.Goals(); !reflect.DeepEqual(got, want) {
		t.Errorf("goals = %v\nwant %v", got, want)
	}
	for _, h := range []string{"dmz_host_9", "subnet1_host_9", "workStation_host_9", "fileServers_host_10", "fileServers_host_9"} {
		if r.Has("execCode(" + h + ",root)") {
			t.Errorf("root on %s, which has no reachable local exploit", h)
		}
	}
	for _, h := range []string{"dmz_host_9", "subnet1_host_9", "workStation_host_9"} {
		if r.Has("execCode(" + h + ",user)") {
			t.Errorf("code on %s, which no path reaches", h)
		}
	}
	g := r.Graph()
	if len(g.Nodes) != 130 || len(g.Edges) != 208 {
		t.Errorf("graph has %d nodes and %d edges, want 130 and 208", len(g.Nodes), len(g.Edges))
	}
}

// TestSemiNaiveMatchesNaive guards the semi-naive evaluation: on both
// inputs it must derive exactly the facts and rule firings a naive fixpoint
// (every rule over every fact until nothing changes) derives.
func TestSemiNaiveMatchesNaive(t *testing.T) {
	for _, rel := range []string{"3host/input.P", "h2v1s5.P"} {
		t.Run(rel, func(t *testing.T) {
			m := sharedModel(t, rel)
			semi := analyse(t, m, Options{})
			slow := analyse(t, m, Options{Naive: true})
			if !reflect.DeepEqual(semi.Derived(), slow.Derived()) {
				t.Errorf("derived facts differ: semi-naive %d, naive %d", len(semi.Derived()), len(slow.Derived()))
			}
			if !reflect.DeepEqual(semi.Instances(), slow.Instances()) {
				t.Errorf("rule firings differ: semi-naive %d, naive %d", len(semi.Instances()), len(slow.Instances()))
			}
			if len(semi.Derived()) == 0 {
				t.Error("nothing derived")
			}
		})
	}
}
