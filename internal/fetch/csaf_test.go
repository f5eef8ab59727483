package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vmc-dev/vmc/internal/feed/feedtest"
)

// The provider trees are gocsaf's test providers (../shared/data/csaf/provider,
// from github.com/gocsaf/csaf testdata/, Apache-2.0). Their advisory is
// signed by the key in openpgp/pubkey.asc, which expires on 2027-09-06, so
// signatures are checked at a fixed time.
const (
	csafTreeFingerprint = "A8914CA2F11139C6A69A0018FB3CD9B15DE61596"
	csafAdvisory        = "/white/avendor-advisory-0004.json"
)

var csafTestNow = func() time.Time { return time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC) }

// csafParams are the fields the trees' templates use, as gocsaf's
// internal/testutil.ProviderParams: URL everywhere, EnableSha256 and
// EnableSha512 in white-feed.json's hash links. As in gocsaf's test
// server, a directory provider answers 404 for hash files not enabled,
// and the Forbid fields make hash files answer 403.
type csafParams struct {
	URL                        string
	EnableSha256, EnableSha512 bool
	ForbidSha256, ForbidSha512 bool
}

// csafServer serves a provider tree over TLS, rendered as a template with
// its URL, with changes a test makes to it.
type csafServer struct {
	*httptest.Server
	root      string
	directory bool
	params    csafParams
	hits      hits

	mu     sync.Mutex
	alias  map[string]string              // request path → tree path
	edit   map[string]func([]byte) []byte // change to the rendered file (nil if none); nil result: 404
	status map[string]int                 // answer instead of the file
	moved  map[string]string              // path → URL to redirect to
	etag   bool                           // send ETags and answer If-None-Match
}

func newCSAFServer(t *testing.T, tree string, p csafParams) *csafServer {
	t.Helper()
	s := &csafServer{
		root:      feedtest.SharedData(t, "csaf/provider/"+tree),
		directory: strings.Contains(tree, "directory"),
		params:    p,
		alias:     map[string]string{},
		edit:      map[string]func([]byte) []byte{},
		status:    map[string]int{},
		moved:     map[string]string{},
	}
	s.Server = httptest.NewTLSServer(s.hits.wrap(s))
	s.params.URL = s.URL
	t.Cleanup(s.Close)
	return s
}

