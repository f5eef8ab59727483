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
// finding whose SLA is near or breached, every risk acceptance about to
// expire, the process review when it is due within Near or overdue, and
// every audit plan whose next audit is. Each event's key names the
// object and the deadline, so a check that runs every hour records each
// once; a new deadline (a re-prioritised finding, a renewed acceptance,
// a review held, an audit done) is a new event. It returns how many
// events were new.
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
	deadlines, err := e.deadlines(ctx, now, near)
	if err != nil {
		return 0, err
	}
	return e.Store.AddEvents(ctx, append(evs, deadlines...))
}

// reviewObject names the process review in events: there is one
// schedule, the incident-response process's.
const reviewObject = "review:process"

// deadlines are the events of the process review and the audit plans due
// before now+near (due) or already past due (overdue), each by the
// domain's own rule of when it is overdue.
func (e *Engine) deadlines(ctx context.Context, now time.Time, near time.Duration) ([]rules.Event, error) {
	var evs []rules.Event
	d, err := store.NextReview(ctx, e.Store, now)
	if err != nil {
		return nil, fmt.Errorf("review schedule: %w", err)
	}
	if k, ok := deadlineKind(d.Overdue, d.Next, now, near, rules.ReviewDue, rules.ReviewOverdue); ok {
		evs = append(evs, rules.Event{Kind: k, Key: rules.DeadlineKey(k, reviewObject, d.Next), Object: reviewObject, At: now,
			Env: rules.Env{Review: rules.ReviewOf(d, now)}})
	}
	plans, err := e.Store.ListAuditPlans(ctx)
	if err != nil {
		return nil, fmt.Errorf("audit plans: %w", err)
	}
	for _, p := range plans {
		if k, ok := deadlineKind(p.Overdue(now), p.Due(), now, near, rules.AuditDue, rules.AuditOverdue); ok {
			obj := fmt.Sprintf("audit-plan:%d", p.ID)
			evs = append(evs, rules.Event{Kind: k, Key: rules.DeadlineKey(k, obj, p.Due()), Object: obj, At: now,
				Env: rules.Env{Audit: rules.AuditOf(p, now)}})
		}
	}
	return evs, nil
}

// deadlineKind says which event, if any, a deadline makes at now.
func deadlineKind(overdue bool, due, now time.Time, near time.Duration, dueKind, overdueKind rules.Kind) (rules.Kind, bool) {
	switch {
	case overdue:
		return overdueKind, true
	case !due.IsZero() && due.Before(now.Add(near)):
		return dueKind, true
	}
	return "", false
}
