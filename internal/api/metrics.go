package api

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/chart"
	"github.com/vmc-dev/vmc/internal/font"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/metrics"
	"github.com/vmc-dev/vmc/internal/report"
	"github.com/vmc-dev/vmc/internal/store"
)

// The incident metrics of SAMM VM3 and the review report over the API.
//
// Both are process.read (admin, analyst, auditor). They measure the
// response process as a whole, across every team: what the incidents
// cost, which teams were not briefed, whether the review of the process
// is overdue. That is the process's own record, the security team's to
// keep and the auditors' to check, like the briefing coverage and the
// reviews. finding.read would open them to owners, whose grant is
// bound to their own teams while the metrics are everyone's; owners
// learn the process through briefings.
//
// Disclosure control: every incident is counted whatever its marking, as
// a count names nothing; the incidents named (the rows, and the ids of
// those without a documented root cause or collated metrics) are only
// those the API releases to the caller now, as the root-cause coverage
// names its undocumented incidents. How many were left out is said
// (withheld), so the figures still add up.

// MetricsWindow is exported because huma reads the parameters of an
// embedded struct only when its type is exported (incidentReportInput).
type MetricsWindow struct {
	From string `query:"from" format:"date" doc:"the first day measured: incidents detected on or after it; 12 months before to by default"`
	To   string `query:"to" format:"date" doc:"the day after the last day measured; today by default, the window then ending now"`
}

// IncidentMetrics is metrics.Summary under a name of its own in the
// OpenAPI document, whose schemas are named by Go type name, and
// advisory.Summary has that one.
type IncidentMetrics metrics.Summary

type incidentMetricsOutput struct{ Body IncidentMetrics }

type incidentReportInput struct {
	MetricsWindow
	Format string `query:"format" enum:"csv,pdf" default:"pdf"`
	Lang   string `query:"lang" enum:"en,zh-CN" doc:"the report's language; your setting, else the request's Accept-Language, by default"`
}

type incidentChartInput struct {
	MetricsWindow
	Name   string `path:"name" enum:"by-category,trend,response-times,samm" doc:"incidents by category; detected and closed per month; time to triage, contain and close; SAMM's success metrics against their target"`
	Lang   string `query:"lang" enum:"en,zh-CN" doc:"the labels' language; your setting, else the request's Accept-Language, by default"`
	Format string `query:"format" enum:"svg,png" default:"svg"`
	Width  int    `query:"width" minimum:"0" maximum:"4000" doc:"pixels; 600 by default"`
	Height int    `query:"height" minimum:"0" maximum:"4000" doc:"pixels; 300 by default"`
}

func (s *Server) registerIncidentMetrics(api huma.API) {
	tags := []string{"incidents"}
	op(s, api, huma.Operation{OperationID: "get-incident-metrics", Method: http.MethodGet, Path: "/api/v1/incident-metrics", Tags: tags,
		Summary: "SAMM VM3 metrics of the incidents detected in a window (the last 12 months by default): counts by category, severity, " +
			"project and month, downtime, person-hours and costs per currency, time to triage, contain and close, SAMM's success metrics " +
			"against their 80% target (a ratio of 0 to 0 has no percentage), and when the process is next reviewed. Every incident is counted; " +
			"only those released to you are named, and withheld says how many are not."},
		string(auth.ProcessRead),
		func(ctx context.Context, in *MetricsWindow) (*incidentMetricsOutput, error) {
			sum, err := s.incidentMetrics(ctx, in)
			return &incidentMetricsOutput{Body: IncidentMetrics(sum)}, err
		})
	op(s, api, huma.Operation{OperationID: "get-incident-chart", Method: http.MethodGet, Path: "/api/v1/incident-metrics/charts/{name}", Tags: tags,
		Summary: "A chart of the incident review of a window, as the review report draws it, in SVG or PNG; charts name no incident",
		Responses: map[string]*huma.Response{"200": {Description: "the chart", Content: map[string]*huma.MediaType{
			"image/svg+xml": {Schema: &huma.Schema{Type: "string"}}, "image/png": {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}}},
		string(auth.ProcessRead),
		func(ctx context.Context, in *incidentChartInput) (*chartOutput, error) {
			sum, err := s.incidentMetrics(ctx, &in.MetricsWindow)
			if err != nil {
				return nil, err
			}
			o := chart.Options{Format: chart.Format(in.Format), Lang: chart.Lang(cmp.Or(in.Lang, langOf(ctx))), Width: in.Width, Height: in.Height}
			if o.Lang == chart.SimplifiedChinese {
				o.Font = font.CJK
			}
			b, err := report.IncidentChart(sum, in.Name, o)
			if err != nil {
				return nil, err
			}
			return &chartOutput{ContentType: o.Format.ContentType(), CacheControl: "private, max-age=60", Body: b}, nil
		})
	op(s, api, huma.Operation{OperationID: "get-incident-report", Method: http.MethodGet, Path: "/api/v1/reports/incidents", Tags: tags,
		Summary: "The incident review report of a window, as PDF (with charts) or CSV, in English or Chinese; it names only the incidents " +
			"released to you and carries the narrowest TLP label of those it names (TLP:AMBER+STRICT at the least)",
		Responses: map[string]*huma.Response{"200": {Description: "the report", Content: map[string]*huma.MediaType{
			"application/pdf": {Schema: &huma.Schema{Type: "string", Format: "binary"}}, "text/csv": {Schema: &huma.Schema{Type: "string"}}}}}},
		string(auth.ProcessRead),
		func(ctx context.Context, in *incidentReportInput) (*reportOutput, error) {
			sum, err := s.incidentMetrics(ctx, &in.MetricsWindow)
			if err != nil {
				return nil, err
			}
			now, lang := s.now(), cmp.Or(in.Lang, langOf(ctx))
			r := report.Incidents{GeneratedAt: now, Lang: report.Lang(lang), Metrics: sum}
			var buf bytes.Buffer
			ctype := "application/pdf"
			if in.Format == "csv" {
				ctype, err = "text/csv; charset=utf-8", report.IncidentsCSV(&buf, r)
			} else {
				err = report.IncidentsPDF(&buf, r)
			}
			if err != nil {
				return nil, err
			}
			name := fmt.Sprintf("vmc-incidents-%s-%s.%s", now.Format("20060102"), lang, in.Format)
			return &reportOutput{ContentType: ctype, ContentDisposition: `attachment; filename="` + name + `"`, Body: buf.Bytes()}, nil
		})
}

// incidentMetrics measures the window, naming only the incidents released
// to the caller.
func (s *Server) incidentMetrics(ctx context.Context, in *MetricsWindow) (metrics.Summary, error) {
	now := s.now()
	w, err := metrics.ParseWindow(in.From, in.To, now)
	if err != nil {
		return metrics.Summary{}, err
	}
	sum, err := store.IncidentMetrics(ctx, s.Store, w, now)
	if err != nil {
		return sum, err
	}
	to := recipient(ctx)
	sum.Withhold(func(r metrics.Row) bool { return incident.Release(r.Marking, incident.ChannelAPI, to, now) == nil })
	return sum, nil
}