func (s *csafServer) set(f func(s *csafServer)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

func (s *csafServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	name, edit, status, etag, moved := r.URL.Path, s.edit[r.URL.Path], s.status[r.URL.Path], s.etag, s.moved[r.URL.Path]
	if a, ok := s.alias[name]; ok {
		name = a
	}
	s.mu.Unlock()
	p := s.params
	switch {
	case moved != "":
		http.Redirect(w, r, moved, http.StatusFound)
		return
	case status != 0:
		w.WriteHeader(status)
		return
	case strings.HasSuffix(name, ".sha256") && p.ForbidSha256, strings.HasSuffix(name, ".sha512") && p.ForbidSha512:
		w.WriteHeader(http.StatusForbidden)
		return
	case s.directory && (strings.HasSuffix(name, ".sha256") && !p.EnableSha256 || strings.HasSuffix(name, ".sha512") && !p.EnableSha512):
		http.NotFound(w, r)
		return
	}
	b, err := os.ReadFile(filepath.Join(s.root, filepath.FromSlash(name)))
	if err != nil && edit == nil {
		http.NotFound(w, r)
		return
	}
	var out bytes.Buffer
	tmpl, err := template.New(name).Parse(string(b))
	if err == nil {
		err = tmpl.Execute(&out, p)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	b = out.Bytes()
	if edit != nil {
		if b = edit(b); b == nil {
			http.NotFound(w, r)
			return
		}
	}
	if etag {
		tag := fmt.Sprintf(`"%x"`, sha256.Sum256(b))
		w.Header().Set("ETag", tag)
		if r.Header.Get("If-None-Match") == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Write(b)
}

// csafLog keeps what a source logs, at every level.
type csafLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *csafLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *csafLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (s *csafServer) source(dir string, log *csafLog) *CSAF {
	return &CSAF{
		Client:    &Client{HTTP: s.Client(), UserAgent: "vmc/test", Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond},
		Dir:       dir,
		Providers: []string{s.URL + "/provider-metadata.json"},
		Log:       slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:       csafTestNow,
	}
}

// cached is where a sync from s saves the advisory.
func (s *csafServer) cached(dir string) string {
	dist := "white"
	if !s.directory {
		dist = "white_white-feed"
	}
	return filepath.Join(dir, strings.ReplaceAll(strings.TrimPrefix(s.URL, "https://"), ":", "_"), dist, "avendor-advisory-0004.json")
}

// TestCSAFShippedSignature checks the test data the other tests rely on:
// the tree's key has the fingerprint its provider-metadata.json states,
// and signs the advisory, whose hash files match it.
func TestCSAFShippedSignature(t *testing.T) {
	tree := feedtest.SharedData(t, "csaf/provider/simple-directory-provider")
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(tree, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	keys, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(read("openpgp/pubkey.asc")))
	if err != nil || len(keys) != 1 {
		t.Fatalf("pubkey.asc: %d keys, %v", len(keys), err)
	}
	if fp := fmt.Sprintf("%X", keys[0].PrimaryKey.Fingerprint); fp != csafTreeFingerprint {
		t.Errorf("key fingerprint %s, want %s", fp, csafTreeFingerprint)
	}
	doc := read("white/avendor-advisory-0004.json")
	sig := read("white/avendor-advisory-0004.json.asc")
	if _, err := openpgp.CheckArmoredDetachedSignature(keys, bytes.NewReader(doc), bytes.NewReader(sig), &packet.Config{Time: csafTestNow}); err != nil {
		t.Errorf("shipped signature: %v", err)
	}
	later := func() time.Time { return time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC) }
	if _, err := openpgp.CheckArmoredDetachedSignature(keys, bytes.NewReader(doc), bytes.NewReader(sig), &packet.Config{Time: later}); err == nil {
		t.Error("shipped signature verifies in 2028, after the key expired")
	}
	s256, s512 := sha256.Sum256(doc), sha512.Sum512(doc)
	for name, sum := range map[string][]byte{"white/avendor-advisory-0004.json.sha256": s256[:], "white/avendor-advisory-0004.json.sha512": s512[:]} {
		if want := fmt.Sprintf("%x  avendor-advisory-0004.json\n", sum); string(read(name)) != want {
			t.Errorf("%s = %q, want %q", name, read(name), want)
		}
	}
}

// TestCSAFProcessorRequirements syncs the providers of gocsaf's
// processor-requirements cases, each named after what the test server
// does: a directory or ROLIE provider, hash files enabled (sha256-,
// sha512-) or forbidden with 403 (forbid-). Each file holds what gocsaf's
// checker reports; requirement 18 (Integrity) says which hash files it
// could not fetch, which must not be among those vmc verified. All of them
// apply to a downloader: none tests an aggregator-only feature.
func TestCSAFProcessorRequirements(t *testing.T) {
	dir := feedtest.SharedData(t, "csaf/provider/processor-requirements")
	// What vmc verifies in each case, besides the signature, and always
	// imports the advisory: a signed document is imported without hash
	// files, which are only reported missing.
	want := map[string][]string{
		"directory.json":                                       nil, // .sha256 and .sha512 answer 404
		"sha256-directory.json":                                {"sha256"},
		"sha512-directory.json":                                {"sha512"},
		"sha256-sha512-directory.json":                         {"sha256", "sha512"},
		"rolie.json":                                           {"sha256", "sha512"}, // no hash links: the conventional names are tried, and served
		"sha256-rolie.json":                                    {"sha256"},           // only the linked hash file is fetched
		"sha512-rolie.json":                                    {"sha512"},
		"sha256-sha512-rolie.json":                             {"sha256", "sha512"},
		"sha256-sha512-forbid-sha256-rolie.json":               {"sha512"},
		"sha256-sha512-forbid-sha512-rolie.json":               {"sha256"},
		"sha256-sha512-forbid-sha256-forbid-sha512-rolie.json": nil,
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) != len(want) {
		t.Fatalf("%d cases in %s, %v; want the %d of the table", len(files), dir, err, len(want))
	}
	for _, file := range files {
		name := filepath.Base(file)
		wantHashes, ok := want[name]
		if !ok {
			t.Errorf("%s: no expected outcome", name)
			continue
		}
		t.Run(strings.TrimSuffix(name, ".json"), func(t *testing.T) {
			p := csafParams{
				EnableSha256: strings.Contains(name, "sha256-"),
				EnableSha512: strings.Contains(name, "sha512-"),
				ForbidSha256: strings.Contains(name, "forbid-sha256"),
				ForbidSha512: strings.Contains(name, "forbid-sha512"),
			}
			tree := "simple-rolie-provider"
			if strings.HasSuffix(name, "directory.json") {
				tree = "simple-directory-provider"
			}
			srv := newCSAFServer(t, tree, p)
			cache := t.TempDir()
			var log csafLog
			im := &imports{}
			res, err := srv.source(cache, &log).Sync(context.Background(), im.Import)
			if err != nil {
				t.Fatalf("sync: %v\n%s", err, log.String())
			}
			if len(im.paths) != 1 || len(res.Files) != 1 || res.Files[0] != srv.cached(cache) {
				t.Fatalf("imported %v, files %v; want %s", im.paths, res.Files, srv.cached(cache))
			}
			sameFile(t, srv.cached(cache), filepath.Join(srv.root, "white", "avendor-advisory-0004.json"))
			hashes := strings.Join(wantHashes, ",")
			if hashes == "" {
				hashes = "none"
			}
			verified := fmt.Sprintf(`msg="csaf document verified" document=%s%s hashes=%s signer=%s`,
				srv.URL, csafAdvisory, hashes, csafTreeFingerprint)
			if !strings.Contains(log.String(), verified) {
				t.Errorf("log lacks %s:\n%s", verified, log.String())
			}
			if n := srv.hits.count("/white/avendor-advisory-0004-not-listed.json"); n != 0 {
				t.Errorf("the advisory listed nowhere was fetched %d times", n)
			}

			reqs := csafRequirements(t, file, srv.params)
			for _, m := range reqs[18] {
				for _, alg := range wantHashes {
					if strings.Contains(m, "avendor-advisory-0004.json."+alg+" failed") {
						t.Errorf("verified %s, which gocsaf's checker could not fetch: %s", alg, m)
					}
				}
			}
			if !slices.Contains(reqs[19], "All signatures verified.") {
				t.Errorf("checker's requirement 19 is %q; the case expects good signatures", reqs[19])
			}
		})
	}
}

// csafRequirements renders a processor-requirements file and returns each
// requirement's messages by number.
func csafRequirements(t *testing.T, file string, p csafParams) map[int][]string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := template.Must(template.New(file).Parse(string(b))).Execute(&out, p); err != nil {
		t.Fatal(err)
	}
	var reqs []struct {
		Num      int
		Messages []struct{ Text string }
	}
	if err := json.Unmarshal(out.Bytes(), &reqs); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	m := map[int][]string{}
	for _, r := range reqs {
		for _, msg := range r.Messages {
			m[r.Num] = append(m[r.Num], msg.Text)
		}
	}
	return m
}

// TestCSAFIncremental syncs each provider again: nothing new is nothing
// downloaded, with a server that sends ETags (the listing is unchanged)
// and with one that does not (the watermark filters). A document
// republished later is fetched again, and Full fetches it regardless.
func TestCSAFIncremental(t *testing.T) {
	for _, tree := range []string{"simple-directory-provider", "simple-rolie-provider"} {
		for _, etag := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/etag=%v", tree, etag), func(t *testing.T) {
				srv := newCSAFServer(t, tree, csafParams{EnableSha256: true, EnableSha512: true})
				srv.etag = etag
				listing := "/white/changes.csv"
				if !srv.directory {
					listing = "/white/white-feed.json"
				}
				cache := t.TempDir()
				var log csafLog
				src := srv.source(cache, &log)
				sync := func(want int) Result {
					t.Helper()
					im := &imports{}
					res, err := src.Sync(context.Background(), im.Import)
					if err != nil {
						t.Fatalf("sync: %v\n%s", err, log.String())
					}
					if len(im.paths) != want {
						t.Fatalf("imported %v, want %d documents", im.paths, want)
					}
					return res
				}
				watermark := func(want string) {
					t.Helper()
					st, err := LoadState(filepath.Dir(srv.cached(cache)))
					if err != nil {
						t.Fatal(err)
					}
					if got := st.Watermark.Format(time.RFC3339); got != want {
						t.Errorf("watermark %s, want %s", got, want)
					}
				}

				sync(1)
				watermark("2020-01-01T00:00:00Z")
				res := sync(0)
				if n := srv.hits.count(csafAdvisory); n != 1 {
					t.Errorf("advisory fetched %d times over two syncs, want 1", n)
				}
				var wantUnchanged []string
				if etag {
					wantUnchanged = []string{srv.URL + listing}
				}
				if diff := cmp.Diff(wantUnchanged, res.Unchanged); diff != "" {
					t.Errorf("unchanged (-want +got):\n%s", diff)
				}

				// The provider republishes the advisory.
				srv.set(func(s *csafServer) {
					s.edit[listing] = func(b []byte) []byte {
						if s.directory {
							return bytes.ReplaceAll(b, []byte("2020-01-01T00:00:00+00:00"), []byte("2021-03-04T05:06:07+00:00"))
						}
						return bytes.ReplaceAll(b, []byte(`"updated": "2020-01-01T00:00:00Z"`), []byte(`"updated": "2021-03-04T05:06:07Z"`))
					}
				})
				sync(1)
				watermark("2021-03-04T05:06:07Z")
				sync(0)
				src.Full = true
				sync(1)
				if n := srv.hits.count(csafAdvisory); n != 3 {
					t.Errorf("advisory fetched %d times, want 3", n)
				}
				if extra := leftovers(t, filepath.Dir(srv.cached(cache)), "avendor-advisory-0004.json", StateFile); extra != nil {
					t.Errorf("left in the cache: %v", extra)
				}
			})
		}
	}
}

