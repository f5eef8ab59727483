package cli

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/incident"
)

// runEvidence runs `vmc evidence args...` as the root command would: the
// command is not registered in newRoot by this change.
func runEvidence(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newEvidence()
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// rezip copies a zip archive, replacing the bodies edit returns for an
// entry (nil keeps it, "" drops it) and appending extra entries.
func rezip(t *testing.T, name string, edit map[string]*string, extra map[string]string) {
	t.Helper()
	zr, err := zip.OpenReader(name)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if e, ok := edit[f.Name]; ok {
			if e == nil {
				continue
			}
			body = []byte(*e)
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	for n, body := range extra {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	zr.Close()
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestEvidenceBundleVerify(t *testing.T) {
	at := time.Date(2026, 11, 22, 8, 0, 0, 0, time.UTC)
	defer func(f func() time.Time) { evidenceNow = f }(evidenceNow)
	evidenceNow = func() time.Time { return at }

	dir := t.TempDir()
	const logText = "203.0.113.9 POST /upload.php 200\n"
	const mailText = "From: attacker@example.net\nSubject: invoice\n"
	logFile, mailFile := filepath.Join(dir, "access.log"), filepath.Join(dir, "phish.eml")
	os.WriteFile(logFile, []byte(logText), 0o600)
	os.WriteFile(mailFile, []byte(mailText), 0o600)
	bundle := filepath.Join(dir, "bundle.zip")

	out, err := runEvidence(t, "bundle", "--incident-title", "Webshell on shop-web", "--incident", "7", "--by", "alice",
		"--reason", "insurer's forensic review", "--to", "ir@forensics.example", "--clearance", "amber", "--tlp", "amber",
		"--out", bundle, logFile, mailFile)
	if err != nil {
		t.Fatalf("bundle: %v\n%s", err, out)
	}
	manifestLine := regexp.MustCompile(`(?m)^wrote .*bundle\.zip: 2 files, manifest sha256 ([0-9a-f]{64})\n\z`).FindStringSubmatch(out)
	wantFiles := "evidence/1-access.log  " + strconv.Itoa(len(logText)) + " bytes  sha256 " + sum(logText) + "\n" +
		"evidence/2-phish.eml  " + strconv.Itoa(len(mailText)) + " bytes  sha256 " + sum(mailText) + "\n"
	if manifestLine == nil || !strings.HasPrefix(out, wantFiles) {
		t.Fatalf("bundle output:\n%s\nwant it to start with\n%s", out, wantFiles)
	}
	manifestSum := manifestLine[1]

	out, err = runEvidence(t, "verify", bundle)
	want := bundle + `: incident 7 Webshell on shop-web, exported by alice at 2026-11-22T08:00:00Z for ir@forensics.example: insurer's forensic review
OK    manifest.json  sha256 ` + manifestSum + `
OK    evidence/1-access.log  ` + strconv.Itoa(len(logText)) + ` bytes  sha256 ` + sum(logText) + `
OK    evidence/2-phish.eml  ` + strconv.Itoa(len(mailText)) + ` bytes  sha256 ` + sum(mailText) + `
` + bundle + `: intact: the manifest and 2 files match (manifest sha256 ` + manifestSum + `)
`
	if err != nil || out != want {
		t.Fatalf("verify: %v\n-want\n%s\n+got\n%s", err, want, out)
	}

	// An existing bundle is never overwritten.
	if _, err := runEvidence(t, "bundle", "--incident-title", "T", "--by", "alice", "--reason", "r", "--out", bundle, logFile); err == nil ||
		err.Error() != bundle+" exists: evidence bundles are not overwritten; pick another --out" {
		t.Errorf("overwrite: %v", err)
	}

	// Tamper with one file, drop another, plant a third and a traversal.
	tampered := strings.Replace(logText, "200", "404", 1)
	rezip(t, bundle, map[string]*string{"evidence/1-access.log": &tampered, "evidence/2-phish.eml": nil},
		map[string]string{"../../etc/cron.d/x": "* * * * * root sh"})
	out, err = runEvidence(t, "verify", bundle)
	want = bundle + `: incident 7 Webshell on shop-web, exported by alice at 2026-11-22T08:00:00Z for ir@forensics.example: insurer's forensic review
OK    manifest.json  sha256 ` + manifestSum + `
FAIL  evidence/1-access.log: SHA-256 ` + sum(tampered) + `, the manifest says ` + sum(logText) + `
FAIL  evidence/2-phish.eml: missing from the bundle
FAIL  ../../etc/cron.d/x: unsafe path: refused
` + bundle + `: NOT INTACT: 3 of 4 checks failed
`
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 1 || !errors.Is(err, incident.ErrNotIntact) || err.Error() != bundle+": evidence bundle not intact (3 problems)" {
		t.Errorf("verify of a tampered bundle: %v, want exit 1", err)
	}
	if out != want {
		t.Errorf("verify:\n-want\n%s\n+got\n%s", want, out)
	}

	// An edited manifest is caught by its hash.
	other := filepath.Join(dir, "other.zip")
	if _, err := runEvidence(t, "bundle", "--incident-title", "T", "--by", "alice", "--reason", "r", "--out", other, logFile); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(other)
	if err != nil {
		t.Fatal(err)
	}
	var manifest string
	for _, f := range zr.File {
		if f.Name == incident.ManifestName {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			manifest = strings.Replace(string(b), `"collected_by": "alice"`, `"collected_by": "mallory"`, 1)
		}
	}
	zr.Close()
	rezip(t, other, map[string]*string{incident.ManifestName: &manifest}, nil)
	out, err = runEvidence(t, "verify", other)
	if !errors.As(err, &ee) || ee.code != 1 || !strings.Contains(out, "FAIL  manifest.json: SHA-256 "+sum(manifest)+", manifest.sha256 says ") {
		t.Errorf("edited manifest: %v\n%s", err, out)
	}

	// Not a bundle at all.
	if _, err := runEvidence(t, "verify", logFile); err == nil ||
		err.Error() != logFile+": not a readable evidence bundle: not a zip archive: zip: not a valid zip file" {
		t.Errorf("verify of a log file: %v", err)
	}
}

func TestEvidenceBundleRefuses(t *testing.T) {
	dir := t.TempDir()
	logFile := filepath.Join(dir, "access.log")
	os.WriteFile(logFile, []byte("x\n"), 0o600)
	os.WriteFile(filepath.Join(dir, "empty.log"), nil, 0o600)
	out := filepath.Join(dir, "b.zip")
	base := []string{"bundle", "--incident-title", "T", "--by", "alice", "--reason", "r", "--out", out}
	for _, tc := range []struct {
		name  string
		args  []string
		err   string
		usage bool
	}{
		{"no title", []string{"bundle", "--by", "alice", "--reason", "r", "--out", out, logFile}, "--incident-title is required for a bundle of local files", true},
		{"no reason", []string{"bundle", "--incident-title", "T", "--by", "alice", "--out", out, logFile}, "--reason is required: why the evidence leaves your hands", true},
		{"bad label", append(base, "--tlp", "purple", logFile), `--tlp: unknown TLP label "purple" (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)`, true},
		{"beyond the recipient's clearance", append(base, "--to", "bob", "--clearance", "green", logFile),
			"incident 0: withheld: TLP:RED is beyond bob's clearance (TLP:GREEN)", false},
		{"empty file", append(base, filepath.Join(dir, "empty.log")), filepath.Join(dir, "empty.log") + ": invalid evidence: empty.log: content: empty", false},
		{"a folder", append(base, dir), dir + ": not a regular file", false},
		{"no such file", append(base, filepath.Join(dir, "nope")), "open " + filepath.Join(dir, "nope") + ": no such file or directory", false},
	} {
		_, err := runEvidence(t, tc.args...)
		var ue usageError
		if err == nil || err.Error() != tc.err || errors.As(err, &ue) != tc.usage {
			t.Errorf("%s:\n got %v\nwant %s (usage %v)", tc.name, err, tc.err, tc.usage)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%s: a refused bundle was written", tc.name)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".evidence-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestQuoteUnprintable: text from a bundle cannot drive the terminal.
func TestQuoteUnprintable(t *testing.T) {
	for in, want := range map[string]string{
		"evidence/1-access.log": "evidence/1-access.log",
		"日志 1.txt":              "日志 1.txt",
		"x\x1b[2Jy":             `"x\x1b[2Jy"`,
		"a\nOK    b":            `"a\nOK    b"`,
	} {
		if got := quoteUnprintable(in); got != want {
			t.Errorf("quoteUnprintable(%q) = %s, want %s", in, got, want)
		}
	}
}
