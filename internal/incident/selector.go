package incident

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/vmc-dev/vmc/internal/asset"
)

// A Selector picks assets by how they are configured and classified: the
// "configuration item" of a root cause, so that "where else?" can find the
// other assets set up the same way. It is written as terms, key=value,
// separated by spaces or commas, all of which must hold:
//
//	exposure=internet tag=php-fpm
//	kind=host, environment=prod, group="patch wave 2"
//
// The keys are the asset's attributes (package asset): kind, team,
// environment (or env), criticality, exposure, group (the maintenance
// group) and tag, which may be given more than once (every tag must be
// on the asset). A value with spaces or commas is double-quoted, with \"
// and \\ inside. Enumerated attributes take only their values; the asset's
// vocabulary is the selector's.
type Selector struct {
	Terms []Term
}

// Term is one key=value condition.
type Term struct {
	Key   string
	Value string
}

// selectorKeys are the keys in the order String writes them.
var selectorKeys = []string{"kind", "team", "environment", "criticality", "exposure", "group", "tag"}

// Limits on a selector: a handful of terms is what a configuration item
// is; the bounds keep a hostile one cheap to parse and to match.
const (
	maxSelector      = 1000
	maxSelectorTerms = 20
)

// ParseSelector reads a selector, naming the term at fault.
func ParseSelector(s string) (Selector, error) {
	bad := func(format string, args ...any) (Selector, error) {
		return Selector{}, fmt.Errorf("%w: configuration: %s", ErrInvalid, fmt.Sprintf(format, args...))
	}
	if len(s) > maxSelector {
		return bad("longer than %d bytes", maxSelector)
	}
	if !lineOK(s) {
		return bad("not one line of printable UTF-8")
	}
	var sel Selector
	seen := map[string]bool{}
	rest := s
	for {
		rest = strings.TrimLeftFunc(rest, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
		if rest == "" {
			break
		}
		if len(sel.Terms) == maxSelectorTerms {
			return bad("more than %d terms", maxSelectorTerms)
		}
		n := len(sel.Terms) + 1
		key, after, ok := strings.Cut(rest, "=")
		if !ok || strings.ContainsFunc(key, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
			word, _, _ := strings.Cut(rest, " ")
			return bad("term %d %q: not key=value (keys: %s)", n, word, strings.Join(selectorKeys, ", "))
		}
		key = strings.ToLower(key)
		if key == "env" {
			key = "environment"
		}
		if !slices.Contains(selectorKeys, key) {
			return bad("term %d: unknown key %q (%s)", n, key, strings.Join(selectorKeys, ", "))
		}
		var value string
		if strings.HasPrefix(after, `"`) {
			v, tail, err := unquoteTerm(after)
			if err != nil {
				return bad("term %d (%s): %v", n, key, err)
			}
			value, rest = v, tail
			if rest != "" && !strings.ContainsRune(", \t", rune(rest[0])) {
				return bad("term %d (%s): text after the closing quote", n, key)
			}
		} else {
			end := strings.IndexFunc(after, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
			if end < 0 {
				end = len(after)
			}
			value, rest = after[:end], after[end:]
			if strings.ContainsRune(value, '"') {
				return bad("term %d (%s): a quote inside an unquoted value", n, key)
			}
		}
		if value == "" {
			return bad("term %d (%s): empty value", n, key)
		}
		if err := checkTermValue(key, value); err != nil {
			return bad("term %d: %v", n, err)
		}
		if key != "tag" && seen[key] {
			return bad("term %d: %s given twice", n, key)
		}
		if key == "tag" && slices.Contains(sel.Terms, Term{key, value}) {
			return bad("term %d: tag %q given twice", n, value)
		}
		seen[key] = true
		sel.Terms = append(sel.Terms, Term{Key: key, Value: value})
	}
	if len(sel.Terms) == 0 {
		return bad("no terms (key=value, keys: %s)", strings.Join(selectorKeys, ", "))
	}
	slices.SortStableFunc(sel.Terms, func(a, b Term) int {
		if d := slices.Index(selectorKeys, a.Key) - slices.Index(selectorKeys, b.Key); d != 0 {
			return d
		}
		return strings.Compare(a.Value, b.Value)
	})
	return sel, nil
}

// unquoteTerm reads a double-quoted value from the start of s and returns
// it with what follows the closing quote.
func unquoteTerm(s string) (value, rest string, err error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], nil
		case '\\':
			if i+1 == len(s) || (s[i+1] != '"' && s[i+1] != '\\') {
				return "", "", fmt.Errorf(`only \" and \\ may follow a backslash`)
			}
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf("no closing quote")
}

// checkTermValue holds enumerated keys to the asset's vocabulary.
func checkTermValue(key, v string) error {
	var err error
	switch key {
	case "kind":
		var k asset.Kind
		err = k.UnmarshalText([]byte(v))
	case "environment":
		var e asset.Environment
		err = e.UnmarshalText([]byte(v))
	case "criticality":
		var c asset.Criticality
		err = c.UnmarshalText([]byte(v))
	case "exposure":
		var e asset.Exposure
		err = e.UnmarshalText([]byte(v))
	}
	if err != nil {
		return fmt.Errorf("%s: %v", key, err)
	}
	if strings.TrimSpace(v) != v {
		return fmt.Errorf("%s: %q has leading or trailing space", key, v)
	}
	return nil
}

// String writes the selector in its canonical form, which ParseSelector
// reads back as the same selector.
func (s Selector) String() string {
	parts := make([]string, len(s.Terms))
	for i, t := range s.Terms {
		v := t.Value
		if v == "" || strings.ContainsFunc(v, func(r rune) bool { return r == ',' || r == '"' || r == '\\' || unicode.IsSpace(r) }) {
			v = `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(v) + `"`
		}
		parts[i] = t.Key + "=" + v
	}
	return strings.Join(parts, " ")
}

// Match reports whether the asset holds every term, and says how, term by
// term ("exposure=internet", "tag=php-fpm"), for the "where else?" list.
func (s Selector) Match(a asset.Asset) (bool, []string) {
	if len(s.Terms) == 0 {
		return false, nil
	}
	why := make([]string, 0, len(s.Terms))
	for _, t := range s.Terms {
		var ok bool
		switch t.Key {
		case "kind":
			ok = string(a.Kind) == t.Value
		case "team":
			ok = a.Team == t.Value
		case "environment":
			ok = string(a.Environment) == t.Value
		case "criticality":
			ok = string(a.Criticality) == t.Value
		case "exposure":
			ok = string(a.Exposure) == t.Value
		case "group":
			ok = a.MaintenanceGroup == t.Value
		case "tag":
			ok = slices.Contains(a.Tags, t.Value)
		}
		if !ok {
			return false, nil
		}
		why = append(why, Selector{Terms: []Term{t}}.String())
	}
	return true, why
}
