package automation

import (
	"context"
	"fmt"
	"time"

	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/rules"
	"github.com/vmc-dev/vmc/internal/store"
)

// Check is the scheduled check: it records an event for every open
// finding whose SLA is near or breached and every risk acceptance about
// to expire. Each event's key names the finding and the deadline, so a
// check that runs every hour records each once; a new deadline (a
// re-prioritised finding, a renewed acceptance) is a new event. It
// returns how many events were new.
func (e *Engine) Check(ctx context.Context) (int, error) {
	now := e.now()
	near := e.Near
	if near <= 0 {
		near = 7 * 24 * time.Hour
	}
	expiring := e.Expiring
	if expiring <= 0 {
		expiring = 14 * 24 * time.Hour
	}
	teams := map[string]string{}
	var evs []rules.Event
	add := func(k rules.Kind, f finding.Finding, deadline time.Time) error {
		team, ok := teams[f.Asset]
		if !ok {
			a, err := e.Store.Asset(ctx, f.Asset)
			if err != nil {
				return err
			}
			team, teams[f.Asset] = a.Team, a.Team
		}
		evs = append(evs, rules.Event{Kind: k, Key: rules.SLAKey(k, f.ID, deadline), Object: fmt.Sprintf("finding:%d", f.ID),
			At: now, Env: rules.Env{Finding: rules.FindingOf(f, team, now)}})
		return nil
	}
	for f, err := range store.EachFinding(ctx, e.Store, store.FindingQuery{OverdueAt: now.Add(near), Limit: 1000}) {
		if err != nil {
			return 0, err
		}
		k := rules.SLANear
		if !f.Due.After(now) {
			k = rules.SLABreached
		}
		if err := add(k, f, f.Due); err != nil {
			return 0, err
		}
	}
	for f, err := range store.EachFinding(ctx, e.Store, store.FindingQuery{State: finding.RiskAccepted, Limit: 1000}) {
		if err != nil {
			return 0, err
		}
		if a := f.Acceptance; a != nil && a.Expires.After(now) && a.Expires.Before(now.Add(expiring)) {
			if err := add(rules.AcceptanceExpiring, f, a.Expires); err != nil {
				return 0, err
			}
		}
	}
	return e.Store.AddEvents(ctx, evs)
}
