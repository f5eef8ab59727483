package publish

import (
	"strings"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
)

func TestOfRecord(t *testing.T) {
	at := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	pub := Publisher{Name: "vmc", Namespace: "https://vmc.example", Category: "other"}
	long := strings.Repeat("word ", 100)
	for _, tc := range []struct {
		name      string
		r         advisory.Record
		title     string
		revisions int
		lang      string
	}{
		{"english title", advisory.Record{ID: "CVE-2021-44228", Titles: []advisory.Text{{Lang: "zh-CN", Value: "日志"}, {Lang: "en", Value: "Log4Shell"}},
			Published: at.AddDate(-1, 0, 0), Modified: at}, "Log4Shell", 2, "en"},
		{"title from the summary", advisory.Record{ID: "CNVD-2021-95914", Descriptions: []advisory.Text{{Lang: "zh-CN", Value: "Apache Log4j 远程代码执行漏洞\n详情"}}},
			"Apache Log4j 远程代码执行漏洞", 1, "zh-CN"},
		{"long summary", advisory.Record{ID: "CVE-2020-0001", Descriptions: []advisory.Text{{Lang: "en", Value: long}}, Modified: at}, "", 1, "en"},
		{"changed by vmc after the source's date", advisory.Record{ID: "GO-2020-0002", Titles: []advisory.Text{{Lang: "en", Value: "x"}},
			Published: at.AddDate(-2, 0, 0), Modified: at.AddDate(-1, 0, 0)}, "x", 2, "en"},
		{"modified before published", advisory.Record{ID: "GO-2020-0001", Titles: []advisory.Text{{Lang: "en", Value: "x"}}, Published: at, Modified: at.AddDate(-1, 0, 0)}, "x", 1, "en"},
	} {
		d := OfRecord(tc.r, pub, "CLEAR", at)
		if tc.title != "" && d.Title != tc.title {
			t.Errorf("%s: title %q, want %q", tc.name, d.Title, tc.title)
		}
		if len(d.Title) > 256 || d.Title == "" {
			t.Errorf("%s: title of %d bytes", tc.name, len(d.Title))
		}
		if len(d.Revisions) != tc.revisions || d.Lang != tc.lang {
			t.Errorf("%s: %d revisions, lang %s", tc.name, len(d.Revisions), d.Lang)
		}
		if !d.Current().Equal(at) && tc.r.Published.Before(at) {
			t.Errorf("%s: current %v, want %v: when vmc last changed it", tc.name, d.Current(), at)
		}
		if err := d.validateRevisions(); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
