package csaf

import (
	_ "embed"
	"strings"
	"sync"
)

// The IANA Language Subtag Registry as tab-separated lines: type, subtag or
// range (a..b), scope, prefixes. catalog/README.md says where it comes from.
//
//go:embed catalog/language-subtags.tsv
var subtagTSV string

// subtagRange is a registry range such as qaa..qtz.
type subtagRange struct {
	typ, lo, hi string
	private     bool
}

type subtagRegistry struct {
	subtags map[string]bool // "type/subtag", lower case → private use
	ranges  []subtagRange
}

var registry = sync.OnceValue(func() *subtagRegistry {
	r := &subtagRegistry{subtags: map[string]bool{}}
	for line := range strings.Lines(subtagTSV) {
		f := strings.Split(strings.TrimRight(line, "\n"), "\t")
		if len(f) < 3 {
			continue
		}
		typ, tag := f[0], strings.ToLower(f[1])
		if lo, hi, ok := strings.Cut(tag, ".."); ok {
			r.ranges = append(r.ranges, subtagRange{typ: typ, lo: lo, hi: hi, private: f[2] == "private-use"})
			continue
		}
		r.subtags[typ+"/"+tag] = f[2] == "private-use"
	}
	return r
})

// known reports whether subtag (lower case) is registered with type typ, and
// whether it lies in a private-use range.
func (r *subtagRegistry) known(typ, subtag string) (ok, private bool) {
	if private, ok := r.subtags[typ+"/"+subtag]; ok {
		return true, private
	}
	for _, rg := range r.ranges {
		if rg.typ == typ && len(subtag) == len(rg.lo) && rg.lo <= subtag && subtag <= rg.hi {
			return true, rg.private
		}
	}
	return false, false
}

// langTag is a well-formed BCP 47 language tag split into its parts (RFC
// 5646 section 2.1). All parts are lower case.
type langTag struct {
	grandfathered bool
	language      string
	extlang       []string
	script        string
	region        string
	variants      []string
	singletons    []string // the extensions' singletons
	private       bool     // the tag has a private-use ("x-") part
}

// grandfathered lists the irregular and regular grandfathered tags of RFC
// 5646 section 2.1; they are valid as a whole.
var grandfathered = map[string]bool{
	"en-gb-oed": true, "i-ami": true, "i-bnn": true, "i-default": true, "i-enochian": true,
	"i-hak": true, "i-klingon": true, "i-lux": true, "i-mingo": true, "i-navajo": true,
	"i-pwn": true, "i-tao": true, "i-tay": true, "i-tsu": true, "sgn-be-fr": true,
	"sgn-be-nl": true, "sgn-ch-de": true,
	"art-lojban": true, "cel-gaulish": true, "no-bok": true, "no-nyn": true, "zh-guoyu": true,
	"zh-hakka": true, "zh-min": true, "zh-min-nan": true, "zh-xiang": true,
}

func isAlpha(s string) bool {
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return s != ""
}

