package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/api"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/disclosure"
	"github.com/vmc-dev/vmc/internal/store"
)

type intakeReceipt struct {
	Code        string               `json:"code"`
	StatusToken string               `json:"status_token"`
	StatusURL   string               `json:"status_url"`
	Received    time.Time            `json:"received"`
	Deadlines   disclosure.Deadlines `json:"deadlines"`
}

type statusBody struct {
	Code      string               `json:"code"`
	Title     string               `json:"title"`
	State     disclosure.State     `json:"state"`
	Deadlines disclosure.Deadlines `json:"deadlines"`
	Messages  []struct {
		From string `json:"from"`
		Text string `json:"text"`
	} `json:"messages"`
}

// submitReport sends a report to the public intake, with no credentials.
func (f *fixture) submitReport(t *testing.T, body string) intakeReceipt {
	t.Helper()
	code, got := f.do(t, nil, http.MethodPost, "/api/v1/intake", "", body)
	var rc intakeReceipt
	if code != http.StatusCreated || json.Unmarshal([]byte(got), &rc) != nil || !disclosure.ValidCode(rc.Code) {
		t.Fatalf("intake: %d %.500s", code, got)
	}
	return rc
}

func (f *fixture) status(t *testing.T, token string) statusBody {
	t.Helper()
	code, got := f.do(t, nil, http.MethodGet, "/api/v1/intake/"+token, "", "")
	var st statusBody
	if code != http.StatusOK || json.Unmarshal([]byte(got), &st) != nil {
		t.Fatalf("status: %d %.500s", code, got)
	}
	return st
}

