package cli

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"text/template"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/automation"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	"github.com/vmc-dev/vmc/internal/fetch"
	"github.com/vmc-dev/vmc/internal/rules"
	"github.com/vmc-dev/vmc/internal/store"
)

// runFeed runs "vmc feed ARGS..." under a root with the global flags,
// as Run would once the root lists newFeed.
func runFeed(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := &cobra.Command{Use: "vmc", SilenceUsage: true, SilenceErrors: true}
	globalFlags(root.PersistentFlags())
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newFeed())
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(append([]string{"feed"}, args...))
	err := root.ExecuteContext(context.Background())
	return out.String(), err
}

// serveFile serves a real file from the corpus with an ETag, answering
// conditional requests as a CDN does.
func serveFile(path string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := os.ReadFile(path)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("ETag", fmt.Sprintf(`"%x"`, sha256.Sum256(b)))
		fi, _ := os.Stat(path)
		http.ServeContent(w, r, filepath.Base(path), fi.ModTime(), bytes.NewReader(b))
	})
}

func wantLines(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

func TestFeedSyncOSV(t *testing.T) {
	crates := feedtest.SharedData(t, "osv/crates.io/all.zip")
	mux := http.NewServeMux()
	mux.Handle("/crates.io/all.zip", serveFile(crates))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	data := t.TempDir()

	out, err := runFeed(t, "sync", "osv", "crates.io", "--url", srv.URL, "--data-dir", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	wantLines(t, out,
		"importing "+filepath.Join(data, "feeds", "osv", "crates.io.zip")+"\n",
		"records read 1206: new 1206,",
	)

	out, err = runFeed(t, "sync", "osv", "crates.io", "--url", srv.URL, "--data-dir", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := "unchanged: " + srv.URL + "/crates.io/all.zip\nosv: nothing new upstream; import skipped\n"; out != want {
		t.Errorf("second sync printed\n%s\nwant\n%s", out, want)
	}
}

// cvelistBaseline writes a baseline shaped like cvelistV5's (a zip that
// holds cves.zip) of the first n records of the corpus's cves.zip.
func cvelistBaseline(t *testing.T, n int) string {
	t.Helper()
	zr, err := zip.OpenReader(feedtest.SharedData(t, "cve5/cves.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var inner bytes.Buffer
	zw := zip.NewWriter(&inner)
	for _, f := range zr.File {
		if n == 0 {
			break
		}
		if strings.HasSuffix(f.Name, ".json") {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
			n--
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "2024-10-24_all_CVEs_at_midnight.zip.zip")
	out, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	zw = zip.NewWriter(out)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "cves.zip", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(w, &inner); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFeedSyncCVE(t *testing.T) {
	srv := httptest.NewServer(serveFile(cvelistBaseline(t, 200)))
	defer srv.Close()
	data := t.TempDir()
	out, err := runFeed(t, "sync", "cve", "--url", srv.URL+"/all.zip.zip", "--dir", filepath.Join(data, "cache"), "--data-dir", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	wantLines(t, out,
		"importing "+filepath.Join(data, "cache", "baseline.zip")+"\n",
		"records read 200: new 200,",
	)
}

func TestFeedSyncNVD(t *testing.T) {
	fixtures := feedtest.SharedData(t, "nvd/api-cve/fixtures/3_pages")
	var (
		mu   sync.Mutex
		keys []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		keys = append(keys, r.Header.Get("apiKey"))
		mu.Unlock()
		q := r.URL.Query()
		http.ServeFile(w, r, filepath.Join(fixtures, q.Get("startIndex")+"-"+q.Get("resultsPerPage")+".json"))
	}))
	defer srv.Close()
	t.Setenv("VMC_FEEDS__NVD__API_KEY", "a-key")
	t.Setenv("VMC_FEEDS__NVD__PAGE_SIZE", "3")
	t.Setenv("VMC_FEEDS__NVD__URL", srv.URL+"/rest/json/cves/2.0")
	data := t.TempDir()
	out, err := runFeed(t, "sync", "nvd", "--data-dir", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	dir := filepath.Join(data, "feeds", "nvd")
	wantLines(t, out,
		"importing "+filepath.Join(dir, "page-all-0000000.json")+"\n",
		"importing "+filepath.Join(dir, "page-all-0000006.json")+"\n",
		"fetched 3 files,",
		"records read 8: new 8,",
	)
	if strings.Join(keys, ",") != "a-key,a-key,a-key" {
		t.Errorf("apiKey headers %q, want the configured key on each request", keys)
	}
	st, err := fetch.LoadState(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Watermark.Format("2006-01-02T15:04:05.000"); got != "2023-11-10T08:41:24.983" {
		t.Errorf("watermark %s, want the first page's timestamp", got)
	}
}

func TestFeedSyncKEVAndEPSS(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/kev.json", serveFile(feedtest.SharedData(t, "kev/known_exploited_vulnerabilities.json")))
	mux.Handle("/epss/", http.StripPrefix("/epss/", http.FileServer(http.Dir(feedtest.SharedData(t, "epss/fixtures")))))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	data := t.TempDir()
	out, err := runFeed(t, "sync", "kev", "--url", srv.URL+"/kev.json", "--data-dir", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	wantLines(t, out, "records read 1404: new 1404,")
	out, err = runFeed(t, "sync", "epss", "--url", srv.URL+"/epss", "--date", "2023-03-07", "--data-dir", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	wantLines(t, out,
		"importing "+filepath.Join(data, "feeds", "epss", "epss_scores-2023-03-07.csv.gz")+"\n",
		"records read 2: new 2,",
	)
}

func TestFeedSyncUsage(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		wantErr string
	}{
		{name: "unknown command", args: []string{"fetch"}, wantErr: `unknown command "fetch" for "vmc feed"`},
		{name: "unknown feed", args: []string{"sync", "ghsa"}, wantErr: `feed sync: no feed named "ghsa" (kev, epss, osv, cve, nvd, euvd, csaf)`},
		{name: "osv without ecosystems", args: []string{"sync", "osv"},
			wantErr: "osv: name the ecosystems to fetch (Go, crates.io, PyPI, ...) or set feeds.osv.ecosystems"},
		{name: "osv bad ecosystem", args: []string{"sync", "osv", "../etc"}},
		{name: "bad date", args: []string{"sync", "epss", "--date", "7.3.2023"}, wantErr: `--date "7.3.2023": want YYYY-MM-DD`},
		{name: "cve takes no arguments", args: []string{"sync", "cve", "Go"}, wantErr: `unknown command "Go" for "vmc feed sync cve"`},
		{name: "page size", env: map[string]string{"VMC_FEEDS__NVD__PAGE_SIZE": "5000"}, args: []string{"sync", "nvd"},
			wantErr: "feeds.nvd.page-size 5000: want 1 to 2000"},
		{name: "too often", env: map[string]string{"VMC_FEEDS__KEV__EVERY": "1s"}, args: []string{"sync", "kev"},
			wantErr: "config: feeds.kev.every: 1s is more often than every 1m0s"},
		{name: "csaf without providers", args: []string{"sync", "csaf"},
			wantErr: "csaf: name a provider with --provider (its provider-metadata.json URL or its domain) or set feeds.csaf.providers"},
		{name: "csaf TLP", args: []string{"sync", "csaf", "--provider", "example.com", "--tlp", "white,purple"},
			wantErr: `csaf: TLP label "purple": want WHITE (or CLEAR), GREEN, AMBER, RED or UNLABELED`},
		{name: "csaf CA file", env: map[string]string{"VMC_FEEDS__CSAF__CA_FILE": "/nonexistent/ca.pem"}, args: []string{"sync", "csaf", "--provider", "example.com"},
			wantErr: "feeds.csaf.ca-file: open /nonexistent/ca.pem: no such file or directory"},
		{name: "csaf provider not https", args: []string{"sync", "csaf", "--provider", "http://127.0.0.1:1/provider-metadata.json"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			data := t.TempDir()
			_, err := runFeed(t, append(tt.args, "--data-dir", data)...)
			if tt.wantErr == "" {
				// Refused by fetch: a failure, but not a usage error.
				if err == nil || isUsage(err) {
					t.Errorf("error %v, want a failure that is not a usage error", err)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr || !isUsage(err) {
				t.Errorf("error %v, want usage error %q", err, tt.wantErr)
			}
			// Nothing was opened or created for a command refused.
			if ents, _ := os.ReadDir(data); len(ents) != 0 {
				t.Errorf("data dir holds %d entries after a refused command", len(ents))
			}
		})
	}
}

// TestFeedJobs builds the jobs serve schedules from the configuration and
// runs one, as fetch.Schedule would.
func TestFeedJobs(t *testing.T) {
	var down atomic.Bool
	kev := serveFile(feedtest.SharedData(t, "kev/known_exploited_vulnerabilities.json"))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
			return
		}
		kev.ServeHTTP(w, r)
	}))
	defer srv.Close()
	t.Setenv("VMC_FEEDS__KEV__EVERY", "6h")
	t.Setenv("VMC_FEEDS__KEV__URL", srv.URL+"/kev.json")
	t.Setenv("VMC_FEEDS__NVD__API_KEY", "not scheduled without every")
	data := t.TempDir()

	root := &cobra.Command{Use: "vmc"}
	globalFlags(root.PersistentFlags())
	if err := root.PersistentFlags().Parse([]string{"--data-dir", data}); err != nil {
		t.Fatal(err)
	}
	c, err := loadConfig(root.PersistentFlags())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := openStore(ctx, c, true)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var logs bytes.Buffer
	jobs, err := feedJobs(c, s, slog.New(slog.NewTextHandler(&logs, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].Name != "kev" || jobs[0].Every.String() != "6h0m0s" {
		t.Fatalf("jobs %+v, want kev every 6h", jobs)
	}
	for range 2 {
		if err := jobs[0].Run(ctx); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 1404 {
		t.Errorf("store holds %d records, want KEV's 1404", st.Records)
	}
	wantLines(t, logs.String(),
		`msg="feed imported" feed=kev files=1 unchanged=0 bytes=1257565 new=1404`,
		`msg="feed imported" feed=kev files=0 unchanged=1 bytes=0 new=0`,
	)

	// A sync that fails is a sync.failed event, one per run, which a rule
	// can act on: a dry-run over the past finds it.
	down.Store(true)
	if err := jobs[0].Run(ctx); err == nil {
		t.Fatal("sync against a failing server succeeded")
	}
	evs, err := s.Events(ctx, store.EventQuery{Kinds: []rules.Kind{rules.SyncFailed}})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Object != "feed:kev" || evs[0].Env.Sync.Source != "kev" || !strings.Contains(evs[0].Env.Sync.Error, "503") {
		t.Fatalf("sync.failed events %+v, want one for kev naming the 503", evs)
	}
	e := &automation.Engine{Store: s}
	dry, err := e.DryRun(ctx, rules.Rule{Name: "feed down", On: []rules.Kind{rules.SyncFailed}, When: `sync.source == "kev"`,
		Then: `notify("ops@example.com", "Sync of " + sync.source + " failed")`}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Evaluated != 1 || len(dry.Results) != 1 || dry.Results[0].Actions[0].Args[1] != "Sync of kev failed" {
		t.Errorf("dry-run %+v, want the failed sync matched", dry)
	}
}

// TestFeedConfig reads the feeds section from a file and the environment,
// the environment winning.
func TestFeedConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vmc.yaml")
	yaml := `feeds:
  dir: /var/cache/vmc
  cve:
    every: 1h
    delta-url: https://mirror.example/cvelist/delta.zip
  osv:
    every: 6h
    ecosystems: [Go, crates.io]
  nvd:
    api-key: from-file
    page-size: 500
  csaf:
    every: 6h
    providers: [example.com, https://csaf.example.org/provider-metadata.json]
    tlp: [WHITE, GREEN]
`
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VMC_FEEDS__NVD__API_KEY", "from-env")
	t.Setenv("VMC_FEEDS__KEV__EVERY", "12h")
	t.Setenv("VMC_FEEDS__OSV__ECOSYSTEMS", "PyPI,npm")
	t.Setenv("VMC_FEEDS__CSAF__INSECURE_UNSIGNED", "true")
	root := &cobra.Command{Use: "vmc"}
	globalFlags(root.PersistentFlags())
	if err := root.PersistentFlags().Parse([]string{"--config", path}); err != nil {
		t.Fatal(err)
	}
	c, err := loadConfig(root.PersistentFlags())
	if err != nil {
		t.Fatal(err)
	}
	got := &c.Feeds
	var want feedsConfig
	want.Dir = "/var/cache/vmc"
	want.CVE.Every = time.Hour
	want.CVE.DeltaURL = "https://mirror.example/cvelist/delta.zip"
	want.OSV.Every = 6 * time.Hour
	want.OSV.Ecosystems = []string{"PyPI", "npm"}
	want.NVD.APIKey = "from-env"
	want.NVD.PageSize = 500
	want.KEV.Every = 12 * time.Hour
	want.CSAF.Every = 6 * time.Hour
	want.CSAF.Providers = []string{"example.com", "https://csaf.example.org/provider-metadata.json"}
	want.CSAF.TLP = []string{"WHITE", "GREEN"}
	want.CSAF.InsecureUnsigned = true
	if diff := cmp.Diff(&want, got, cmp.Exporter(func(reflect.Type) bool { return true })); diff != "" {
		t.Errorf("feeds config (-want +got):\n%s", diff)
	}
}

// csafProvider serves gocsaf's directory-based test provider
// (../shared/data/csaf/provider/simple-directory-provider, its templates
// rendered) over TLS, and writes the server's certificate to a PEM file
// for feeds.csaf.ca-file. It serves no signature: the tree's own verifies
// only until its key expires in 2027, and package fetch checks signatures
// at a fixed time.
func csafProvider(t *testing.T) (srv *httptest.Server, caFile string) {
	t.Helper()
	tree := feedtest.SharedData(t, "csaf/provider/simple-directory-provider")
	var base string
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := os.ReadFile(filepath.Join(tree, filepath.FromSlash(r.URL.Path)))
		if err != nil || strings.HasSuffix(r.URL.Path, ".asc") && !strings.HasPrefix(r.URL.Path, "/openpgp/") {
			http.NotFound(w, r)
			return
		}
		tmpl, err := template.New(r.URL.Path).Parse(string(b))
		if err == nil {
			err = tmpl.Execute(w, struct{ URL string }{base})
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}))
	base = srv.URL
	t.Cleanup(srv.Close)
	caFile = filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	return srv, caFile
}

func TestFeedSyncCSAF(t *testing.T) {
	srv, caFile := csafProvider(t)
	t.Setenv("VMC_FEEDS__CSAF__CA_FILE", caFile)
	data := t.TempDir()
	provider := srv.URL + "/provider-metadata.json"
	advisory := srv.URL + "/white/avendor-advisory-0004.json"

	// The provider is a trusted one, which must sign: the document is
	// refused, and that is the exit code.
	out, err := runFeed(t, "sync", "csaf", "--provider", provider, "--data-dir", data)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != 4 || err.Error() != "1 of 1 CSAF documents refused" {
		t.Fatalf("error %v, want exit code 4 for 1 document refused\n%s", err, out)
	}
	wantLines(t, out, "refused: "+advisory+": no signature: GET "+advisory+".asc: 404 Not Found; "+
		"a csaf_trusted_provider must sign every document (CSAF 2.0 section 7.1.19)\n")

	// A refusal moved the watermark past the document: --full fetches it
	// again, and --insecure-unsigned lets it in on its hashes alone.
	out, err = runFeed(t, "sync", "csaf", "--provider", provider, "--insecure-unsigned", "--full", "--data-dir", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	host := strings.ReplaceAll(strings.TrimPrefix(srv.URL, "https://"), ":", "_")
	wantLines(t, out,
		"importing "+filepath.Join(data, "feeds", "csaf", host, "white", "avendor-advisory-0004.json")+"\n",
		`msg="csaf document unsigned; imported as --insecure-unsigned allows"`,
		"fetched 1 files,",
		"records read 2: new 2,",
	)

	out, err = runFeed(t, "sync", "csaf", "--provider", provider, "--insecure-unsigned", "--data-dir", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	wantLines(t, out, "csaf: nothing new upstream; import skipped\n")
}

// TestFeedJobsCSAF schedules a CSAF sync from the environment; the job
// logs each document it refused.
func TestFeedJobsCSAF(t *testing.T) {
	srv, caFile := csafProvider(t)
	t.Setenv("VMC_FEEDS__CSAF__CA_FILE", caFile)
	t.Setenv("VMC_FEEDS__CSAF__EVERY", "6h")
	t.Setenv("VMC_FEEDS__CSAF__PROVIDERS", srv.URL+"/provider-metadata.json")
	data := t.TempDir()
	root := &cobra.Command{Use: "vmc"}
	globalFlags(root.PersistentFlags())
	if err := root.PersistentFlags().Parse([]string{"--data-dir", data}); err != nil {
		t.Fatal(err)
	}
	c, err := loadConfig(root.PersistentFlags())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := openStore(ctx, c, true)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var logs bytes.Buffer
	jobs, err := feedJobs(c, s, slog.New(slog.NewTextHandler(&logs, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].Name != "csaf" {
		t.Fatalf("jobs %+v, want csaf", jobs)
	}
	if err := jobs[0].Run(ctx); !errors.As(err, new(*fetch.CSAFRefusedError)) {
		t.Errorf("job error %v, want the refusal", err)
	}
	wantLines(t, logs.String(),
		`msg="feed document refused" feed=csaf url=`+srv.URL+`/white/avendor-advisory-0004.json err="no signature: GET `,
		`msg="feed imported" feed=csaf files=0 unchanged=0`,
	)
}

// TestFeedSyncEUVD syncs from a server answering every search with a real
// EUVD search page (the Pillow page, 14 entries, from github.com/caisarus/euvd;
// see internal/feed/euvd/testdata).
func TestFeedSyncEUVD(t *testing.T) {
	page, err := os.ReadFile(filepath.Join("..", "feed", "euvd", "testdata", "search-pillow.json"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/search" || r.URL.Query().Get("page") != "0" {
			// One page holds every entry; later pages are empty.
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"items":[],"total":14}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(page)
	}))
	defer srv.Close()
	out, err := runFeed(t, "sync", "euvd", "--url", srv.URL, "--data-dir", t.TempDir())
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	wantLines(t, out, "records read 14: new 14,")
}
