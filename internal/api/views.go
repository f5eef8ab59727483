package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/report"
	"github.com/vmc-dev/vmc/internal/store"
)

type componentListInput struct {
	Q         string `query:"q" maxLength:"200" doc:"text in names and purls"`
	Ecosystem string `query:"ecosystem" maxLength:"64" doc:"npm, PyPI, Debian (every release) …"`
	After     string `query:"after" maxLength:"2000" doc:"the cursor from the previous page's next"`
	Limit     int    `query:"limit" minimum:"0" maximum:"500"`
}

type componentListOutput struct{ Body store.ComponentPage }

type acceptanceListOutput struct {
	Body struct {
		Items []finding.Finding `json:"items"`
	}
}

// Team is a team as the API shows it: the teams named on assets and
// users, with what they own.
type Team struct {
	Name    string   `json:"name"`
	Assets  int      `json:"assets"`
	Members []string `json:"members"`
	Open    int      `json:"open" doc:"open findings on the team's assets"`
}

type teamListOutput struct {
	Body struct {
		Items []Team `json:"items"`
	}
}

type reportInput struct {
	FindingFilter
	Kind   string `path:"kind" enum:"findings,sla"`
	Format string `query:"format" enum:"csv,pdf" default:"pdf"`
	Lang   string `query:"lang" enum:"en,zh-CN" default:"en"`
}

type reportOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

// maxReportRows bounds a findings report: beyond it, a report is a data
// export, which the CSV of the API's pages serves better than a PDF.
const maxReportRows = 20000

func (s *Server) registerViews(api huma.API) {
	op(s, api, huma.Operation{OperationID: "list-components", Method: http.MethodGet, Path: "/api/v1/components", Tags: []string{"assets"},
		Summary: "Components across assets, each with the assets that have it"}, string(auth.AssetRead),
		func(ctx context.Context, in *componentListInput) (*componentListOutput, error) {
			page, err := s.Store.ListComponents(ctx, store.ComponentQuery{Text: in.Q, Ecosystem: in.Ecosystem, After: in.After, Limit: in.Limit})
			if err != nil {
				return nil, err
			}
			p := who(ctx)
			items := page.Items[:0]
			for _, u := range page.Items {
				u.Assets = slices.DeleteFunc(u.Assets, func(a store.AssetRef) bool { return !p.can(auth.AssetRead, a.Team) })
				if len(u.Assets) > 0 {
					items = append(items, u)
				}
			}
			page.Items = items
			return &componentListOutput{Body: page}, nil
		})
	op(s, api, huma.Operation{OperationID: "list-acceptances", Method: http.MethodGet, Path: "/api/v1/acceptances", Tags: []string{"findings"},
		Summary: "Risk-accepted findings, the soonest to expire first"}, string(auth.FindingRead),
		func(ctx context.Context, _ *emptyInput) (*acceptanceListOutput, error) {
			out := &acceptanceListOutput{}
			out.Body.Items = []finding.Finding{}
			p, team := who(ctx), s.teamOf(ctx)
			for f, err := range store.EachFinding(ctx, s.Store, store.FindingQuery{State: finding.RiskAccepted, Limit: 1000}) {
				if err != nil {
					return nil, err
				}
				if f.Acceptance != nil && p.can(auth.FindingRead, team(f.Asset)) {
					out.Body.Items = append(out.Body.Items, f)
				}
			}
			slices.SortStableFunc(out.Body.Items, func(a, b finding.Finding) int { return a.Acceptance.Expires.Compare(b.Acceptance.Expires) })
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "list-teams", Method: http.MethodGet, Path: "/api/v1/teams", Tags: []string{"users"},
		Summary: "Teams: those named on assets and users, with their assets, members and open findings"}, string(auth.AssetRead),
		func(ctx context.Context, _ *emptyInput) (*teamListOutput, error) {
			return s.teams(ctx)
		})
	op(s, api, huma.Operation{OperationID: "get-report", Method: http.MethodGet, Path: "/api/v1/reports/{kind}", Tags: []string{"findings"},
		Summary: "A findings report (with the findings list's filters) or the SLA compliance report, as PDF or CSV, in English or Chinese"},
		string(auth.FindingRead),
		func(ctx context.Context, in *reportInput) (*reportOutput, error) {
			return s.report(ctx, in)
		})
}