// TestIntakeAPI: anyone may report without signing in, and follows the
// report by its status link alone; a link that leads nowhere is a 404
// indistinguishable from any other; the team's notes never reach the
// reporter; hostile bodies are refused with the field named, or for
// their size or type.
func TestIntakeAPI(t *testing.T) {
	f := newFixture(t)
	f.api.Intake.Limiter = api.IntakeLimiter(100, f.store)
	rc := f.submitReport(t, `{"title":"SQL injection in /search","description":"q=' OR 1=1 --","product":"shop-web","version":"2.4.0",
		"reporter_name":"Alice","reporter_contact":"alice@example.org","wants_credit":true}`)
	if !strings.HasPrefix(rc.StatusToken, "vmcr_") || rc.StatusURL != "/security/report/"+rc.StatusToken || rc.Received.IsZero() ||
		!rc.Deadlines.Disclosure.Equal(rc.Received.AddDate(0, 0, 90)) {
		t.Errorf("receipt: %+v", rc)
	}
	st := f.status(t, rc.StatusToken)
	if st.Code != rc.Code || st.State != disclosure.Received || st.Title != "SQL injection in /search" || len(st.Messages) != 0 {
		t.Errorf("status: %+v", st)
	}

	// Wrong links: a malformed one, an unknown id, a known id with the
	// wrong secret. All the same 404, naming nothing.
	other, _, _ := auth.NewStatusToken()
	wrongSecret := rc.StatusToken[:len(rc.StatusToken)-4] + "aaaa"
	if wrongSecret == rc.StatusToken {
		wrongSecret = rc.StatusToken[:len(rc.StatusToken)-4] + "bbbb"
	}
	var bodies []string
	for _, token := range []string{"nonsense", other, wrongSecret, strings.ToUpper(rc.StatusToken)} {
		code, body := f.do(t, nil, http.MethodGet, "/api/v1/intake/"+token, "", "")
		if code != http.StatusNotFound || !strings.Contains(body, "no report has this status link") || strings.Contains(body, token) {
			t.Errorf("status %q: %d %.300s", token, code, body)
		}
		bodies = append(bodies, body)
		if code, _ := f.do(t, nil, http.MethodPost, "/api/v1/intake/"+token+"/messages", "", `{"text":"hello"}`); code != http.StatusNotFound {
			t.Errorf("message by %q: %d", token, code)
		}
	}
	for _, b := range bodies[1:] {
		if b != bodies[0] {
			t.Errorf("wrong links answer differently:\n%s\n%s", bodies[0], b)
		}
	}

	// The conversation: the reporter writes, the team answers and notes.
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/intake/"+rc.StatusToken+"/messages", "", `{"text":"Also on /export."}`); code != http.StatusCreated || !strings.Contains(body, `"from":"you"`) {
		t.Errorf("reporter message: %d %.300s", code, body)
	}
	id := f.reportID(t, rc.Code)
	analyst := f.tokens[auth.Analyst]
	for _, m := range []string{`{"text":"Thank you, we reproduced it."}`, `{"text":"DBA says the search user can read payroll","internal":true}`} {
		if code, body := f.do(t, nil, http.MethodPost, fmt.Sprintf("/api/v1/disclosures/%d/messages", id), analyst, m); code != http.StatusCreated {
			t.Fatalf("team message: %d %.300s", code, body)
		}
	}
	st = f.status(t, rc.StatusToken)
	var conv []string
	for _, m := range st.Messages {
		conv = append(conv, m.From+": "+m.Text)
	}
	if strings.Join(conv, "\n") != "you: Also on /export.\nteam: Thank you, we reproduced it." {
		t.Errorf("conversation as the reporter sees it:\n%s", strings.Join(conv, "\n"))
	}
	if _, body := f.do(t, nil, http.MethodGet, "/api/v1/intake/"+rc.StatusToken, "", ""); strings.Contains(body, "payroll") || strings.Contains(body, "analyst-user") {
		t.Errorf("the team's note or a member's name reached the reporter: %.500s", body)
	}

	// Hostile bodies.
	for _, tc := range []struct {
		name, ctype, body string
		code              int
		want              string
	}{
		{"a terminal escape in the title", "application/json", `{"title":"x\u001b]0;pwned\u0007","description":"y"}`, 422, "invalid report: title: holds the control character U+001B"},
		{"a bidi override", "application/json", `{"title":"x","description":"y","product":"a\u202eb"}`, 422, "product: holds the control character U+202E"},
		{"credit without a name", "application/json", `{"title":"x","description":"y","wants_credit":true}`, 422, "credit_name: credit is wanted, but under which name?"},
		{"no title", "application/json", `{"description":"y"}`, 422, "title"},
		{"a number for the title", "application/json", `{"title":1,"description":"y"}`, 422, "title"},
		{"a form post to the JSON API", "application/x-www-form-urlencoded", "title=x&description=y", 415, ""},
		{"plain text", "text/plain", `{"title":"x","description":"y"}`, 415, ""},
		{"a huge description", "application/json", `{"title":"x","description":"` + strings.Repeat("a", 200<<10) + `"}`, 413, ""},
	} {
		code, body := f.do(t, nil, http.MethodPost, "/api/v1/intake", "", tc.body, "Content-Type", tc.ctype)
		if code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %.300s; want %d %q", tc.name, code, body, tc.code, tc.want)
		}
	}
	if code, body := f.do(t, nil, http.MethodPost, "/api/v1/intake/"+rc.StatusToken+"/messages", "", `{"text":"`+strings.Repeat("a", 40<<10)+`"}`); code != http.StatusRequestEntityTooLarge {
		t.Errorf("a huge message: %d %.200s", code, body)
	}
	// The language follows the request.
	zh := f.submitReport(t, `{"title":"XSS","description":"<svg onload=alert(1)>"}`)
	if r, _ := f.store.ReportByCode(context.Background(), zh.Code); r.Lang != "en" {
		t.Errorf("lang without Accept-Language: %q", r.Lang)
	}
	code, body := f.do(t, nil, http.MethodPost, "/api/v1/intake", "", `{"title":"XSS","description":"x"}`, "Accept-Language", "zh-CN,zh;q=0.9")
	var zrc intakeReceipt
	json.Unmarshal([]byte(body), &zrc)
	if r, _ := f.store.ReportByCode(context.Background(), zrc.Code); code != http.StatusCreated || r.Lang != "zh-CN" {
		t.Errorf("lang from Accept-Language: %d %q", code, r.Lang)
	}
}

