package report

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/risk"
)

// update rewrites golden files instead of comparing with them:
// go test ./internal/report/ -update
var update = flag.Bool("update", false, "rewrite golden files")

// at is when the test reports are generated.
var at = time.Date(2026, 11, 23, 15, 4, 0, 0, time.UTC)

// titles are the sample findings' titles per language; the last ones are
// hostile.
var titles = map[Lang][]string{
	English: {
		"Apache Log4j2 remote code execution (Log4Shell)",
		"=cmd|' /C calc'!A0",
		"Heap overflow in \"parse\", reachable via crafted input,\nsecond line, \"quoted\"",
		"\t=1+1 hidden behind a tab",
		"OpenSSL: X.509 email address buffer overflow",
	},
	Chinese: {
		"Apache Log4j2 远程代码执行漏洞（Log4Shell）",
		"=cmd|' /C calc'!A0",
		"“parse” 函数堆溢出，可经构造的输入触发,\n第二行，\"引号\"",
		"\t=1+1 藏在制表符后",
		"OpenSSL X.509 电子邮件地址缓冲区溢出漏洞",
	},
}

// sampleRows are findings in every corner the reports handle: breached
// and not, no due date, unknown priority, hostile text in every field.
func sampleRows(lang Lang) []FindingRow {
	t := titles[lang]
	team := map[Lang]string{English: "payments", Chinese: "支付团队"}[lang]
	return []FindingRow{
		{ID: 101, Asset: "web-01.prod", Team: team, Vuln: "CVE-2021-44228", Title: t[0], Package: "org.apache.logging.log4j:log4j-core",
			Version: "2.14.1, 2.15.0", Priority: risk.PriorityCritical, State: finding.InRemediation,
			Due: at.AddDate(0, 0, -3), Breached: true, Assignee: "alice", FirstSeen: at.AddDate(0, 0, -10)},
		{ID: 102, Asset: "@SUM(A1:A9)", Team: "+team", Vuln: "GHSA-xxxx-yyyy-zzzz", Title: t[1], Package: "calc",
			Version: "1.0", Priority: risk.PriorityHigh, State: finding.New,
			Due: at.AddDate(0, 0, 27), Assignee: "-bob", FirstSeen: at.AddDate(0, 0, -3)},
		{ID: 103, Asset: "db-02", Team: team, Vuln: "CVE-2024-0001", Title: t[2], Package: "libparse",
			Version: "0.9", Priority: risk.PriorityMedium, State: finding.RiskAccepted,
			Due: at.AddDate(0, 0, -1), Assignee: "", FirstSeen: at.AddDate(0, -4, 0)},
		{ID: 104, Asset: "\rcr-host", Team: team, Vuln: "CVE-2024-0002", Title: t[3], Package: "tabby",
			Version: "3", Priority: risk.PriorityLow, State: finding.Verified, FirstSeen: at.AddDate(-1, 0, 0)},
		{ID: 105, Asset: "mail-01", Team: team, Vuln: "CVE-2022-3602", Title: t[4] + " \xff\xfe", Package: "openssl",
			Version: "3.0.6", Priority: "", State: finding.Triaged, Due: at.AddDate(0, 0, 5), Assignee: "张三", FirstSeen: at.AddDate(0, 0, -2)},
	}
}

// sampleMetrics computes metrics over outcomes shaped like sampleRows.
func sampleMetrics() finding.Metrics {
	day := 24 * time.Hour
	var outs []finding.Outcome
	for i := range 40 {
		p := risk.Priorities[i%4]
		first := at.Add(-time.Duration(30+i) * day)
		due := first.Add(time.Duration(7*(4-i%4)) * day)
		o := finding.Outcome{Priority: p, FirstSeen: first, Due: due, State: finding.States[i%len(finding.States)]}
		if !o.State.Open() {
			o.Closed = first.Add(time.Duration(3+i%20) * day)
		}
		outs = append(outs, o)
	}
	return finding.ComputeMetrics(outs, at)
}

func sampleFindings(lang Lang) Findings {
	filter := map[Lang]string{English: "team: payments; state: open", Chinese: "团队：支付团队；状态：未关闭"}[lang]
	return Findings{GeneratedAt: at, Lang: lang, Filter: filter, Rows: sampleRows(lang), Metrics: sampleMetrics()}
}

func sampleSLA(lang Lang) SLA {
	return SLA{GeneratedAt: at, Lang: lang, Metrics: sampleMetrics(), Policies: finding.DefaultPolicies()}
}

