package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/metrics"
	"github.com/vmc-dev/vmc/internal/incident/process"
)

// racing is a store whose incident 2 closes between the first read of
// the incidents and the first read of the root-cause coverage, and
// re-opens while the reads go on when flapping. It records how often
// each was read; what IncidentMetrics does not read here panics on the
// nil interface.
type racing struct {
	MetricsSource
	flapping         bool
	lists, coverages int
}

var detected = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)

func (r *racing) ListIncidents(context.Context, IncidentQuery) ([]incident.Incident, error) {
	r.lists++
	st := incident.Closed
	if r.lists == 1 || r.flapping && r.lists%2 == 1 {
		st = incident.Recovered
	}
	return []incident.Incident{
		{ID: 1, State: incident.Closed, Detected: detected},
		{ID: 2, State: st, Detected: detected},
	}, nil
}

func (r *racing) RCACoverage(context.Context, RCACoverageQuery) (RCACoverage, error) {
	r.coverages++
	if r.flapping && r.coverages%2 == 0 {
		return RCACoverage{Incidents: 1, Documented: 1, Undocumented: []int64{}}, nil
	}
	return RCACoverage{Incidents: 2, Documented: 1, Undocumented: []int64{2}}, nil
}

func (r *racing) ListAssets(context.Context) ([]asset.Asset, error) { return nil, nil }

func (r *racing) Informed(context.Context, InformedQuery) ([]Informed, error) { return nil, nil }

func (r *racing) BriefingCoverage(_ context.Context, from, to time.Time) (process.Coverage, error) {
	return process.CoverageOf(nil, nil, from, to), nil
}

func (r *racing) ReviewSchedule(context.Context) (process.Schedule, error) {
	return process.DefaultSchedule, nil
}

func (r *racing) ListReviews(context.Context) ([]process.Review, error) { return nil, nil }

func TestIncidentMetricsReadsAgain(t *testing.T) {
	w := metrics.Window{From: detected, To: detected.AddDate(0, 1, 0)}
	ctx := context.Background()

	// Incident 2 closed between the two reads: the first pair disagrees
	// (one closed incident against the coverage's two), the second
	// agrees, and incident 1 is documented, 2 is not.
	r := &racing{}
	s, err := IncidentMetrics(ctx, r, w, detected)
	if err != nil {
		t.Fatal(err)
	}
	if r.lists != 2 || r.coverages != 2 {
		t.Errorf("read the incidents %d times, the coverage %d; want 2 and 2", r.lists, r.coverages)
	}
	if rc := s.SAMM.RootCause; rc.Numerator != 1 || rc.Denominator != 2 || len(s.SAMM.Undocumented) != 1 || s.SAMM.Undocumented[0] != 2 {
		t.Errorf("root cause %+v, undocumented %v", rc, s.SAMM.Undocumented)
	}

	// Reads that never agree give up.
	r = &racing{flapping: true}
	if _, err := IncidentMetrics(ctx, r, w, detected); !errors.Is(err, ErrConflict) || r.lists != metricsReads {
		t.Errorf("flapping: %v after %d reads", err, r.lists)
	}
}