// TestCSAFRetryLater: a document that could not be fetched, or whose
// import failed, holds the watermark, and is fetched again by the next
// sync; it is not refused. The directory lists a second, newer advisory
// (a copy of the first under another name), which a failed download does
// not stop and a failed import does.
func TestCSAFRetryLater(t *testing.T) {
	tests := []struct {
		name      string
		break_    func(s *csafServer)
		fail      map[string]error
		wantErr   string
		wantFirst []string // imported by the first sync
	}{
		{
			name:      "signature answers 503",
			break_:    func(s *csafServer) { s.status[csafAdvisory+".asc"] = http.StatusServiceUnavailable },
			wantErr:   "csaf: provider %[1]s/provider-metadata.json: distributions[0].directory_url %[1]s/white/: GET %[1]s/white/avendor-advisory-0004.json.asc: 503 Service Unavailable",
			wantFirst: []string{"avendor-advisory-0005.json"},
		},
		{
			name:    "import fails",
			fail:    map[string]error{"avendor-advisory-0004.json": errors.New("store is down")},
			wantErr: "csaf: import %[2]s: store is down",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newCSAFServer(t, "simple-directory-provider", csafParams{EnableSha256: true})
			srv.set(func(s *csafServer) {
				for _, ext := range []string{"", ".asc", ".sha256", ".sha512"} {
					s.alias["/white/avendor-advisory-0005.json"+ext] = csafAdvisory + ext
				}
				s.edit["/white/changes.csv"] = func(b []byte) []byte {
					return append(b, `"avendor-advisory-0005.json","2020-06-01T00:00:00+00:00"`+"\n"...)
				}
				if tt.break_ != nil {
					tt.break_(s)
				}
			})
			cache := t.TempDir()
			var log csafLog
			src := srv.source(cache, &log)
			im := &imports{fail: tt.fail}
			_, err := src.Sync(context.Background(), im.Import)
			want := strings.NewReplacer("%[1]s", srv.URL, "%[2]s", srv.cached(cache)).Replace(tt.wantErr)
			if errString(err) != want {
				t.Fatalf("error %v\nwant  %s", err, want)
			}
			if errors.As(err, new(*CSAFRefusedError)) {
				t.Errorf("error %v is a refusal", err)
			}
			if diff := cmp.Diff(tt.wantFirst, im.paths); diff != "" {
				t.Errorf("first sync imported (-want +got):\n%s", diff)
			}
			st, err := LoadState(filepath.Dir(srv.cached(cache)))
			if err != nil || !st.Watermark.IsZero() {
				t.Errorf("watermark %v, %v; want none", st.Watermark, err)
			}

			srv.set(func(s *csafServer) { clear(s.status) })
			im = &imports{}
			if _, err := src.Sync(context.Background(), im.Import); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"avendor-advisory-0004.json", "avendor-advisory-0005.json"}, im.paths); diff != "" {
				t.Errorf("second sync imported (-want +got):\n%s", diff)
			}
		})
	}
}

// csafTestKey is a signing key the tests make, for documents the tree's
// key did not sign: its private half was left out of the corpus.
var csafTestKey = sync.OnceValues(func() (*openpgp.Entity, error) {
	created := func() time.Time { return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC) }
	return openpgp.NewEntity("vmc test", "", "test@example.com", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA, Time: created})
})

// publish makes s serve doc as the advisory, with matching hash files and
// a signature by key, which the metadata lists in place of the tree's.
func (s *csafServer) publish(t *testing.T, doc []byte, key *openpgp.Entity) {
	t.Helper()
	var pub, sig bytes.Buffer
	w, err := armor.Encode(&pub, openpgp.PublicKeyType, nil)
	if err == nil {
		err = key.Serialize(w)
	}
	if err == nil {
		err = w.Close()
	}
	if err == nil {
		signed := func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) }
		err = openpgp.ArmoredDetachSign(&sig, key, bytes.NewReader(doc), &packet.Config{Time: signed})
	}
	if err != nil {
		t.Fatal(err)
	}
	fp := fmt.Sprintf("%X", key.PrimaryKey.Fingerprint)
	s256, s512 := sha256.Sum256(doc), sha512.Sum512(doc)
	s.set(func(s *csafServer) {
		s.edit[csafAdvisory] = func([]byte) []byte { return doc }
		s.edit[csafAdvisory+".asc"] = func([]byte) []byte { return sig.Bytes() }
		s.edit[csafAdvisory+".sha256"] = func([]byte) []byte { return fmt.Appendf(nil, "%x  avendor-advisory-0004.json\n", s256) }
		s.edit[csafAdvisory+".sha512"] = func([]byte) []byte { return fmt.Appendf(nil, "%x  avendor-advisory-0004.json\n", s512) }
		s.edit["/openpgp/pubkey.asc"] = func([]byte) []byte { return pub.Bytes() }
		s.editJSON(t, "/provider-metadata.json", func(m map[string]any) {
			m["public_openpgp_keys"].([]any)[0].(map[string]any)["fingerprint"] = fp
		})
	})
}

