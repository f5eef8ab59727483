package auth

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// wantScopes is the scope → permission table spelled out.
var wantScopes = map[Scope][]Permission{
	ScopeRead:   {VulnRead, AssetRead, FindingRead, AuditRead, ReportRead, ProcessRead},
	ScopeWrite:  {VulnRead, AssetRead, FindingRead, AuditRead, ReportRead, ProcessRead, AssetWrite, FindingTriage, FindingAccept, ProcessWrite, ReportTriage, AdvisoryPublish},
	ScopeImport: {ImportWrite},
	ScopeReport: {ReportSubmit},
	ScopeAdmin:  {UserAdmin, PolicyWrite},
}

func TestScopes(t *testing.T) {
	got := map[Scope][]Permission{}
	for _, s := range Scopes {
		got[s] = s.Permissions()
	}
	if diff := cmp.Diff(wantScopes, got); diff != "" {
		t.Errorf("scope → permissions (-want +got):\n%s", diff)
	}
	// A permission no scope reaches could never be used with a token.
	for _, p := range Permissions {
		if !(Token{Scopes: Scopes}).Allows(p) {
			t.Errorf("no scope allows %s", p)
		}
	}
	for _, s := range Scopes {
		var back Scope
		if err := back.UnmarshalText([]byte(s.String())); err != nil || back != s {
			t.Errorf("UnmarshalText(%q) = %q, %v", s, back, err)
		}
	}
	var s Scope
	if err := s.UnmarshalText([]byte("*")); err == nil {
		t.Error("UnmarshalText accepted an unknown scope")
	}
}

func TestTokenValidate(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	_, id, _ := NewToken(TokenPrefix)
	ok := Token{ID: id, User: "ci-bot", Name: "gitlab-ci payments", Scopes: []Scope{ScopeImport, ScopeRead},
		Created: now, Expires: now.Add(90 * 24 * time.Hour)}
	tests := []struct {
		name string
		edit func(*Token)
		err  string
	}{
		{name: "valid"},
		{name: "a year exactly", edit: func(t *Token) { t.Expires = t.Created.Add(MaxTokenLifetime) }},
		{name: "created earlier", edit: func(t *Token) { t.Created = now.Add(-time.Hour) }},
		{name: "bad id", edit: func(t *Token) { t.ID = "ABC" }, err: `id: "ABC" is not 16 characters`},
		{name: "bad user", edit: func(t *Token) { t.User = "" }, err: "user: invalid user: name: empty"},
		{name: "no name", edit: func(t *Token) { t.Name = " " }, err: "name: empty"},
		{name: "long name", edit: func(t *Token) { t.Name = strings.Repeat("n", 101) }, err: "name: longer than 100 bytes"},
		{name: "control in name", edit: func(t *Token) { t.Name = "a\x1b[2Jb" }, err: "name: contains a control character"},
		{name: "no scopes", edit: func(t *Token) { t.Scopes = nil }, err: "scopes: none"},
		{name: "unknown scope", edit: func(t *Token) { t.Scopes = []Scope{ScopeRead, "all"} }, err: `scopes[1]: unknown "all"`},
		{name: "duplicate scope", edit: func(t *Token) { t.Scopes = []Scope{ScopeRead, ScopeRead} }, err: `scopes[1]: "read" listed twice`},
		{name: "no created", edit: func(t *Token) { t.Created = time.Time{} }, err: "created: not set"},
		{name: "created in future", edit: func(t *Token) { t.Created = now.Add(time.Minute) }, err: "created: 2026-03-01T12:01:00Z is in the future"},
		{name: "no expiry", edit: func(t *Token) { t.Expires = time.Time{} }, err: "expires: not set; every token expires, in at most 365 days"},
		{name: "expired", edit: func(t *Token) { t.Expires = now }, err: "expires: 2026-03-01T12:00:00Z is not in the future"},
		{name: "over a year", edit: func(t *Token) { t.Expires = t.Created.Add(MaxTokenLifetime + time.Second) },
			err: "expires: 2027-03-01T12:00:01Z is more than 365 days after created 2026-03-01T12:00:00Z"},
	}
	for _, tt := range tests {
		tok := ok
		tok.Scopes = append([]Scope(nil), ok.Scopes...)
		if tt.edit != nil {
			tt.edit(&tok)
		}
		err := tok.Validate(now)
		if tt.err == "" {
			if err != nil {
				t.Errorf("%s: Validate() = %v, want nil", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrInvalidToken) {
			t.Errorf("%s: Validate() = %v, want ErrInvalidToken containing %q", tt.name, err, tt.err)
		}
	}
}

func TestTokenExpired(t *testing.T) {
	exp := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	tok := Token{Expires: exp}
	for _, tt := range []struct {
		now  time.Time
		want bool
	}{
		{exp.Add(-time.Nanosecond), false},
		{exp, true},
		{exp.Add(time.Hour), true},
	} {
		if got := tok.Expired(tt.now); got != tt.want {
			t.Errorf("Expired(%s) = %v, want %v", tt.now, got, tt.want)
		}
	}
}
