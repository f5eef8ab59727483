package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/notify/smtptest"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
	"github.com/vmc-dev/vmc/internal/store/sqlstore"
)

// clock is a manual clock for the store, the notifier and the webhook
// receiver alike.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// receiver is a webhook endpoint that checks every call's signature with
// Verify against its own clock, as a stakeholder's system would, and
// keeps the calls it accepted.
type receiver struct {
	srv     *httptest.Server
	mu      sync.Mutex
	secrets map[string]string // path → secret
	calls   map[string][]Payload
	refused []string
}

func newReceiver(t *testing.T, now func() time.Time) *receiver {
	r := &receiver{secrets: map[string]string{}, calls: map[string][]Payload{}}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		r.mu.Lock()
		defer r.mu.Unlock()
		if err := Verify([]byte(r.secrets[req.URL.Path]), req.Header.Get(SignatureHeader), body, now()); err != nil {
			r.refused = append(r.refused, err.Error())
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		var p Payload
		if err := json.Unmarshal(body, &p); err != nil || req.Header.Get("X-Vmc-Delivery") != fmt.Sprint(p.Delivery) {
			http.Error(w, "bad payload", http.StatusBadRequest)
			return
		}
		r.calls[req.URL.Path] = append(r.calls[req.URL.Path], p)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) got(path string) []Payload {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls[path])
}

type fixture struct {
	ctx   context.Context
	clk   *clock
	store *sqlstore.Store
	smtp  *smtptest.Server
	hooks *receiver
	svc   *Service
	// tree is the stakeholders every incident gets (the default tree).
	tree map[string]incident.Stakeholder
}

