package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/i18n"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/match"
	"github.com/vmc-dev/vmc/internal/store"
)

// ssrfFixture stores real records of two SSRF vulnerabilities (PyPA's
// PYSEC-2023-152 / CVE-2023-37379 in apache-airflow, PYSEC-2024-74 /
// CVE-2024-24759 in mindsdb; the CWEs are their CNAs') and three assets
// with findings on them: airflow-prod and ml-api of team data,
// pay-airflow of team payments (the fixture owner's team).
func (f *fixture) ssrfFixture(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	pypi := func(id, cve, pkg, fixed string) advisory.Record {
		return advisory.Record{Source: "osv", ID: id, Aliases: []string{cve},
			Affected: []advisory.Affected{{Ecosystem: "PyPI", Package: pkg,
				Ranges: []advisory.Range{{Type: advisory.RangeEcosystem, Events: []advisory.Event{{Introduced: "0"}, {Fixed: fixed}}}}}}}
	}
	recs := []advisory.Record{
		pypi("PYSEC-2023-152", "CVE-2023-37379", "apache-airflow", "2.7.0"),
		{Source: "cve5", ID: "CVE-2023-37379", CWEs: []advisory.CWE{{ID: "CWE-400", Provider: "apache"}, {ID: "CWE-918", Provider: "apache"}, {ID: "CWE-200", Provider: "apache"}}},
		pypi("PYSEC-2024-74", "CVE-2024-24759", "mindsdb", "23.12.4.2"),
		{Source: "cve5", ID: "CVE-2024-24759", CWEs: []advisory.CWE{{ID: "CWE-918", Provider: "GitHub_M"}}},
	}
	if _, err := f.store.PutRecords(ctx, recs); err != nil {
		t.Fatal(err)
	}
	for _, a := range []struct {
		name, team, pkg, version, vuln, fixed string
	}{
		{"airflow-prod", "data", "apache-airflow", "2.6.3", "PYSEC-2023-152", "2.7.0"},
		{"ml-api", "data", "mindsdb", "23.12.4.0", "PYSEC-2024-74", "23.12.4.2"},
		{"pay-airflow", "payments", "apache-airflow", "2.5.0", "PYSEC-2023-152", "2.7.0"},
	} {
		x, err := f.store.PutAsset(ctx, asset.Asset{Name: a.name, Kind: asset.KindHost, Team: a.team, Exposure: asset.ExpInternet, Tags: []string{"python"}})
		if err != nil {
			t.Fatal(err)
		}
		comp := asset.Component{Ecosystem: "PyPI", Name: a.pkg, Version: a.version}
		if _, err := f.store.SetComponents(ctx, x.ID, "requirements.txt", []asset.Component{comp}); err != nil {
			t.Fatal(err)
		}
		m := match.Match{Component: comp, Vuln: a.vuln, Explanation: match.Explanation{Source: "osv", Record: a.vuln, Kind: "range",
			Ecosystem: "PyPI", Package: a.pkg, RangeType: "ECOSYSTEM", Introduced: "0", Fixed: a.fixed, Installed: a.version, FixedVersion: a.fixed}}
		if _, err := f.store.ReconcileFindings(ctx, x, []match.Match{m}, finding.Scan{At: time.Now().UTC(), Source: "inventory requirements.txt"}); err != nil {
			t.Fatal(err)
		}
	}
}

// post sends a JSON body and decodes the answer into out (when 2xx).
func (f *fixture) call(t *testing.T, method, path, token, body string, out any, header ...string) (int, string) {
	t.Helper()
	code, got := f.do(t, nil, method, path, token, body, header...)
	if out != nil && code/100 == 2 {
		if err := json.Unmarshal([]byte(got), out); err != nil {
			t.Fatalf("%s %s: %v: %.300s", method, path, err, got)
		}
	}
	return code, got
}