func (f *fixture) reportID(t *testing.T, code string) int64 {
	t.Helper()
	r, err := f.store.ReportByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// TestIntakeRateLimit: one address may send so many reports, messages
// and wrong links an hour; past that it gets 429 with Retry-After, on
// the API and the pages alike, before its body is read.
func TestIntakeRateLimit(t *testing.T) {
	f := newFixture(t)
	f.api.Intake.Limiter = api.IntakeLimiter(3, f.store)
	rc := f.submitReport(t, `{"title":"a","description":"b"}`)
	if code, _ := f.do(t, nil, http.MethodPost, "/api/v1/intake/"+rc.StatusToken+"/messages", "", `{"text":"more"}`); code != http.StatusCreated {
		t.Fatalf("message: %d", code)
	}
	// Reading one's own status does not count; a wrong link does.
	for range 5 {
		f.status(t, rc.StatusToken)
	}
	if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/intake/vmcr_guess", "", ""); code != http.StatusNotFound {
		t.Fatalf("wrong link: %d", code)
	}
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/intake", strings.NewReader(`{"title":"c","description":"d"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("fourth write: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	for _, path := range []string{"/api/v1/intake/" + rc.StatusToken, "/security/report/" + rc.StatusToken} {
		if code, _ := f.do(t, nil, http.MethodGet, path, "", ""); code != http.StatusTooManyRequests {
			t.Errorf("GET %s while locked out: %d", path, code)
		}
	}
	// An oversized body is refused for the rate, not read.
	if code, _ := f.do(t, nil, http.MethodPost, "/api/v1/intake", "", `{"title":"x","description":"`+strings.Repeat("a", 200<<10)+`"}`); code != http.StatusTooManyRequests {
		t.Errorf("oversized while locked out: %d", code)
	}
	// Staff are not limited by the intake's limiter.
	if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/disclosures", f.tokens[auth.Analyst], ""); code != http.StatusOK {
		t.Errorf("staff while the address is locked out: %d", code)
	}
}

