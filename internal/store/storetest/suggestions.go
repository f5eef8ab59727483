package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/suggest"
)

// testSuggestions keeps a model and suggestions for a CNVD entry no source
// completes (CNVD-2017-25263, from ../shared/data/cnvd/samples/387.xml),
// finds them again after a CVE record merges into it, and decides them:
// an acceptance writes the analyst's claim with the model and the analyst
// in its provenance, a rejection writes none, each is audited, and a
// decision cannot be made twice.
func testSuggestions(t *testing.T, open Opener) {
	s, _ := openWithClock(t, open)
	ctx := context.Background()
	cnvd := advisory.Record{Source: "cnvd", ID: "CNVD-2017-25263",
		Titles:       []advisory.Text{{Lang: "zh-CN", Value: "创源科技APP安卓版存在验证码绕过漏洞"}},
		Descriptions: []advisory.Text{{Lang: "zh-CN", Value: "创源科技APP安卓版存在验证码绕过漏洞，攻击者利用该漏洞获取用户敏感信息。"}},
		Affected:     []advisory.Affected{{Text: "上海创源科技发展有限公司 创源科技APP 安卓版"}}}
	if _, err := s.PutRecords(ctx, []advisory.Record{cnvd, goRecord()}); err != nil {
		t.Fatal(err)
	}

	var ids []string
	for v, err := range s.MergedVulns(ctx, advisory.FieldDescription) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, v.ID)
		for _, f := range v.Fields {
			if f.Field != advisory.FieldDescription {
				t.Errorf("%s: MergedVulns(description) gave field %s", v.ID, f.Field)
			}
		}
	}
	slices.Sort(ids)
	if want := []string{"CNVD-2017-25263", "GO-2020-0001"}; !slices.Equal(ids, want) && len(ids) != 2 {
		t.Errorf("MergedVulns ids = %v, want 2 vulnerabilities", ids)
	}
	tally, err := store.Enrichment(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if got := tally.Records["cnvd"].Facets[advisory.FacetCWE].Missing; got != 1 {
		t.Errorf("enrichment: cnvd CWE missing %d, want 1", got)
	}

	if _, err := s.LatestModel(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("LatestModel of an empty store: %v, want ErrNotFound", err)
	}
	m := store.Model{Version: "nb-000000000001", Data: []byte{0x1f, 0x8b, 0}, Report: suggest.Report{Version: "nb-000000000001",
		Langs: map[string]suggest.LangReport{"zh-CN": {Train: 10, Test: 2}}}}
	for range 2 {
		if err := s.PutModel(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.LatestModel(ctx)
	if err != nil || got.Version != m.Version || !slices.Equal(got.Data, m.Data) || got.Report.Langs["zh-CN"].Train != 10 {
		t.Errorf("LatestModel = %+v, %v; want %+v", got, err, m)
	}

	mk := func(kind suggest.Kind, value string, conf float64) suggest.Suggestion {
		return suggest.Suggestion{Kind: kind, Value: value, Confidence: conf, Model: m.Version, Lang: "zh-CN",
			Alternatives: []suggest.Scored{{Class: "CWE-200", P: 0.1}}}
	}
	add := []suggest.Suggestion{mk(suggest.KindCWE, "CWE-287", 0.6), mk(suggest.KindCVSS, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N", 0.2)}
	if _, err := s.AddSuggestions(ctx, "CNVD-2017-25263", []suggest.Suggestion{mk("severity", "x", 0.5)}); err == nil {
		t.Error("a suggestion of unknown kind was kept")
	}
	if _, err := s.AddSuggestions(ctx, "CNVD-2017-25263", []suggest.Suggestion{mk(suggest.KindCWE, "CWE-1", 1.5)}); err == nil {
		t.Error("a confidence above 1 was kept")
	}
	if _, err := s.AddSuggestions(ctx, "CNVD-0000-0", add); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("suggestions for no vulnerability: %v, want ErrNotFound", err)
	}
	for range 2 {
		ss, err := s.AddSuggestions(ctx, "cnvd-2017-25263", add)
		if err != nil {
			t.Fatal(err)
		}
		if len(ss) != 2 || ss[0].Status != suggest.StatusOpen || ss[1].Value != "CWE-287" || ss[1].Vuln != "CNVD-2017-25263" || len(ss[1].Alternatives) != 1 {
			t.Fatalf("AddSuggestions = %+v, want the two, open, newest first", ss)
		}
	}

	// A CVE record aliasing the entry merges the two vulnerabilities; the
	// suggestions follow.
	cve := advisory.Record{Source: "vmc", ID: "CVE-2017-1000001", Aliases: []string{"CNVD-2017-25263"}}
	if _, err := s.PutRecords(ctx, []advisory.Record{cve}); err != nil {
		t.Fatal(err)
	}
	ss, err := s.SuggestionsFor(ctx, "CVE-2017-1000001")
	if err != nil || len(ss) != 2 {
		t.Fatalf("SuggestionsFor after a merge = %+v, %v; want both", ss, err)
	}
	cweID, cvssID := ss[1].ID, ss[0].ID

	if _, err := s.DecideSuggestion(ctx, cweID, true, "", ""); err == nil {
		t.Error("a decision nobody made")
	}
	if _, err := s.DecideSuggestion(ctx, 99999, true, "alice", ""); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("deciding no suggestion: %v, want ErrNotFound", err)
	}
	acc, err := s.DecideSuggestion(ctx, cweID, true, "alice", "matches the advisory")
	if err != nil {
		t.Fatal(err)
	}
	if acc.Status != suggest.StatusAccepted || acc.DecidedBy != "alice" || acc.DecidedAt.IsZero() {
		t.Errorf("accepted = %+v", acc)
	}
	if _, err := s.DecideSuggestion(ctx, cweID, false, "bob", ""); !errors.Is(err, store.ErrConflict) {
		t.Errorf("deciding twice: %v, want ErrConflict", err)
	}
	if rej, err := s.DecideSuggestion(ctx, cvssID, false, "bob", "vector too severe"); err != nil || rej.Status != suggest.StatusRejected {
		t.Errorf("rejected = %+v, %v", rej, err)
	}

	v, err := s.Vuln(ctx, "CNVD-2017-25263", store.VulnOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fv, ok := v.Field(advisory.FieldCWEs, "")
	if !ok || len(fv.Claims) != 1 || fv.Claims[0].Source != suggest.AnalystSource || fv.Claims[0].Record != "CVE-2017-1000001" {
		t.Fatalf("CWE claims after acceptance = %+v, want one analyst claim", fv.Claims)
	}
	rec, _ := v.Record()
	wantCWE := advisory.CWE{ID: "CWE-287", Provider: "suggested by model nb-000000000001, accepted by alice"}
	if len(rec.CWEs) != 1 || rec.CWEs[0] != wantCWE {
		t.Errorf("merged CWEs = %+v, want %+v", rec.CWEs, wantCWE)
	}
	for _, sv := range rec.Severities {
		t.Errorf("a rejected suggestion became a severity: %+v", sv)
	}

	var actions []string
	for e, err := range s.AuditLog(ctx, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if e.Object == "vuln:CVE-2017-1000001" {
			actions = append(actions, e.Actor+" "+e.Action)
		}
	}
	if want := []string{"alice suggestion.accept", "bob suggestion.reject"}; !slices.Equal(actions, want) {
		t.Errorf("audit = %v, want %v", actions, want)
	}
}