// newFixture is a SQLite store whose default tree holds an incident
// commander (RED), counsel writing in Chinese (AMBER+STRICT), a vendor's
// PSIRT by e-mail and webhook (AMBER) and a customer by webhook
// (GREEN); a real SMTP server on loopback; a webhook receiver that
// verifies signatures.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{ctx: context.Background(), clk: &clock{t: time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)}}
	s, err := sqlite.Open(f.ctx, filepath.Join(t.TempDir(), "vmc.db"), sqlite.Options{Migrate: true, Options: sqlstore.Options{Now: f.clk.now}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	f.store = s
	f.smtp = startSMTP(t, smtptest.Options{})
	f.hooks = newReceiver(t, f.clk.now)
	f.svc = &Service{Store: s, Mail: SMTP{Host: f.smtp.Host, Port: f.smtp.Port, From: "vmc <vmc@example.com>", TLS: NoTLS},
		Hooks: Webhooks{Now: f.clk.now, UserAgent: "vmc-test"}, Domain: "example.com", Backoff: time.Millisecond, Now: f.clk.now}
	f.tree = map[string]incident.Stakeholder{}
	for _, st := range []incident.Stakeholder{
		{Name: "alice", Role: incident.RoleCommander, Email: "alice@example.com", Lang: "en", Clearance: incident.Red},
		{Name: "王芳", Role: incident.RoleLegal, Email: "wang.fang@example.cn", Lang: "zh-CN", Clearance: incident.AmberStrict},
		{Name: "Vendor PSIRT", Role: incident.RoleVendor, Email: "psirt@vendor.example", Webhook: f.hooks.srv.URL + "/psirt",
			WebhookSecret: NewSecret(), Lang: "en", Clearance: incident.Amber},
		{Name: "Acme", Role: incident.RoleCustomer, Webhook: f.hooks.srv.URL + "/acme", WebhookSecret: NewSecret(), Lang: "zh-CN",
			Clearance: incident.Green},
	} {
		st, err := s.PutStakeholder(f.ctx, st, "admin")
		if err != nil {
			t.Fatal(err)
		}
		f.tree[st.Name] = st
		if st.Webhook != "" {
			f.hooks.secrets["/"+strings.TrimPrefix(st.Webhook, f.hooks.srv.URL+"/")] = st.WebhookSecret
		}
	}
	return f
}

func (f *fixture) report(t *testing.T, title string, sev incident.Severity, m incident.Marking) incident.Incident {
	t.Helper()
	in, err := f.store.PutIncident(f.ctx, incident.Incident{Title: title, Category: incident.Exploitation, Severity: sev, Marking: m,
		Detected: f.clk.now().Add(-time.Hour)}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// outcomes are deliveries as "name channel status", in order.
func outcomes(ds []incident.Delivery) []string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%s %s %s", d.Name, d.Channel, d.Status))
	}
	return out
}

// mailTo returns the messages delivered to rcpt.
func (f *fixture) mailTo(rcpt string) []smtptest.Message {
	var out []smtptest.Message
	for _, m := range f.smtp.Messages() {
		if slices.Contains(m.To, rcpt) {
			out = append(out, m)
		}
	}
	return out
}

// TestRedOnlyToRedCleared: a TLP:RED incident's briefing reaches only
// the stakeholders cleared for RED; every other delivery is recorded as
// withheld, with the reason, and nothing is sent to them by any channel.
func TestRedOnlyToRedCleared(t *testing.T) {
	f := newFixture(t)
	in := f.report(t, "Ransomware on the build farm", incident.SevCritical, incident.Marking{TLP: incident.Red})
	ds, err := f.svc.Send(f.ctx, in.ID, Message{Kind: incident.MessageBriefing, Text: "Build agents isolated at 10:40."}, "bob")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Acme webhook withheld", "Vendor PSIRT email withheld", "Vendor PSIRT webhook withheld", "alice email sent", "王芳 email withheld"}
	if diff := cmp.Diff(want, outcomes(ds)); diff != "" {
		t.Errorf("deliveries -want +got:\n%s", diff)
	}
	for _, d := range ds {
		if d.Status == incident.DeliveryWithheld && !strings.Contains(d.Reason, "TLP:RED is beyond "+d.Name+"'s clearance") {
			t.Errorf("%s: reason %q", d.Name, d.Reason)
		}
		if d.Actor != "bob" || d.ID == 0 {
			t.Errorf("delivery %+v", d)
		}
	}
	if n := len(f.smtp.Messages()); n != 1 || len(f.mailTo("alice@example.com")) != 1 {
		t.Errorf("%d e-mails, want 1 to alice", n)
	}
	if got := f.hooks.got("/psirt"); len(got) != 0 {
		t.Errorf("the vendor's webhook got %d calls", len(got))
	}
	m, body := readMail(t, f.mailTo("alice@example.com")[0].Data)
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if subject != fmt.Sprintf("[TLP:RED] Briefing on INC-%d: Ransomware on the build farm", in.ID) {
		t.Errorf("subject %q", subject)
	}
	for _, want := range []string{
		"TLP:RED: for the eyes and ears of individual recipients only",
		"A briefing on the incident from bob.",
		"Build agents isolated at 10:40.",
		"Severity: Critical",
		"Category: exploitation of a vulnerability",
		"You receive this as incident commander in the communication tree of INC-1 (alice). vmc delivery 4.",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if m.Header.Get("X-Vmc-Tlp") != "TLP:RED" || m.Header.Get("Message-Id") != "<delivery-4.incident-1@example.com>" {
		t.Errorf("headers: %v", m.Header)
	}

	// The record: deliveries in the store, a briefing on the timeline,
	// one stakeholder of four informed.
	stored, err := f.store.ListDeliveries(f.ctx, store.DeliveryQuery{Incident: in.ID})
	if err != nil || !cmp.Equal(outcomes(stored), want) {
		t.Errorf("stored: %v, %v", outcomes(stored), err)
	}
	tl, _ := f.store.Timeline(f.ctx, in.ID)
	last := tl[len(tl)-1]
	if last.Kind != incident.EventBriefing || last.Actor != "bob" || !strings.HasPrefix(last.Text, "briefing message: withheld to Acme (webhook): withheld: TLP:RED") ||
		!strings.Contains(last.Text, "sent to alice (email)") {
		t.Errorf("timeline: %+v", last)
	}
	if got, err := f.store.Informed(f.ctx, store.InformedQuery{Incident: in.ID}); err != nil ||
		!cmp.Equal(got, []store.Informed{{Incident: in.ID, Stakeholders: 4, Informed: 1}}) {
		t.Errorf("informed: %+v, %v", got, err)
	}
}

// TestEmbargo: during an embargo a message reaches only the embargo's
// named recipients (the vendor, named by its address, by e-mail and
// webhook); the others cleared for the label are held, and those not
// cleared withheld. After the date the sweep sends the held ones, in
// each stakeholder's language.
func TestEmbargo(t *testing.T) {
	f := newFixture(t)
	until := f.clk.now().Add(48 * time.Hour)
	in := f.report(t, "Webshell on shop-web", incident.SevHigh, incident.Marking{TLP: incident.Amber,
		Embargo: &incident.Embargo{Until: until, Reason: "coordinated disclosure", Recipients: []string{"psirt@vendor.example"}}})
	ds, err := f.svc.Send(f.ctx, in.ID, Message{Kind: incident.MessageAdvisory, Text: "VMC-2026-0001: fixed in shop 4.2.1."}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Acme webhook withheld", "Vendor PSIRT email sent", "Vendor PSIRT webhook sent", "alice email held", "王芳 email held"}
	if diff := cmp.Diff(want, outcomes(ds)); diff != "" {
		t.Errorf("during the embargo -want +got:\n%s", diff)
	}
	for _, d := range ds {
		if d.Status == incident.DeliveryHeld && (!d.HeldUntil.Equal(until) || !strings.Contains(d.Reason, "under embargo until 2026-11-22T09:30:00Z")) {
			t.Errorf("held %s: until %s, %q", d.Name, d.HeldUntil, d.Reason)
		}
	}
	if got := f.hooks.got("/psirt"); len(got) != 1 || got[0].TLP != incident.Amber || got[0].Embargo == nil || !got[0].Embargo.Equal(until) ||
		got[0].Incident.ID != in.ID || !strings.Contains(got[0].Text, "Under embargo until 2026-11-22T09:30:00Z") {
		t.Errorf("the vendor's webhook: %+v", got)
	}
	if n := len(f.smtp.Messages()); n != 1 || len(f.mailTo("psirt@vendor.example")) != 1 {
		t.Errorf("%d e-mails during the embargo, want 1 to the vendor", n)
	}

	// A sweep before the date sends nothing.
	f.clk.add(47 * time.Hour)
	if res, err := f.svc.Sweep(f.ctx); err != nil || len(res.Released) != 0 {
		t.Errorf("sweep before the date: %+v, %v", res, err)
	}
	// After it, the held messages go out; the withheld one stays so.
	f.clk.add(2 * time.Hour)
	res, err := f.svc.Sweep(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"alice email sent", "王芳 email sent"}, outcomes(res.Released)); diff != "" {
		t.Errorf("released -want +got:\n%s", diff)
	}
	if res, err := f.svc.Sweep(f.ctx); err != nil || len(res.Released) != 0 {
		t.Errorf("a second sweep: %+v, %v", res, err)
	}
	zh := f.mailTo("wang.fang@example.cn")
	if len(zh) != 1 {
		t.Fatalf("%d e-mails to 王芳", len(zh))
	}
	m, body := readMail(t, zh[0].Data)
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if subject != fmt.Sprintf("[TLP:AMBER] INC-%d 的安全公告已发布：Webshell on shop-web", in.ID) || m.Header.Get("Content-Language") != "zh-CN" {
		t.Errorf("subject %q, language %q", subject, m.Header.Get("Content-Language"))
	}
	for _, want := range []string{"TLP:AMBER：有限披露", "与该事件有关的安全公告已发布。", "VMC-2026-0001: fixed in shop 4.2.1.", "严重程度：高危",
		"状态：上报", "您以法务身份收到此消息"} {
		if !strings.Contains(body, want) {
			t.Errorf("Chinese body lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "禁止披露至") {
		t.Errorf("the lifted embargo is still announced:\n%s", body)
	}
	if got, _ := f.store.Informed(f.ctx, store.InformedQuery{Incident: in.ID, Kinds: []incident.MessageKind{incident.MessageAdvisory}}); got[0].Informed != 3 {
		t.Errorf("informed of the advisory: %+v", got)
	}
	tl, _ := f.store.Timeline(f.ctx, in.ID)
	if last := tl[len(tl)-1]; last.Actor != System || last.Text != "advisory message: sent to alice (email); sent to 王芳 (email)" {
		t.Errorf("timeline: %+v", last)
	}
}

// TestMessageMarking: a message narrower than its incident goes only
// where its own marking allows, and shows its own label.
func TestMessageMarking(t *testing.T) {
	f := newFixture(t)
	in := f.report(t, "Phishing wave", incident.SevMedium, incident.Marking{TLP: incident.Green})
	ds, err := f.svc.Send(f.ctx, in.ID, Message{Kind: incident.MessageBriefing, Text: "Names of the staff who clicked.",
		Marking: &incident.Marking{TLP: incident.AmberStrict}, To: []string{"alice", "Acme", "alice"}}, "alice")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"alice email sent", "Acme webhook withheld"}, outcomes(ds)); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
	m, _ := readMail(t, f.mailTo("alice@example.com")[0].Data)
	if s, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); !strings.HasPrefix(s, "[TLP:AMBER+STRICT] ") {
		t.Errorf("subject %q", s)
	}
	for _, tc := range []struct {
		m   Message
		err string
	}{
		{Message{Kind: "gossip"}, `message kind: unknown "gossip"`},
		{Message{Kind: incident.MessageBriefing, To: []string{"mallory"}}, `to[0]: "mallory" is not a stakeholder of incident 1`},
		{Message{Kind: incident.MessageBriefing, Marking: &incident.Marking{TLP: "PURPLE"}}, "message marking: tlp"},
	} {
		if _, err := f.svc.Send(f.ctx, in.ID, tc.m, "alice"); err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%+v: %v, want %q", tc.m, err, tc.err)
		}
	}
	if _, err := f.svc.Send(f.ctx, 99, Message{Kind: incident.MessageBriefing}, "alice"); err == nil {
		t.Error("sent about no incident")
	}
}

