// Command assets is the asset-matching benchmark: it stores and matches
// the components of many assets against a database that already holds the
// imported advisory corpus, in four timed phases, and prints one line per
// phase. bench/assets.sh prepares the database, runs this several times
// and prints the table.
//
// The assets are synthesised from real inventories, never invented:
//
//   - every CycloneDX SBOM under DATA/cyclonedx/examples/SBOM (JSON and XML,
//     including the entries of juice-shop/via_npm.zip), every SPDX document
//     in DATA/spdx, and every input under internal/sbom/*/testdata (lockfiles,
//     SBOMs, OS package lists; golden, fuzz and README files left out);
//   - the go.mod files of up to -gomod modules in the Go module cache
//     (-gomodcache), those with the most requirements, ties in path order:
//     real module graphs, of whatever modules that cache holds (so this
//     part of the pool differs between machines; -list shows it);
//   - OS package lists are parsed as their release where the corpus or the
//     file says it: dpkg/status as Debian:12 (its README), ubi8-s390x.txt as
//     AlmaLinux:8 (a RHEL 8 rebuild with the same package names and NEVRAs,
//     so that the AlmaLinux errata in the corpus are exercised); the other
//     lists go through sbom.ParseAny and get no ecosystem, as vmc would
//     without a release.
//
// The pool is sorted by name, documents that yield no component are dropped,
// and asset i takes pool[i % len(pool)]. Each asset then drops a random
// -drop fraction (default 10%) of its components, from a PCG generator
// seeded with (-seed, i), so that no two assets that share a document hold
// the same components, and the run is the same every time. Components that
// asset.Component.Validate refuses are dropped too (the store would refuse
// the whole set), and counted. Assets cycle through the environments,
// criticalities and exposures, so risk assessment and SLA policy lookup
// see every value. Documents are read into memory before phase A: file I/O
// is not what is measured.
//
// Phases, each over all assets in the same order:
//
//	A  parse every inventory and apply the variation: the floor
//	B  store each asset and its components (PutAsset, SetComponents),
//	   no matching; the re-parse feeding it is not timed
//	C  match and reconcile findings for each asset (ingest.Matcher.Asset,
//	   what `vmc asset import` does after storing): the measured figure
//	D  the same again: findings exist, so reconcile mostly refreshes them
//
// Output lines, for bench/assets.sh:
//
//	phase NAME seconds S cpu_seconds S assets N components N matches N opened N moved N problems N peak_heap_mib M
//	findings total N open N
//	memory peak_heap_mib M heap_sys_mib M sys_mib M
//
// and, after phases C and D, up to five distinct matching problems as
// "problem C: ..." lines.
//
// seconds is the timed work's wall time; cpu_seconds is the process's
// CPU time over the whole phase loop (for B it includes the untimed
// re-parse). peak_heap is the largest live heap (runtime/metrics heap objects)
// sampled every 10 ms; SQLite's own memory is outside the Go heap, so
// peak RSS comes from /usr/bin/time around the whole program.
package main

import (
	"archive/zip"
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/ingest"
	"github.com/vmc-dev/vmc/internal/sbom"
	"github.com/vmc-dev/vmc/internal/sbom/ospkg"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/postgres"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
	"github.com/vmc-dev/vmc/internal/store/sqlstore"
)

// doc is one real inventory document of the pool.
type doc struct {
	name   string // path under its root; zip entries as "archive.zip!entry"
	data   []byte
	distro string // for OS package lists: the release to parse as
	kind   asset.Kind
	n      int // components, as parsed
}

func (d doc) parse() (sbom.Inventory, error) {
	if d.distro != "" {
		return ospkg.Options{Distro: d.distro}.Parse(d.name, bytes.NewReader(d.data))
	}
	return sbom.ParseAny(d.name, bytes.NewReader(d.data))
}

// distros names the release of OS package lists whose release is known;
// see the package comment.
var distros = map[string]string{
	"ospkg/testdata/dpkg/status":        "Debian:12",
	"ospkg/testdata/rpm/ubi8-s390x.txt": "AlmaLinux:8",
}

type config struct {
	db, data, repo, gomodcache string
	assets, gomod, first       int
	phases                     string
	drop                       float64
	seed                       uint64
	cpuprofile                 string
	list                       bool
}

