package scan

import (
	"fmt"
	"html"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/feed"
)

// OneLine collapses the white space of a title, which pretty-printed
// reports break over lines.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// JoinText joins non-empty paragraphs with a blank line.
func JoinText(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

// HTMLText turns the HTML fragments scanners write into their reports'
// text fields into plain text: tags are dropped, the block-level ones (p,
// br, li, div, ...) become line breaks, list items start with "- ", and
// entities are decoded. It is no HTML parser and need not be: the text is
// shown, never rendered.
func HTMLText(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		tag := strings.ToLower(strings.TrimSpace(s[i+1 : i+j]))
		if f := strings.Fields(tag); len(f) > 0 {
			tag = strings.TrimSuffix(f[0], "/")
		}
		s = s[i+j+1:]
		switch tag {
		case "li":
			b.WriteString("\n- ")
		case "p", "/p":
			b.WriteString("\n\n")
		case "br", "div", "/div", "ul", "/ul", "ol", "/ol", "tr", "/tr", "pre", "/pre",
			"h1", "/h1", "h2", "/h2", "h3", "/h3", "h4", "/h4", "table", "/table":
			b.WriteByte('\n')
			// "<BR>" at the end of a line breaks it once, not twice.
			s = strings.TrimPrefix(strings.TrimPrefix(s, "\r"), "\n")
		}
	}
	lines := strings.Split(html.UnescapeString(b.String()), "\n")
	out := lines[:0]
	blank := false
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\r")
		if strings.TrimSpace(l) == "" {
			blank = len(out) > 0
			continue
		}
		if blank {
			out = append(out, "")
			blank = false
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

var hrefRE = regexp.MustCompile(`(?i)href\s*=\s*["']([^"']+)["']`)

// Hrefs returns the link targets of an HTML fragment.
func Hrefs(s string) []string {
	var out []string
	for _, m := range hrefRE.FindAllStringSubmatch(s, -1) {
		out = append(out, html.UnescapeString(strings.TrimSpace(m[1])))
	}
	return out
}

var (
	cveRE    = regexp.MustCompile(`(?i)^CVE-\d{4}-\d{4,}$`)
	cveAnyRE = regexp.MustCompile(`(?i)\bCVE-\d{4}-\d{4,}\b`)
)

// IsCVE reports whether s, trimmed, is a CVE id.
func IsCVE(s string) bool { return cveRE.MatchString(strings.TrimSpace(s)) }

// FindCVEs returns the CVE ids written anywhere in free text, as written.
func FindCVEs(s string) []string { return cveAnyRE.FindAllString(s, -1) }

// IsNumber reports whether s is a decimal number of 1 to 12 digits, as
// tools' numeric ids are.
func IsNumber(s string) bool {
	if s == "" || len(s) > 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// ParseNumber reads a number from lo to hi; what names it in the error.
func ParseNumber(s string, lo, hi float64, what string) (float64, error) {
	s = strings.TrimSpace(s)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < lo || f > hi {
		return 0, fmt.Errorf("%w: not a %s: %q", feed.ErrFormat, what, s)
	}
	return f, nil
}

// ParseScore reads a CVSS base score: a number from 0 to 10.
func ParseScore(s string) (float64, error) {
	return ParseNumber(s, 0, 10, "CVSS score from 0 to 10")
}

// maxUnix is 9999-12-31T23:59:59Z: time.Time encodes no later year as JSON.
const maxUnix = 253402300799

// ParseUnixTime reads a Unix time in seconds; "" is the zero time.
func ParseUnixTime(s string) (time.Time, error) {
	if s = strings.TrimSpace(s); s == "" {
		return time.Time{}, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > maxUnix {
		return time.Time{}, fmt.Errorf("%w: not a Unix time: %q", feed.ErrFormat, s)
	}
	return time.Unix(n, 0).UTC(), nil
}