// golden compares got with testdata/name, or writes it there under
// -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs; -want +got:\n%s", path, cmp.Diff(strings.Split(string(want), "\n"), strings.Split(string(got), "\n")))
	}
}

func TestNewRow(t *testing.T) {
	f := finding.Finding{
		ID: 7, Asset: "web-01", Vuln: "CVE-2021-44228", Package: "log4j-core", Versions: []string{"2.14.1", "2.15.0"},
		Priority: risk.PriorityCritical, State: finding.Triaged, Assignee: "alice",
		Due: at.Add(-time.Hour), FirstSeen: at.AddDate(0, 0, -8),
	}
	tests := []struct {
		name  string
		state finding.State
		due   time.Time
		want  bool
	}{
		{"open past due", finding.Triaged, at.Add(-time.Hour), true},
		{"open before due", finding.Triaged, at.Add(time.Hour), false},
		{"risk accepted past due", finding.RiskAccepted, at.Add(-time.Hour), false},
		{"closed past due", finding.Verified, at.Add(-time.Hour), false},
		{"no due date", finding.Triaged, time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := f
			f.State, f.Due = tt.state, tt.due
			got := NewRow(f, "payments", "Log4Shell", at)
			want := FindingRow{ID: 7, Asset: "web-01", Team: "payments", Vuln: "CVE-2021-44228", Title: "Log4Shell",
				Package: "log4j-core", Version: "2.14.1, 2.15.0", Priority: risk.PriorityCritical, State: tt.state,
				Due: tt.due, Breached: tt.want, Assignee: "alice", FirstSeen: f.FirstSeen}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("NewRow: -want +got:\n%s", diff)
			}
		})
	}
}

// TestInvalid: every renderer refuses what it cannot render, with an
// error that says why and wraps ErrInvalid, and writes nothing.
func TestInvalid(t *testing.T) {
	tests := []struct {
		name string
		lang Lang
		at   time.Time
		want string
	}{
		{"unknown language", "fr", at, `invalid report: language "fr": want en or zh-CN`},
		{"no language", "", at, `invalid report: language "": want en or zh-CN`},
		{"language tag case", "zh-cn", at, `invalid report: language "zh-cn": want en or zh-CN`},
		{"no time", English, time.Time{}, "invalid report: generated-at time not set"},
	}
	for _, tt := range tests {
		render := map[string]func(*bytes.Buffer) error{
			"FindingsCSV": func(b *bytes.Buffer) error { return FindingsCSV(b, Findings{Lang: tt.lang, GeneratedAt: tt.at}) },
			"FindingsPDF": func(b *bytes.Buffer) error { return FindingsPDF(b, Findings{Lang: tt.lang, GeneratedAt: tt.at}) },
			"SLACSV":      func(b *bytes.Buffer) error { return SLACSV(b, SLA{Lang: tt.lang, GeneratedAt: tt.at}) },
			"SLAPDF":      func(b *bytes.Buffer) error { return SLAPDF(b, SLA{Lang: tt.lang, GeneratedAt: tt.at}) },
		}
		for fn, r := range render {
			t.Run(tt.name+"/"+fn, func(t *testing.T) {
				var b bytes.Buffer
				err := r(&b)
				if err == nil || err.Error() != tt.want {
					t.Errorf("error = %v, want %q", err, tt.want)
				}
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("error %v does not wrap ErrInvalid", err)
				}
				if b.Len() != 0 {
					t.Errorf("wrote %d bytes", b.Len())
				}
			})
		}
	}
}

func TestLangUnmarshal(t *testing.T) {
	tests := []struct {
		in      string
		want    Lang
		wantErr string
	}{
		{"en", English, ""},
		{"zh-CN", Chinese, ""},
		{"zh", "", `invalid report: language "zh": want en or zh-CN`},
		{"", "", `invalid report: language "": want en or zh-CN`},
	}
	for _, tt := range tests {
		var l Lang
		err := l.UnmarshalText([]byte(tt.in))
		if got := fmt.Sprint(err); (tt.wantErr == "" && err != nil) || (tt.wantErr != "" && got != tt.wantErr) {
			t.Errorf("UnmarshalText(%q) error = %v, want %q", tt.in, err, tt.wantErr)
		}
		if l != tt.want {
			t.Errorf("UnmarshalText(%q) = %q, want %q", tt.in, l, tt.want)
		}
	}
}