func main() {
	var c config
	flag.StringVar(&c.db, "db", "", "SQLite database file, or a postgres:// URL, holding the imported corpus (it gains the assets and findings)")
	flag.StringVar(&c.data, "data", "../shared/data", "the shared data directory")
	flag.StringVar(&c.repo, "repo", ".", "the vmc repository (for internal/sbom/*/testdata)")
	flag.StringVar(&c.gomodcache, "gomodcache", "", "Go module cache to take go.mod files from (empty: none)")
	flag.IntVar(&c.gomod, "gomod", 40, "at most this many go.mod files from the module cache")
	flag.IntVar(&c.assets, "assets", 1000, "assets to synthesise")
	flag.IntVar(&c.first, "first", 0, "number of the first asset (bench-NNNN): bench/load.sh adds assets in resumable chunks")
	flag.StringVar(&c.phases, "phases", "ABCD", "the phases to run, in order (bench/load.sh builds its corpus with BC)")
	flag.Float64Var(&c.drop, "drop", 0.10, "fraction of each asset's components dropped at random")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the variation")
	flag.StringVar(&c.cpuprofile, "cpuprofile", "", "write a CPU profile of phase C to this file")
	flag.BoolVar(&c.list, "list", false, "list the pool of inventories and exit")
	flag.Parse()
	if err := run(context.Background(), c, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "assets:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, c config, out io.Writer) error {
	pool, err := loadPool(c)
	if err != nil {
		return err
	}
	if c.list {
		total := 0
		for _, d := range pool {
			fmt.Fprintf(out, "%6d  %-12s %s\n", d.n, cmp.Or(d.distro, "-"), d.name)
			total += d.n
		}
		fmt.Fprintf(out, "%d documents, %d components\n", len(pool), total)
		return nil
	}
	if c.db == "" {
		return errors.New("-db is required")
	}
	s, err := openStore(ctx, c.db)
	if err != nil {
		return err
	}
	defer s.Close()
	if st, err := s.Stats(ctx); err != nil {
		return err
	} else if st.Vulnerabilities == 0 {
		return fmt.Errorf("%s holds no vulnerabilities: import the corpus first", c.db)
	}

	peak := startHeapSampler()
	b := bench{c: c, pool: pool, peak: peak, out: out}

	// A: the floor.
	if err := b.phase("A", func(i int, inv sbom.Inventory, p *phaseStats) error { return nil }); err != nil {
		return err
	}

	// B: store, no matching.
	assets := make([]asset.Asset, c.first+c.assets)
	if err := b.phase("B", func(i int, inv sbom.Inventory, p *phaseStats) error {
		t := time.Now()
		a, err := s.PutAsset(ctx, b.asset(i))
		if err != nil {
			return err
		}
		if _, err := s.SetComponents(ctx, a.ID, pool[i%len(pool)].name, inv.Components); err != nil {
			return fmt.Errorf("asset %s: %w", a.Name, err)
		}
		p.timed += time.Since(t)
		assets[i] = a
		return nil
	}); err != nil {
		return err
	}

	m := &ingest.Matcher{Store: s, Precedence: advisory.DefaultPrecedence}
	match := func(source string) func(int, sbom.Inventory, *phaseStats) error {
		return func(i int, _ sbom.Inventory, p *phaseStats) error {
			t := time.Now()
			_, o, err := m.Asset(ctx, assets[i], nil, source)
			if err != nil {
				return err
			}
			p.timed += time.Since(t)
			p.matches += o.Matches
			p.opened += o.Opened
			p.moved += o.Moved
			p.problems += len(o.Problems)
			for _, pr := range o.Problems {
				if len(p.samples) < 5 && !slices.Contains(p.samples, pr) {
					p.samples = append(p.samples, pr)
				}
			}
			return nil
		}
	}

	// C: match and reconcile, the measured figure.
	if c.cpuprofile != "" {
		f, err := os.Create(c.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	err = b.phase("C", match("inventory"))
	if c.cpuprofile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return err
	}

	// D: re-match everything.
	if err := b.phase("D", match("re-match")); err != nil {
		return err
	}

	total, open, err := countFindings(ctx, s)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "findings total %d open %d\n", total, open)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Fprintf(out, "memory peak_heap_mib %.1f heap_sys_mib %.1f sys_mib %.1f\n",
		mib(peak.all.Load()), mib(ms.HeapSys), mib(ms.Sys))
	return nil
}

type bench struct {
	c      config
	out    io.Writer
	pool   []doc
	peak   *heapSampler
	stored int // components stored in phase B: what C and D match
}

type phaseStats struct {
	timed                                                 time.Duration
	components, matches, opened, moved, problems, dropped int
	samples                                               []string // the first distinct problems
}

// asset is the i-th synthetic asset, before the store assigns its id.
func (b *bench) asset(i int) asset.Asset {
	d := b.pool[i%len(b.pool)]
	envs := []asset.Environment{asset.EnvProd, asset.EnvStaging, asset.EnvTest, asset.EnvDev}
	crits := []asset.Criticality{asset.CritLow, asset.CritMedium, asset.CritHigh, asset.CritCritical}
	exps := []asset.Exposure{asset.ExpInternet, asset.ExpInternal, asset.ExpIsolated}
	return asset.Asset{
		Name:        fmt.Sprintf("bench-%04d", i),
		Kind:        d.kind,
		Team:        fmt.Sprintf("team-%d", i%7),
		Environment: envs[i%len(envs)],
		Criticality: crits[i/4%len(crits)],
		Exposure:    exps[i%len(exps)],
		Tags:        []string{"bench", filepath.Base(d.name)},
	}
}

// inventory parses the i-th asset's document and applies its variation.
func (b *bench) inventory(i int, p *phaseStats) (sbom.Inventory, error) {
	d := b.pool[i%len(b.pool)]
	inv, err := d.parse()
	if err != nil {
		return inv, err
	}
	r := rand.New(rand.NewPCG(b.c.seed, uint64(i)))
	// Filtering in place is safe: the slice is this parse's own.
	inv.Components = slices.DeleteFunc(inv.Components, func(c asset.Component) bool {
		if c.Validate() != nil {
			p.dropped++
			return true
		}
		return r.Float64() < b.c.drop
	})
	p.components += len(inv.Components)
	return inv, nil
}

// phase runs fn for every asset. Phase A times parsing (fn does nothing);
// the others time only what fn adds to p.timed, so parsing the input is
// outside their figure.
func (b *bench) phase(name string, fn func(int, sbom.Inventory, *phaseStats) error) error {
	runtime.GC()
	b.peak.reset()
	var p phaseStats
	start, cpu0 := time.Now(), cpuTime()
	if !strings.Contains(b.c.phases, name) {
		return nil
	}
	for i := b.c.first; i < b.c.first+b.c.assets; i++ {
		var inv sbom.Inventory
		if name == "A" || name == "B" {
			var err error
			if inv, err = b.inventory(i, &p); err != nil {
				return err
			}
		}
		if err := fn(i, inv, &p); err != nil {
			return fmt.Errorf("phase %s: %w", name, err)
		}
	}
	secs, cpu := time.Since(start), cpuTime()-cpu0
	if name != "A" {
		secs = p.timed
	}
	if name == "C" || name == "D" {
		p.components = b.stored
	}
	if name == "B" {
		b.stored = p.components
	}
	fmt.Fprintf(b.out, "phase %s seconds %.3f cpu_seconds %.3f assets %d components %d matches %d opened %d moved %d problems %d dropped_invalid %d peak_heap_mib %.1f\n",
		name, secs.Seconds(), cpu.Seconds(), b.c.assets, p.components, p.matches, p.opened, p.moved, p.problems, p.dropped, mib(b.peak.max.Load()))
	for _, pr := range p.samples {
		fmt.Fprintf(b.out, "problem %s: %s\n", name, pr)
	}
	return nil
}

// openStore opens the database holding the corpus: a postgres:// URL, or
// else a SQLite file. It migrates the schema, as `vmc asset import` would:
// a corpus imported by an older vmc gains this one's indexes.
func openStore(ctx context.Context, db string) (store.Store, error) {
	opts := sqlstore.Options{Precedence: advisory.DefaultPrecedence}
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		return postgres.Open(ctx, db, postgres.Options{Migrate: true, Options: opts})
	}
	return sqlite.Open(ctx, db, sqlite.Options{Migrate: true, Options: opts})
}

