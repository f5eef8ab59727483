package attackpath

import (
	"fmt"
	"strings"

	"github.com/vmc-dev/vmc/internal/asset"
)

// This file builds a network model from what vmc stores: assets and their
// open findings. The mapping is an approximation of what a person writing
// MulVAL facts would state, and each assumption is written next to the
// code that makes it.

// Attacker is the location the inventory model puts the attacker in.
const Attacker = "internet"

// InventoryVuln is an open finding as the model needs it.
type InventoryVuln struct {
	FindingID int64
	Asset     string
	Vuln      string
	Package   string
	Vector    string  // CVSS v2, v3.x or v4.0 base vector
	EPSS      float64 // exploit probability, 0 when unknown
	CWEs      []string
}

// codeExecCWEs are weaknesses whose exploitation typically runs the
// attacker's code or raises privilege even when the vector's integrity
// impact is understated: command and code injection, unrestricted upload,
// unsafe deserialisation, memory corruption, privilege management.
var codeExecCWEs = map[string]bool{
	"CWE-77": true, "CWE-78": true, "CWE-94": true, "CWE-95": true, "CWE-434": true, "CWE-502": true,
	"CWE-119": true, "CWE-120": true, "CWE-787": true, "CWE-416": true, "CWE-269": true, "CWE-250": true,
}

// vectorMetrics splits a CVSS vector into its metrics (the version prefix
// "CVSS:3.1" is dropped). v4.0's VC/VI stand in for v3's C/I.
func vectorMetrics(v string) map[string]string {
	m := map[string]string{}
	for _, part := range strings.Split(v, "/") {
		k, val, ok := strings.Cut(part, ":")
		if !ok || k == "CVSS" {
			continue
		}
		m[k] = val
	}
	if _, ok := m["C"]; !ok {
		m["C"], m["I"] = m["VC"], m["VI"]
	}
	return m
}

// VulnProperties derives MulVAL's vulnerability properties from a CVSS
// vector and CWE hints:
//   - range: attack vector N or A with no user interaction is a remote
//     exploit of a listening service; with user interaction (UI:R, or v4.0's
//     UI:P/A) a client exploit; L or P a local exploit.
//   - privilege gained: root when confidentiality and integrity are both
//     high (or complete, v2), else the service's user.
//   - a vector with no integrity impact gives no code execution (a leak or a
//     denial of service) and is left out, unless a CWE says code execution.
//
// ok is false when the finding does not become an attack step; why says why.
func VulnProperties(vector string, cwes []string) (rng, priv string, ok bool, why string) {
	m := vectorMetrics(vector)
	av := m["AV"]
	if av == "" {
		return "", "", false, "no attack vector in " + vector
	}
	hi := func(x string) bool { return x == "H" || x == "C" }
	codeExec := m["I"] != "" && m["I"] != "N"
	for _, c := range cwes {
		if codeExecCWEs[c] {
			codeExec = true
		}
	}
	if !codeExec {
		return "", "", false, "no integrity impact: not a code-execution step"
	}
	priv = "user"
	if hi(m["C"]) && hi(m["I"]) {
		priv = "root"
	}
	switch av {
	case "N", "A":
		if ui := m["UI"]; ui == "R" || ui == "P" || ui == "A" {
			return "remoteClient", priv, true, ""
		}
		return "remoteExploit", priv, true, ""
	case "L", "P":
		return "localExploit", priv, true, ""
	}
	return "", "", false, "unknown attack vector " + av
}

// zoneOf is an asset's network zone: a "zone:NAME" tag, else its
// environment, else "default".
func zoneOf(a asset.Asset) string {
	for _, t := range a.Tags {
		if z, ok := strings.CutPrefix(t, "zone:"); ok && z != "" {
			return z
		}
	}
	if a.Environment != "" {
		return string(a.Environment)
	}
	return "default"
}

// IsCrownJewel reports whether an asset is a target to protect: critical,
// or tagged "crown-jewel".
func IsCrownJewel(a asset.Asset) bool {
	if a.Criticality == asset.CritCritical {
		return true
	}
	for _, t := range a.Tags {
		if t == "crown-jewel" {
			return true
		}
	}
	return false
}

