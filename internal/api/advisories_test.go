package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/auth"
	validator "github.com/vmc-dev/vmc/internal/csaf"
	"github.com/vmc-dev/vmc/internal/publish/cve5"
	"github.com/vmc-dev/vmc/internal/publish/osv"
)

// clock is a manual clock for the server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

const settingsBody = `{"prefix":"ACME-SA","publisher":{"name":"Acme Corp PSIRT","namespace":"https://psirt.acme.example","category":"vendor",
	"csaf_base":"https://psirt.acme.example/csaf","cna_org_id":"8254265b-2729-46b6-b9e3-3dfca2d5bfca","cna_short_name":"acme"}}`

// shopContent is an advisory's content as the API takes it, with a
// marker in each field whose publication the detail level decides.
const shopContent = `{"title":"Acme Shop: remote code execution through product image upload","lang":"en","level":"minimal",
	"criticality":"critical","summary":"A signed-in merchant can upload a file that the shop server then runs.",
	"details":"DETAIL-MARKER ImageController.upload trusts the Content-Type header.","exploit":"EXPLOIT-MARKER upload a .jsp file",
	"products":[{"purl":"pkg:maven/com.acme.shop/shop-core","ranges":[{"introduced":"2.0.0","fixed":"2.4.1"}]}],
	"cvss":["CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"],"cwes":["CWE-434"],
	"references":[{"type":"ADVISORY","url":"https://psirt.acme.example/a/1"},{"type":"EVIDENCE","url":"https://research.example.org/POC-MARKER"}],
	"credits":[{"name":"Li Wei","type":"REPORTER"}],"remediation":"Update shop-core to 2.4.1."}`

func decode[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%v: %.300s", err, body)
	}
	return v
}

type advisoryView struct {
	Advisory struct {
		ID        string
		State     string
		Revisions []struct{ Number int }
	}
	Formats     []string
	Unavailable map[string]string
	Public      bool
	Withheld    string
}

type feed struct {
	Items []struct {
		ID        string
		Version   int
		Documents map[string]string
	}
}

