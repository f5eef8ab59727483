package fetch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DefaultEPSSURL is where FIRST publishes the daily EPSS files.
const DefaultEPSSURL = "https://epss.empiricalsecurity.com"

// EPSS fetches one day's EPSS scores.
type EPSS struct {
	Client *Client
	Dir    string
	// URL is the directory of the daily files, URL/epss_scores-YYYY-MM-DD.csv.gz
	// (default DefaultEPSSURL).
	URL string
	// Date is the day to fetch. When zero, Sync fetches today's file (UTC)
	// and, while that is not yet published, yesterday's.
	Date time.Time
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Full ignores the saved state: the day's file is fetched and imported
	// even when unchanged.
	Full bool
}

var _ Source = (*EPSS)(nil)

func (*EPSS) Name() string { return "epss" }

// Sync fetches the day's file when it changed and imports it. Files and
// validators of other days are removed once it is in: each day's file is
// complete, and a year of them would take most of a gigabyte.
func (s *EPSS) Sync(ctx context.Context, imp Import) (Result, error) {
	var res Result
	st, err := prepare(s.Dir)
	if err != nil {
		return res, fmt.Errorf("epss: %w", err)
	}
	days := []time.Time{s.Date}
	if s.Date.IsZero() {
		now := time.Now
		if s.Now != nil {
			now = s.Now
		}
		today := now().UTC()
		days = []time.Time{today, today.AddDate(0, 0, -1)}
	}
	base := strings.TrimSuffix(cmp.Or(s.URL, DefaultEPSSURL), "/")
	for i, day := range days {
		name := "epss_scores-" + day.Format(time.DateOnly) + ".csv.gz"
		u := base + "/" + name
		err = syncURL(ctx, s.Client, s.Dir, st, s.Full, u, filepath.Join(s.Dir, name), imp, &res)
		var se *StatusError
		if errors.As(err, &se) && se.Code == http.StatusNotFound && i+1 < len(days) {
			continue // not published yet
		}
		if err != nil {
			return res, fmt.Errorf("epss: %w", err)
		}
		return res, s.prune(st, u, name)
	}
	return res, nil
}

// prune forgets every day but the one just synced.
func (s *EPSS) prune(st *State, keepURL, keepName string) error {
	old, _ := filepath.Glob(filepath.Join(s.Dir, "epss_scores-*.csv.gz"))
	for _, p := range old {
		if filepath.Base(p) != keepName {
			if err := os.Remove(p); err != nil {
				return fmt.Errorf("epss: %w", err)
			}
		}
	}
	n := len(st.Validators)
	for u := range st.Validators {
		if u != keepURL {
			delete(st.Validators, u)
		}
	}
	if len(st.Validators) == n {
		return nil
	}
	if err := SaveState(s.Dir, st); err != nil {
		return fmt.Errorf("epss: %w", err)
	}
	return nil
}
