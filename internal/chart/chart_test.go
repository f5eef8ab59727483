package chart

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/vmc-dev/vmc/internal/font"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/risk"
)

var update = flag.Bool("update", false, "rewrite golden files")

// cjkFont returns the CJK font vmc embeds (the one the API passes).
func cjkFont(testing.TB) []byte { return font.CJK }

const day = 24 * time.Hour

func month(y int, m time.Month) time.Time { return time.Date(y, m, 15, 12, 0, 0, 0, time.UTC) }

// Fixtures: a plausible dashboard.

var openFixture = map[risk.Priority]int{
	risk.PriorityCritical: 3, risk.PriorityHigh: 17, risk.PriorityMedium: 42, risk.PriorityLow: 1208,
}

// mttrFixture is twelve months, 2025-02 to 2026-01, with holes: nothing
// at all in 2025-07 (left out), no critical fixes in some months, no low
// fixes until 2025-08.
func mttrFixture() []MTTRMonth {
	var ms []MTTRMonth
	for i := range 12 {
		m := time.Date(2025, time.February+time.Month(i), 1, 0, 0, 0, 0, time.UTC)
		if m.Month() == time.July {
			continue
		}
		mttr := map[risk.Priority]time.Duration{
			risk.PriorityHigh:   time.Duration(20+i%5*3) * day,
			risk.PriorityMedium: time.Duration(60+i*2)*day + 12*time.Hour,
		}
		if i%3 != 1 {
			mttr[risk.PriorityCritical] = time.Duration(4+i%4) * day
		}
		if i >= 6 {
			mttr[risk.PriorityLow] = time.Duration(150-i*4) * day
		}
		ms = append(ms, MTTRMonth{Month: m.AddDate(0, 0, i), MTTR: mttr})
	}
	return ms
}

var sourceFixture = []SourceCount{
	{"nvd", 24310}, {"osv", 18022}, {"ghsa", 9034}, {"cnvd", 5120}, {"cnnvd", 4876},
	{"jvn", 1250}, {"kev", 1187}, {"csaf", 702}, {"trivy", 412}, {"grype", 388}, {"cve5", 12},
	{"osv", 100}, // a second batch from the same source
}

func exposureFixture() []WeekExposure {
	var ws []WeekExposure
	start := time.Date(2025, 10, 6, 9, 30, 0, 0, time.UTC) // a Monday
	for i := range 26 {
		if i == 7 || i == 8 {
			continue // the sweep did not run
		}
		ws = append(ws, WeekExposure{Week: start.AddDate(0, 0, 7*i+i%3), KEV: 12 + i%5 - i/6, Overdue: 48 - i + i%4*3})
	}
	return ws
}

// A half year of an organisation's incidents.

var categoryFixture = map[incident.Category]int{
	incident.Phishing: 7, incident.Malware: 3, incident.Exploitation: 2, incident.Intrusion: 1, incident.DataBreach: 1,
}

// incidentTrendFixture is twelve months, 2025-12 to 2026-11, with March
// not measured (left out) and quiet months at zero.
func incidentTrendFixture() []IncidentMonth {
	var ms []IncidentMonth
	for i := range 12 {
		m := time.Date(2025, time.December+time.Month(i), 3, 0, 0, 0, 0, time.UTC)
		if m.Month() == time.March {
			continue
		}
		ms = append(ms, IncidentMonth{Month: m, Detected: (i * 7) % 5, Closed: (i * 3) % 4})
	}
	return ms
}

var responseFixture = map[incident.State]StageTime{
	incident.Triaged:   {Incidents: 14, Median: 2 * time.Hour, Mean: 3*time.Hour + 30*time.Minute},
	incident.Contained: {Incidents: 11, Median: 9 * time.Hour, Mean: 14 * time.Hour},
	incident.Closed:    {Incidents: 12, Median: 80 * time.Hour, Mean: 101 * time.Hour},
}

func pct(v float64) *float64 { return &v }

var sammFixture = []SAMMMetric{
	{"briefed", pct(200.0 / 3)}, {"informed", pct(92.3)}, {"root_cause", pct(80)}, {"collated", nil},
}

