package federation_test

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/api"
	"github.com/vmc-dev/vmc/internal/federation"
	"github.com/vmc-dev/vmc/internal/feed/feedtest"
	feedosv "github.com/vmc-dev/vmc/internal/feed/osv"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/peer"
	"github.com/vmc-dev/vmc/internal/publish/publishtest"
	publishstix "github.com/vmc-dev/vmc/internal/publish/stix"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/postgres"
	"github.com/vmc-dev/vmc/internal/store/postgres/pgtest"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
	"github.com/vmc-dev/vmc/internal/store/sqlstore"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// osvRecords reads the first n records of a shared OSV archive.
func osvRecords(t testing.TB, rel string, n int) []advisory.Record {
	t.Helper()
	zr, err := zip.OpenReader(feedtest.SharedData(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []advisory.Record
	for _, f := range zr.File {
		if len(out) == n {
			break
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		for rec, err := range feedosv.Parse(f.Name, rc) {
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			if rec.Withdrawn.IsZero() {
				out = append(out, rec)
			}
		}
		rc.Close()
	}
	return out
}

// node is one vmc on loopback: its store, its HTTP server and its
// federation.
type node struct {
	name string
	s    store.Store
	url  string
	fed  *federation.Node
}

const key = "a federation key for the tests"

func startNode(t *testing.T, name string, s store.Store) *node {
	t.Helper()
	srv := httptest.NewServer((&api.Server{Store: s, Matcher: &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Federation: api.Federation{Origin: name}}).Handler())
	t.Cleanup(srv.Close)
	sealer, err := peer.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	return &node{name: name, s: s, url: srv.URL, fed: &federation.Node{Store: s, Self: name, Sealer: sealer, HTTP: srv.Client()}}
}

func openSQLite(t *testing.T) store.Store {
	return openSQLiteAt(t, filepath.Join(t.TempDir(), "vmc.db"))
}

// addPeer stores a peer; the store's merges place it by its trust level
// from then on.
func (n *node) addPeer(t *testing.T, p peer.Peer) {
	t.Helper()
	if err := n.s.PutPeer(context.Background(), p, "", false, "admin"); err != nil {
		t.Fatal(err)
	}
}

func osvPeer(name string, to *node, trust peer.Trust) peer.Peer {
	return peer.Peer{Name: name, Kind: peer.OSV, URL: to.url + "/", Trust: trust}
}

func taxiiPeer(name string, to *node, trust peer.Trust) peer.Peer {
	return peer.Peer{Name: name, Kind: peer.TAXII, URL: to.url + "/taxii2/vmc/", Collection: federation.DefaultCollection.ID, Trust: trust}
}

// round publishes and pulls once on every node, and returns what every
// pull stored plus the versions published.
func round(t *testing.T, nodes []*node) (stored, published int, pulls map[string]peer.Pull) {
	t.Helper()
	ctx := context.Background()
	pulls = map[string]peer.Pull{}
	for _, n := range nodes {
		res, err := n.fed.PublishSTIX(ctx)
		if err != nil {
			t.Fatalf("%s: publish: %v", n.name, err)
		}
		published += res.Versions
	}
	for _, n := range nodes {
		ps, err := n.s.Peers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			res, err := n.fed.Pull(ctx, p.Name)
			if err != nil {
				t.Fatalf("%s pulls %s: %v", n.name, p.Name, err)
			}
			pulls[n.name+"<-"+p.Name] = res
			stored += res.Stored
		}
	}
	return stored, published, pulls
}

func vulnCount(t *testing.T, s store.Store) int {
	t.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Vulnerabilities
}

func sources(v advisory.Vulnerability) []string {
	var out []string
	for _, s := range v.Sources {
		out = append(out, s.Source+"/"+s.Record)
	}
	sort.Strings(out)
	return out
}

// TestFederation runs three vmcs on loopback, A and B on SQLite and C on
// PostgreSQL, each pulling from both others (OSV and TAXII, every trust
// level), and checks what the issue asks: no duplicates, provenance that
// names the peer, the trust ranking, incremental pulls that fetch
// nothing new, and no ping-pong over several rounds.
func TestFederation(t *testing.T) {
	ctx := context.Background()
	goRecs := osvRecords(t, "osv/Go/all.zip", 120)
	crates := osvRecords(t, "osv/crates.io/all.zip", 80)
	// C carries the first 30 Go records too, with its own wording.
	var cRecs []advisory.Record
	for _, r := range goRecs[:30] {
		r.Descriptions = []advisory.Text{{Lang: "en", Value: "C's analysis of " + r.ID}}
		cRecs = append(cRecs, r)
	}

	pg, err := postgres.Open(ctx, pgtest.NewDatabase(t), postgres.Options{Migrate: true, Options: sqlstore.Options{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pg.Close() })
	a, b, c := startNode(t, "a", openSQLite(t)), startNode(t, "b", openSQLite(t)), startNode(t, "c", pg)
	for _, x := range []struct {
		n    *node
		recs []advisory.Record
	}{{a, goRecs}, {b, crates}, {c, cRecs}} {
		if _, err := x.n.s.PutRecords(ctx, x.recs); err != nil {
			t.Fatal(err)
		}
	}
	// The reference: one store that imported every node's records.
	ref := openSQLite(t)
	for _, recs := range [][]advisory.Record{goRecs, crates} {
		if _, err := ref.PutRecords(ctx, recs); err != nil {
			t.Fatal(err)
		}
	}
	want := vulnCount(t, ref)

	a.addPeer(t, osvPeer("b", b, peer.Standard))
	a.addPeer(t, taxiiPeer("c", c, peer.Low))
	b.addPeer(t, osvPeer("a", a, peer.Authority))
	b.addPeer(t, osvPeer("c", c, peer.Low))
	c.addPeer(t, taxiiPeer("a", a, peer.Standard))
	c.addPeer(t, osvPeer("b", b, peer.Standard))

	var history []string
	settled := -1
	for i := range 6 {
		stored, published, pulls := round(t, []*node{a, b, c})
		history = append(history, fmt.Sprintf("round %d: stored %d, published %d: %+v", i+1, stored, published, pulls))
		switch {
		case stored == 0 && published == 0 && settled < 0:
			// Nothing changed this round; the next rounds' pulls may still
			// list what this round's pulls changed, and find it unchanged.
			settled = i
		case settled >= 0 && (stored != 0 || published != 0):
			t.Fatalf("changes after settling (ping-pong):\n%s", strings.Join(history, "\n"))
		case settled >= 0 && i > settled:
			// Incremental pulls a round after settling list nothing: the
			// index and added_after offer no change.
			for k, p := range pulls {
				if p.Listed != 0 || p.Fetched != 0 {
					t.Errorf("round %d: %s listed %d, fetched %d after nothing changed", i+1, k, p.Listed, p.Fetched)
				}
			}
		}
		if settled >= 0 && i >= settled+2 {
			break
		}
	}
	if settled < 0 || settled > 3 {
		t.Fatalf("did not settle within 4 rounds:\n%s", strings.Join(history, "\n"))
	}
	t.Logf("settled after %d rounds:\n%s", settled, strings.Join(history, "\n"))

	// No duplicates: every node holds exactly the vulnerabilities of the
	// reference.
	for _, n := range []*node{a, b, c} {
		if got := vulnCount(t, n.s); got != want {
			t.Errorf("%s holds %d vulnerabilities, want %d (the reference's)", n.name, got, want)
		}
	}

	// Provenance: B's copy of a Go record is A's, under "peer:a" with
	// A's id for it (A's primary id, a CVE where there is one) and the
	// upstream ids as aliases; A never holds its own records back from a
	// peer.
	only := goRecs[100]
	v, err := b.s.Vuln(ctx, only.ID, store.VulnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := sources(v); !slices.Contains(got, "peer:a/"+v.ID) || !slices.Contains(v.Aliases, only.ID) {
		t.Errorf("B's %s: sources %v, aliases %v; want peer:a/%s and the alias", only.ID, got, v.Aliases, v.ID)
	}
	for _, r := range goRecs[30:] {
		v, err := a.s.Vuln(ctx, r.ID, store.VulnOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range v.Sources {
			if peer.IsPeerSource(s.Source) {
				t.Errorf("A's own %s came back from %s (a loop)", r.ID, s.Source)
			}
		}
	}
	// A crate reached A from B directly and, through C, relayed: C's copy
	// carries B as its origin.
	crate := crates[0]
	v, err = a.s.Vuln(ctx, crate.ID, store.VulnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := sources(v); !slices.Contains(got, "peer:b/"+v.ID) || !slices.Contains(got, "peer:c/"+v.ID) {
		t.Errorf("A's %s: sources %v, want peer:b/%s and peer:c/%s", crate.ID, got, v.ID, v.ID)
	}
	if prs, err := a.s.PeerRecords(ctx, "peer:c", []string{v.ID}); err != nil || prs[v.ID].Origin != "b" {
		t.Errorf("A's copy of %s from C: %+v, %v; want origin b", crate.ID, prs, err)
	}

	// Trust: the first 30 Go records are A's and C's, both from the
	// source "osv". On A, C is low: A's own wording wins. On B, A is an
	// authority and C low: A's wins. On C, A is standard, which ranks
	// before the aggregators (osv among them): A's wins over C's own.
	shared := goRecs[0]
	for _, x := range []struct {
		n      *node
		source string
		prefix string
	}{{a, "osv", ""}, {b, "peer:a", ""}, {c, "peer:a", ""}} {
		v, err := x.n.s.Vuln(ctx, shared.ID, store.VulnOptions{})
		if err != nil {
			t.Fatal(err)
		}
		f, ok := v.Field(advisory.FieldDescription, "en")
		if !ok {
			t.Fatalf("%s: %s has no description", x.n.name, shared.ID)
		}
		var text string
		json.Unmarshal(f.Chosen().Value, &text)
		if f.Chosen().Source != x.source || (x.prefix != "" && !strings.HasPrefix(text, x.prefix)) || (x.prefix == "" && strings.HasPrefix(text, "C's")) {
			var all []string
			for _, cl := range f.Claims {
				all = append(all, cl.Source)
			}
			t.Errorf("%s: %s description chosen from %s (%.30q), want %s; claims from %v", x.n.name, shared.ID, f.Chosen().Source, text, x.source, all)
		}
	}
	// Swapping trust changes the ranking: with C an authority on A, C's
	// wording wins on A.
	a.addPeer(t, func() peer.Peer { p := taxiiPeer("c", c, peer.Authority); return p }())
	v, err = a.s.Vuln(ctx, shared.ID, store.VulnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := v.Field(advisory.FieldDescription, "en"); f.Chosen().Source != "peer:c" {
		t.Errorf("with C an authority, A chose %s", f.Chosen().Source)
	}

	// The published collection validates against the STIX 2.1 schemas
	// and STIX's cross-object rules.
	checkCollection(t, a.s)
}

// checkCollection validates the latest version of every object of the
// published collection as one bundle.
func checkCollection(t *testing.T, s store.Store) {
	t.Helper()
	var objs []json.RawMessage
	next := ""
	for {
		page, err := s.STIXObjects(context.Background(), store.STIXQuery{Collection: federation.DefaultCollection.ID, Next: next, Limit: store.MaxSTIXLimit})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Objects {
			objs = append(objs, o.Object)
		}
		if !page.More {
			break
		}
		next = page.Next
	}
	types := map[string]int{}
	for _, o := range objs {
		var x struct {
			Type   string `json:"type"`
			Origin string `json:"x_vmc_origin"`
		}
		json.Unmarshal(o, &x)
		types[x.Type]++
	}
	if types["vulnerability"] == 0 || types["software"] == 0 || types["relationship"] == 0 || types["identity"] != 1 {
		t.Fatalf("collection holds %v", types)
	}
	bundle, _ := json.Marshal(map[string]any{"type": "bundle", "id": "bundle--6f7e2c1a-3b5d-4e8f-9a0b-1c2d3e4f5a6b", "objects": objs})
	if err := publishtest.STIXSchema(t)(bundle); err != nil {
		t.Errorf("schema: %v", err)
	}
	if err := publishstix.Check(bundle); err != nil {
		t.Errorf("check: %v", err)
	}
}

// TestPeerTrustLive changes peers through one replica's store while
// another merges, on both databases: a peer added, its trust level
// raised, then the peer removed each count at the other replica's next
// merge, with no restart and no call to tell it.
func TestPeerTrustLive(t *testing.T) {
	ctx := context.Background()
	rec := osvRecords(t, "osv/Go/all.zip", 1)[0]
	hq := rec
	hq.Source, hq.Descriptions = peer.SourcePrefix+"hq", []advisory.Text{{Lang: "en", Value: "hq's analysis of " + rec.ID}}
	hq.Titles = []advisory.Text{{Lang: "en", Value: "hq's title for " + rec.ID}}
	for _, db := range []struct {
		name string
		open func(t *testing.T) (store.Store, store.Store)
	}{
		{"sqlite", func(t *testing.T) (store.Store, store.Store) {
			path := filepath.Join(t.TempDir(), "vmc.db")
			return openSQLiteAt(t, path), openSQLiteAt(t, path)
		}},
		{"postgres", func(t *testing.T) (store.Store, store.Store) {
			url := pgtest.NewDatabase(t)
			return openPostgresAt(t, url), openPostgresAt(t, url)
		}},
	} {
		t.Run(db.name, func(t *testing.T) {
			one, two := db.open(t)
			if _, err := one.PutRecords(ctx, []advisory.Record{rec, hq}); err != nil {
				t.Fatal(err)
			}
			chosen := func(want string) {
				t.Helper()
				v, err := one.Vuln(ctx, rec.ID, store.VulnOptions{})
				if err != nil {
					t.Fatal(err)
				}
				f, _ := v.Field(advisory.FieldDescription, "en")
				if got := f.Chosen().Source; got != want {
					t.Errorf("description chosen from %s, want %s", got, want)
				}
				// The list's summary, written when the records were, is
				// rewritten when the peer's place changes.
				page, err := one.ListVulns(ctx, store.VulnQuery{Text: rec.ID})
				if err != nil || len(page.Items) != 1 || len(page.Items[0].Titles) == 0 {
					t.Fatalf("ListVulns(%s) = %+v, %v", rec.ID, page, err)
				}
				if title, fromHQ := page.Items[0].Titles[0].Value, want == hq.Source; strings.HasPrefix(title, "hq's") != fromHQ {
					t.Errorf("list title %q; want hq's: %v", title, fromHQ)
				}
			}
			p := peer.Peer{Name: "hq", Kind: peer.OSV, URL: "https://vmc.hq.example/", Trust: peer.Low}
			for _, step := range []struct {
				do   func() error
				want string
			}{
				// Unknown to the merge order, peer:hq ranks after osv.
				{func() error { return nil }, rec.Source},
				{func() error { return two.PutPeer(ctx, p, "", false, "admin") }, rec.Source},
				{func() error {
					p.Trust = peer.Authority
					return two.PutPeer(ctx, p, "", false, "admin")
				}, hq.Source},
				{func() error { return two.DeletePeer(ctx, "hq", "admin") }, rec.Source},
			} {
				if err := step.do(); err != nil {
					t.Fatal(err)
				}
				chosen(step.want)
			}
		})
	}
}

func openSQLiteAt(t *testing.T, path string) store.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path, sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openPostgresAt(t *testing.T, url string) store.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url, postgres.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkVulnDetail reads one vulnerability's merged view from SQLite
// with three peers stored: since merges read the peers' trust levels at
// each merge, this is what a detail page costs the store.
func BenchmarkVulnDetail(b *testing.B) {
	ctx := context.Background()
	recs := osvRecords(b, "osv/Go/all.zip", 120)
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.PutRecords(ctx, recs); err != nil {
		b.Fatal(err)
	}
	for i, tr := range peer.Trusts {
		p := peer.Peer{Name: fmt.Sprintf("p%d", i), Kind: peer.OSV, URL: "https://vmc.example/", Trust: tr}
		if err := s.PutPeer(ctx, p, "", false, "admin"); err != nil {
			b.Fatal(err)
		}
	}
	for i := 0; b.Loop(); i++ {
		if _, err := s.Vuln(ctx, recs[i%len(recs)].ID, store.VulnOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
