package attackpath

import "strconv"

// The interaction rules, written for vmc from the semantics published in
// Ou, Govindavajhala and Appel, "MulVAL: A Logic-based Network Security
// Analyzer" (USENIX Security 2005, section 4) and Ou, Boyer and McQueen,
// "A Scalable Approach to Attack Graph Generation" (CCS 2006, section 3).
// Each rule is one clause in the Prolog subset ParseProlog reads; the
// probabilities are the per-rule likelihoods those papers' metric work
// assigns (how often the step succeeds when its preconditions hold).
//
// Deliberate differences from MulVAL's distributed rule file, each so that
// every derived fact is ground:
//   - accessMaliciousInput has two arguments (host, victim): the program is
//     fixed by the client-exploit rule that uses it, and the victim must have
//     an account on the host that reaches the malicious site.
//   - a remoteExploit vulnerability in a program declared isClient(...) is
//     treated as a client-side exploit, as the MulVAL input generator that
//     wrote h2v1s5.P intends (it declares isClient for every client vul).
//   - the local exploit needs a setuid program (setuidProgramInfo) and yields
//     its owner, as in the 2005 paper; MulVAL 1.1 dropped the setuid test.
//   - "multi-hop" requires two different hosts (MulVAL's advances/2).
//   - "direct on-host access" grounds protocol and port over the ones the
//     model names (dom_protocol, dom_port are built from the input).
var interactionRules = []struct {
	id, desc string
	prob     float64
	clause   string
	exploit  bool // the step uses a vulnerability (its likelihood counts)
}{
	{"principal", "a compromised principal's accounts are compromised on every host the attacker can reach", 0.5,
		"execCode(Host, Perm) :- principalCompromised(Victim), hasAccount(Victim, Host, Perm), canAccessHost(Host)", false},
	{"local-exploit", "local exploit of a vulnerable setuid program gives its owner's privilege", 1.0,
		"execCode(H, Owner) :- execCode(H, _), vulExists(H, _, Prog, localExploit, privEscalation), setuidProgramInfo(H, Prog, Owner)", true},
	{"remote-exploit", "remote exploit of a network service gives the service's privilege", 1.0,
		"execCode(H, Perm) :- vulExists(H, _, Prog, remoteExploit, privEscalation), networkServiceInfo(H, Prog, Proto, Port, Perm), netAccess(H, Proto, Port)", true},
	{"client-exploit", "remote exploit of a client program run by a user who opens malicious input", 0.5,
		"execCode(H, Perm) :- vulExists(H, _, Prog, remoteClient, privEscalation), hasAccount(Victim, H, Perm), accessMaliciousInput(H, Victim)", true},
	{"client-exploit", "remote exploit of a client program run by a user who opens malicious input", 0.5,
		"execCode(H, Perm) :- vulExists(H, _, Prog, remoteExploit, privEscalation), isClient(Prog), hasAccount(Victim, H, Perm), accessMaliciousInput(H, Victim)", true},
	{"trojan", "write access to a file system lets the attacker plant a Trojan horse that root runs", 0.8,
		"execCode(H, root) :- accessFile(H, write, _)", false},
	{"multi-hop", "code on one host reaches another host's service as the network allows", 0.5,
		"netAccess(H2, Proto, Port) :- execCode(H1, _), hacl(H1, H2, Proto, Port), neq(H1, H2)", false},
	{"direct", "the attacker's location reaches the service directly", 1.0,
		"netAccess(H, Proto, Port) :- attackerLocated(Zone), hacl(Zone, H, Proto, Port)", false},
	{"on-host", "the attacker sits on the host itself", 1.0,
		"netAccess(H, Proto, Port) :- attackerLocated(H), dom_protocol(Proto), dom_port(Port)", false},
	{"host-code", "code execution on a host gives access to it", 1.0,
		"canAccessHost(H) :- execCode(H, _)", false},
	{"host-login", "a reachable log-in service gives access to the host", 1.0,
		"canAccessHost(H) :- logInService(H, Proto, Port), netAccess(H, Proto, Port)", false},
	{"file-access", "code running as a user can access that user's files", 1.0,
		"accessFile(H, Access, Path) :- execCode(H, User), canAccessFile(H, User, Access, Path)", false},
	{"sniff-root", "root on a host can sniff every account's password there", 0.8,
		"principalCompromised(Victim) :- hasAccount(Victim, H, _), execCode(H, root)", false},
	{"sniff-user", "code running as a user can capture that user's password", 0.8,
		"principalCompromised(Victim) :- hasAccount(Victim, H, User), execCode(H, User)", false},
	{"login-ssh", "sshd is a log-in service", 1.0,
		"logInService(H, Proto, Port) :- networkServiceInfo(H, sshd, Proto, Port, _)", false},
	{"login-vpn", "a VPN service is a log-in service", 1.0,
		"logInService(H, Proto, Port) :- networkServiceInfo(H, vpnService, Proto, Port, _)", false},
	{"nfs-to-server", "writing through a client's mount reaches the server's export", 1.0,
		"accessFile(Server, Access, SPath) :- nfsMounted(Client, CPath, Server, SPath, Access), accessFile(Client, Access, CPath)", false},
	{"nfs-to-client", "files changed on the server change what a client mounted", 1.0,
		"accessFile(Client, Access, CPath) :- nfsMounted(Client, CPath, Server, SPath, read), accessFile(Server, Access, SPath)", false},
	{"nfs-shell", "code on an NFS client speaks NFS to the server and uses the export's access", 0.8,
		"accessFile(Server, Access, Path) :- execCode(Client, _), nfsExportInfo(Server, Path, Access, Client), hacl(Client, Server, nfsProtocol, nfsPort)", true},
	{"malicious-site", "an incompetent user browses a site the attacker runs", 0.8,
		"accessMaliciousInput(H, Victim) :- inCompetent(Victim), hasAccount(Victim, H, _), hacl(H, Site, httpProtocol, httpPort), attackerLocated(Site)", false},
	{"malicious-site", "a careful user still browses a site the attacker runs, rarely falling for it", 0.1,
		"accessMaliciousInput(H, Victim) :- competent(Victim), hasAccount(Victim, H, _), hacl(H, Site, httpProtocol, httpPort), attackerLocated(Site)", false},
	{"compromised-site", "an incompetent user browses a web server the attacker controls", 0.4,
		"accessMaliciousInput(H, Victim) :- inCompetent(Victim), hasAccount(Victim, H, _), isWebServer(Site), hacl(H, Site, httpProtocol, httpPort), execCode(Site, _)", false},
}