// allCharts is every chart with its cases: full data, none, one point.
var allCharts = []struct {
	name  string
	cases map[string]func(Options) ([]byte, error)
}{
	{"priority", map[string]func(Options) ([]byte, error){
		"full":  func(o Options) ([]byte, error) { return OpenByPriority(openFixture, o) },
		"empty": func(o Options) ([]byte, error) { return OpenByPriority(nil, o) },
		"one":   func(o Options) ([]byte, error) { return OpenByPriority(map[risk.Priority]int{risk.PriorityHigh: 1}, o) },
	}},
	{"mttr", map[string]func(Options) ([]byte, error){
		"full":  func(o Options) ([]byte, error) { return MTTRTrend(mttrFixture(), o) },
		"empty": func(o Options) ([]byte, error) { return MTTRTrend(nil, o) },
		"one": func(o Options) ([]byte, error) {
			return MTTRTrend([]MTTRMonth{{Month: month(2026, 1), MTTR: map[risk.Priority]time.Duration{risk.PriorityCritical: 6 * day}}}, o)
		},
	}},
	{"source", map[string]func(Options) ([]byte, error){
		"full":  func(o Options) ([]byte, error) { return IntakeBySource(sourceFixture, 0, o) },
		"empty": func(o Options) ([]byte, error) { return IntakeBySource(nil, 0, o) },
		"one":   func(o Options) ([]byte, error) { return IntakeBySource([]SourceCount{{"nvd", 320145}}, 0, o) },
	}},
	{"exposure", map[string]func(Options) ([]byte, error){
		"full":  func(o Options) ([]byte, error) { return ExposureTrend(exposureFixture(), o) },
		"empty": func(o Options) ([]byte, error) { return ExposureTrend(nil, o) },
		"one": func(o Options) ([]byte, error) {
			return ExposureTrend([]WeekExposure{{Week: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC), KEV: 2, Overdue: 5}}, o)
		},
	}},
	{"category", map[string]func(Options) ([]byte, error){
		"full":  func(o Options) ([]byte, error) { return IncidentsByCategory(categoryFixture, o) },
		"empty": func(o Options) ([]byte, error) { return IncidentsByCategory(nil, o) },
		"one": func(o Options) ([]byte, error) {
			return IncidentsByCategory(map[incident.Category]int{incident.Phishing: 1}, o)
		},
	}},
	{"incidents", map[string]func(Options) ([]byte, error){
		"full":  func(o Options) ([]byte, error) { return IncidentTrend(incidentTrendFixture(), o) },
		"empty": func(o Options) ([]byte, error) { return IncidentTrend(nil, o) },
		"one": func(o Options) ([]byte, error) {
			return IncidentTrend([]IncidentMonth{{Month: month(2026, 11), Detected: 3, Closed: 1}}, o)
		},
	}},
	{"response", map[string]func(Options) ([]byte, error){
		"full":  func(o Options) ([]byte, error) { return ResponseTimes(responseFixture, o) },
		"empty": func(o Options) ([]byte, error) { return ResponseTimes(nil, o) },
		"one": func(o Options) ([]byte, error) {
			return ResponseTimes(map[incident.State]StageTime{incident.Triaged: {Incidents: 1, Median: 30 * time.Minute, Mean: 30 * time.Minute}}, o)
		},
	}},
	{"samm", map[string]func(Options) ([]byte, error){
		"full":  func(o Options) ([]byte, error) { return SAMMProgress(sammFixture, 80, o) },
		"empty": func(o Options) ([]byte, error) { return SAMMProgress(nil, 80, o) },
		"one":   func(o Options) ([]byte, error) { return SAMMProgress([]SAMMMetric{{"briefed", pct(100)}}, 80, o) },
	}},
}

// TestGolden renders every case in both languages, checks each SVG is
// well-formed and safe, renders it again to check the bytes are the
// same, and compares it with testdata/<chart>-<case>.<lang>.svg.
func TestGolden(t *testing.T) {
	for _, lang := range langs {
		t.Run(string(lang), func(t *testing.T) {
			o := Options{Lang: lang}
			if lang == SimplifiedChinese {
				o.Font = cjkFont(t)
			}
			for _, c := range allCharts {
				for _, name := range slices.Sorted(maps.Keys(c.cases)) {
					render := c.cases[name]
					t.Run(c.name+"-"+name, func(t *testing.T) {
						got, err := render(o)
						if err != nil {
							t.Fatal(err)
						}
						drawn := checkSVG(t, got, DefaultWidth, DefaultHeight)
						if name == "empty" && !slices.Contains(drawn, texts[lang].noData) {
							t.Errorf("empty chart does not say %q; texts: %q", texts[lang].noData, drawn)
						}
						again, err := render(o)
						if err != nil {
							t.Fatal(err)
						}
						if !bytes.Equal(got, again) {
							t.Errorf("two renderings of equal input differ")
						}
						golden(t, filepath.Join("testdata", fmt.Sprintf("%s-%s.%s.svg", c.name, name, lang)), got)
					})
				}
			}
		})
	}
}

// golden compares got with the file at path, or writes it under -update.
func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(want, got) {
		i := 0
		for i < len(want) && i < len(got) && want[i] == got[i] {
			i++
		}
		t.Errorf("%s differs from the output at byte %d:\nwant …%s…\n got …%s…\n(run with -update if the change is intended)",
			path, i, excerpt(want, i), excerpt(got, i))
	}
}

func excerpt(b []byte, i int) string {
	return string(b[max(0, i-60):min(len(b), i+60)])
}

