package api

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/risk"
	"github.com/vmc-dev/vmc/internal/sbom"
	"github.com/vmc-dev/vmc/internal/store"
)

// maxUpload bounds an uploaded SBOM, lockfile or VEX document.
const maxUpload = 64 << 20

func (s *Server) register(api huma.API) {
	s.registerAuth(api)
	s.registerVulns(api)
	s.registerAssets(api)
	s.registerFindings(api)
	s.registerAdmin(api)
	s.registerImports(api)
	s.registerJobs(api)
	s.registerCharts(api)
	s.registerViews(api)
	s.registerScanImports(api)
	s.registerExercises(api)
	s.registerIncidents(api)
	s.registerEvidence(api)
	s.registerProcess(api)
	s.registerIntake(api)
	s.registerDisclosures(api)
	s.registerRCA(api)
	s.registerBreaches(api)
	s.registerCommunication(api)
	s.registerAdvisories(api)
	s.registerIncidentMetrics(api)
	s.registerBaselines(api)
	s.registerTrust(api)
	s.registerAttackPaths(api)
	s.registerSuggestions(api)
	s.registerMaintenance(api)
	s.registerIdentifiers(api)
	s.registerOSV(api)
	s.registerFederation(api)
	s.registerAutomation(api)
	s.registerAttackAnalyse(api)
}

type vulnListInput struct {
	After    string   `query:"after" doc:"the cursor from the previous page's next"`
	Limit    int      `query:"limit" minimum:"0" maximum:"1000" doc:"page size, 50 by default"`
	Q        string   `query:"q" maxLength:"200" doc:"text in ids and titles, in any language"`
	Source   string   `query:"source" maxLength:"32" doc:"only vulnerabilities with a record from this source"`
	KEV      bool     `query:"kev" doc:"only vulnerabilities in CISA KEV"`
	Severity []string `query:"severity" enum:"critical,high,medium,low" doc:"only vulnerabilities of these ratings (comma-separated)"`
	MinEPSS  float64  `query:"epss_min" minimum:"0" maximum:"1" doc:"only vulnerabilities whose EPSS probability is at least this"`
	From     string   `query:"published_from" format:"date" doc:"published on or after this day"`
	To       string   `query:"published_to" format:"date" doc:"published before this day"`
	Since    string   `query:"updated_since" format:"date-time" doc:"changed in vmc since then"`
	Sort     string   `query:"sort" enum:"published,-published,updated,-updated,score,-score,epss,-epss,id,-id" doc:"order; - for descending; -published by default"`
}

type vulnListOutput struct{ Body store.VulnPage }

type vulnGetInput struct {
	ID      string `path:"id" maxLength:"128"`
	History bool   `query:"history" doc:"include replaced claims"`
}

type vulnGetOutput struct {
	Body struct {
		advisory.Vulnerability
		Summary advisory.Summary `json:"summary"`
		// Enrichment says, per source record, which of CWE, CVSS,
		// affected products and fixed version it states and which
		// another source fills, naming the donor.
		Enrichment []advisory.RecordFills `json:"enrichment"`
	}
}

type vulnRecordsOutput struct {
	Body struct {
		ID      string                  `json:"id"`
		Records []advisory.SourceRecord `json:"records"`
	}
}

func (s *Server) registerVulns(api huma.API) {
	op(s, api, huma.Operation{OperationID: "get-vuln-records", Method: http.MethodGet, Path: "/api/v1/vulns/{id}/records", Tags: []string{"vulnerabilities"},
		Summary: "A vulnerability's source records: what each source says on its own, with replaced claims when history is asked for"}, string(auth.VulnRead),
		func(ctx context.Context, in *vulnGetInput) (*vulnRecordsOutput, error) {
			v, err := s.Store.Vuln(ctx, in.ID, store.VulnOptions{History: in.History})
			if err != nil {
				return nil, err
			}
			out := &vulnRecordsOutput{}
			out.Body.ID, out.Body.Records = v.ID, v.Records()
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "list-vulns", Method: http.MethodGet, Path: "/api/v1/vulns", Tags: []string{"vulnerabilities"},
		Summary: "List vulnerabilities, newest first"}, string(auth.VulnRead),
		func(ctx context.Context, in *vulnListInput) (*vulnListOutput, error) {
			q := store.VulnQuery{After: in.After, Limit: in.Limit, Text: in.Q, Source: in.Source, KEV: in.KEV,
				Severity: splitList(in.Severity), MinEPSS: in.MinEPSS, Sort: in.Sort}
			var err error
			if q.PublishedFrom, err = parseDay("published_from", in.From); err != nil {
				return nil, err
			}
			if q.PublishedTo, err = parseDay("published_to", in.To); err != nil {
				return nil, err
			}
			if in.Since != "" {
				if q.UpdatedSince, err = time.Parse(time.RFC3339, in.Since); err != nil {
					return nil, huma.Error400BadRequest("updated_since: not an RFC 3339 time", err)
				}
			}
			page, err := s.Store.ListVulns(ctx, q)
			return &vulnListOutput{Body: page}, err
		})
	op(s, api, huma.Operation{OperationID: "get-vuln", Method: http.MethodGet, Path: "/api/v1/vulns/{id}", Tags: []string{"vulnerabilities"},
		Summary: "A vulnerability by any of its ids: the merged view, every field with its provenance"}, string(auth.VulnRead),
		func(ctx context.Context, in *vulnGetInput) (*vulnGetOutput, error) {
			v, err := s.Store.Vuln(ctx, in.ID, store.VulnOptions{History: in.History})
			if err != nil {
				return nil, err
			}
			out := &vulnGetOutput{}
			out.Body.Vulnerability, out.Body.Summary, out.Body.Enrichment = v, v.Summary(), v.Enrichment()
			if out.Body.Enrichment == nil {
				out.Body.Enrichment = []advisory.RecordFills{}
			}
			return out, nil
		})
}

