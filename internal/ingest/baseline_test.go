package ingest_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/baseline"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
)

// TestImportSnapshot files the Debian default sshd_config against the
// OpenSSH baseline: the medium-or-worse rules it fails open findings
// (low ones do not), a hardened config resolves them as verified, and a
// snapshot without sshd_config leaves them alone.
func TestImportSnapshot(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	m := &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence, Now: func() time.Time { return at }}
	bs, err := baseline.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ssh, _ := baseline.Find(bs, "openssh-server")
	data, err := os.ReadFile("../baseline/testdata/debian12/sshd_config")
	if err != nil {
		t.Fatal(err)
	}
	read := func(text string) baseline.Snapshot {
		snap, err := baseline.Read([]baseline.Source{{Name: "sshd_config", Data: []byte(text)}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return snap
	}
	out, err := m.ImportSnapshot(ctx, "web-1", read(string(data)), []baseline.Baseline{ssh}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	open := func() []string {
		page, err := s.ListFindings(ctx, store.FindingQuery{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, f := range page.Items {
			if f.State.Open() {
				ids = append(ids, f.Vuln+" "+f.Package)
			}
		}
		slices.Sort(ids)
		return ids
	}
	want := []string{
		"BASELINE-openssh-server-SSH-01 sshd:PermitRootLogin",
		"BASELINE-openssh-server-SSH-02 sshd:PasswordAuthentication",
		"BASELINE-openssh-server-SSH-05 sshd:X11Forwarding",
	}
	if got := open(); !slices.Equal(got, want) || out.Findings.Opened != 3 {
		t.Fatalf("open findings %q (opened %d), want %q", got, out.Findings.Opened, want)
	}
	f := out.Changes[0].Finding
	if f.Evidence[0].Tool != "baseline/openssh-server" || f.Evidence[0].Detail != "expected no, actual prohibit-password (not set: sshd's default)" {
		t.Errorf("evidence %+v", f.Evidence)
	}
	v, err := s.Vuln(ctx, "BASELINE-openssh-server-SSH-01", store.VulnOptions{})
	if err != nil || v.ID != "BASELINE-openssh-server-SSH-01" {
		t.Errorf("the rule's record: %+v %v", v, err)
	}

	// No sshd_config: the rules are unknown, and the findings stay.
	at = at.Add(time.Hour)
	if _, err := m.ImportSnapshot(ctx, "web-1", baseline.Snapshot{Sysctl: map[string]string{}}, []baseline.Baseline{ssh}, "alice"); err != nil {
		t.Fatal(err)
	}
	if got := open(); !slices.Equal(got, want) {
		t.Fatalf("after a snapshot without sshd_config: %q", got)
	}

	// Hardened: root login and X11 forwarding off; passwords still on.
	at = at.Add(time.Hour)
	out, err = m.ImportSnapshot(ctx, "web-1", read(string(data)+"PermitRootLogin no\nx11forwarding=no\n"), []baseline.Baseline{ssh}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	// Debian's X11Forwarding yes comes first and wins: only root login
	// is fixed.
	want = want[1:]
	if got := open(); !slices.Equal(got, want) {
		t.Fatalf("after hardening: %q, want %q", got, want)
	}
	var verified *finding.Finding
	for _, ch := range out.Changes {
		if ch.Finding.State == finding.Verified {
			verified = &ch.Finding
		}
	}
	if verified == nil || verified.Package != "sshd:PermitRootLogin" {
		t.Fatalf("changes %+v", out.Changes)
	}
	ev := out.Snapshot.Evaluations[0]
	if len(ev.Changes) != 1 || ev.Changes[0].Rule != "SSH-01" || ev.Changes[0].To != baseline.Pass {
		t.Errorf("changes since the previous evaluation %+v", ev.Changes)
	}
}
