package report

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/risk"
)

// poppler skips the test when poppler-utils are missing, unless it runs
// in CI (CI set), which installs them: there a missing tool is a failure,
// not a reason to check nothing.
func poppler(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"pdffonts", "pdftotext", "pdftoppm", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s not found (install poppler-utils): %v", tool, err)
			}
			t.Skipf("%s not found (install poppler-utils to run this test)", tool)
		}
	}
}

// outDir is where a test leaves its PDFs and PNGs: $VMC_TEST_OUTPUT, to
// look at them, else a temporary directory.
func outDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("VMC_TEST_OUTPUT")
	if dir == "" {
		return t.TempDir()
	}
	dir = filepath.Join(dir, strings.ReplaceAll(t.Name(), "/", "_"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// writePDF renders a report to dir/name and returns its path.
func writePDF(t *testing.T, dir, name string, render func(io.Writer) error) string {
	t.Helper()
	var b bytes.Buffer
	if err := render(&b); err != nil {
		t.Fatalf("render %s: %v", name, err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
		t.Fatalf("%s: not a PDF: starts %q", name, b.Bytes()[:min(16, b.Len())])
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// tool runs a poppler tool and returns its standard output; poppler's
// complaints on standard error about a malformed file fail the test.
func tool(t *testing.T, name string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	if s := stderr.String(); s != "" {
		t.Errorf("%s %s complains:\n%s", name, strings.Join(args, " "), s)
	}
	return stdout.String()
}

// text extracts the text of pages first to last (0: to the end).
func text(t *testing.T, path string, first, last int) string {
	t.Helper()
	args := []string{"-enc", "UTF-8", "-f", strconv.Itoa(first)}
	if last > 0 {
		args = append(args, "-l", strconv.Itoa(last))
	}
	return tool(t, "pdftotext", append(args, path, "-")...)
}

// pages is the page count pdfinfo reads.
func pages(t *testing.T, path string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindStringSubmatch(tool(t, "pdfinfo", path))
	if m == nil {
		t.Fatalf("pdfinfo %s: no page count", path)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// fonts is what pdffonts lists: font name → its "emb" column.
func fonts(t *testing.T, path string) map[string]string {
	t.Helper()
	out := tool(t, "pdffonts", path)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if len(lines) < 2 {
		t.Fatalf("pdffonts %s: no table:\n%s", path, out)
	}
	// The type column has spaces ("CID TrueType"), so columns are cut
	// where the header puts them.
	emb := strings.Index(lines[0], " emb ") + 1
	if emb <= 0 {
		t.Fatalf("pdffonts: no emb column:\n%s", out)
	}
	got := map[string]string{}
	for _, l := range lines[2:] {
		if len(l) < emb+3 {
			t.Fatalf("pdffonts: short line %q", l)
		}
		got[strings.Fields(l)[0]] = strings.TrimSpace(l[emb : emb+3])
	}
	return got
}

// darkShare renders page 1 at 50 dpi and returns the share of dark pixels
// in the rectangle from (x0, y0) to (x1, y1), in fractions of the page.
func darkShare(t *testing.T, path, dir string, x0, y0, x1, y1 float64) float64 {
	t.Helper()
	prefix := filepath.Join(dir, strings.TrimSuffix(filepath.Base(path), ".pdf"))
	tool(t, "pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", path, prefix)
	matches, _ := filepath.Glob(prefix + "-*.png")
	if len(matches) != 1 {
		t.Fatalf("pdftoppm made %v, want one PNG", matches)
	}
	f, err := os.Open(matches[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", matches[0], err)
	}
	b := img.Bounds()
	r := image.Rect(b.Min.X+int(x0*float64(b.Dx())), b.Min.Y+int(y0*float64(b.Dy())),
		b.Min.X+int(x1*float64(b.Dx())), b.Min.Y+int(y1*float64(b.Dy())))
	dark, all := 0, 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			// Rec. 601 luma, 16-bit channels.
			if 0.299*float64(cr)+0.587*float64(cg)+0.114*float64(cb) < 0x8000 {
				dark++
			}
			all++
		}
	}
	share := float64(dark) / float64(all)
	t.Logf("%s: %.1f%% of %v dark", filepath.Base(matches[0]), 100*share, r)
	return share
}

// TestFindingsPDFChinese renders a Chinese findings report and reads it
// back with poppler: the fonts are embedded, the text extracts exactly
// (so the ToUnicode maps are right and a reader can search and copy it),
// and page 1 shows ink where the title is.
func TestFindingsPDFChinese(t *testing.T) {
	poppler(t)
	dir := outDir(t)
	r := sampleFindings(Chinese)
	r.Rows[0].Title = "Apache Log4j2 远程代码执行漏洞"
	path := writePDF(t, dir, "findings.zh-CN.pdf", func(w io.Writer) error { return FindingsPDF(w, r) })

	fs := fonts(t, path)
	if fs["utf8droidsansfallback"] != "yes" {
		t.Errorf("pdffonts: Droid Sans Fallback not embedded: %v", fs)
	}
	if fs["utf8dejavusanscondensed"] != "yes" {
		t.Errorf("pdffonts: DejaVu Sans Condensed not embedded: %v", fs)
	}
	for name, emb := range fs {
		if emb != "yes" {
			t.Errorf("pdffonts: %s not embedded (emb %q): a viewer would substitute a font", name, emb)
		}
	}

	if n := pages(t, path); n != 1 {
		t.Errorf("pages = %d, want 1", n)
	}
	got := text(t, path, 1, 0)
	for _, want := range []string{
		"漏洞发现报告",
		"生成时间：2026年11月23日 15:04 UTC",
		"筛选条件：团队：支付团队；状态：未关闭",
		"Apache Log4j2 远程代码执行漏洞",
		"第 1 页，共 1 页",
		"CVE-2021-44228",
		"log4j:log4j-core",   // broken after "org.apache.logging."
		"修复中",                // state
		"紧急",                 // priority
		"已逾期",                // breached
		"=cmd|' /C calc'!A0", // PDF is not a spreadsheet: shown as written
		"OpenSSL X.509 电子邮件地址缓冲区溢出漏洞 \uFFFD\uFFFD", // invalid UTF-8
		"张三",
		"本报告列出 5 项发现",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("pdftotext lacks %q; got:\n%s", want, got)
		}
	}

	// The title: 16 pt Chinese in the top left corner. Blank would be 0;
	// glyphs drawn as boxes or shapes the size of the box, far more.
	if s := darkShare(t, path, dir, 0.03, 0.04, 0.18, 0.09); s < 0.05 || s > 0.6 {
		t.Errorf("title area: %.1f%% dark pixels, want 5%% to 60%%", 100*s)
	}
	// The whole page: text, the shaded header rows, mostly white.
	if s := darkShare(t, path, dir, 0, 0, 1, 1); s < 0.01 || s > 0.3 {
		t.Errorf("page 1: %.1f%% dark pixels, want 1%% to 30%%", 100*s)
	}
}

func TestFindingsPDFEnglish(t *testing.T) {
	poppler(t)
	dir := outDir(t)
	path := writePDF(t, dir, "findings.en.pdf", func(w io.Writer) error { return FindingsPDF(w, sampleFindings(English)) })
	got := text(t, path, 1, 0)
	for _, want := range []string{
		"Findings report",
		"Generated: 23 Nov 2026 15:04 UTC",
		"Filter: team: payments; state: open",
		"Page 1 of 1",
		"Apache Log4j2 remote code execution (Log4Shell)",
		"In remediation",
		"Critical",
		"Overdue",
		"Findings listed: 5",
		"Open findings",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("pdftotext lacks %q; got:\n%s", want, got)
		}
	}
	if s := darkShare(t, path, dir, 0.03, 0.04, 0.18, 0.09); s < 0.05 {
		t.Errorf("title area: %.1f%% dark pixels: Latin text did not render", 100*s)
	}
}

// TestFindingsPDFPages: a long report runs over several pages, as many as
// the layout planned (so maroto added none of its own), every page says
// which it is of how many, the table header repeats on each, and every
// row appears exactly once.
func TestFindingsPDFPages(t *testing.T) {
	poppler(t)
	dir := outDir(t)
	r := longFindings(Chinese, 120)
	d, err := findingsDoc(r)
	if err != nil {
		t.Fatal(err)
	}
	want := len(d.finish())
	path := writePDF(t, dir, "findings-120.zh-CN.pdf", func(w io.Writer) error { return FindingsPDF(w, r) })
	n := pages(t, path)
	if n != want || n < 3 {
		t.Fatalf("pages = %d, want %d planned (at least 3)", n, want)
	}
	for p := 1; p <= n; p++ {
		got := text(t, path, p, p)
		if mark := fmt.Sprintf("第 %d 页，共 %d 页", p, n); !strings.Contains(got, mark) {
			t.Errorf("page %d lacks %q", p, mark)
		}
		if c := strings.Count(got, "首次发现"); c != 1 {
			t.Errorf("page %d: table header %d times, want 1", p, c)
		}
	}
	all := text(t, path, 1, 0)
	for _, row := range r.Rows {
		if c := strings.Count(all, row.Vuln); c != 1 {
			t.Errorf("%s appears %d times, want 1", row.Vuln, c)
		}
	}
}

func TestFindingsPDFEmpty(t *testing.T) {
	poppler(t)
	dir := outDir(t)
	for _, lang := range Langs {
		t.Run(string(lang), func(t *testing.T) {
			r := sampleFindings(lang)
			r.Rows, r.Metrics, r.Filter = nil, finding.Metrics{}, ""
			path := writePDF(t, dir, "empty."+string(lang)+".pdf", func(w io.Writer) error { return FindingsPDF(w, r) })
			got := text(t, path, 1, 0)
			wants := map[Lang][]string{
				English: {"No findings match this report's filter.", "Page 1 of 1", "all findings", "No deadlines decided yet"},
				Chinese: {"没有符合筛选条件的发现。", "第 1 页，共 1 页", "全部发现", "尚无已判定的期限"},
			}[lang]
			for _, want := range wants {
				if !strings.Contains(got, want) {
					t.Errorf("pdftotext lacks %q; got:\n%s", want, got)
				}
			}
		})
	}
}

func TestSLAPDF(t *testing.T) {
	poppler(t)
	dir := outDir(t)
	tests := []struct {
		lang Lang
		want []string
	}{
		{English, []string{"SLA compliance report", "By priority", "SLA policy", "Production", "Default (other environments)",
			"Page 1 of 1", "12.5", "10.5", "365"}},
		{Chinese, []string{"SLA 达成情况报告", "按优先级", "SLA 策略", "生产", "默认（其他环境）",
			"第 1 页，共 1 页", "12.5", "10.5", "365", "紧急"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang), func(t *testing.T) {
			path := writePDF(t, dir, "sla."+string(tt.lang)+".pdf", func(w io.Writer) error { return SLAPDF(w, sampleSLA(tt.lang)) })
			got := text(t, path, 1, 0)
			for _, want := range tt.want {
				if !strings.Contains(got, want) {
					t.Errorf("pdftotext lacks %q; got:\n%s", want, got)
				}
			}
			r := sampleSLA(tt.lang)
			r.Policies = nil
			path = writePDF(t, dir, "sla-nopolicy."+string(tt.lang)+".pdf", func(w io.Writer) error { return SLAPDF(w, r) })
			if got, want := text(t, path, 1, 0), msgs(tt.lang).NoPolicy; !strings.Contains(got, want) {
				t.Errorf("no policies: pdftotext lacks %q", want)
			}
		})
	}
}

// TestPDFRobust renders reports whose every field is hostile text: none
// may panic, fail or grow past a page per row, and poppler must read the
// result without complaint.
func TestPDFRobust(t *testing.T) {
	// Without poppler the reports are still rendered: not panicking and
	// not failing is half the point.
	_, err := exec.LookPath("pdfinfo")
	havePoppler := err == nil
	if !havePoppler && os.Getenv("CI") != "" {
		t.Fatalf("pdfinfo not found (install poppler-utils): %v", err)
	}
	for i, h := range hostile {
		s := h.s
		t.Run(h.name, func(t *testing.T) {
			dir := outDir(t)
			for _, lang := range Langs {
				row := FindingRow{ID: int64(i), Asset: s, Team: s, Vuln: s, Title: s, Package: s, Version: s,
					Priority: risk.Priority(s), State: finding.State(s), Due: at, Breached: true, Assignee: s, FirstSeen: at}
				r := Findings{Title: s, GeneratedAt: at, Lang: lang, Filter: s, Rows: []FindingRow{row, row}}
				path := writePDF(t, dir, fmt.Sprintf("findings-%s.pdf", lang), func(w io.Writer) error { return FindingsPDF(w, r) })
				sla := SLA{Title: s, GeneratedAt: at, Lang: lang, Filter: s, Policies: finding.DefaultPolicies()}
				slaPath := writePDF(t, dir, fmt.Sprintf("sla-%s.pdf", lang), func(w io.Writer) error { return SLAPDF(w, sla) })
				var b bytes.Buffer
				if err := FindingsCSV(&b, r); err != nil {
					t.Fatalf("FindingsCSV: %v", err)
				}
				if !utf8.Valid(b.Bytes()) {
					t.Error("FindingsCSV: invalid UTF-8")
				}
				if !havePoppler {
					continue
				}
				if n := pages(t, path); n != 1 {
					t.Errorf("%s findings: %d pages, want 1", lang, n)
				}
				if n := pages(t, slaPath); n != 1 {
					t.Errorf("%s SLA: %d pages, want 1", lang, n)
				}
				if got := text(t, path, 1, 0); !utf8.ValidString(got) {
					t.Errorf("%s: pdftotext gives invalid UTF-8", lang)
				}
			}
		})
	}
}

// longFindings is a report of n rows, a fifth of them with long mixed
// titles that wrap.
func longFindings(lang Lang, n int) Findings {
	r := sampleFindings(lang)
	r.Rows = nil
	for i := range n {
		title := fmt.Sprintf("Vulnerability %d in libexample", i)
		if i%5 == 0 {
			title = "Apache Log4j2 远程代码执行漏洞（Log4Shell）：JNDI 查找功能可被利用执行任意代码，影响 2.0-beta9 至 2.14.1 版本"
		}
		r.Rows = append(r.Rows, FindingRow{
			ID: int64(1000 + i), Asset: fmt.Sprintf("web-%02d.prod", i%40), Team: "支付团队", Vuln: fmt.Sprintf("CVE-2026-%05d", 10000+i),
			Title: title, Package: "org.apache.logging.log4j:log4j-core", Version: "2.14.1",
			Priority: risk.Priorities[i%4], State: finding.States[i%len(finding.States)], Due: at.AddDate(0, 0, i-n/2),
			Breached: i < n/2, Assignee: "张三", FirstSeen: at.AddDate(0, -1, 0),
		})
	}
	return r
}

func BenchmarkFindingsPDF(b *testing.B) {
	r := longFindings(Chinese, 1000)
	if _, err := glyphs(); err != nil {
		b.Fatal(err)
	}
	var size int
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := FindingsPDF(&buf, r); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/1024, "KiB/op")
}