// editJSON changes a JSON file as decoded. Call it under s.mu.
func (s *csafServer) editJSON(t *testing.T, path string, f func(m map[string]any)) {
	prev := s.edit[path]
	s.edit[path] = func(b []byte) []byte {
		if prev != nil {
			b = prev(b)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Errorf("%s: %v", path, err)
			return b
		}
		f(m)
		b, _ = json.Marshal(m)
		return b
	}
}

// advisory is the tree's advisory, with each old, new pair of strings
// replaced.
func (s *csafServer) advisory(t *testing.T, oldNew ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(s.root, filepath.FromSlash(csafAdvisory)))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(oldNew); i += 2 {
		if !bytes.Contains(b, []byte(oldNew[i])) {
			t.Fatalf("advisory lacks %q", oldNew[i])
		}
		b = bytes.Replace(b, []byte(oldNew[i]), []byte(oldNew[i+1]), 1)
	}
	return b
}

const csafWhite = `"label": "WHITE"`

// TestCSAFDocuments: what becomes of one document in a provider that
// serves it wrong, or labelled for a TLP not imported.
func TestCSAFDocuments(t *testing.T) {
	key, err := csafTestKey()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		rolie bool
		setup func(t *testing.T, s *csafServer, src *CSAF)
		// wantErr is the reason of the one refusal, wantMsg in its
		// message; with neither the advisory is imported.
		wantErr error
		wantMsg string
		wantLog string
		// wantNone: nothing refused, nothing imported.
		wantNone bool
		// wantURL is the path of the document refused (default the
		// advisory's).
		wantURL string
	}{
		{
			name: "tampered document",
			setup: func(t *testing.T, s *csafServer, _ *CSAF) {
				doc := s.advisory(t, "Auto generated", "Hand edited")
				s.set(func(s *csafServer) { s.edit[csafAdvisory] = func([]byte) []byte { return doc } })
			},
			wantErr: ErrCSAFHash,
			wantMsg: "the document's sha256 is ",
		},
		{
			name: "tampered document, hash files updated",
			setup: func(t *testing.T, s *csafServer, _ *CSAF) {
				doc := s.advisory(t, "Auto generated", "Hand edited")
				s256, s512 := sha256.Sum256(doc), sha512.Sum512(doc)
				s.set(func(s *csafServer) {
					s.edit[csafAdvisory] = func([]byte) []byte { return doc }
					s.edit[csafAdvisory+".sha256"] = func([]byte) []byte { return fmt.Appendf(nil, "%x  x.json\n", s256) }
					s.edit[csafAdvisory+".sha512"] = func([]byte) []byte { return fmt.Appendf(nil, "%x  x.json\n", s512) }
				})
			},
			wantErr: ErrCSAFSignature,
			wantMsg: "bad signature: openpgp: invalid signature",
		},
		{
			name: "signed by a key the provider does not list",
			setup: func(t *testing.T, s *csafServer, _ *CSAF) {
				var sig bytes.Buffer
				doc := s.advisory(t)
				if err := openpgp.ArmoredDetachSign(&sig, key, bytes.NewReader(doc), nil); err != nil {
					t.Fatal(err)
				}
				s.set(func(s *csafServer) { s.edit[csafAdvisory+".asc"] = func([]byte) []byte { return sig.Bytes() } })
			},
			wantErr: ErrCSAFSignature,
			wantMsg: "bad signature: openpgp: signature made by unknown entity",
		},
		{
			name: "key expired",
			setup: func(_ *testing.T, _ *csafServer, src *CSAF) {
				src.Now = func() time.Time { return time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC) }
			},
			wantErr: ErrCSAFSignature,
			wantMsg: "bad signature: openpgp: key expired",
		},
		{
			name: "signature garbled",
			setup: func(_ *testing.T, s *csafServer, _ *CSAF) {
				s.set(func(s *csafServer) {
					s.edit[csafAdvisory+".asc"] = func([]byte) []byte { return []byte("not armored") }
				})
			},
			wantErr: ErrCSAFSignature,
		},
		{
			name: "unsigned, trusted provider",
			setup: func(_ *testing.T, s *csafServer, _ *CSAF) {
				s.set(func(s *csafServer) { s.status[csafAdvisory+".asc"] = http.StatusNotFound })
			},
			wantErr: ErrCSAFUnsigned,
			wantMsg: "no signature: GET https://127.0.0.1:PORT/white/avendor-advisory-0004.json.asc: 404 Not Found; a csaf_trusted_provider must sign every document (CSAF 2.0 section 7.1.19)",
		},
		{
			name: "unsigned, provider",
			setup: func(t *testing.T, s *csafServer, _ *CSAF) {
				s.set(func(s *csafServer) {
					s.status[csafAdvisory+".asc"] = http.StatusNotFound
					s.editJSON(t, "/provider-metadata.json", func(m map[string]any) { m["role"] = "csaf_provider" })
				})
			},
			wantErr: ErrCSAFUnsigned,
			wantMsg: "404 Not Found; vmc imports only signed documents unless --insecure-unsigned",
		},
		{
			name: "unsigned, allowed",
			setup: func(_ *testing.T, s *csafServer, src *CSAF) {
				s.set(func(s *csafServer) { s.status[csafAdvisory+".asc"] = http.StatusNotFound })
				src.InsecureUnsigned = true
			},
			wantLog: `msg="csaf document unsigned; imported as --insecure-unsigned allows"`,
		},
		{
			name: "hash file garbled",
			setup: func(_ *testing.T, s *csafServer, _ *CSAF) {
				s.set(func(s *csafServer) {
					s.edit[csafAdvisory+".sha256"] = func([]byte) []byte { return []byte("cb263bf1  avendor-advisory-0004.json\n") }
				})
			},
			wantErr: ErrCSAFHash,
			wantMsg: `avendor-advisory-0004.json.sha256: "cb263bf1" is not 64 hex digits`,
		},
		{
			name: "no hash file",
			setup: func(_ *testing.T, s *csafServer, _ *CSAF) {
				s.set(func(s *csafServer) {
					s.status[csafAdvisory+".sha256"] = http.StatusNotFound
					s.status[csafAdvisory+".sha512"] = http.StatusGone
				})
			},
			wantLog: `msg="csaf document has no hash file; a csaf_trusted_provider must publish one (CSAF 2.0 section 7.1.18)"`,
		},
		{
			name: "document redirected to http",
			setup: func(_ *testing.T, s *csafServer, _ *CSAF) {
				s.set(func(s *csafServer) {
					s.moved[csafAdvisory] = "http://" + strings.TrimPrefix(s.URL, "https://") + csafAdvisory
				})
			},
			wantErr: ErrCSAFURL,
			wantMsg: "URL refused: redirect to http://127.0.0.1:PORT/white/avendor-advisory-0004.json: not https",
		},
		{
			name: "document missing",
			setup: func(_ *testing.T, s *csafServer, _ *CSAF) {
				s.set(func(s *csafServer) { s.status[csafAdvisory] = http.StatusNotFound })
			},
			wantMsg: "GET https://127.0.0.1:PORT/white/avendor-advisory-0004.json: 404 Not Found",
		},
		{
			name: "document too large",
			// The metadata, key, hash and signature files are smaller; the
			// advisory is 4 kB.
			setup:   func(_ *testing.T, _ *csafServer, src *CSAF) { src.Client.MaxBytes = 2000 },
			wantErr: ErrTooLarge,
		},
		{
			name: "not JSON",
			setup: func(t *testing.T, s *csafServer, _ *CSAF) {
				b, err := os.ReadFile(feedtest.SharedData(t, "csaf/provider/csaf-documents/trailing-garbage-data/avendor-advisory-0004.json"))
				if err != nil {
					t.Fatal(err)
				}
				s.publish(t, b, key)
			},
			wantErr: ErrCSAFInvalid,
			wantMsg: "invalid character 'i' after top-level value",
		},
		{
			name: "not CSAF",
			setup: func(t *testing.T, s *csafServer, _ *CSAF) {
				s.publish(t, []byte(`{"document": {"csaf_version": "1.2"}}`), key)
			},
			wantErr: ErrCSAFInvalid,
			wantMsg: "no document.csaf_version 2.0",
		},
		{
			name: "GREEN document in the WHITE directory",
			setup: func(t *testing.T, s *csafServer, src *CSAF) {
				s.publish(t, s.advisory(t, csafWhite, `"label": "GREEN"`), key)
				src.TLP = []string{"WHITE", "GREEN"}
			},
			wantErr: ErrCSAFTLP,
			wantMsg: "labelled TLP:GREEN in the TLP:WHITE directory https://127.0.0.1:PORT/white/",
		},
		{
			name: "CLEAR document in the WHITE directory",
			setup: func(t *testing.T, s *csafServer, _ *CSAF) {
				s.publish(t, s.advisory(t, csafWhite, `"label": "CLEAR"`), key)
			},
		},
		{
			name: "unlabelled document in the WHITE directory",
			setup: func(t *testing.T, s *csafServer, _ *CSAF) {
				s.publish(t, s.advisory(t, `"tlp": {
        "label": "WHITE",
        "url": "https://www.first.org/tlp/v1/"
      }`, `"text": "no TLP"`), key)
			},
		},
		{
			name:  "GREEN feed skipped",
			rolie: true,
			setup: func(t *testing.T, s *csafServer, _ *CSAF) {
				s.set(func(s *csafServer) {
					s.editJSON(t, "/provider-metadata.json", func(m map[string]any) { csafFeed(m)["tlp_label"] = "GREEN" })
				})
			},
			wantLog:  `msg="csaf distribution skipped for its TLP label" distribution="ROLIE feed https://127.0.0.1:PORT/white/white-feed.json" tlp=GREEN imported=WHITE`,
			wantNone: true,
		},
		{
			name:  "GREEN feed imported",
			rolie: true,
			setup: func(t *testing.T, s *csafServer, src *CSAF) {
				s.publish(t, s.advisory(t, csafWhite, `"label": "GREEN"`), key)
				s.set(func(s *csafServer) {
					s.editJSON(t, "/provider-metadata.json", func(m map[string]any) { csafFeed(m)["tlp_label"] = "GREEN" })
				})
				src.TLP = []string{"green"}
			},
		},
		{
			name:  "GREEN document in an UNLABELED feed",
			rolie: true,
			setup: func(t *testing.T, s *csafServer, _ *CSAF) {
				s.publish(t, s.advisory(t, csafWhite, `"label": "GREEN"`), key)
				s.set(func(s *csafServer) {
					s.editJSON(t, "/provider-metadata.json", func(m map[string]any) { csafFeed(m)["tlp_label"] = "UNLABELED" })
				})
			},
			wantErr: ErrCSAFTLP,
			wantMsg: "TLP:GREEN is not imported (imported: WHITE)",
		},
		{
			name:  "hidden file name",
			rolie: true,
			setup: func(_ *testing.T, s *csafServer, _ *CSAF) {
				s.set(func(s *csafServer) {
					s.edit["/white/white-feed.json"] = func(b []byte) []byte {
						return bytes.Replace(b, []byte("/white/avendor-advisory-0004.json\""), []byte("/white/.avendor-advisory-0004.json\""), 1)
					}
				})
			},
			wantErr: ErrCSAFURL,
			wantMsg: `URL refused: file name ".avendor-advisory-0004.json" is not a CSAF file name (section 5.1)`,
			wantURL: "/white/.avendor-advisory-0004.json",
		},
		{
			name:  "feed links a hash file of an unknown kind",
			rolie: true,
			setup: func(_ *testing.T, s *csafServer, _ *CSAF) {
				s.set(func(s *csafServer) {
					s.edit["/white/white-feed.json"] = func(b []byte) []byte {
						return bytes.Replace(b, []byte(`"rel": "signature"`), []byte(`"rel": "hash", "href": "x.md5"}, {"rel": "signature"`), 1)
					}
				})
			},
			wantLog: `msg="csaf hash file of an unknown algorithm ignored"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree := "simple-directory-provider"
			if tt.rolie {
				tree = "simple-rolie-provider"
			}
			srv := newCSAFServer(t, tree, csafParams{EnableSha256: true, EnableSha512: true})
			cache := t.TempDir()
			var log csafLog
			src := srv.source(cache, &log)
			if tt.setup != nil {
				tt.setup(t, srv, src)
			}
			im := &imports{}
			_, err := src.Sync(context.Background(), im.Import)
			port := strings.NewReplacer(srv.URL, "https://127.0.0.1:PORT", "http"+strings.TrimPrefix(srv.URL, "https"), "http://127.0.0.1:PORT").Replace
			if tt.wantErr == nil && tt.wantMsg == "" {
				if err != nil {
					t.Fatalf("sync: %v\n%s", err, log.String())
				}
				if n := len(im.paths); tt.wantNone && (n != 0 || srv.hits.count(csafAdvisory) != 0) || !tt.wantNone && n != 1 {
					t.Errorf("imported %v, advisory fetched %d times", im.paths, srv.hits.count(csafAdvisory))
				}
			} else {
				var re *CSAFRefusedError
				if !errors.As(err, &re) || err != error(re) {
					t.Fatalf("error %v, want only refusals\n%s", err, log.String())
				}
				wantURL := srv.URL + csafAdvisory
				if tt.wantURL != "" {
					wantURL = srv.URL + tt.wantURL
				}
				if len(re.Refused) != 1 || re.Documents != 1 || re.Refused[0].URL != wantURL {
					t.Fatalf("refused %v of %d, want the advisory of 1", re.Refused, re.Documents)
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Errorf("error %v, want %v", err, tt.wantErr)
				}
				if got := port(re.Refused[0].Err.Error()); !strings.Contains(got, tt.wantMsg) {
					t.Errorf("refusal %q lacks %q", got, tt.wantMsg)
				}
				if len(im.paths) != 0 {
					t.Errorf("imported %v", im.paths)
				}
				if _, err := os.Stat(srv.cached(cache)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("refused advisory in the cache: %v", err)
				}
				// A refusal does not hold the watermark back.
				if st, err := LoadState(filepath.Dir(srv.cached(cache))); err != nil || st.Watermark.IsZero() {
					t.Errorf("watermark %v, %v; want the advisory's time", st.Watermark, err)
				}
			}
			if !strings.Contains(port(log.String()), tt.wantLog) {
				t.Errorf("log lacks %s:\n%s", tt.wantLog, log.String())
			}
		})
	}
}

// csafFeed is the first ROLIE feed of decoded provider metadata.
func csafFeed(m map[string]any) map[string]any {
	d := m["distributions"].([]any)[0].(map[string]any)
	return d["rolie"].(map[string]any)["feeds"].([]any)[0].(map[string]any)
}

// csafProviderSchema compiles the CSAF 2.0 provider-metadata schema from
// the corpus, with the CSAF and FIRST schemas it references mapped to
// their copies there.
func csafProviderSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	dir := feedtest.SharedData(t, "csaf/schema")
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for u, f := range map[string]string{
		"https://docs.oasis-open.org/csaf/csaf/v2.0/provider_json_schema.json": "provider_json_schema.json",
		"https://docs.oasis-open.org/csaf/csaf/v2.0/csaf_json_schema.json":     "csaf_json_schema.json",
		"https://www.first.org/cvss/cvss-v2.0.json":                            "first/cvss-v2.0.json",
		"https://www.first.org/cvss/cvss-v3.0.json":                            "first/cvss-v3.0.json",
		"https://www.first.org/cvss/cvss-v3.1.json":                            "first/cvss-v3.1.json",
	} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err == nil {
			err = c.AddResource(u, doc)
		}
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
	}
	s, err := c.Compile("https://docs.oasis-open.org/csaf/csaf/v2.0/provider_json_schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestCSAFProviders finds provider metadata by URL and by domain, and
// refuses metadata that lacks what a sync needs. Each change to the
// metadata is also judged by the CSAF provider schema, which agrees except
// where vmc asks for more (distributions) or the fault lies beyond the
// file (keys, URLs that are not https).
func TestCSAFProviders(t *testing.T) {
	schema := csafProviderSchema(t)
	publisher := func(m map[string]any) map[string]any { return m["publisher"].(map[string]any) }
	key := func(m map[string]any) map[string]any { return m["public_openpgp_keys"].([]any)[0].(map[string]any) }
	tests := []struct {
		name string
		// provider is what the source is given, with the server's URL as
		// %[1]s and its host as %[2]s; default its provider-metadata.json.
		provider string
		setup    func(s *csafServer)
		// metadata changes provider-metadata.json as decoded.
		metadata func(m map[string]any)
		insecure bool
		// wantErr is in the error, with %[1]s and %[2]s as in provider;
		// "" when the advisory is imported.
		wantErr string
		// schemaValid is the schema's verdict on the changed metadata.
		schemaValid bool
	}{
		{name: "provider-metadata.json URL"},
		{
			name:     "domain, .well-known",
			provider: "%[2]s",
			setup:    func(s *csafServer) { s.alias["/.well-known/csaf/provider-metadata.json"] = "/provider-metadata.json" },
		},
		{
			name:     "base URL, security.txt",
			provider: "%[1]s/some/path/",
			setup:    func(s *csafServer) { s.alias["/.well-known/security.txt"] = "/security.txt" },
		},
		{
			name:     "security.txt naming a missing file first",
			provider: "%[2]s",
			setup: func(s *csafServer) {
				s.alias["/.well-known/security.txt"] = "/security.txt"
				s.edit["/.well-known/security.txt"] = func([]byte) []byte {
					return []byte("# comment\nContact: mailto:security@example.com\nCSAF: " + s.URL + "/gone/provider-metadata.json\ncsaf: /provider-metadata.json\n")
				}
			},
		},
		{
			name:     "no provider-metadata.json at the domain",
			provider: "%[1]s",
			wantErr: "csaf: provider %[1]s: no usable provider metadata: none found; tried GET %[1]s/.well-known/csaf/provider-metadata.json: 404 Not Found; " +
				"GET %[1]s/.well-known/security.txt: 404 Not Found; https://csaf.data.security.127.0.0.1/: not tried for an IP address",
		},
		{
			name:     "no provider-metadata.json at the URL",
			provider: "%[1]s/csaf/provider-metadata.json",
			wantErr:  "csaf: provider %[1]s/csaf/provider-metadata.json: no usable provider metadata: GET %[1]s/csaf/provider-metadata.json: 404 Not Found",
		},
		{
			name:     "not https",
			provider: "http://%[2]s/provider-metadata.json",
			wantErr:  "csaf: provider http://%[2]s/provider-metadata.json: URL refused: http://%[2]s/provider-metadata.json: not an https URL (CSAF 2.0 section 7.1.3 requires TLS)",
		},
		{
			name: "not JSON",
			setup: func(s *csafServer) {
				s.edit["/provider-metadata.json"] = func([]byte) []byte { return []byte("<html>") }
			},
			wantErr: "csaf: provider %[1]s/provider-metadata.json: no usable provider metadata: %[1]s/provider-metadata.json: invalid character '<' looking for beginning of value",
		},
		{
			name:    "key missing",
			setup:   func(s *csafServer) { s.status["/openpgp/pubkey.asc"] = http.StatusNotFound },
			wantErr: "csaf: provider %[1]s/provider-metadata.json: no usable OpenPGP key: public_openpgp_keys[0]: GET %[1]s/openpgp/pubkey.asc: 404 Not Found",
		},
		{
			name:     "canonical_url missing",
			metadata: func(m map[string]any) { delete(m, "canonical_url") },
			wantErr:  "csaf: provider %[1]s/provider-metadata.json: no usable provider metadata: %[1]s/provider-metadata.json: canonical_url: missing",
		},
		{
			name:     "canonical_url not the file",
			metadata: func(m map[string]any) { m["canonical_url"] = "https://example.com/csaf/" },
			wantErr:  `canonical_url: "https://example.com/csaf/" is not an absolute URL ending in /provider-metadata.json`,
		},
		{
			name:        "distributions missing",
			metadata:    func(m map[string]any) { delete(m, "distributions") },
			wantErr:     "distributions: none, so nothing to fetch",
			schemaValid: true,
		},
		{
			name:     "distribution empty",
			metadata: func(m map[string]any) { m["distributions"] = []any{map[string]any{}} },
			wantErr:  "distributions[0]: neither directory_url nor rolie",
		},
		{
			name:     "last_updated missing",
			metadata: func(m map[string]any) { delete(m, "last_updated") },
			wantErr:  "last_updated: missing",
		},
		{
			name:     "last_updated not a date-time",
			metadata: func(m map[string]any) { m["last_updated"] = "2020-01-01" },
			wantErr:  `last_updated: "2020-01-01" is not an RFC 3339 date-time`,
		},
		{
			name:     "metadata_version missing",
			metadata: func(m map[string]any) { delete(m, "metadata_version") },
			wantErr:  "metadata_version: missing",
		},
		{
			name:     "metadata_version 2.1",
			metadata: func(m map[string]any) { m["metadata_version"] = "2.1" },
			wantErr:  `metadata_version: "2.1", want 2.0`,
		},
		{
			name:     "publisher missing",
			metadata: func(m map[string]any) { delete(m, "publisher") },
			wantErr:  "publisher: missing",
		},
		{
			name:     "publisher category",
			metadata: func(m map[string]any) { publisher(m)["category"] = "Vendor" },
			wantErr:  `publisher.category: "Vendor" is not a publisher category`,
		},
		{
			name:     "publisher namespace",
			metadata: func(m map[string]any) { publisher(m)["namespace"] = "example.com" },
			wantErr:  `publisher.namespace: "example.com" is not an absolute URL`,
		},
		{
			name:     "role missing",
			metadata: func(m map[string]any) { delete(m, "role") },
			wantErr:  "role: missing",
		},
		{
			name:     "role unknown",
			metadata: func(m map[string]any) { m["role"] = "csaf_aggregator" },
			wantErr:  `role: "csaf_aggregator" is not csaf_publisher, csaf_provider or csaf_trusted_provider`,
		},
		{
			name: "feed label unknown",
			metadata: func(m map[string]any) {
				m["distributions"] = []any{map[string]any{"rolie": map[string]any{"feeds": []any{map[string]any{"tlp_label": "CLEAR", "url": "https://example.com/feed.json"}}}}}
			},
			wantErr: `distributions[0].rolie.feeds[0].tlp_label: "CLEAR" is not UNLABELED, WHITE, GREEN, AMBER or RED`,
		},
		{
			// The advisory is fetched and imported once. The feed links it
			// relative to itself.
			name: "directory and feed list the same advisory",
			setup: func(s *csafServer) {
				s.edit["/white/feed.json"] = func([]byte) []byte {
					return []byte(`{"feed": {"entry": [{"link": [{"rel": "self", "href": "avendor-advisory-0004.json"}], "updated": "2020-01-01T00:00:00Z"}, {"id": "no link"}]}}`)
				}
			},
			metadata: func(m map[string]any) {
				feed := strings.TrimSuffix(m["canonical_url"].(string), "provider-metadata.json") + "white/feed.json"
				m["distributions"] = append(m["distributions"].([]any), map[string]any{"rolie": map[string]any{"feeds": []any{map[string]any{"tlp_label": "WHITE", "url": feed}}}})
			},
			schemaValid: true,
		},
		{
			name:     "fingerprint not hex",
			metadata: func(m map[string]any) { key(m)["fingerprint"] = "security@example.com" },
			wantErr:  `public_openpgp_keys[0].fingerprint: "security@example.com" is not 40 or more hex digits`,
		},
		{
			name:     "fingerprint of another key",
			metadata: func(m map[string]any) { key(m)["fingerprint"] = strings.Repeat("0", 40) },
			wantErr: "csaf: provider %[1]s/provider-metadata.json: no usable OpenPGP key: public_openpgp_keys[0]: %[1]s/openpgp/pubkey.asc holds the key " +
				csafTreeFingerprint + ", not 0000000000000000000000000000000000000000 as stated",
			schemaValid: true,
		},
		{
			name:        "fingerprint not stated",
			metadata:    func(m map[string]any) { delete(key(m), "fingerprint") },
			schemaValid: true,
		},
		{
			name:        "no keys",
			metadata:    func(m map[string]any) { delete(m, "public_openpgp_keys") },
			wantErr:     "csaf: provider %[1]s/provider-metadata.json: no usable OpenPGP key: public_openpgp_keys lists none, so no signature can be checked (--insecure-unsigned imports the documents unchecked)",
			schemaValid: true,
		},
		{
			name:        "no keys, insecure",
			metadata:    func(m map[string]any) { delete(m, "public_openpgp_keys") },
			insecure:    true,
			schemaValid: true,
		},
		{
			name: "directory not https",
			metadata: func(m map[string]any) {
				m["distributions"] = []any{map[string]any{"directory_url": "http://example.com/white/"}}
			},
			wantErr:     "csaf: provider %[1]s/provider-metadata.json: distributions[0].directory_url http://example.com/white/: URL refused: http://example.com/white/: not an https URL (CSAF 2.0 section 7.1.3 requires TLS)",
			schemaValid: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newCSAFServer(t, "simple-directory-provider", csafParams{})
			expand := strings.NewReplacer("%[1]s", srv.URL, "%[2]s", strings.TrimPrefix(srv.URL, "https://"))
			srv.set(func(s *csafServer) {
				if tt.setup != nil {
					tt.setup(s)
				}
				if tt.metadata != nil {
					s.editJSON(t, "/provider-metadata.json", tt.metadata)
				}
			})
			cache := t.TempDir()
			var log csafLog
			src := srv.source(cache, &log)
			src.InsecureUnsigned = tt.insecure
			if tt.provider != "" {
				src.Providers = []string{expand.Replace(tt.provider)}
			}
			im := &imports{}
			_, err := src.Sync(context.Background(), im.Import)
			want := expand.Replace(tt.wantErr)
			switch {
			case tt.wantErr == "" && (err != nil || len(im.paths) != 1 || srv.hits.count(csafAdvisory) != 1):
				t.Errorf("imported %v, error %v, advisory fetched %d times; want it once\n%s", im.paths, err, srv.hits.count(csafAdvisory), log.String())
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), want)):
				t.Errorf("error %v\nwant  %s", err, want)
			case tt.wantErr != "" && len(im.paths) != 0:
				t.Errorf("imported %v", im.paths)
			}

			if tt.metadata == nil {
				return
			}
			resp, err := srv.Client().Get(srv.URL + "/provider-metadata.json")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			md, err := jsonschema.UnmarshalJSON(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			verr := schema.Validate(md)
			if valid := verr == nil; valid != tt.schemaValid {
				t.Errorf("schema says valid=%v (%v), want %v", valid, verr, tt.schemaValid)
			}
		})
	}
}

// TestCSAFChanges reads changes.csv lines, good and bad.
func TestCSAFChanges(t *testing.T) {
	var log csafLog
	r, err := (&CSAF{Log: slog.New(slog.NewTextHandler(&log, nil))}).newRun(nil, &Result{})
	if err != nil {
		t.Fatal(err)
	}
	base, _ := csafHTTPS("https://example.com/.well-known/csaf/white/")
	body := `"2023/a-1.json","2023-01-02T03:04:05+00:00"
"2023/a-1.json","2023-06-02T00:00:00Z"
2022/b-2.json, 2022-12-31T23:59:59+01:00
"../green/c-3.json","2023-01-01T00:00:00Z"
"https://elsewhere.example/d-4.json","2023-01-01T00:00:00Z"
"e-5.json"
"f-6.json","yesterday"
"g "7.json","2023-01-01T00:00:00Z"
"h-8.json","2023-01-01T00:00:00.5Z"
`
	got := r.changes([]byte(body), base, "https://example.com/.well-known/csaf/white/changes.csv")
	type entry struct {
		URL     string
		Updated string
	}
	var gotEntries []entry
	for _, e := range got {
		gotEntries = append(gotEntries, entry{e.url, e.updated.UTC().Format(time.RFC3339Nano)})
	}
	want := []entry{
		{"https://example.com/.well-known/csaf/white/2023/a-1.json", "2023-06-02T00:00:00Z"},
		{"https://example.com/.well-known/csaf/white/2022/b-2.json", "2022-12-31T22:59:59Z"},
		{"https://example.com/.well-known/csaf/white/h-8.json", "2023-01-01T00:00:00.5Z"},
	}
	if diff := cmp.Diff(want, gotEntries); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
	var refused []string
	for _, rf := range r.refused {
		refused = append(refused, rf.Error())
	}
	wantRefused := []string{
		`../green/c-3.json: URL refused: "../green/c-3.json" is outside the directory https://example.com/.well-known/csaf/white/`,
		`https://elsewhere.example/d-4.json: URL refused: "https://elsewhere.example/d-4.json" is outside the directory https://example.com/.well-known/csaf/white/`,
	}
	if diff := cmp.Diff(wantRefused, refused); diff != "" {
		t.Errorf("refused (-want +got):\n%s", diff)
	}
	for _, w := range []string{
		`line=6 problem="1 fields, want path and time"`,
		`line=7 problem="time \"yesterday\" is not RFC 3339"`,
		`line=8 problem="parse error on line 8, column 4: extraneous or missing \" in quoted-field"`,
	} {
		if !strings.Contains(log.String(), w) {
			t.Errorf("log lacks %s:\n%s", w, log.String())
		}
	}
}

