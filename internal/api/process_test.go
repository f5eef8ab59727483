package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/process"
)

// TestProcess walks the response process over the API: a playbook
// imported, versioned and exported, the roster, trainings and who is
// overdue, briefings and the teams they covered, reviews on their
// schedule; each as the matrix allows it, and invalid input refused
// naming the field.
func TestProcess(t *testing.T) {
	f := newFixture(t)
	// The store stamps playbook versions with the real time, which the
	// training deadlines run from; the API's clock is set from it, and
	// moved on to see deadlines pass, with tokens that last that long.
	now := time.Now().UTC()
	f.api.Now = func() time.Time { return now }
	analyst, auditor, admin := f.longToken(t, auth.Analyst), f.longToken(t, auth.Auditor), f.longToken(t, auth.Admin)
	owner, reporter := f.tokens[auth.Owner], f.tokens[auth.Reporter]
	sample, err := os.ReadFile("../incident/process/testdata/nist-sp800-61r2.yaml")
	if err != nil {
		t.Fatal(err)
	}

	// Playbooks: imported as YAML or JSON, versioned, exported.
	for _, tc := range []struct {
		who, token, body string
		code             int
		want             string
	}{
		{"an auditor", auditor, string(sample), http.StatusForbidden, "auditor-user may not process.write"},
		{"an owner", owner, string(sample), http.StatusForbidden, "owner-user may not process.write"},
		{"an analyst", analyst, string(sample), http.StatusCreated, `"version":1`},
		{"an analyst, again", analyst, string(sample), http.StatusOK, `"unchanged":true`},
		{"an analyst, a misspelt field", analyst, strings.Replace(string(sample), "  - phase: post_incident\n    role:", "  - phase: post_incident\n    rolle:", 1),
			http.StatusUnprocessableEntity, "field rolle not found"},
		{"an analyst, an unknown phase", analyst, strings.Replace(string(sample), "phase: post_incident", "phase: lessons", 1),
			http.StatusUnprocessableEntity, `steps[9].phase: unknown \"lessons\"`},
		{"an analyst, too large", analyst, string(sample) + "#" + strings.Repeat("x", process.MaxDocument), http.StatusRequestEntityTooLarge, ""},
	} {
		code, body := f.do(t, nil, http.MethodPost, "/api/v1/playbooks", tc.token, tc.body, "Content-Type", "application/yaml")
		if code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s importing: %d %.300s; want %d %q", tc.who, code, body, tc.code, tc.want)
		}
	}
	code, body := f.do(t, nil, http.MethodPost, "/api/v1/playbooks", analyst, "key: x\n", "Content-Type", "application/yaml", "Accept-Language", "zh-CN")
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "事件响应流程记录无效。 invalid process record: title.en: empty") {
		t.Errorf("a problem in Chinese: %d %.300s", code, body)
	}
	code, body = f.do(t, nil, http.MethodGet, "/api/v1/playbooks/general-incident-response/versions/1/document?format=json", auditor, "")
	if code != http.StatusOK {
		t.Fatalf("export: %d %.300s", code, body)
	}
	exported, err := process.ParsePlaybook([]byte(body))
	if err != nil || exported.Version != 1 || len(exported.Steps) != 11 {
		t.Fatalf("exported JSON: %+v, %v", exported, err)
	}
	exported.Steps[5].Description.ZH += "必要时关闭对外服务。"
	exported.Note = "containment may take the service offline"
	v2, err := process.EncodePlaybook(exported, process.JSON)
	if err != nil {
		t.Fatal(err)
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/playbooks", analyst, string(v2)); code != http.StatusCreated || !strings.Contains(body, `"version":2`) {
		t.Fatalf("v2 from the JSON export: %d %.300s", code, body)
	}
	code, body = f.do(t, nil, http.MethodGet, "/api/v1/playbooks/general-incident-response", auditor, "")
	var history struct {
		Latest   process.Playbook `json:"latest"`
		Versions []struct {
			Version   int    `json:"version"`
			Note      string `json:"note"`
			CreatedBy string `json:"created_by"`
			Steps     int    `json:"steps"`
		} `json:"versions"`
	}
	if code != http.StatusOK || json.Unmarshal([]byte(body), &history) != nil || len(history.Versions) != 2 || history.Latest.Version != 2 ||
		history.Versions[1].Note != "containment may take the service offline" || history.Versions[1].CreatedBy != "analyst-user" || history.Versions[1].Steps != 11 {
		t.Errorf("history: %d %.600s", code, body)
	}
	for _, tc := range []struct {
		path, token string
		code        int
	}{
		{"/api/v1/playbooks", auditor, http.StatusOK},
		{"/api/v1/playbooks", owner, http.StatusForbidden},
		{"/api/v1/playbooks", reporter, http.StatusForbidden},
		{"/api/v1/playbooks/general-incident-response/versions/1", auditor, http.StatusOK},
		{"/api/v1/playbooks/general-incident-response/versions/3", auditor, http.StatusNotFound},
		{"/api/v1/playbooks/ddos", auditor, http.StatusNotFound},
		{"/api/v1/playbooks/general-incident-response/versions/2/document?format=yaml", auditor, http.StatusOK},
		{"/api/v1/playbooks/general-incident-response/versions/2/document?format=xml", auditor, http.StatusUnprocessableEntity},
	} {
		if code, body := f.do(t, nil, http.MethodGet, tc.path, tc.token, ""); code != tc.code {
			t.Errorf("GET %s: %d %.200s, want %d", tc.path, code, body, tc.code)
		}
	}

	// The roster.
	type member struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	addMember := func(body string) member {
		t.Helper()
		code, got := f.do(t, nil, http.MethodPost, "/api/v1/roster", analyst, body)
		var m member
		if code != http.StatusCreated || json.Unmarshal([]byte(got), &m) != nil {
			t.Fatalf("add member %s: %d %.300s", body, code, got)
		}
		return m
	}
	handler := addMember(`{"user":"analyst-user","role":"incident-handler","contact":"+86 138 0000 0000","from":"2025-01-06"}`)
	if handler.Name != "analyst-user" {
		t.Errorf("a member named as their user: %+v", handler)
	}
	commander := addMember(`{"name":"Chen Jing","role":"incident-commander","from":"2025-11-01"}`)
	for _, tc := range []struct {
		token, body string
		code        int
		want        string
	}{
		{analyst, `{"name":"x","role":"Incident Handler","from":"2026-01-01"}`, http.StatusUnprocessableEntity, `role: \"Incident Handler\" is not a role key`},
		{analyst, `{"user":"nobody","role":"legal","from":"2026-01-01"}`, http.StatusUnprocessableEntity, `user: no vmc user \"nobody\"`},
		{analyst, `{"name":"x","role":"legal","from":"2026-01-01","to":"2025-01-01"}`, http.StatusUnprocessableEntity, "to: 2025-01-01 is before from 2026-01-01"},
		{analyst, `{"name":"x","role":"legal","from":"January"}`, http.StatusUnprocessableEntity, "expected string to be RFC 3339 date"},
		{auditor, `{"name":"x","role":"legal","from":"2026-01-01"}`, http.StatusForbidden, "may not process.write"},
	} {
		if code, body := f.do(t, nil, http.MethodPost, "/api/v1/roster", tc.token, tc.body); code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("add member %s: %d %.300s; want %d %q", tc.body, code, body, tc.code, tc.want)
		}
	}
	code, body = f.do(t, nil, http.MethodPut, fmt.Sprintf("/api/v1/roster/%d", commander.ID), analyst,
		`{"name":"Chen Jing","role":"incident-commander","contact":"chen.jing@example.cn","from":"2025-11-01"}`)
	if code != http.StatusOK || !strings.Contains(body, `"contact":"chen.jing@example.cn"`) {
		t.Errorf("change member: %d %.300s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/roster?active=2025-10-01", auditor, ""); code != http.StatusOK ||
		!strings.Contains(body, "analyst-user") || strings.Contains(body, "Chen Jing") {
		t.Errorf("roster on 1 October 2025: %d %.300s", code, body)
	}
	if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/roster", owner, ""); code != http.StatusForbidden {
		t.Errorf("an owner reading the roster's contacts: %d", code)
	}

	// Trainings, and who is overdue.
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/trainings", analyst,
		fmt.Sprintf(`{"member":%d,"playbook":"general-incident-response","version":1,"on":"2025-11-20","trainer":"ciso"}`, handler.ID)); code != http.StatusCreated {
		t.Fatalf("training: %d %.300s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/trainings", analyst,
		fmt.Sprintf(`{"member":%d,"playbook":"general-incident-response","version":9,"on":"2025-11-20"}`, handler.ID)); code != http.StatusNotFound {
		t.Errorf("training on no version: %d %.300s", code, body)
	}
	code, body = f.do(t, nil, http.MethodGet, "/api/v1/trainings/due", auditor, "")
	var due struct {
		Items []struct {
			Member   process.Member        `json:"member"`
			Playbook incident.PlaybookRef  `json:"playbook"`
			State    process.TrainingState `json:"state"`
			Reason   string                `json:"reason"`
		} `json:"items"`
	}
	if code != http.StatusOK || json.Unmarshal([]byte(body), &due) != nil {
		t.Fatalf("due: %d %.300s", code, body)
	}
	var got []string
	for _, o := range due.Items {
		got = append(got, fmt.Sprintf("%s %s %s: %s", o.Member.Name, o.Playbook, o.State, o.Reason))
	}
	// v2 was made today: both have 30 days.
	dueBy := process.Day(history.Latest.Created).AddDate(0, 0, 30)
	want := []string{
		"Chen Jing general-incident-response v2 due: never trained on general-incident-response; due by " + dueBy.Format(time.DateOnly),
		"analyst-user general-incident-response v2 due: trained on general-incident-response v1 on 2025-11-20, not on v2; due by " + dueBy.Format(time.DateOnly),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("obligations:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	now = dueBy.AddDate(0, 0, 1)
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/trainings/due?state=overdue", auditor, ""); code != http.StatusOK ||
		strings.Count(body, `"state":"overdue"`) != 2 {
		t.Errorf("overdue a month later: %d %.300s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/trainings/due?every_months=30", auditor, ""); code != http.StatusUnprocessableEntity {
		t.Errorf("training every 30 months: %d %.300s", code, body)
	}

	// Briefings, and SAMM's share of teams briefed in six months.
	if _, err := f.store.PutAsset(context.Background(), asset.Asset{Name: "shop-web", Kind: asset.KindApplication, Team: "web"}); err != nil {
		t.Fatal(err)
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/briefings", analyst,
		`{"at":"`+now.AddDate(0, -1, 0).Format(time.RFC3339)+`","team":"payments","playbook":"general-incident-response","attendees":["Zhang San","Li Si"],"notes":"Out-of-hours contacts."}`); code != http.StatusCreated ||
		!strings.Contains(body, `"playbook":{"key":"general-incident-response","version":2}`) || !strings.Contains(body, `"by":"analyst-user"`) {
		t.Errorf("briefing: %d %.300s", code, body)
	}
	for _, tc := range []struct {
		body, want string
		code       int
	}{
		{`{"at":"2026-10-15T02:00:00Z","team":"web","version":2}`, "version: given without a playbook", http.StatusUnprocessableEntity},
		{`{"at":"2026-10-15T02:00:00Z","team":"web","attendees":["a","A"]}`, `attendees[1]: \"A\" is listed twice`, http.StatusUnprocessableEntity},
		{`{"at":"2026-10-15T02:00:00Z","team":"web","playbook":"ddos"}`, "playbook ddos: not found", http.StatusNotFound},
	} {
		if code, body := f.do(t, nil, http.MethodPost, "/api/v1/briefings", analyst, tc.body); code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("briefing %s: %d %.300s; want %d %q", tc.body, code, body, tc.code, tc.want)
		}
	}
	code, body = f.do(t, nil, http.MethodGet, "/api/v1/briefings/coverage", auditor, "")
	var cov process.Coverage
	if code != http.StatusOK || json.Unmarshal([]byte(body), &cov) != nil || cov.Percent != 50 ||
		strings.Join(cov.Briefed, ",") != "payments" || strings.Join(cov.Unbriefed, ",") != "web" || !cov.From.Equal(now.AddDate(0, -6, 0)) {
		t.Errorf("coverage: %d %.400s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/briefings/coverage?from=2026-11-01&to=2026-10-01", auditor, ""); code != http.StatusUnprocessableEntity {
		t.Errorf("a window backwards: %d %.300s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/briefings?team=PAYMENTS", auditor, ""); code != http.StatusOK || !strings.Contains(body, "Zhang San") {
		t.Errorf("briefings of payments: %d %.300s", code, body)
	}

	// Reviews: the schedule is policy.
	now = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/process-reviews", auditor, ""); code != http.StatusOK || !strings.Contains(body, `"overdue":true`) {
		t.Errorf("no review yet: %d %.300s", code, body)
	}
	if code, _ := f.do(t, nil, http.MethodPut, "/api/v1/process-reviews/schedule", analyst, `{"every_months":12}`); code != http.StatusForbidden {
		t.Errorf("an analyst setting the schedule: %d", code)
	}
	if code, body := f.do(t, nil, http.MethodPut, "/api/v1/process-reviews/schedule", admin, `{"every_months":12}`); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "SAMM asks for a review at least every six months") {
		t.Errorf("a yearly review: %d %.300s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodPut, "/api/v1/process-reviews/schedule", admin, `{"every_months":3,"start":"2026-07-01"}`); code != http.StatusOK ||
		!strings.Contains(body, `"next":"2026-10-01T00:00:00Z","overdue":true`) {
		t.Errorf("quarterly: %d %.300s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/process-reviews", analyst,
		`{"on":"2026-12-20","participants":["analyst-user","CISO"],"findings":"One webshell; contained in 4 h.","decisions":"Brief the web team."}`); code != http.StatusCreated ||
		!strings.Contains(body, `"recorded_by":"analyst-user"`) {
		t.Errorf("review: %d %.300s", code, body)
	}
	now = time.Date(2026, 12, 21, 10, 0, 0, 0, time.UTC)
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/process-reviews/schedule", auditor, ""); code != http.StatusOK ||
		!strings.Contains(body, `"next":"2027-03-20T00:00:00Z","overdue":false`) {
		t.Errorf("next review: %d %.300s", code, body)
	}
}

// longToken is a token of every scope for role's user that lasts as
// long as tokens may, for tests that move the API's clock.
func (f *fixture) longToken(t *testing.T, role auth.Role) string {
	t.Helper()
	plain, id, hash := auth.NewToken(auth.TokenPrefix)
	now := time.Now().UTC()
	tok := auth.Token{ID: id, User: f.users[role].Name, Name: "long", Scopes: auth.Scopes, Created: now, Expires: now.Add(auth.MaxTokenLifetime - time.Hour)}
	if err := f.store.PutToken(context.Background(), tok, hash, "test"); err != nil {
		t.Fatal(err)
	}
	return plain
}

// TestIncidentPlaybookAndImpact: an incident follows a playbook version,
// its tasks come from the steps, and its impact is recorded; both as
// incident work, through the disclosure control.
func TestIncidentPlaybookAndImpact(t *testing.T) {
	f := newFixture(t)
	analyst, auditor, admin := f.tokens[auth.Analyst], f.tokens[auth.Auditor], f.tokens[auth.Admin]
	sample, err := os.ReadFile("../incident/process/testdata/nist-sp800-61r2.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/playbooks", analyst, string(sample)); code != http.StatusCreated {
		t.Fatalf("import: %d %.300s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/roster", analyst, `{"user":"admin-user","role":"system-owner","from":"2026-01-01"}`); code != http.StatusCreated {
		t.Fatalf("member: %d %.300s", code, body)
	}
	id := f.reportIncident(t, analyst, `{"title":"webshell on shop-web","category":"exploitation","severity":"high","tlp":"AMBER","detected":"2026-11-20T08:00:00Z"}`)
	path := fmt.Sprintf("/api/v1/incidents/%d", id)
	if code, _ := f.do(t, nil, http.MethodPost, path+"/playbook", auditor, `{"key":"general-incident-response"}`); code != http.StatusForbidden {
		t.Errorf("an auditor choosing the playbook: %d", code)
	}
	if code, body := f.do(t, nil, http.MethodPost, path+"/playbook", analyst, `{"key":"ddos"}`); code != http.StatusNotFound {
		t.Errorf("no such playbook: %d %.300s", code, body)
	}
	code, body := f.do(t, nil, http.MethodPost, path+"/playbook", analyst, `{"key":"general-incident-response","tasks":true,"lang":"zh-CN"}`)
	var followed struct {
		Incident incident.Incident `json:"incident"`
		Tasks    []incident.Task   `json:"tasks"`
		Added    []incident.Task   `json:"added"`
	}
	if code != http.StatusOK || json.Unmarshal([]byte(body), &followed) != nil {
		t.Fatalf("follow: %d %.400s", code, body)
	}
	if p := followed.Incident.Playbook; p == nil || *p != (incident.PlaybookRef{Key: "general-incident-response", Version: 1}) || len(followed.Added) != 9 || len(followed.Tasks) != 9 {
		t.Fatalf("followed: %+v, %d added, %d tasks", p, len(followed.Added), len(followed.Tasks))
	}
	for _, x := range followed.Added {
		// The system owner is on the roster; every other role falls to
		// the caller, the incident having no owner.
		want := "analyst-user"
		if x.Kind == incident.TaskEradication || x.Kind == incident.TaskRecovery {
			want = "admin-user"
		}
		if x.Owner != want || !strings.HasPrefix(x.Link, "playbook:general-incident-response/v1#") {
			t.Errorf("task %+v: owner %s, want %s", x, x.Owner, want)
		}
	}
	if code, body := f.do(t, nil, http.MethodPost, path+"/playbook", analyst, `{"key":"general-incident-response","tasks":true}`); code != http.StatusOK ||
		!strings.Contains(body, `"added":[]`) {
		t.Errorf("following again: %d %.300s", code, body)
	}

	impact := `{"downtime_minutes":240,"direct_cost":{"amount":18000,"currency":"CNY"},"person_hours":31.5,` +
		`"long_term_cost":{"amount":0,"currency":"CNY","note":"no personal data involved"},"projects":["shop"],"reason":"finance's figures"}`
	if code, _ := f.do(t, nil, http.MethodPut, path+"/impact", auditor, impact); code != http.StatusForbidden {
		t.Errorf("an auditor recording the impact: %d", code)
	}
	for _, tc := range []struct{ body, want string }{
		{`{"direct_cost":{"amount":18000,"currency":"rmb"}}`, `impact.direct_cost.currency: \"rmb\" is not an ISO 4217 code`},
		{`{"downtime_minutes":-1}`, "impact.downtime_minutes: -1"},
		{`{"person_hours":1,"projects":["shop","shop"]}`, "projects[1]"},
		{`{"direct_cost":{"amount":1}}`, "currency"},
	} {
		if code, body := f.do(t, nil, http.MethodPut, path+"/impact", analyst, tc.body); code != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
			t.Errorf("impact %s: %d %.300s; want 422 %q", tc.body, code, body, tc.want)
		}
	}
	code, body = f.do(t, nil, http.MethodPut, path+"/impact", analyst, impact)
	if code != http.StatusOK || !strings.Contains(body, `"impact":{"downtime_minutes":240,"direct_cost":{"amount":18000,"currency":"CNY"},"person_hours":31.5`) ||
		!strings.Contains(body, `"projects":["shop"]`) ||
		!strings.Contains(body, `"kind":"classification","text":"impact: downtime 4h0m0s, direct cost 18000 CNY, 31.5 person-hours, long-term cost 0 CNY (no personal data involved); projects: shop (finance's figures)"`) {
		t.Errorf("impact: %d %.2000s", code, body)
	}

	// An incident the caller may not see is not found, for these writes
	// too.
	hidden := f.reportIncident(t, admin, `{"title":"embargoed","category":"intrusion","severity":"high","tlp":"AMBER","detected":"2026-11-20T08:00:00Z",`+
		`"embargo":{"until":"`+time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339)+`","recipients":["psirt@vendor.example"]}}`)
	for _, w := range []struct{ method, path, body string }{
		{http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/playbook", hidden), `{"key":"general-incident-response"}`},
		{http.MethodPut, fmt.Sprintf("/api/v1/incidents/%d/impact", hidden), `{"person_hours":1}`},
	} {
		if code, body := f.do(t, nil, w.method, w.path, analyst, w.body); code != http.StatusNotFound {
			t.Errorf("%s %s on a withheld incident: %d %.200s", w.method, w.path, code, body)
		}
	}
	in, err := f.store.Incident(context.Background(), hidden)
	if err != nil || in.Playbook != nil || in.Impact != nil {
		t.Errorf("the withheld incident changed: %+v, %v", in, err)
	}
}
