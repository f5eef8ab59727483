package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// csafTool returns the path of a gocsaf tool (v3.7.0) named by the
// environment variable env, which .ci/run sets after installing it. A
// missing tool skips the test loudly, and fails it under CI.
func csafTool(t *testing.T, env string) string {
	t.Helper()
	p := os.Getenv(env)
	if p == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: .ci/run installs gocsaf v3.7.0 and sets it", env)
		}
		t.Skipf("SKIPPED — %s is not set: install gocsaf v3.7.0 (GOBIN=$PWD/.tools/bin go install github.com/gocsaf/csaf/v3/cmd/csaf_checker@v3.7.0 .../csaf_downloader@v3.7.0) and point %s at the binary", env, env)
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s: %v", env, err)
	}
	return p
}

// vmcRun runs vmc with args and fails the test unless it exits 0.
func vmcRun(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	if code := Run(context.Background(), args, &out, &errb); code != 0 {
		t.Fatalf("vmc %s: exit %d\n%s%s", strings.Join(args, " "), code, out.String(), errb.String())
	}
	return out.String()
}

// seedPublications gives a database what the provider publishes and
// what it must not: a published TLP:CLEAR advisory, a published one
// under embargo, a published own identifier naming a real Go record,
// and a reserved one.
func seedPublications(t *testing.T, data string) {
	t.Helper()
	seedPublicationsOn(t, []string{"--data-dir", data})
}

// seedPublicationsOn is seedPublications with the database named by
// flags d (--data-dir, or --db).
func seedPublicationsOn(t *testing.T, d []string) {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"gcve.yaml": "identifiers:\n  gna: 424\n",
		"shop.yaml": `title: "Acme Shop: remote code execution through product image upload"
lang: en
level: standard
criticality: critical
summary: Acme Shop's back office accepts any file as a product image, which the web server then runs.
products:
  - purl: pkg:maven/com.acme.shop/shop-core
    ranges:
      - {introduced: 2.0.0, fixed: 2.4.1}
cvss:
  - CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H
cwes: [CWE-434]
references:
  - {type: ADVISORY, url: "https://psirt.acme.example/advisories/shop-upload"}
remediation: Update shop-core to 2.4.1.
`,
		"gateway.yaml": `title: "Acme Gateway: authentication bypass"
lang: en
level: minimal
criticality: important
summary: The gateway's admin interface can be reached without a session.
products:
  - {vendor: Acme Corp, name: Acme Gateway, versions: ["7.1"], ranges: [{introduced: "7.1", fixed: "7.3"}]}
cvss:
  - CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N
remediation: Upgrade to 7.3.
`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	vmcRun(t, append([]string{"import", filepath.Join(feedtest.SharedData(t, ""), "osv", "schema", "linter-testdata", "GO-2020-0001.json")}, d...)...)
	vmcRun(t, append([]string{"id", "reserve", "--config", filepath.Join(dir, "gcve.yaml"), "--year", "2026", "--title", "Unsanitised log output in gin", "--as", "alice"}, d...)...)
	vmcRun(t, append([]string{"id", "reserve", "--config", filepath.Join(dir, "gcve.yaml"), "--year", "2026", "--title", "not published yet", "--as", "alice"}, d...)...)
	vmcRun(t, append([]string{"id", "publish", "GCVE-424-2026-0001", "--vuln", "GHSA-6vm3-jj99-7229", "--as", "alice"}, d...)...)
	vmcRun(t, append([]string{"advisory", "settings", "--prefix", "ACME-SA", "--name", "Acme Corp PSIRT", "--namespace", "https://psirt.acme.example", "--contact", "psirt@acme.example", "--csaf-base", "https://psirt.acme.example/.well-known/csaf/white", "--as", "admin"}, d...)...)
	vmcRun(t, append([]string{"incident", "report", "--title", "Webshell on shop-web", "--category", "exploitation", "--severity", "high", "--tlp", "clear", "--detected", "2026-11-20T08:00:00Z", "--as", "alice"}, d...)...)
	vmcRun(t, append([]string{"advisory", "new", "1", "--file", filepath.Join(dir, "shop.yaml"), "--cve", "CVE-2026-41234", "--as", "alice"}, d...)...)
	vmcRun(t, append([]string{"advisory", "new", "1", "--file", filepath.Join(dir, "gateway.yaml"), "--cve", "CVE-2026-41299", "--as", "alice"}, d...)...)
	for _, id := range []string{"CVE-2026-41234", "CVE-2026-41299"} {
		vmcRun(t, append([]string{"advisory", "finalise", id, "--as", "alice"}, d...)...)
		if id == "CVE-2026-41299" {
			vmcRun(t, append([]string{"advisory", "edit", id, "--tlp", "clear", "--embargo-until", "2099-01-01", "--embargo-recipient", "alice", "--summary", "For publication when the embargo ends", "--as", "alice"}, d...)...)
		}
		vmcRun(t, append([]string{"advisory", "publish", id, "--as", "carol"}, d...)...)
	}
}

