package exercise

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/scan"
)

// sqli is a manual finding as a tester writes one up: an SQL injection
// (CWE-89) with the CVSS 3.1 vector of a remote, unauthenticated,
// high-impact flaw.
func sqli() ManualFinding {
	return ManualFinding{ID: 1, Exercise: 1, Asset: "shop-api", Title: "SQL injection in order lookup",
		Description:      "The id parameter of /api/orders is concatenated into SQL.",
		StepsToReproduce: "GET /api/orders?id=1'+OR+'1'='1 returns every order.",
		Location:         "https://shop.example.com/api/orders?id=1", CWEs: []int{89, 89},
		CVSS: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Reporter: "bob", Found: day("2026-11-03")}
}

func TestNormalise(t *testing.T) {
	in := sqli()
	in.Vulns = []string{"cve-2020-28483"}
	got, err := in.Normalise()
	if err != nil {
		t.Fatal(err)
	}
	if got.Score != 9.8 || got.Severity != scan.SevCritical || !cmp.Equal(got.CWEs, []int{89}) || !cmp.Equal(got.Vulns, []string{"CVE-2020-28483"}) {
		t.Errorf("normalised: score %v severity %s cwes %v vulns %v", got.Score, got.Severity, got.CWEs, got.Vulns)
	}
	if in.Severity != "" || len(in.CWEs) != 2 {
		t.Error("Normalise changed the finding it was called on")
	}
	rated := sqli()
	rated.Severity = scan.SevHigh // the tester's rating stands
	if got, _ := rated.Normalise(); got.Severity != scan.SevHigh {
		t.Errorf("tester's severity replaced by %s", got.Severity)
	}
	for _, tc := range []struct {
		name string
		edit func(*ManualFinding)
		err  string
	}{
		{"no title", func(f *ManualFinding) { f.Title = "" }, "manual finding title: empty"},
		{"no steps", func(f *ManualFinding) { f.StepsToReproduce = "\n" }, "manual finding steps_to_reproduce: empty"},
		{"bad cvss", func(f *ManualFinding) { f.CVSS = "CVSS:3.1/AV:X" }, "manual finding cvss: cvss"},
		{"bad cwe", func(f *ManualFinding) { f.CWEs = []int{-1} }, "manual finding cwes[0]: -1 is not a CWE id"},
		{"bad vuln", func(f *ManualFinding) { f.Vulns = []string{"not an id"} }, `manual finding vulns[0]: "not an id" is not a vulnerability id`},
		{"bad severity", func(f *ManualFinding) { f.Severity = "severe" }, `manual finding severity: "severe" is not one of`},
		{"bad purl", func(f *ManualFinding) { f.Package = "gin 1.5.0" }, `manual finding package: "gin 1.5.0" is not a purl`},
		{"no reporter", func(f *ManualFinding) { f.Reporter = "" }, "manual finding reporter"},
		{"no asset", func(f *ManualFinding) { f.Asset = "" }, "manual finding asset"},
	} {
		f := sqli()
		tc.edit(&f)
		_, err := f.Normalise()
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

func TestNewAttachment(t *testing.T) {
	at := time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)
	// The SHA-256 of "abc" is FIPS 180-2's first example.
	a, err := NewAttachment(1, `C:\Users\bob\evidence\abc.txt`, "text/plain; charset=utf-8", []byte("abc"), "bob", at)
	if err != nil {
		t.Fatal(err)
	}
	want := Attachment{Finding: 1, Name: "abc.txt", MediaType: "text/plain", Size: 3,
		SHA256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Added: at, By: "bob"}
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("attachment -want +got:\n%s", diff)
	}
	if err := a.Verify([]byte("abc")); err != nil {
		t.Error(err)
	}
	if err := a.Verify([]byte("abd")); err == nil {
		t.Error("changed content verifies")
	}
	if a, _ := NewAttachment(1, "../../etc/passwd", "", []byte("x"), "bob", at); a.Name != "passwd" || a.MediaType != "application/octet-stream" {
		t.Errorf("a path as a name: %+v", a)
	}
	if _, err := NewAttachment(1, "big.pcap", "", bytes.Repeat([]byte{0}, MaxAttachment+1), "bob", at); !errors.Is(err, ErrTooLarge) ||
		!strings.Contains(err.Error(), "attachments are at most 20 MiB") {
		t.Errorf("over the limit: %v", err)
	}
	if _, err := NewAttachment(1, "exact.bin", "", bytes.Repeat([]byte{0}, MaxAttachment), "bob", at); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	for name, tc := range map[string]struct{ name, mt, content string }{
		"empty":          {"a.txt", "", ""},
		"no name":        {"..", "", "x"},
		"bad media type": {"a.txt", "text/", "x"},
	} {
		if _, err := NewAttachment(1, tc.name, tc.mt, []byte(tc.content), "bob", at); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestRetestValidate(t *testing.T) {
	if err := (Retest{Result: Fixed, By: "bob"}).Validate(); err != nil {
		t.Error(err)
	}
	if err := (Retest{Result: "maybe", By: "bob"}).Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown result: %v", err)
	}
}

func TestReports(t *testing.T) {
	e := shopPentest()
	a, _ := sqli().Normalise()
	gin := ManualFinding{ID: 2, Exercise: 1, Asset: "shop-api", Title: "Outdated gin with a known flaw", StepsToReproduce: "See go.mod.",
		Vulns: []string{"CVE-2020-28483"}, Package: "pkg:golang/github.com/gin-gonic/gin@v1.5.0", Severity: scan.SevMedium, Reporter: "bob"}
	ssh := ManualFinding{ID: 3, Exercise: 1, Asset: "bastion", Title: "SSH accepts passwords", StepsToReproduce: "ssh -o PubkeyAuthentication=no",
		Location: "22/tcp", Severity: scan.SevLow, Reporter: "carol",
		Retests: []Retest{{Result: StillVulnerable}, {Result: Fixed}}}
	kinds := map[string]asset.Kind{"shop-api": asset.KindApplication, "bastion": asset.KindHost}
	got := Reports(e, []ManualFinding{a, gin, ssh}, func(n string) asset.Kind { return kinds[n] })
	if len(got) != 2 || got[0].Asset != "shop-api" || got[1].Asset != "bastion" {
		t.Fatalf("reports: %+v", got)
	}
	shop := got[0].Report
	want := &scan.Report{Tool: "exercise-1", Started: day("2026-11-01"),
		Targets: []scan.Target{{Kind: scan.TargetWeb, Name: "shop-api"}},
		Results: []scan.Result{
			{Rule: "MF-1", Title: "SQL injection in order lookup", CWEs: []int{89}, Severity: scan.SevCritical, ToolSeverity: "critical",
				Score: 9.8, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Location: "https://shop.example.com/api/orders?id=1",
				Description: "The id parameter of /api/orders is concatenated into SQL.", Evidence: "GET /api/orders?id=1'+OR+'1'='1 returns every order."},
			{Rule: "MF-2", Title: "Outdated gin with a known flaw", IDs: []string{"CVE-2020-28483"}, Severity: scan.SevMedium, ToolSeverity: "medium",
				Evidence: "See go.mod.", Package: &scan.Package{Ecosystem: "Go", Name: "github.com/gin-gonic/gin", Version: "v1.5.0", PURL: "pkg:golang/github.com/gin-gonic/gin@v1.5.0"}},
		}}
	if diff := cmp.Diff(want, shop); diff != "" {
		t.Errorf("shop-api report -want +got:\n%s", diff)
	}
	// The SSH finding was retested fixed: the bastion's report has its
	// target and no result, so importing it resolves the finding.
	if b := got[1].Report; len(b.Results) != 0 || len(b.Targets) != 1 || b.Targets[0].Kind != scan.TargetHost {
		t.Errorf("bastion report: %+v", b)
	}
	ssh.Retests = ssh.Retests[:1]
	got = Reports(e, []ManualFinding{ssh}, func(n string) asset.Kind { return kinds[n] })
	if rs := got[0].Report.Results; len(rs) != 1 || got[0].Report.Targets[rs[0].Target].Kind != scan.TargetHost {
		t.Errorf("still vulnerable: %+v", got[0].Report)
	}
	for loc, want := range map[string]scan.TargetKind{"443/tcp": scan.TargetHost, "10.0.0.5:8443": scan.TargetHost, "https://x.example/": scan.TargetWeb,
		"src/app.py:12": scan.TargetSource, "": scan.TargetImage, "login form": scan.TargetImage} {
		if got := targetKind(loc, scan.TargetImage); got != want {
			t.Errorf("targetKind(%q) = %s, want %s", loc, got, want)
		}
	}
}
