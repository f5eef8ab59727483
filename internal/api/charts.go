package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/chart"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/font"
	"github.com/vmc-dev/vmc/internal/risk"
	"github.com/vmc-dev/vmc/internal/store"
)

type chartInput struct {
	Name   string `path:"name" enum:"open-by-priority,mttr,exposure,intake" doc:"open findings by priority; MTTR per month; open KEV and overdue findings per week; records by source"`
	Lang   string `query:"lang" enum:"en,zh-CN" default:"en"`
	Format string `query:"format" enum:"svg,png" default:"svg"`
	Width  int    `query:"width" minimum:"0" maximum:"4000" doc:"pixels; 600 by default"`
	Height int    `query:"height" minimum:"0" maximum:"4000" doc:"pixels; 300 by default"`
}

type chartOutput struct {
	ContentType  string `header:"Content-Type"`
	CacheControl string `header:"Cache-Control"`
	Body         []byte
}

// Chart windows: a year of months, a quarter of weeks.
const (
	chartMonths = 12
	chartWeeks  = 13
)

func (s *Server) registerCharts(api huma.API) {
	op(s, api, huma.Operation{OperationID: "get-chart", Method: http.MethodGet, Path: "/api/v1/charts/{name}", Tags: []string{"findings"},
		Summary: "A dashboard chart as SVG or PNG, over the findings you may see",
		Responses: map[string]*huma.Response{"200": {Description: "the chart", Content: map[string]*huma.MediaType{
			"image/svg+xml": {Schema: &huma.Schema{Type: "string"}}, "image/png": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}}},
		string(auth.FindingRead),
		func(ctx context.Context, in *chartInput) (*chartOutput, error) {
			o := chart.Options{Format: chart.Format(in.Format), Lang: chart.Lang(in.Lang), Width: in.Width, Height: in.Height}
			// The CJK font measures Chinese labels and draws them in PNGs;
			// English charts keep the library's own font.
			if o.Lang == chart.SimplifiedChinese {
				o.Font = font.CJK
			}
			var (
				b   []byte
				err error
			)
			if in.Name == "intake" {
				b, err = s.intakeChart(ctx, o)
			} else {
				b, err = s.findingChart(ctx, in.Name, o)
			}
			if err != nil {
				return nil, err
			}
			return &chartOutput{ContentType: o.Format.ContentType(), CacheControl: "private, max-age=60", Body: b}, nil
		})
}

func (s *Server) findingChart(ctx context.Context, name string, o chart.Options) ([]byte, error) {
	p, team := who(ctx), s.teamOf(ctx)
	// Whether a vulnerability is in KEV is read from the merged record, as
	// the findings list's filter reads it, not from each finding's last
	// assessment, which may predate the catalogue entry.
	kev := map[int64]bool{}
	for f, err := range store.EachFinding(ctx, s.Store, store.FindingQuery{KEV: true, Limit: 1000}) {
		if err != nil {
			return nil, err
		}
		kev[f.ID] = true
	}
	var outcomes []finding.Outcome
	for f, err := range store.EachFinding(ctx, s.Store, store.FindingQuery{Limit: 1000}) {
		if err != nil {
			return nil, err
		}
		if p.can(auth.FindingRead, team(f.Asset)) {
			o := f.Outcome()
			o.KEV = kev[f.ID]
			outcomes = append(outcomes, o)
		}
	}
	now := s.now()
	switch name {
	case "open-by-priority":
		m := finding.ComputeMetrics(outcomes, now)
		open := map[risk.Priority]int{}
		for _, pr := range risk.Priorities {
			open[pr] = m.ByPriority[pr].Open
		}
		if m.All.Open == 0 {
			open = nil // the chart says "no data" rather than four empty bars
		}
		return chart.OpenByPriority(open, o)
	case "mttr":
		var months []chart.MTTRMonth
		for _, m := range finding.MonthlyMTTR(outcomes, now, chartMonths) {
			months = append(months, chart.MTTRMonth{Month: m.Start, MTTR: m.MTTR})
		}
		return chart.MTTRTrend(months, o)
	default: // exposure
		var weeks []chart.WeekExposure
		for _, w := range finding.WeeklyExposure(outcomes, now, chartWeeks) {
			weeks = append(weeks, chart.WeekExposure{Week: w.Start, KEV: w.KEV, Overdue: w.Overdue})
		}
		return chart.ExposureTrend(weeks, o)
	}
}

func (s *Server) intakeChart(ctx context.Context, o chart.Options) ([]byte, error) {
	st, err := s.Store.Stats(ctx)
	if err != nil {
		return nil, err
	}
	var counts []chart.SourceCount
	for src, n := range st.BySource {
		counts = append(counts, chart.SourceCount{Source: src, Count: n})
	}
	return chart.IntakeBySource(counts, chart.DefaultTopSources, o)
}
