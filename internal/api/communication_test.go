package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/notify"
	"github.com/vmc-dev/vmc/internal/notify/smtptest"
)

// withNotifier gives the fixture's server a notifier that delivers to a
// real SMTP server on loopback, and returns it.
func (f *fixture) withNotifier(t *testing.T) *smtptest.Server {
	t.Helper()
	srv, err := smtptest.Start(smtptest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	f.api.Notify = &notify.Service{Store: f.store, Mail: notify.SMTP{Host: srv.Host, Port: srv.Port, From: "vmc@example.com", TLS: notify.NoTLS},
		Hooks: notify.Webhooks{}, Domain: "example.com", Backoff: time.Millisecond}
	return srv
}

func (f *fixture) json(t *testing.T, method, path, token, body string, wantCode int, out any) string {
	t.Helper()
	code, got := f.do(t, nil, method, path, token, body)
	if code != wantCode {
		t.Fatalf("%s %s %s: %d %.500s, want %d", method, path, body, code, got, wantCode)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(got), out); err != nil {
			t.Fatalf("%s %s: %v: %.300s", method, path, err, got)
		}
	}
	return got
}

type stakeholderResp struct {
	Stakeholder   incident.Stakeholder `json:"stakeholder"`
	WebhookSecret string               `json:"webhook_secret"`
}

type deliveriesResp struct {
	Items    []incident.Delivery `json:"items"`
	Informed *struct {
		Stakeholders int `json:"stakeholders"`
		Informed     int `json:"informed"`
	} `json:"informed"`
}

func statuses(ds []incident.Delivery) string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%s %s %s", d.Name, d.Channel, d.Status))
	}
	return strings.Join(out, "; ")
}

