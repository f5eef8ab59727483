package suggest

import (
	"slices"
	"strings"
	"unicode"
)

// Languages the model has classifiers for.
const (
	English = "en"
	Chinese = "zh-CN"
)

// Langs lists the languages in report order.
var Langs = []string{English, Chinese}

// maxTextRunes bounds the text read for features: descriptions run to a
// few thousand characters, and a hostile one must not cost more.
const maxTextRunes = 8192

// Features returns the distinct features of text in lang, sorted.
// English (and any language but Chinese) gives lower-cased word unigrams
// "w:x" and bigrams "b:x_y"; Chinese gives character bigrams "c:xy" of
// each Han run (a lone character as "c:x") and word unigrams for the
// Latin words among them.
func Features(text, lang string) []string {
	if r := []rune(text); len(r) > maxTextRunes {
		text = string(r[:maxTextRunes])
	}
	set := map[string]struct{}{}
	if lang == Chinese {
		han(text, set)
	}
	var prev string
	for _, w := range words(text) {
		set["w:"+w] = struct{}{}
		if prev != "" && lang != Chinese {
			set["b:"+prev+"_"+w] = struct{}{}
		}
		prev = w
	}
	out := make([]string, 0, len(set))
	for f := range set {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

// words splits text into lower-cased runs of letters and digits that are
// not Han characters, dropping one-character runs and stop words.
func words(text string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r)) || unicode.Is(unicode.Han, r)
	}) {
		w = strings.ToLower(w)
		if len(w) < 2 || stop[w] {
			continue
		}
		out = append(out, w)
	}
	return out
}

// han adds the character bigrams of every run of Han characters.
func han(text string, set map[string]struct{}) {
	var run []rune
	flush := func() {
		switch {
		case len(run) == 1:
			set["c:"+string(run)] = struct{}{}
		case len(run) > 1:
			for i := 0; i+1 < len(run); i++ {
				set["c:"+string(run[i:i+2])] = struct{}{}
			}
		}
		run = run[:0]
	}
	for _, r := range text {
		if unicode.Is(unicode.Han, r) {
			run = append(run, r)
			continue
		}
		flush()
	}
	flush()
}

// stop are English words too common in descriptions to tell classes
// apart; dropping them keeps the vocabulary for words that do.
var stop = map[string]bool{
	"the": true, "a": true, "an": true, "of": true, "in": true, "to": true, "and": true, "or": true,
	"is": true, "be": true, "by": true, "for": true, "on": true, "this": true, "that": true, "it": true,
	"as": true, "with": true, "was": true, "are": true, "from": true, "at": true, "which": true,
}