// TestRCAOverAPI: a root-cause analysis written, where else looked for,
// recommendations decided by management only, coverage counted.
func TestRCAOverAPI(t *testing.T) {
	f := newFixture(t)
	f.ssrfFixture(t)
	analyst, owner, auditor := f.tokens[auth.Analyst], f.tokens[auth.Owner], f.tokens[auth.Auditor]
	id := f.reportIncident(t, analyst, `{"title":"Airflow connection test reached the metadata service","category":"exploitation","severity":"high",
		"tlp":"AMBER","assets":["airflow-prod"],"detected":"2026-11-20T08:00:00Z"}`)
	base := fmt.Sprintf("/api/v1/incidents/%d/rca", id)

	if code, body := f.call(t, http.MethodPut, base+"/text", analyst, `{"text":"A viewer tested a connection to http://169.254.169.254/."}`, nil); code != http.StatusOK ||
		!strings.Contains(body, `"updated_by":"analyst-user"`) {
		t.Errorf("text: %d %.300s", code, body)
	}
	if code, _ := f.call(t, http.MethodPut, base+"/text", auditor, `{"text":"x"}`, nil); code != http.StatusForbidden {
		t.Errorf("auditor writing: %d", code)
	}
	// Causes: the CWE is checked against the catalogue; the component and
	// configuration are read as the domain reads them.
	for _, tc := range []struct{ body, want string }{
		{`{"kind":"code_vulnerability","cwe":"CWE-16","description":"config"}`, "CWE-16 is not a weakness in the CWE catalogue"},
		{`{"kind":"code_vulnerability","cwe":"CWE-71","description":"x"}`, "CWE-71 is deprecated"},
		{`{"kind":"code_vulnerability","cwe":"XSS","description":"x"}`, `\"XSS\" is not a CWE id`},
		{`{"kind":"code_vulnerability","description":"x"}`, "a code vulnerability needs its CWE"},
		{`{"kind":"social_engineering","cwe":"CWE-918","description":"x"}`, "which has no CWE"},
		{`{"kind":"misconfiguration","configuration":"exposure=everywhere","description":"x"}`, `exposure: unknown exposure \"everywhere\"`},
		{`{"kind":"vulnerable_component","component":{"purl":"not a purl"},"description":"x"}`, "component purl"},
		{`{"kind":"luck","description":"x"}`, "validation failed"},
	} {
		if code, body := f.call(t, http.MethodPost, base+"/causes", analyst, tc.body, nil); code != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %.400s", tc.body, code, body)
		}
	}
	var cause incident.Cause
	code, body := f.call(t, http.MethodPost, base+"/causes", analyst, `{"kind":"code_vulnerability","cwe":"cwe-918","component":{"purl":"pkg:pypi/apache-airflow@2.6.3"},
		"configuration":"tag=python exposure=internet","description":"Airflow before 2.7.0 lets a viewer test a connection to any URL."}`, &cause)
	if code != http.StatusCreated || cause.CWE != "CWE-918" || cause.CWEName != "Server-Side Request Forgery (SSRF)" ||
		cause.Component == nil || cause.Component.Name != "apache-airflow" || cause.Configuration != "exposure=internet tag=python" {
		t.Fatalf("cause: %d %.500s", code, body)
	}
	var people incident.Cause
	if code, body := f.call(t, http.MethodPost, base+"/causes", analyst, `{"kind":"procedure_not_followed","description":"The patch window was skipped."}`, &people); code != http.StatusCreated {
		t.Fatalf("people cause: %d %.300s", code, body)
	}
	if code, body := f.call(t, http.MethodPut, fmt.Sprintf("%s/causes/%d", base, people.ID), analyst,
		`{"kind":"procedure_not_followed","description":"The patch window was skipped twice."}`, &people); code != http.StatusOK || people.Description != "The patch window was skipped twice." {
		t.Errorf("cause changed: %d %.300s", code, body)
	}

	// Where else: the analyst sees every team's assets; the owner theirs.
	whereElse := fmt.Sprintf("%s/causes/%d/where-else", base, cause.ID)
	assets := func(token string) []string {
		var out struct {
			Hits []struct {
				Asset struct {
					Name string `json:"name"`
				} `json:"asset"`
				Match      string `json:"match"`
				InIncident bool   `json:"in_incident"`
			} `json:"hits"`
		}
		if code, body := f.call(t, http.MethodGet, whereElse, token, "", &out); code != http.StatusOK {
			t.Fatalf("where else: %d %.300s", code, body)
		}
		var got []string
		for _, h := range out.Hits {
			got = append(got, fmt.Sprintf("%s/%s/%v", h.Asset.Name, h.Match, h.InIncident))
		}
		return got
	}
	want := []string{"airflow-prod/cwe/true", "airflow-prod/component/true", "airflow-prod/configuration/true",
		"ml-api/cwe/false", "ml-api/configuration/false",
		"pay-airflow/cwe/false", "pay-airflow/component/false", "pay-airflow/configuration/false"}
	if got := assets(analyst); !slices.Equal(got, want) {
		t.Errorf("analyst's where else:\n got %q\nwant %q", got, want)
	}
	if got := assets(owner); !slices.Equal(got, want[5:]) {
		t.Errorf("owner's where else: %q", got)
	}
	// The owner opens tasks for their team's assets only.
	tasks := whereElse + "/tasks"
	if code, body := f.call(t, http.MethodPost, tasks, owner, `{"assets":["ml-api"],"owner":"owner-user"}`, nil); code != http.StatusForbidden ||
		!strings.Contains(body, "may not open tasks for asset ml-api") {
		t.Errorf("owner naming another team's asset: %d %.300s", code, body)
	}
	var opened struct {
		Items []incident.Task `json:"items"`
	}
	if code, body := f.call(t, http.MethodPost, tasks, owner, `{"due":"2026-12-01"}`, &opened); code != http.StatusCreated || len(opened.Items) != 1 ||
		!strings.HasPrefix(opened.Items[0].Title, fmt.Sprintf("Where else (cause %d, CWE-918): pay-airflow — finding ", cause.ID)) ||
		opened.Items[0].Owner != "owner-user" || opened.Items[0].Kind != incident.TaskPatch {
		t.Errorf("owner's tasks: %d %.500s", code, body)
	}
	if code, body := f.call(t, http.MethodPost, tasks, analyst, `{}`, &opened); code != http.StatusCreated || len(opened.Items) != 1 ||
		!strings.Contains(opened.Items[0].Title, "ml-api") || opened.Items[0].Owner != "analyst-user" {
		t.Errorf("analyst's tasks: %d %.500s", code, body)
	}
	if code, body := f.call(t, http.MethodPost, tasks, analyst, `{"assets":["nowhere"]}`, nil); code != http.StatusUnprocessableEntity || !strings.Contains(body, `asset \"nowhere\": not found where else`) {
		t.Errorf("a task for an asset not found: %d %.300s", code, body)
	}

	// Recommendations, and management's decisions: finding.accept.
	var rec incident.Recommendation
	if code, body := f.call(t, http.MethodPost, base+"/recommendations", analyst,
		fmt.Sprintf(`{"text":"Upgrade Airflow to 2.7.0 everywhere.","owner":"bob","due":"2026-12-15","cause":%d}`, cause.ID), &rec); code != http.StatusCreated || rec.ID == 0 {
		t.Fatalf("recommendation: %d %.300s", code, body)
	}
	var own incident.Recommendation
	if code, body := f.call(t, http.MethodPost, base+"/recommendations", analyst, `{"text":"Mandatory patch window.","owner":"analyst-user"}`, &own); code != http.StatusCreated {
		t.Fatalf("recommendation: %d %.300s", code, body)
	}
	if code, body := f.call(t, http.MethodPost, base+"/recommendations", analyst, `{"text":"x","owner":"bob","cause":999}`, nil); code != http.StatusUnprocessableEntity {
		t.Errorf("a recommendation for no cause: %d %.300s", code, body)
	}
	decide := func(r int64) string { return fmt.Sprintf("%s/recommendations/%d/decisions", base, r) }
	for _, who := range []auth.Role{auth.Owner, auth.Auditor, auth.Reporter} {
		if code, _ := f.call(t, http.MethodPost, decide(rec.ID), f.tokens[who], `{"decision":"schedule"}`, nil); code != http.StatusForbidden {
			t.Errorf("%s deciding: %d", who, code)
		}
	}
	code, body = f.call(t, http.MethodPost, decide(own.ID), analyst, `{"decision":"accept_risk","reason":"busy","expires":"2027-01-31"}`, nil, "Accept-Language", "zh-CN")
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "无法记录该决定。") || !strings.Contains(body, `\"analyst-user\" owns the recommendation`) {
		t.Errorf("accepting one's own recommendation's risk: %d %.400s", code, body)
	}
	if code, body := f.call(t, http.MethodPost, decide(rec.ID), analyst, `{"decision":"schedule","task_kind":"patch"}`, &rec); code != http.StatusCreated ||
		rec.Current() == nil || rec.Current().Task == 0 || rec.Current().DecidedBy != "analyst-user" {
		t.Fatalf("schedule: %d %.400s", code, body)
	}
	if code, body := f.call(t, http.MethodPost, decide(rec.ID), analyst, `{"decision":"accept_risk","reason":"r","expires":"2027-01-31"}`, nil); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "still open") {
		t.Errorf("deciding again: %d %.300s", code, body)
	}
	if code, body := f.call(t, http.MethodPut, fmt.Sprintf("%s/recommendations/%d", base, rec.ID), analyst, `{"text":"changed","owner":"bob"}`, nil); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "stays as decided") {
		t.Errorf("changing a decided recommendation: %d %.300s", code, body)
	}
	if code, body := f.call(t, http.MethodPost, decide(own.ID), f.tokens[auth.Admin], `{"decision":"accept_risk","reason":"Airflow moves to the managed service in Q1.","expires":"2027-03-31"}`, nil); code != http.StatusCreated {
		t.Errorf("admin accepting: %d %.300s", code, body)
	}

	var view struct {
		Documented      bool `json:"documented"`
		Recommendations []struct {
			ID     int64          `json:"id"`
			Status string         `json:"status"`
			Task   *incident.Task `json:"task"`
		} `json:"recommendations"`
		Causes []incident.Cause `json:"causes"`
	}
	if code, body := f.call(t, http.MethodGet, base, auditor, "", &view); code != http.StatusOK || !view.Documented || len(view.Causes) != 2 ||
		len(view.Recommendations) != 2 || view.Recommendations[0].Status != "scheduled" || view.Recommendations[0].Task == nil ||
		view.Recommendations[0].Task.Link != fmt.Sprintf("recommendation:%d", rec.ID) || view.Recommendations[1].Status != "risk_accepted" {
		t.Errorf("analysis: %d %.600s", code, body)
	}
	var tl struct {
		Timeline []incident.Event `json:"timeline"`
	}
	f.call(t, http.MethodGet, fmt.Sprintf("/api/v1/incidents/%d", id), analyst, "", &tl)
	kinds := map[incident.EventKind]int{}
	for _, e := range tl.Timeline {
		kinds[e.Kind]++
	}
	if kinds[incident.EventAnalysis] != 8 || kinds[incident.EventDecision] != 2 || kinds[incident.EventTask] != 3 {
		t.Errorf("timeline kinds: %v", kinds)
	}
	if code, body := f.call(t, http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/notes", id), analyst, `{"text":"decided","kind":"decision"}`, nil); code != http.StatusUnprocessableEntity {
		t.Errorf("a decision typed in as a note: %d %.300s", code, body)
	}

	// Coverage: closed and reviewed incidents only.
	var cov struct {
		Incidents    int     `json:"incidents"`
		Documented   int     `json:"documented"`
		Undocumented []int64 `json:"undocumented"`
		Percent      float64 `json:"percent"`
	}
	if code, body := f.call(t, http.MethodGet, "/api/v1/rca/coverage", auditor, "", &cov); code != http.StatusOK || cov.Incidents != 0 {
		t.Errorf("coverage before closing: %d %.300s", code, body)
	}
	if code, body := f.call(t, http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/moves", id), analyst, `{"to":"closed","reason":"not an incident after all"}`, nil); code != http.StatusOK {
		t.Fatalf("close: %d %.300s", code, body)
	}
	red := f.reportIncident(t, analyst, incidentBody("red and closed, no analysis", "RED", ""))
	if code, body := f.call(t, http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/moves", red), analyst, `{"to":"closed"}`, nil); code != http.StatusOK {
		t.Fatalf("close: %d %.300s", code, body)
	}
	if code, body := f.call(t, http.MethodGet, "/api/v1/rca/coverage", analyst, "", &cov); code != http.StatusOK || cov.Incidents != 2 || cov.Documented != 1 ||
		cov.Percent != 50 || !slices.Equal(cov.Undocumented, []int64{red}) {
		t.Errorf("coverage: %d %.300s", code, body)
	}
	// The owner may not see the RED incident: counted, not named.
	if code, body := f.call(t, http.MethodGet, "/api/v1/rca/coverage?from=2020-01-01", owner, "", &cov); code != http.StatusOK || cov.Incidents != 2 || len(cov.Undocumented) != 0 {
		t.Errorf("owner's coverage: %d %.300s", code, body)
	}
	// Nor its analysis, whether reading or writing.
	redBase := fmt.Sprintf("/api/v1/incidents/%d/rca", red)
	for _, r := range []struct{ method, path, body string }{
		{http.MethodGet, redBase, ""}, {http.MethodPut, redBase + "/text", `{"text":"x"}`},
		{http.MethodPost, redBase + "/causes", `{"kind":"human_error","description":"x"}`},
		{http.MethodGet, fmt.Sprintf("/api/v1/incidents/%d/breach", red), ""},
	} {
		if code, body := f.call(t, r.method, r.path, owner, r.body, nil); code != http.StatusNotFound {
			t.Errorf("owner %s %s: %d %.200s", r.method, r.path, code, body)
		}
	}
	// A cause of one incident is not found under another.
	if code, _ := f.call(t, http.MethodGet, fmt.Sprintf("%s/causes/%d/where-else", redBase, cause.ID), analyst, "", nil); code != http.StatusNotFound {
		t.Errorf("a cause under another incident: %d", code)
	}
}

