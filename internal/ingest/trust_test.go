package ingest_test

import (
	"archive/zip"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/feed/osv"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/trust"
)

// imaLine is an ima-ng entry for content at path in the list of alg, its
// template hash (SHA-1, as in ascii_runtime_measurements) computed.
func imaLine(t *testing.T, alg trust.Algorithm, path, content string) string {
	t.Helper()
	d := hex.EncodeToString(alg.Sum([]byte(content)))
	// The template data: length-prefixed "alg:\0"+digest and path+"\0".
	raw, _ := hex.DecodeString(d)
	field := func(b []byte) []byte {
		n := len(b)
		return append([]byte{byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24)}, b...)
	}
	data := append(field(append([]byte(string(alg)+":\x00"), raw...)), field(append([]byte(path), 0))...)
	line := fmt.Sprintf("10 %x ima-ng %s:%s %s", trust.SHA1.Sum(data), alg, d, path)
	if _, err := trust.ParseIMA("line", strings.NewReader(line)); err != nil {
		t.Fatal(err)
	}
	return line
}

// The case: a measurement list with one altered and one unknown
// binary yields exactly two integrity findings against its manifest, in
// SHA-256 and in SM3; a re-measurement as the manifest expects resolves
// both, verified by it.
func TestVerifyIntegrityTwoFindings(t *testing.T) {
	for _, alg := range []trust.Algorithm{trust.SHA256, trust.SM3} {
		t.Run(string(alg), func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t)
			m := &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence}
			host := "plc-gw-" + string(alg)
			if _, err := m.ImportTrust(ctx, host, []ingest.File{{Name: "sb.txt", Data: []byte("SecureBoot enabled\n")}}, "alice"); err != nil {
				t.Fatal(err)
			}
			sum := func(s string) string { return hex.EncodeToString(alg.Sum([]byte(s))) }
			manifest := ingest.File{Name: "manifest.txt", Data: []byte(fmt.Sprintf("%s %s /usr/bin/bash\n%s %s /usr/sbin/sshd\n",
				alg, sum("bash 5.2"), alg, sum("sshd 9.6")))}
			list := func(lines ...string) ingest.File {
				return ingest.File{Name: "ascii_runtime_measurements", Data: []byte(strings.Join(lines, "\n") + "\n")}
			}
			boot := imaLine(t, alg, "boot_aggregate", "pcrs")
			v, err := m.VerifyIntegrity(ctx, host, list(boot, imaLine(t, alg, "/usr/bin/bash", "bash 5.2"),
				imaLine(t, alg, "/usr/sbin/sshd", "sshd with a backdoor"), imaLine(t, alg, "/dev/shm/.x/kworkerd", "a miner")), manifest, "alice")
			if err != nil {
				t.Fatal(err)
			}
			fs := findings(t, s, store.FindingQuery{Asset: host})
			var got []string
			for _, f := range fs {
				got = append(got, fmt.Sprintf("%s %s %s %s", f.Vuln, f.Package, f.Versions[0], f.State))
			}
			want := []string{
				"IMA-changed-binary /usr/sbin/sshd " + string(alg) + ":" + sum("sshd with a backdoor") + " new",
				"IMA-unknown-binary /dev/shm/.x/kworkerd " + string(alg) + ":" + sum("a miner") + " new",
			}
			slices.Sort(got)
			if !slices.Equal(got, want) || v.Opened != 2 || v.Result.Checked != 3 || v.Result.Matched != 1 {
				t.Errorf("findings\n%s\nwant\n%s\nverification %+v", strings.Join(got, "\n"), strings.Join(want, "\n"), v)
			}
			// The same list again changes nothing.
			if v, err := m.VerifyIntegrity(ctx, host, list(boot, imaLine(t, alg, "/usr/sbin/sshd", "sshd with a backdoor"),
				imaLine(t, alg, "/dev/shm/.x/kworkerd", "a miner")), manifest, "alice"); err != nil || v.Opened != 0 || v.Resolved != 0 {
				t.Errorf("again: %+v, %v", v, err)
			}
			// sshd reinstalled, the miner gone: both resolved.
			v, err = m.VerifyIntegrity(ctx, host, list(boot, imaLine(t, alg, "/usr/sbin/sshd", "sshd 9.6")), manifest, "bob")
			if err != nil || v.Resolved != 2 || v.Opened != 0 || len(v.Result.Deviations) != 0 {
				t.Errorf("re-measured: %+v, %v", v, err)
			}
			for _, f := range findings(t, s, store.FindingQuery{Asset: host}) {
				if f.State != finding.Verified {
					t.Errorf("%s %s: %s", f.Vuln, f.Package, f.State)
				}
			}
			if vs, err := s.ListVerifications(ctx, fs[0].AssetID); err != nil || len(vs) != 3 {
				t.Errorf("verifications: %d, %v", len(vs), err)
			}
		})
	}
}

// A TPM software stack named in the snapshot is matched like any
// component: AlmaLinux's libtpms before 0.9.1-3 on AlmaLinux 9 has the
// TPM 2.0 reference code's out-of-bounds read and write, CVE-2023-1017
// and CVE-2023-1018 (ALSA-2023:2453, from the shared OSV data).
func TestImportTrustMatchesTPMStack(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	zr, err := zip.OpenReader(feedtest.SharedData(t, "osv/AlmaLinux/all.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var recs []advisory.Record
	for _, f := range zr.File {
		if f.Name != "ALSA-2023:2453.json" {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		for r, err := range osv.Parse(f.Name, strings.NewReader(string(b))) {
			if err != nil {
				t.Fatal(err)
			}
			recs = append(recs, r)
		}
	}
	if len(recs) != 1 || !slices.Contains(recs[0].Related, "CVE-2023-1017") || !slices.Contains(recs[0].Related, "CVE-2023-1018") {
		t.Fatalf("ALSA-2023:2453 with CVE-2023-1017 and -1018 not in the shared data: %+v", recs)
	}
	if _, err := s.PutRecords(ctx, recs); err != nil {
		t.Fatal(err)
	}
	m := &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence}
	doc := `{"root": "tpm2", "os": "AlmaLinux 9.1", "components": [
		{"purl": "pkg:rpm/almalinux/libtpms@0.9.1-2.20211126git1ff6fe1f43.el9?distro=almalinux-9"}]}`
	out, err := m.ImportTrust(ctx, "kvm-host-7", []ingest.File{{Name: "host.json", Data: []byte(doc)}}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if out.Findings.Opened != 1 || len(out.Inventory.Added) != 1 {
		t.Fatalf("outcome %+v", out)
	}
	f := findings(t, s, store.FindingQuery{Asset: "kvm-host-7"})[0]
	v, err := s.Vuln(ctx, f.Vuln, store.VulnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if f.Package != "libtpms" || !slices.Contains(append(v.Aliases, v.ID), "ALSA-2023:2453") {
		t.Errorf("finding %s on %s (aliases %v)", f.Vuln, f.Package, v.Aliases)
	}
}
