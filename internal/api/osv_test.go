package api_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ossf/osv-schema/bindings/go/osvschema"
	osvapi "osv.dev/bindings/go/api"
	"osv.dev/bindings/go/osvdev"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/api"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
)

// osvData is a store holding the shared corpus's Go and crates.io OSV
// records.
func osvData(t testing.TB) store.Store {
	t.Helper()
	goZip := feedtest.SharedData(t, "osv/Go/all.zip")
	cratesZip := feedtest.SharedData(t, "osv/crates.io/all.zip")
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	rep, err := (&ingest.Importer{Store: s, Sources: ingest.Sources()}).Import(ctx, goZip, cratesZip)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rejected > 0 || rep.Read < 5000 {
		t.Fatalf("import: %d read, %d rejected: %v", rep.Read, rep.Rejected, rep.Errors)
	}
	return s
}

// osvClient is osv.dev's own Go client pointed at a vmc serving s.
func osvClient(t testing.TB, s store.Store, cfg api.OSV) *osvdev.OSVClient {
	t.Helper()
	srv := httptest.NewServer((&api.Server{Store: s, Matcher: &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), OSV: cfg}).Handler())
	t.Cleanup(srv.Close)
	c := osvdev.DefaultClient()
	c.BaseHostURL = srv.URL
	c.HTTPClient = srv.Client()
	c.Config.MaxRetryAttempts = 1 // it retries 5xx with long back-off
	return c
}

// ids are the vulnerabilities' ids, and the ids of kind (GO, RUSTSEC)
// among their aliases: what osv.dev would have answered.
func ids(vs []*osvschema.Vulnerability, kind string) (own, home []string) {
	for _, v := range vs {
		own = append(own, v.GetId())
		for _, a := range append([]string{v.GetId()}, v.GetAliases()...) {
			if strings.HasPrefix(a, kind+"-") {
				home = append(home, a)
			}
		}
	}
	slices.Sort(home)
	return own, home
}

func pkgQuery(eco, name, version string) *osvapi.Query {
	return &osvapi.Query{Package: &osvschema.Package{Ecosystem: eco, Name: name}, Param: &osvapi.Query_Version{Version: version}}
}