// TestAdvisoryFeed writes an advisory under embargo over the API,
// finalises and publishes it, and follows it onto the public feed: absent
// while the embargo holds, there with its three documents once the clock
// passes the embargo's end, gone again when its marking is raised above
// TLP:CLEAR. Who may write, publish and export is held to the matrix.
func TestAdvisoryFeed(t *testing.T) {
	f := newFixture(t)
	// The fixture's tokens last an hour from now, so the server's clock
	// runs within that hour: the embargo ends half an hour from now.
	start := time.Now().UTC().Truncate(time.Second)
	lifts := start.Add(30 * time.Minute)
	clk := &clock{t: start}
	f.api.Now = clk.now
	analyst, admin, owner, auditor, reporter := f.tokens[auth.Analyst], f.tokens[auth.Admin], f.tokens[auth.Owner], f.tokens[auth.Auditor], f.tokens[auth.Reporter]

	if code, body := f.do(t, nil, http.MethodPut, "/api/v1/advisories/settings", analyst, settingsBody); code != http.StatusForbidden {
		t.Errorf("analyst changing the settings: %d %.200s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodPut, "/api/v1/advisories/settings", admin, strings.Replace(settingsBody, "ACME-SA", "acme", 1)); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `prefix: \"acme\"`) {
		t.Errorf("a bad prefix: %d %.300s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodPut, "/api/v1/advisories/settings", admin, settingsBody); code != http.StatusOK || !strings.Contains(body, `"prefix":"ACME-SA"`) {
		t.Fatalf("settings: %d %.300s", code, body)
	}

	inc := f.reportIncident(t, analyst, incidentBody("Webshell on shop-web", "RED", ""))
	// The advisory goes public when the embargo lifts; until then it is
	// for the team that writes it and the vendor's PSIRT.
	marking := `{"tlp":"CLEAR","embargo":{"until":"` + lifts.Format(time.RFC3339) + `","reason":"coordinated disclosure","recipients":["analyst-user","admin-user","psirt@vendor.example"]}}`
	create := `{"cve":"CVE-2026-41234","content":` + shopContent + `,"marking":` + marking + `}`
	for _, tc := range []struct {
		name, body, want string
		code             int
	}{
		{"an unknown field", strings.Replace(create, `"exploit"`, `"exploits"`, 1), "validation failed", http.StatusUnprocessableEntity},
		{"a purl with a version", strings.Replace(create, "shop-core\"", "shop-core@2.4.0\"", 1), `products[0].purl: names version \"2.4.0\"`, http.StatusUnprocessableEntity},
		{"a bad TLP", strings.Replace(create, `"tlp":"CLEAR"`, `"tlp":"PURPLE"`, 1), `marking.tlp: unknown TLP label`, http.StatusUnprocessableEntity},
		{"a temporal vector", strings.Replace(create, "A:H\"", "A:H/E:F\"", 1), "cvss[0]: sets temporal", http.StatusUnprocessableEntity},
		{"an incident one cannot see", create, "not found", http.StatusNotFound},
	} {
		token, path := analyst, fmt.Sprintf("/api/v1/incidents/%d/advisories", inc)
		if tc.code == http.StatusNotFound {
			token = owner // the incident is TLP:RED
		}
		if code, body := f.do(t, nil, http.MethodPost, path, token, tc.body); code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %.400s", tc.name, code, body)
		}
	}
	code, body := f.do(t, nil, http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/advisories", inc), analyst, create)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %.400s", code, body)
	}
	v := decode[advisoryView](t, body)
	id := v.Advisory.ID
	if id != fmt.Sprintf("ACME-SA-%d-0001", time.Now().UTC().Year()) || v.Advisory.State != "draft" || strings.Join(v.Formats, ",") != "csaf,osv,cve5,stix" || v.Public {
		t.Errorf("created: %+v", v)
	}

	// Staff see and export it by the embargo's names only.
	if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/advisories/"+id, auditor, ""); code != http.StatusNotFound {
		t.Errorf("auditor, not named in the embargo, reading it: %d", code)
	}
	code, body = f.do(t, nil, http.MethodGet, "/api/v1/advisories/"+id+"/export/csaf", analyst, "")
	if code != http.StatusOK || !strings.Contains(body, `"status": "draft"`) || strings.Contains(body, "DETAIL-MARKER") {
		t.Errorf("export of the draft: %d %.300s", code, body)
	}
	if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/advisories/"+id+"/export/csaf", auditor, ""); code != http.StatusNotFound {
		t.Errorf("auditor exporting it: %d", code)
	}
	if es, err := f.store.AuditOf(context.Background(), "advisory:"+id); err != nil || es[len(es)-1].Action != "advisory.export" || es[len(es)-1].Actor != "analyst-user" {
		t.Errorf("the export is not in the audit log: %+v %v", es, err)
	}

	// Finalised, then published; the owner writes advisories but does
	// not publish them.
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/advisories/"+id+"/publish", analyst, ""); code != http.StatusUnprocessableEntity || !strings.Contains(body, "draft → published") {
		t.Errorf("publishing a draft: %d %.300s", code, body)
	}
	clk.set(start.Add(10 * time.Minute))
	code, body = f.do(t, nil, http.MethodPost, "/api/v1/advisories/"+id+"/finalise", analyst, "")
	if v = decode[advisoryView](t, body); code != http.StatusOK || v.Advisory.State != "final" || len(v.Advisory.Revisions) != 1 {
		t.Fatalf("finalise: %d %.300s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/advisories/"+id+"/publish", owner, ""); code != http.StatusForbidden || !strings.Contains(body, "may not advisory.publish") {
		t.Errorf("owner publishing: %d %.300s", code, body)
	}
	code, body = f.do(t, nil, http.MethodPost, "/api/v1/advisories/"+id+"/publish", analyst, "")
	if v = decode[advisoryView](t, body); code != http.StatusOK || v.Advisory.State != "published" || v.Public || !strings.Contains(v.Withheld, "under embargo until "+lifts.Format(time.RFC3339)) {
		t.Fatalf("publish: %d %.300s", code, body)
	}

	// The public feed withholds it until the embargo lifts.
	public := func() feed {
		t.Helper()
		code, body := f.do(t, nil, http.MethodGet, "/api/v1/advisories/published", "", "")
		if code != http.StatusOK {
			t.Fatalf("feed: %d %.300s", code, body)
		}
		return decode[feed](t, body)
	}
	download := func(id, format string) (int, string) {
		return f.do(t, nil, http.MethodGet, "/api/v1/advisories/"+id+"/"+format, "", "")
	}
	if fd := public(); len(fd.Items) != 0 {
		t.Errorf("feed during the embargo: %+v", fd)
	}
	for _, format := range []string{"csaf", "osv", "cve5"} {
		for _, ref := range []string{id, "CVE-2026-41234"} {
			if code, body := download(ref, format); code != http.StatusNotFound {
				t.Errorf("%s of %s during the embargo: %d %.200s", format, ref, code, body)
			}
		}
	}
	_, withheld := download(id, "csaf")
	_, missing := download("ACME-SA-1999-0099", "csaf")
	if strings.Replace(withheld, id, "ACME-SA-1999-0099", 1) != missing {
		t.Errorf("withheld and missing differ:\n%s\n%s", withheld, missing)
	}

	clk.set(lifts.Add(-time.Second))
	if fd := public(); len(fd.Items) != 0 {
		t.Errorf("feed a second before the embargo lifts: %+v", fd)
	}
	clk.set(lifts)
	fd := public()
	if len(fd.Items) != 1 || fd.Items[0].ID != id || fd.Items[0].Version != 1 || len(fd.Items[0].Documents) != 4 {
		t.Fatalf("feed after the embargo: %+v", fd)
	}
	code, body = download("cve-2026-41234", "csaf")
	res, err := validator.Validate([]byte(body))
	if code != http.StatusOK || err != nil || !res.Valid() {
		t.Errorf("CSAF download: %d %v %+v", code, err, res.Findings)
	}
	// Published at the minimal level: nothing that says where the flaw
	// is, nor how to exploit it, in any format.
	for _, format := range []string{"csaf", "osv", "cve5"} {
		code, body := download(id, format)
		if code != http.StatusOK {
			t.Errorf("%s: %d %.300s", format, code, body)
			continue
		}
		for _, marker := range []string{"DETAIL-MARKER", "EXPLOIT-MARKER", "POC-MARKER", "CWE-434"} {
			if strings.Contains(body, marker) {
				t.Errorf("%s at the minimal level carries %s", format, marker)
			}
		}
	}
	if _, body := download(id, "osv"); osv.Validate([]byte(body)) != nil || !strings.Contains(body, `"id": "x_`+id+`"`) {
		t.Errorf("OSV download: %.300s", body)
	}
	if _, body := download(id, "cve5"); cve5.Validate([]byte(body)) != nil {
		t.Errorf("CVE JSON 5 download: %.300s", body)
	}
	if code, _ := download(id, "cvrf"); code != http.StatusUnprocessableEntity {
		t.Errorf("an unknown format: %d", code)
	}

	// A revision with content the domain refuses is refused before it is
	// kept, whatever the level leaves out.
	broken := `{"cve":"CVE-2026-41234","content":` + strings.Replace(shopContent, "CWE-434", "CWE-999999", 1) + `,"summary":"A new weakness"}` // written at the minimal level, which leaves the CWE out
	if code, body := f.do(t, nil, http.MethodPut, "/api/v1/advisories/"+id, analyst, broken); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `cwes[0]: \"CWE-999999\" is not a weakness of CWE 4.17`) {
		t.Errorf("a revision with a CWE nobody knows: %d %.300s", code, body)
	}
	// A revision raising its label takes it off the feed.
	update := `{"cve":"CVE-2026-41234","content":` + shopContent + `,"marking":{"tlp":"AMBER"},"summary":"Withdrawn from the public while the fix is reworked"}`
	if code, body := f.do(t, nil, http.MethodPut, "/api/v1/advisories/"+id, analyst, strings.Replace(update, `,"summary":"Withdrawn from the public while the fix is reworked"`, "", 1)); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "say what changed") {
		t.Errorf("a revision without a summary: %d %.300s", code, body)
	}
	code, body = f.do(t, nil, http.MethodPut, "/api/v1/advisories/"+id, analyst, update)
	if v = decode[advisoryView](t, body); code != http.StatusOK || len(v.Advisory.Revisions) != 2 || v.Public {
		t.Errorf("revised: %d %.300s", code, body)
	}
	if fd := public(); len(fd.Items) != 0 {
		t.Errorf("feed after TLP:AMBER: %+v", fd)
	}
	if code, _ := download(id, "osv"); code != http.StatusNotFound {
		t.Errorf("OSV of a TLP:AMBER advisory: %d", code)
	}

	// Who may call what.
	for _, tc := range []struct {
		method, path, token string
		code                int
	}{
		{http.MethodGet, "/api/v1/advisories", reporter, http.StatusForbidden},
		{http.MethodGet, "/api/v1/advisories", "", http.StatusUnauthorized},
		{http.MethodGet, "/api/v1/advisories/" + id + "/export/osv", "", http.StatusUnauthorized},
		{http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/advisories", inc), auditor, http.StatusForbidden},
		{http.MethodGet, "/api/v1/advisories/criticalities", "", http.StatusOK},
	} {
		if code, body := f.do(t, nil, tc.method, tc.path, tc.token, ""); code != tc.code {
			t.Errorf("%s %s: %d %.200s, want %d", tc.method, tc.path, code, body, tc.code)
		}
	}
	code, body = f.do(t, nil, http.MethodGet, "/api/v1/advisories/criticalities", "", "", "Accept-Language", "zh-CN")
	if code != http.StatusOK || !strings.Contains(body, `"name":"严重"`) || !strings.Contains(body, "请立即更新") {
		t.Errorf("criticalities in Chinese: %d %.300s", code, body)
	}
}