// configRules turn stated facts into the facts the interaction rules read;
// they are configuration, not attack steps, so the graph shows their
// conclusions as leaves.
var configRules = []string{
	"vulExists(H, Id, Prog, Range, Effect) :- vulExists(H, Id, Prog), vulProperty(Id, Range, Effect)",
	// A library's vulnerability is also in every program built on it.
	"vulExists(H, Id, Prog, Range, Effect) :- vulExists(H, Id, Lib, Range, Effect), dependsOn(H, Prog, Lib)",
	"canAccessFile(H, User, Access, Path) :- localFileProtection(H, User, Access, Path)",
}

// derived are the predicates only the interaction rules conclude.
var derived = map[string]bool{
	"execCode": true, "netAccess": true, "canAccessHost": true, "accessFile": true,
	"principalCompromised": true, "logInService": true, "accessMaliciousInput": true,
}

// schema gives each stated predicate's argument types, so that a variable
// in a fact ("hacl(webServer, _, _, _)": any host, protocol and port) can
// range over the constants of its type that the model names.
var schema = map[string][]string{
	"attackerLocated":     {"host"},
	"hacl":                {"host", "host", "protocol", "port"},
	"inSubnet":            {"host", "subnet"},
	"networkServiceInfo":  {"host", "program", "protocol", "port", "user"},
	"vulExists":           {"host", "vulid", "program"},
	"vulProperty":         {"vulid", "range", "consequence"},
	"cvss":                {"vulid", "complexity"},
	"exploitLikelihood":   {"vulid", "likelihood"},
	"hasAccount":          {"principal", "host", "user"},
	"inCompetent":         {"principal"},
	"competent":           {"principal"},
	"isClient":            {"program"},
	"isWebServer":         {"host"},
	"setuidProgramInfo":   {"host", "program", "user"},
	"nfsExportInfo":       {"host", "path", "access", "host"},
	"nfsMounted":          {"host", "path", "host", "path", "access"},
	"localFileProtection": {"host", "user", "access", "path"},
	"canAccessFile":       {"host", "user", "access", "path"},
	"dependsOn":           {"host", "program", "program"},
	"installed":           {"host", "program"},
	"clientProgram":       {"host", "program"},
	// Derived predicates, for typing the interaction rules' constants.
	"execCode":             {"host", "user"},
	"netAccess":            {"host", "protocol", "port"},
	"canAccessHost":        {"host"},
	"accessFile":           {"host", "access", "path"},
	"principalCompromised": {"principal"},
	"logInService":         {"host", "protocol", "port"},
	"accessMaliciousInput": {"host", "principal"},
}

// argType is the type of a predicate's i-th argument; predicates vmc does
// not know get one type per position.
func argType(pred string, i int) string {
	if ts, ok := schema[pred]; ok && i < len(ts) {
		return ts[i]
	}
	return pred + "/" + strconv.Itoa(i)
}

// Access modes always exist, even when no fact names them: a wildcard
// export or file protection grants both.
var defaultDomain = map[string][]string{
	"access": {"read", "write"},
	"user":   {"root"},
}