// TestBreachOverAPI: a personal data breach recorded, the deadlines per
// jurisdiction, decisions by management only, the rules by policy.write.
func TestBreachOverAPI(t *testing.T) {
	f := newFixture(t)
	analyst, owner, admin := f.tokens[auth.Analyst], f.tokens[auth.Owner], f.tokens[auth.Admin]
	now := time.Now().UTC().Truncate(time.Second)
	detected := now.Add(-100 * time.Hour)
	id := f.reportIncident(t, analyst, `{"title":"Customer table dumped","category":"data_breach","severity":"critical","tlp":"AMBER",
		"detected":"`+detected.Format(time.RFC3339)+`"}`)
	path := fmt.Sprintf("/api/v1/incidents/%d/breach", id)
	for _, tc := range []struct{ body, want string }{
		{`{"personal_data":false,"data_categories":["health"]}`, "not flagged as involving personal data"},
		{`{"personal_data":true,"data_categories":["shoe_size"]}`, "validation failed"},
		{`{"personal_data":true,"jurisdictions":["Europe"]}`, `jurisdiction: \"Europe\" is not a code`},
		{`{"personal_data":true,"aware":"` + detected.Add(-time.Hour).Format(time.RFC3339) + `"}`, "is before detected"},
		{`{"personal_data":true,"data_subjects":-1}`, "validation failed"},
	} {
		if code, body := f.call(t, http.MethodPut, path, analyst, tc.body, nil); code != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %.300s", tc.body, code, body)
		}
	}
	var v struct {
		Facts       incident.BreachFacts  `json:"facts"`
		Sensitive   bool                  `json:"sensitive"`
		Overdue     bool                  `json:"overdue"`
		Obligations []incident.Obligation `json:"obligations"`
	}
	aware := detected.Add(10 * time.Hour)
	code, body := f.call(t, http.MethodPut, path, analyst, `{"personal_data":true,"aware":"`+aware.Format(time.RFC3339)+`",
		"data_categories":["contact","health"],"data_subjects":1200,"jurisdictions":["eu"," cn","US-CO"]}`, &v)
	if code != http.StatusOK || !v.Sensitive || !slices.Equal(v.Facts.Jurisdictions, []string{"EU", "CN", "US-CO"}) || len(v.Obligations) != 3 || !v.Overdue {
		t.Fatalf("breach: %d %.600s", code, body)
	}
	status := func() string {
		t.Helper()
		if code, body := f.call(t, http.MethodGet, path, f.tokens[auth.Auditor], "", &v); code != http.StatusOK {
			t.Fatalf("breach: %d %.300s", code, body)
		}
		var s []string
		for _, o := range v.Obligations {
			s = append(s, o.Jurisdiction+":"+string(o.Status))
		}
		return strings.Join(s, " ")
	}
	if got := status(); got != "EU:overdue CN:overdue US-CO:pending" {
		t.Errorf("statuses %s", got)
	}
	decisions := path + "/decisions"
	if code, _ := f.call(t, http.MethodPost, decisions, owner, `{"jurisdiction":"EU","action":"notify"}`, nil); code != http.StatusForbidden {
		t.Errorf("owner deciding: %d", code)
	}
	late := aware.Add(80 * time.Hour).Format(time.RFC3339)
	if code, body := f.call(t, http.MethodPost, decisions, analyst, `{"jurisdiction":"EU","action":"notified","notified_at":"`+late+`"}`, nil); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "give the reasons for the delay") {
		t.Errorf("late without reasons: %d %.300s", code, body)
	}
	if code, body := f.call(t, http.MethodPost, decisions, analyst, `{"jurisdiction":"EU","action":"notified","notified_at":"`+late+`",
		"reference":"DPC-2026-1182","delay_reason":"exfiltration confirmed on day 4"}`, nil); code != http.StatusCreated || !strings.Contains(body, `"authority":"the competent supervisory authority`) {
		t.Errorf("EU notified: %d %.300s", code, body)
	}
	if code, body := f.call(t, http.MethodPost, decisions, admin, `{"jurisdiction":"cn","action":"no_notify","reason":"No data of people in mainland China."}`, nil); code != http.StatusCreated {
		t.Errorf("CN declined: %d %.300s", code, body)
	}
	if code, body := f.call(t, http.MethodPost, decisions, analyst, `{"jurisdiction":"UK","action":"notify"}`, nil); code != http.StatusUnprocessableEntity || !strings.Contains(body, "not among the incident's jurisdictions") {
		t.Errorf("UK: %d %.300s", code, body)
	}
	if got := status(); got != "EU:notified_late CN:not_notifying US-CO:pending" || v.Overdue {
		t.Errorf("statuses %s, overdue %v", got, v.Overdue)
	}
	// The list, and its overdue filter.
	other := f.reportIncident(t, analyst, `{"title":"Wrong recipient","category":"data_breach","severity":"low","tlp":"GREEN","personal_data":true,
		"detected":"`+detected.Format(time.RFC3339)+`"}`)
	if code, body := f.call(t, http.MethodPut, fmt.Sprintf("/api/v1/incidents/%d/breach", other), analyst, `{"personal_data":true,"jurisdictions":["UK"]}`, nil); code != http.StatusOK {
		t.Fatalf("other: %d %.300s", code, body)
	}
	var list struct {
		Items []struct {
			Incident incident.Incident `json:"incident"`
		} `json:"items"`
	}
	for _, tc := range []struct {
		q    string
		want []int64
	}{{"", []int64{other, id}}, {"?overdue=true", []int64{other}}} {
		if code, body := f.call(t, http.MethodGet, "/api/v1/breaches"+tc.q, owner, "", &list); code != http.StatusOK {
			t.Fatalf("list: %d %.300s", code, body)
		}
		var got []int64
		for _, b := range list.Items {
			got = append(got, b.Incident.ID)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("breaches%s: %v, want %v", tc.q, got, tc.want)
		}
	}

	// Rules: policy.write changes them.
	rule := `{"law":"PIPL; CAC Measures","authority":"the provincial CAC","hours":1,"time_zone":"Asia/Shanghai","source":"Art. 4: CII operators, 1 hour","reason":"we operate CII"}`
	if code, _ := f.call(t, http.MethodPut, "/api/v1/breach-rules/CN", analyst, rule, nil); code != http.StatusForbidden {
		t.Errorf("analyst setting a rule: %d", code)
	}
	var rules struct {
		Items []incident.DeadlineRule `json:"items"`
	}
	if code, body := f.call(t, http.MethodPut, "/api/v1/breach-rules/cn", admin, rule, &rules); code != http.StatusOK || rules.Items[0].Jurisdiction != "CN" || rules.Items[0].Hours != 1 {
		t.Errorf("admin setting a rule: %d %.300s", code, body)
	}
	for _, tc := range []struct{ path, body, want string }{
		{"/api/v1/breach-rules/SG", `{"law":"PDPA","authority":"PDPC","hours":72,"days":3,"time_zone":"Asia/Singapore","source":"s. 26D"}`, "give hours or days, one of them"},
		{"/api/v1/breach-rules/SG", `{"law":"PDPA","authority":"PDPC","days":3,"time_zone":"Asia/Atlantis","source":"s. 26D"}`, "time_zone"},
		{"/api/v1/breach-rules/Singapore", `{"law":"PDPA","authority":"PDPC","days":3,"time_zone":"Asia/Singapore","source":"s. 26D"}`, "validation failed"},
	} {
		if code, body := f.call(t, http.MethodPut, tc.path, admin, tc.body, nil); code != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
			t.Errorf("%s %s: %d %.300s", tc.path, tc.body, code, body)
		}
	}
	if code, body := f.call(t, http.MethodDelete, "/api/v1/breach-rules/CN?reason=not+CII+after+all", admin, "", nil); code != http.StatusNoContent {
		t.Errorf("delete: %d %.300s", code, body)
	}
	if code, _ := f.call(t, http.MethodDelete, "/api/v1/breach-rules/CN", admin, "", nil); code != http.StatusNotFound {
		t.Errorf("delete again: %d", code)
	}
	if code, body := f.call(t, http.MethodGet, "/api/v1/breach-rules", owner, "", &rules); code != http.StatusOK || len(rules.Items) != 4 || rules.Items[0].Hours != 4 {
		t.Errorf("rules: %d %.300s", code, body)
	}
	es, err := f.store.AuditOf(context.Background(), "breach-rule:CN")
	if err != nil || len(es) != 2 || es[0].Action != "breach.rule.put" || es[1].Reason != "not CII after all" || es[1].Actor != "admin-user" {
		t.Errorf("rule audit: %+v, %v", es, err)
	}
}

