package i18n

import (
	"encoding/json"
	"testing"
)

func TestCatalogues(t *testing.T) {
	if err := Check(); err != nil {
		t.Fatal(err)
	}
}

func TestT(t *testing.T) {
	for _, tc := range []struct{ lang, id, want string }{
		{"en", "dash.title", "Dashboard"},
		{"zh-CN", "dash.title", "概览"},
		{"en", "dash.accepted", "of which 3 risk-accepted"},
		{"fr", "dash.title", "Dashboard"},               // a language vmc does not speak
		{"zh-CN", "no.such.message", "no.such.message"}, // a missing id shows itself
	} {
		if got := T(tc.lang, tc.id, map[string]any{"n": 3}); got != tc.want {
			t.Errorf("T(%q, %q) = %q, want %q", tc.lang, tc.id, got, tc.want)
		}
	}
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct{ setting, accept, want string }{
		{"", "", "en"},
		{"", "zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"},
		{"", "zh", "zh-CN"},
		{"", "zh-TW", "zh-CN"}, // closer to Traditional Chinese readers than English
		{"", "de-DE,de;q=0.9", "en"},
		{"en", "zh-CN", "en"}, // the user's setting wins
		{"zh-CN", "en-US", "zh-CN"},
		{"", "en-GB,en;q=0.9", "en"},
		{"", ";;garbage", "en"},
	} {
		if got := Match(tc.setting, tc.accept); got != tc.want {
			t.Errorf("Match(%q, %q) = %q, want %q", tc.setting, tc.accept, got, tc.want)
		}
	}
}

// The server's catalogue has the same ids in every language.
func TestServerCatalogueParity(t *testing.T) {
	ids := map[string][]string{}
	for _, lang := range Langs {
		b, err := files.ReadFile("locales/api/" + lang + ".json")
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		for id := range m {
			ids[id] = append(ids[id], lang)
		}
	}
	for id, langs := range ids {
		if len(langs) != len(Langs) {
			t.Errorf("%s is only in %v", id, langs)
		}
	}
}