// checkSVG parses b as XML and checks that it is one <svg> element in the
// SVG namespace with the given width, height and viewBox, and nothing a
// browser would run or fetch: no script, foreignObject, iframe, image or
// use elements, no on* event attributes, no href. It returns the content
// of every <text>, unescaped.
func checkSVG(t *testing.T, b []byte, w, h int) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = true
	var (
		texts  []string
		inText bool
		cur    strings.Builder
		depth  int
		roots  int
	)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG does not parse as XML: %v\n%s", err, b)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			name := strings.ToLower(tok.Name.Local)
			if depth == 0 {
				roots++
				if name != "svg" || tok.Name.Space != "http://www.w3.org/2000/svg" {
					t.Fatalf("root element is {%s}%s, want {http://www.w3.org/2000/svg}svg", tok.Name.Space, tok.Name.Local)
				}
				attrs := map[string]string{}
				for _, a := range tok.Attr {
					attrs[a.Name.Local] = a.Value
				}
				want := map[string]string{"width": strconv.Itoa(w), "height": strconv.Itoa(h), "viewBox": fmt.Sprintf("0 0 %d %d", w, h)}
				for k, v := range want {
					if attrs[k] != v {
						t.Errorf("root %s = %q, want %q", k, attrs[k], v)
					}
				}
			}
			switch name {
			case "script", "foreignobject", "iframe", "image", "use", "a":
				t.Errorf("SVG has a <%s> element", tok.Name.Local)
			}
			for _, a := range tok.Attr {
				if an := strings.ToLower(a.Name.Local); strings.HasPrefix(an, "on") || an == "href" {
					t.Errorf("<%s> has attribute %s=%q", tok.Name.Local, a.Name.Local, a.Value)
				}
			}
			if name == "text" {
				inText = true
				cur.Reset()
			}
			depth++
		case xml.EndElement:
			depth--
			if inText && strings.ToLower(tok.Name.Local) == "text" {
				texts = append(texts, cur.String())
				inText = false
			}
		case xml.CharData:
			if inText {
				cur.Write(tok)
			}
		case xml.ProcInst, xml.Directive:
			t.Errorf("SVG has %T %s", tok, tok)
		}
	}
	if roots != 1 {
		t.Errorf("SVG has %d root elements, want 1", roots)
	}
	return texts
}

// TestLabels checks each chart draws its localised words.
func TestLabels(t *testing.T) {
	for _, tc := range []struct {
		lang Lang
		want map[string][]string
	}{
		{English, map[string][]string{
			"priority":  {"Open findings by priority", "Critical", "High", "Medium", "Low", "1,208", "42"},
			"mttr":      {"Mean time to remediate (days)", "Critical", "Low", "Feb 2025", "Jan 2026"},
			"source":    {"Intake by source", "nvd", "Other", "24,310", "18,122"},
			"exposure":  {"KEV exposure and overdue findings", "Open KEV findings", "Overdue findings"},
			"category":  {"Incidents by category", "Phishing", "Denial of service", "Other", "7", "0"},
			"incidents": {"Incidents per month", "Detected", "Closed", "Dec 2025", "Nov"},
			"response":  {"Time to respond (days)", "Triage", "Containment", "Closure", "Median", "Mean", "3.3", "4.2"},
			"samm": {"SAMM success metrics (target: over 80%)", "Teams briefed", "Metrics collated (no data)", "Achieved", "Target",
				"66.7%", "92.3%", "80.0%"},
		}},
		{SimplifiedChinese, map[string][]string{
			"priority":  {"待修复漏洞（按优先级）", "严重", "高", "中", "低"},
			"mttr":      {"平均修复时间（天）", "严重", "低", "2025年2月", "2026年1月"},
			"source":    {"各来源导入量", "其他"},
			"exposure":  {"KEV 暴露与超期漏洞", "未修复的 KEV 漏洞", "超期漏洞"},
			"category":  {"安全事件（按类别）", "网络钓鱼", "拒绝服务", "其他"},
			"incidents": {"每月安全事件", "发现", "关闭", "2025年12月"},
			"response":  {"响应时间（天）", "研判", "遏制", "关闭", "中位数", "平均值"},
			"samm":      {"SAMM 成功指标（目标：高于 80%）", "团队已宣贯", "干系人已知情", "根因已记录", "指标已汇总（无数据）", "达成", "目标"},
		}},
	} {
		o := Options{Lang: tc.lang}
		if tc.lang == SimplifiedChinese {
			o.Font = cjkFont(t)
		}
		for _, c := range allCharts {
			b, err := c.cases["full"](o)
			if err != nil {
				t.Fatal(err)
			}
			texts := checkSVG(t, b, DefaultWidth, DefaultHeight)
			for _, w := range tc.want[c.name] {
				if !slices.Contains(texts, w) {
					t.Errorf("%s %s: no text %q; texts: %q", tc.lang, c.name, w, texts)
				}
			}
		}
	}
}

