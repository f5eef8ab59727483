package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/attackpath"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/risk"
	"github.com/vmc-dev/vmc/internal/store"
)

// testAttackPaths stores a model twice (the second replaces the first),
// then two analyses read back whole, the newest as the latest; every write
// is audited and a write nobody makes is refused.
func testAttackPaths(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	if _, err := s.LatestAttackAnalysis(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("latest of none: %v", err)
	}
	m := store.AttackModel{Name: "dmz", Format: "mulval", Source: "attackerLocated(internet).\n"}
	if _, err := s.PutAttackModel(ctx, m, ""); err == nil {
		t.Error("a model nobody imports")
	}
	if _, err := s.PutAttackModel(ctx, store.AttackModel{Name: "x", Format: "yaml"}, "alice"); !errors.Is(err, attackpath.ErrInvalid) {
		t.Errorf("unknown format: %v", err)
	}
	if _, err := s.PutAttackModel(ctx, m, "alice"); err != nil {
		t.Fatal(err)
	}
	c.tick()
	m.Source, m.Format = `{"attackers": ["internet"]}`, "json"
	if _, err := s.PutAttackModel(ctx, m, "bob"); err != nil {
		t.Fatal(err)
	}
	got, err := s.AttackModel(ctx, "dmz")
	if err != nil || got.Source != m.Source || got.Format != "json" || got.By != "bob" || !got.Updated.Equal(c.now()) {
		t.Errorf("model %+v, %v", got, err)
	}
	if _, err := s.AttackModel(ctx, "none"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no model: %v", err)
	}
	list, err := s.ListAttackModels(ctx)
	if err != nil || len(list) != 1 || list[0].Name != "dmz" || list[0].Source != "" {
		t.Errorf("list %+v, %v", list, err)
	}
	var ids []int64
	for i, goals := range [][]string{{"execCode(a,root)"}, {"execCode(a,root)", "execCode(b,user)"}} {
		c.tick()
		a := store.AttackAnalysis{Model: "dmz", Inventory: i == 1, Notes: []string{"finding 3: left out"},
			Report: attackpath.AttackReport{Goals: goals, Graph: attackpath.AttackGraph{Nodes: []attackpath.AttackNode{{ID: 0, Kind: attackpath.NodeOR, Label: goals[0], Goal: true}}},
				Fixes: &attackpath.AttackFixPlan{Exact: true, Fixes: []attackpath.AttackFix{{Kind: "patch", Fact: attackpath.StatedFact{Pred: "vulExists", Args: []string{"a", "v", "p", "remoteExploit", "privEscalation"}}}}}}}
		x, err := s.AddAttackAnalysis(ctx, a, "alice")
		if err != nil || x.ID == 0 || !x.At.Equal(c.now()) {
			t.Fatalf("analysis %d: %+v, %v", i, x, err)
		}
		ids = append(ids, x.ID)
	}
	a, err := s.AttackAnalysis(ctx, ids[0])
	if err != nil || len(a.Report.Goals) != 1 || a.Inventory || a.By != "alice" || a.Report.Fixes == nil || a.Report.Fixes.Fixes[0].Fact.Args[1] != "v" {
		t.Errorf("analysis %+v, %v", a, err)
	}
	latest, err := s.LatestAttackAnalysis(ctx)
	if err != nil || latest.ID != ids[1] || len(latest.Report.Goals) != 2 || !latest.Inventory || latest.Notes[0] != "finding 3: left out" {
		t.Errorf("latest %+v, %v", latest, err)
	}
	if _, err := s.AttackAnalysis(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no analysis: %v", err)
	}
	for obj, want := range map[string]int{"attackmodel:dmz": 2, "attackanalysis:" + strconv.FormatInt(ids[1], 10): 1} {
		es, err := s.AuditOf(ctx, obj)
		if err != nil || len(es) != want {
			t.Errorf("audit of %s: %d entries, %v; want %d", obj, len(es), err, want)
		}
	}
}

// testAttackPathMarks stores inventory analyses that put findings on
// paths: each replaces the marks of the one before (a finding no longer on
// a path loses its mark, reported in Unmarked), an analysis of a model
// alone leaves them, a mark without goals or of a deleted finding is not
// kept, and the marks are read by the finding's asset and vulnerability.
func testAttackPathMarks(t *testing.T, open Opener) {
	s, c := openWithClock(t, open)
	ctx := context.Background()
	put(t, s, goRecord())
	var (
		assets []asset.Asset
		ids    []int64
		vuln   string // the primary id the finding carries
	)
	for _, name := range []string{"web1", "db1"} {
		a, err := s.PutAsset(ctx, asset.Asset{Name: name, Kind: asset.KindHost})
		if err != nil {
			t.Fatal(err)
		}
		c.tick()
		chs := reconcile(t, s, a, finding.Scan{At: c.now(), Source: "inventory"}, ginMatch("1.5.0", "GO-2020-0001"))
		assets, ids, vuln = append(assets, a), append(ids, chs[0].Finding.ID), chs[0].Finding.Vuln
	}
	path := "internet → web1 (GO-2020-0001) → db1 (GO-2020-0001)"
	add := func(inventory bool, on ...store.FindingOnPath) store.AttackAnalysis {
		t.Helper()
		c.tick()
		x, err := s.AddAttackAnalysis(ctx, store.AttackAnalysis{Inventory: inventory, OnPaths: on}, "alice")
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	marks := func(i int) map[string]risk.AttackPathInput {
		t.Helper()
		m, err := s.AttackPathMarks(ctx, assets[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	on := func(id int64, goals ...string) store.FindingOnPath {
		return store.FindingOnPath{FindingID: id, Goals: goals, Path: path}
	}

	first := add(true, on(ids[0], "execCode(db1,root)", "execCode(db1,user)"), on(ids[1], "execCode(db1,root)"), on(ids[1]+99, "execCode(db1,root)"))
	if len(first.Unmarked) != 0 {
		t.Errorf("first analysis unmarks %v", first.Unmarked)
	}
	want := risk.AttackPathInput{Goals: []string{"execCode(db1,root)", "execCode(db1,user)"}, Path: path, Analysis: "attack-path analysis " + strconv.FormatInt(first.ID, 10)}
	if got := marks(0); !reflect.DeepEqual(got, map[string]risk.AttackPathInput{vuln: want}) {
		t.Errorf("marks of web1: %+v, want %+v", got, want)
	}
	// A model without the inventory says nothing of the findings.
	add(false)
	if got := marks(1); len(got) != 1 {
		t.Errorf("marks of db1 after a model analysis: %+v", got)
	}
	// The next inventory analysis keeps web1's finding on a path (with no
	// goals for db1's, which is no mark) and takes db1's mark away.
	second := add(true, on(ids[0], "execCode(db1,root)"), on(ids[1]))
	if !slices.Equal(second.Unmarked, []int64{ids[1]}) {
		t.Errorf("second analysis unmarks %v, want [%d]", second.Unmarked, ids[1])
	}
	if got := marks(0)[vuln]; got.Analysis != "attack-path analysis "+strconv.FormatInt(second.ID, 10) || len(got.Goals) != 1 {
		t.Errorf("web1's mark after the second analysis: %+v", got)
	}
	if got := marks(1); len(got) != 0 {
		t.Errorf("db1 still marked: %+v", got)
	}
	third := add(true)
	if !slices.Equal(third.Unmarked, []int64{ids[0]}) || len(marks(0)) != 0 {
		t.Errorf("third analysis unmarks %v, want [%d]; web1 marks %+v", third.Unmarked, ids[0], marks(0))
	}
}