// TestDisclosureStaff: the team's routes need a sign-in and the
// permission; a report is acknowledged, triaged, its deadline moved,
// made an incident, fixed, credited and disclosed, every step audited;
// a report marked beyond a caller's clearance is not found by them.
func TestDisclosureStaff(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	analyst, auditor, owner, reporter := f.tokens[auth.Analyst], f.tokens[auth.Auditor], f.tokens[auth.Owner], f.tokens[auth.Reporter]
	rc := f.submitReport(t, `{"title":"IDOR on /api/orders/{id}","description":"any order by id","reporter_name":"Bob","wants_credit":true,"lang":"zh-CN"}`)
	dupRC := f.submitReport(t, `{"title":"orders of others visible","description":"same"}`)
	id, dupID := f.reportID(t, rc.Code), f.reportID(t, dupRC.Code)
	path := fmt.Sprintf("/api/v1/disclosures/%d", id)

	if code, _ := f.do(t, nil, http.MethodGet, "/api/v1/disclosures", "", ""); code != http.StatusUnauthorized {
		t.Errorf("list without signing in: %d", code)
	}
	if code, _ := f.do(t, nil, http.MethodPost, path+"/ack", "", "{}"); code != http.StatusUnauthorized {
		t.Errorf("ack without signing in: %d", code)
	}
	for _, tok := range []string{owner, reporter} {
		if code, _ := f.do(t, nil, http.MethodGet, path, tok, ""); code != http.StatusForbidden {
			t.Errorf("reading a report without report.read: %d", code)
		}
	}
	if code, body := f.do(t, nil, http.MethodGet, path, auditor, ""); code != http.StatusOK || !strings.Contains(body, `"overdue":[]`) {
		t.Errorf("auditor reading: %d %.300s", code, body)
	}
	if code, body := f.do(t, nil, http.MethodPost, path+"/ack", auditor, "{}"); code != http.StatusForbidden || !strings.Contains(body, "may not report.triage") {
		t.Errorf("auditor acknowledging: %d %.300s", code, body)
	}

	steps := []struct {
		name, method, path, body string
		code                     int
		want                     string
	}{
		{"accept before acknowledging", "POST", path + "/triage", `{"decision":"accepted","reason":"obvious"}`, 422, "report transition not allowed: received → accepted (from received: acknowledged, rejected, duplicate)"},
		{"acknowledge with an answer", "POST", path + "/ack", `{"message":"已收到，感谢！"}`, 200, `"state":"acknowledged"`},
		{"acknowledge twice", "POST", path + "/ack", `{}`, 422, "acknowledged → acknowledged"},
		{"a decision without a reason", "POST", path + "/triage", `{"decision":"accepted"}`, 422, "reason"},
		{"an unknown decision", "POST", path + "/triage", `{"decision":"fixed","reason":"x"}`, 422, "decision"},
		{"accept", "POST", path + "/triage", `{"decision":"accepted","reason":"reproduced: order 1001 read as another customer"}`, 200, `"state":"accepted"`},
		{"the duplicate", "POST", fmt.Sprintf("/api/v1/disclosures/%d/triage", dupID), fmt.Sprintf(`{"decision":"duplicate","reason":"same IDOR","duplicate_of":%d}`, id), 200, fmt.Sprintf(`"duplicate_of":%d`, id)},
		{"a deadline without a reason", "PUT", path + "/deadlines/disclosure", `{"at":"2027-04-01T00:00:00Z"}`, 422, "reason"},
		{"an unknown deadline", "PUT", path + "/deadlines/publish", `{"at":"2027-04-01T00:00:00Z","reason":"x"}`, 422, "deadline"},
		{"the disclosure date moved", "PUT", path + "/deadlines/disclosure", `{"at":"2027-04-01T00:00:00Z","reason":"the payment provider patches in March"}`, 200, `"disclosure":"2027-04-01T00:00:00Z"`},
		{"an incident with no category", "POST", path + "/incident", `{"severity":"high"}`, 422, "category"},
		{"link and open at once", "POST", path + "/incident", `{"incident":1,"category":"exploitation","severity":"high"}`, 422, "not both"},
		{"open an incident", "POST", path + "/incident", `{"category":"data_breach","severity":"high","owner":"analyst-user"}`, 200, `"title":"IDOR on /api/orders/{id}"`},
		{"link the duplicate", "POST", fmt.Sprintf("/api/v1/disclosures/%d/incident", dupID), `{"incident":1}`, 200, `"incident":1`},
		{"link to no incident", "POST", fmt.Sprintf("/api/v1/disclosures/%d/incident", dupID), `{"incident":99}`, 404, ""},
		{"fixed", "POST", path + "/moves", `{"to":"fixed","reason":"orders-api 3.2.1 checks the owner"}`, 200, `"state":"fixed"`},
		{"credit", "POST", path + "/credit", `{}`, 200, `"name":"Bob"`},
		{"disclosed", "POST", path + "/moves", `{"to":"disclosed","reason":"advisory published"}`, 200, `"next_states":[]`},
	}
	if code, body := f.do(t, nil, http.MethodPost, path+"/triage", analyst, `{"decision":"accepted","reason":"x"}`, "Accept-Language", "zh-CN"); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, `"detail":"该报告当前状态下不允许此状态变更。 report 1: report transition not allowed`) {
		t.Errorf("a refused move in Chinese: %d %.300s", code, body)
	}
	for _, st := range steps {
		code, body := f.do(t, nil, st.method, st.path, analyst, st.body)
		if code != st.code || !strings.Contains(body, st.want) {
			t.Fatalf("%s: %d %.500s; want %d %q", st.name, code, body, st.code, st.want)
		}
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/disclosures/credits", auditor, ""); code != http.StatusOK || !strings.Contains(body, `"name":"Bob"`) {
		t.Errorf("credits: %d %.300s", code, body)
	}
	// The incident carries the report's marking and shows where it came
	// from.
	code, body := f.do(t, nil, http.MethodGet, "/api/v1/incidents/1", analyst, "")
	if code != http.StatusOK || !strings.Contains(body, `"tlp":"AMBER"`) || !strings.Contains(body, "third-party vulnerability report "+rc.Code) {
		t.Errorf("incident from the report: %d %.600s", code, body)
	}
	// The reporter sees the answer and the new date, not the reasons.
	st := f.status(t, rc.StatusToken)
	if st.State != disclosure.Disclosed || !st.Deadlines.Disclosure.Equal(time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)) ||
		len(st.Messages) != 1 || st.Messages[0].Text != "已收到，感谢！" {
		t.Errorf("reporter's view: %+v", st)
	}
	if _, body := f.do(t, nil, http.MethodGet, "/api/v1/intake/"+rc.StatusToken, "", ""); strings.Contains(body, "payment provider") || strings.Contains(body, "order 1001") {
		t.Errorf("a reason reached the reporter: %.500s", body)
	}

	// Marked RED, the duplicate leaves the auditor's sight (cleared to
	// AMBER+STRICT): not in lists, not found, on reads and writes.
	if code, body := f.do(t, nil, http.MethodPost, fmt.Sprintf("/api/v1/disclosures/%d/marking", dupID), analyst, `{"tlp":"red","reason":"names a customer"}`); code != http.StatusOK || !strings.Contains(body, `"tlp":"RED"`) {
		t.Fatalf("marking: %d %.300s", code, body)
	}
	if code, _ := f.do(t, nil, http.MethodPost, fmt.Sprintf("/api/v1/disclosures/%d/marking", dupID), analyst, `{"tlp":"purple","reason":"x"}`); code != http.StatusUnprocessableEntity {
		t.Errorf("unknown label: %d", code)
	}
	_, withheld := f.do(t, nil, http.MethodGet, fmt.Sprintf("/api/v1/disclosures/%d", dupID), auditor, "")
	_, missing := f.do(t, nil, http.MethodGet, "/api/v1/disclosures/999", auditor, "")
	if !strings.Contains(withheld, fmt.Sprintf("report %d: not found", dupID)) || !strings.Contains(missing, "report 999: not found") {
		t.Errorf("withheld %.200s / missing %.200s", withheld, missing)
	}
	if _, body := f.do(t, nil, http.MethodGet, "/api/v1/disclosures", auditor, ""); strings.Contains(body, "orders of others visible") || !strings.Contains(body, "IDOR on") {
		t.Errorf("auditor's list: %.400s", body)
	}
	if code, body := f.do(t, nil, http.MethodGet, "/api/v1/disclosures?state=duplicate", analyst, ""); code != http.StatusOK || !strings.Contains(body, "orders of others visible") {
		t.Errorf("analyst's list of duplicates: %d %.300s", code, body)
	}

	// Every step is in the audit log, by whom.
	es, err := f.store.AuditOf(ctx, fmt.Sprintf("disclosure:%d", id))
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, e := range es {
		acts = append(acts, e.Actor+" "+e.Action)
	}
	want := "reporter:" + rc.Code + " disclosure.submit|analyst-user disclosure.state|analyst-user disclosure.reply|analyst-user disclosure.state|" +
		"analyst-user disclosure.deadline|analyst-user disclosure.link|analyst-user disclosure.state|analyst-user disclosure.credit|analyst-user disclosure.state"
	if got := strings.Join(acts, "|"); got != want {
		t.Errorf("audit:\n got %s\nwant %s", got, want)
	}
}

