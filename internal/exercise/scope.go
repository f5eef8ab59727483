package exercise

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Scope is what an exercise's testers may attack: assets vmc knows, by
// name, and targets named the way rules of engagement name them — host
// names ("shop.example.com", or "*.example.com" for every host below
// it), IP addresses, CIDR blocks ("10.20.0.0/16") and base URLs
// ("https://shop.example.com/api/", covering what is below that path).
type Scope struct {
	Assets  []string `json:"assets,omitempty"`
	Targets []string `json:"targets,omitempty"`
}

// maxScope bounds the entries of a scope: a bug bounty's published scope
// runs to a few hundred lines.
const maxScope = 1000

// ParseScope sorts a list of scope entries into assets and targets:
// entries isAsset recognises are assets, the rest must be targets.
// Targets come back in their canonical form (lower-case host names,
// masked CIDR blocks).
func ParseScope(entries []string, isAsset func(name string) bool) (Scope, error) {
	var s Scope
	for i, e := range entries {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if isAsset != nil && isAsset(e) {
			if !slices.Contains(s.Assets, e) {
				s.Assets = append(s.Assets, e)
			}
			continue
		}
		t, err := parseTarget(e)
		if err != nil {
			return Scope{}, fmt.Errorf("%w: scope[%d]: %q is neither an asset vmc knows nor a target: %v", ErrInvalid, i, e, err)
		}
		if !slices.Contains(s.Targets, t.String()) {
			s.Targets = append(s.Targets, t.String())
		}
	}
	return s, s.Validate()
}

// Validate checks that the scope names something and that every target
// is a host, address, CIDR block or URL.
func (s Scope) Validate() error {
	if len(s.Assets)+len(s.Targets) == 0 {
		return fmt.Errorf("%w: scope: empty: name the assets or targets the testers may attack", ErrInvalid)
	}
	if len(s.Assets)+len(s.Targets) > maxScope {
		return fmt.Errorf("%w: scope: more than %d entries", ErrInvalid, maxScope)
	}
	for i, a := range s.Assets {
		if a == "" || len(a) > 512 || !printable(a) {
			return fmt.Errorf("%w: scope.assets[%d]: %q is not an asset name", ErrInvalid, i, a)
		}
	}
	for i, t := range s.Targets {
		if _, err := parseTarget(t); err != nil {
			return fmt.Errorf("%w: scope.targets[%d]: %v", ErrInvalid, i, err)
		}
	}
	return nil
}

// Contains reports whether a finding on asset at location (a URL, a
// "host:port", an address; "" for the asset as a whole) is in scope: the
// asset is in it by name, or the location or the asset's name falls
// within one of its targets.
func (s Scope) Contains(assetName, location string) bool {
	if slices.Contains(s.Assets, assetName) {
		return true
	}
	for _, raw := range s.Targets {
		t, err := parseTarget(raw)
		if err != nil {
			continue
		}
		if t.covers(location) || t.covers(assetName) {
			return true
		}
	}
	return false
}

// target is one parsed scope target: exactly one of its fields is set.
type target struct {
	host   string // lower case; "*.example.com" for a wildcard
	addr   netip.Addr
	prefix netip.Prefix
	url    *url.URL
}

var hostName = regexp.MustCompile(`^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

func parseTarget(s string) (target, error) {
	switch {
	case strings.Contains(s, "://"):
		u, err := url.Parse(s)
		if err != nil {
			return target{}, fmt.Errorf("not a URL: %v", err)
		}
		if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return target{}, fmt.Errorf("%q: a URL target is http(s)://host[:port][/path], without user, query or fragment", s)
		}
		u.Host = strings.ToLower(u.Host)
		return target{url: u}, nil
	case strings.Contains(s, "/"):
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return target{}, fmt.Errorf("not a CIDR block: %v", err)
		}
		return target{prefix: p.Masked()}, nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return target{addr: a}, nil
	}
	h := strings.ToLower(strings.TrimSuffix(s, "."))
	if len(h) > 253 || !hostName.MatchString(h) {
		return target{}, fmt.Errorf("%q is not a host name, address, CIDR block or http(s) URL", s)
	}
	return target{host: h}, nil
}

func (t target) String() string {
	switch {
	case t.url != nil:
		return t.url.String()
	case t.prefix.IsValid():
		return t.prefix.String()
	case t.addr.IsValid():
		return t.addr.String()
	}
	return t.host
}

// covers reports whether a location (or an asset's name) is within t.
func (t target) covers(loc string) bool {
	loc = strings.TrimSpace(loc)
	if loc == "" {
		return false
	}
	var (
		host string
		u    *url.URL
	)
	switch {
	case strings.Contains(loc, "://"):
		var err error
		if u, err = url.Parse(loc); err != nil {
			return false
		}
		host = u.Hostname()
	default:
		host = loc
		if h, _, err := net.SplitHostPort(loc); err == nil {
			host = h
		}
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	switch {
	case t.url != nil:
		return u != nil && sameOrigin(t.url, u) && underPath(t.url.Path, u.Path)
	case t.prefix.IsValid():
		a, err := netip.ParseAddr(host)
		return err == nil && t.prefix.Contains(a.Unmap())
	case t.addr.IsValid():
		a, err := netip.ParseAddr(host)
		return err == nil && a.Unmap() == t.addr.Unmap()
	}
	if rest, ok := strings.CutPrefix(t.host, "*."); ok {
		return strings.HasSuffix(host, "."+rest)
	}
	return host == t.host
}

// sameOrigin compares scheme, host and port, the default port counting as
// given.
func sameOrigin(a, b *url.URL) bool {
	port := func(u *url.URL) string {
		if p := u.Port(); p != "" {
			return p
		}
		if u.Scheme == "https" {
			return "443"
		}
		return "80"
	}
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && port(a) == port(b)
}

// underPath reports whether path p is base or below it, segment by
// segment: "/api" covers "/api/orders" but not "/apidocs".
func underPath(base, p string) bool {
	base = strings.TrimSuffix(base, "/")
	if base == "" {
		return true
	}
	return p == base || strings.HasPrefix(p, base+"/")
}
