package api

import (
	"bytes"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/export"
	feedosv "github.com/vmc-dev/vmc/internal/feed/osv"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/match"
	"github.com/vmc-dev/vmc/internal/publish/osv"
	"github.com/vmc-dev/vmc/internal/store"
)

// OSV configures the OSV-compatible API: POST /v1/query, POST
// /v1/querybatch and GET /v1/vulns/{id}, with osv.dev's request and
// response shapes (https://google.github.io/osv.dev/api/), answered from
// vmc's merged records by vmc's matcher. A vulnerability is served as vmc
// export --format osv writes it: under its vmc id (with "x_" before an id
// the OSV schema does not register, such as a CNVD id) with every other
// id as an alias, and only when it may go to the public (export.Releasable).
type OSV struct {
	// RequireToken makes the API want a signed-in user or a token with
	// vuln.read. It is open by default, as osv.dev is.
	RequireToken bool
	// PageSize bounds the vulnerabilities one query returns before
	// next_page_token; 0 means DefaultOSVPageSize.
	PageSize int
}

const (
	// DefaultOSVPageSize is osv.dev's page size.
	DefaultOSVPageSize = 1000
	// maxOSVQueries is osv.dev's bound on the queries of one batch.
	maxOSVQueries = 1000
	// maxOSVBody bounds a request: a full batch of long purls fits.
	maxOSVBody = 4 << 20
)

// osvQuery is osv.dev's Query message: a package with a version (or a
// purl carrying one), or a commit, and the page token of a previous
// answer. https://google.github.io/osv.dev/post-v1-query/
type osvQuery struct {
	Package   *osvPackage `json:"package,omitempty"`
	Version   string      `json:"version,omitempty" maxLength:"256"`
	Commit    string      `json:"commit,omitempty" maxLength:"64"`
	PageToken string      `json:"page_token,omitempty" maxLength:"1024"`
}

type osvPackage struct {
	Name      string `json:"name,omitempty" maxLength:"512"`
	Ecosystem string `json:"ecosystem,omitempty" maxLength:"128"`
	PURL      string `json:"purl,omitempty" maxLength:"1024"`
}

type osvQueryInput struct{ Body osvQuery }

type osvBatchInput struct {
	Body struct {
		Queries []osvQuery `json:"queries" maxItems:"1000"`
	}
}

type osvIDInput struct {
	ID string `path:"id" maxLength:"128"`
}

// osvOutput is written as it is: osv.dev's clients decode strictly
// (protojson) and would refuse the $schema link huma adds to objects.
type osvOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

// osvList is osv.dev's VulnerabilityList.
type osvList struct {
	Vulns []feedosv.Entry `json:"vulns,omitempty"`
	Next  string          `json:"next_page_token,omitempty"`
}

// osvStub is what querybatch says of a vulnerability: its id and when it
// changed, as osv.dev's batch answers do; GET /v1/vulns/{id} has the rest.
type osvStub struct {
	ID       string `json:"id"`
	Modified string `json:"modified"`
}

type osvBatchResult struct {
	Vulns []osvStub `json:"vulns,omitempty"`
	Next  string    `json:"next_page_token,omitempty"`
}

