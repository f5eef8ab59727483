// Package i18n holds vmc's message catalogues, English and Simplified
// Chinese, and looks messages up through nicksnyder/go-i18n. The same
// catalogues serve the web UI (as JSON, read by its script) and the
// server (API problem details, reports), so a message reads the same
// wherever it appears.
//
// A catalogue is a flat JSON object of message id → text, the ids shared
// by every language (a test keeps them equal). Parameters are written
// {name}, which the UI's script replaces and which the loader turns into
// go-i18n's {{.name}} templates.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"regexp"
	"sync"

	gi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// locales/<lang>.json is the UI's catalogue (served to the browser);
// locales/api/<lang>.json holds what only the server says (problem
// details). Ids are unique across both.
//
//go:embed locales/*.json locales/api/*.json
var files embed.FS

// Langs are the languages vmc speaks, the default first.
var Langs = []string{"en", "zh-CN"}

var (
	tags    = []language.Tag{language.English, language.SimplifiedChinese}
	matcher = language.NewMatcher(tags)
)

// File returns the catalogue of lang as stored, for the web UI to fetch.
func File(lang string) ([]byte, error) {
	for _, l := range Langs {
		if l == lang {
			return files.ReadFile("locales/" + l + ".json")
		}
	}
	return nil, fmt.Errorf("i18n: no catalogue for %q", lang)
}

var param = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)\}`)

var (
	once    sync.Once
	bundle  *gi18n.Bundle
	errLoad error
)

func load() {
	bundle = gi18n.NewBundle(language.English)
	for i, lang := range Langs {
		seen := map[string]string{}
		for _, name := range []string{"locales/" + lang + ".json", "locales/api/" + lang + ".json"} {
			b, err := files.ReadFile(name)
			if err != nil {
				errLoad = fmt.Errorf("i18n: %w", err)
				return
			}
			var m map[string]string
			if err := json.Unmarshal(b, &m); err != nil {
				errLoad = fmt.Errorf("i18n: %s: %w", name, err)
				return
			}
			msgs := make([]*gi18n.Message, 0, len(m))
			for id, text := range m {
				if other, dup := seen[id]; dup {
					errLoad = fmt.Errorf("i18n: %s: %q is also in %s", name, id, other)
					return
				}
				seen[id] = name
				msgs = append(msgs, &gi18n.Message{ID: id, Other: param.ReplaceAllString(text, "{{.$1}}")})
			}
			if err := bundle.AddMessages(tags[i], msgs...); err != nil {
				errLoad = fmt.Errorf("i18n: %s: %w", name, err)
				return
			}
		}
	}
}

// Match picks the language for a request: the user's setting when vmc
// speaks it, else the best match of an Accept-Language header, else
// English.
func Match(setting, acceptLanguage string) string {
	_, i, conf := matcher.Match(append(parse(setting), parse(acceptLanguage)...)...)
	if conf == language.No {
		return Langs[0]
	}
	return Langs[i]
}

func parse(s string) []language.Tag {
	if s == "" {
		return nil
	}
	t, _, err := language.ParseAcceptLanguage(s)
	if err != nil {
		return nil
	}
	return t
}

// T returns message id in lang with params filled in, falling back to
// English, and to the id itself when no catalogue has it, so a missing
// translation shows as its id rather than as nothing.
func T(lang, id string, params map[string]any) string {
	once.Do(load)
	if errLoad != nil {
		return id
	}
	s, err := gi18n.NewLocalizer(bundle, lang, Langs[0]).Localize(&gi18n.LocalizeConfig{MessageID: id, TemplateData: params})
	if err != nil {
		return id
	}
	return s
}

// Check loads the catalogues and reports what is wrong with them.
func Check() error {
	once.Do(load)
	return errLoad
}