// TestCommunicationTree: the default tree (admin's to change) is copied
// onto a new incident; the incident's tree is changed by the response
// team, with clear errors; a webhook's secret is shown once, signs the
// calls, and is never listed.
func TestCommunicationTree(t *testing.T) {
	f := newFixture(t)
	admin, analyst, owner := f.tokens[auth.Admin], f.tokens[auth.Analyst], f.tokens[auth.Owner]

	var commander stakeholderResp
	f.json(t, http.MethodPost, "/api/v1/communication-tree/stakeholders", admin,
		`{"name":"alice","role":"commander","email":"alice@example.com","clearance":"TLP:RED"}`, http.StatusCreated, &commander)
	if commander.Stakeholder.Lang != "en" || commander.Stakeholder.Clearance != incident.Red || commander.WebhookSecret != "" {
		t.Errorf("commander: %+v", commander)
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/communication-tree/stakeholders", analyst,
		`{"name":"bob","role":"responder","email":"bob@example.com","clearance":"RED"}`); code != http.StatusForbidden {
		t.Errorf("an analyst changing the default tree: %d %.300s", code, body)
	}
	f.json(t, http.MethodPut, "/api/v1/communication-tree/escalation", admin, `{"levels":[{"level":1,"severity":"high","notify":["alice"]}]}`, http.StatusOK, nil)

	id := f.reportIncident(t, analyst, incidentBody("credential stuffing on the shop", "AMBER", ""))
	base := fmt.Sprintf("/api/v1/incidents/%d", id)
	var list struct {
		Items []incident.Stakeholder `json:"items"`
	}
	f.json(t, http.MethodGet, base+"/stakeholders", owner, "", http.StatusOK, &list)
	if len(list.Items) != 1 || list.Items[0].Name != "alice" || list.Items[0].Incident != id || list.Items[0].ID == commander.Stakeholder.ID {
		t.Errorf("copied tree: %+v", list.Items)
	}
	var path incident.Escalation
	f.json(t, http.MethodGet, base+"/escalation", analyst, "", http.StatusOK, &path)
	if len(path.Levels) != 1 || path.Levels[0].Notify[0] != "alice" || path.Incident != id {
		t.Errorf("copied path: %+v", path)
	}

	// A webhook: its secret in the creating response only.
	var hook stakeholderResp
	f.json(t, http.MethodPost, base+"/stakeholders", analyst,
		`{"name":"Acme SOC","role":"customer","webhook":"https://hooks.acme.example/vmc","lang":"zh-CN","clearance":"green"}`, http.StatusCreated, &hook)
	if !strings.HasPrefix(hook.WebhookSecret, "whsec_") || hook.Stakeholder.WebhookSecret != "" {
		t.Errorf("created: %+v", hook)
	}
	body := f.json(t, http.MethodGet, base+"/stakeholders", analyst, "", http.StatusOK, nil)
	if strings.Contains(body, hook.WebhookSecret) || strings.Contains(body, "secret") {
		t.Errorf("the list shows the secret: %s", body)
	}
	sp := fmt.Sprintf("%s/stakeholders/%d", base, hook.Stakeholder.ID)
	var changed stakeholderResp
	f.json(t, http.MethodPut, sp, analyst, `{"name":"Acme SOC","role":"customer","webhook":"https://hooks.acme.example/vmc2","lang":"zh-CN","clearance":"AMBER"}`,
		http.StatusOK, &changed)
	if changed.WebhookSecret != "" || changed.Stakeholder.Clearance != incident.Amber {
		t.Errorf("changed: %+v", changed)
	}
	f.json(t, http.MethodPut, sp, analyst, `{"name":"Acme SOC","role":"customer","webhook":"https://hooks.acme.example/vmc2","lang":"zh-CN","clearance":"AMBER","rotate_secret":true}`,
		http.StatusOK, &changed)
	if !strings.HasPrefix(changed.WebhookSecret, "whsec_") || changed.WebhookSecret == hook.WebhookSecret {
		t.Errorf("rotated: %+v", changed)
	}
	if st, err := f.store.Stakeholder(t.Context(), hook.Stakeholder.ID); err != nil || st.WebhookSecret != changed.WebhookSecret {
		t.Errorf("stored secret: %v", err)
	}

	// Bad input names the field.
	for _, tc := range []struct {
		method, path, body string
		code               int
		want               string
	}{
		{http.MethodPost, base + "/stakeholders", `{"name":"CNCERT","role":"regulator","email":"cert@example.cn","clearance":"RED"}`, 422,
			"CNCERT is outside the organisation (a regulator) and may be cleared for TLP:AMBER at most"},
		{http.MethodPost, base + "/stakeholders", `{"name":"bob","role":"responder","email":"bob","clearance":"RED"}`, 422, `stakeholder email: \"bob\" is not an e-mail address`},
		{http.MethodPost, base + "/stakeholders", `{"name":"bob","role":"responder","webhook":"http://hooks.example.com/x","clearance":"RED"}`, 422, "use https"},
		{http.MethodPost, base + "/stakeholders", `{"name":"bob","role":"responder","email":"bob@example.com","clearance":"PURPLE"}`, 422, "clearance: unknown TLP label"},
		{http.MethodPost, base + "/stakeholders", `{"name":"bob","role":"ceo","email":"bob@example.com","clearance":"RED"}`, 422, "role"},
		{http.MethodPost, base + "/stakeholders", `{"name":"bob","role":"responder","clearance":"RED"}`, 422, "neither an e-mail address nor a webhook"},
		{http.MethodPost, base + "/stakeholders", `{"name":"alice","role":"responder","email":"a2@example.com","clearance":"RED"}`, 409, `stakeholder \"alice\" is already in the communication tree of incident`},
		{http.MethodPost, base + "/stakeholders", `{"name":"` + strings.Repeat("x", 201) + `","role":"responder","email":"a@example.com","clearance":"RED"}`, 422, "name"},
		{http.MethodPut, base + "/escalation", `{"levels":[{"level":1,"severity":"low","notify":["mallory"]}]}`, 422, "mallory is not a stakeholder of the communication tree"},
		{http.MethodPut, base + "/escalation", `{"levels":[{"level":2,"severity":"low","notify":["alice"]},{"level":1,"severity":"low","notify":["alice"]}]}`, 422,
			"escalation levels[1].level: 1 does not follow level 2"},
		{http.MethodPut, base + "/escalation", `{"levels":[{"level":1,"severity":"low","after_minutes":-1,"notify":["alice"]}]}`, 422, "after_minutes"},
		{http.MethodDelete, fmt.Sprintf("%s/stakeholders/%d", base, list.Items[0].ID), "", 422, "the escalation path names them at level 1"},
		{http.MethodDelete, fmt.Sprintf("%s/stakeholders/%d", base, commander.Stakeholder.ID), "", 404, "not found"},
		{http.MethodPut, fmt.Sprintf("/api/v1/communication-tree/stakeholders/%d", hook.Stakeholder.ID), `{"name":"x","role":"pr","email":"x@example.com","clearance":"RED"}`, 404, "not found"},
		{http.MethodPost, base + "/notifications", `{"kind":"briefing"}`, 503, "notifications are not set up"},
		{http.MethodPost, base + "/notifications", `{"kind":"escalation"}`, 422, "kind"},
	} {
		token := analyst
		if strings.Contains(tc.path, "communication-tree") {
			token = admin
		}
		code, got := f.do(t, nil, tc.method, tc.path, token, tc.body)
		if code != tc.code || !strings.Contains(got, tc.want) {
			t.Errorf("%s %s %.80s: %d %.400s, want %d %q", tc.method, tc.path, tc.body, code, got, tc.code, tc.want)
		}
	}

	// Removal, then the record: audited, on the timeline.
	f.json(t, http.MethodDelete, sp, analyst, "", http.StatusNoContent, nil)
	var view struct {
		Timeline []incident.Event `json:"timeline"`
	}
	f.json(t, http.MethodGet, base, analyst, "", http.StatusOK, &view)
	var texts []string
	for _, e := range view.Timeline {
		if e.Kind == incident.EventCommunication {
			texts = append(texts, e.Actor+": "+e.Text)
		}
	}
	want := []string{
		"analyst-user: communication tree copied from the default: 1 stakeholders (alice), 1 escalation levels",
		"analyst-user: stakeholder added: Acme SOC (customer, webhook https://hooks.acme.example/vmc, cleared for TLP:GREEN, zh-CN, outside the organisation)",
		"analyst-user: stakeholder changed: Acme SOC (customer, webhook https://hooks.acme.example/vmc2, cleared for TLP:AMBER, zh-CN, outside the organisation)",
		"analyst-user: stakeholder changed: Acme SOC (customer, webhook https://hooks.acme.example/vmc2, cleared for TLP:AMBER, zh-CN, outside the organisation); webhook secret rotated",
		"analyst-user: stakeholder removed: Acme SOC (customer, webhook https://hooks.acme.example/vmc2, cleared for TLP:AMBER, zh-CN, outside the organisation)",
	}
	if strings.Join(texts, "\n") != strings.Join(want, "\n") {
		t.Errorf("timeline:\n-want\n%s\n+got\n%s", strings.Join(want, "\n"), strings.Join(texts, "\n"))
	}
}

