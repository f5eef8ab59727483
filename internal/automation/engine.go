package automation

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/notify"
	"github.com/vmc-dev/vmc/internal/risk"
	"github.com/vmc-dev/vmc/internal/rules"
	"github.com/vmc-dev/vmc/internal/store"
)

// Engine runs rules and watches.
type Engine struct {
	Store store.Store
	// Mail sends e-mail; nil when no SMTP server is configured, and
	// e-mail actions then fail with notify.ErrNoMailer.
	Mail notify.Mailer
	// Hooks posts webhooks (notify to a URL, ticket), signed with Secret.
	Hooks  notify.Poster
	Secret string
	// SSVC overrides a decision point of a finding and re-assesses it
	// (the CLI's matcher knows how); nil makes ssvc actions fail.
	SSVC func(ctx context.Context, f *finding.Finding, point, value, by, reason string, now time.Time) ([]finding.Decision, error)
	// Near is how long before its due date an SLA is near (0: 7 days);
	// Expiring the same for a risk acceptance's end (0: 14 days).
	Near, Expiring time.Duration
	// Busy is the share of time Run spends collecting a backlog of
	// events, between 0 (exclusive) and 1; after each page it pauses for
	// as long as the page took times (1-Busy)/Busy. A backlog (the first
	// start after importing the whole corpus: 1.5 million claims) then
	// leaves the CPU to requests part of the time instead of holding a
	// core until it is done. 0 (a command run by hand, a test) and 1
	// never pause.
	Busy float64
	Now  func() time.Time
	Log  *slog.Logger

	// running is held by Run: the queue starts the rules job every
	// minute whether or not the last one finished, and during a backlog
	// two collectors in one process only race for the same pages.
	running sync.Mutex
}

// cursorEngine is where the engine stopped handling events.
const cursorEngine = "engine"

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now().UTC()
	}
	return time.Now().UTC()
}

