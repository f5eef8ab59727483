package rules

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/package-url/packageurl-go"
)

// WatchKind is what a watch follows.
type WatchKind string

const (
	WatchVendor  WatchKind = "vendor"
	WatchProduct WatchKind = "product"
	WatchPURL    WatchKind = "purl"
	WatchCPE     WatchKind = "cpe"
	WatchKeyword WatchKind = "keyword"
)

// WatchKinds lists every watch kind.
var WatchKinds = []WatchKind{WatchVendor, WatchProduct, WatchPURL, WatchCPE, WatchKeyword}

// IsValid reports whether k is a known watch kind.
func (k WatchKind) IsValid() bool {
	for _, x := range WatchKinds {
		if k == x {
			return true
		}
	}
	return false
}

// UnmarshalText rejects unknown watch kinds.
func (k *WatchKind) UnmarshalText(b []byte) error {
	if !WatchKind(b).IsValid() {
		return fmt.Errorf("unknown watch kind %q (vendor, product, purl, cpe, keyword)", b)
	}
	*k = WatchKind(b)
	return nil
}

// ErrWatch marks a watch that cannot be kept.
var ErrWatch = errors.New("invalid watch")

// Watch is a person's subscription to advisories about something, whether
// or not any asset carries it yet.
type Watch struct {
	ID    int64     `json:"id"`
	User  string    `json:"user"`
	Kind  WatchKind `json:"kind"`
	Value string    `json:"value"`
	// To is where the news goes: an e-mail address or a webhook URL.
	To      string    `json:"to"`
	Created time.Time `json:"created"`
}

// MaxWatchValue bounds what a watch follows.
const MaxWatchValue = 512

// Validate checks a watch before it is kept. A keyword needs two
// characters (two runes: "漏洞" is a keyword, "a" is not), so that a watch
// does not match every advisory.
func (w Watch) Validate() error {
	v := strings.TrimSpace(w.Value)
	switch {
	case !w.Kind.IsValid():
		return fmt.Errorf("%w: unknown kind %q", ErrWatch, w.Kind)
	case v == "":
		return fmt.Errorf("%w: nothing to watch", ErrWatch)
	case len(v) > MaxWatchValue:
		return fmt.Errorf("%w: value is %d bytes (at most %d)", ErrWatch, len(v), MaxWatchValue)
	case w.Kind == WatchKeyword && utf8.RuneCountInString(v) < 2:
		return fmt.Errorf("%w: a keyword needs at least two characters", ErrWatch)
	case w.Kind == WatchPURL:
		if _, err := packageurl.FromString(v); err != nil {
			return fmt.Errorf("%w: purl %q: %v", ErrWatch, v, err)
		}
	case w.Kind == WatchCPE && !strings.HasPrefix(strings.ToLower(v), "cpe:"):
		return fmt.Errorf("%w: %q is not a CPE (cpe:2.3:...)", ErrWatch, v)
	}
	if err := checkRecipient(w.To); err != nil {
		return fmt.Errorf("%w: %v", ErrWatch, err)
	}
	return nil
}

// Matches reports whether an advisory is about what w follows, and says
// what matched, for the notification.
func (w Watch) Matches(a Advisory) (string, bool) {
	v := strings.TrimSpace(w.Value)
	switch w.Kind {
	case WatchVendor:
		if s, ok := equalFold(v, a.Vendors); ok {
			return "vendor " + s, true
		}
		for _, c := range a.CPEs {
			if p := cpeParts(c); len(p) > 1 && strings.EqualFold(p[1], v) {
				return "CPE " + c, true
			}
		}
		// CNVD names vendor and product only in free text, in Chinese.
		if s, ok := containsWord(v, a.ProductText); ok {
			return "vendor " + s, true
		}
	case WatchProduct:
		if s, ok := equalFold(v, a.Products); ok {
			return "product " + s, true
		}
		if s, ok := equalFold(v, a.Packages); ok {
			return "package " + s, true
		}
		for _, c := range a.CPEs {
			if p := cpeParts(c); len(p) > 2 && strings.EqualFold(p[2], v) {
				return "CPE " + c, true
			}
		}
		if s, ok := containsWord(v, a.ProductText); ok {
			return "product " + s, true
		}
	case WatchPURL:
		want, err := packageurl.FromString(v)
		if err != nil {
			return "", false
		}
		for _, s := range a.PURLs {
			got, err := packageurl.FromString(s)
			if err == nil && strings.EqualFold(got.Type, want.Type) && strings.EqualFold(got.Namespace, want.Namespace) &&
				strings.EqualFold(got.Name, want.Name) && (want.Version == "" || want.Version == got.Version) {
				return "purl " + s, true
			}
		}
	case WatchCPE:
		want := cpeParts(v)
		for _, c := range a.CPEs {
			if cpeCovers(want, cpeParts(c)) {
				return "CPE " + c, true
			}
		}
	case WatchKeyword:
		k := strings.ToLower(v)
		for _, t := range a.Text {
			if strings.Contains(strings.ToLower(t), k) {
				return "keyword " + v, true
			}
		}
		if s, ok := equalFold(v, a.Products); ok {
			return "keyword " + s, true
		}
	}
	return "", false
}

func equalFold(v string, xs []string) (string, bool) {
	for _, x := range xs {
		if strings.EqualFold(x, v) {
			return x, true
		}
	}
	return "", false
}

// containsWord reports which of xs contains v, ignoring case, where v
// is not part of a longer Latin word or number: "apache" is in "Apache
// Log4j2 <2.15.0" but not in "apachex", "74cms" in "太原迅易科技有限公司
// 74cms <=V4.1.24". Chinese is written without spaces, so next to a
// Chinese character a match stands ("奇虎" is in "北京奇虎科技有限公司"):
// short names are how people write vendors.
func containsWord(v string, xs []string) (string, bool) {
	k := strings.ToLower(v)
	if k == "" {
		return "", false
	}
	for _, x := range xs {
		lx := strings.ToLower(x)
		for from := 0; ; {
			i := strings.Index(lx[from:], k)
			if i < 0 {
				break
			}
			i += from
			before, _ := utf8.DecodeLastRuneInString(lx[:i])
			after, _ := utf8.DecodeRuneInString(lx[i+len(k):])
			if !latinWord(before) && !latinWord(after) {
				return x, true
			}
			from = i + 1
		}
	}
	return "", false
}

// latinWord reports whether r continues a Latin word or a number.
func latinWord(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// cpeParts splits a CPE 2.3 formatted string after "cpe:2.3:" into part,
// vendor, product, version...; a CPE 2.2 URI ("cpe:/a:vendor:product")
// the same way.
func cpeParts(c string) []string {
	c = strings.ToLower(c)
	switch {
	case strings.HasPrefix(c, "cpe:2.3:"):
		return strings.Split(c[len("cpe:2.3:"):], ":")
	case strings.HasPrefix(c, "cpe:/"):
		return strings.Split(c[len("cpe:/"):], ":")
	}
	return nil
}

// cpeCovers reports whether every component the watch names (up to the
// version) equals the advisory's or is a wildcard on either side.
func cpeCovers(want, got []string) bool {
	if len(want) < 3 || len(got) < 3 {
		return false
	}
	for i := 0; i < 4 && i < len(want); i++ {
		w := want[i]
		if w == "*" || w == "-" || w == "" {
			continue
		}
		if i >= len(got) || (got[i] != w && got[i] != "*") {
			return false
		}
	}
	return true
}
