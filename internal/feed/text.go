package feed

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// The helpers below read the free text Chinese databases (CNVD, CNNVD)
// put where other formats have structure: "label：value" lines with
// full-width colons, and URLs run into prose.

// Labelled returns what follows "label:" (or the full-width "label：") at
// the start of line.
func Labelled(line, label string) (string, bool) {
	rest, ok := strings.CutPrefix(line, label)
	if !ok {
		return "", false
	}
	if r, ok := strings.CutPrefix(rest, ":"); ok {
		return strings.TrimSpace(r), true
	}
	if r, ok := strings.CutPrefix(rest, "："); ok {
		return strings.TrimSpace(r), true
	}
	return "", false
}

// TrimURL drops the punctuation that ends a sentence rather than a URL,
// and a closing parenthesis the URL did not open.
func TrimURL(u string) string {
	for {
		t := strings.TrimRight(u, ".,;:!?")
		if strings.HasSuffix(t, ")") && strings.Count(t, "(") < strings.Count(t, ")") {
			t = t[:len(t)-1]
		}
		if t == u {
			return u
		}
		u = t
	}
}

// IsURL reports whether s is one absolute http, https or ftp URL with a
// host.
func IsURL(s string) bool {
	if strings.ContainsFunc(s, unicode.IsSpace) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "ftp":
		return true
	}
	return false
}

// urlInText finds URLs in free text. It stops at white space and at the
// Chinese punctuation written around links; the scheme may stand inside a
// word, so that "1.http://..." and "hthttp://..." still give their URL.
var urlInText = regexp.MustCompile(`(?i)(?:https?|ftp)://[^\s<>"，。；、！？（）【】《》]+`)

// URLSpans returns the start and end of every URL in text, for callers
// that also need what lies between them (to keep prose that is not a
// link).
func URLSpans(text string) [][]int { return urlInText.FindAllStringIndex(text, -1) }