func (s *Server) registerOSV(api huma.API) {
	access := Public
	if s.OSV.RequireToken {
		access = string(auth.VulnRead)
	}
	op(s, api, huma.Operation{OperationID: "osv-query", Method: http.MethodPost, Path: "/v1/query", Tags: []string{"osv"}, MaxBodyBytes: maxOSVBody,
		Summary: "OSV API: the vulnerabilities affecting a package version (osv.dev's request and response)"}, access,
		func(ctx context.Context, in *osvQueryInput) (*osvOutput, error) {
			q, err := osvAskOf("", in.Body)
			if err != nil {
				return nil, err
			}
			ids, err := s.osvFind(ctx, []osvAsk{q})
			if err != nil {
				return nil, err
			}
			stamps, err := s.osvStamps(ctx, ids)
			if err != nil {
				return nil, err
			}
			page, next := s.osvPage(stamps, ids[0], q.after)
			vs, err := s.Store.Vulns(ctx, page)
			if err != nil {
				return nil, err
			}
			out := osvList{Next: next}
			for _, id := range page {
				v, ok := vs[id]
				if !ok {
					// Merged into another since the stamps were read.
					continue
				}
				e, err := s.osvEntry(v)
				if err != nil {
					return nil, err
				}
				out.Vulns = append(out.Vulns, e)
			}
			return osvJSON(out)
		})
	op(s, api, huma.Operation{OperationID: "osv-querybatch", Method: http.MethodPost, Path: "/v1/querybatch", Tags: []string{"osv"}, MaxBodyBytes: maxOSVBody,
		Summary: "OSV API: up to 1,000 queries at once, answered with ids and modification times only, as osv.dev does"}, access,
		func(ctx context.Context, in *osvBatchInput) (*osvOutput, error) {
			asks := make([]osvAsk, len(in.Body.Queries))
			for i, q := range in.Body.Queries {
				var err error
				if asks[i], err = osvAskOf(fmt.Sprintf("queries[%d].", i), q); err != nil {
					return nil, err
				}
			}
			ids, err := s.osvFind(ctx, asks)
			if err != nil {
				return nil, err
			}
			stamps, err := s.osvStamps(ctx, ids)
			if err != nil {
				return nil, err
			}
			out := struct {
				Results []osvBatchResult `json:"results"`
			}{Results: make([]osvBatchResult, len(asks))}
			for i, a := range asks {
				page, next := s.osvPage(stamps, ids[i], a.after)
				out.Results[i].Next = next
				if len(page) > 0 {
					out.Results[i].Vulns = make([]osvStub, len(page))
				}
				for j, id := range page {
					out.Results[i].Vulns[j] = osvStub{ID: osv.ID(id), Modified: stamp(stamps[id].Changed)}
				}
			}
			return osvJSON(out)
		})
	op(s, api, huma.Operation{OperationID: "osv-get-vuln", Method: http.MethodGet, Path: "/v1/vulns/{id}", Tags: []string{"osv"},
		Summary: "OSV API: a vulnerability as an OSV record, by any of its ids"}, access,
		func(ctx context.Context, in *osvIDInput) (*osvOutput, error) {
			// The API names a vulnerability by its OSV id, which carries
			// "x_" before an id the OSV schema does not register.
			id := strings.TrimPrefix(in.ID, "x_")
			v, err := s.Store.Vuln(ctx, id, store.VulnOptions{})
			if err != nil {
				return nil, err
			}
			stamps, err := s.osvStamps(ctx, [][]string{{v.ID}})
			if err != nil {
				return nil, err
			}
			if _, ok := stamps[v.ID]; !ok {
				return nil, fmt.Errorf("vulnerability %s: %w", in.ID, store.ErrNotFound)
			}
			e, err := s.osvEntry(v)
			if err != nil {
				return nil, err
			}
			return osvJSON(e)
		})
}

// osvEntry is v as the OSV API serves it: the record vmc export --format
// osv writes (export.Document, osv.Entry), for the public, whom the API
// serves only what is TLP:CLEAR.
func (s *Server) osvEntry(v advisory.Vulnerability) (feedosv.Entry, error) {
	d, err := export.Document(v, export.DefaultPublisher, incident.Clear, s.now())
	if err != nil {
		return feedosv.Entry{}, err
	}
	return osv.Entry(d)
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func osvJSON(v any) (*osvOutput, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return &osvOutput{ContentType: "application/json", Body: b.Bytes()}, nil
}

// osvAsk is one query as the matcher sees it.
type osvAsk struct {
	c asset.Component
	// after is the last id of the previous page.
	after string
}

// osvAskOf checks a query; where prefixes the field names of its errors.
func osvAskOf(where string, q osvQuery) (osvAsk, error) {
	bad := func(field, format string, args ...any) error {
		return huma.Error422UnprocessableEntity(where + field + ": " + fmt.Sprintf(format, args...))
	}
	var a osvAsk
	if q.PageToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(q.PageToken)
		if err != nil || len(b) == 0 {
			return a, bad("page_token", "not a token this server gave")
		}
		a.after = string(b)
	}
	switch {
	case q.Commit != "":
		return a, bad("commit", "commit queries are not supported: vmc keeps no repositories' commit graphs; query a package and version")
	case q.Package == nil:
		return a, bad("package", "missing")
	}
	p := *q.Package
	a.c.Version = q.Version
	if p.PURL != "" {
		if p.Name != "" || p.Ecosystem != "" {
			return a, bad("package", "a purl, or a name and an ecosystem, not both")
		}
		eco, name, ver, err := ecosystem.FromPURL(p.PURL)
		if err != nil {
			return a, bad("package.purl", "%v", err)
		}
		if ver != "" && q.Version != "" {
			return a, bad("version", "the purl carries a version already")
		}
		a.c.Ecosystem, a.c.Name, a.c.Version = eco, name, cmp.Or(ver, q.Version)
		return a, nil
	}
	if p.Name == "" {
		return a, bad("package.name", "missing")
	}
	eco, err := ecosystem.Normalize(p.Ecosystem)
	if err != nil {
		return a, bad("package.ecosystem", "%v", err)
	}
	a.c.Ecosystem, a.c.Name = eco, p.Name
	return a, nil
}