// TestHostileText puts markup, ampersands, quotes, a CDATA end, control
// characters and invalid UTF-8 into source names and the title. The SVG
// must stay well-formed, hold no element or attribute a browser would
// run, and show the names as text.
func TestHostileText(t *testing.T) {
	sources := []SourceCount{
		{"<script>alert(1)</script>", 50},
		{"A & B scanner", 40},
		{`"quoted" 'single' <b>`, 30},
		{"]]><svg onload=alert(1)>", 20},
		{"bell\a\x00null\x1b[31m", 10},
		{"bad \xff\xfe utf8", 5},
		{"&amp; already escaped", 4},
		{strings.Repeat("long", 20), 3},
	}
	title := "Team <img src=x onerror=alert(1)> & \"friends\"\n<script>x</script>"
	for _, format := range []Format{SVG} {
		// Wide, so that the names are not cut.
		b, err := IntakeBySource(sources, 10, Options{Format: format, Width: 1200, Title: title})
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(bytes.ToLower(b), []byte("<script")) || bytes.Contains(b, []byte("<img")) || bytes.Contains(b, []byte("<svg onload")) {
			t.Errorf("SVG holds unescaped markup:\n%s", b)
		}
		texts := checkSVG(t, b, 1200, DefaultHeight)
		for _, want := range []string{
			"<script>alert(1)</script>",
			"A & B scanner",
			`"quoted" 'single' <b>`,
			"]]><svg onload=alert(1)>",
			"bellnull[31m",
			"bad  utf8",
			"&amp; already escaped",
			strings.Repeat("long", 7) + "lon…", // cut at MaxLabelRunes
			"Team <img src=x onerror=alert(1)> & \"friends\"",
			"<script>x</script>",
		} {
			if !slices.Contains(texts, want) {
				t.Errorf("no text %q; texts: %q", want, texts)
			}
		}
	}
}

func TestPNG(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
	}{
		{"en default size", Options{Format: PNG}},
		{"en 800x400", Options{Format: PNG, Width: 800, Height: 400}},
		{"zh-CN", Options{Format: PNG, Lang: SimplifiedChinese}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.o.Lang == SimplifiedChinese {
				tc.o.Font = cjkFont(t)
			}
			w, h := cmpOr(tc.o.Width, DefaultWidth), cmpOr(tc.o.Height, DefaultHeight)
			for _, c := range allCharts {
				for _, name := range []string{"full", "empty", "one"} {
					b, err := c.cases[name](tc.o)
					if err != nil {
						t.Fatalf("%s-%s: %v", c.name, name, err)
					}
					img, err := png.Decode(bytes.NewReader(b))
					if err != nil {
						t.Fatalf("%s-%s: not a PNG: %v", c.name, name, err)
					}
					if got := img.Bounds().Size(); got.X != w || got.Y != h {
						t.Errorf("%s-%s: %v, want %dx%d", c.name, name, got, w, h)
					}
					again, _ := c.cases[name](tc.o)
					if !bytes.Equal(b, again) {
						t.Errorf("%s-%s: two renderings of equal input differ", c.name, name)
					}
				}
			}
		})
	}
}

func cmpOr(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// TestSizes renders every chart at the smallest, a custom and the
// largest size.
func TestSizes(t *testing.T) {
	for _, sz := range [][2]int{{MinWidth, MinHeight}, {800, 400}, {MaxSize, MinHeight}, {MinWidth, MaxSize}, {MaxSize, MaxSize}} {
		o := Options{Width: sz[0], Height: sz[1]}
		for _, c := range allCharts {
			for _, name := range []string{"full", "empty", "one"} {
				b, err := c.cases[name](o)
				if err != nil {
					t.Fatalf("%dx%d %s-%s: %v", sz[0], sz[1], c.name, name, err)
				}
				checkSVG(t, b, sz[0], sz[1])
			}
		}
	}
}

func TestOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"width too large", Options{Width: 4001}, "invalid chart options: width: 4001 pixels, want 400 to 4000"},
		{"height too large", Options{Height: 1 << 30}, "invalid chart options: height: 1073741824 pixels, want 250 to 4000"},
		{"width too small", Options{Width: 399}, "invalid chart options: width: 399 pixels, want 400 to 4000"},
		{"negative height", Options{Height: -1}, "invalid chart options: height: -1 pixels, want 250 to 4000"},
		{"unknown format", Options{Format: "gif"}, `invalid chart options: format: unknown "gif" (svg, png)`},
		{"unknown lang", Options{Lang: "fr"}, `invalid chart options: lang: unknown "fr" (en, zh-CN)`},
		{"lang in lower case", Options{Lang: "zh-cn"}, `invalid chart options: lang: unknown "zh-cn" (en, zh-CN)`},
		{"not a font", Options{Font: []byte("not a font")}, "invalid chart options: font: freetype: invalid TrueType format: TTF data is too short"},
		{"zh-CN PNG without a font", Options{Format: PNG, Lang: SimplifiedChinese},
			"invalid chart options: font: a zh-CN PNG needs a CJK font; the built-in fonts would draw its labels as boxes"},
		{"zh-CN with a Latin font", Options{Lang: SimplifiedChinese, Font: goregular.TTF},
			`invalid chart options: font: "Go" has no Chinese glyphs, which zh-CN labels need`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, c := range allCharts {
				_, err := c.cases["full"](tc.o)
				if !errors.Is(err, ErrOptions) {
					t.Errorf("%s: error %v, want one wrapping ErrOptions", c.name, err)
				}
				if err != nil && err.Error() != tc.want {
					t.Errorf("%s: error\n%s\nwant\n%s", c.name, err, tc.want)
				}
			}
		})
	}
}

