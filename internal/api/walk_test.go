package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/auth"
	validator "github.com/vmc-dev/vmc/internal/csaf"
	"github.com/vmc-dev/vmc/internal/disclosure"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/metrics"
	"github.com/vmc-dev/vmc/internal/publish/publishtest"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/postgres"
	"github.com/vmc-dev/vmc/internal/store/postgres/pgtest"
)

// TestIncidentWalk follows one realistic incident from end to end over
// HTTP, on both stores: a researcher's report through the public form,
// its triage into an incident, the communication tree told within its
// clearances, evidence whose chain of custody verifies, an advisory
// withheld from the public feed until its embargo lifts and then valid
// as CSAF, OSV and CVE JSON 5, a root-cause analysis with management's
// decision, and the SAMM metrics that count it.
func TestIncidentWalk(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { walk(t, newFixture(t)) })
	t.Run("postgres", func(t *testing.T) { walk(t, newFixtureOn(t, openPostgres(t))) })
}

// openPostgres returns a migrated store on a throwaway PostgreSQL server
// of the test's own, stopped after it; it skips the test when there is
// none (and fails it under CI).
func openPostgres(t *testing.T) store.Store {
	t.Helper()
	ctx := context.Background()
	srv := pgtest.Own(t)
	dsn, err := srv.NewDatabase(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s, err := postgres.Open(ctx, dsn, postgres.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// walkLog is a web server's access log as an analyst would collect it:
// the upload of a JSP file as a product image, then its use.
const walkLog = `203.0.113.77 - merchant-4711 [22/Nov/2026:23:41:07 +0800] "POST /admin/products/1893/images HTTP/1.1" 201 88 "-" "python-requests/2.31.0"
203.0.113.77 - - [22/Nov/2026:23:41:12 +0800] "GET /media/products/1893/cmd.jsp?c=id HTTP/1.1" 200 41 "-" "python-requests/2.31.0"
203.0.113.77 - - [22/Nov/2026:23:42:30 +0800] "GET /media/products/1893/cmd.jsp?c=cat+/etc/passwd HTTP/1.1" 200 1873 "-" "python-requests/2.31.0"
`

// walkAdvisory is the advisory's content at the standard level: the CWE
// and the technical details are published, the exploitation is not.
const walkAdvisory = `{"title":"Acme Shop: remote code execution through product image upload","lang":"en","level":"standard",
	"criticality":"critical","summary":"A signed-in merchant can upload a file that the shop server then runs.",
	"details":"The product image upload checks the Content-Type header only, and the media directory is served by the JSP engine.",
	"exploit":"Upload cmd.jsp with Content-Type image/png and request it under /media/products.",
	"products":[{"purl":"pkg:maven/com.acme.shop/shop-core","ranges":[{"introduced":"2.0.0","fixed":"2.4.1"}]}],
	"cvss":["CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H"],"cwes":["CWE-434"],
	"references":[{"type":"ADVISORY","url":"https://psirt.acme.example/advisories/shop-image-upload"}],
	"credits":[{"name":"Li Wei","type":"REPORTER"}],"remediation":"Update shop-core to 2.4.1."}`

func walk(t *testing.T, f *fixture) {
	mail := f.withNotifier(t)
	// The fixture's tokens last an hour from now, so the server's clock
	// runs within that hour: the advisory's embargo lifts in half an hour.
	start := time.Now().UTC().Truncate(time.Second)
	lifts := start.Add(30 * time.Minute)
	clk := &clock{t: start}
	f.api.Now = clk.now
	analyst, admin, auditor := f.tokens[auth.Analyst], f.tokens[auth.Admin], f.tokens[auth.Auditor]
	// Announcements are sent in the background: none may outlive the
	// store they record their deliveries in.
	t.Cleanup(f.api.Wait)

	// The metrics before: no incident yet, the payments team (the
	// owner's) not briefed, the process never reviewed.
	var before metrics.Summary
	f.json(t, http.MethodGet, "/api/v1/incident-metrics", auditor, "", http.StatusOK, &before)
	if got := walkFigures(before); got != "incidents 0 open 0 closed 0; briefed 0/1 0%; informed 0/0 -; root cause 0/0 -; collated 0/0 -; review overdue" {
		t.Errorf("metrics before the incident: %s", got)
	}

	// 1. A researcher reports through the public form, as a browser does:
	// the form's cookie and token, no account.
	browser := formClient(t)
	code, page := f.do(t, browser, http.MethodGet, "/security/report?lang=en", "", "")
	csrf := csrfField.FindStringSubmatch(page)
	if code != http.StatusOK || csrf == nil || !strings.Contains(page, "Report a security vulnerability") {
		t.Fatalf("intake form: %d %.300s", code, page)
	}
	form := url.Values{
		"csrf":             {csrf[1]},
		"lang":             {"en"},
		"title":            {"Product image upload accepts JSP files that the server runs"},
		"description":      {"As a merchant, upload cmd.jsp as a product image with Content-Type image/png;\r\nGET /media/products/<id>/cmd.jsp?c=id runs the command."},
		"product":          {"Acme Shop"},
		"version":          {"2.4.0"},
		"reporter_name":    {"Li Wei"},
		"reporter_contact": {"li.wei@research.example"},
		"wants_credit":     {"on"},
	}
	code, receipt := f.postForm(t, browser, "/security/report", form, "Origin", f.srv.URL)
	ackCode, statusLink := codeRe.FindStringSubmatch(receipt), linkRe.FindStringSubmatch(receipt)
	if code != http.StatusCreated || ackCode == nil || statusLink == nil || !disclosure.ValidCode(ackCode[1]) {
		t.Fatalf("receipt: %d %.800s", code, receipt)
	}
	statusPage := func(want string) {
		t.Helper()
		code, body := f.do(t, browser, http.MethodGet, statusLink[1]+"?lang=en", "", "")
		if code != http.StatusOK || !strings.Contains(body, ackCode[1]) || !strings.Contains(body, "<strong>"+want+"</strong>") {
			t.Fatalf("status page, want %q: %d %.800s", want, code, body)
		}
	}
	statusPage("Received")

	// 2. The team finds it among the reports, acknowledges it, accepts it
	// and opens an incident from it; the reporter sees the progress.
	var reports struct {
		Items []disclosure.Report `json:"items"`
	}
	f.json(t, http.MethodGet, "/api/v1/disclosures", analyst, "", http.StatusOK, &reports)
	i := slices.IndexFunc(reports.Items, func(r disclosure.Report) bool { return r.Code == ackCode[1] })
	if i < 0 || reports.Items[i].State != disclosure.Received || reports.Items[i].Product != "Acme Shop" || reports.Items[i].Credit.Name != "Li Wei" {
		t.Fatalf("the report among the disclosures: %+v", reports.Items)
	}
	report := fmt.Sprintf("/api/v1/disclosures/%d", reports.Items[i].ID)
	f.json(t, http.MethodPost, report+"/ack", analyst, `{"message":"Thank you, we are reproducing it."}`, http.StatusOK, nil)
	statusPage("Acknowledged")
	f.json(t, http.MethodPost, report+"/triage", analyst, `{"decision":"accepted","reason":"reproduced on shop-web staging: cmd.jsp ran as tomcat"}`, http.StatusOK, nil)
	statusPage("Accepted: we are fixing it")

	// 3. The organisation's communication tree, which every new incident
	// copies: a commander cleared for RED by e-mail, a customer's SOC
	// cleared for GREEN only.
	f.json(t, http.MethodPost, "/api/v1/communication-tree/stakeholders", admin,
		`{"name":"alice","role":"commander","email":"alice@example.com","clearance":"TLP:RED"}`, http.StatusCreated, nil)
	f.json(t, http.MethodPost, "/api/v1/communication-tree/stakeholders", admin,
		`{"name":"Acme SOC","role":"customer","email":"soc@acme.example","clearance":"TLP:GREEN"}`, http.StatusCreated, nil)

	var opened struct {
		Report   disclosure.Report  `json:"report"`
		Incident *incident.Incident `json:"incident"`
	}
	f.json(t, http.MethodPost, report+"/incident", analyst, `{"category":"exploitation","severity":"critical","owner":"analyst-user"}`, http.StatusOK, &opened)
	if opened.Incident == nil || opened.Incident.ID == 0 || opened.Report.Incident != opened.Incident.ID || opened.Incident.Marking.TLP != incident.Amber ||
		opened.Incident.Title != form.Get("title") || opened.Incident.State != incident.Reported {
		t.Fatalf("incident from the report: %+v", opened)
	}
	id := opened.Incident.ID
	inc := fmt.Sprintf("/api/v1/incidents/%d", id)
	statusPage("Accepted: we are fixing it")
	if _, body := f.do(t, browser, http.MethodGet, statusLink[1]+"?lang=en", "", ""); strings.Contains(body, "tomcat") {
		t.Errorf("the team's reason reached the reporter: %.800s", body)
	}
	var tree struct {
		Items []incident.Stakeholder `json:"items"`
	}
	f.json(t, http.MethodGet, inc+"/stakeholders", analyst, "", http.StatusOK, &tree)
	var copied []string
	for _, st := range tree.Items {
		copied = append(copied, fmt.Sprintf("%s %s %s", st.Name, st.Email, st.Clearance))
	}
	slices.Sort(copied)
	if want := []string{"Acme SOC soc@acme.example GREEN", "alice alice@example.com RED"}; !slices.Equal(copied, want) {
		t.Fatalf("the incident's tree: %q, want %q", copied, want)
	}

	// Opening the incident and triaging it are announced: the
	// commander's two e-mails arrive at the SMTP server; the customer,
	// not cleared for AMBER, is sent neither, and the deliveries say so.
	f.json(t, http.MethodPost, inc+"/tasks", analyst, `{"title":"Block *.jsp under /media at the load balancer","kind":"containment"}`, http.StatusCreated, nil)
	f.json(t, http.MethodPost, inc+"/moves", analyst, `{"to":"triaged","reason":"webshell uploaded to shop-web through product images"}`, http.StatusOK, nil)
	f.api.Wait()
	msgs := mail.Messages()
	var bodies []string
	for _, m := range msgs {
		_, body, err := m.Read()
		if err != nil || len(m.To) != 1 || m.To[0] != "alice@example.com" {
			t.Fatalf("a message to %q (%v), want the commander only", m.To, err)
		}
		bodies = append(bodies, body)
	}
	all := strings.Join(bodies, "\n")
	if len(msgs) != 2 || !strings.Contains(all, "A security incident has been reported") ||
		!strings.Contains(all, "reported → triaged: webshell uploaded to shop-web through product images") {
		t.Fatalf("%d messages to the commander, want the new incident and its triage:\n%s", len(msgs), all)
	}
	var sent deliveriesResp
	f.json(t, http.MethodGet, inc+"/deliveries", analyst, "", http.StatusOK, &sent)
	if s := statuses(sent.Items); len(sent.Items) != 4 || strings.Count(s, "alice email sent") != 2 || strings.Count(s, "Acme SOC email withheld") != 2 {
		t.Errorf("deliveries after triage: %s", s)
	}

	// 4. Evidence: the access log, collected, read with a reason and
	// exported as a bundle that verifies; the chain of custody says who
	// did what and why.
	ev := f.addEvidence(t, analyst, id, "shop-web-access.log", "amber", walkLog)
	resp, body := f.post(t, analyst, fmt.Sprintf("%s/evidence/%d/download", inc, ev), `{"reason":"find every request to cmd.jsp"}`)
	if resp.StatusCode != http.StatusOK || string(body) != walkLog {
		t.Fatalf("download: %d %q", resp.StatusCode, body)
	}
	resp, body = f.post(t, analyst, inc+"/evidence/bundle", `{"reason":"handed to the forensics contractor"}`)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("bundle: %d %s", resp.StatusCode, body)
	}
	rep, err := incident.VerifyBundle(bytes.NewReader(body), int64(len(body)))
	if err != nil || !rep.Intact() {
		t.Fatalf("bundle not intact: %v %v", rep.Problems(), err)
	}
	if len(rep.Manifest.Files) != 1 || rep.Manifest.Files[0].ID != ev || rep.Manifest.Files[0].SHA256 != sha256Hex(walkLog) {
		t.Errorf("manifest: %+v", rep.Manifest)
	}
	var custody struct {
		Evidence incident.Evidence       `json:"evidence"`
		Custody  []incident.CustodyEvent `json:"custody"`
	}
	f.json(t, http.MethodGet, fmt.Sprintf("%s/evidence/%d", inc, ev), auditor, "", http.StatusOK, &custody)
	var entries []string
	for _, e := range custody.Custody {
		entries = append(entries, fmt.Sprintf("%s %s %s", e.Action, e.Actor, e.Reason))
	}
	want := []string{"collected analyst-user collected from shop-web-access.log", "accessed analyst-user find every request to cmd.jsp",
		"exported analyst-user handed to the forensics contractor"}
	if !slices.Equal(entries, want) || custody.Custody[2].SHA256 != rep.ManifestSHA256 {
		t.Errorf("custody:\n%s\nwant\n%s", strings.Join(entries, "\n"), strings.Join(want, "\n"))
	}
	if err := incident.CheckCustody(custody.Evidence, custody.Custody); err != nil {
		t.Error(err)
	}

	// 5. The advisory, under embargo until the fix has shipped:
	// published, yet absent from the public feed until the date.
	f.json(t, http.MethodPut, "/api/v1/advisories/settings", admin, settingsBody, http.StatusOK, nil)
	marking := `{"tlp":"CLEAR","embargo":{"until":"` + lifts.Format(time.RFC3339) + `","reason":"coordinated disclosure with the reporter",` +
		`"recipients":["analyst-user","admin-user"]}}`
	var adv advisoryView
	f.json(t, http.MethodPost, inc+"/advisories", analyst, `{"cve":"CVE-2026-41234","content":`+walkAdvisory+`,"marking":`+marking+`}`, http.StatusCreated, &adv)
	advID := adv.Advisory.ID
	clk.set(start.Add(10 * time.Minute))
	f.json(t, http.MethodPost, "/api/v1/advisories/"+advID+"/finalise", analyst, "", http.StatusOK, &adv)
	f.json(t, http.MethodPost, "/api/v1/advisories/"+advID+"/publish", analyst, "", http.StatusOK, &adv)
	if adv.Advisory.State != "published" || adv.Public || !strings.Contains(adv.Withheld, "under embargo until "+lifts.Format(time.RFC3339)) {
		t.Fatalf("published: %+v", adv)
	}
	public := func() feed {
		t.Helper()
		var fd feed
		f.json(t, http.MethodGet, "/api/v1/advisories/published", "", "", http.StatusOK, &fd)
		return fd
	}
	download := func(format string) (int, string) {
		return f.do(t, nil, http.MethodGet, "/api/v1/advisories/"+advID+"/"+format, "", "")
	}
	formats := []string{"csaf", "osv", "cve5", "stix"}
	if fd := public(); len(fd.Items) != 0 {
		t.Errorf("feed under embargo: %+v", fd)
	}
	for _, format := range formats {
		if code, body := download(format); code != http.StatusNotFound {
			t.Errorf("%s under embargo: %d %.200s", format, code, body)
		}
	}
	clk.set(lifts)
	if fd := public(); len(fd.Items) != 1 || fd.Items[0].ID != advID || len(fd.Items[0].Documents) != len(formats) {
		t.Fatalf("feed once the embargo lifts: %+v", fd)
	}
	docs := map[string]string{}
	for _, format := range formats {
		code, body := download(format)
		if code != http.StatusOK || !strings.Contains(body, "CWE-434") || strings.Contains(body, "cmd.jsp") {
			t.Errorf("%s at the standard level: %d %.300s", format, code, body)
		}
		docs[format] = body
	}
	res, err := validator.Validate([]byte(docs["csaf"]))
	if err != nil || !res.Valid() || !strings.Contains(docs["csaf"], `"status": "final"`) {
		t.Errorf("CSAF: %v %+v", err, res.Findings)
	}
	osvSchema := publishtest.SharedSchema(t, "osv/schema/schema.json", "https://raw.githubusercontent.com/ossf/osv-schema/main/validation/schema.json")
	if err := osvSchema([]byte(docs["osv"])); err != nil || !strings.Contains(docs["osv"], `"CVE-2026-41234"`) {
		t.Errorf("OSV: %v", err)
	}
	cnaSchema := publishtest.SharedSchema(t, "cve5/schema/CVE_JSON_cnaPublishedContainer_5.1.1.json", "https://example.invalid/cna.json")
	if err := cnaSchema([]byte(docs["cve5"])); err != nil {
		t.Errorf("CVE JSON 5: %v", err)
	}

	// 6. Root causes, a recommendation management decides to schedule,
	// and the impact; then the response runs to its end.
	var cause incident.Cause
	f.json(t, http.MethodPost, inc+"/rca/causes", analyst, `{"kind":"code_vulnerability","cwe":"CWE-434","component":{"purl":"pkg:maven/com.acme.shop/shop-core@2.4.0"},`+
		`"description":"The image upload trusts the Content-Type header, and the media directory is served by the JSP engine."}`, http.StatusCreated, &cause)
	if cause.CWE != "CWE-434" || cause.CWEName != "Unrestricted Upload of File with Dangerous Type" {
		t.Errorf("cause: %+v", cause)
	}
	due := start.AddDate(0, 0, 30).Format(time.DateOnly)
	var rec incident.Recommendation
	f.json(t, http.MethodPost, inc+"/rca/recommendations", analyst,
		fmt.Sprintf(`{"text":"Check uploads by content and serve media from a static host.","owner":"shop-lead","due":"%s","cause":%d}`, due, cause.ID), http.StatusCreated, &rec)
	if rec.Owner != "shop-lead" || rec.Due.Format(time.DateOnly) != due {
		t.Errorf("recommendation: %+v", rec)
	}
	if code, body := f.do(t, nil, http.MethodPost, fmt.Sprintf("%s/rca/recommendations/%d/decisions", inc, rec.ID), auditor, `{"decision":"schedule"}`); code != http.StatusForbidden {
		t.Errorf("a decision without finding.accept: %d %.300s", code, body)
	}
	f.json(t, http.MethodPost, fmt.Sprintf("%s/rca/recommendations/%d/decisions", inc, rec.ID), admin, `{"decision":"schedule","task_kind":"patch"}`, http.StatusCreated, &rec)
	decided := rec.Current()
	if decided == nil || decided.Task == 0 || decided.DecidedBy != "admin-user" {
		t.Fatalf("decision: %+v", rec)
	}
	f.json(t, http.MethodPut, inc+"/impact", analyst, `{"downtime_minutes":95,"direct_cost":{"amount":12000,"currency":"CNY"},"person_hours":26.5,`+
		`"projects":["shop"],"reason":"shop-web offline during containment; team time sheets"}`, http.StatusOK, nil)

	var view incidentWalkView
	f.json(t, http.MethodGet, inc, analyst, "", http.StatusOK, &view)
	if im := view.Incident.Impact; im == nil || im.DowntimeMinutes != 95 || im.PersonHours != 26.5 {
		t.Errorf("impact: %+v", view.Incident.Impact)
	}
	var patch, containment incident.Task
	for _, x := range view.Tasks {
		switch {
		case x.ID == decided.Task:
			patch = x
		case x.Kind == incident.TaskContainment:
			containment = x
		}
	}
	if patch.Link != fmt.Sprintf("recommendation:%d", rec.ID) || patch.Kind != incident.TaskPatch || !patch.Open() || containment.ID == 0 {
		t.Fatalf("tasks: %+v", view.Tasks)
	}

	var cov struct {
		Incidents    int     `json:"incidents"`
		Documented   int     `json:"documented"`
		Undocumented []int64 `json:"undocumented"`
		Percent      float64 `json:"percent"`
	}
	f.json(t, http.MethodGet, "/api/v1/rca/coverage", auditor, "", http.StatusOK, &cov)
	if cov.Incidents != 0 {
		t.Errorf("coverage counts an open incident: %+v", cov)
	}
	for _, to := range []incident.State{incident.Contained, incident.Eradicated, incident.Recovered} {
		f.json(t, http.MethodPost, inc+"/moves", analyst, `{"to":"`+string(to)+`"}`, http.StatusOK, nil)
	}
	if code, body := f.do(t, nil, http.MethodPost, inc+"/moves", analyst, `{"to":"closed"}`); code != http.StatusUnprocessableEntity || !strings.Contains(body, "open response tasks") {
		t.Errorf("closed with the containment task open: %d %.300s", code, body)
	}
	for _, task := range []int64{containment.ID, patch.ID} {
		f.json(t, http.MethodPost, fmt.Sprintf("%s/tasks/%d/done", inc, task), analyst, "", http.StatusOK, nil)
	}
	f.json(t, http.MethodPost, inc+"/moves", analyst, `{"to":"closed","reason":"shop-core 2.4.1 deployed"}`, http.StatusOK, nil)
	f.json(t, http.MethodPost, inc+"/moves", analyst, `{"to":"reviewed","reason":"post-incident review held"}`, http.StatusOK, &view)
	if view.Incident.State != incident.Reviewed {
		t.Errorf("state at the end: %s", view.Incident.State)
	}

	// 7. The metrics count it: its root cause and recommendation are
	// documented, and the commander, one of two stakeholders, was told.
	f.json(t, http.MethodGet, "/api/v1/rca/coverage", auditor, "", http.StatusOK, &cov)
	if cov.Incidents != 1 || cov.Documented != 1 || cov.Percent != 100 || len(cov.Undocumented) != 0 {
		t.Errorf("coverage: %+v", cov)
	}
	f.api.Wait()
	f.json(t, http.MethodGet, inc+"/deliveries", auditor, "", http.StatusOK, &sent)
	if sent.Informed == nil || sent.Informed.Stakeholders != 2 || sent.Informed.Informed != 1 {
		t.Errorf("informed: %+v", sent.Informed)
	}
	if s := statuses(sent.Items); strings.Count(s, "alice email sent") != 7 || strings.Count(s, "Acme SOC email withheld") != 7 || strings.Contains(s, "Acme SOC email sent") {
		t.Errorf("deliveries at the end: %s", s)
	}
	if n := len(mail.Messages()); n != 7 {
		t.Errorf("%d messages reached the SMTP server, want the opening and one per move, to the commander", n)
	}

	// 8. The periodic review takes the incident up and the payments team
	// is briefed on what was learnt: the metrics and SAMM's percentages
	// have moved, and the review report renders.
	f.json(t, http.MethodPost, "/api/v1/briefings", analyst, `{"at":"`+lifts.Format(time.RFC3339)+`","team":"payments","notes":"The webshell: what to look for."}`,
		http.StatusCreated, nil)
	today := lifts.Format(time.DateOnly)
	f.json(t, http.MethodPost, "/api/v1/process-reviews", analyst, `{"on":"`+today+`","participants":["analyst-user","CISO"],`+
		`"findings":"One webshell through product images; contained in half an hour.","decisions":"Serve media from a static host."}`, http.StatusCreated, nil)
	clk.set(lifts.Add(time.Minute))
	var after metrics.Summary
	f.json(t, http.MethodGet, "/api/v1/incident-metrics", auditor, "", http.StatusOK, &after)
	if got, want := walkFigures(after), "incidents 1 open 0 closed 1; briefed 1/1 100% met; informed 1/2 50%; root cause 1/1 100% met; collated 1/1 100% met; "+
		"review due "+lifts.AddDate(0, 6, 0).Format(time.DateOnly); got != want {
		t.Errorf("metrics after the incident:\n got %s\nwant %s", got, want)
	}
	if len(after.Rows) != 1 || after.Rows[0].ID != id || after.Withheld != 0 {
		t.Fatalf("the incidents named: %+v, %d withheld", after.Rows, after.Withheld)
	}
	// The store stamps the moves by its own clock, not the server's: the
	// response times are the walk's own, and only counted here.
	if after.ByCategory[slices.IndexFunc(after.ByCategory, func(c metrics.Count) bool { return c.Key == "exploitation" })].Incidents != 1 ||
		!slices.Equal(after.ByProject, []metrics.Count{{Key: "shop", Incidents: 1}}) || after.Downtime.Minutes != 95 || after.PersonHours != 26.5 ||
		!slices.Equal(after.DirectCost, []incident.Money{{Amount: 12000, Currency: "CNY"}}) ||
		after.TimeToTriage.Incidents != 1 || after.TimeToContain.Incidents != 1 || after.TimeToClose.Incidents != 1 {
		t.Errorf("the incident's figures: %+v", after)
	}
	pdf := f.download(t, "/api/v1/reports/incidents?lang=zh-CN", auditor, "application/pdf")
	text := pdfText(t, pdf)
	for _, want := range []string{"安全事件复盘报告", "本期发现的安全事件：1 起", form.Get("title"), "12,000 CNY"} {
		if text != "" && !strings.Contains(text, want) {
			t.Errorf("review report lacks %q", want)
		}
	}
}

// walkFigures writes the figures the walk follows on one line.
func walkFigures(s metrics.Summary) string {
	ratio := func(r metrics.Ratio) string {
		if r.Percent == nil {
			return fmt.Sprintf("%d/%d -", r.Numerator, r.Denominator)
		}
		out := fmt.Sprintf("%d/%d %g%%", r.Numerator, r.Denominator, *r.Percent)
		if r.Met {
			out += " met"
		}
		return out
	}
	review := "review overdue"
	if !s.Review.Overdue {
		review = "review due " + s.Review.Next.Format(time.DateOnly)
	}
	return fmt.Sprintf("incidents %d open %d closed %d; briefed %s; informed %s; root cause %s; collated %s; %s", s.Incidents, s.Open, s.Closed,
		ratio(s.SAMM.Briefed), ratio(s.SAMM.Informed), ratio(s.SAMM.RootCause), ratio(s.SAMM.Collated), review)
}

// incidentWalkView is the part of an incident's view the walk reads.
type incidentWalkView struct {
	Incident incident.Incident `json:"incident"`
	Tasks    []incident.Task   `json:"tasks"`
}