// TestNotifyOverAPI: through the API as through the CLI, a TLP:RED
// incident's briefing reaches only the RED-cleared; an embargoed
// incident's only its named recipients, while one whose embargo has
// lifted goes to everyone cleared; a webhook call carries a signature
// its receiver verifies; every delivery is listed with the informed
// count. An incident withheld from the caller is not found.
func TestNotifyOverAPI(t *testing.T) {
	f := newFixture(t)
	mail := f.withNotifier(t)
	analyst, owner := f.tokens[auth.Analyst], f.tokens[auth.Owner]
	var (
		mu      sync.Mutex
		secrets = map[string]string{} // path → secret
		verdict []string
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		err := notify.Verify([]byte(secrets[r.URL.Path]), r.Header.Get(notify.SignatureHeader), body, time.Now())
		verdict = append(verdict, fmt.Sprint(err))
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
		}
	}))
	t.Cleanup(hook.Close)

	now := time.Now().UTC()
	red := f.reportIncident(t, analyst, incidentBody("red intrusion", "RED", ""))
	embargoed := f.reportIncident(t, analyst, incidentBody("embargoed", "AMBER",
		`{"until":"`+now.Add(48*time.Hour).Format(time.RFC3339)+`","recipients":["analyst-user","psirt@vendor.example"]}`))
	lifted := f.reportIncident(t, analyst, incidentBody("lifted", "AMBER",
		`{"until":"`+now.Add(-time.Hour).Format(time.RFC3339)+`","recipients":["psirt@vendor.example"]}`))
	// Each report is announced to a tree still empty; the messages below
	// are the test's own.
	f.api.Wait()
	for _, id := range []int64{red, embargoed, lifted} {
		base := fmt.Sprintf("/api/v1/incidents/%d/stakeholders", id)
		f.json(t, http.MethodPost, base, analyst, `{"name":"alice","role":"commander","email":"alice@example.com","clearance":"RED"}`, http.StatusCreated, nil)
		f.json(t, http.MethodPost, base, analyst, `{"name":"ops","role":"operator","email":"ops@example.com","clearance":"AMBER"}`, http.StatusCreated, nil)
		var v stakeholderResp
		f.json(t, http.MethodPost, base, analyst, `{"name":"Vendor PSIRT","role":"vendor","email":"psirt@vendor.example","webhook":"`+hook.URL+fmt.Sprintf("/psirt/%d", id)+`","clearance":"AMBER"}`,
			http.StatusCreated, &v)
		mu.Lock()
		secrets[fmt.Sprintf("/psirt/%d", id)] = v.WebhookSecret
		mu.Unlock()
	}

	send := func(id int64, body string) deliveriesResp {
		t.Helper()
		var out deliveriesResp
		f.json(t, http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/notifications", id), analyst, body, http.StatusCreated, &out)
		return out
	}
	for _, tc := range []struct {
		id   int64
		want string
	}{
		{red, "Vendor PSIRT email withheld; Vendor PSIRT webhook withheld; alice email sent; ops email withheld"},
		{embargoed, "Vendor PSIRT email sent; Vendor PSIRT webhook sent; alice email held; ops email held"},
		{lifted, "Vendor PSIRT email sent; Vendor PSIRT webhook sent; alice email sent; ops email sent"},
	} {
		if got := statuses(send(tc.id, `{"kind":"briefing","text":"status at 10:00"}`).Items); got != tc.want {
			t.Errorf("incident %d:\n got %s\nwant %s", tc.id, got, tc.want)
		}
	}
	if n := len(mail.Messages()); n != 1+1+3 {
		t.Errorf("%d e-mails, want 5", n)
	}
	mu.Lock()
	if strings.Join(verdict, ",") != "<nil>,<nil>" {
		t.Errorf("the receiver's verdicts: %v", verdict)
	}
	mu.Unlock()

	// A message narrower than its incident, to some only.
	if got := statuses(send(lifted, `{"kind":"advisory","text":"VMC-2026-0001","tlp":"AMBER+STRICT","to":["alice","Vendor PSIRT"]}`).Items); got !=
		"alice email sent; Vendor PSIRT email withheld; Vendor PSIRT webhook withheld" {
		t.Errorf("narrower message: %s", got)
	}
	for _, tc := range []struct{ body, want string }{
		{`{"kind":"briefing","to":["mallory"]}`, `to[0]: \"mallory\" is not a stakeholder`},
		{`{"kind":"briefing","tlp":"PURPLE"}`, "tlp: unknown TLP label"},
		{`{"kind":"briefing","text":"` + strings.Repeat("x", 16385) + `"}`, "text"},
	} {
		if code, got := f.do(t, nil, http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/notifications", lifted), analyst, tc.body); code != 422 || !strings.Contains(got, tc.want) {
			t.Errorf("%.60s: %d %.300s", tc.body, code, got)
		}
	}

	// The record, with the informed count.
	var rec deliveriesResp
	f.json(t, http.MethodGet, fmt.Sprintf("/api/v1/incidents/%d/deliveries", lifted), analyst, "", http.StatusOK, &rec)
	if len(rec.Items) != 7 || rec.Informed == nil || rec.Informed.Stakeholders != 3 || rec.Informed.Informed != 3 {
		t.Errorf("record: %d items, informed %+v", len(rec.Items), rec.Informed)
	}
	body := f.json(t, http.MethodGet, fmt.Sprintf("/api/v1/incidents/%d/deliveries", lifted), owner, "", http.StatusOK, &rec)
	if len(rec.Items) != 7 || strings.Contains(body, "VMC-2026-0001") || !strings.Contains(body, "status at 10:00") {
		t.Errorf("the owner, cleared for AMBER, sees the AMBER+STRICT advisory's text: %.600s", body)
	}
	f.json(t, http.MethodGet, fmt.Sprintf("/api/v1/incidents/%d/deliveries", red), analyst, "", http.StatusOK, &rec)
	if rec.Informed.Informed != 1 || !strings.Contains(rec.Items[0].Reason, "TLP:RED is beyond Vendor PSIRT's clearance") {
		t.Errorf("red record: %+v", rec)
	}

	// Acknowledged; escalation by hand finds nothing due (no path).
	var ack incident.Ack
	f.json(t, http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/acknowledgements", red), analyst, `{"note":"on it"}`, http.StatusCreated, &ack)
	if ack.By != "analyst-user" || ack.Note != "on it" {
		t.Errorf("ack: %+v", ack)
	}
	f.json(t, http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/escalations", red), analyst, "", http.StatusOK, &rec)
	if len(rec.Items) != 0 {
		t.Errorf("escalated: %+v", rec.Items)
	}

	// The owner is cleared for AMBER, not RED: the red incident's tree
	// and record are not found.
	for _, p := range []string{"/stakeholders", "/deliveries", "/escalation"} {
		if code, _ := f.do(t, nil, http.MethodGet, fmt.Sprintf("/api/v1/incidents/%d%s", red, p), owner, ""); code != http.StatusNotFound {
			t.Errorf("owner reading the red incident's %s: %d", p, code)
		}
	}
}

// TestIncidentAnnounced: reporting and moving an incident tell its tree
// without anyone asking, under the same disclosure controls: a TLP:RED
// incident reaches the commander cleared for it and is withheld from
// the customer, and each delivery is recorded either way.
func TestIncidentAnnounced(t *testing.T) {
	f := newFixture(t)
	mail := f.withNotifier(t)
	admin, analyst := f.tokens[auth.Admin], f.tokens[auth.Analyst]
	f.json(t, http.MethodPost, "/api/v1/communication-tree/stakeholders", admin,
		`{"name":"alice","role":"commander","email":"alice@example.com","clearance":"TLP:RED"}`, http.StatusCreated, nil)
	f.json(t, http.MethodPost, "/api/v1/communication-tree/stakeholders", admin,
		`{"name":"Acme SOC","role":"customer","email":"soc@acme.example","clearance":"TLP:GREEN"}`, http.StatusCreated, nil)

	id := f.reportIncident(t, analyst, incidentBody("Ransomware on the file server", "RED", ""))
	f.json(t, http.MethodPost, fmt.Sprintf("/api/v1/incidents/%d/moves", id), analyst,
		`{"to":"triaged","reason":"LockBit note on three shares"}`, http.StatusOK, nil)
	f.api.Wait()

	msgs := mail.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want the report and the move to alice only", len(msgs))
	}
	// The two are sent side by side, in no set order.
	var bodies []string
	for _, m := range msgs {
		_, body, err := m.Read()
		if err != nil || len(m.To) != 1 || m.To[0] != "alice@example.com" {
			t.Errorf("message to %v: %v\n%s", m.To, err, m.Data)
		}
		bodies = append(bodies, body)
	}
	all := strings.Join(bodies, "\n")
	for _, want := range []string{"A security incident has been reported", "reported → triaged: LockBit note on three shares"} {
		if !strings.Contains(all, want) {
			t.Errorf("no message says %q:\n%s", want, all)
		}
	}
	var got deliveriesResp
	f.json(t, http.MethodGet, fmt.Sprintf("/api/v1/incidents/%d/deliveries", id), analyst, "", http.StatusOK, &got)
	if s := statuses(got.Items); strings.Count(s, "alice email sent") != 2 || strings.Count(s, "Acme SOC email withheld") != 2 {
		t.Errorf("deliveries: %s", s)
	}
}
