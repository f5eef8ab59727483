package baseline

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestParseLists(t *testing.T) {
	read := func(p string) []byte {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	// dpkg -l and dpkg-query -W of one machine list the same packages.
	l, err := ParseDpkgList("dpkg-l.txt", read("testdata/debian12/dpkg-l.txt"))
	if err != nil {
		t.Fatal(err)
	}
	q, err := ParseDpkgQuery("dpkg-query-W.txt", read("testdata/debian12/dpkg-query-W.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Packages) != len(q.Packages) || len(l.Packages) < 700 {
		t.Errorf("dpkg -l %d packages, dpkg-query -W %d", len(l.Packages), len(q.Packages))
	}
	for i := range l.Packages {
		if l.Packages[i].Name != q.Packages[i].Name || l.Packages[i].Version != q.Packages[i].Version {
			t.Fatalf("package %d: dpkg -l %+v, dpkg-query %+v", i, l.Packages[i], q.Packages[i])
		}
	}
	for _, tc := range []struct {
		file       string
		n          int
		name, vers string
	}{
		{"testdata/ubi8-s390x.txt", 181, "tzdata", "2022a-1.el8"},
		{"testdata/centos7-plain.txt", 144, "tzdata", "2018e-3.el7"},
	} {
		s, err := ParseRPM(tc.file, read(tc.file))
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Packages) != tc.n || s.Packages[0].Name != tc.name || s.Packages[0].Version != tc.vers {
			t.Errorf("%s: %d packages, first %+v", tc.file, len(s.Packages), s.Packages[0])
		}
	}
	sc, err := ParseSystemctl("units", read("testdata/debian12/systemctl-list-unit-files.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Services) != 214 || sc.Services["proc-sys-fs-binfmt_misc.mount"] != "disabled" {
		t.Errorf("%d units", len(sc.Services))
	}
	sy, err := ParseSysctl("sysctl", read("testdata/debian12/sysctl-a.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if sy.Sysctl["kernel.randomize_va_space"] != "2" || len(sy.Sysctl) < 1000 {
		t.Errorf("%d keys, randomize_va_space %q", len(sy.Sysctl), sy.Sysctl["kernel.randomize_va_space"])
	}
}

func TestParseListErrors(t *testing.T) {
	tests := []struct {
		name  string
		parse func(string, []byte) (Snapshot, error)
		in    string
		want  string
	}{
		{"sysctl no =", ParseSysctl, "kernel.x = 1\nkernel.y 2\n", "f:2: kernel.y 2: syntax error: want key = value"},
		{"dpkg-l no ruler", ParseDpkgList, "ii  bash 5.2 amd64 shell\n", `f: syntax error: no "+++-" ruler`},
		{"dpkg-l short", ParseDpkgList, "+++-===\nii  bash\n", "f:2: syntax error: want status, name and version"},
		{"dpkg-query", ParseDpkgQuery, "bash 5.2\n", "f:1: syntax error: want name<TAB>version"},
		{"dpkg-query arch only", ParseDpkgQuery, ":amd64\t1.0\n", "f:1: name: syntax error: empty"},
		{"rpm", ParseRPM, "bash\n", "f:1: syntax error: want name-version-release.arch"},
		{"systemctl header", ParseSystemctl, "ssh.service enabled enabled\n", `f:1: syntax error: want the "UNIT FILE STATE" header`},
		{"snapshot field", ParseSnapshot, `{"packages":[{"name":"a","version":"1","format":"apk"}]}`, `f: packages[0].format: syntax error: want deb or rpm, not "apk"`},
		{"snapshot json", ParseSnapshot, "{\n\"sysctl\": {\"a\": 1}}", "f:2: syntax error: json: cannot unmarshal number"},
		{"snapshot unknown", ParseSnapshot, `{"sysctls": {}}`, `unknown field "sysctls"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.parse("f", []byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrSyntax) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name, head string
		want       Format
	}{
		{"snap.json", "{\"sshd\":{}}", FormatJSON},
		{"x/sshd_config", "# comment\nPort 22\n", FormatSSHD},
		{"x/sshd_config.d/a.conf", "Port 22\n", formatInclude},
		{"out.txt", "abi.vsyscall32 = 1\n", FormatSysctl},
		{"out.txt", "Desired=Unknown/Install\n", FormatDpkgList},
		{"out.txt", "adduser\t3.134\n", FormatDpkgQuery},
		{"out.txt", "tzdata-2018e-3.el7.noarch\n", FormatRPM},
		{"out.txt", "tzdata (none):2022a-1.el8 noarch\n", FormatRPM},
		{"out.txt", "UNIT FILE    STATE   PRESET\n", FormatSystemctl},
		{"out.txt", "hello\n", formatUnknown},
	}
	for _, tc := range tests {
		if got := Sniff(tc.name, []byte(tc.head)); got != tc.want {
			t.Errorf("Sniff(%q, %q) = %q, want %q", tc.name, tc.head, got, tc.want)
		}
	}
}