// cpuTime is the process's user and system CPU time so far. On a shared
// machine it moves less than wall time when other work competes for the
// cores; it counts every thread, the garbage collector's too.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func mib[T int64 | uint64](n T) float64 { return float64(n) / (1 << 20) }

// countFindings pages through every finding.
func countFindings(ctx context.Context, s store.Store) (total, open int, err error) {
	for _, onlyOpen := range []bool{false, true} {
		n := 0
		q := store.FindingQuery{Limit: 1000, Open: onlyOpen}
		for {
			page, err := s.ListFindings(ctx, q)
			if err != nil {
				return 0, 0, err
			}
			n += len(page.Items)
			if page.Next == 0 {
				break
			}
			q.After = page.Next
		}
		if onlyOpen {
			open = n
		} else {
			total = n
		}
	}
	return total, open, nil
}

// heapSampler records the largest live heap seen since the last reset
// (max) and in the whole run (all).
type heapSampler struct{ max, all atomic.Int64 }

func startHeapSampler() *heapSampler {
	h := &heapSampler{}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		for range time.Tick(10 * time.Millisecond) {
			metrics.Read(sample)
			v := int64(sample[0].Value.Uint64())
			for _, m := range []*atomic.Int64{&h.max, &h.all} {
				for {
					old := m.Load()
					if v <= old || m.CompareAndSwap(old, v) {
						break
					}
				}
			}
		}
	}()
	return h
}

