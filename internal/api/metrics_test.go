package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/metrics"
)

// TestIncidentMetricsOverAPI: the metrics and the review report are the
// process's (process.read); every incident is counted, and only those
// released to the caller are named, in the JSON and in the report.
func TestIncidentMetricsOverAPI(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	analyst, auditor := f.tokens[auth.Analyst], f.tokens[auth.Auditor]
	phish := f.reportIncident(t, analyst, `{"title":"钓鱼邮件窃取财务人员密码","category":"phishing","severity":"medium","tlp":"AMBER","detected":"2026-09-10T08:00:00Z"}`)
	miner := f.reportIncident(t, analyst, `{"title":"Cryptominer on the RED host","category":"malware","severity":"critical","tlp":"RED","detected":"2026-10-05T00:00:00Z"}`)
	secret := f.reportIncident(t, analyst, `{"title":"Embargoed vendor breach","category":"data_breach","severity":"high","tlp":"AMBER",
		"embargo":{"until":"2099-01-01T00:00:00Z","recipients":["vendor-psirt"]},"detected":"2026-11-01T00:00:00Z"}`)
	for _, id := range []int64{phish, miner} {
		if _, err := f.store.MoveIncident(ctx, id, incident.Closed, "analyst-user", "no further action"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.store.SetImpact(ctx, phish, incident.Impact{DowntimeMinutes: 150, PersonHours: 18.5,
		DirectCost: &incident.Money{Amount: 12000, Currency: "CNY"}}, []string{"payroll"}, "analyst-user", ""); err != nil {
		t.Fatal(err)
	}
	const window = "?from=2026-01-01&to=2027-01-01"

	for _, tc := range []struct {
		role     auth.Role
		rows     []int64
		withheld int
		// undocumented and uncollated name only the released.
		undocumented, uncollated []int64
	}{
		{auth.Admin, []int64{phish, miner}, 1, []int64{phish, miner}, []int64{miner}},
		{auth.Analyst, []int64{phish, miner}, 1, []int64{phish, miner}, []int64{miner}},
		{auth.Auditor, []int64{phish}, 2, []int64{phish}, []int64{}}, // TLP:RED is beyond AMBER+STRICT
	} {
		var got metrics.Summary
		if code, body := f.call(t, http.MethodGet, "/api/v1/incident-metrics"+window, f.tokens[tc.role], "", &got); code != http.StatusOK {
			t.Fatalf("%s: %d %.300s", tc.role, code, body)
		}
		var rows []int64
		for _, r := range got.Rows {
			rows = append(rows, r.ID)
		}
		if !slices.Equal(rows, tc.rows) || got.Withheld != tc.withheld || !slices.Equal(got.SAMM.Undocumented, tc.undocumented) ||
			!slices.Equal(got.SAMM.Uncollated, tc.uncollated) {
			t.Errorf("%s: rows %v withheld %d undocumented %v uncollated %v; want %v %d %v %v", tc.role, rows, got.Withheld,
				got.SAMM.Undocumented, got.SAMM.Uncollated, tc.rows, tc.withheld, tc.undocumented, tc.uncollated)
		}
		// The counts are everyone's.
		if got.Incidents != 3 || got.Closed != 2 || got.SAMM.RootCause.Denominator != 2 || got.SAMM.Collated.Numerator != 1 ||
			got.Downtime.Minutes != 150 || len(got.DirectCost) != 1 || got.DirectCost[0].Currency != "CNY" {
			t.Errorf("%s: %+v", tc.role, got)
		}
	}

	// Owners and reporters are not the process's readers.
	for _, role := range []auth.Role{auth.Owner, auth.Reporter} {
		for _, path := range []string{"/api/v1/incident-metrics", "/api/v1/reports/incidents"} {
			if code, body := f.call(t, http.MethodGet, path, f.tokens[role], "", nil); code != http.StatusForbidden ||
				!strings.Contains(body, "may not process.read") {
				t.Errorf("%s %s: %d %.200s", role, path, code, body)
			}
		}
	}
	if code, _ := f.call(t, http.MethodGet, "/api/v1/incident-metrics", "", "", nil); code != http.StatusUnauthorized {
		t.Errorf("anonymous: %d", code)
	}

	// Windows that cannot be measured, named in the request's language.
	for _, tc := range []struct{ query, lang, want string }{
		{"?from=2026-07-01&to=2026-01-01", "", "from: 2026-07-01 is not before to 2026-01-01"},
		{"?from=1990-01-01&to=2026-01-01", "", "1990-01-01 to 2026-01-01 spans 432 months, more than 240"},
		{"?from=2027-01-01", "zh-CN", "统计期间无效"},
		{"?from=2026-1-1", "", "validation failed"},
		{"?to=tomorrow", "", "validation failed"},
	} {
		code, body := f.call(t, http.MethodGet, "/api/v1/incident-metrics"+tc.query, auditor, "", nil, "Accept-Language", tc.lang)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %.300s, want 422 with %q", tc.query, code, body, tc.want)
		}
	}

	// The review's charts, as SVG for the web UI, in the caller's
	// language; they name no incident.
	for _, tc := range []struct{ name, lang, want string }{
		{"by-category", "zh-CN", "网络钓鱼"},
		{"by-category", "en", "Phishing"},
		{"trend", "en", "<svg"},
		{"response-times", "en", "<svg"},
		{"samm", "en", "<svg"},
	} {
		code, body := f.call(t, http.MethodGet, "/api/v1/incident-metrics/charts/"+tc.name+window, auditor, "", nil, "Accept-Language", tc.lang)
		if code != http.StatusOK || !strings.HasPrefix(strings.TrimSpace(body), "<svg") || !strings.Contains(body, tc.want) || strings.Contains(body, "Cryptominer") {
			t.Errorf("chart %s (%s): %d %.300s", tc.name, tc.lang, code, body)
		}
	}
	if code, body := f.call(t, http.MethodGet, "/api/v1/incident-metrics/charts/pie"+window, auditor, "", nil); code != http.StatusUnprocessableEntity {
		t.Errorf("an unknown chart: %d %.300s", code, body)
	}

	// The report, as the auditor reads it: the RED and embargoed
	// incidents are counted and not named.
	code, body := f.call(t, http.MethodGet, "/api/v1/reports/incidents"+window+"&format=csv&lang=en", auditor, "", nil)
	if code != http.StatusOK || !strings.HasPrefix(body, "\uFEFFMetric,Breakdown,Value,Unit\r\n") || !strings.Contains(body, "Incidents,All,3,\r\n") ||
		strings.Contains(body, "Cryptominer") {
		t.Errorf("CSV: %d %.500s", code, body)
	}
	// Without lang, the report speaks the request's language.
	pdf := f.download(t, "/api/v1/reports/incidents"+window, auditor, "application/pdf", "Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5")
	text := pdfText(t, pdf)
	if text == "" {
		t.Skip("pdftotext not found: the report's text is not checked")
	}
	for _, want := range []string{"安全事件复盘报告", "统计期间：2026-01-01 至 2026-12-31", "TLP 标签：TLP:AMBER+STRICT", "钓鱼邮件窃取财务人员密码",
		"本期发现的安全事件：3 起", "另有 2 起事件已计入上述统计", "12,000 CNY"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, never := range []string{"Cryptominer", "Embargoed vendor breach", fmt.Sprintf("INC-%d", miner), fmt.Sprintf("INC-%d", secret)} {
		if strings.Contains(text, never) {
			t.Errorf("report names %q, which is withheld from the auditor", never)
		}
	}
}

// download GETs a report, checking its status, type and that it is
// named as an attachment, in the language asked for when one is.
func (f *fixture) download(t *testing.T, path, token, ctype string, header ...string) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	disposition := resp.Header.Get("Content-Disposition")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != ctype || !strings.HasPrefix(disposition, `attachment; filename="vmc-incidents-`) ||
		(strings.Contains(path, "lang=zh-CN") || strings.Contains(strings.Join(header, " "), "zh-CN")) && !strings.Contains(disposition, "-zh-CN.") {
		t.Fatalf("%s: %d %v %.100q", path, resp.StatusCode, resp.Header, body)
	}
	if ctype == "application/pdf" && !bytes.HasPrefix(body, []byte("%PDF-")) {
		t.Fatalf("%s: not a PDF: %.40q", path, body)
	}
	return body
}

// pdfText is a PDF's text with its white space collapsed, as pdftotext
// reads it; "" when pdftotext is not installed (an error under CI).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("pdftotext not found (install poppler-utils): %v", err)
		}
		return ""
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