// TestOverdueList: the list says which deadlines each report missed, and
// filters by them.
func TestOverdueList(t *testing.T) {
	f := newFixture(t)
	rc := f.submitReport(t, `{"title":"weak TLS on mail","description":"TLS 1.0 offered"}`)
	analyst := f.tokens[auth.Analyst]
	if _, body := f.do(t, nil, http.MethodGet, "/api/v1/disclosures?overdue=true", analyst, ""); strings.Contains(body, rc.Code) {
		t.Errorf("a fresh report is overdue: %.300s", body)
	}
	// Eleven days on, with a token that lives that long.
	later := time.Now().AddDate(0, 0, 11)
	f.api.Now = func() time.Time { return later }
	plain, id, hash := auth.NewToken(auth.TokenPrefix)
	if err := f.store.PutToken(context.Background(), auth.Token{ID: id, User: "analyst-user", Name: "long", Scopes: []auth.Scope{auth.ScopeRead},
		Created: time.Now(), Expires: later.Add(time.Hour)}, hash, "test"); err != nil {
		t.Fatal(err)
	}
	code, body := f.do(t, nil, http.MethodGet, "/api/v1/disclosures?overdue=true", plain, "")
	if code != http.StatusOK || !strings.Contains(body, rc.Code) || !strings.Contains(body, `"overdue":["ack","triage"]`) {
		t.Errorf("eleven days on: %d %.400s", code, body)
	}
}

var (
	csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	codeRe    = regexp.MustCompile(`<p class="code">(VR-[A-Z0-9-]+)</p>`)
	linkRe    = regexp.MustCompile(`href="(/security/report/vmcr_[a-z2-7_]+)\?lang=`)
)