// changedGo20200001 writes GO-2020-0001 as it changes upstream: its
// details grow, and its modified time moves on; it returns the file.
func changedGo20200001(t *testing.T) string {
	t.Helper()
	orig, err := os.ReadFile(filepath.Join(feedtest.SharedData(t, ""), "osv", "schema", "linter-testdata", "GO-2020-0001.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(orig, &rec); err != nil {
		t.Fatal(err)
	}
	rec["details"] = fmt.Sprint(rec["details"], " The fix escapes every control character.")
	rec["modified"] = "2026-11-01T00:00:00Z"
	changed, _ := json.Marshal(rec)
	upd := filepath.Join(t.TempDir(), "GO-2020-0001.json")
	if err := os.WriteFile(upd, changed, 0o644); err != nil {
		t.Fatal(err)
	}
	return upd
}

// checkerReport is the part of csaf_checker's JSON report the tests read.
type checkerReport struct {
	Domains []struct {
		Name         string `json:"name"`
		Passed       bool   `json:"passed"`
		Role         string `json:"role"`
		Requirements []struct {
			Num         int    `json:"num"`
			Description string `json:"description"`
			Messages    []struct {
				Type int    `json:"type"`
				Text string `json:"text"`
			} `json:"messages"`
		} `json:"requirements"`
	} `json:"domains"`
}

// runChecker runs csaf_checker against host (127.0.0.1:PORT) and fails
// unless it reports a passed csaf_trusted_provider with no error in any
// requirement but 10, the csaf.data.security.<domain> DNS name, which
// cannot exist for a loopback address. Its exit code is 0 whatever it
// finds (gocsaf v3.7.0), so only the report counts.
func runChecker(t *testing.T, checker, host string) {
	t.Helper()
	report := filepath.Join(t.TempDir(), "report.json")
	out, err := exec.Command(checker, "--insecure", "-f", "json", "-o", report, host).CombinedOutput()
	if err != nil {
		t.Fatalf("csaf_checker: %v\n%s", err, out)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("csaf_checker wrote no report: %v\n%s", err, out)
	}
	var r checkerReport
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("report: %v\n%s", err, b)
	}
	if len(r.Domains) != 1 {
		t.Fatalf("report has %d domains, want 1\n%s", len(r.Domains), b)
	}
	dom := r.Domains[0]
	if dom.Role != "csaf_trusted_provider" {
		t.Errorf("role %q, want csaf_trusted_provider", dom.Role)
	}
	if !dom.Passed {
		t.Errorf("csaf_checker: %s did not pass", host)
	}
	seen := map[int]bool{}
	for _, req := range dom.Requirements {
		seen[req.Num] = true
		for _, m := range req.Messages {
			switch {
			case m.Type == 2 && req.Num != 10:
				t.Errorf("requirement %d (%s): error: %s", req.Num, req.Description, m.Text)
			case m.Type >= 1:
				t.Logf("requirement %d (%s): %s", req.Num, req.Description, m.Text)
			}
		}
	}
	for n := 1; n <= 20; n++ {
		if n != 5 && !seen[n] {
			// 5 (TLP:AMBER and RED access-protected) has nothing to
			// check: the provider publishes no such document.
			t.Errorf("requirement %d missing from the report", n)
		}
	}
}

