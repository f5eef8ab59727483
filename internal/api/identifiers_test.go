package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/feed/osv"
	"github.com/vmc-dev/vmc/internal/ident"
	"github.com/vmc-dev/vmc/internal/publish/publishtest"
)

// TestIdentifiersOverAPI reserves an identifier under the configured
// authority, publishes it naming a real vulnerability (GO-2020-0001 of
// the shared corpus), gives it a CVE later, exports it by its own id in
// every format, and rejects another; with the refusals each step has.
func TestIdentifiersOverAPI(t *testing.T) {
	f := newFixture(t)
	f.api.Authority = ident.Authority{GNA: 424}
	recs, errs := feedtest.ParseFile(t, osv.Parse, feedtest.SharedData(t, "osv/schema/linter-testdata/GO-2020-0001.json"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if _, err := f.store.PutRecords(context.Background(), []advisory.Record{recs[0]}); err != nil {
		t.Fatal(err)
	}
	admin, analyst, auditor := f.tokens[auth.Admin], f.tokens[auth.Analyst], f.tokens[auth.Auditor]
	code, body := f.do(t, nil, http.MethodPost, "/api/v1/identifiers", analyst, `{"title":"Path traversal in gin","year":2026}`)
	var x ident.Identifier
	if code != http.StatusCreated || json.Unmarshal([]byte(body), &x) != nil || x.ID != "GCVE-424-2026-0001" || x.State != ident.Reserved {
		t.Fatalf("reserve: %d %s", code, body)
	}
	if code, _ := f.do(t, nil, http.MethodPost, "/api/v1/identifiers", auditor, `{}`); code != http.StatusForbidden {
		t.Errorf("an auditor reserves: %d", code)
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/identifiers/"+x.ID+"/publish", analyst, `{"vuln":"GO-1999-0001"}`); code != http.StatusUnprocessableEntity {
		t.Errorf("publish naming nothing known: %d %s", code, body)
	}
	code, body = f.do(t, nil, http.MethodPost, "/api/v1/identifiers/"+x.ID+"/publish", analyst, `{"vuln":"GHSA-6vm3-jj99-7229"}`)
	if code != http.StatusOK || !strings.Contains(body, `"state":"published"`) {
		t.Fatalf("publish: %d %s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/identifiers/"+x.ID+"/publish", analyst, `{}`); code != http.StatusUnprocessableEntity {
		t.Errorf("publish twice: %d %s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/identifiers/"+x.ID+"/aliases", admin, `{"alias":"CVE-2026-99001"}`); code != http.StatusOK || !strings.Contains(body, "CVE-2026-99001") {
		t.Errorf("alias: %d %s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/identifiers/cve-2026-99001", auditor, ""); code != http.StatusOK || !strings.Contains(body, x.ID) {
		t.Errorf("by its CVE: %d %s", code, body)
	}
	// The identifier is an id of the vulnerability now: it exports.
	stix := publishtest.STIXSchema(t)
	for _, format := range []string{"csaf", "osv", "stix"} {
		code, body := f.do(t, nil, http.MethodGet, "/api/v1/vulns/"+x.ID+"/export/"+format, auditor, "")
		if code != http.StatusOK || !strings.Contains(body, x.ID) {
			t.Errorf("export %s: %d %.300s", format, code, body)
		}
		if format == "stix" {
			if err := stix([]byte(body)); err != nil {
				t.Errorf("stix: %v", err)
			}
		}
	}
	// A CVE record names its CNA, which vmc is not until the settings
	// say so.
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/vulns/"+x.ID+"/export/cve5", auditor, ""); code != http.StatusUnprocessableEntity || !strings.Contains(body, "cna_org_id") {
		t.Errorf("export cve5 without a CNA: %d %.300s", code, body)
	}
	if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/vulns/"+x.ID+"/export/cvrf", auditor, ""); code != http.StatusUnprocessableEntity {
		t.Errorf("an unknown format: %d", code)
	}
	code, body = f.do(t, nil, http.MethodPost, "/api/v1/identifiers", analyst, `{}`)
	if code != http.StatusCreated || !strings.Contains(body, "GCVE-424-") {
		t.Fatalf("second reserve: %d %s", code, body)
	}
	json.Unmarshal([]byte(body), &x)
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/identifiers/"+x.ID+"/reject", analyst, `{}`); code != http.StatusUnprocessableEntity || !strings.Contains(body, "reason") {
		t.Errorf("reject without a reason: %d %s", code, body)
	}
	if code, _ := f.do(t, nil, http.MethodPost, "/api/v1/identifiers/"+x.ID+"/reject", analyst, `{"reason":"reserved twice"}`); code != http.StatusOK {
		t.Errorf("reject: %d", code)
	}
	code, body = f.do(t, nil, http.MethodGet, "/api/v1/identifiers?state=rejected", auditor, "")
	if code != http.StatusOK || !strings.Contains(body, x.ID) || !strings.Contains(body, `"namespace":"GCVE-424"`) {
		t.Errorf("list: %d %s", code, body)
	}
	code, body = f.do(t, nil, http.MethodGet, "/api/v1/stats/coverage", auditor, "")
	if code != http.StatusOK || !strings.Contains(body, `"osv":{"vulnerabilities":1,"only":0}`) || !strings.Contains(body, `"vmc":{"vulnerabilities":1,"only":0}`) {
		t.Errorf("coverage: %d %s", code, body)
	}
	es, err := f.store.AuditOf(context.Background(), "identifier:GCVE-424-2026-0001")
	if err != nil || len(es) != 3 || es[0].Actor != "analyst-user" || es[2].Action != "identifier.alias" {
		t.Errorf("audit: %+v %v", es, err)
	}
}