// formClient is a browser: it keeps cookies and does not follow
// redirects, so that the test sees them.
func formClient(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (f *fixture) postForm(t *testing.T, c *http.Client, path string, v url.Values, header ...string) (int, string) {
	t.Helper()
	return f.do(t, c, http.MethodPost, path, "", v.Encode(), append([]string{"Content-Type", "application/x-www-form-urlencoded"}, header...)...)
}

// TestIntakePages: the plain HTML form, in the reporter's language,
// with no script and no sign-in; a post from another site, or without
// the form's cookie, is refused; the receipt gives the code and the
// status link, whose page shows the conversation and takes a message.
func TestIntakePages(t *testing.T) {
	f := newFixture(t)
	f.api.Intake.Limiter = api.IntakeLimiter(100, f.store)
	c := formClient(t)
	code, page := f.do(t, c, http.MethodGet, "/security/report", "", "", "Accept-Language", "zh-CN,zh;q=0.9")
	if code != http.StatusOK || !strings.Contains(page, `<html lang="zh-CN">`) || !strings.Contains(page, "报告安全漏洞") || strings.Contains(page, "<script") {
		t.Fatalf("form in Chinese: %d %.300s", code, page)
	}
	if _, en := f.do(t, c, http.MethodGet, "/security/report?lang=en", "", "", "Accept-Language", "zh-CN"); !strings.Contains(en, "Report a security vulnerability") {
		t.Errorf("?lang=en does not win over Accept-Language")
	}
	resp, err := c.Get(f.srv.URL + "/security/report")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for h, want := range map[string]string{"Content-Type": "text/html; charset=utf-8", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
		"X-Content-Type-Options": "nosniff"} {
		if got := resp.Header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "form-action 'self'") {
		t.Errorf("CSP %q", csp)
	}
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field in %.500s", page)
	}
	form := url.Values{"csrf": {m[1]}, "lang": {"zh-CN"}, "title": {"后台弱口令"}, "description": {"admin/admin123 可登录\r\n步骤：……"},
		"reporter_name": {"韩梅梅"}, "wants_credit": {"on"}}

	// Refused: from another site, without the cookie, with a wrong token.
	if code, body := f.postForm(t, c, "/security/report", form, "Origin", "https://evil.example"); code != http.StatusForbidden || !strings.Contains(body, "表单已过期") {
		t.Errorf("cross-origin post: %d %.300s", code, body)
	}
	if code, _ := f.postForm(t, c, "/security/report", form, "Sec-Fetch-Site", "cross-site"); code != http.StatusForbidden {
		t.Errorf("cross-site post: %d", code)
	}
	// An opaque origin (a sandboxed frame, a data: URL) the browser does
	// not call same-origin.
	for _, site := range []string{"", "same-site", "cross-site", "none"} {
		if code, _ := f.postForm(t, c, "/security/report", form, "Origin", "null", "Sec-Fetch-Site", site); code != http.StatusForbidden {
			t.Errorf("post from Origin null, Sec-Fetch-Site %q: %d", site, code)
		}
	}
	if code, _ := f.postForm(t, nil, "/security/report", form); code != http.StatusForbidden {
		t.Errorf("post without the cookie: %d", code)
	}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("csrf", strings.Repeat("A", len(m[1])))
	if code, _ := f.postForm(t, c, "/security/report", bad); code != http.StatusForbidden {
		t.Errorf("post with a wrong token: %d", code)
	}
	if list, _ := f.store.ListReports(context.Background(), store.ReportQuery{}); len(list) != 0 {
		t.Fatalf("refused posts left %d reports", len(list))
	}

	// A mistake is shown beside its field, in the reporter's language,
	// with what they typed kept.
	bad = url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("title", "")
	bad.Set("reporter_name", "")
	code, body := f.postForm(t, c, "/security/report", bad, "Origin", f.srv.URL)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "请填写此项。") || !strings.Contains(body, "请填写致谢署名") || !strings.Contains(body, "admin/admin123") {
		t.Errorf("invalid form: %d %.800s", code, body)
	}

	// As Chromium and Firefox send the form of a page whose referrer
	// policy is no-referrer.
	code, body = f.postForm(t, c, "/security/report", form, "Origin", "null", "Sec-Fetch-Site", "same-origin")
	codeM, linkM := codeRe.FindStringSubmatch(body), linkRe.FindStringSubmatch(body)
	if code != http.StatusCreated || codeM == nil || linkM == nil || !strings.Contains(body, "请妥善保管此链接") {
		t.Fatalf("receipt: %d %.800s", code, body)
	}
	if strings.Contains(body, `class="lang"`) {
		t.Error("the receipt, which shows the status link once, links away to another language")
	}
	r, err := f.store.ReportByCode(context.Background(), codeM[1])
	if err != nil || r.Lang != "zh-CN" || r.Credit.Name != "韩梅梅" || r.Description != "admin/admin123 可登录\n步骤：……" {
		t.Errorf("report from the form: %+v, %v", r, err)
	}

	// The status page, and a message from it.
	code, body = f.do(t, c, http.MethodGet, linkM[1]+"?lang=zh-CN", "", "")
	if code != http.StatusOK || !strings.Contains(body, codeM[1]) || !strings.Contains(body, "已收到") || !strings.Contains(body, "暂无消息") {
		t.Fatalf("status page: %d %.600s", code, body)
	}
	tok := csrfField.FindStringSubmatch(body)
	code, _ = f.postForm(t, c, linkM[1], url.Values{"csrf": {tok[1]}, "lang": {"zh-CN"}, "text": {"还有一个：guest/guest"}})
	if code != http.StatusSeeOther {
		t.Fatalf("message: %d", code)
	}
	if _, body := f.do(t, c, http.MethodGet, linkM[1], "", ""); !strings.Contains(body, "还有一个：guest/guest") {
		t.Errorf("message not on the status page: %.600s", body)
	}
	if code, _ := f.postForm(t, c, linkM[1], url.Values{"csrf": {tok[1]}, "text": {" "}}); code != http.StatusUnprocessableEntity {
		t.Errorf("empty message: %d", code)
	}
	if code, body := f.do(t, c, http.MethodGet, "/security/report/vmcr_nothing?lang=en", "", ""); code != http.StatusNotFound || !strings.Contains(body, "No report has this status link") {
		t.Errorf("wrong link page: %d %.300s", code, body)
	}
	if code, _ := f.postForm(t, c, "/security/report", url.Values{"csrf": {m[1]}, "description": {strings.Repeat("a", 200<<10)}}); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized form: %d", code)
	}
}

