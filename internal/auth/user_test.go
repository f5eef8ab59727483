package auth

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestRoleText(t *testing.T) {
	for _, r := range Roles {
		var got Role
		if err := got.UnmarshalText([]byte(r.String())); err != nil || got != r {
			t.Errorf("UnmarshalText(%q) = %q, %v", r, got, err)
		}
	}
	for _, bad := range []string{"", "Admin", "root", "security analyst", "owner "} {
		var r Role
		if err := r.UnmarshalText([]byte(bad)); err == nil {
			t.Errorf("UnmarshalText(%q) accepted an unknown role", bad)
		}
	}
}

func TestValidateName(t *testing.T) {
	tests := []struct {
		name string
		err  string // "" when valid; else a substring of the error
	}{
		{name: "alice"},
		{name: "li.wei"},
		{name: "ci-bot_2"},
		{name: "alice@example.com"},
		{name: "0day"},
		{name: strings.Repeat("a", 64)},
		{name: "", err: "name: empty"},
		{name: strings.Repeat("a", 65), err: "longer than 64"},
		{name: "Alice", err: "must start with a letter or digit"},
		{name: "alIce", err: `character 3 'I' not allowed`},
		{name: "-admin", err: "must start with a letter or digit"},
		{name: "..", err: "must start with a letter or digit"},
		{name: "_x", err: "must start with a letter or digit"},
		{name: "al ice", err: `character 3 ' ' not allowed`},
		{name: "alice/bob", err: `character 6 '/' not allowed`},
		{name: "李伟", err: "must start with a letter or digit"},
		{name: "li伟", err: `character 3 '伟' not allowed`},
		{name: "a\xff", err: "character 2 '\ufffd' not allowed"},
		{name: "system", err: `"system" is reserved`},
	}
	for _, tt := range tests {
		err := ValidateName(tt.name)
		if tt.err == "" {
			if err != nil {
				t.Errorf("ValidateName(%q) = %v, want nil", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrInvalidUser) {
			t.Errorf("ValidateName(%q) = %v, want ErrInvalidUser containing %q", tt.name, err, tt.err)
		}
	}
}

func TestUserValidate(t *testing.T) {
	ok := User{Name: "alice", Display: "李伟 (Li Wei)", Role: Owner, Teams: []string{"payments", "Team Blue"},
		Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	tests := []struct {
		name string
		edit func(*User)
		err  string
	}{
		{name: "valid owner"},
		{name: "analyst without teams", edit: func(u *User) { u.Role, u.Teams = Analyst, nil }},
		{name: "disabled", edit: func(u *User) { u.Disabled = true }},
		{name: "bad name", edit: func(u *User) { u.Name = "Alice" }, err: "name:"},
		{name: "no role", edit: func(u *User) { u.Role = "" }, err: `role: unknown ""`},
		{name: "unknown role", edit: func(u *User) { u.Role = "root" }, err: `role: unknown "root"`},
		{name: "owner without teams", edit: func(u *User) { u.Teams = nil }, err: "an owner needs at least one team"},
		{name: "empty team", edit: func(u *User) { u.Teams = []string{"payments", " "} }, err: "teams[1]: empty"},
		{name: "padded team", edit: func(u *User) { u.Teams = []string{"payments "} }, err: "teams[0]: \"payments \" has leading or trailing space"},
		{name: "duplicate team", edit: func(u *User) { u.Teams = []string{"a", "b", "a"} }, err: `teams[2]: "a" listed twice`},
		{name: "control in team", edit: func(u *User) { u.Teams = []string{"a\nb"} }, err: "teams[0]: contains a control character"},
		{name: "long team", edit: func(u *User) { u.Teams = []string{strings.Repeat("t", 129)} }, err: "teams[0]: longer than 128 bytes"},
		{name: "too many teams", edit: func(u *User) { u.Teams = make([]string, 65) }, err: "teams: more than 64"},
		{name: "display with newline", edit: func(u *User) { u.Display = "Eve\nadmin logged in" }, err: "display: contains a control character"},
		{name: "display bad UTF-8", edit: func(u *User) { u.Display = "\xff" }, err: "display: not valid UTF-8"},
		{name: "display too long", edit: func(u *User) { u.Display = strings.Repeat("x", 129) }, err: "display: longer than 128 bytes"},
	}
	for _, tt := range tests {
		u := ok
		u.Teams = append([]string(nil), ok.Teams...)
		if tt.edit != nil {
			tt.edit(&u)
		}
		err := u.Validate()
		if tt.err == "" {
			if err != nil {
				t.Errorf("%s: Validate() = %v, want nil", tt.name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrInvalidUser) {
			t.Errorf("%s: Validate() = %v, want ErrInvalidUser containing %q", tt.name, err, tt.err)
		}
	}
}
