package report

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestCSVGolden(t *testing.T) {
	tests := []struct {
		name   string
		render func(*bytes.Buffer) error
	}{
		{"findings.en.csv", func(b *bytes.Buffer) error { return FindingsCSV(b, sampleFindings(English)) }},
		{"findings.zh-CN.csv", func(b *bytes.Buffer) error { return FindingsCSV(b, sampleFindings(Chinese)) }},
		{"findings-empty.zh-CN.csv", func(b *bytes.Buffer) error {
			r := sampleFindings(Chinese)
			r.Rows = nil
			return FindingsCSV(b, r)
		}},
		{"sla.en.csv", func(b *bytes.Buffer) error { return SLACSV(b, sampleSLA(English)) }},
		{"sla.zh-CN.csv", func(b *bytes.Buffer) error { return SLACSV(b, sampleSLA(Chinese)) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.render(&b); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name, b.Bytes())
		})
	}
}

// TestFindingsCSVRecords reads the CSV back as a spreadsheet would: it
// starts with the BOM, is valid UTF-8, splits into the records written
// (quotes, commas and line breaks inside cells survive), and no cell
// starts with a formula character.
func TestFindingsCSVRecords(t *testing.T) {
	for _, lang := range Langs {
		t.Run(string(lang), func(t *testing.T) {
			var b bytes.Buffer
			r := sampleFindings(lang)
			if err := FindingsCSV(&b, r); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if !strings.HasPrefix(out, "\uFEFF") {
				t.Fatalf("no UTF-8 BOM: starts %q", out[:min(8, len(out))])
			}
			if !utf8.ValidString(out) {
				t.Error("output is not valid UTF-8")
			}
			// RFC 4180: lines end in CRLF; encoding/csv writes line
			// breaks inside cells as CRLF too.
			if strings.Contains(strings.ReplaceAll(out, "\r\n", ""), "\n") {
				t.Error("a line ends in a bare LF")
			}
			recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\uFEFF"))).ReadAll()
			if err != nil {
				t.Fatalf("read back: %v", err)
			}
			if len(recs) != len(r.Rows)+1 {
				t.Fatalf("%d records, want header + %d rows", len(recs), len(r.Rows))
			}
			for i, rec := range recs {
				if len(rec) != 13 {
					t.Errorf("record %d has %d fields, want 13", i, len(rec))
				}
				for j, c := range rec {
					if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
						t.Errorf("record %d field %d starts with a formula character: %q", i, j, c)
					}
				}
			}
			title := map[Lang]string{English: "Title", Chinese: "标题"}[lang]
			if recs[0][4] != title {
				t.Errorf("header[4] = %q, want %q", recs[0][4], title)
			}
			want := []string{"'=cmd|' /C calc'!A0", titles[lang][2], "'\t=1+1" + strings.TrimPrefix(titles[lang][3], "\t=1+1")}
			got := []string{recs[2][4], recs[3][4], recs[4][4]}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("titles read back: -want +got:\n%s", diff)
			}
			if got, want := recs[5][4], titles[lang][4]+" \uFFFD"; got != want {
				t.Errorf("invalid UTF-8 title read back as %q, want %q", got, want)
			}
		})
	}
}

func TestCell(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "log4j-core", "log4j-core"},
		{"empty", "", ""},
		{"equals", "=1+1", "'=1+1"},
		{"dde", "=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"},
		{"plus", "+1", "'+1"},
		{"minus", "-2+3", "'-2+3"},
		{"at", "@SUM(A1)", "'@SUM(A1)"},
		{"tab", "\t=1", "'\t=1"},
		{"carriage return", "\r=1", "'\r=1"},
		{"equals later", "a=1", "a=1"},
		{"leading space", " =1", " =1"},
		{"invalid UTF-8", "a\xffb", "a\uFFFDb"},
		{"invalid UTF-8 then equals", "\xff=1", "\uFFFD=1"},
		{"chinese", "远程代码执行漏洞", "远程代码执行漏洞"},
		{"newline kept", "a\nb", "a\nb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cell(tt.in); got != tt.want {
				t.Errorf("cell(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