// TestSecurityTxt: generated from the configuration, as text/plain
// UTF-8, with one Expires under a year ahead, the intake form among the
// contacts; not served when nothing names a contact.
func TestSecurityTxt(t *testing.T) {
	f := newFixture(t)
	if code, _ := f.do(t, nil, http.MethodGet, "/.well-known/security.txt", "", ""); code != http.StatusNotFound {
		t.Errorf("unconfigured: %d", code)
	}
	now := time.Date(2026, 11, 20, 15, 30, 0, 0, time.UTC)
	f.api.Now = func() time.Time { return now }
	f.api.Intake.PublicURL = "https://vmc.example.cn/"
	f.api.Intake.ExpiryDays = 90
	f.api.Intake.SecurityTxt = disclosure.SecurityTxt{Contact: []string{"mailto:security@example.cn"}, Policy: []string{"https://example.cn/cvd"}}
	resp, err := http.Get(f.srv.URL + "/.well-known/security.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	b := string(raw)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	fields := map[string][]string{}
	for _, line := range strings.Split(b, "\n") {
		if name, value, ok := strings.Cut(line, ": "); ok && !strings.HasPrefix(line, "#") {
			fields[name] = append(fields[name], value)
		}
	}
	for name, want := range map[string]string{
		"Contact":             "mailto:security@example.cn|https://vmc.example.cn/security/report",
		"Expires":             "2027-02-18T00:00:00Z",
		"Canonical":           "https://vmc.example.cn/.well-known/security.txt",
		"Policy":              "https://example.cn/cvd",
		"Preferred-Languages": "zh, en",
	} {
		if got := strings.Join(fields[name], "|"); got != want {
			t.Errorf("%s: %q, want %q\n%s", name, got, want, b)
		}
	}
	// A misconfiguration is not served as if it were right.
	f.api.Intake.SecurityTxt.Policy = []string{"http://example.cn/cvd"}
	if code, _ := f.do(t, nil, http.MethodGet, "/.well-known/security.txt", "", ""); code != http.StatusInternalServerError {
		t.Errorf("an http Policy: %d", code)
	}
}