// FromInventory builds a model of assets and their open findings. extra,
// when not nil, adds stated facts (reachability, services, accounts the
// inventory does not know) and its goals replace the crown jewels. It
// returns the model and one note per finding left out.
//
// Reachability: an internet-facing asset is reachable from the internet on
// every port; assets of one zone (not isolated) reach each other; every
// asset not isolated reaches the internet's web (so its users can be lured
// to a malicious site). A remote exploit needs a listening service: the
// vulnerable package is assumed to listen on any port with the privilege
// the vector gives, unless extra names that service. A client exploit
// assumes the host has users who open what they are sent (incompetent, in
// MulVAL's word). A local exploit assumes the package runs with the
// privilege it would give (as a setuid program does).
func FromInventory(assets []asset.Asset, vulns []InventoryVuln, extra *JSONModel) (*Model, []string, error) {
	jm := JSONModel{Attackers: []string{Attacker}}
	if extra != nil {
		jm = *extra
		jm.Attackers = append([]string{Attacker}, extra.Attackers...)
	}
	byName := map[string]asset.Asset{}
	for _, a := range assets {
		byName[a.Name] = a
		if a.Exposure == asset.ExpIsolated {
			jm.Hosts = append(jm.Hosts, JSONHost{Name: a.Name})
			continue
		}
		jm.Hosts = append(jm.Hosts, JSONHost{Name: a.Name, Zone: zoneOf(a)})
		jm.Reachability = append(jm.Reachability, JSONFlow{From: a.Name, To: Attacker, Protocol: "httpProtocol", Port: "httpPort"})
		if a.Exposure == asset.ExpInternet {
			jm.Reachability = append(jm.Reachability, JSONFlow{From: Attacker, To: a.Name, Protocol: "*", Port: "*"})
		}
		if extra == nil || len(extra.Goals) == 0 {
			if IsCrownJewel(a) {
				jm.Goals = append(jm.Goals, fmt.Sprintf("execCode(%s,_)", quoteAtom(a.Name)))
			}
		}
	}
	services := map[[2]string]bool{}
	for _, s := range jm.Services {
		services[[2]string{s.Host, s.Program}] = true
	}
	users := map[string]bool{}
	var notes []string
	for _, v := range vulns {
		if _, ok := byName[v.Asset]; !ok {
			notes = append(notes, fmt.Sprintf("finding %d: asset %q not in the inventory", v.FindingID, v.Asset))
			continue
		}
		rng, priv, ok, why := VulnProperties(v.Vector, v.CWEs)
		if !ok {
			notes = append(notes, fmt.Sprintf("finding %d (%s on %s): %s", v.FindingID, v.Vuln, v.Asset, why))
			continue
		}
		jv := JSONVuln{Host: v.Asset, ID: v.Vuln, Program: v.Package, Range: rng, Consequence: "privEscalation"}
		if v.EPSS > 0 && v.EPSS <= 1 {
			p := v.EPSS
			jv.Likelihood = &p
		} else if ac := vectorMetrics(v.Vector)["AC"]; ac != "" {
			jv.Complexity = map[string]string{"L": "l", "M": "m", "H": "h"}[ac]
		}
		jm.Vulnerabilities = append(jm.Vulnerabilities, jv)
		switch rng {
		case "remoteExploit":
			if k := [2]string{v.Asset, v.Package}; !services[k] {
				services[k] = true
				jm.Services = append(jm.Services, JSONService{Host: v.Asset, Program: v.Package, Protocol: "*", Port: "*", Privilege: priv})
			}
		case "remoteClient":
			if !users[v.Asset] {
				users[v.Asset] = true
				for i := range jm.Hosts {
					if jm.Hosts[i].Name == v.Asset {
						jm.Hosts[i].Accounts = append(jm.Hosts[i].Accounts, JSONAccount{Principal: "users@" + v.Asset, Privilege: priv, Incompetent: true})
					}
				}
			}
		case "localExploit":
			jm.Setuid = append(jm.Setuid, JSONSetuid{Host: v.Asset, Program: v.Package, Owner: priv})
		}
	}
	m, err := jm.Model("inventory")
	return m, notes, err
}

// FindingsOnPaths maps each vulnerability id on a host ("host vuln") used by
// any of the paths to the goals of those paths, so a finding's priority can
// name the path it lies on.
func FindingsOnPaths(paths []AttackPath) map[[2]string][]string {
	out := map[[2]string][]string{}
	for _, p := range paths {
		for _, e := range p.Exploits {
			t, err := ParseTerm(e)
			if err != nil || len(t.Args) < 2 {
				continue
			}
			k := [2]string{t.Args[0].Name, t.Args[1].Name}
			if !contains(out[k], p.Goal) {
				out[k] = append(out[k], p.Goal)
			}
		}
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Summary is a path in one line: the attacker's hops and the exploits used,
// e.g. "internet → web1 (CVE-2024-1) → db1 (CVE-2024-2)".
func (p AttackPath) Summary() string {
	parts := []string{Attacker}
	for _, e := range p.Exploits {
		t, err := ParseTerm(e)
		if err != nil || len(t.Args) < 2 {
			continue
		}
		parts = append(parts, t.Args[0].Name+" ("+t.Args[1].Name+")")
	}
	return strings.Join(parts, " → ")
}