func (s *Server) teams(ctx context.Context) (*teamListOutput, error) {
	p := who(ctx)
	byName := map[string]*Team{}
	get := func(name string) *Team {
		t, ok := byName[name]
		if !ok {
			t = &Team{Name: name, Members: []string{}}
			byName[name] = t
		}
		return t
	}
	assets, err := s.Store.ListAssets(ctx)
	if err != nil {
		return nil, err
	}
	for _, a := range assets {
		if a.Team != "" {
			get(a.Team).Assets++
		}
	}
	users, err := s.Store.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		for _, t := range u.Teams {
			get(t).Members = append(get(t).Members, u.Name)
		}
	}
	team := s.teamOf(ctx)
	for f, err := range store.EachFinding(ctx, s.Store, store.FindingQuery{Open: true, Limit: 1000}) {
		if err != nil {
			return nil, err
		}
		if t := team(f.Asset); t != "" {
			get(t).Open++
		}
	}
	out := &teamListOutput{}
	out.Body.Items = []Team{}
	for _, t := range byName {
		if p.can(auth.AssetRead, t.Name) {
			out.Body.Items = append(out.Body.Items, *t)
		}
	}
	slices.SortFunc(out.Body.Items, func(a, b Team) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func (s *Server) report(ctx context.Context, in *reportInput) (*reportOutput, error) {
	lang, now := report.Lang(in.Lang), s.now()
	p, team := who(ctx), s.teamOf(ctx)
	var (
		buf      bytes.Buffer
		outcomes []finding.Outcome
		rows     []report.FindingRow
		titles   = map[string]string{}
	)
	q, err := s.findingQuery(&in.FindingFilter)
	if err != nil {
		return nil, err
	}
	if in.Kind == "sla" {
		q = store.FindingQuery{} // compliance covers every finding one may see
	}
	q.Limit = 1000
	for f, err := range store.EachFinding(ctx, s.Store, q) {
		if err != nil {
			return nil, err
		}
		t := team(f.Asset)
		if !p.can(auth.FindingRead, t) {
			continue
		}
		outcomes = append(outcomes, f.Outcome())
		if in.Kind == "sla" {
			continue
		}
		if len(rows) == maxReportRows {
			return nil, huma.Error422UnprocessableEntity(fmt.Sprintf("the filter selects more than %d findings: narrow it, or page through GET /api/v1/findings", maxReportRows))
		}
		title, ok := titles[f.Vuln]
		if !ok {
			title = s.vulnTitle(ctx, f.Vuln, string(lang))
			titles[f.Vuln] = title
		}
		rows = append(rows, report.NewRow(f, t, title, now))
	}
	metrics := finding.ComputeMetrics(outcomes, now)
	name := fmt.Sprintf("vmc-%s-%s-%s.%s", in.Kind, now.Format("20060102"), in.Lang, in.Format)
	switch in.Kind + "." + in.Format {
	case "findings.csv":
		err = report.FindingsCSV(&buf, report.Findings{GeneratedAt: now, Lang: lang, Filter: describeFilter(&in.FindingFilter), Rows: rows, Metrics: metrics})
	case "findings.pdf":
		err = report.FindingsPDF(&buf, report.Findings{GeneratedAt: now, Lang: lang, Filter: describeFilter(&in.FindingFilter), Rows: rows, Metrics: metrics})
	case "sla.csv", "sla.pdf":
		policies, perr := s.Store.SLAPolicies(ctx)
		if perr != nil {
			return nil, perr
		}
		r := report.SLA{GeneratedAt: now, Lang: lang, Metrics: metrics, Policies: policies}
		if in.Format == "csv" {
			err = report.SLACSV(&buf, r)
		} else {
			err = report.SLAPDF(&buf, r)
		}
	}
	if err != nil {
		return nil, err
	}
	ctype := "application/pdf"
	if in.Format == "csv" {
		ctype = "text/csv; charset=utf-8"
	}
	return &reportOutput{ContentType: ctype, ContentDisposition: `attachment; filename="` + name + `"`, Body: buf.Bytes()}, nil
}

// vulnTitle is a vulnerability's title in lang when a source gives one,
// else in any language; empty when the record cannot be read.
func (s *Server) vulnTitle(ctx context.Context, id, lang string) string {
	v, err := s.Store.Vuln(ctx, id, store.VulnOptions{})
	if err != nil {
		return ""
	}
	titles := v.Summary().Titles
	for _, t := range titles {
		if t.Lang == lang || strings.HasPrefix(t.Lang, lang+"-") || strings.HasPrefix(lang, t.Lang+"-") {
			return t.Value
		}
	}
	for _, t := range titles {
		if t.Lang == "en" {
			return t.Value
		}
	}
	if len(titles) > 0 {
		return titles[0].Value
	}
	return ""
}

// describeFilter says in words which findings a report covers.
func describeFilter(in *FindingFilter) string {
	var parts []string
	add := func(name, v string) {
		if v != "" {
			parts = append(parts, name+"="+v)
		}
	}
	add("asset", in.Asset)
	add("vuln", in.Vuln)
	add("state", string(in.State))
	add("priority", string(in.Priority))
	add("team", in.Team)
	add("severity", strings.Join(in.Severity, ","))
	add("ssvc", strings.Join(in.SSVC, ","))
	add("q", in.Q)
	add("first_seen_from", in.From)
	add("first_seen_to", in.To)
	if in.KEV {
		add("kev", "true")
	}
	if in.Overdue {
		add("overdue", "true")
	}
	if in.All {
		add("all", "true")
	}
	if in.MinEPSS > 0 {
		add("epss_min", fmt.Sprint(in.MinEPSS))
	}
	return strings.Join(parts, " ")
}
