package automation

import (
	"context"
	"slices"

	"github.com/vmc-dev/vmc/internal/rules"
	"github.com/vmc-dev/vmc/internal/store"
)

// DryResult is what a rule would have done with one past event.
type DryResult struct {
	Event  int64      `json:"event"`
	Kind   rules.Kind `json:"kind"`
	Object string     `json:"object"`
	rules.Outcome
	// Findings counts the findings its finding actions would change, as
	// they are now.
	Findings int `json:"findings,omitempty"`
}

// DryRun is a dry-run's answer.
type DryRun struct {
	// Evaluated counts the past events the rule was evaluated on;
	// Results has the ones it matched (or failed on), newest first.
	Evaluated int         `json:"evaluated"`
	Results   []DryResult `json:"results"`
}

// DryRun evaluates r (saved or not) on past events, the newest first, up
// to limit of them (0: 1000), and changes nothing. A rule that does not
// compile is refused with its *rules.CompileError.
func (e *Engine) DryRun(ctx context.Context, r rules.Rule, limit int) (DryRun, error) {
	c, err := rules.Compile(r)
	if err != nil {
		return DryRun{}, err
	}
	if limit <= 0 {
		limit = 1000
	}
	out := DryRun{Results: []DryResult{}}
	var before int64
	for out.Evaluated < limit {
		evs, err := e.Store.Events(ctx, store.EventQuery{Before: before, Kinds: r.On, Newest: true, Limit: min(500, limit-out.Evaluated)})
		if err != nil {
			return out, err
		}
		if len(evs) == 0 {
			break
		}
		for _, ev := range evs {
			out.Evaluated++
			o := c.Evaluate(ev.Env)
			if !o.Matched && o.Error == "" {
				continue
			}
			res := DryResult{Event: ev.ID, Kind: ev.Kind, Object: ev.Object, Outcome: o}
			if slices.ContainsFunc(o.Actions, rules.Action.OnFindings) {
				ids, err := e.targets(ctx, ev)
				if err != nil {
					return out, err
				}
				res.Findings = len(ids)
			}
			out.Results = append(out.Results, res)
		}
		before = evs[len(evs)-1].ID
	}
	return out, nil
}