func isDigit(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func isAlnum(s string) bool {
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return s != ""
}

// parseLangTag parses s by the ABNF of RFC 5646 section 2.1. ok is false if
// s is not well-formed.
func parseLangTag(s string) (t langTag, ok bool) {
	s = strings.ToLower(s)
	if grandfathered[s] {
		return langTag{grandfathered: true}, true
	}
	parts := strings.Split(s, "-")
	i := 0
	next := func() string {
		if i < len(parts) {
			return parts[i]
		}
		return ""
	}
	privateUse := func() bool {
		// "x" 1*("-" (1*8alphanum)) to the end.
		if next() != "x" || i+1 >= len(parts) {
			return false
		}
		for _, p := range parts[i+1:] {
			if len(p) > 8 || !isAlnum(p) {
				return false
			}
		}
		t.private = true
		i = len(parts)
		return true
	}
	if next() == "x" {
		return t, privateUse()
	}
	// language = 2*3ALPHA ["-" extlang] / 4ALPHA / 5*8ALPHA
	lang := next()
	if len(lang) < 2 || len(lang) > 8 || !isAlpha(lang) {
		return t, false
	}
	t.language = lang
	i++
	if len(lang) <= 3 {
		for len(t.extlang) < 3 && len(next()) == 3 && isAlpha(next()) {
			t.extlang = append(t.extlang, next())
			i++
		}
	}
	if p := next(); len(p) == 4 && isAlpha(p) {
		t.script = p
		i++
	}
	if p := next(); (len(p) == 2 && isAlpha(p)) || (len(p) == 3 && isDigit(p)) {
		t.region = p
		i++
	}
	for {
		p := next()
		if (len(p) >= 5 && len(p) <= 8 && isAlnum(p)) || (len(p) == 4 && isDigit(p[:1]) && isAlnum(p)) {
			t.variants = append(t.variants, p)
			i++
			continue
		}
		break
	}
	for {
		p := next()
		if len(p) != 1 || p == "x" || !isAlnum(p) {
			break
		}
		i++
		n := 0
		for q := next(); len(q) >= 2 && len(q) <= 8 && isAlnum(q); q = next() {
			n++
			i++
		}
		if n == 0 {
			return t, false
		}
		t.singletons = append(t.singletons, p)
	}
	if i < len(parts) && !privateUse() {
		return t, false
	}
	return t, i == len(parts)
}

// validLangTag checks the validity of RFC 5646 section 2.2.9: well-formed,
// every subtag outside private use registered, no variant or extension
// singleton twice. Only the registered extensions (t, RFC 6497; u, RFC 6067)
// are known. It returns what is wrong, or "".
func validLangTag(s string) string {
	t, ok := parseLangTag(s)
	if !ok {
		return "is not a well-formed BCP 47 language tag"
	}
	if t.grandfathered || t.language == "" {
		return ""
	}
	r := registry()
	if ok, _ := r.known("language", t.language); !ok {
		return "has an unknown language subtag " + t.language
	}
	if len(t.extlang) > 1 {
		return "has more than one extended language subtag"
	}
	for _, e := range t.extlang {
		if ok, _ := r.known("extlang", e); !ok {
			return "has an unknown extended language subtag " + e
		}
	}
	if ok, _ := r.known("script", t.script); t.script != "" && !ok {
		return "has an unknown script subtag " + t.script
	}
	if ok, _ := r.known("region", t.region); t.region != "" && !ok {
		return "has an unknown region subtag " + t.region
	}
	seen := map[string]bool{}
	for _, v := range t.variants {
		if ok, _ := r.known("variant", v); !ok {
			return "has an unknown variant subtag " + v
		}
		if seen[v] {
			return "repeats the variant subtag " + v
		}
		seen[v] = true
	}
	for _, x := range t.singletons {
		if x != "t" && x != "u" {
			return "has an unregistered extension " + x
		}
		if seen["-"+x] {
			return "repeats the extension " + x
		}
		seen["-"+x] = true
	}
	return ""
}

// privateLangTag reports whether a tag uses subtags reserved for private
// use: a private-use language, script or region range, or an "x-" part.
func privateLangTag(s string) bool {
	t, ok := parseLangTag(s)
	if !ok || t.grandfathered {
		return false
	}
	r := registry()
	for _, p := range []struct{ typ, tag string }{{"language", t.language}, {"script", t.script}, {"region", t.region}} {
		if _, private := r.known(p.typ, p.tag); p.tag != "" && private {
			return true
		}
	}
	return t.private
}

// langFields returns /document/lang and /document/source_lang where they
// are strings.
func (d *doc) langFields() []node {
	var out []node
	for _, k := range []string{"lang", "source_lang"} {
		if n := d.root.get("document").get(k); n.exists() {
			if _, ok := n.str(); ok {
				out = append(out, n)
			}
		}
	}
	return out
}

// checkLanguage is test 6.1.12: language tags are valid.
func checkLanguage(d *doc) {
	for _, n := range d.langFields() {
		if msg := validLangTag(n.text()); msg != "" {
			d.report(n.path, "language tag %q %s", n.text(), msg)
		}
	}
}

// checkPrivateLanguage is test 6.2.14.
func checkPrivateLanguage(d *doc) {
	for _, n := range d.langFields() {
		if privateLangTag(n.text()) {
			d.report(n.path, "language tag %q uses subtags reserved for private use", n.text())
		}
	}
}

// checkDefaultLanguage is test 6.2.15: i-default says nothing about the
// language.
func checkDefaultLanguage(d *doc) {
	for _, n := range d.langFields() {
		if strings.EqualFold(n.text(), "i-default") {
			d.report(n.path, "language tag %q is the default language", n.text())
		}
	}
}

// checkDocumentLanguage is test 6.2.12: the document states its language.
func checkDocumentLanguage(d *doc) {
	doc := d.root.get("document")
	if !doc.get("lang").exists() {
		d.report(doc.path, "document.lang is missing")
	}
}

// checkTranslation is test 6.1.28: a translation's language differs from its
// source language.
func checkTranslation(d *doc) {
	doc := d.root.get("document")
	lang, ok1 := doc.get("lang").str()
	src, ok2 := doc.get("source_lang").str()
	if ok1 && ok2 && strings.EqualFold(lang, src) {
		d.report(doc.get("lang").path, "lang %q equals source_lang", lang)
	}
}