// osvFind returns, per query, the ids of the vulnerabilities affecting
// its package (at its version, when it has one), sorted. Versions are
// decided by the matcher, the one that finds what assets run.
func (s *Server) osvFind(ctx context.Context, asks []osvAsk) ([][]string, error) {
	var (
		versioned []asset.Component
		loose     []store.Package
	)
	for _, a := range asks {
		if a.c.Version != "" {
			versioned = append(versioned, a.c)
		} else {
			loose = append(loose, store.Package{Ecosystem: a.c.Ecosystem, Name: a.c.Name})
		}
	}
	key := func(c asset.Component) string { return c.Ecosystem + "\x00" + c.Name + "\x00" + c.Version }
	found := map[string][]string{}
	if len(versioned) > 0 {
		// Problems (a version one record's scheme cannot read) leave that
		// record out, as they do when assets are matched.
		ms, _, err := s.Matcher.Match(ctx, versioned)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			found[key(m.Component)] = append(found[key(m.Component)], m.Vuln)
		}
	}
	var entries []store.AffectedEntry
	if len(loose) > 0 {
		var err error
		if entries, err = s.Store.AffectedFor(ctx, loose); err != nil {
			return nil, err
		}
	}
	out := make([][]string, len(asks))
	for i, a := range asks {
		ids := slices.Clone(found[key(a.c)])
		if a.c.Version == "" {
			for _, e := range entries {
				if match.Names(a.c, match.Entry{Affected: e.Affected}) {
					ids = append(ids, e.Vuln)
				}
			}
		}
		slices.Sort(ids)
		out[i] = slices.Compact(ids)
	}
	return out, nil
}

// osvStamps reads, in a few queries for the whole request, the stamps of
// the vulnerabilities of lists that the API may serve: the public's,
// released by export.Releasable. Others are left out, as if unknown.
func (s *Server) osvStamps(ctx context.Context, lists [][]string) (map[string]store.VulnStamp, error) {
	seen := map[string]bool{}
	var ids []string
	for _, l := range lists {
		for _, id := range l {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	stamps, err := s.Store.VulnStamps(ctx, ids)
	if err != nil {
		return nil, err
	}
	now := s.now()
	for id, st := range stamps {
		if export.Releasable(st, now) != nil {
			delete(stamps, id)
			continue
		}
		if st.Changed.IsZero() {
			st.Changed = now
			stamps[id] = st
		}
	}
	return stamps, nil
}

// osvPage returns the servable ids (those stamped) after the token's, at
// most a page of them, and the next page's token when more remain.
func (s *Server) osvPage(stamps map[string]store.VulnStamp, ids []string, after string) ([]string, string) {
	size := s.OSV.PageSize
	if size <= 0 {
		size = DefaultOSVPageSize
	}
	start, _ := slices.BinarySearch(ids, after)
	if after != "" && start < len(ids) && ids[start] == after {
		start++
	}
	var page []string
	for _, id := range ids[start:] {
		if _, ok := stamps[id]; !ok {
			continue
		}
		if len(page) == size {
			return page, base64.RawURLEncoding.EncodeToString([]byte(page[len(page)-1]))
		}
		page = append(page, id)
	}
	return page, ""
}
