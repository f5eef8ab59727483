package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/metrics"
	"github.com/vmc-dev/vmc/internal/incident/process"
)

// sampleIncidents is a half year's review, computed from incidents as
// the store would hold them: a phishing incident the whole way through
// with its impact in yuan, a cryptominer with its cost in dollars and no
// root cause, an intrusion still open, one more withheld from the reader.
func sampleIncidents(t testing.TB, lang Lang) Incidents {
	t.Helper()
	w := metrics.Window{From: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	titles := map[Lang][]string{
		English: {"Phishing mail harvested a finance password", "Cryptominer on db-01", "Unknown beacon from web-01", "Vendor breach"},
		Chinese: {"钓鱼邮件窃取财务人员密码", "数据库服务器 db-01 被植入挖矿程序", "web-01 出现未知信标", "供应商数据泄露"},
	}[lang]
	at := func(x *incident.Incident, hours float64, st incident.State) {
		x.Reach(st, x.Detected.Add(time.Duration(hours*float64(time.Hour))))
		x.State = st
	}
	phish := incident.Incident{ID: 1, Title: titles[0], Category: incident.Phishing, Severity: incident.SevMedium, Projects: []string{"payroll"},
		Marking: incident.Marking{TLP: incident.Amber}, Detected: time.Date(2026, 9, 10, 8, 0, 0, 0, time.UTC),
		Impact: &incident.Impact{DowntimeMinutes: 150, PersonHours: 18.5, DirectCost: &incident.Money{Amount: 12000, Currency: "CNY"},
			LongTermCost: &incident.Estimate{Money: incident.Money{Amount: 50000, Currency: "CNY"}}}}
	at(&phish, 2, incident.Triaged)
	at(&phish, 6, incident.Contained)
	at(&phish, 72, incident.Closed)
	at(&phish, 200, incident.Reviewed)
	miner := incident.Incident{ID: 2, Title: titles[1], Category: incident.Malware, Severity: incident.SevCritical, Assets: []string{"db-01"},
		Marking: incident.Marking{TLP: incident.Green}, Detected: time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC),
		Impact: &incident.Impact{DowntimeMinutes: 30, DirectCost: &incident.Money{Amount: 800, Currency: "USD"}}}
	at(&miner, 1, incident.Triaged)
	at(&miner, 10, incident.Eradicated)
	at(&miner, 96, incident.Closed)
	beacon := incident.Incident{ID: 3, Title: titles[2], Category: incident.Intrusion, Severity: incident.SevHigh, Assets: []string{"web-01"},
		Marking: incident.Marking{TLP: incident.Red}, Detected: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}
	at(&beacon, 4, incident.Triaged)
	vendor := incident.Incident{ID: 4, Title: titles[3], Category: incident.DataBreach, Severity: incident.SevHigh, State: incident.Triaged,
		Marking:  incident.Marking{TLP: incident.Red, Embargo: &incident.Embargo{Until: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}},
		Detected: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	s, err := metrics.Compute(metrics.Input{
		Window:     w,
		Incidents:  []incident.Incident{phish, miner, beacon, vendor},
		AssetTeams: map[string]string{"db-01": "data", "web-01": "web"},
		Documented: map[int64]bool{1: true},
		Informed:   map[int64]metrics.Reach{1: {Stakeholders: 12, Informed: 11}, 2: {Stakeholders: 3, Informed: 2}},
		Briefing:   process.Coverage{From: w.To.AddDate(0, -6, 0), To: w.To, Teams: []string{"data", "payments", "web"}, Briefed: []string{"payments", "web"}},
		Review: process.ReviewDue{Schedule: process.DefaultSchedule, Last: &process.Review{On: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC),
			Participants: []string{"Chen Jing", "CISO"}}, Next: time.Date(2026, 9, 30, 0, 0, 0, 0, time.UTC), Overdue: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Withhold(func(r metrics.Row) bool { return r.Marking.Embargo == nil })
	return Incidents{GeneratedAt: at0, Lang: lang, Metrics: s}
}

// at0 is when the sample review is generated.
var at0 = time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)

func TestIncidentsPDF(t *testing.T) {
	poppler(t)
	dir := outDir(t)
	for _, tc := range []struct {
		lang Lang
		want []string
	}{
		{English, []string{
			"Incident review report", "Generated: 2 Dec 2026 09:30 UTC", "Period: 2026-06-01 to 2026-11-30", "Label: TLP:RED",
			"SAMM success metrics", "OWASP SAMM's target for each: more than 80%.",
			"Project teams briefed on the process in the last 6 months", "66.7", "under target",
			"Stakeholders informed of disclosures", "86.7", "target met",
			"Closed incidents with documented root cause and recommendations", "50.0",
			"Phishing mail harvested a finance password", "Cryptominer on db-01", "INC-3", "TLP:RED",
			"12,000 CNY", "800 USD", "50,000", "Vulnerability exploitation", "Denial of service", "payroll", "No project or team",
			"1 more incidents are counted above but not listed", "Incidents detected in the period: 4",
			"Time to contain", "8.0", "84.0", "Last review: 2026-03-31, with Chen Jing, CISO.", "Next review due by: 2026-09-30 (overdue)",
		}},
		{Chinese, []string{
			"安全事件复盘报告", "生成时间：2026年12月2日 09:30 UTC", "统计期间：2026-06-01 至 2026-11-30", "TLP 标签：TLP:RED",
			"SAMM 成功指标", "OWASP SAMM 对每项指标的目标：高于 80%。",
			"近 6 个月内接受过流程宣贯的项目团队", "66.7", "未达标",
			"已获知披露信息的干系人", "86.7", "已达标",
			"已记录根因和改进建议的已关闭事件", "50.0",
			"钓鱼邮件窃取财务人员密码", "数据库服务器 db-01 被植入挖矿程序", "INC-3",
			"12,000 CNY", "800 USD", "漏洞利用", "拒绝服务", "网络钓鱼", "恶意软件", "严重",
			"另有 1 起事件已计入上述统计，但因其 TLP 标签或禁发期限制未向您列出。", "本期发现的安全事件：4 起",
			"遏制时间", "8.0", "84.0", "上次复盘：2026-03-31，参加人员：Chen Jing, CISO。", "下次复盘期限：2026-09-30（已逾期）",
		}},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			r := sampleIncidents(t, tc.lang)
			d, err := incidentsDoc(r)
			if err != nil {
				t.Fatal(err)
			}
			planned := len(d.finish())
			path := writePDF(t, dir, "incidents."+string(tc.lang)+".pdf", func(w io.Writer) error { return IncidentsPDF(w, r) })
			for name, emb := range fonts(t, path) {
				if emb != "yes" {
					t.Errorf("pdffonts: %s not embedded", name)
				}
			}
			n := pages(t, path)
			if n != planned {
				t.Errorf("pages = %d, planned %d", n, planned)
			}
			// pdftotext breaks lines where the layout does; the checks
			// read the text as one line.
			got := strings.Join(strings.Fields(text(t, path, 1, 0)), " ")
			for _, want := range tc.want {
				if !strings.Contains(got, strings.Join(strings.Fields(want), " ")) {
					t.Errorf("pdftotext lacks %q", want)
				}
			}
			if strings.Contains(got, "供应商数据泄露") || strings.Contains(got, "Vendor breach") || strings.Contains(got, "INC-4") {
				t.Error("the withheld incident is named")
			}
			last := fmt.Sprintf(map[Lang]string{English: "Page %d of %d", Chinese: "第 %d 页，共 %d 页"}[tc.lang], n, n)
			if !strings.Contains(got, last) {
				t.Errorf("pdftotext lacks %q", last)
			}
			// The four charts are in it, as images of their size.
			list := tool(t, "pdfimages", "-list", path)
			if c := len(regexp.MustCompile(`(?m)^\s+\d+\s+\d+\s+image\s+640\s+360\s`).FindAllString(list, -1)); c != 4 {
				t.Errorf("pdfimages: %d images of 640×360, want 4:\n%s", c, list)
			}
			// The charts' row is not blank: about a third of the page
			// down, bars, axes and labels leave ink.
			if s := darkShare(t, path, dir, 0.05, 0.45, 0.95, 0.75); s < 0.02 {
				t.Errorf("charts area: %.1f%% dark pixels", 100*s)
			}
		})
	}
}