// runDownloader runs BSI's csaf_downloader against the provider and
// fails unless it downloaded want documents with every hash and
// signature good. Its exit code is 0 whatever happens; its JSON log's
// "Download statistics" line says what did.
func runDownloader(t *testing.T, dl, metadata string, want int) {
	t.Helper()
	dir := t.TempDir()
	logFile := filepath.Join(dir, "dl.log")
	out, err := exec.Command(dl, "--insecure", "-d", filepath.Join(dir, "out"), "--log_file", logFile, "--log_level", "info", metadata).CombinedOutput()
	if err != nil {
		t.Fatalf("csaf_downloader: %v\n%s", err, out)
	}
	b, _ := os.ReadFile(logFile)
	for line := range strings.Lines(string(b)) {
		var st struct {
			Msg         string `json:"msg"`
			Succeeded   int    `json:"succeeded"`
			TotalFailed int    `json:"total_failed"`
		}
		if json.Unmarshal([]byte(line), &st) != nil || st.Msg != "Download statistics" {
			continue
		}
		if st.Succeeded != want || st.TotalFailed != 0 {
			t.Errorf("csaf_downloader: %s", line)
		}
		t.Logf("csaf_downloader: %s", strings.TrimSpace(line))
		return
	}
	t.Errorf("csaf_downloader logged no statistics:\n%s\n%s", b, out)
}

// freePort returns a loopback address nothing listens on just now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestCSAFProviderServe runs `vmc serve` with the provider on, behind a
// TLS-terminating proxy on loopback as a deployment has one, and checks
// it with BSI's csaf_checker; then a second vmc syncs it with `vmc feed
// sync csaf` (vmc to vmc over CSAF), verifying hashes and signatures.
func TestCSAFProviderServe(t *testing.T) {
	checker := csafTool(t, "VMC_CSAF_CHECKER")
	data := t.TempDir()
	seedPublications(t, data)

	addr := freePort(t)
	backend, _ := url.Parse("http://" + addr)
	proxy := httptest.NewUnstartedServer(httputil.NewSingleHostReverseProxy(backend))
	proxy.StartTLS()
	defer proxy.Close()
	t.Setenv("VMC_PUBLIC_URL", proxy.URL)
	t.Setenv("VMC_CSAF_PROVIDER__ENABLED", "true")
	t.Setenv("VMC_DISCLOSURE__SECURITY_TXT__CONTACTS", "mailto:psirt@acme.example")

	ctx, cancel := context.WithCancel(context.Background())
	var logs bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"serve", "--addr", addr, "--no-demo", "--data-dir", data}, &logs, &logs)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exit %d\n%s", code, logs.String())
		}
	}()
	client := proxy.Client()
	metadata := proxy.URL + "/.well-known/csaf/provider-metadata.json"
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := client.Get(metadata)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("provider not served after 30 s: %v\n%s", err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(logs.String(), "CSAF provider signing key generated") {
		t.Errorf("serve did not say it generated the signing key:\n%s", logs.String())
	}
	res, err := client.Get(proxy.URL + "/.well-known/security.txt")
	if err != nil {
		t.Fatal(err)
	}
	sec := new(bytes.Buffer)
	sec.ReadFrom(res.Body)
	res.Body.Close()
	if !strings.Contains(sec.String(), "\nCSAF: "+metadata+"\n") {
		t.Errorf("security.txt has no CSAF field naming %s:\n%s", metadata, sec)
	}

	runChecker(t, checker, strings.TrimPrefix(proxy.URL, "https://"))
	if dl := os.Getenv("VMC_CSAF_DOWNLOADER"); dl != "" {
		runDownloader(t, dl, metadata, 2)
	}

	// vmc to vmc: another database syncs the provider as any CSAF
	// provider, trusting the proxy's certificate.
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: proxy.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VMC_FEEDS__CSAF__CA_FILE", caFile)
	peer := t.TempDir()
	out, err := runFeed(t, "sync", "csaf", "--provider", metadata, "--data-dir", peer)
	if err != nil {
		t.Fatalf("feed sync csaf: %v\n%s", err, out)
	}
	wantLines(t, out, "fetched 2 files,")
	show := vmcRun(t, "vuln", "show", "GCVE-424-2026-0001", "--data-dir", peer)
	if !strings.Contains(show, "CVE-2020-36567") {
		t.Errorf("the peer's GCVE-424-2026-0001 lacks the CVE alias:\n%s", show)
	}
	vmcRun(t, "vuln", "show", "CVE-2026-41234", "--data-dir", peer)
	var e, o bytes.Buffer
	if code := Run(context.Background(), []string{"vuln", "show", "CVE-2026-41299", "--data-dir", peer}, &o, &e); code == 0 {
		t.Errorf("the advisory under embargo reached the peer:\n%s", o.String())
	}
}

