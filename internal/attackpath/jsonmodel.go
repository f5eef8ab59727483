package attackpath

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// JSONModel is vmc's own network-model format, for people who do not write
// Prolog; docs/attack-paths.md describes it. Every entry becomes the MulVAL
// fact named in its comment, so both formats analyse alike. "*" in any
// field means "any" (a MulVAL "_").
type JSONModel struct {
	// Attackers are where the attacker starts: attackerLocated(X).
	Attackers []string `json:"attackers"`
	// Goals are what to protect, as predicates: attackGoal(G), e.g.
	// "execCode(db1,root)" or "execCode(db1,_)".
	Goals []string `json:"goals,omitempty"`
	// Hosts with their zone: hosts in one zone reach each other on every
	// port (MulVAL's inSubnet rule); zone is optional.
	Hosts []JSONHost `json:"hosts,omitempty"`
	// Reachability: hacl(from, to, protocol, port).
	Reachability []JSONFlow `json:"reachability,omitempty"`
	// Services: networkServiceInfo(host, program, protocol, port, privilege).
	Services []JSONService `json:"services,omitempty"`
	// Vulnerabilities: vulExists(host, id, program) and
	// vulProperty(id, range, consequence), plus cvss(id, complexity) or
	// exploitLikelihood(id, p) when given.
	Vulnerabilities []JSONVuln `json:"vulnerabilities,omitempty"`
	// Setuid: setuidProgramInfo(host, program, owner).
	Setuid []JSONSetuid `json:"setuid,omitempty"`
	// Clients are programs that open untrusted input: isClient(program).
	Clients []string `json:"clients,omitempty"`
	// NFSExports: nfsExportInfo(server, path, access, client).
	NFSExports []JSONExport `json:"nfs_exports,omitempty"`
	// NFSMounts: nfsMounted(client, client_path, server, server_path, access).
	NFSMounts []JSONMount `json:"nfs_mounts,omitempty"`
	// FileProtection: localFileProtection(host, user, access, path).
	FileProtection []JSONFileProtection `json:"file_protection,omitempty"`
}

// JSONHost is a host, its zone and the people with accounts on it.
type JSONHost struct {
	Name     string        `json:"name"`
	Zone     string        `json:"zone,omitempty"`
	Accounts []JSONAccount `json:"accounts,omitempty"`
}

// JSONAccount is hasAccount(principal, host, privilege), with
// inCompetent(principal) when the user opens whatever arrives.
type JSONAccount struct {
	Principal   string `json:"principal"`
	Privilege   string `json:"privilege"`
	Incompetent bool   `json:"incompetent,omitempty"`
}

// JSONFlow is one allowed network flow.
type JSONFlow struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Protocol string `json:"protocol"`
	Port     string `json:"port"`
}

// JSONService is a program listening on the network.
type JSONService struct {
	Host      string `json:"host"`
	Program   string `json:"program"`
	Protocol  string `json:"protocol"`
	Port      string `json:"port"`
	Privilege string `json:"privilege"`
}

// JSONVuln is a vulnerability in a program on a host.
type JSONVuln struct {
	Host    string `json:"host"`
	ID      string `json:"id"`
	Program string `json:"program"`
	// Range: remoteExploit, remoteClient or localExploit.
	Range string `json:"range"`
	// Consequence: privEscalation (the only one the rules use).
	Consequence string `json:"consequence"`
	// Complexity is MulVAL's cvss(ID, l|m|h) access complexity.
	Complexity string `json:"complexity,omitempty"`
	// Likelihood, 0..1, overrides Complexity (vmc derives it from EPSS or
	// the CVSS vector).
	Likelihood *float64 `json:"likelihood,omitempty"`
}

// JSONSetuid is a setuid program.
type JSONSetuid struct {
	Host    string `json:"host"`
	Program string `json:"program"`
	Owner   string `json:"owner"`
}

// JSONExport is an NFS export.
type JSONExport struct {
	Server string `json:"server"`
	Path   string `json:"path"`
	Access string `json:"access"`
	Client string `json:"client"`
}

// JSONMount is an NFS mount on a client.
type JSONMount struct {
	Client     string `json:"client"`
	ClientPath string `json:"client_path"`
	Server     string `json:"server"`
	ServerPath string `json:"server_path"`
	Access     string `json:"access"`
}

// JSONFileProtection says which user may access which path how.
type JSONFileProtection struct {
	Host   string `json:"host"`
	User   string `json:"user"`
	Access string `json:"access"`
	Path   string `json:"path"`
}

// ParseJSONModel reads the JSON format. Unknown fields are rejected so a
// misspelt key is not silently ignored.
func ParseJSONModel(file string, src []byte) (*Model, error) {
	if len(src) > MaxInputBytes {
		return nil, fmt.Errorf("%s: %w: %d bytes, over the limit of %d", file, ErrTooLarge, len(src), MaxInputBytes)
	}
	var jm JSONModel
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&jm); err != nil {
		return nil, fmt.Errorf("%s: %w: %v", file, ErrInvalid, err)
	}
	return jm.Model(file)
}

