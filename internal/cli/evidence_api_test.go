package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/api"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/cli"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
)

// TestVerifyAPIBundle: a bundle exported through the API is one `vmc
// evidence verify` finds intact, with the manifest hash the API
// announced.
func TestVerifyAPIBundle(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.PutUser(ctx, auth.User{Name: "alice", Role: auth.Analyst}, "", "test"); err != nil {
		t.Fatal(err)
	}
	token, id, hash := auth.NewToken(auth.TokenPrefix)
	now := time.Now().UTC()
	if err := s.PutToken(ctx, auth.Token{ID: id, User: "alice", Name: "cli", Scopes: auth.Scopes, Created: now, Expires: now.Add(time.Hour)}, hash, "test"); err != nil {
		t.Fatal(err)
	}
	in, err := s.PutIncident(ctx, incident.Incident{Title: "Webshell on shop-web", Category: incident.Exploitation, Severity: incident.SevHigh,
		Marking: incident.Marking{TLP: incident.Amber}, Detected: now}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer((&api.Server{Store: s, Matcher: &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	defer srv.Close()
	call := func(path, contentType string, body io.Reader) *http.Response {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, srv.URL+path, body)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", contentType)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	for name, content := range map[string]string{
		"access.log": "10.9.8.7 - - [20/Nov/2026:08:14:03 +0000] \"GET /uploads/cmd.jsp?c=id HTTP/1.1\" 200 41\n",
		"日志.txt":     "webshell found in /var/www/uploads\n",
	} {
		resp := call(fmt.Sprintf("/api/v1/incidents/%d/evidence?name=%s&tlp=amber", in.ID, url.QueryEscape(name)), "text/plain", strings.NewReader(content))
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("upload %s: %d", name, resp.StatusCode)
		}
	}
	resp := call(fmt.Sprintf("/api/v1/incidents/%d/evidence/bundle", in.ID), "application/json", strings.NewReader(`{"reason":"handover to CERT"}`))
	bundle, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("bundle: %d %s %v", resp.StatusCode, bundle, err)
	}
	name := filepath.Join(t.TempDir(), "incident.zip")
	if err := os.WriteFile(name, bundle, 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	if code := cli.Run(ctx, []string{"evidence", "verify", name}, &out, &errs); code != 0 {
		t.Fatalf("verify: exit %d\n%s%s", code, out.String(), errs.String())
	}
	sum := resp.Header.Get("Vmc-Manifest-Sha256")
	for _, want := range []string{
		fmt.Sprintf("incident %d Webshell on shop-web, exported by alice at ", in.ID),
		" for alice: handover to CERT\n",
		"OK    evidence/1-",
		"OK    evidence/2-",
		"intact: the manifest and 2 files match (manifest sha256 " + sum + ")",
	} {
		if sum == "" || !strings.Contains(out.String(), want) {
			t.Errorf("verify output lacks %q:\n%s", want, out.String())
		}
	}
}
