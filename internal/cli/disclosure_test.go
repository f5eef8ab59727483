package cli_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/cli"
)

// TestServeIntake runs vmc serve with the disclosure configuration and
// checks, over a real connection, that it routes the public intake to
// the API server: security.txt, the form, a report through the JSON
// route with its status link written with public-url, and that link's
// page.
func TestServeIntake(t *testing.T) {
	dir := t.TempDir()
	config := filepath.Join(dir, "vmc.yaml")
	if err := os.WriteFile(config, []byte("public-url: https://vmc.example.cn\ndisclosure:\n  security-txt:\n    contacts: [mailto:security@example.cn]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	out, errs := newSyncBuffer(), newSyncBuffer()
	done := make(chan int, 1)
	go func() {
		done <- cli.Run(ctx, []string{"serve", "--config", config, "--no-demo", "--addr", addr, "--data-dir", filepath.Join(dir, "data")}, out, errs)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d:\n%s", code, errs)
		}
	}()
	base := "http://" + addr
	waitFor(t, base+"/readyz", 30*time.Second, errs)

	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, body := get("/.well-known/security.txt")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" ||
		!strings.Contains(body, "Contact: mailto:security@example.cn\nContact: https://vmc.example.cn/security/report\nExpires: ") {
		t.Errorf("security.txt: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if resp, body := get("/security/report"); resp.StatusCode != http.StatusOK || !strings.Contains(body, `<form method="post" action="/security/report`) {
		t.Errorf("form: %d %.300s", resp.StatusCode, body)
	}
	resp, err := http.Post(base+"/api/v1/intake", "application/json", strings.NewReader(`{"title":"Open redirect","description":"/login?next=//evil.example"}`))
	if err != nil {
		t.Fatal(err)
	}
	var rc struct {
		Code        string `json:"code"`
		StatusToken string `json:"status_token"`
		StatusURL   string `json:"status_url"`
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	json.Unmarshal(b, &rc)
	if resp.StatusCode != http.StatusCreated || rc.StatusURL != "https://vmc.example.cn/security/report/"+rc.StatusToken {
		t.Fatalf("intake: %d %s", resp.StatusCode, b)
	}
	if resp, body := get("/security/report/" + rc.StatusToken); resp.StatusCode != http.StatusOK || !strings.Contains(body, rc.Code) {
		t.Errorf("status page: %d %.300s", resp.StatusCode, body)
	}
}