// TestRCAEnums: the routes' enumerations are the domain's vocabularies,
// which the OpenAPI document states once each.
func TestRCAEnums(t *testing.T) {
	f := newFixture(t)
	_, body := f.do(t, nil, http.MethodGet, "/api/v1/openapi.json", "", "")
	var doc any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatal(err)
	}
	var enums [][]string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if e, ok := x["enum"].([]any); ok {
				var ss []string
				for _, s := range e {
					ss = append(ss, fmt.Sprint(s))
				}
				enums = append(enums, ss)
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	walk(doc)
	for _, want := range [][]string{words(incident.CauseKinds), words(incident.DataCategories), words(incident.DecisionKinds), words(incident.BreachActions)} {
		if !slices.ContainsFunc(enums, func(e []string) bool { return slices.Equal(e, want) }) {
			t.Errorf("no enumeration %q in the OpenAPI document", want)
		}
	}
}

// TestRCAMessages: every word of the vocabularies has its message in both
// languages, for the UI to show.
func TestRCAMessages(t *testing.T) {
	ids := map[string][]string{
		"rca.cause.":       words(incident.CauseKinds),
		"rca.status.":      words([]incident.RecommendationStatus{incident.Undecided, incident.Scheduled, incident.Implemented, incident.RiskAccepted, incident.ReviewDue}),
		"rca.decision.":    words(incident.DecisionKinds),
		"breach.category.": words(incident.DataCategories),
		"breach.action.":   words(incident.BreachActions),
		"breach.status.":   words([]incident.ObligationStatus{incident.Pending, incident.Overdue, incident.Done, incident.Late, incident.Declined, incident.NotApplicable, incident.NoRule}),
		"rca.match.":       {store.MatchCWE, store.MatchComponent, store.MatchConfiguration},
	}
	for prefix, ws := range ids {
		for _, w := range ws {
			for _, lang := range i18n.Langs {
				if id := prefix + w; i18n.T(lang, id, nil) == id {
					t.Errorf("%s: no %s message", id, lang)
				}
			}
		}
	}
}

func words[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
