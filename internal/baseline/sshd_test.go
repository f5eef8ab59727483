package baseline

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseSSHD(t *testing.T) {
	main := Source{Name: "host1/sshd_config", Data: []byte(`Include /etc/ssh/sshd_config.d/*.conf
Include other.d/*.conf
permitrootlogin yes
PermitRootLogin no
X11Forwarding=no
AcceptEnv LANG
AcceptEnv LC_*
Banner "/etc/issue net"
Ciphers aes256-ctr # a trailing comment
Match User backup
  PasswordAuthentication yes
Match Address 10.0.0.0/8
  PermitRootLogin prohibit-password
`)}
	includes := []Source{
		{Name: "host1/sshd_config.d/50-cloud-init.conf", Data: []byte("PasswordAuthentication no\n")},
		{Name: "host1/sshd_config.d/10-first.conf", Data: []byte("PERMITROOTLOGIN forced-commands-only\n")},
		{Name: "host1/sshd_config.d/README", Data: []byte("not a conf\n")},
	}
	used := map[string]bool{}
	s, err := ParseSSHD(main, includes, used)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		// 10-first.conf sorts before 50-cloud-init.conf, and included
		// files come first: their values win.
		"permitrootlogin":        "forced-commands-only",
		"passwordauthentication": "no",
		"x11forwarding":          "no",
		"acceptenv":              "LANG LC_*",
		"banner":                 "/etc/issue net",
		"ciphers":                "aes256-ctr",
	}
	if fmt.Sprint(s.SSHD.Settings) != fmt.Sprint(want) {
		t.Errorf("settings\n got %v\nwant %v", s.SSHD.Settings, want)
	}
	if len(s.SSHD.Matches) != 2 || s.SSHD.Matches[0].Criteria != "User backup" || s.SSHD.Matches[0].Line != 10 ||
		s.SSHD.Matches[0].Settings["passwordauthentication"] != "yes" {
		t.Errorf("matches %+v", s.SSHD.Matches)
	}
	if !used["host1/sshd_config.d/50-cloud-init.conf"] || used["host1/sshd_config.d/README"] {
		t.Errorf("used %v", used)
	}
	if len(s.Notes) != 1 || !strings.Contains(s.Notes[0], "host1/sshd_config:2: Include /etc/ssh/other.d/*.conf: no such file given") {
		t.Errorf("notes %q", s.Notes)
	}

	// A Match block that weakens a setting fails the rule.
	r := Check{Kind: SSHD, Key: "PasswordAuthentication", Op: OneOf, Values: []string{"no"}, Default: "yes"}
	st, actual, note := r.evaluate(s)
	if st != Fail || actual != "no" || !strings.Contains(note, "Match User backup (host1/sshd_config:10) sets yes") {
		t.Errorf("PasswordAuthentication: %s %q %q", st, actual, note)
	}
}

func TestParseSSHDErrors(t *testing.T) {
	loop := Source{Name: "a/sshd_config.d/loop.conf", Data: []byte("Include /etc/ssh/sshd_config.d/loop.conf\n")}
	tests := []struct {
		name, in, want string
		includes       []Source
	}{
		{name: "no value", in: "\nPermitRootLogin\n", want: "sshd_config:2: PermitRootLogin: syntax error: missing argument"},
		{name: "bad keyword", in: "Permit-Root yes\n", want: `sshd_config:1: syntax error: "Permit-Root" is not a keyword`},
		{name: "quote", in: "Banner \"/etc/issue\n", want: "sshd_config:1: Banner: syntax error: unterminated quote"},
		{name: "long line", in: "Banner " + strings.Repeat("x", maxLine) + "\n", want: "sshd_config:1: syntax error: line longer than"},
		{name: "include loop", in: "Include /etc/ssh/sshd_config.d/loop.conf\n", includes: []Source{loop},
			want: "a/sshd_config.d/loop.conf:1: Include: syntax error: nested more than 16 deep"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSSHD(Source{Name: "sshd_config", Data: []byte(tc.in)}, tc.includes, map[string]bool{})
			var pe *ParseError
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.As(err, &pe) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("error %v, want a *ParseError containing %q", err, tc.want)
			}
		})
	}
}

// TestParseSSHDIncludeBomb: a file including itself ten times per line,
// nested, would be read 10^16 times; the reader stops at its budget.
func TestParseSSHDIncludeBomb(t *testing.T) {
	bomb := Source{Name: "a/sshd_config.d/b.conf", Data: []byte(strings.Repeat("Include /etc/ssh/sshd_config.d/b.conf\n", 10) + strings.Repeat("#", 1<<20))}
	_, err := ParseSSHD(Source{Name: "sshd_config", Data: []byte("Include /etc/ssh/sshd_config.d/b.conf\n")}, []Source{bomb}, map[string]bool{})
	if err == nil || !strings.Contains(err.Error(), "with its includes, more than") {
		t.Fatalf("error %v", err)
	}
}