type assetListInput struct {
	Q           string `query:"q" maxLength:"200" doc:"text in names and tags"`
	Team        string `query:"team" maxLength:"200"`
	Kind        string `query:"kind" enum:"host,image,application"`
	Environment string `query:"environment" enum:"prod,staging,test,dev"`
	Criticality string `query:"criticality" enum:"low,medium,high,critical"`
	Exposure    string `query:"exposure" enum:"internet,internal,isolated"`
	Sort        string `query:"sort" enum:"name,-name,updated,-updated,criticality,-criticality,team,-team" doc:"name by default"`
	Limit       int    `query:"limit" minimum:"0" maximum:"1000" doc:"page size, 500 by default; the next page is in the Link header"`
	Offset      int    `query:"offset" minimum:"0"`
}

// query encodes the input again, for the next page's link.
func (in assetListInput) query() string {
	v := url.Values{}
	for k, x := range map[string]string{"q": in.Q, "team": in.Team, "kind": in.Kind, "environment": in.Environment,
		"criticality": in.Criticality, "exposure": in.Exposure, "sort": in.Sort} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if in.Limit > 0 {
		v.Set("limit", strconv.Itoa(in.Limit))
	}
	v.Set("offset", strconv.Itoa(in.Offset))
	return v.Encode()
}

// criticalities in rising order, for sorting.
var criticalities = []asset.Criticality{"", asset.CritLow, asset.CritMedium, asset.CritHigh, asset.CritCritical}

type assetListOutput struct {
	Link  string `header:"Link" doc:"the next page, when there is one"`
	Total int    `header:"X-Total-Count" doc:"assets matching the filter"`
	Body  []asset.Asset
}

type assetNameInput struct {
	Name string `path:"name" maxLength:"512"`
}

type assetGetOutput struct {
	Body struct {
		Asset      asset.Asset       `json:"asset"`
		Components []asset.Component `json:"components"`
	}
}

type assetPutInput struct {
	Name string `path:"name" maxLength:"512"`
	Body struct {
		Kind             asset.Kind        `json:"kind" enum:"host,image,application"`
		Team             string            `json:"team,omitempty" maxLength:"200"`
		Environment      asset.Environment `json:"environment,omitempty" enum:"prod,staging,test,dev"`
		Criticality      asset.Criticality `json:"criticality,omitempty" enum:"low,medium,high,critical"`
		Exposure         asset.Exposure    `json:"exposure,omitempty" enum:"internet,internal,isolated"`
		Tags             []string          `json:"tags,omitempty"`
		MaintenanceGroup string            `json:"maintenance_group,omitempty" maxLength:"200"`
	}
}

type assetOutput struct{ Body asset.Asset }

type uploadInput struct {
	Name    string `path:"name" maxLength:"512"`
	File    string `query:"file" maxLength:"200" doc:"the file's name, which helps detect its format (go.mod, package-lock.json, bom.cdx.json)"`
	RawBody []byte `contentType:"application/octet-stream"`
}

type inventoryOutput struct {
	Body struct {
		Change   asset.Change      `json:"change"`
		Findings []finding.Finding `json:"findings"`
		Outcome  ingest.Outcome    `json:"outcome"`
		Errors   []string          `json:"errors,omitempty"`
	}
}

// visibleAsset returns the asset if the principal may do perm on it; an
// asset it may not read is not found.
func (s *Server) visibleAsset(ctx context.Context, name string, perm auth.Permission) (asset.Asset, error) {
	p := who(ctx)
	a, err := s.Store.Asset(ctx, name)
	if err != nil {
		return a, err
	}
	if !p.can(auth.AssetRead, a.Team) && !p.can(auth.FindingRead, a.Team) {
		return a, huma.Error404NotFound("asset " + name + ": not found")
	}
	if !p.can(perm, a.Team) {
		return a, forbid(p, perm, "asset "+name)
	}
	return a, nil
}