// TestRetries: a transient refusal is tried again, with the attempts
// recorded; a permanent one fails at once; a webhook that refuses the
// signature (a clock far off, so the call looks replayed) fails.
func TestRetries(t *testing.T) {
	f := newFixture(t)
	in := f.report(t, "Defaced status page", incident.SevLow, incident.Marking{TLP: incident.Clear})
	send := func(to string) incident.Delivery {
		t.Helper()
		ds, err := f.svc.Send(f.ctx, in.ID, Message{Kind: incident.MessageNew, To: []string{to}}, "alice")
		if err != nil || len(ds) == 0 {
			t.Fatalf("send: %v, %v", ds, err)
		}
		return ds[0]
	}
	for _, tc := range []struct {
		name     string
		refuse   []int
		status   incident.DeliveryStatus
		attempts int
		reason   string
	}{
		{"451 once, then accepted", []int{451}, incident.DeliverySent, 2, ""},
		{"550", []int{550}, incident.DeliveryFailed, 1, "550"},
		{"451 every time", []int{451, 451, 451}, incident.DeliveryFailed, 3, "451"},
	} {
		f.smtp.Refuse(tc.refuse...)
		d := send("alice")
		if d.Status != tc.status || d.Attempts != tc.attempts || !strings.Contains(d.Reason, tc.reason) {
			t.Errorf("%s: %s after %d attempts: %q", tc.name, d.Status, d.Attempts, d.Reason)
		}
		if stored, _ := f.store.Delivery(f.ctx, d.ID); stored.Status != tc.status || stored.Attempts != tc.attempts || stored.Done.IsZero() {
			t.Errorf("%s: stored %+v", tc.name, stored)
		}
	}

	// The notifier's clock ten minutes behind the receiver's: the call
	// is dated too long ago, refused, and not retried (401).
	f.svc.Hooks = Webhooks{Now: func() time.Time { return f.clk.now().Add(-10 * time.Minute) }}
	d := send("Acme")
	if d.Status != incident.DeliveryFailed || d.Attempts != 1 || !strings.Contains(d.Reason, "401 Unauthorized") || !strings.Contains(d.Reason, "a replay") {
		t.Errorf("old signature: %+v", d)
	}
	f.svc.Hooks = Webhooks{Now: f.clk.now}
	if d := send("Acme"); d.Status != incident.DeliverySent {
		t.Errorf("fresh signature: %+v", d)
	}

	// No SMTP server configured: e-mail fails, saying so.
	f.svc.Mail = nil
	if d := send("alice"); d.Status != incident.DeliveryFailed || d.Reason != ErrNoMailer.Error() {
		t.Errorf("no mailer: %+v", d)
	}
}