// Model converts the JSON model to facts, naming the entry of any error.
func (jm *JSONModel) Model(file string) (*Model, error) {
	m := &Model{Source: file}
	var firstErr error
	add := func(where, pred string, args ...string) {
		if firstErr != nil {
			return
		}
		t := Term{Kind: TermCompound, Name: pred}
		for i, a := range args {
			switch {
			case a == "*":
				t.Args = append(t.Args, Term{Kind: TermVar, Name: "_"})
			case a == "" || len(a) > maxAtomBytes || strings.ContainsAny(a, "\n\r\x00"):
				firstErr = fmt.Errorf("%s: %s: %w: field %d of %s is empty, too long or has a line break", file, where, ErrInvalid, i+1, pred)
				return
			default:
				t.Args = append(t.Args, Term{Kind: TermAtom, Name: a})
			}
		}
		m.Clauses = append(m.Clauses, Clause{Head: t, Line: 1, Col: 1})
	}
	for i, a := range jm.Attackers {
		add(fmt.Sprintf("attackers[%d]", i), "attackerLocated", a)
	}
	for i, g := range jm.Goals {
		t, err := ParseTerm(g)
		if err != nil || t.Kind != TermCompound {
			return nil, fmt.Errorf("%s: goals[%d]: %w: %q is not a predicate such as execCode(db1,_)", file, i, ErrInvalid, g)
		}
		m.Clauses = append(m.Clauses, Clause{Head: Term{Kind: TermCompound, Name: "attackGoal", Args: []Term{t}}, Line: 1, Col: 1})
	}
	zoned := false
	for i, h := range jm.Hosts {
		w := fmt.Sprintf("hosts[%d]", i)
		if h.Zone != "" {
			add(w, "inSubnet", h.Name, h.Zone)
			zoned = true
		}
		for j, a := range h.Accounts {
			aw := fmt.Sprintf("%s.accounts[%d]", w, j)
			add(aw, "hasAccount", a.Principal, h.Name, a.Privilege)
			if a.Incompetent {
				add(aw, "inCompetent", a.Principal)
			}
		}
	}
	if zoned {
		// Hosts of one zone reach each other on every protocol and port.
		x, y, s := Term{Kind: TermVar, Name: "X"}, Term{Kind: TermVar, Name: "Y"}, Term{Kind: TermVar, Name: "S"}
		wild := Term{Kind: TermVar, Name: "_"}
		m.Clauses = append(m.Clauses, Clause{
			Head: Term{Kind: TermCompound, Name: "hacl", Args: []Term{x, y, wild, wild}},
			Body: []Term{{Kind: TermCompound, Name: "inSubnet", Args: []Term{x, s}}, {Kind: TermCompound, Name: "inSubnet", Args: []Term{y, s}}},
			Line: 1, Col: 1,
		})
	}
	for i, f := range jm.Reachability {
		add(fmt.Sprintf("reachability[%d]", i), "hacl", f.From, f.To, f.Protocol, f.Port)
	}
	for i, s := range jm.Services {
		add(fmt.Sprintf("services[%d]", i), "networkServiceInfo", s.Host, s.Program, s.Protocol, s.Port, s.Privilege)
	}
	for i, v := range jm.Vulnerabilities {
		w := fmt.Sprintf("vulnerabilities[%d]", i)
		switch v.Range {
		case "remoteExploit", "remoteClient", "localExploit":
		default:
			return nil, fmt.Errorf("%s: %s.range: %w: %q is not remoteExploit, remoteClient or localExploit", file, w, ErrInvalid, v.Range)
		}
		add(w, "vulExists", v.Host, v.ID, v.Program)
		add(w, "vulProperty", v.ID, v.Range, v.Consequence)
		if v.Complexity != "" {
			add(w, "cvss", v.ID, v.Complexity)
		}
		if v.Likelihood != nil {
			if *v.Likelihood < 0 || *v.Likelihood > 1 {
				return nil, fmt.Errorf("%s: %s.likelihood: %w: %v is outside 0..1", file, w, ErrInvalid, *v.Likelihood)
			}
			add(w, "exploitLikelihood", v.ID, fmt.Sprintf("%g", *v.Likelihood))
		}
	}
	for i, s := range jm.Setuid {
		add(fmt.Sprintf("setuid[%d]", i), "setuidProgramInfo", s.Host, s.Program, s.Owner)
	}
	for i, c := range jm.Clients {
		add(fmt.Sprintf("clients[%d]", i), "isClient", c)
	}
	for i, e := range jm.NFSExports {
		add(fmt.Sprintf("nfs_exports[%d]", i), "nfsExportInfo", e.Server, e.Path, e.Access, e.Client)
	}
	for i, mt := range jm.NFSMounts {
		add(fmt.Sprintf("nfs_mounts[%d]", i), "nfsMounted", mt.Client, mt.ClientPath, mt.Server, mt.ServerPath, mt.Access)
	}
	for i, p := range jm.FileProtection {
		add(fmt.Sprintf("file_protection[%d]", i), "localFileProtection", p.Host, p.User, p.Access, p.Path)
	}
	if firstErr != nil {
		return nil, firstErr
	}
	return m, m.check()
}

// IsJSONModel tells the formats apart: JSON starts with '{'.
func IsJSONModel(src []byte) bool {
	t := bytes.TrimLeft(src, " \t\r\n\ufeff")
	return len(t) > 0 && t[0] == '{'
}

// ParseModel reads either format.
func ParseModel(file string, src []byte) (*Model, error) {
	if IsJSONModel(src) {
		return ParseJSONModel(file, src)
	}
	return ParseMulVAL(file, src)
}