func TestIncidentsPDFEmpty(t *testing.T) {
	poppler(t)
	dir := outDir(t)
	for _, lang := range Langs {
		t.Run(string(lang), func(t *testing.T) {
			w := metrics.Window{From: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
			s, err := metrics.Compute(metrics.Input{Window: w, Review: process.ReviewDue{Schedule: process.DefaultSchedule, Overdue: true}})
			if err != nil {
				t.Fatal(err)
			}
			r := Incidents{GeneratedAt: at0, Lang: lang, Metrics: s}
			if r.Label() != incident.AmberStrict {
				t.Errorf("label %s, want AMBER+STRICT for a report listing nothing", r.Label())
			}
			path := writePDF(t, dir, "incidents-empty."+string(lang)+".pdf", func(w io.Writer) error { return IncidentsPDF(w, r) })
			got := strings.Join(strings.Fields(text(t, path, 1, 0)), " ")
			for _, want := range map[Lang][]string{
				English: {"No incidents were detected in this period.", "no data", "No costs recorded.", "No review held yet.",
					"Next review due by: now (overdue)", "TLP:AMBER+STRICT"},
				Chinese: {"本期未发现安全事件。", "无数据", "未记录成本。", "尚未举行复盘。", "下次复盘期限：现在（已逾期）"},
			}[lang] {
				if !strings.Contains(got, want) {
					t.Errorf("pdftotext lacks %q", want)
				}
			}
			if strings.Contains(got, "100.0") {
				t.Error("no data shown as 100%")
			}
		})
	}
}

// TestIncidentsPDFRobust puts hostile text in every field that comes from
// outside (titles, projects, participants, the report's title): nothing
// fails, and poppler reads the result.
func TestIncidentsPDFRobust(t *testing.T) {
	_, err := exec.LookPath("pdfinfo")
	havePoppler := err == nil
	if !havePoppler && os.Getenv("CI") != "" {
		t.Fatalf("pdfinfo not found (install poppler-utils): %v", err)
	}
	for _, h := range hostile {
		t.Run(h.name, func(t *testing.T) {
			dir := outDir(t)
			for _, lang := range Langs {
				r := sampleIncidents(t, lang)
				r.Title = h.s
				for i := range r.Metrics.Rows {
					r.Metrics.Rows[i].Title = h.s
				}
				r.Metrics.ByProject = append(r.Metrics.ByProject, metrics.Count{Key: h.s, Incidents: 1})
				r.Metrics.Review.Last.Participants = []string{h.s}
				path := writePDF(t, dir, "incidents-"+string(lang)+".pdf", func(w io.Writer) error { return IncidentsPDF(w, r) })
				var b bytes.Buffer
				if err := IncidentsCSV(&b, r); err != nil || !utf8.Valid(b.Bytes()) {
					t.Errorf("IncidentsCSV: %v, valid UTF-8 %v", err, utf8.Valid(b.Bytes()))
				}
				if havePoppler {
					if got := text(t, path, 1, 0); !utf8.ValidString(got) {
						t.Errorf("%s: pdftotext gives invalid UTF-8", lang)
					}
				}
			}
		})
	}
}

func TestIncidentsCSV(t *testing.T) {
	for _, lang := range Langs {
		var b bytes.Buffer
		if err := IncidentsCSV(&b, sampleIncidents(t, lang)); err != nil {
			t.Fatal(err)
		}
		golden(t, "incidents."+string(lang)+".csv", b.Bytes())
	}
}

func TestIncidentsInvalid(t *testing.T) {
	r := sampleIncidents(t, English)
	r.Lang = "fr"
	if err := IncidentsPDF(io.Discard, r); err == nil || !strings.Contains(err.Error(), `language "fr"`) {
		t.Errorf("PDF in French: %v", err)
	}
	r = sampleIncidents(t, Chinese)
	r.GeneratedAt = time.Time{}
	if err := IncidentsCSV(io.Discard, r); err == nil {
		t.Error("CSV without a time")
	}
}

func TestAmount(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		want string
	}{
		{0, "0"}, {12000, "12,000"}, {12000.5, "12,000.5"}, {0.1 + 0.2, "0.3"}, {1234567.891, "1,234,567.89"}, {999.999, "1,000"}, {-1500, "-1,500"},
	} {
		if got := amount(tc.v); got != tc.want {
			t.Errorf("amount(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}
