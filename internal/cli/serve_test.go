package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/cli"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine to write while
// the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{} }

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// TestServeDemo starts the centre as the README's first command does, on an
// empty data directory, and checks that it answers /healthz, turns ready
// with the demo data in, says the first admin's password once, refuses the
// API without signing in, serves the merged Log4Shell record to the admin,
// and shuts down cleanly when its context ends (as on SIGINT).
func TestServeDemo(t *testing.T) {
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	out, errs := newSyncBuffer(), newSyncBuffer()
	done := make(chan int, 1)
	go func() {
		done <- cli.Run(ctx, []string{"serve", "--addr", addr, "--data-dir", filepath.Join(t.TempDir(), "data")}, out, errs)
	}()
	base := "http://" + addr
	waitFor(t, base+"/readyz", 30*time.Second, errs)

	resp, err := http.Get(base + "/api/v1/vulns")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("without signing in: %d %s, want 401 problem+json", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	m := regexp.MustCompile(`first admin created.* password=(\S+)`).FindStringSubmatch(errs.String())
	if m == nil {
		t.Fatalf("the log does not give the first admin's password:\n%s", errs)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	signIn, err := client.Post(base+"/api/v1/session", "application/json", strings.NewReader(`{"name":"admin","password":"`+m[1]+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	signIn.Body.Close()
	if signIn.StatusCode != http.StatusOK {
		t.Fatalf("sign in: %s", signIn.Status)
	}
	getJSON := func(t *testing.T, url string, v any) { t.Helper(); getJSONWith(t, client, url, v) }

	var page struct {
		Items []struct {
			ID      string   `json:"id"`
			Sources []string `json:"sources"`
			KEV     bool     `json:"kev"`
		} `json:"items"`
		Next string `json:"next"`
	}
	getJSON(t, base+"/api/v1/vulns?limit=100", &page)
	// 24 CVE records, into which the OSV, NVD and KEV records merge, and
	// two CVEs known only from the EPSS file.
	if len(page.Items) != 26 {
		t.Errorf("demo data: %d vulnerabilities listed, want 26", len(page.Items))
	}
	var v struct {
		ID      string   `json:"id"`
		Aliases []string `json:"aliases"`
		Sources []struct {
			Source string `json:"source"`
		} `json:"sources"`
	}
	getJSON(t, base+"/api/v1/vulns/cve-2021-44228", &v)
	var srcs []string
	for _, s := range v.Sources {
		srcs = append(srcs, s.Source)
	}
	if v.ID != "CVE-2021-44228" || strings.Join(srcs, ",") != "cve5,nvd,kev" {
		t.Errorf("Log4Shell: id %s, sources %v; want CVE-2021-44228 from cve5,nvd,kev", v.ID, srcs)
	}
	// An alias from another source reaches the same record.
	getJSON(t, base+"/api/v1/vulns/BIT-php-2024-4577", &v)
	if v.ID != "CVE-2024-4577" {
		t.Errorf("BIT-php-2024-4577 resolves to %s, want CVE-2024-4577", v.ID)
	}
	resp, err = client.Get(base + "/api/v1/vulns/CVE-1999-99999")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("unknown id: %d %s, want 404 problem+json", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d after shutdown; stderr:\n%s", code, errs)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not shut down")
	}
	if !strings.Contains(errs.String(), "demo data loaded") {
		t.Errorf("log does not say the demo data loaded:\n%s", errs)
	}
}

func waitFor(t *testing.T, url string, limit time.Duration, log fmt.Stringer) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s not ready within %v; log:\n%s", url, limit, log)
}

func getJSONWith(t *testing.T, client *http.Client, url string, v any) {
	t.Helper()
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}
