package storetest

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/vmc-dev/vmc/internal/attackpath"
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