func TestDataErrors(t *testing.T) {
	jan := month(2026, 1)
	for _, tc := range []struct {
		name   string
		render func() ([]byte, error)
		is     error
		want   string
	}{
		{"unknown priority", func() ([]byte, error) {
			return OpenByPriority(map[risk.Priority]int{"urgent": 1, "high": 2}, Options{})
		},
			ErrData, `invalid chart data: open["urgent"]: unknown priority (critical, high, medium, low)`},
		{"negative open", func() ([]byte, error) { return OpenByPriority(map[risk.Priority]int{"high": -2}, Options{}) },
			ErrData, "invalid chart data: open[high]: -2 findings, want 0 or more"},
		{"month unset", func() ([]byte, error) { return MTTRTrend([]MTTRMonth{{Month: jan}, {}}, Options{}) },
			ErrData, "invalid chart data: months[1].month: not set"},
		{"month twice", func() ([]byte, error) {
			return MTTRTrend([]MTTRMonth{{Month: jan}, {Month: month(2026, 2)}, {Month: jan.AddDate(0, 0, 10)}}, Options{})
		}, ErrData, "invalid chart data: months[2].month: 2026-01 already in months[0]"},
		{"mttr unknown priority", func() ([]byte, error) {
			return MTTRTrend([]MTTRMonth{{Month: jan, MTTR: map[risk.Priority]time.Duration{"Critical": day}}}, Options{})
		}, ErrData, `invalid chart data: months[0].mttr["Critical"]: unknown priority (critical, high, medium, low)`},
		{"mttr negative", func() ([]byte, error) {
			return MTTRTrend([]MTTRMonth{{Month: jan, MTTR: map[risk.Priority]time.Duration{"low": -time.Hour}}}, Options{})
		}, ErrData, "invalid chart data: months[0].mttr[low]: -1h0m0s, want 0 or more"},
		{"months span too long", func() ([]byte, error) {
			return MTTRTrend([]MTTRMonth{{Month: jan}, {Month: month(2206, 1)}}, Options{})
		}, ErrData, "invalid chart data: months: 2026 to 2206-01 spans 2161 months, more than 240"},
		{"negative source count", func() ([]byte, error) { return IntakeBySource([]SourceCount{{"nvd", 1}, {"osv", -1}}, 0, Options{}) },
			ErrData, `invalid chart data: counts[1] ("osv"): -1, want 0 or more`},
		{"top too large", func() ([]byte, error) { return IntakeBySource(sourceFixture, 26, Options{}) },
			ErrOptions, "invalid chart options: top: 26 sources, want 1 to 25 (or 0 for 8)"},
		{"top negative", func() ([]byte, error) { return IntakeBySource(sourceFixture, -1, Options{}) },
			ErrOptions, "invalid chart options: top: -1 sources, want 1 to 25 (or 0 for 8)"},
		{"week unset", func() ([]byte, error) { return ExposureTrend([]WeekExposure{{}}, Options{}) },
			ErrData, "invalid chart data: weeks[0].week: not set"},
		{"week twice", func() ([]byte, error) {
			// Wednesday and Sunday of the same ISO week.
			return ExposureTrend([]WeekExposure{
				{Week: time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)},
				{Week: time.Date(2026, 3, 8, 23, 0, 0, 0, time.UTC)},
			}, Options{})
		}, ErrData, "invalid chart data: weeks[1].week: week of 2026-03-02 already in weeks[0]"},
		{"negative week count", func() ([]byte, error) {
			return ExposureTrend([]WeekExposure{{Week: jan, KEV: 1, Overdue: -3}}, Options{})
		}, ErrData, "invalid chart data: weeks[0]: kev 1, overdue -3, want 0 or more"},
		{"unknown category", func() ([]byte, error) {
			return IncidentsByCategory(map[incident.Category]int{"ransomware": 1}, Options{})
		}, ErrData, `invalid chart data: counts["ransomware"]: unknown category`},
		{"negative category count", func() ([]byte, error) {
			return IncidentsByCategory(map[incident.Category]int{incident.Malware: -1}, Options{})
		}, ErrData, "invalid chart data: counts[malware]: -1 incidents, want 0 or more"},
		{"negative monthly count", func() ([]byte, error) {
			return IncidentTrend([]IncidentMonth{{Month: jan, Detected: 2}, {Month: month(2026, 2), Closed: -1}}, Options{})
		}, ErrData, "invalid chart data: months[1]: detected 0, closed -1, want 0 or more"},
		{"incident month twice", func() ([]byte, error) {
			return IncidentTrend([]IncidentMonth{{Month: jan}, {Month: jan.AddDate(0, 0, 3)}}, Options{})
		}, ErrData, "invalid chart data: months[1].month: 2026-01 already in months[0]"},
		{"incident months span too long", func() ([]byte, error) {
			return IncidentTrend([]IncidentMonth{{Month: jan}, {Month: month(2206, 1)}}, Options{})
		}, ErrData, "invalid chart data: months: 2026 to 2206-01 spans 2161 months, more than 240"},
		{"a stage not drawn", func() ([]byte, error) {
			return ResponseTimes(map[incident.State]StageTime{incident.Eradicated: {Incidents: 1, Median: time.Hour}}, Options{})
		}, ErrData, `invalid chart data: times["eradicated"]: not a step the chart draws (triaged, contained, closed)`},
		{"negative time", func() ([]byte, error) {
			return ResponseTimes(map[incident.State]StageTime{incident.Closed: {Incidents: 1, Median: -time.Hour}}, Options{})
		}, ErrData, "invalid chart data: times[closed]: 1 incidents, median -1h0m0s, mean 0s; want 0 or more"},
		{"unknown SAMM metric", func() ([]byte, error) { return SAMMProgress([]SAMMMetric{{"trained", pct(50)}}, 80, Options{}) },
			ErrData, `invalid chart data: metrics[0].key: unknown "trained" (briefed, informed, root_cause, collated)`},
		{"SAMM metric twice", func() ([]byte, error) {
			return SAMMProgress([]SAMMMetric{{"briefed", pct(50)}, {"briefed", nil}}, 80, Options{})
		}, ErrData, "invalid chart data: metrics[1].key: briefed twice"},
		{"percentage over 100", func() ([]byte, error) { return SAMMProgress([]SAMMMetric{{"collated", pct(120)}}, 80, Options{}) },
			ErrData, "invalid chart data: metrics[0].percent: 120, want 0 to 100"},
		{"percentage not a number", func() ([]byte, error) {
			return SAMMProgress([]SAMMMetric{{"collated", pct(math.NaN())}}, 80, Options{})
		},
			ErrData, "invalid chart data: metrics[0].percent: NaN, want 0 to 100"},
		{"target out of range", func() ([]byte, error) { return SAMMProgress(sammFixture, 180, Options{}) },
			ErrData, "invalid chart data: target: 180, want 0 to 100"},
		{"weeks span too long", func() ([]byte, error) {
			return ExposureTrend([]WeekExposure{{Week: jan}, {Week: jan.AddDate(10, 1, 0)}}, Options{})
		}, ErrData, "invalid chart data: weeks: 2026-01-12 to 2036-02-11 spans 527 weeks, more than 520"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.render()
			if !errors.Is(err, tc.is) {
				t.Fatalf("error %v, want one wrapping %v", err, tc.is)
			}
			if b != nil {
				t.Errorf("got %d bytes with the error", len(b))
			}
			if err.Error() != tc.want {
				t.Errorf("error\n%s\nwant\n%s", err, tc.want)
			}
		})
	}
}

