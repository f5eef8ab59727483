package store

import (
	"context"
	"fmt"
	"time"

	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/metrics"
)

// MetricsSource is what IncidentMetrics reads.
type MetricsSource interface {
	Incidents
	Assets
	RootCauses
	Communication
	Process
}

// metricsReads bounds how often IncidentMetrics reads the incidents and
// the root-cause coverage again when they disagree.
const metricsReads = 3

// IncidentMetrics gathers what metrics.Compute needs from the store and
// computes the metrics of the incidents detected in w, with the briefing
// coverage of the metrics.BriefingMonths before w.To and the review due
// at now. Nothing is withheld: the caller decides what its reader may
// see (Summary.Withhold).
//
// The incidents and the root-cause coverage are two reads. An incident
// closed or re-opened between them would be counted by one and not the
// other, so the two are read again until they agree on which incidents
// are closed (a few tries; then ErrConflict).
func IncidentMetrics(ctx context.Context, s MetricsSource, w metrics.Window, now time.Time) (metrics.Summary, error) {
	if err := w.Validate(); err != nil {
		return metrics.Summary{}, err
	}
	in := metrics.Input{Window: w, AssetTeams: map[string]string{}, Informed: map[int64]metrics.Reach{}}
	for try := 1; ; try++ {
		all, err := s.ListIncidents(ctx, IncidentQuery{})
		if err != nil {
			return metrics.Summary{}, fmt.Errorf("incident metrics: %w", err)
		}
		cov, err := s.RCACoverage(ctx, RCACoverageQuery{From: w.From, To: w.To})
		if err != nil {
			return metrics.Summary{}, fmt.Errorf("incident metrics: %w", err)
		}
		if documented, ok := agree(all, w, cov); ok {
			in.Incidents, in.Documented = all, documented
			break
		}
		if try == metricsReads {
			return metrics.Summary{}, fmt.Errorf("incident metrics: incidents kept closing and re-opening while they were read: %w", ErrConflict)
		}
	}
	assets, err := s.ListAssets(ctx)
	if err != nil {
		return metrics.Summary{}, fmt.Errorf("incident metrics: %w", err)
	}
	for _, a := range assets {
		in.AssetTeams[a.Name] = a.Team
	}
	informed, err := s.Informed(ctx, InformedQuery{Kinds: metrics.DisclosureKinds})
	if err != nil {
		return metrics.Summary{}, fmt.Errorf("incident metrics: %w", err)
	}
	for _, n := range informed {
		if n.Stakeholders > 0 {
			in.Informed[n.Incident] = metrics.Reach{Stakeholders: n.Stakeholders, Informed: n.Informed}
		}
	}
	if in.Briefing, err = s.BriefingCoverage(ctx, w.To.AddDate(0, -metrics.BriefingMonths, 0), w.To); err != nil {
		return metrics.Summary{}, fmt.Errorf("incident metrics: %w", err)
	}
	if in.Review, err = NextReview(ctx, s, now); err != nil {
		return metrics.Summary{}, fmt.Errorf("incident metrics: %w", err)
	}
	return metrics.Compute(in)
}

// agree reports whether the incidents and the root-cause coverage, both
// of w, count the same closed incidents, and if so returns those
// documented.
func agree(all []incident.Incident, w metrics.Window, cov RCACoverage) (map[int64]bool, bool) {
	closed := map[int64]bool{}
	for _, x := range all {
		if w.Contains(x.Detected) && !x.State.Open() {
			closed[x.ID] = true
		}
	}
	if len(closed) != cov.Incidents {
		return nil, false
	}
	for _, id := range cov.Undocumented {
		if !closed[id] {
			return nil, false
		}
		delete(closed, id)
	}
	return closed, true
}
