package fetch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// DefaultOSVURL is osv.dev's public bucket of bulk downloads.
const DefaultOSVURL = "https://osv-vulnerabilities.storage.googleapis.com"

// OSV fetches osv.dev's all.zip of each named ecosystem.
type OSV struct {
	Client *Client
	Dir    string
	// URL is the bucket; an ecosystem's zip is URL/<Ecosystem>/all.zip
	// (default DefaultOSVURL).
	URL string
	// Ecosystems are osv.dev's names, as in its ecosystems.txt: Go,
	// crates.io, PyPI, Debian:12, ...
	Ecosystems []string
	// Full ignores the saved state: every zip is fetched and imported
	// even when unchanged.
	Full bool
}

var _ Source = (*OSV)(nil)

func (*OSV) Name() string { return "osv" }

// Sync fetches each ecosystem's zip that changed and imports it, in the
// order given, and stops at the first failure; the ecosystems done before
// it stay done.
func (s *OSV) Sync(ctx context.Context, imp Import) (Result, error) {
	var res Result
	if len(s.Ecosystems) == 0 {
		return res, errors.New("osv: no ecosystem named")
	}
	for _, eco := range s.Ecosystems {
		if err := checkEcosystem(eco); err != nil {
			return res, fmt.Errorf("osv: %w", err)
		}
	}
	st, err := prepare(s.Dir)
	if err != nil {
		return res, fmt.Errorf("osv: %w", err)
	}
	base := strings.TrimSuffix(cmp.Or(s.URL, DefaultOSVURL), "/")
	for _, eco := range s.Ecosystems {
		u := base + "/" + url.PathEscape(eco) + "/all.zip"
		dst := filepath.Join(s.Dir, fileName(eco)+".zip")
		if err := syncURL(ctx, s.Client, s.Dir, st, s.Full, u, dst, imp, &res); err != nil {
			return res, fmt.Errorf("osv %s: %w", eco, err)
		}
	}
	return res, nil
}

// checkEcosystem refuses a name that would not stay one path segment, in
// the URL or in the cache directory.
func checkEcosystem(eco string) error {
	if eco == "" || eco == "." || eco == ".." || strings.ContainsAny(eco, `/\`) || strings.ContainsFunc(eco, func(r rune) bool { return r < ' ' }) {
		return fmt.Errorf("ecosystem %q: not an osv.dev ecosystem name", eco)
	}
	return nil
}

// fileName turns an ecosystem name into a portable file name: osv.dev's
// names hold colons ("Debian:12", "Alpine:v3.20") and spaces ("Red Hat"),
// which not every file system takes.
func fileName(eco string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, eco)
}