// TestInputOrder checks that the order of the input does not matter, and
// that the input is not modified.
func TestInputOrder(t *testing.T) {
	ms := mttrFixture()
	rev := slices.Clone(ms)
	slices.Reverse(rev)
	a, err := MTTRTrend(ms, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := MTTRTrend(rev, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("MTTRTrend depends on the order of months")
	}

	ws := exposureFixture()
	wrev := slices.Clone(ws)
	slices.Reverse(wrev)
	a, _ = ExposureTrend(ws, Options{})
	b, _ = ExposureTrend(wrev, Options{})
	if !bytes.Equal(a, b) {
		t.Errorf("ExposureTrend depends on the order of weeks")
	}

	src := slices.Clone(sourceFixture)
	srev := slices.Clone(src)
	slices.Reverse(srev)
	before := slices.Clone(srev)
	a, _ = IntakeBySource(src, 0, Options{})
	b, _ = IntakeBySource(srev, 0, Options{})
	if !bytes.Equal(a, b) {
		t.Errorf("IntakeBySource depends on the order of counts")
	}
	if diff := cmp.Diff(before, srev); diff != "" {
		t.Errorf("IntakeBySource modified its input (-before +after):\n%s", diff)
	}
}

// TestIntakeTopN checks which sources get bars, in what order, and what
// "other" sums, reading the SVG back: each category label is paired with
// the bar label level with it.
func TestIntakeTopN(t *testing.T) {
	for _, tc := range []struct {
		name   string
		counts []SourceCount
		top    int
		want   []string // top to bottom
	}{
		{"ties by name, other last", []SourceCount{{"b", 5}, {"a", 5}, {"c", 9}, {"d", 1}, {"e", 1}}, 2,
			[]string{"c=9", "a=5", "Other=7"}},
		{"one left over is shown by name", []SourceCount{{"b", 5}, {"a", 6}, {"c", 1}}, 2,
			[]string{"a=6", "b=5", "c=1"}},
		{"duplicates summed, blanks unknown", []SourceCount{{" nvd ", 5}, {"nvd", 6}, {"", 2}, {"\t", 1}}, 0,
			[]string{"nvd=11", "(unknown)=3"}},
		{"zero counts drawn", []SourceCount{{"kev", 0}, {"jvn", 0}}, 0,
			[]string{"jvn=0", "kev=0"}},
		{"thousands", []SourceCount{{"nvd", 1234567}}, 0,
			[]string{"nvd=1,234,567"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := IntakeBySource(tc.counts, tc.top, Options{})
			if err != nil {
				t.Fatal(err)
			}
			checkSVG(t, b, DefaultWidth, DefaultHeight)
			if diff := cmp.Diff(tc.want, bars(t, b)); diff != "" {
				t.Errorf("bars (-want +got):\n%s", diff)
			}
		})
	}
}

// bars reads a horizontal bar chart back as "name=value", top to bottom.
// The texts are the title (first), the category labels (not numbers),
// the value axis labels (numbers on the lowest line) and the bar labels
// (the other numbers).
func bars(t *testing.T, svg []byte) []string {
	t.Helper()
	type pos struct {
		s    string
		y    int
		name bool
	}
	var all []pos
	dec := xml.NewDecoder(bytes.NewReader(svg))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "text" {
			var p pos
			for _, a := range se.Attr {
				if a.Name.Local == "y" {
					p.y, _ = strconv.Atoi(a.Value)
				}
			}
			var s string
			if err := dec.DecodeElement(&s, &se); err != nil {
				t.Fatal(err)
			}
			_, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
			p.s, p.name = s, err != nil
			all = append(all, p)
		}
	}
	all = all[1:] // the title
	axisY := 0
	for _, p := range all {
		axisY = max(axisY, p.y)
	}
	var names, values []pos
	for _, p := range all {
		switch {
		case p.name:
			names = append(names, p)
		case p.y != axisY:
			values = append(values, p)
		}
	}
	slices.SortFunc(names, func(a, b pos) int { return a.y - b.y })
	var out []string
	for _, n := range names {
		best := -1
		for i, v := range values {
			if best < 0 || abs(v.y-n.y) < abs(values[best].y-n.y) {
				best = i
			}
		}
		if best < 0 {
			t.Fatalf("no bar label for %q", n.s)
		}
		out = append(out, n.s+"="+values[best].s)
	}
	return out
}

