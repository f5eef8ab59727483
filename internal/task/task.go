// Package task is vmc's scheduled work on findings: expiring risk
// acceptances and noticing SLA breaches. vmc serve runs it on a timer and
// "vmc finding sweep" by hand; running it twice does nothing the second
// time.
package task

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/store"
)

// Sweep is what one run did.
type Sweep struct {
	Expired  int `json:"expired"`  // risk acceptances that ran out; findings re-opened
	Breached int `json:"breached"` // findings newly past their due date
}

// RunSweep re-opens findings whose risk acceptance has expired and
// records newly breached SLAs, each telling the owner (the finding's
// assignee, else the asset's team, else the acceptance's requester).
func RunSweep(ctx context.Context, s store.Store, now time.Time) (Sweep, error) {
	var out Sweep
	teams := map[string]string{}
	owner := func(f finding.Finding) (string, error) {
		t, ok := teams[f.Asset]
		if !ok {
			a, err := s.Asset(ctx, f.Asset)
			if err != nil {
				return "", err
			}
			t, teams[f.Asset] = a.Team, a.Team
		}
		return t, nil
	}
	each := func(q store.FindingQuery, fn func(f *finding.Finding, team string) (finding.Decision, bool)) (int, error) {
		n := 0
		for f, err := range store.EachFinding(ctx, s, q) {
			if err != nil {
				return n, err
			}
			team, err := owner(f)
			if err != nil {
				return n, err
			}
			changed := false
			_, err = s.ChangeFinding(ctx, f.ID, "system", func(f *finding.Finding) ([]finding.Decision, error) {
				d, ok := fn(f, team)
				if !ok {
					return nil, nil
				}
				changed = true
				return []finding.Decision{d}, nil
			})
			if err != nil {
				return n, fmt.Errorf("sweep finding %d: %w", f.ID, err)
			}
			if changed {
				n++
			}
		}
		return n, nil
	}
	var err error
	out.Expired, err = each(store.FindingQuery{State: finding.RiskAccepted, Limit: 1000}, func(f *finding.Finding, team string) (finding.Decision, bool) {
		d, ok := f.Expire(now)
		d.Notify = cmp.Or(f.Assignee, team, d.Notify)
		return d, ok
	})
	if err != nil {
		return out, err
	}
	out.Breached, err = each(store.FindingQuery{OverdueAt: now, Limit: 1000}, func(f *finding.Finding, team string) (finding.Decision, bool) {
		return f.NoticeBreach(team, now)
	})
	return out, err
}
