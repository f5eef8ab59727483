package feed

import "testing"

func TestTextHelpers(t *testing.T) {
	if v, ok := Labelled("来源：https://www.cnvd.org.cn/", "来源"); !ok || v != "https://www.cnvd.org.cn/" {
		t.Errorf("Labelled full-width = %q, %v", v, ok)
	}
	if v, ok := Labelled("source: x", "source"); !ok || v != "x" {
		t.Errorf("Labelled ASCII = %q, %v", v, ok)
	}
	if _, ok := Labelled("sources: x", "source"); ok {
		t.Error("Labelled matched a longer label")
	}
	for in, want := range map[string]string{
		"https://example.com/a.html.":      "https://example.com/a.html",
		"(see https://example.com/x_(y)).": "(see https://example.com/x_(y))",
		"https://example.com/advisory),":   "https://example.com/advisory",
		"https://example.com/q?id=1;":      "https://example.com/q?id=1",
	} {
		if got := TrimURL(in); got != want {
			t.Errorf("TrimURL(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]bool{
		"https://www.cnvd.org.cn/flaw/show/CNVD-2021-95914": true,
		"ftp://ftp.example.org/pub":                         true,
		"javascript:alert(1)":                               false,
		"www.example.com":                                   false,
		"https://exa mple.com":                              false,
	} {
		if got := IsURL(in); got != want {
			t.Errorf("IsURL(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestURLSpans(t *testing.T) {
	text := "链接:https://www.cnvd.org.cn/flaw/show/CNVD-2021-95914，另见1.http://example.com/a。"
	var got []string
	for _, s := range URLSpans(text) {
		got = append(got, text[s[0]:s[1]])
	}
	if len(got) != 2 || got[0] != "https://www.cnvd.org.cn/flaw/show/CNVD-2021-95914" || got[1] != "http://example.com/a" {
		t.Errorf("URLSpans found %q", got)
	}
}