func abs(x int) int { return max(x, -x) }

func TestAxisFor(t *testing.T) {
	for _, tc := range []struct {
		largest, headroom float64
		space             int
		horizontal        bool
		integer           bool
		want              niceAxis
	}{
		{0, 1.1, 200, false, true, niceAxis{max: 1, labels: 2}},
		{1, 1.1, 200, false, true, niceAxis{max: 2, labels: 3}},
		{5, 1.1, 200, false, true, niceAxis{max: 6, labels: 4}},
		{42, 1.15, 200, false, true, niceAxis{max: 50, labels: 6}},
		{42, 1.15, 100, false, true, niceAxis{max: 60, labels: 4}}, // 30 px a step
		{1208, 1.15, 200, false, true, niceAxis{max: 1500, labels: 4}},
		{0.3, 1.1, 200, false, false, niceAxis{max: 0.4, labels: 5, decimals: 1}},
		{0.03, 1.1, 200, false, false, niceAxis{max: 0.04, labels: 5, decimals: 2}},
		{0.3, 1.1, 200, false, true, niceAxis{max: 1, labels: 2}},
		{6, 1.1, 200, false, false, niceAxis{max: 8, labels: 5}},
		{147.5, 1.1, 200, false, false, niceAxis{max: 200, labels: 5}},
		// "40,000" is about 50 px, so a step needs 83.
		{24310, 1.25, 500, true, true, niceAxis{max: 40000, labels: 5}},
		{24310, 1.25, 300, true, true, niceAxis{max: 40000, labels: 3}},
		{24310, 1.25, 100, true, true, niceAxis{max: 50000, labels: 2}},
		{320145, 1.25, 500, true, true, niceAxis{max: 600000, labels: 4}},
	} {
		got := axisFor(tc.largest, tc.headroom, tc.space, tc.horizontal, tc.integer)
		got.max = math.Round(got.max*1e6) / 1e6 // 4 × 0.01 is 0.04000000000000001
		if got != tc.want {
			t.Errorf("axisFor(%v, %v, %d, %v, %v) = %+v, want %+v", tc.largest, tc.headroom, tc.space, tc.horizontal, tc.integer, got, tc.want)
		}
	}
}

