package trust

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSM3 checks gmsm's SM3 against GB/T 32905-2016's example A.1 ("abc")
// and against keylime's SM3 allowlist of a file it ships.
func TestSM3(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"GB/T 32905 A.1", "abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"},
		{"GB/T 32905 A.2", strings.Repeat("abcd", 16), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"},
		{"keylime rootfs_data", string(read(t, "rootfs_data")), strings.Fields(string(read(t, "allowlist-keylime-sm3_256.txt")))[0]},
	} {
		if got := hex.EncodeToString(SM3.Sum([]byte(tc.in))); got != tc.want {
			t.Errorf("%s: SM3 = %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestParseGetcap(t *testing.T) {
	got, err := ParseGetcap("getcap.txt", strings.NewReader(string(read(t, "getcap-nuvoton-npct75x.txt"))))
	if err != nil {
		t.Fatal(err)
	}
	want := TPMInfo{Family: "2.0", Revision: "1.38", Manufacturer: "NTC", Model: "NPCT75xrls", Firmware: "7.2.1.0"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("-want +got\n%s", d)
	}
	for _, tc := range []struct{ name, in, err string }{
		{"empty", "", "getcap.txt: invalid trust snapshot: no TPM2_PT_ properties"},
		{"no family", "TPM2_PT_LEVEL:\n  raw: 0\n", "getcap.txt:1: TPM2_PT_FAMILY_INDICATOR: invalid trust snapshot: missing"},
		{"bad raw", "TPM2_PT_FAMILY_INDICATOR:\n  raw: 0xZZ\n", `getcap.txt:2: TPM2_PT_FAMILY_INDICATOR.raw: invalid trust snapshot: not a 32-bit number: "0xZZ"`},
		{"too big", "TPM2_PT_FAMILY_INDICATOR:\n  raw: 0x1FFFFFFFF\n", `getcap.txt:2: TPM2_PT_FAMILY_INDICATOR.raw: invalid trust snapshot: not a 32-bit number: "0x1FFFFFFFF"`},
		{"orphan raw", "  raw: 0x1\n", "getcap.txt:1: raw: invalid trust snapshot: no property before it"},
		{"junk", "TPM2_PT_FAMILY_INDICATOR:\n<xml/>\n", `getcap.txt:2: invalid trust snapshot: not a tpm2_getcap properties-fixed line: "<xml/>"`},
	} {
		_, err := ParseGetcap("getcap.txt", strings.NewReader(tc.in))
		if err == nil || err.Error() != tc.err || !errors.Is(err, ErrFormat) {
			t.Errorf("%s: error %v, want %s", tc.name, err, tc.err)
		}
	}
}

func TestParseSBState(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want SecureBoot
		err  string
	}{
		{in: "SecureBoot enabled\n", want: SBEnabled},
		{in: "\x1b[32mSecureBoot enabled\n\x1b[0m", want: SBEnabled},
		{in: "SecureBoot disabled\n", want: SBDisabled},
		{in: "SecureBoot enabled\nSecureBoot validation is disabled in shim\n", want: SBShimOff},
		{in: "SecureBoot disabled\nPlatform is in Setup Mode\n", want: SBSetupMode},
		{in: "This system doesn't support Secure Boot\n", want: SBUnsupported},
		{in: "EFI variables are not supported on this system\n", want: SBUnsupported},
		{in: "", err: "sb.txt: invalid trust snapshot: empty mokutil --sb-state output"},
		{in: "SecureBoot enabled\nmaybe\n", err: `sb.txt:2: invalid trust snapshot: not a mokutil --sb-state line: "maybe"`},
	} {
		got, err := ParseSBState("sb.txt", strings.NewReader(tc.in))
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("%q: error %v, want %s", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestParseIMA(t *testing.T) {
	for _, tc := range []struct {
		file     string
		entries  int
		boot     MeasuredBoot
		tampered []int
		files    int
	}{
		// The kernel's own list: every template hash holds.
		{"ima-ng-busybox.txt", 18, MBBypass, nil, 15},
		// A list edited after the kernel wrote it.
		{"ima-tampered.txt", 3, MBBypass, []int{3}, 1},
		// keylime's SM3 list: the /data entry's template hash is SM3 over
		// its fields; the zero boot aggregate is logged as a violation.
		{"ima-keylime-sm3_256.txt", 2, MBBypass, nil, 1},
		{"ima-keylime-sha256.txt", 2, MBAnchored, nil, 1},
	} {
		l, err := ParseIMA(tc.file, strings.NewReader(string(read(t, tc.file))))
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		files := 0
		for _, e := range l.Entries {
			if e.IsFile() {
				files++
			}
			again, err := parseMeasurement(tc.file, e.Line, e.String())
			if err != nil || again != e {
				t.Errorf("%s:%d: re-encoded %q reads as %+v, %v", tc.file, e.Line, e.String(), again, err)
			}
		}
		if len(l.Entries) != tc.entries || l.MeasuredBoot() != tc.boot || !slicesEqual(l.Tampered, tc.tampered) || files != tc.files {
			t.Errorf("%s: %d entries, %s, tampered %v, %d files; want %d, %s, %v, %d", tc.file, len(l.Entries), l.MeasuredBoot(), l.Tampered, files,
				tc.entries, tc.boot, tc.tampered, tc.files)
		}
	}
	h40, h64 := strings.Repeat("ab", 20), strings.Repeat("cd", 32)
	for _, tc := range []struct{ name, in, err string }{
		{"empty", "\n\n", "l.txt: invalid trust snapshot: no measurements"},
		{"pcr", "x " + h40 + " ima-ng sha256:" + h64 + " /bin/sh", `l.txt:1: pcr: invalid trust snapshot: not a PCR index 0-23: "x"`},
		{"pcr range", "24 " + h40 + " ima-ng sha256:" + h64 + " /bin/sh", `l.txt:1: pcr: invalid trust snapshot: not a PCR index 0-23: "24"`},
		{"template hash", "10 xyz ima-ng sha256:" + h64 + " /bin/sh", `l.txt:1: template-hash: invalid trust snapshot: not a hex digest: "xyz"`},
		{"template", "10 " + h40 + " evm sha256:" + h64 + " /bin/sh", `l.txt:1: template-name: invalid trust snapshot: unknown template "evm" (ima, ima-ng, ima-sig or ima-buf)`},
		{"algorithm", "10 " + h40 + " ima-ng md5:" + h64 + " /bin/sh", `l.txt:1: file-hash: invalid trust snapshot: not algorithm:hex (sha1, sha256, sha384, sha512, sm3): "md5:` + h64 + `"`},
		{"length", "10 " + h40 + " ima-ng sm3:" + h40 + " /bin/sh", `l.txt:1: file-hash: invalid trust snapshot: not a sm3 digest (64 hex digits): "` + h40 + `"`},
		{"path", "10 " + h40 + " ima-ng sha256:" + h64, "l.txt:1: path: invalid trust snapshot: missing"},
		{"long line", "10 " + h40 + " ima-ng sha256:" + h64 + " /" + strings.Repeat("a", MaxLineLen), "l.txt:1: invalid trust snapshot: line longer than 16384 bytes"},
	} {
		_, err := ParseIMA("l.txt", strings.NewReader(tc.in))
		if err == nil || err.Error() != tc.err {
			t.Errorf("%s: error\n%v\nwant\n%s", tc.name, err, tc.err)
		}
	}
}

func slicesEqual(a, b []int) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

// measured builds an IMA list line for content at path as the kernel
// would write it to the list of algorithm alg.
func measured(alg Algorithm, path, content string) string {
	m := Measurement{PCR: 10, Template: "ima-ng", Algorithm: alg, Prefix: string(alg), Digest: hex.EncodeToString(alg.Sum([]byte(content))), Path: path}
	m.TemplateHash = hex.EncodeToString(SHA1.Sum(templateData(m)))
	return m.String()
}

// TestVerifyTwoDeviations is the case: a list with one altered
// and one unknown binary against its manifest gives exactly two
// deviations, in SHA-256 and in SM3.
func TestVerifyTwoDeviations(t *testing.T) {
	for _, alg := range []Algorithm{SHA256, SM3} {
		t.Run(string(alg), func(t *testing.T) {
			sum := func(s string) string { return hex.EncodeToString(alg.Sum([]byte(s))) }
			list := strings.Join([]string{
				measured(alg, "boot_aggregate", "pcrs 0-9"),
				measured(alg, "/usr/bin/bash", "bash 5.2"),
				measured(alg, "/usr/sbin/sshd", "sshd with a backdoor"),
				measured(alg, "/tmp/.x/miner", "a miner"),
				measured(alg, "/usr/bin/bash", "bash 5.2"), // measured twice: counts once
			}, "\n")
			manifest := fmt.Sprintf("# reference\n%s %s /usr/bin/bash\n%s %s /usr/sbin/sshd\n", alg, sum("bash 5.2"), alg, sum("sshd 9.6"))
			l, err := ParseIMA("ascii_runtime_measurements", strings.NewReader(list))
			if err != nil {
				t.Fatal(err)
			}
			m, err := ParseManifest("manifest.txt", strings.NewReader(manifest))
			if err != nil {
				t.Fatal(err)
			}
			got := Verify(l, m)
			want := Comparison{Checked: 3, Matched: 1, Deviations: []Deviation{
				{Kind: Changed, Path: "/usr/sbin/sshd", Algorithm: alg, Measured: sum("sshd with a backdoor"), Expected: []string{sum("sshd 9.6")}, Line: 3},
				{Kind: Unknown, Path: "/tmp/.x/miner", Algorithm: alg, Measured: sum("a miner"), Line: 4},
			}}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("-want +got\n%s", d)
			}
			if l.MeasuredBoot() != MBAnchored || l.Tampered != nil {
				t.Errorf("boot %s, tampered %v", l.MeasuredBoot(), l.Tampered)
			}
		})
	}
}

// TestVerifyKeylime compares keylime's SM3 list with its SM3 allowlist,
// whose digests say no algorithm: the list's /data measurement is not
// rootfs_data's SM3, and the allowlist names "data", not "/data".
func TestVerifyKeylime(t *testing.T) {
	l, err := ParseIMA("ima", strings.NewReader(string(read(t, "ima-keylime-sm3_256.txt"))))
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseManifest("allowlist", strings.NewReader(string(read(t, "allowlist-keylime-sm3_256.txt"))))
	if err != nil {
		t.Fatal(err)
	}
	got := Verify(l, m)
	if got.Checked != 1 || len(got.Deviations) != 1 || got.Deviations[0].Kind != Unknown || got.Violations != 1 {
		t.Errorf("%+v", got)
	}
	m.Files["/data"] = m.Files["data"]
	if got := Verify(l, m); len(got.Deviations) != 1 || got.Deviations[0].Kind != Changed {
		t.Errorf("renamed: %+v", got)
	}
}

func TestParseManifest(t *testing.T) {
	h64 := strings.Repeat("ab", 32)
	m, err := ParseManifest("m", strings.NewReader("sha256 "+h64+" /usr/bin/a b\nsm3: "+h64+" /x\n"+h64+"  /y\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]Expected{"/usr/bin/a b": {{SHA256, h64, 1}}, "/x": {{SM3, h64, 2}}, "/y": {{"", h64, 3}}}
	if d := cmp.Diff(want, m.Files); d != "" {
		t.Errorf("-want +got\n%s", d)
	}
	p, err := ParseManifest("p.json", strings.NewReader(`{"meta":{"version":1},"digests":{"/usr/bin/kmod":["`+h64+`"]}}`))
	if err != nil || p.Entries != 1 {
		t.Errorf("policy: %+v, %v", p, err)
	}
	for _, tc := range []struct{ in, err string }{
		{"# nothing\n", "m: invalid trust snapshot: no digests"},
		{"sha256 abc /x\n", `m:1: digest: invalid trust snapshot: not hex: "abc"`},
		{"sm3 " + strings.Repeat("ab", 20) + " /x\n", "m:1: digest: invalid trust snapshot: a sm3 digest has 64 hex digits, not 40"},
		{strings.Repeat("ab", 10) + " /x\n", "m:1: digest: invalid trust snapshot: 20 hex digits is no SHA-1, SHA-256, SM3, SHA-384 or SHA-512 digest"},
		{"sha256 " + h64 + "\n", "m:1: path: invalid trust snapshot: missing"},
		{`{"digests":{"/x":["zz"]}}`, `m: digests["/x"][0]: invalid trust snapshot: not hex: "zz"`},
		{`{"digests":`, "m: digests: invalid trust snapshot: unexpected EOF"},
	} {
		_, err := ParseManifest("m", strings.NewReader(tc.in))
		if err == nil || err.Error() != tc.err {
			t.Errorf("%q: error\n%v\nwant\n%s", tc.in, err, tc.err)
		}
	}
}

func TestSnapshot(t *testing.T) {
	var s Snapshot
	for _, f := range []struct{ name, data string }{
		{"getcap.txt", string(read(t, "getcap-nuvoton-npct75x.txt"))},
		{"sb.txt", "SecureBoot enabled\n"},
		{"ima.txt", string(read(t, "ima-ng-busybox.txt"))},
		{"host.json", `{"root":"tcm","os":"Kylin V10","controls":["network isolation"],
			"components":[{"purl":"pkg:rpm/almalinux/libtpms@0.9.1-2.20211126git1ff6fe1f43.el9?distro=almalinux-9"}]}`},
	} {
		if err := s.Add(f.name, []byte(f.data)); err != nil {
			t.Fatal(err)
		}
	}
	p := s.Finish()
	if p.Root != RootTCM || p.RootVersion != "2.0 rev 1.38" || p.SecureBoot != SBEnabled || p.MeasuredBoot != MBBypass || p.Measurements != 18 {
		t.Errorf("%+v", p)
	}
	if d := cmp.Diff([]Gap{GapNoMeasurement}, p.Gaps()); d != "" {
		t.Errorf("gaps -want +got\n%s", d)
	}
	var purls []string
	for _, c := range p.Components {
		purls = append(purls, c.PURL)
	}
	want := []string{"pkg:rpm/almalinux/libtpms@0.9.1-2.20211126git1ff6fe1f43.el9?distro=almalinux-9", "pkg:generic/ntc-npct75xrls-tcm-firmware@7.2.1.0"}
	if d := cmp.Diff(want, purls); d != "" {
		t.Errorf("components -want +got\n%s", d)
	}
	for _, tc := range []struct{ data, err string }{
		{"hello", "x: invalid trust snapshot: not a tpm2_getcap, mokutil --sb-state, IMA measurement list or JSON snapshot document"},
		{`{"root":"tpm3"}`, `x: invalid trust snapshot: invalid trust snapshot: unknown root "tpm3"`},
		{`{"rooot":"tpm2"}`, `x: invalid trust snapshot: json: unknown field "rooot"`},
		{`{"components":[{"name":"x"}]}`, "x: components[0]: invalid trust snapshot: invalid asset: x: no ecosystem, purl or CPE to match by"},
	} {
		var s Snapshot
		if err := s.Add("x", []byte(tc.data)); err == nil || err.Error() != tc.err {
			t.Errorf("%q: error\n%v\nwant\n%s", tc.data, err, tc.err)
		}
	}
}

func TestGaps(t *testing.T) {
	for _, tc := range []struct {
		p    Posture
		want []Gap
	}{
		{Posture{Root: RootTPM2, SecureBoot: SBEnabled, MeasuredBoot: MBAnchored}, nil},
		{Posture{Root: RootNone, SecureBoot: SBUnsupported, MeasuredBoot: MBOff, LegacyOS: true}, []Gap{GapNoRoot, GapNoUEFI, GapNoMeasurement, GapLegacyOS}},
		{Posture{Root: RootTPM12, SecureBoot: SBShimOff}, []Gap{GapOldRoot, GapSecureBootOff, GapUnmeasured}},
		{Posture{}, []Gap{GapUnknownRoot, GapUnmeasured}},
	} {
		if d := cmp.Diff(tc.want, tc.p.Gaps()); d != "" {
			t.Errorf("%+v: -want +got\n%s", tc.p, d)
		}
	}
}