// TestCSAFProviderBuild writes the provider as a static tree, serves it
// with Go's file server over TLS and checks it with csaf_checker; then a
// changed record gets a new revision on the next build while an
// unchanged advisory is served again byte for byte.
func TestCSAFProviderBuild(t *testing.T) {
	checker := csafTool(t, "VMC_CSAF_CHECKER")
	data := t.TempDir()
	seedPublications(t, data)
	site := filepath.Join(t.TempDir(), "site")
	srv := httptest.NewUnstartedServer(http.FileServer(http.Dir(site)))
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	defer srv.Close()

	out := vmcRun(t, "csaf", "provider", "build", site, "--url", srv.URL, "--contact", "mailto:psirt@acme.example", "--data-dir", data)
	wantLines(t, out, site+": 2 documents (2 new, 0 revised), key ", "skipped ACME-SA-2026-0002: withheld: under embargo until 2099-01-01T00:00:00Z")
	runChecker(t, checker, strings.TrimPrefix(srv.URL, "https://"))

	white := filepath.Join(site, ".well-known", "csaf", "white")
	advisory := filepath.Join(white, "2026", "acme-sa-2026-0001.json")
	gcve := filepath.Join(white, "2026", "gcve-424-2026-0001.json")
	before := map[string][]byte{}
	for _, p := range []string{advisory, advisory + ".asc", gcve} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		before[p] = b
	}
	upd := changedGo20200001(t)
	vmcRun(t, "import", upd, "--data-dir", data)

	out = vmcRun(t, "csaf", "provider", "build", site, "--url", srv.URL, "--contact", "mailto:psirt@acme.example", "--data-dir", data)
	wantLines(t, out, site+": 2 documents (0 new, 1 revised), key ")
	for _, p := range []string{advisory, advisory + ".asc"} {
		b, _ := os.ReadFile(p)
		if !bytes.Equal(b, before[p]) {
			t.Errorf("%s changed although the advisory did not", filepath.Base(p))
		}
	}
	var doc struct {
		Document struct {
			Tracking struct {
				Version         string `json:"version"`
				Current         string `json:"current_release_date"`
				RevisionHistory []struct {
					Number, Summary string
				} `json:"revision_history"`
			} `json:"tracking"`
		} `json:"document"`
	}
	b, _ := os.ReadFile(gcve)
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	tr := doc.Document.Tracking
	n := len(tr.RevisionHistory)
	if n < 2 || tr.Version != fmt.Sprint(n) || tr.RevisionHistory[n-1].Summary != "Updated: the vulnerability record changed" {
		t.Errorf("revised document's tracking: version %s, history %+v", tr.Version, tr.RevisionHistory)
	}
	// changes.csv lists the revision, newest first. Its times have whole
	// seconds, so when both builds fall in one second the advisory ties
	// with the revision and either may come first: the revision must be
	// listed, and nothing before it may be newer.
	changes, _ := os.ReadFile(filepath.Join(white, "changes.csv"))
	first, _, _ := strings.Cut(string(changes), "\n")
	_, firstAt, _ := strings.Cut(first, ",")
	if !strings.Contains(string(changes), "2026/gcve-424-2026-0001.json,"+tr.Current+"\n") || firstAt != tr.Current {
		t.Errorf("changes.csv is %q, want the revised document at %s among the newest", changes, tr.Current)
	}
	runChecker(t, checker, strings.TrimPrefix(srv.URL, "https://"))
}