func TestNumber(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		dec  int
		want string
	}{
		{0, 0, "0"}, {7, 0, "7"}, {999, 0, "999"}, {1000, 0, "1,000"}, {24310, 0, "24,310"},
		{1234567.891, 2, "1,234,567.89"}, {0.35000000000000003, 2, "0.35"}, {-1500, 0, "-1,500"}, {-0.001, 0, "0"},
	} {
		if got := number(tc.v, tc.dec); got != tc.want {
			t.Errorf("number(%v, %d) = %q, want %q", tc.v, tc.dec, got, tc.want)
		}
	}
}

func TestCleanLabel(t *testing.T) {
	for _, tc := range []struct {
		in    string
		maxPx int
		want  string
	}{
		{"  nvd  ", 200, "nvd"},
		{"a\tb\nc\x00d\x7f", 200, "abcd"},
		{"bad\xffutf8", 200, "badutf8"},
		{strings.Repeat("x", 32), 1000, strings.Repeat("x", 32)},
		{strings.Repeat("x", 33), 1000, strings.Repeat("x", 31) + "…"},
		{strings.Repeat("漏", 40), 1000, strings.Repeat("漏", 31) + "…"},
		// 200 px: 22 narrow characters, or 21 and the ellipsis.
		{strings.Repeat("x", 22), 200, strings.Repeat("x", 22)},
		{strings.Repeat("x", 23), 200, strings.Repeat("x", 21) + "…"},
		// 16 px each: 12 of them, or 11 and the ellipsis.
		{strings.Repeat("漏", 12), 200, strings.Repeat("漏", 12)},
		{strings.Repeat("漏", 13), 200, strings.Repeat("漏", 11) + "…"},
		{strings.Repeat("x", 20) + "   y", 200, strings.Repeat("x", 20) + "…"},
		{"nvd", 5, "…"},
	} {
		if got := cleanLabel(tc.in, tc.maxPx); got != tc.want {
			t.Errorf("cleanLabel(%q, %d) = %q, want %q", tc.in, tc.maxPx, got, tc.want)
		}
	}
}

func TestMondayOf(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), "2026-03-02"},   // Monday
		{time.Date(2026, 3, 8, 23, 59, 0, 0, time.UTC), "2026-03-02"}, // Sunday
		{time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "2025-12-29"},   // Thursday, across a year
		// Monday 01:00 in Shanghai is Sunday in UTC: the week is the
		// caller's, in its own location.
		{time.Date(2026, 3, 9, 1, 0, 0, 0, shanghai), "2026-03-09"},
	} {
		if got := dayOf(mondayOf(tc.t)).Format(time.DateOnly); got != tc.want {
			t.Errorf("mondayOf(%v) = %s, want %s", tc.t, got, tc.want)
		}
	}
}

func TestFormatLang(t *testing.T) {
	var f Format
	if err := f.UnmarshalText([]byte("png")); err != nil || f != PNG {
		t.Errorf("UnmarshalText(png) = %v, %q", err, f)
	}
	if err := f.UnmarshalText([]byte("jpg")); !errors.Is(err, ErrOptions) {
		t.Errorf("UnmarshalText(jpg) = %v, want ErrOptions", err)
	}
	if SVG.ContentType() != "image/svg+xml" || PNG.ContentType() != "image/png" {
		t.Errorf("content types %q, %q", SVG.ContentType(), PNG.ContentType())
	}
	var l Lang
	if err := l.UnmarshalText([]byte("zh-CN")); err != nil || l != SimplifiedChinese {
		t.Errorf("UnmarshalText(zh-CN) = %v, %q", err, l)
	}
	if err := l.UnmarshalText([]byte("zh")); !errors.Is(err, ErrOptions) {
		t.Errorf("UnmarshalText(zh) = %v, want ErrOptions", err)
	}
	// Every language has every word.
	for _, lang := range langs {
		tx := texts[lang]
		for _, p := range risk.Priorities {
			if tx.priority[p] == "" {
				t.Errorf("%s: no name for priority %s", lang, p)
			}
		}
		for name, s := range map[string]string{"noData": tx.noData, "priorityTitle": tx.priorityTitle, "mttrTitle": tx.mttrTitle,
			"intakeTitle": tx.intakeTitle, "other": tx.other, "unknown": tx.unknown, "exposureTitle": tx.exposureTitle,
			"kev": tx.kev, "overdue": tx.overdue} {
			if s == "" {
				t.Errorf("%s: %s is empty", lang, name)
			}
		}
	}
}

// TestConcurrent renders every chart from several goroutines at once, as
// an HTTP server does; with -race it checks the library keeps no shared
// state the renders fight over, and the bytes must match a lone render.
func TestConcurrent(t *testing.T) {
	want := map[string][]byte{}
	for _, c := range allCharts {
		b, err := c.cases["full"](Options{})
		if err != nil {
			t.Fatal(err)
		}
		want[c.name] = b
	}
	done := make(chan error)
	for range 4 {
		go func() {
			for _, c := range allCharts {
				b, err := c.cases["full"](Options{})
				if err == nil && !bytes.Equal(b, want[c.name]) {
					err = fmt.Errorf("%s: concurrent render differs", c.name)
				}
				if err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}
