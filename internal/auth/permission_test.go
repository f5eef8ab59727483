package auth

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// wantMatrix is the role → permission matrix spelled out, so that any
// change to it shows as a diff here: Y on every object, T on objects of
// the user's teams only, - never.
const wantMatrix = `
permission      admin analyst owner auditor reporter
vuln.read       Y     Y       Y     Y       -
asset.read      Y     Y       T     Y       -
asset.write     Y     Y       T     -       -
finding.read    Y     Y       T     Y       -
finding.triage  Y     Y       T     -       -
finding.accept  Y     Y       -     -       -
import.write    Y     Y       T     -       -
audit.read      Y     Y       -     Y       -
report.read     Y     Y       -     Y       -
report.submit   Y     -       -     -       Y
report.triage   Y     Y       -     -       -
process.read    Y     Y       -     Y       -
process.write   Y     Y       -     -       -
policy.write    Y     -       -     -       -
advisory.publish Y    Y       -     -       -
user.admin      Y     -       -     -       -
`

func TestMatrix(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(wantMatrix), "\n")
	header := strings.Fields(lines[0])[1:]
	if !slices.Equal(header, []string{"admin", "analyst", "owner", "auditor", "reporter"}) || len(header) != len(Roles) {
		t.Fatalf("wantMatrix header %v does not list the roles %v", header, Roles)
	}
	var seen []Permission
	for _, line := range lines[1:] {
		cells := strings.Fields(line)
		p := Permission(cells[0])
		seen = append(seen, p)
		cells = cells[1:]
		if len(cells) != len(Roles) {
			t.Fatalf("%s: %d cells for %d roles", p, len(cells), len(Roles))
		}
		for i, r := range Roles {
			if header[i] != r.String() {
				t.Fatalf("wantMatrix column %d is %s, Roles[%d] is %s", i, header[i], i, r)
			}
			u := User{Name: "u", Role: r, Teams: []string{"payments", "web"}}
			got := map[string]bool{
				"own team":   Can(u, p, "web"),
				"other team": Can(u, p, "billing"),
				"no team":    Can(u, p, ""),
				"some":       CanSome(u, p),
			}
			y, tm := cells[i] == "Y", cells[i] == "T"
			want := map[string]bool{"own team": y || tm, "other team": y, "no team": y, "some": y || tm}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s × %s (%s) (-want +got):\n%s", r, p, cells[i], diff)
			}
			u.Disabled = true
			if CanSome(u, p) || Can(u, p, "web") {
				t.Errorf("disabled %s holds %s", r, p)
			}
		}
	}
	if diff := cmp.Diff(Permissions, seen); diff != "" {
		t.Errorf("wantMatrix does not list every permission once, in order (-Permissions +wantMatrix):\n%s", diff)
	}
	for p := range matrix {
		if !p.IsValid() {
			t.Errorf("matrix grants unknown permission %q", p)
		}
	}
	// Nothing outside the vocabulary is granted, to anyone.
	for _, r := range append(Roles, "", "root") {
		if Can(User{Role: r, Teams: []string{"web"}}, "vuln.delete", "web") {
			t.Errorf("%q holds an unknown permission", r)
		}
	}
}

func TestOwnerWithoutTeams(t *testing.T) {
	// Validate refuses such a user, but Can must not fail open if one
	// gets through: no team, nothing team-bound.
	u := User{Name: "o", Role: Owner}
	if Can(u, FindingRead, "") || CanSome(u, FindingRead) {
		t.Error("owner without teams can read findings")
	}
	if !Can(u, VulnRead, "") {
		t.Error("owner cannot read vulnerabilities")
	}
}

func TestTeamsFor(t *testing.T) {
	owner := User{Name: "o", Role: Owner, Teams: []string{"payments", "web"}}
	tests := []struct {
		u     User
		p     Permission
		teams []string
		all   bool
	}{
		{owner, FindingRead, []string{"payments", "web"}, false},
		{owner, VulnRead, nil, true},
		{owner, AuditRead, nil, false},
		{User{Name: "a", Role: Analyst, Teams: []string{"sec"}}, FindingRead, nil, true},
		{User{Name: "r", Role: Reporter}, FindingRead, nil, false},
	}
	for _, tt := range tests {
		teams, all := TeamsFor(tt.u, tt.p)
		if !slices.Equal(teams, tt.teams) || all != tt.all {
			t.Errorf("TeamsFor(%s, %s) = %v, %v; want %v, %v", tt.u.Role, tt.p, teams, all, tt.teams, tt.all)
		}
	}
	teams, _ := TeamsFor(owner, FindingRead)
	teams[0] = "billing"
	if owner.Teams[0] != "payments" {
		t.Error("TeamsFor returned the user's own slice")
	}
}

func TestAllowed(t *testing.T) {
	analyst := User{Name: "ana", Role: Analyst}
	owner := User{Name: "olu", Role: Owner, Teams: []string{"web"}}
	ci := &Token{User: "ana", Scopes: []Scope{ScopeImport}}
	tests := []struct {
		name   string
		u      User
		tok    *Token
		p      Permission
		teamOf string
		want   bool
	}{
		{"session: role decides", analyst, nil, FindingTriage, "", true},
		{"import token may import", analyst, ci, ImportWrite, "web", true},
		{"import token may not read", analyst, ci, FindingRead, "", false},
		{"read token may not triage", analyst, &Token{User: "ana", Scopes: []Scope{ScopeRead}}, FindingTriage, "", false},
		{"write token may triage", analyst, &Token{User: "ana", Scopes: []Scope{ScopeWrite}}, FindingTriage, "", true},
		{"write token reads too", analyst, &Token{User: "ana", Scopes: []Scope{ScopeWrite}}, FindingRead, "", true},
		{"admin scope does not widen an analyst", analyst, &Token{User: "ana", Scopes: Scopes}, UserAdmin, "", false},
		{"scope does not widen an owner's teams", owner, &Token{User: "olu", Scopes: []Scope{ScopeRead}}, FindingRead, "billing", false},
		{"owner token on own team", owner, &Token{User: "olu", Scopes: []Scope{ScopeRead}}, FindingRead, "web", true},
		{"someone else's token", owner, &Token{User: "ana", Scopes: []Scope{ScopeRead}}, FindingRead, "web", false},
		{"token without scopes", analyst, &Token{User: "ana"}, VulnRead, "", false},
	}
	for _, tt := range tests {
		if got := Allowed(tt.u, tt.tok, tt.p, tt.teamOf); got != tt.want {
			t.Errorf("%s: Allowed(%s, %v, %s, %q) = %v, want %v", tt.name, tt.u.Name, tt.tok, tt.p, tt.teamOf, got, tt.want)
		}
	}
}

func TestPermissionText(t *testing.T) {
	for _, p := range Permissions {
		var got Permission
		if err := got.UnmarshalText([]byte(p.String())); err != nil || got != p {
			t.Errorf("UnmarshalText(%q) = %q, %v", p, got, err)
		}
	}
	var p Permission
	if err := p.UnmarshalText([]byte("finding.delete")); err == nil {
		t.Error("UnmarshalText accepted an unknown permission")
	}
}