func (e *Engine) log() *slog.Logger {
	if e.Log != nil {
		return e.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Report is what one Run did.
type Report struct {
	Events  int `json:"events"`  // events recorded by this run
	Handled int `json:"handled"` // events handled
	Runs    int `json:"runs"`    // rule versions that matched an event
	Failed  int `json:"failed"`  // of which failed
	Notices int `json:"notices"` // watch notices
}

// Run records new events and handles every event not yet handled: each
// enabled rule's current version, and each watch on advisory events.
func (e *Engine) Run(ctx context.Context) (Report, error) {
	var rep Report
	if !e.running.TryLock() {
		e.log().Info("rules: the last run is still running")
		return rep, nil
	}
	defer e.running.Unlock()
	for {
		start := time.Now()
		n, err := e.Store.CollectEvents(ctx, 0)
		if err != nil {
			return rep, fmt.Errorf("collect events: %w", err)
		}
		rep.Events += n
		if n == 0 {
			break
		}
		if err := e.pause(ctx, time.Since(start)); err != nil {
			return rep, err
		}
	}
	active, err := e.active(ctx)
	if err != nil {
		return rep, err
	}
	watches, err := e.Store.ListWatches(ctx, "")
	if err != nil {
		return rep, err
	}
	after, err := e.Store.Cursor(ctx, cursorEngine)
	if err != nil {
		return rep, err
	}
	for {
		evs, err := e.Store.Events(ctx, store.EventQuery{After: after, Limit: 500})
		if err != nil {
			return rep, err
		}
		if len(evs) == 0 {
			return rep, nil
		}
		for _, ev := range evs {
			if err := e.handle(ctx, ev, active, watches, &rep); err != nil {
				return rep, fmt.Errorf("event %d (%s %s): %w", ev.ID, ev.Kind, ev.Object, err)
			}
			rep.Handled++
		}
		after = evs[len(evs)-1].ID
		if err := e.Store.SetCursor(ctx, cursorEngine, after); err != nil {
			return rep, err
		}
	}
}

// pause waits after a page of collecting that took took.
func (e *Engine) pause(ctx context.Context, took time.Duration) error {
	busy := e.Busy
	if busy <= 0 || busy >= 1 {
		return nil
	}
	t := time.NewTimer(time.Duration(float64(took) * (1 - busy) / busy))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// active compiles the enabled rules' current versions. A stored version
// that no longer compiles (vmc's environment changed under it) is logged
// and skipped, not fatal to the others.
func (e *Engine) active(ctx context.Context) ([]activeRule, error) {
	rs, err := e.Store.ListAutomations(ctx)
	if err != nil {
		return nil, err
	}
	var out []activeRule
	for _, r := range rs {
		if !r.Enabled {
			continue
		}
		c, err := rules.Compile(r)
		if err != nil {
			e.log().Error("rule does not compile", "rule", r.ID, "version", r.Version, "err", err)
			continue
		}
		out = append(out, activeRule{c, r.After})
	}
	return out, nil
}

type activeRule struct {
	*rules.Compiled
	from int64
}

func (e *Engine) handle(ctx context.Context, ev rules.Event, active []activeRule, watches []rules.Watch, rep *Report) error {
	for _, r := range active {
		if ev.ID <= r.from {
			continue
		}
		out := r.Evaluate(ev.Env)
		if !out.Matched && out.Error == "" {
			continue
		}
		claimed, err := e.Store.ClaimRun(ctx, r.Rule.ID, r.Rule.Version, ev.ID)
		if err != nil {
			return err
		}
		if !claimed {
			continue
		}
		rep.Runs++
		run := store.RuleRun{Rule: r.Rule.ID, Version: r.Rule.Version, Event: ev.ID, Outcome: out, Status: "done"}
		if out.Error != "" {
			run.Status = "failed"
		}
		for _, a := range out.Actions {
			res, err := e.do(ctx, r.Rule, ev, a)
			if err != nil {
				run.Status = "failed"
				res = fmt.Sprintf("%s: failed: %v", a, err)
				e.log().Warn("rule action failed", "rule", r.Rule.ID, "version", r.Rule.Version, "event", ev.ID, "action", a.String(), "err", err)
			}
			run.Results = append(run.Results, res)
		}
		if run.Status == "failed" {
			rep.Failed++
		}
		if err := e.Store.FinishRun(ctx, run); err != nil {
			return err
		}
	}
	if !rules.Kind(ev.Kind).Advisory() {
		return nil
	}
	for _, w := range watches {
		what, ok := w.Matches(ev.Env.Advisory)
		if !ok {
			continue
		}
		claimed, err := e.Store.ClaimWatchSend(ctx, w.ID, ev.ID, "sent")
		if err != nil {
			return err
		}
		if !claimed {
			continue
		}
		rep.Notices++
		subject := fmt.Sprintf("[vmc] %s %s (%s)", ev.Env.Advisory.ID, strings.TrimPrefix(string(ev.Kind), "advisory."), what)
		if err := e.send(ctx, w.To, subject, noticeBody(ev), "watch", ev); err != nil {
			e.log().Warn("watch notice failed", "watch", w.ID, "event", ev.ID, "err", err)
		}
	}
	return nil
}

func noticeBody(ev rules.Event) string {
	a := ev.Env.Advisory
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", ev.Kind, a.ID)
	if len(a.Text) > 0 {
		fmt.Fprintf(&b, "\n%s\n", a.Text[0])
	}
	fmt.Fprintf(&b, "\nCVSS %.1f, EPSS %.3f, KEV %v\nchanged: %s (sources %s)\n", a.CVSS, a.EPSS, a.KEV,
		strings.Join(a.Fields, ", "), strings.Join(a.Sources, ", "))
	return b.String()
}

// do carries out one action and says what it did.
func (e *Engine) do(ctx context.Context, r rules.Rule, ev rules.Event, a rules.Action) (string, error) {
	actor := rules.Actor(r.ID, r.Version)
	reason := fmt.Sprintf("rule %d v%d %q on event %d (%s)", r.ID, r.Version, r.Name, ev.ID, ev.Kind)
	now := e.now()
	switch a.Verb {
	case rules.SetPriority, rules.SetSSVC, rules.Assign:
		ids, err := e.targets(ctx, ev)
		if err != nil {
			return "", err
		}
		changed := 0
		for _, id := range ids {
			_, err := e.Store.ChangeFinding(ctx, id, actor, func(f *finding.Finding) ([]finding.Decision, error) {
				switch a.Verb {
				case rules.SetPriority:
					if f.Priority == risk.Priority(a.Args[0]) {
						return nil, nil
					}
					changed++
					d, err := f.OverridePriority(risk.Priority(a.Args[0]), actor, reason, now)
					return []finding.Decision{d}, err
				case rules.Assign:
					if f.Assignee == a.Args[0] {
						return nil, nil
					}
					changed++
					return []finding.Decision{f.Assign(a.Args[0], reason, now)}, nil
				}
				if e.SSVC == nil {
					return nil, errors.New("SSVC re-assessment is not available here")
				}
				changed++
				return e.SSVC(ctx, f, a.Args[0], a.Args[1], actor, reason, now)
			})
			if err != nil {
				return "", fmt.Errorf("finding %d: %w", id, err)
			}
		}
		return fmt.Sprintf("%s: %d of %d findings changed", a, changed, len(ids)), nil
	case rules.Notify:
		body := fmt.Sprintf("%s\n\n%s", reason, eventText(ev))
		return fmt.Sprintf("%s: sent", a), e.send(ctx, a.Args[0], a.Args[1], body, "rule", ev)
	case rules.Ticket:
		body, _ := json.Marshal(map[string]any{"summary": a.Args[1], "rule": r.ID, "version": r.Version, "event": ev})
		if e.Hooks == nil {
			return "", errors.New("webhooks are not configured")
		}
		return fmt.Sprintf("%s: posted", a), e.Hooks.Post(ctx, notify.Call{URL: a.Args[0], Secret: e.Secret, Body: body, Delivery: ev.ID, Kind: "ticket"})
	case rules.OpenIncident:
		sev := incident.Severity(cmp.Or(a.Args[1], "medium"))
		// A rule opens an incident about a vulnerability: exploitation
		// when it is known exploited, to be classified by a person else.
		cat := incident.Other
		if ev.Env.Advisory.KEV || ev.Env.Finding.KEV {
			cat = incident.Exploitation
		}
		in := incident.Incident{Title: a.Args[0], Category: cat, Severity: sev, Detected: now, Marking: incident.Marking{TLP: incident.Amber}}
		if v := cmp.Or(ev.Env.Advisory.ID, ev.Env.Finding.Vuln); v != "" {
			in.Vulns = []string{v}
		}
		if ev.Env.Finding.Asset != "" {
			in.Assets = []string{ev.Env.Finding.Asset}
		}
		in, err := e.Store.PutIncident(ctx, in, actor)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%s: incident %d", a, in.ID), nil
	case rules.Tag:
		return fmt.Sprintf("%s: %s", a, ev.Object), e.Store.AddTag(ctx, ev.Object, a.Args[0], actor)
	}
	return "", fmt.Errorf("%w: unknown verb %q", rules.ErrAction, a.Verb)
}

// targets are the findings a finding action changes: the event's
// finding, or every open finding of the event's advisory.
func (e *Engine) targets(ctx context.Context, ev rules.Event) ([]int64, error) {
	if ev.Env.Finding.ID != 0 {
		return []int64{ev.Env.Finding.ID}, nil
	}
	if ev.Env.Advisory.ID == "" {
		return nil, nil
	}
	var ids []int64
	for f, err := range store.EachFinding(ctx, e.Store, store.FindingQuery{Vuln: ev.Env.Advisory.ID, Open: true, Limit: 1000}) {
		if err != nil {
			return nil, err
		}
		ids = append(ids, f.ID)
	}
	return ids, nil
}

func eventText(ev rules.Event) string {
	b, _ := json.MarshalIndent(ev.Env, "", "  ")
	return string(b)
}

// send e-mails an address or posts to a webhook URL.
func (e *Engine) send(ctx context.Context, to, subject, body, kind string, ev rules.Event) error {
	if strings.HasPrefix(to, "https://") || strings.HasPrefix(to, "http://") {
		if e.Hooks == nil {
			return errors.New("webhooks are not configured")
		}
		b, _ := json.Marshal(map[string]any{"subject": subject, "text": body, "event": ev})
		return e.Hooks.Post(ctx, notify.Call{URL: to, Secret: e.Secret, Body: b, Delivery: ev.ID, Kind: kind})
	}
	if e.Mail == nil {
		return notify.ErrNoMailer
	}
	addr, err := mail.ParseAddress(strings.TrimPrefix(to, "mailto:"))
	if err != nil {
		return err
	}
	return e.Mail.Send(ctx, notify.Mail{To: *addr, Subject: subject, Body: body, Lang: "en", Date: e.now(),
		ID: fmt.Sprintf("vmc-%s-%d@vmc", kind, ev.ID), Headers: map[string]string{"X-Vmc-Event": string(ev.Kind)}})
}