// TestOSVClient runs osv.dev's Go client against vmc, with the shared
// corpus's Go and crates.io records. The expected ids were read off the
// records' ranges: golang.org/x/text 0.3.5 is past GO-2020-0015's fix
// (0.3.3) and before GO-2021-0113's (0.3.7), GO-2022-1059's (0.3.8) and
// GO-2026-5970's (0.39.0); smallvec 0.6.9 lies in four RUSTSEC ranges and
// past RUSTSEC-2018-0003's 0.6.3 fix.
func TestOSVClient(t *testing.T) {
	s := osvData(t)
	ctx := context.Background()
	c := osvClient(t, s, api.OSV{PageSize: 3})
	wantText := []string{"GO-2021-0113", "GO-2022-1059", "GO-2026-5970"}
	wantSmallvec := []string{"RUSTSEC-2018-0018", "RUSTSEC-2019-0009", "RUSTSEC-2019-0012", "RUSTSEC-2021-0003"}

	t.Run("query", func(t *testing.T) {
		got, err := c.Query(ctx, pkgQuery("Go", "golang.org/x/text", "0.3.5"))
		if err != nil {
			t.Fatal(err)
		}
		own, home := ids(got.GetVulns(), "GO")
		if diff := cmp.Diff(wantText, home); diff != "" {
			t.Errorf("GO ids -want +got:\n%s", diff)
		}
		// The merged record is served under vmc's id, the CVE.
		if diff := cmp.Diff([]string{"CVE-2021-38561", "CVE-2022-32149", "CVE-2026-56852"}, own); diff != "" {
			t.Errorf("ids -want +got:\n%s", diff)
		}
		for _, v := range got.GetVulns() {
			if len(v.GetAffected()) == 0 || v.GetModified() == nil || v.GetSummary() == "" && v.GetDetails() == "" {
				t.Errorf("%s: incomplete record: %v", v.GetId(), v)
			}
		}
		if got.GetNextPageToken() != "" {
			t.Errorf("three results fit a page of three, yet next_page_token = %q", got.GetNextPageToken())
		}
	})

	t.Run("paging by page_token", func(t *testing.T) {
		q := &osvapi.Query{Package: &osvschema.Package{Purl: "pkg:cargo/smallvec@0.6.9"}}
		var all []*osvschema.Vulnerability
		pages := 0
		for {
			got, err := c.Query(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			all = append(all, got.GetVulns()...)
			if got.GetNextPageToken() == "" {
				break
			}
			if pages > 3 {
				t.Fatal("paging does not end")
			}
			q.PageToken = got.GetNextPageToken()
		}
		if _, home := ids(all, "RUSTSEC"); !cmp.Equal(wantSmallvec, home) || pages != 2 {
			t.Errorf("%d pages, RUSTSEC ids %v, want 2 pages of %v", pages, home, wantSmallvec)
		}
	})

	t.Run("querybatch", func(t *testing.T) {
		got, err := c.QueryBatch(ctx, []*osvapi.Query{
			pkgQuery("Go", "golang.org/x/text", "0.3.5"),
			pkgQuery("Go", "golang.org/x/text", "0.39.0"), // fixed everywhere
			pkgQuery("crates.io", "smallvec", "0.6.9"),
		})
		if err != nil {
			t.Fatal(err)
		}
		rs := got.GetResults()
		if len(rs) != 3 {
			t.Fatalf("%d results for 3 queries", len(rs))
		}
		if n := len(rs[1].GetVulns()); n != 0 {
			t.Errorf("golang.org/x/text 0.39.0: %d vulnerabilities, want none", n)
		}
		// As osv.dev's, a batch answer carries ids and modified times
		// only; the client fetches each record by its id.
		var fetched []*osvschema.Vulnerability
		for _, v := range slices.Concat(rs[0].GetVulns(), rs[2].GetVulns()) {
			if v.GetModified() == nil || len(v.GetAffected()) > 0 || len(v.GetAliases()) > 0 {
				t.Errorf("%s: a batch result is an id and a modified time, got %v", v.GetId(), v)
			}
			full, err := c.GetVulnByID(ctx, v.GetId())
			if err != nil {
				t.Fatal(err)
			}
			fetched = append(fetched, full)
		}
		if len(rs[2].GetVulns()) != 3 || rs[2].GetNextPageToken() == "" {
			t.Errorf("smallvec: %d vulnerabilities and next_page_token %q, want a page of 3 and a token", len(rs[2].GetVulns()), rs[2].GetNextPageToken())
		}
		if _, home := ids(fetched, "GO"); !cmp.Equal(wantText, home) {
			t.Errorf("fetched GO ids %v, want %v", home, wantText)
		}
	})

	t.Run("vulns by any id", func(t *testing.T) {
		v, err := c.GetVulnByID(ctx, "GO-2021-0113")
		if err != nil {
			t.Fatal(err)
		}
		if v.GetId() != "CVE-2021-38561" || !slices.Contains(v.GetAliases(), "GO-2021-0113") || !slices.Contains(v.GetAliases(), "GHSA-ppp9-7jff-5vj2") {
			t.Errorf("GO-2021-0113 = %s aliases %v", v.GetId(), v.GetAliases())
		}
		if _, err := c.GetVulnByID(ctx, "GO-1999-0000"); err == nil || !strings.Contains(err.Error(), "404") {
			t.Errorf("an unknown id: %v, want a 404", err)
		}
	})

	t.Run("bad queries", func(t *testing.T) {
		for name, q := range map[string]*osvapi.Query{
			"no package":        {Param: &osvapi.Query_Version{Version: "1.0"}},
			"unknown ecosystem": pkgQuery("Nonesuch", "x", "1.0"),
			"commit":            {Param: &osvapi.Query_Commit{Commit: "6879efc2c1596d11a6a6ad296f80063b558d5e0f"}},
			"bad page token":    {Package: &osvschema.Package{Ecosystem: "Go", Name: "x"}, PageToken: "!!"},
			"purl and version":  {Package: &osvschema.Package{Purl: "pkg:cargo/smallvec@0.6.9"}, Param: &osvapi.Query_Version{Version: "0.6.9"}},
		} {
			if _, err := c.Query(ctx, q); err == nil || !strings.Contains(err.Error(), "422") {
				t.Errorf("%s: %v, want a 422", name, err)
			}
		}
	})
}

// TestOSVToken: configured to want a token, the OSV API refuses the
// anonymous and serves a token with vuln.read.
func TestOSVToken(t *testing.T) {
	f := newFixture(t)
	f.api.OSV.RequireToken = true
	srv := httptest.NewServer(f.api.Handler())
	defer srv.Close()
	for _, tc := range []struct {
		token string
		want  int
	}{{"", http.StatusUnauthorized}, {f.tokens[auth.Auditor], http.StatusOK}} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/query", strings.NewReader(`{"package":{"ecosystem":"Go","name":"golang.org/x/text"},"version":"0.3.5"}`))
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("token %q: %d, want %d", tc.token, resp.StatusCode, tc.want)
		}
	}
	// Open by default.
	if code, body := f.do(t, nil, http.MethodPost, "/v1/querybatch", "", `{"queries":[{"package":{"ecosystem":"Go","name":"golang.org/x/text"},"version":"0.3.5"}]}`); code != http.StatusOK || body != "{\"results\":[{}]}\n" {
		t.Errorf("anonymous querybatch: %d %s", code, body)
	}
	// At most 1,000 queries, as osv.dev.
	big := `{"queries":[` + strings.Repeat(`{"package":{"ecosystem":"Go","name":"x"},"version":"1"},`, 1000) + `{"package":{"ecosystem":"Go","name":"x"},"version":"1"}]}`
	if code, body := f.do(t, nil, http.MethodPost, "/v1/querybatch", "", big); code != http.StatusUnprocessableEntity {
		t.Errorf("1,001 queries: %d %s", code, body)
	}
}
