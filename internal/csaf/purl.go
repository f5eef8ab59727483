package csaf

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

var (
	purlTypeRE = regexp.MustCompile(`^[a-zA-Z.+-][a-zA-Z0-9.+-]*$`)
	purlKeyRE  = regexp.MustCompile(`^[a-zA-Z.\-_][a-zA-Z0-9.\-_]*$`)
)

// checkPURLSyntax parses a package URL the way the purl specification's
// "How to parse a purl string" section does and returns what is wrong, or
// nil. It checks the grammar every type shares; type-specific rules are left
// to the types' own definitions.
func checkPURLSyntax(s string) error {
	rest, subpath, _ := cutLast(s, "#")
	if subpath != "" {
		for _, seg := range strings.Split(strings.Trim(subpath, "/"), "/") {
			if _, err := url.PathUnescape(seg); err != nil {
				return fmt.Errorf("subpath segment %q: %v", seg, err)
			}
		}
	}
	rest, qualifiers, _ := cutLast(rest, "?")
	scheme, rest, ok := strings.Cut(rest, ":")
	if !ok || !strings.EqualFold(scheme, "pkg") {
		return fmt.Errorf("the scheme must be \"pkg:\"")
	}
	rest = strings.Trim(rest, "/")
	typ, rest, ok := strings.Cut(rest, "/")
	if !ok || typ == "" {
		return fmt.Errorf("type and name are required")
	}
	if !purlTypeRE.MatchString(typ) {
		return fmt.Errorf("invalid type %q", typ)
	}
	rest, ver, hasVersion := cutLast(rest, "@")
	if hasVersion {
		if _, err := url.PathUnescape(ver); err != nil {
			return fmt.Errorf("version %q: %v", ver, err)
		}
	}
	namespace, name, found := cutLast(rest, "/")
	if !found {
		namespace, name = "", rest
	}
	if n, err := url.PathUnescape(name); err != nil {
		return fmt.Errorf("name %q: %v", name, err)
	} else if n == "" {
		return fmt.Errorf("name is required")
	}
	if namespace != "" {
		for _, seg := range strings.Split(namespace, "/") {
			if seg == "" {
				continue
			}
			if _, err := url.PathUnescape(seg); err != nil {
				return fmt.Errorf("namespace segment %q: %v", seg, err)
			}
		}
	}
	if qualifiers != "" {
		seen := map[string]bool{}
		for _, pair := range strings.Split(qualifiers, "&") {
			k, v, ok := strings.Cut(pair, "=")
			if !ok || k == "" {
				return fmt.Errorf("qualifier %q is not key=value", pair)
			}
			if !purlKeyRE.MatchString(k) {
				return fmt.Errorf("invalid qualifier key %q", k)
			}
			k = strings.ToLower(k)
			if seen[k] {
				return fmt.Errorf("qualifier %q given twice", k)
			}
			seen[k] = true
			if _, err := url.PathUnescape(v); err != nil {
				return fmt.Errorf("qualifier %q: %v", k, err)
			}
		}
	}
	return nil
}

// cutLast splits s around the last sep.
func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}

// checkPURL is test 6.1.13: every product identification helper's purl is a
// valid package URL.
func checkPURL(d *doc) {
	for _, n := range d.products().names {
		p := n.get("product_identification_helper").get("purl")
		if s, ok := p.str(); ok {
			if err := checkPURLSyntax(s); err != nil {
				d.report(p.path, "invalid package URL %q: %v", s, err)
			}
		}
	}
}