func TestCSAFParseSum(t *testing.T) {
	const hex64 = "cb263bf1beab18b893de63f2966d0d8c5f38d60101c24d3fd7a5feebaad02c3b"
	tests := []struct {
		name, in, wantErr string
	}{
		{name: "sha256sum", in: hex64 + "  avendor-advisory-0004.json\n"},
		{name: "digest only", in: hex64},
		{name: "upper case, binary mark", in: strings.ToUpper(hex64) + " *avendor-advisory-0004.json\r\n"},
		{name: "empty", in: "\n", wantErr: "empty"},
		{name: "short", in: hex64[:63], wantErr: `"cb263bf1beab18b893de63f2966d0d8c5f38d60101c24d3fd7a5feebaad02c3" is not 64 hex digits`},
		{name: "sha512 length", in: hex64 + hex64, wantErr: "is not 64 hex digits"},
		{name: "not hex", in: "SHA256 (a.json) = " + hex64, wantErr: `"SHA256" is not 64 hex digits`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum, err := csafParseSum([]byte(tt.in), sha256.Size)
			if !strings.Contains(errString(err), tt.wantErr) || (tt.wantErr == "") != (err == nil) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if err == nil && fmt.Sprintf("%x", sum) != hex64 {
				t.Errorf("sum %x, want %s", sum, hex64)
			}
		})
	}
}

func TestCSAFValidate(t *testing.T) {
	tests := []struct {
		name    string
		src     CSAF
		wantErr string
	}{
		{name: "ok", src: CSAF{Providers: []string{"example.com"}, Dir: "d", TLP: []string{"clear", "TLP:GREEN", "UNLABELED"}}},
		{name: "no provider", src: CSAF{Dir: "d"}, wantErr: "csaf: no provider: name a provider-metadata.json URL or a domain"},
		{name: "no dir", src: CSAF{Providers: []string{"example.com"}}, wantErr: "csaf: no cache directory"},
		{name: "bad TLP", src: CSAF{Providers: []string{"example.com"}, Dir: "d", TLP: []string{"AMBER+STRICT"}},
			wantErr: `csaf: TLP label "AMBER+STRICT": want WHITE (or CLEAR), GREEN, AMBER, RED or UNLABELED`},
	}
	for _, tt := range tests {
		if got := errString(tt.src.Validate()); got != tt.wantErr {
			t.Errorf("%s: error %q, want %q", tt.name, got, tt.wantErr)
		}
	}
}