type patchView struct {
	ID           int64
	ChangeTask   int64 `json:"change_task"`
	PatchTask    int64 `json:"patch_task"`
	Notification struct{ State string }
}

// TestPatchSteps records a patch over the API and takes it through its
// release: its change approved with finding.accept by someone other than
// who requested it, tested, released, announced.
func TestPatchSteps(t *testing.T) {
	f := newFixture(t)
	analyst, admin, owner := f.tokens[auth.Analyst], f.tokens[auth.Admin], f.tokens[auth.Owner]
	inc := f.reportIncident(t, analyst, incidentBody("Webshell on shop-web", "AMBER", ""))
	path := fmt.Sprintf("/api/v1/incidents/%d/patches", inc)
	code, body := f.do(t, nil, http.MethodPost, path, analyst, `{"product":"pkg:maven/com.acme.shop/shop-core","fixed_versions":["2.4.1"],"criticality":"critical",
		"change_ticket":"CHG-2026-1190","checklist":["uploads still work","JSP upload refused"]}`)
	p := decode[patchView](t, body)
	if code != http.StatusCreated || p.ChangeTask == 0 || p.PatchTask == 0 || p.Notification.State != "pending" {
		t.Fatalf("create: %d %.300s", code, body)
	}
	step := func(token, body string) (int, string) {
		return f.do(t, nil, http.MethodPost, fmt.Sprintf("%s/%d/steps", path, p.ID), token, body)
	}
	for i, s := range []struct {
		token, body, want string
		code              int
	}{
		{analyst, `{"action":"approve"}`, "analyst-user requested the change and may not approve it", http.StatusUnprocessableEntity},
		{owner, `{"action":"approve"}`, "may not finding.accept", http.StatusForbidden},
		{analyst, `{"action":"release"}`, "the change is not approved", http.StatusUnprocessableEntity},
		{admin, `{"action":"approve","note":"Sat 02:00-04:00"}`, `"approved_by":"admin-user"`, http.StatusOK},
		{owner, `{"action":"check","item":0}`, `"by":"owner-user"`, http.StatusOK},
		{analyst, `{"action":"check","item":5}`, "patch item: 5 is not an item of the checklist", http.StatusUnprocessableEntity},
		{analyst, `{"action":"check","item":1}`, `"by":"analyst-user"`, http.StatusOK},
		{analyst, `{"action":"notify","state":"notified","note":"ops list"}`, "not released yet", http.StatusUnprocessableEntity},
		{analyst, `{"action":"release"}`, `"released_by":"analyst-user"`, http.StatusOK},
		{analyst, `{"action":"notify","state":"notified"}`, "say whom and how", http.StatusUnprocessableEntity},
		{analyst, `{"action":"notify","state":"notified","note":"ops-announce list"}`, `"state":"notified"`, http.StatusOK},
		{analyst, `{"action":"rollback"}`, "validation failed", http.StatusUnprocessableEntity},
	} {
		if code, body := step(s.token, s.body); code != s.code || !strings.Contains(body, s.want) {
			t.Errorf("step %d %s: %d %.300s", i, s.body, code, body)
		}
	}
	// A refused step, in Chinese.
	code, body = step(analyst, `{"action":"release"}`)
	if code != http.StatusUnprocessableEntity {
		t.Errorf("released twice: %d", code)
	}
	if code, body = f.do(t, nil, http.MethodPost, fmt.Sprintf("%s/%d/steps", path, p.ID), analyst, `{"action":"release"}`, "Accept-Language", "zh-CN"); !strings.Contains(body, "补丁发布在当前状态下不允许此步骤。") {
		t.Errorf("in Chinese: %d %.300s", code, body)
	}
	code, body = f.do(t, nil, http.MethodGet, path, owner, "")
	if code != http.StatusOK || !strings.Contains(body, `"notification":{"state":"notified"`) {
		t.Errorf("list: %d %.300s", code, body)
	}
	code, body = f.do(t, nil, http.MethodGet, fmt.Sprintf("/api/v1/incidents/%d", inc), analyst, "")
	if code != http.StatusOK || strings.Count(body, `"done_by"`) != 2 || !strings.Contains(body, "operators notified by analyst-user: ops-announce list") {
		t.Errorf("the incident's tasks and timeline: %d %.600s", code, body)
	}
	// Patches of an incident one cannot see are not found.
	red := f.reportIncident(t, analyst, incidentBody("red", "RED", ""))
	if code, _ := f.do(t, nil, http.MethodGet, fmt.Sprintf("/api/v1/incidents/%d/patches", red), owner, ""); code != http.StatusNotFound {
		t.Errorf("owner listing a RED incident's patches: %d", code)
	}
	if code, _ := f.do(t, nil, http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/patches/%d/steps", red, p.ID), analyst, `{"action":"check","item":0}`); code != http.StatusNotFound {
		t.Errorf("a patch through another incident: %d", code)
	}
}