func (h *heapSampler) reset() { h.max.Store(0) }

// loadPool reads every inventory document of the pool into memory, parses
// each once to count its components, and sorts them by name.
func loadPool(c config) ([]doc, error) {
	var pool []doc
	add := func(name string, data []byte) {
		d := doc{name: name, data: data, kind: asset.KindApplication}
		for suffix, distro := range distros {
			if strings.HasSuffix(name, suffix) {
				d.distro = distro
			}
		}
		if strings.Contains(name, "ospkg/") {
			d.kind = asset.KindHost
		}
		pool = append(pool, d)
	}
	walk := func(root, rel string, keep func(string) bool) error {
		return filepath.WalkDir(filepath.Join(root, rel), func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if e.IsDir() || !keep(p) {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			name, _ := filepath.Rel(root, p)
			if strings.HasSuffix(p, ".zip") {
				return addZip(name, data, add)
			}
			add(name, data)
			return nil
		})
	}
	all := func(string) bool { return true }
	if err := walk(c.data, "cyclonedx/examples/SBOM", all); err != nil {
		return nil, err
	}
	if err := walk(c.data, "spdx", func(p string) bool { return !strings.HasSuffix(p, "schema.json") }); err != nil {
		return nil, err
	}
	testdata := func(p string) bool {
		return strings.Contains(p, "/testdata/") && !strings.Contains(p, "/golden/") && !strings.Contains(p, "/fuzz/") &&
			!strings.HasSuffix(p, "README.md") && !strings.Contains(p, "/os-release/") && !strings.Contains(p, "/openvex/")
	}
	if err := walk(filepath.Join(c.repo, "internal"), "sbom", testdata); err != nil {
		return nil, err
	}
	var gomods []doc
	if c.gomodcache != "" && c.gomod > 0 {
		err := filepath.WalkDir(c.gomodcache, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return nil // the cache has read-only and odd corners; skip them
			}
			if e.IsDir() && (e.Name() == "cache" || e.Name() == "testdata") {
				return filepath.SkipDir
			}
			if e.IsDir() || e.Name() != "go.mod" {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return nil
			}
			name, _ := filepath.Rel(c.gomodcache, p)
			d := doc{name: "gomodcache/" + name, data: data, kind: asset.KindApplication}
			if inv, err := d.parse(); err == nil {
				d.n = len(inv.Components)
			}
			gomods = append(gomods, d)
			return nil
		})
		if err != nil {
			return nil, err
		}
		slices.SortStableFunc(gomods, func(a, b doc) int { return cmp.Or(b.n-a.n, strings.Compare(a.name, b.name)) })
		pool = append(pool, gomods[:min(len(gomods), c.gomod)]...)
	}
	kept := pool[:0]
	for _, d := range pool {
		inv, err := d.parse()
		if err != nil || len(inv.Components) == 0 {
			continue // not an inventory (a VEX, a go.sum) or an empty one
		}
		d.n = len(inv.Components)
		kept = append(kept, d)
	}
	pool = kept
	slices.SortFunc(pool, func(a, b doc) int { return strings.Compare(a.name, b.name) })
	if len(pool) == 0 {
		return nil, fmt.Errorf("no inventories found under %s and %s", c.data, c.repo)
	}
	return pool, nil
}

// addZip adds every file of a zip archive.
func addZip(name string, data []byte, add func(string, []byte)) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("%s: %s: %w", name, f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, sbom.MaxSize+1))
		rc.Close()
		if err != nil {
			return fmt.Errorf("%s: %s: %w", name, f.Name, err)
		}
		add(name+"!"+f.Name, b)
	}
	return nil
}