// TestTamperedWebhook: the receiver's check refuses a body changed after
// signing, and a genuine call replayed after five minutes.
func TestTamperedWebhook(t *testing.T) {
	f := newFixture(t)
	secret := f.tree["Acme"].WebhookSecret
	body := []byte(`{"delivery":1,"kind":"briefing","text":"all quiet"}`)
	post := func(b []byte, sig string) int {
		req, _ := http.NewRequest(http.MethodPost, f.hooks.srv.URL+"/acme", strings.NewReader(string(b)))
		req.Header.Set(SignatureHeader, sig)
		req.Header.Set("X-Vmc-Delivery", "1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	sig := Sign([]byte(secret), f.clk.now(), body)
	if code := post(body, sig); code != http.StatusOK {
		t.Errorf("genuine: %d", code)
	}
	if code := post([]byte(`{"delivery":1,"kind":"briefing","text":"all clear"}`), sig); code != http.StatusUnauthorized {
		t.Errorf("tampered: %d", code)
	}
	f.clk.add(6 * time.Minute)
	if code := post(body, sig); code != http.StatusUnauthorized {
		t.Errorf("replayed: %d", code)
	}
	if len(f.hooks.refused) != 2 || !strings.Contains(f.hooks.refused[0], "no signature matches the body") || !strings.Contains(f.hooks.refused[1], "a replay") {
		t.Errorf("refused: %q", f.hooks.refused)
	}
}

// TestEscalation: a level for any severity is taken at once; a level
// that waits for an acknowledgement is taken when its time comes and
// nobody has acknowledged; each stakeholder gets each level once;
// acknowledged or closed incidents escalate no further.
func TestEscalation(t *testing.T) {
	f := newFixture(t)
	if _, err := f.store.PutEscalation(f.ctx, incident.Escalation{Levels: []incident.Level{
		{Level: 1, Severity: incident.SevLow, Notify: []string{"alice"}},
		{Level: 2, Severity: incident.SevHigh, AfterMinutes: 30, Notify: []string{"王芳", "alice"}},
	}}, "admin"); err != nil {
		t.Fatal(err)
	}
	high := f.report(t, "SQL injection exploited", incident.SevHigh, incident.Marking{TLP: incident.AmberStrict})
	acked := f.report(t, "Credential stuffing", incident.SevHigh, incident.Marking{TLP: incident.AmberStrict})
	low := f.report(t, "Port scan", incident.SevLow, incident.Marking{TLP: incident.Green})

	res, err := f.svc.Sweep(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"alice email sent", "alice email sent", "alice email sent"}, outcomes(res.Escalated)); diff != "" {
		t.Errorf("at once -want +got:\n%s", diff)
	}
	if _, err := f.store.Acknowledge(f.ctx, incident.Ack{Incident: acked.ID, By: "alice"}); err != nil {
		t.Fatal(err)
	}
	f.clk.add(29 * time.Minute)
	if res, err := f.svc.Sweep(f.ctx); err != nil || len(res.Escalated) != 0 {
		t.Errorf("after 29 minutes: %v, %v", outcomes(res.Escalated), err)
	}
	f.clk.add(time.Minute)
	res, err = f.svc.Sweep(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range res.Escalated {
		got = append(got, fmt.Sprintf("%d %s level %d %s", d.Incident, d.Name, d.Level, d.Status))
	}
	if diff := cmp.Diff([]string{fmt.Sprintf("%d 王芳 level 2 sent", high.ID), fmt.Sprintf("%d alice level 2 sent", high.ID)}, got); diff != "" {
		t.Errorf("after 30 minutes -want +got:\n%s", diff)
	}
	if res, err := f.svc.Sweep(f.ctx); err != nil || len(res.Escalated) != 0 {
		t.Errorf("again: %v, %v", outcomes(res.Escalated), err)
	}
	m, _ := readMail(t, f.mailTo("wang.fang@example.cn")[0].Data)
	if s, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); s != fmt.Sprintf("[TLP:AMBER+STRICT] 事件升级（第 2 级）：INC-%d SQL injection exploited", high.ID) {
		t.Errorf("subject %q", s)
	}
	for _, id := range []int64{high.ID, acked.ID, low.ID} {
		ds, _ := f.store.ListDeliveries(f.ctx, store.DeliveryQuery{Incident: id, Kind: incident.MessageEscalation})
		want := map[int64]int{high.ID: 3, acked.ID: 1, low.ID: 1}[id]
		if len(ds) != want {
			t.Errorf("incident %d: %d escalations, want %d", id, len(ds), want)
		}
		for _, d := range ds {
			if d.Actor != System {
				t.Errorf("escalation by %s", d.Actor)
			}
		}
	}
	// Escalating by hand takes what is due and not yet done: nothing.
	if ds, err := f.svc.Escalate(f.ctx, high.ID, "bob"); err != nil || len(ds) != 0 {
		t.Errorf("by hand: %v, %v", outcomes(ds), err)
	}
}

// TestHeldEscalationCancelled: an escalation held under embargo is
// cancelled, not sent, when the incident has closed by the date; one to
// a stakeholder since removed is cancelled too.
func TestHeldEscalationCancelled(t *testing.T) {
	f := newFixture(t)
	if _, err := f.store.PutEscalation(f.ctx, incident.Escalation{Levels: []incident.Level{{Level: 1, Severity: incident.SevLow, Notify: []string{"alice"}}}},
		"admin"); err != nil {
		t.Fatal(err)
	}
	in := f.report(t, "Leaked key", incident.SevMedium, incident.Marking{TLP: incident.Amber,
		Embargo: &incident.Embargo{Until: f.clk.now().Add(time.Hour), Recipients: []string{"Vendor PSIRT"}}})
	res, err := f.svc.Sweep(f.ctx)
	if err != nil || !cmp.Equal(outcomes(res.Escalated), []string{"alice email held"}) {
		t.Fatalf("escalated: %v, %v", outcomes(res.Escalated), err)
	}
	briefing, err := f.svc.Send(f.ctx, in.ID, Message{Kind: incident.MessageBriefing, To: []string{"王芳"}}, "alice")
	if err != nil || !cmp.Equal(outcomes(briefing), []string{"王芳 email held"}) {
		t.Fatalf("briefing: %v, %v", outcomes(briefing), err)
	}
	wang := f.tree["王芳"]
	incTree, _ := f.store.ListStakeholders(f.ctx, in.ID)
	for _, st := range incTree {
		if st.Name == wang.Name {
			if err := f.store.RemoveStakeholder(f.ctx, st.ID, "alice"); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, to := range []incident.State{incident.Closed} {
		if _, err := f.store.MoveIncident(f.ctx, in.ID, to, "alice", "false alarm"); err != nil {
			t.Fatal(err)
		}
	}
	f.clk.add(2 * time.Hour)
	res, err = f.svc.Sweep(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range res.Released {
		got = append(got, d.Name+" "+string(d.Status)+": "+d.Reason)
	}
	want := []string{"alice cancelled: the incident is closed: no escalation is needed", "王芳 cancelled: the stakeholder was removed from the tree"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("-want +got:\n%s", diff)
	}
	if n := len(f.smtp.Messages()); n != 0 {
		t.Errorf("%d e-mails sent", n)
	}
}