func (s *Server) registerAssets(api huma.API) {
	op(s, api, huma.Operation{OperationID: "list-assets", Method: http.MethodGet, Path: "/api/v1/assets", Tags: []string{"assets"},
		Summary: "List the assets you may see"}, string(auth.AssetRead),
		func(ctx context.Context, in *assetListInput) (*assetListOutput, error) {
			as, err := s.Store.ListAssets(ctx)
			if err != nil {
				return nil, err
			}
			p := who(ctx)
			q := strings.ToLower(in.Q)
			as = slices.DeleteFunc(as, func(a asset.Asset) bool {
				return !p.can(auth.AssetRead, a.Team) ||
					(q != "" && !strings.Contains(strings.ToLower(a.Name), q) && !slices.ContainsFunc(a.Tags, func(t string) bool { return strings.Contains(strings.ToLower(t), q) })) ||
					(in.Team != "" && a.Team != in.Team) || (in.Kind != "" && string(a.Kind) != in.Kind) ||
					(in.Environment != "" && string(a.Environment) != in.Environment) ||
					(in.Criticality != "" && string(a.Criticality) != in.Criticality) ||
					(in.Exposure != "" && string(a.Exposure) != in.Exposure)
			})
			key, desc := strings.CutPrefix(cmp.Or(in.Sort, "name"), "-")
			slices.SortStableFunc(as, func(a, b asset.Asset) int {
				c := 0
				switch key {
				case "updated":
					c = a.Updated.Compare(b.Updated)
				case "criticality":
					c = cmp.Compare(slices.Index(criticalities, a.Criticality), slices.Index(criticalities, b.Criticality))
				case "team":
					c = strings.Compare(a.Team, b.Team)
				}
				if c == 0 {
					c = strings.Compare(a.Name, b.Name)
				}
				if desc {
					c = -c
				}
				return c
			})
			out := &assetListOutput{Total: len(as)}
			limit := cmp.Or(in.Limit, 500)
			if in.Offset < len(as) {
				as = as[in.Offset:]
			} else {
				as = nil
			}
			if len(as) > limit {
				as = as[:limit]
				// The page is a bare array, as before paging: the next
				// page is in the Link header (RFC 8288).
				next := *in
				next.Offset += limit
				out.Link = fmt.Sprintf(`</api/v1/assets?%s>; rel="next"`, next.query())
			}
			out.Body = as
			if out.Body == nil {
				out.Body = []asset.Asset{}
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "get-asset", Method: http.MethodGet, Path: "/api/v1/assets/{name}", Tags: []string{"assets"},
		Summary: "An asset and its components"}, string(auth.AssetRead),
		func(ctx context.Context, in *assetNameInput) (*assetGetOutput, error) {
			a, err := s.visibleAsset(ctx, in.Name, auth.AssetRead)
			if err != nil {
				return nil, err
			}
			cs, err := s.Store.Components(ctx, a.ID)
			out := &assetGetOutput{}
			out.Body.Asset, out.Body.Components = a, cs
			return out, err
		})
	op(s, api, huma.Operation{OperationID: "put-asset", Method: http.MethodPut, Path: "/api/v1/assets/{name}", Tags: []string{"assets"},
		Summary: "Create or change an asset; a change re-assesses its findings"}, string(auth.AssetWrite),
		func(ctx context.Context, in *assetPutInput) (*assetOutput, error) {
			p := who(ctx)
			b := in.Body
			a := asset.Asset{Name: in.Name, Kind: b.Kind, Team: b.Team, Environment: b.Environment, Criticality: b.Criticality,
				Exposure: b.Exposure, Tags: b.Tags, MaintenanceGroup: b.MaintenanceGroup}
			old, err := s.Store.Asset(ctx, in.Name)
			existed := err == nil
			if existed && !p.can(auth.AssetWrite, old.Team) || !p.can(auth.AssetWrite, a.Team) {
				return nil, forbid(p, auth.AssetWrite, "asset "+in.Name)
			}
			if err := a.Validate(); err != nil {
				return nil, huma.Error422UnprocessableEntity(err.Error())
			}
			a, err = s.Store.PutAsset(ctx, a)
			if err != nil {
				return nil, err
			}
			if existed {
				if _, _, err := s.Matcher.Asset(ctx, a, nil, "asset context change"); err != nil {
					return nil, err
				}
			}
			return &assetOutput{Body: a}, nil
		})
	op(s, api, huma.Operation{OperationID: "delete-asset", Method: http.MethodDelete, Path: "/api/v1/assets/{name}", Tags: []string{"assets"},
		Summary: "Delete an asset, its components and findings", DefaultStatus: http.StatusNoContent}, string(auth.AssetWrite),
		func(ctx context.Context, in *assetNameInput) (*struct{}, error) {
			if _, err := s.visibleAsset(ctx, in.Name, auth.AssetWrite); err != nil {
				return nil, err
			}
			return nil, s.Store.DeleteAsset(ctx, in.Name)
		})
	op(s, api, huma.Operation{OperationID: "put-inventory", Method: http.MethodPut, Path: "/api/v1/assets/{name}/inventory", Tags: []string{"assets"},
		Summary:      "Upload the asset's SBOM, lockfile or OS package list: it replaces the components and is matched at once",
		MaxBodyBytes: maxUpload}, string(auth.ImportWrite),
		func(ctx context.Context, in *uploadInput) (*inventoryOutput, error) {
			a, err := s.visibleAsset(ctx, in.Name, auth.ImportWrite)
			if err != nil {
				return nil, err
			}
			name := in.File
			if name == "" {
				name = "upload"
			}
			inv, err := sbom.ParseAny(name, bytes.NewReader(in.RawBody))
			if err != nil {
				return nil, huma.Error422UnprocessableEntity(err.Error())
			}
			ch, err := s.Store.SetComponents(ctx, a.ID, name, inv.Components)
			if err != nil {
				return nil, err
			}
			chs, o, err := s.Matcher.Asset(ctx, a, nil, "inventory "+name)
			if err != nil {
				return nil, err
			}
			out := &inventoryOutput{}
			out.Body.Change, out.Body.Outcome, out.Body.Findings = ch, o, finding.Findings(chs)
			for _, e := range inv.Errors {
				out.Body.Errors = append(out.Body.Errors, e.Error())
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "put-vex", Method: http.MethodPut, Path: "/api/v1/assets/{name}/vex", Tags: []string{"assets"},
		Summary:      "Upload a VEX document (OpenVEX, CycloneDX VEX, CSAF) about the asset; it applies now and to future matches",
		MaxBodyBytes: maxUpload}, string(auth.ImportWrite),
		func(ctx context.Context, in *uploadInput) (*inventoryOutput, error) {
			a, err := s.visibleAsset(ctx, in.Name, auth.ImportWrite)
			if err != nil {
				return nil, err
			}
			name := in.File
			if name == "" {
				name = "vex.json"
			}
			sts, err := ingest.ReadVEX(name, in.RawBody)
			if err != nil && len(sts) == 0 {
				return nil, huma.Error422UnprocessableEntity(err.Error())
			}
			for i := range sts {
				sts[i].Source = name
			}
			if err := s.Store.PutVEX(ctx, a.ID, name, sts); err != nil {
				return nil, err
			}
			chs, o, err := s.Matcher.Asset(ctx, a, nil, "VEX import")
			if err != nil {
				return nil, err
			}
			out := &inventoryOutput{}
			out.Body.Outcome, out.Body.Findings = o, finding.Findings(chs)
			return out, nil
		})
}

// FindingFilter is the findings list's query, shared by the reports
// (exported so that huma reads its fields where it is embedded).
type FindingFilter struct {
	After    int64         `query:"after" minimum:"0" doc:"the cursor from the previous page's next"`
	Limit    int           `query:"limit" minimum:"0" maximum:"1000"`
	Asset    string        `query:"asset" maxLength:"512"`
	Vuln     string        `query:"vuln" maxLength:"128"`
	State    finding.State `query:"state" enum:"new,triaged,in_remediation,fixed,verified,risk_accepted,false_positive,not_affected,duplicate"`
	Priority risk.Priority `query:"priority" enum:"low,medium,high,critical"`
	Team     string        `query:"team" maxLength:"200"`
	All      bool          `query:"all" doc:"closed findings too"`
	Overdue  bool          `query:"overdue" doc:"only open findings past their due date"`
	KEV      bool          `query:"kev" doc:"only findings of vulnerabilities in CISA KEV"`
	Severity []string      `query:"severity" enum:"critical,high,medium,low" doc:"only findings of vulnerabilities rated so"`
	MinEPSS  float64       `query:"epss_min" minimum:"0" maximum:"1"`
	SSVC     []string      `query:"ssvc" enum:"track,track*,attend,act" doc:"CISA Coordinator SSVC outcome"`
	Q        string        `query:"q" maxLength:"200" doc:"text in the vulnerability's ids and titles"`
	From     string        `query:"first_seen_from" format:"date"`
	To       string        `query:"first_seen_to" format:"date"`
	Sort     string        `query:"sort" enum:"id,-id,priority,-priority,due,-due,first_seen,-first_seen,last_seen,-last_seen,epss,-epss,score,-score" doc:"order; - for descending; orders other than id page by the offset in next"`
}

// findingListInput is the findings list's query: its filter and how
// much of each finding to give.
type findingListInput struct {
	FindingFilter
	Full bool `query:"full" doc:"each finding whole, as GET /api/v1/findings/{id} gives it; without it an item leaves out the finding's basis: its match explanation, evidence, and its assessment's inputs and SSVC decision points"`
}

type findingListOutput struct{ Body store.FindingPage }

type findingIDInput struct {
	ID int64 `path:"id"`
}

type findingGetOutput struct {
	Body struct {
		Finding finding.Finding `json:"finding"`
		// Explanation is why it matched, in plain language.
		Explanation string `json:"explanation"`
		// NextStates are the states a person may move it to.
		NextStates []finding.State `json:"next_states"`
		History    []audit.Entry   `json:"history"`
	}
}

type findingExplainInput struct {
	ID   int64  `path:"id"`
	Lang string `query:"lang" enum:"en,zh-CN" default:"en"`
}

type decisionInput struct {
	ID   int64 `path:"id"`
	Body struct {
		// State moves the finding (triaged, in_remediation, fixed,
		// false_positive, not_affected, duplicate).
		State finding.State `json:"state,omitempty"`
		// Assignee assigns it ("" leaves it).
		Assignee string `json:"assignee,omitempty" maxLength:"200"`
		// Priority overrides its priority.
		Priority risk.Priority `json:"priority,omitempty"`
		Reason   string        `json:"reason" maxLength:"2000"`
		// Scope makes the decision (a state, a priority or an acceptance)
		// a rule: "component" reaches this vulnerability on this package
		// on every asset you may act on, "vuln" the vulnerability
		// everywhere you may act; both also decide future matches.
		Scope finding.Scope `json:"scope,omitempty" enum:"component,vuln"`
		// Acceptance accepts its risk (with an approver who is not you).
		Acceptance *struct {
			Approver string `json:"approver" maxLength:"64"`
			Controls string `json:"compensating_controls" maxLength:"4000"`
			Until    string `json:"until" format:"date"`
		} `json:"acceptance,omitempty"`
	}
}

type findingOutput struct{ Body finding.Finding }

// teamOf returns a function giving each asset's team, reading each once.
func (s *Server) teamOf(ctx context.Context) func(name string) string {
	teams := map[string]string{}
	return func(name string) string {
		t, ok := teams[name]
		if !ok {
			if a, err := s.Store.Asset(ctx, name); err == nil {
				t = a.Team
			}
			teams[name] = t
		}
		return t
	}
}

// visibleFinding returns the finding if the principal may do perm on it.
func (s *Server) visibleFinding(ctx context.Context, id int64, perm auth.Permission) (finding.Finding, error) {
	f, err := s.Store.Finding(ctx, id)
	if err != nil {
		return f, err
	}
	p := who(ctx)
	team := s.teamOf(ctx)(f.Asset)
	if !p.can(auth.FindingRead, team) {
		return f, huma.Error404NotFound(fmt.Sprintf("finding %d: not found", id))
	}
	if !p.can(perm, team) {
		return f, forbid(p, perm, fmt.Sprintf("finding %d", id))
	}
	return f, nil
}

func (s *Server) registerFindings(api huma.API) {
	op(s, api, huma.Operation{OperationID: "list-findings", Method: http.MethodGet, Path: "/api/v1/findings", Tags: []string{"findings"},
		Summary: "List findings (open ones unless all or state)"}, string(auth.FindingRead),
		func(ctx context.Context, in *findingListInput) (*findingListOutput, error) {
			q, err := s.findingQuery(&in.FindingFilter)
			if err != nil {
				return nil, err
			}
			q.Brief = !in.Full
			page, err := s.Store.ListFindings(ctx, q)
			if err != nil {
				return nil, err
			}
			// A principal who reads every team's findings needs no
			// per-finding check; the others pay an asset lookup per
			// distinct asset of the page.
			if p := who(ctx); !readsAllTeams(p, auth.FindingRead) {
				team := s.teamOf(ctx)
				page.Items = slices.DeleteFunc(page.Items, func(f finding.Finding) bool { return !p.can(auth.FindingRead, team(f.Asset)) })
			}
			return &findingListOutput{Body: page}, nil
		})
	op(s, api, huma.Operation{OperationID: "get-finding", Method: http.MethodGet, Path: "/api/v1/findings/{id}", Tags: []string{"findings"},
		Summary: "A finding, why it matched, and its history"}, string(auth.FindingRead),
		func(ctx context.Context, in *findingExplainInput) (*findingGetOutput, error) {
			f, err := s.visibleFinding(ctx, in.ID, auth.FindingRead)
			if err != nil {
				return nil, err
			}
			h, err := s.Store.AuditOf(ctx, fmt.Sprintf("finding:%d", f.ID))
			out := &findingGetOutput{}
			out.Body.Finding, out.Body.Explanation, out.Body.History = f, f.Explain(in.Lang), h
			out.Body.NextStates = f.State.Next()
			return out, err
		})
	op(s, api, huma.Operation{OperationID: "decide-finding", Method: http.MethodPost, Path: "/api/v1/findings/{id}/decisions", Tags: []string{"findings"},
		Summary: "Decide on a finding: move its state, assign it, override its priority or accept its risk"}, string(auth.FindingTriage),
		func(ctx context.Context, in *decisionInput) (*findingOutput, error) {
			if _, err := s.visibleFinding(ctx, in.ID, auth.FindingTriage); err != nil {
				return nil, err
			}
			p := who(ctx)
			b := in.Body
			var approver auth.User
			if b.Acceptance != nil {
				u, _, err := s.Store.User(ctx, b.Acceptance.Approver)
				if err != nil {
					return nil, huma.Error422UnprocessableEntity("approver " + b.Acceptance.Approver + ": no such user")
				}
				approver = u
			}
			if b.Scope != "" {
				return s.decideRule(ctx, in, approver)
			}
			f, err := s.Store.ChangeFinding(ctx, in.ID, p.User.Name, func(f *finding.Finding) ([]finding.Decision, error) {
				now := s.now()
				var ds []finding.Decision
				if b.Assignee != "" {
					ds = append(ds, f.Assign(b.Assignee, b.Reason, now))
				}
				if b.Priority != "" {
					d, err := f.OverridePriority(b.Priority, p.User.Name, b.Reason, now)
					if err != nil {
						return nil, err
					}
					ds = append(ds, d)
				}
				if b.State != "" {
					d, err := f.Move(b.State, b.Reason, now)
					if err != nil {
						return nil, err
					}
					ds = append(ds, d)
				}
				if a := b.Acceptance; a != nil {
					if !auth.Can(approver, auth.FindingAccept, s.teamOf(ctx)(f.Asset)) {
						return nil, fmt.Errorf("%w: approver %s may not approve risk acceptances here", finding.ErrAcceptance, approver.Name)
					}
					until, err := time.Parse(time.DateOnly, a.Until)
					if err != nil {
						return nil, fmt.Errorf("%w: until %q: want YYYY-MM-DD", finding.ErrAcceptance, a.Until)
					}
					d, err := f.Accept(finding.Acceptance{Requester: p.User.Name, Approver: approver.Name, Reason: b.Reason,
						CompensatingControls: a.Controls, Granted: now, Expires: until.Add(24*time.Hour - time.Second)}, now)
					if err != nil {
						return nil, err
					}
					ds = append(ds, d)
				}
				if len(ds) == 0 {
					return nil, fmt.Errorf("%w: say what to decide: state, assignee, priority or acceptance", finding.ErrReason)
				}
				return ds, nil
			})
			return &findingOutput{Body: f}, err
		})
}

// decideRule makes a decision a triage rule reaching, beyond the finding,
// what its scope says, bounded by the teams the deciding user may triage.
func (s *Server) decideRule(ctx context.Context, in *decisionInput, approver auth.User) (*findingOutput, error) {
	p, b := who(ctx), in.Body
	f, err := s.Store.Finding(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	r := finding.Rule{Scope: b.Scope, Vuln: f.Vuln, State: b.State, Priority: b.Priority, Reason: b.Reason, By: p.User.Name, Created: now}
	if b.Scope == finding.ScopeComponent {
		r.Package = f.Key().Package
	}
	if teams, all := auth.TeamsFor(p.User, auth.FindingTriage); !all {
		r.Teams = append([]string{}, teams...)
	}
	if a := b.Acceptance; a != nil {
		if !auth.CanSome(approver, auth.FindingAccept) {
			return nil, fmt.Errorf("%w: approver %s may not approve risk acceptances", finding.ErrAcceptance, approver.Name)
		}
		until, err := time.Parse(time.DateOnly, a.Until)
		if err != nil {
			return nil, fmt.Errorf("%w: until %q: want YYYY-MM-DD", finding.ErrAcceptance, a.Until)
		}
		r.State = finding.RiskAccepted
		r.Acceptance = &finding.Acceptance{Requester: p.User.Name, Approver: approver.Name, Reason: b.Reason,
			CompensatingControls: a.Controls, Granted: now, Expires: until.Add(24*time.Hour - time.Second)}
	}
	if err := r.Validate(now); err != nil {
		return nil, err
	}
	if _, _, err := s.Matcher.ApplyRule(ctx, r, p.User.Name); err != nil {
		return nil, err
	}
	f, err = s.Store.Finding(ctx, in.ID)
	return &findingOutput{Body: f}, err
}

type importInput struct {
	File    string `query:"file" required:"true" maxLength:"200" pattern:"^[A-Za-z0-9._-]+$" doc:"the file's name: its extension (.json, .xml, .zip, .gz, .csv) and name help detect the format"`
	RawBody []byte `contentType:"application/octet-stream"`
}

type importOutput struct{ Body ingest.Report }

// maxImport bounds an uploaded advisory file or archive; archives are
// further bounded by the importer's zip-bomb limits.
const maxImport = 256 << 20

// errAudit marks an import whose audit entry could not be written.
var errAudit = errors.New("audit")

// importUpload imports an uploaded file (or archive) of advisories as
// actor, and records the import in the audit log whatever became of it:
// what was written stays written, batch by batch. Errors name the file as
// uploaded, not the server's temporary copy.
func (s *Server) importUpload(ctx context.Context, actor, file string, data []byte) (ingest.Report, error) {
	dir, err := os.MkdirTemp("", "vmc-import-")
	if err != nil {
		return ingest.Report{}, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, filepath.Base(file))
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return ingest.Report{}, err
	}
	im := &ingest.Importer{Store: s.Store, Sources: ingest.Sources(), Matcher: s.Matcher}
	rep, err := im.Import(ctx, path)
	rep.Errors = slices.Clone(rep.Errors)
	for i, e := range rep.Errors {
		rep.Errors[i] = strings.ReplaceAll(e, path, file)
	}
	if err != nil {
		err = errors.New(strings.ReplaceAll(err.Error(), path, file))
	}
	entry := importEntry{File: file, Bytes: len(data), Report: &rep}
	if err != nil {
		entry.Error = err.Error()
	}
	after, _ := json.Marshal(entry)
	// The audit entry is written even when ctx was cancelled mid-import.
	if rerr := s.Store.Record(context.WithoutCancel(ctx), audit.Entry{Actor: actor, Action: "import", Object: importsObject, After: after, Reason: file}); rerr != nil {
		return rep, fmt.Errorf("%w: %w", errAudit, rerr)
	}
	return rep, err
}

func (s *Server) registerImports(api huma.API) {
	op(s, api, huma.Operation{OperationID: "import-advisories", Method: http.MethodPost, Path: "/api/v1/imports", Tags: []string{"imports"},
		Summary:      "Import advisories (CVE JSON 5, OSV, NVD, CSAF, CNVD, CNNVD, JVN, EUVD, KEV, EPSS; a file, .zip or .gz) and re-match what they change",
		MaxBodyBytes: maxImport, BodyReadTimeout: 5 * time.Minute}, string(auth.ImportWrite),
		func(ctx context.Context, in *importInput) (*importOutput, error) {
			// Advisories are everyone's: an owner, whose import rights are
			// bound to a team's assets, may not import them.
			if p := who(ctx); !p.can(auth.ImportWrite, "") {
				return nil, forbid(p, auth.ImportWrite, "advisories")
			}
			rep, err := s.importUpload(ctx, who(ctx).User.Name, in.File, in.RawBody)
			if errors.Is(err, errAudit) {
				return nil, err
			}
			if err != nil && rep.Read == 0 && rep.Documents == 0 {
				return nil, huma.Error422UnprocessableEntity(err.Error())
			}
			if err == nil && rep.Read == 0 && rep.Rejected > 0 {
				return nil, huma.Error422UnprocessableEntity(in.File+": nothing in it could be read", errorList(rep.Errors)...)
			}
			return &importOutput{Body: rep}, err
		})
	op(s, api, huma.Operation{OperationID: "list-imports", Method: http.MethodGet, Path: "/api/v1/imports", Tags: []string{"imports"},
		Summary: "Imports over the API (advisories, tools' reports), newest first, each with who ran it and what it did"}, string(auth.AuditRead),
		func(ctx context.Context, _ *emptyInput) (*importListOutput, error) {
			es, err := s.Store.AuditOf(ctx, importsObject)
			if err != nil {
				return nil, err
			}
			out := &importListOutput{}
			out.Body.Items = []importJob{}
			for i := len(es) - 1; i >= 0 && len(out.Body.Items) < 200; i-- {
				j := importJob{Seq: es[i].Seq, At: es[i].At, Actor: es[i].Actor, Action: es[i].Action}
				if err := json.Unmarshal(es[i].After, &j.importEntry); err != nil {
					return nil, fmt.Errorf("audit entry %d: %w", es[i].Seq, err)
				}
				out.Body.Items = append(out.Body.Items, j)
			}
			return out, nil
		})
}

type scanImportInput struct {
	File    string `query:"file" required:"true" maxLength:"200" pattern:"^[A-Za-z0-9._-]+$" doc:"the report's file name, as evidence"`
	Tool    string `query:"tool" maxLength:"32" doc:"the tool that wrote it (nessus, openvas, trivy, …); detected from the content when absent"`
	Asset   string `query:"asset" maxLength:"512" doc:"file every target's results on this asset (created if new); required for asset owners"`
	RawBody []byte `contentType:"application/octet-stream"`
}

type scanImportOutput struct{ Body ingest.ScanOutcome }

// maxScanUpload bounds an uploaded scanner report.
const maxScanUpload = 256 << 20

func (s *Server) registerScanImports(api huma.API) {
	op(s, api, huma.Operation{OperationID: "import-findings", Method: http.MethodPost, Path: "/api/v1/findings/imports", Tags: []string{"findings"},
		Summary:      "Import a scanner, SAST/DAST or pen-test tool report as findings (Nessus, OpenVAS, Qualys, Nmap, ZAP, Burp, Acunetix, Nikto, Nuclei, Trivy, Grype, Anchore, osv-scanner, Snyk, Dependency-Check, SARIF, AWS Inspector, Prowler, Wazuh)",
		MaxBodyBytes: maxScanUpload, BodyReadTimeout: 5 * time.Minute}, string(auth.ImportWrite),
		func(ctx context.Context, in *scanImportInput) (*scanImportOutput, error) {
			p := who(ctx)
			// An owner imports onto an asset of their team, named: a report
			// placed by its own targets could create or reach others'.
			if !p.can(auth.ImportWrite, "") {
				if in.Asset == "" {
					return nil, forbid(p, auth.ImportWrite, "a report without an asset of your team")
				}
				a, err := s.Store.Asset(ctx, in.Asset)
				if err != nil || !p.can(auth.ImportWrite, a.Team) {
					return nil, forbid(p, auth.ImportWrite, "asset "+in.Asset)
				}
			}
			rep, err := ingest.ReadScan(in.File, in.Tool, bytes.NewReader(in.RawBody))
			if err != nil {
				return nil, huma.Error422UnprocessableEntity(err.Error())
			}
			out, err := s.Matcher.ImportScan(ctx, rep, in.File, in.Asset)
			if err != nil {
				return nil, err
			}
			after, _ := json.Marshal(importEntry{File: in.File, Bytes: len(in.RawBody), Outcome: &out})
			if err := s.Store.Record(ctx, audit.Entry{Actor: p.User.Name, Action: "findings.import", Object: importsObject, After: after, Reason: in.File}); err != nil {
				return nil, err
			}
			return &scanImportOutput{Body: out}, nil
		})
}

// importsObject is the audit log object imports are recorded against,
// so that listing them is one indexed lookup.
const importsObject = "imports"

// importEntry is what the audit log keeps of an import: an advisory
// import's report, or a scanner report's outcome.
type importEntry struct {
	File    string              `json:"file"`
	Bytes   int                 `json:"bytes"`
	Report  *ingest.Report      `json:"report,omitempty"`
	Outcome *ingest.ScanOutcome `json:"outcome,omitempty"`
	Error   string              `json:"error,omitempty"`
}

type importJob struct {
	Seq    int64     `json:"seq"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action" doc:"import (advisories) or findings.import (a tool's report)"`
	importEntry
}

type importListOutput struct {
	Body struct {
		Items []importJob `json:"items"`
	}
}

type auditListInput struct {
	After int64 `query:"after" minimum:"0"`
	Limit int   `query:"limit" minimum:"0" maximum:"1000"`
}

type auditListOutput struct {
	Body struct {
		Items []audit.Entry `json:"items"`
		Next  int64         `json:"next,omitempty"`
	}
}

type auditVerifyOutput struct {
	Body struct {
		Entries int64  `json:"entries"`
		Head    string `json:"head"`
		Intact  bool   `json:"intact"`
		Problem string `json:"problem,omitempty"`
	}
}

type slaOutput struct{ Body []finding.Policy }

type slaPutInput struct {
	Env  string `path:"env" enum:"default,prod,staging,test,dev"`
	Body struct {
		Policy finding.Policy `json:"policy"`
		Reason string         `json:"reason" minLength:"1" maxLength:"2000"`
	}
}

type metricsOutput struct{ Body finding.Metrics }

func (s *Server) registerAdmin(api huma.API) {
	op(s, api, huma.Operation{OperationID: "list-audit", Method: http.MethodGet, Path: "/api/v1/audit", Tags: []string{"audit"},
		Summary: "The audit log, oldest first"}, string(auth.AuditRead),
		func(ctx context.Context, in *auditListInput) (*auditListOutput, error) {
			limit := cmp.Or(in.Limit, 100)
			out := &auditListOutput{}
			for e, err := range s.Store.AuditLog(ctx, in.After) {
				if err != nil {
					return nil, err
				}
				if len(out.Body.Items) == limit {
					out.Body.Next = out.Body.Items[limit-1].Seq
					break
				}
				out.Body.Items = append(out.Body.Items, e)
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "verify-audit", Method: http.MethodGet, Path: "/api/v1/audit/verify", Tags: []string{"audit"},
		Summary: "Check the audit log's hash chain"}, string(auth.AuditRead),
		func(ctx context.Context, _ *emptyInput) (*auditVerifyOutput, error) {
			n, head, err := audit.Verify(s.Store.AuditLog(ctx, 0))
			out := &auditVerifyOutput{}
			out.Body.Entries, out.Body.Head, out.Body.Intact = n, head, err == nil
			if err != nil {
				out.Body.Problem = err.Error()
			}
			return out, nil
		})
	op(s, api, huma.Operation{OperationID: "list-sla", Method: http.MethodGet, Path: "/api/v1/sla", Tags: []string{"sla"},
		Summary: "SLA policies per environment"}, string(auth.FindingRead),
		func(ctx context.Context, _ *emptyInput) (*slaOutput, error) {
			ps, err := s.Store.SLAPolicies(ctx)
			return &slaOutput{Body: ps}, err
		})
	op(s, api, huma.Operation{OperationID: "put-sla", Method: http.MethodPut, Path: "/api/v1/sla/{env}", Tags: []string{"sla"},
		Summary: "Set an environment's SLA policy (audited)"}, string(auth.PolicyWrite),
		func(ctx context.Context, in *slaPutInput) (*slaOutput, error) {
			pol := in.Body.Policy
			pol.Environment = ""
			if in.Env != "default" {
				pol.Environment = asset.Environment(in.Env)
			}
			if err := s.Store.PutSLAPolicy(ctx, pol, who(ctx).User.Name, in.Body.Reason); err != nil {
				return nil, err
			}
			ps, err := s.Store.SLAPolicies(ctx)
			return &slaOutput{Body: ps}, err
		})
	op(s, api, huma.Operation{OperationID: "finding-metrics", Method: http.MethodGet, Path: "/api/v1/metrics/findings", Tags: []string{"findings"},
		Summary: "Open, overdue and closed findings, MTTR and SLA compliance per priority"}, string(auth.FindingRead),
		func(ctx context.Context, _ *emptyInput) (*metricsOutput, error) {
			p, team := who(ctx), s.teamOf(ctx)
			var os []finding.Outcome
			for f, err := range store.EachFinding(ctx, s.Store, store.FindingQuery{Limit: 1000}) {
				if err != nil {
					return nil, err
				}
				if p.can(auth.FindingRead, team(f.Asset)) {
					os = append(os, f.Outcome())
				}
			}
			return &metricsOutput{Body: finding.ComputeMetrics(os, s.now())}, nil
		})
}

// errorList turns messages into the errors of a problem detail.
func errorList(msgs []string) []error {
	out := make([]error, len(msgs))
	for i, m := range msgs {
		out[i] = errors.New(m)
	}
	return out
}

// findingQuery turns the list's parameters into a store query.
func (s *Server) findingQuery(in *FindingFilter) (store.FindingQuery, error) {
	q := store.FindingQuery{After: in.After, Limit: in.Limit, Asset: in.Asset, Vuln: in.Vuln, State: in.State,
		Priority: in.Priority, Team: in.Team, Open: !in.All && in.State == "",
		KEV: in.KEV, Severity: splitList(in.Severity), MinEPSS: in.MinEPSS, SSVC: splitList(in.SSVC), Text: in.Q,
		Sort: in.Sort, Offset: int(in.After)}
	if in.Overdue {
		q.OverdueAt = s.now()
	}
	var err error
	if q.FirstSeenFrom, err = parseDay("first_seen_from", in.From); err != nil {
		return q, err
	}
	q.FirstSeenTo, err = parseDay("first_seen_to", in.To)
	return q, err
}

// splitList drops the empty items "severity=high," leaves.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// parseDay reads a YYYY-MM-DD query parameter as midnight UTC.
func parseDay(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, huma.Error400BadRequest(name+": not a YYYY-MM-DD date", err)
	}
	return t, nil
}
