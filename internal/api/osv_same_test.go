package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/api"
	"github.com/vmc-dev/vmc/internal/export"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
)

// TestOSVSameAsExport: for real Go and RustSec vulnerabilities, the OSV
// API's /v1/vulns/{id} serves field for field the record vmc export
// --format osv writes: one conversion (export.Document, osv.Entry).
func TestOSVSameAsExport(t *testing.T) {
	s := osvData(t)
	ctx := context.Background()
	srv := httptest.NewServer((&api.Server{Store: s, Matcher: &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Handler())
	defer srv.Close()
	p, err := s.ListVulns(ctx, store.VulnQuery{Limit: 150, Sort: "id"})
	if err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, v := range p.Items {
		res, err := export.Vuln(ctx, s, export.Request{ID: v.ID, Format: "osv", Actor: "test", Now: time.Now()})
		if err != nil {
			t.Logf("%s: not exported: %v", v.ID, err)
			continue
		}
		resp, err := http.Get(srv.URL + "/v1/vulns/" + v.ID)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v %s", v.ID, resp.StatusCode, err, body)
		}
		var fromAPI, fromExport map[string]any
		if err := json.Unmarshal(body, &fromAPI); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(res.Body, &fromExport); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(fromExport, fromAPI); diff != "" {
			t.Errorf("%s: API -export +api:\n%s", v.ID, diff)
		}
		compared++
	}
	if compared < 100 {
		t.Errorf("only %d vulnerabilities compared", compared)
	}
}
