package web_test

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/disclosure"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/process"
	"github.com/vmc-dev/vmc/internal/jobs"
	"github.com/vmc-dev/vmc/internal/maintenance"
	"github.com/vmc-dev/vmc/internal/risk"
)

// langs are the catalogues; the first is the reference for keys.
var langs = []string{"en", "zh-CN"}

func catalogue(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := os.ReadFile("../i18n/locales/" + lang + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("i18n/locales/%s.json: %v (want a flat object of strings)", lang, err)
	}
	return m
}

func keys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// tCall matches a call t('key', ...) or t('key') with a literal key. Keys
// built at run time (t('state.' + s)) are checked by vocabularies below.
var tCall = regexp.MustCompile(`\bt\(\s*'([^'\n]+)'\s*[,)]`)

var placeholder = regexp.MustCompile(`\{(\w+)\}`)

func placeholders(s string) []string {
	var ps []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		ps = append(ps, m[1])
	}
	slices.Sort(ps)
	return slices.Compact(ps)
}

// TestCatalogues: both catalogues have exactly the same keys, none empty,
// with the same placeholders; every key the JavaScript names exists; and
// every value of the vocabularies the pages label (states, priorities,
// roles, advisory fields, asset attributes, severities, SSVC outcomes)
// has a label.
func TestCatalogues(t *testing.T) {
	cats := map[string]map[string]string{}
	for _, l := range langs {
		cats[l] = catalogue(t, l)
	}
	ref := cats[langs[0]]
	for _, l := range langs[1:] {
		if diff := cmp.Diff(keys(ref), keys(cats[l])); diff != "" {
			t.Errorf("keys of %s.json (-%s +%s):\n%s", l, langs[0], l, diff)
		}
	}
	for _, l := range langs {
		for k, v := range cats[l] {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s.json: %s is empty", l, k)
			}
			if en, ok := ref[k]; ok && !slices.Equal(placeholders(en), placeholders(v)) {
				t.Errorf("%s.json: %s has placeholders %v, %s.json %v", l, k, placeholders(v), langs[0], placeholders(en))
			}
		}
	}

	used := 0
	for _, p := range jsFiles(t) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range tCall.FindAllStringSubmatch(string(b), -1) {
			used++
			for _, l := range langs {
				if _, ok := cats[l][m[1]]; !ok {
					t.Errorf("%s uses t('%s'), which %s.json lacks", p, m[1], l)
				}
			}
		}
	}
	if used < 100 {
		t.Errorf("only %d t('key') calls found: is the pattern still right?", used)
	}

	var vocab []string
	add := func(prefix string, values ...string) {
		for _, v := range values {
			vocab = append(vocab, prefix+"."+v)
		}
	}
	for _, s := range finding.States {
		add("state", string(s))
	}
	for _, p := range risk.Priorities {
		add("priority", string(p))
	}
	for _, r := range auth.Roles {
		add("role", string(r))
	}
	add("lang", langs...)
	for _, f := range []advisory.Field{advisory.FieldAliases, advisory.FieldRelated, advisory.FieldPublished, advisory.FieldModified,
		advisory.FieldWithdrawn, advisory.FieldState, advisory.FieldTitle, advisory.FieldDescription, advisory.FieldCWEs,
		advisory.FieldSeverity, advisory.FieldAffected, advisory.FieldReferences, advisory.FieldCredits, advisory.FieldKEV,
		advisory.FieldEPSS, advisory.FieldSSVC, advisory.FieldConfigurations, advisory.FieldNotes, advisory.FieldTLP} {
		add("field", string(f))
	}
	for _, k := range []asset.Kind{asset.KindApplication, asset.KindHost, asset.KindImage} {
		add("kind", string(k))
	}
	for _, e := range []asset.Environment{asset.EnvProd, asset.EnvStaging, asset.EnvTest, asset.EnvDev} {
		add("env", string(e))
	}
	for _, c := range []asset.Criticality{asset.CritLow, asset.CritMedium, asset.CritHigh, asset.CritCritical} {
		add("crit", string(c))
	}
	for _, e := range []asset.Exposure{asset.ExpInternet, asset.ExpInternal, asset.ExpIsolated} {
		add("exposure", string(e))
	}
	// Severity ratings and CISA Coordinator SSVC outcomes, which the
	// vulnerability and finding filters label (label('sev', …),
	// label('ssvcOutcome', …)); the values are the API's query enums.
	add("sev", "critical", "high", "medium", "low")
	add("ssvcOutcome", "act", "attend", "track*", "track")
	// Incident response: the vocabularies of the incident page's
	// sections, the disclosures pages and the process page. Statuses
	// without a list in their package are the API's values.
	addAll(add, "incident.state", incident.States)
	addAll(add, "incident.category", incident.Categories)
	addAll(add, "incident.severity", incident.Severities)
	addAll(add, "incident.taskKind", incident.TaskKinds)
	addAll(add, "incident.event", incident.EventKinds)
	addAll(add, "tlpMeaning", incident.TLPs)
	addAll(add, "rca.cause", incident.CauseKinds)
	addAll(add, "rca.decision", incident.DecisionKinds)
	add("rca.status", "undecided", "scheduled", "implemented", "risk_accepted", "review_due")
	add("rca.match", "cwe", "component", "configuration")
	addAll(add, "breach.category", incident.DataCategories)
	addAll(add, "breach.action", incident.BreachActions)
	add("breach.status", "pending", "overdue", "notified", "notified_late", "not_notifying", "not_applicable", "no_rule")
	addAll(add, "comms.role", incident.Roles)
	addAll(add, "comms.status", incident.DeliveryStatuses)
	addAll(add, "comms.kind", incident.MessageKinds)
	add("comms.channel", string(incident.ChannelEmail), string(incident.ChannelWebhook))
	addAll(add, "lang", incident.Langs)
	addAll(add, "disclosure.state", disclosure.States)
	addAll(add, "job.state", jobs.States)
	addAll(add, "disclosure.deadline", disclosure.DeadlineKinds)
	addAll(add, "disclosure.event", disclosure.EventKinds)
	addAll(add, "process.phase", process.Phases)
	add("process.training", "current", "due", "overdue")
	// Environment hardening: patch plan statuses, protective tools,
	// audit outcomes, emergency triggers and coverage scopes.
	addAll(add, "hardening.status", maintenance.PatchStatuses)
	addAll(add, "hardening.toolKind", maintenance.ToolKinds)
	addAll(add, "hardening.outcome", []maintenance.CheckOutcome{maintenance.Pass, maintenance.Fail, maintenance.NA})
	add("hardening.reason", "kev", "ssvc act")
	add("hardening.tool.scopeKind", "group", "environment")
	for _, k := range vocab {
		for _, l := range langs {
			if _, ok := cats[l][k]; !ok {
				t.Errorf("%s.json lacks %s", l, k)
			}
		}
	}
}

// addAll adds a vocabulary of string-valued constants under prefix.
func addAll[T ~string](add func(string, ...string), prefix string, values []T) {
	for _, v := range values {
		add(prefix, string(v))
	}
}
