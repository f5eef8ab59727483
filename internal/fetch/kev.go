package fetch

import (
	"cmp"
	"context"
	"fmt"
	"path/filepath"
)

// DefaultKEVURL is CISA's catalogue in JSON.
const DefaultKEVURL = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"

// KEV fetches CISA's Known Exploited Vulnerabilities catalogue.
type KEV struct {
	Client *Client
	Dir    string
	URL    string // default DefaultKEVURL
	// Full ignores the saved state: the catalogue is fetched and imported
	// even when unchanged.
	Full bool
}

var _ Source = (*KEV)(nil)

func (*KEV) Name() string { return "kev" }

// Sync fetches the catalogue when it changed and imports it.
func (s *KEV) Sync(ctx context.Context, imp Import) (Result, error) {
	var res Result
	st, err := prepare(s.Dir)
	if err != nil {
		return res, fmt.Errorf("kev: %w", err)
	}
	url := cmp.Or(s.URL, DefaultKEVURL)
	dst := filepath.Join(s.Dir, "known_exploited_vulnerabilities.json")
	if err := syncURL(ctx, s.Client, s.Dir, st, s.Full, url, dst, imp, &res); err != nil {
		return res, fmt.Errorf("kev: %w", err)
	}
	return res, nil
}
