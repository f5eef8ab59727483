package process

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/incident"
)

// sample is the NIST SP 800-61r2 playbook of testdata.
func sample(t testing.TB) Playbook {
	t.Helper()
	b, err := os.ReadFile("testdata/nist-sp800-61r2.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := ParsePlaybook(b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSamplePlaybook(t *testing.T) {
	p := sample(t)
	if p.Key != "general-incident-response" || len(p.Steps) != 11 || p.Title.ZH != "通用安全事件响应" {
		t.Errorf("sample: %s, %d steps, %q", p.Key, len(p.Steps), p.Title.ZH)
	}
	var phases []Phase
	for _, s := range p.Steps {
		if len(phases) == 0 || phases[len(phases)-1] != s.Phase {
			phases = append(phases, s.Phase)
		}
	}
	if diff := cmp.Diff(Phases, phases); diff != "" {
		t.Errorf("the sample's steps do not follow the four phases in order (-want +got):\n%s", diff)
	}
	want := []Role{"incident-commander", "incident-handler", "communications", "forensic-analyst", "system-owner"}
	if diff := cmp.Diff(want, p.Roles()); diff != "" {
		t.Errorf("roles -want +got:\n%s", diff)
	}
}

func TestPlaybookValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Playbook)
		err  string
	}{
		{"valid", func(*Playbook) {}, ""},
		{"no description: optional", func(p *Playbook) { p.Description = Bilingual{} }, ""},
		{"key with capitals", func(p *Playbook) { p.Key = "Web-Compromise" }, `key: "Web-Compromise" is not a key`},
		{"key with a slash", func(p *Playbook) { p.Key = "web/compromise" }, `key: "web/compromise" is not a key`},
		{"key starting with a hyphen", func(p *Playbook) { p.Key = "-x" }, `key: "-x" is not a key`},
		{"key too long", func(p *Playbook) { p.Key = strings.Repeat("k", 65) }, "key:"},
		{"negative version", func(p *Playbook) { p.Version = -1 }, "version: -1 is negative"},
		{"no Chinese title", func(p *Playbook) { p.Title.ZH = " " }, "title.zh-CN: empty"},
		{"title on two lines", func(p *Playbook) { p.Title.EN = "a\nb" }, "title.en: not one line"},
		{"title too long", func(p *Playbook) { p.Title.ZH = strings.Repeat("响", 101) }, "title.zh-CN: longer than 300 bytes"},
		{"half a description", func(p *Playbook) { p.Description.ZH = "" }, "description.zh-CN: empty"},
		{"description with an escape", func(p *Playbook) { p.Description.EN = "red \x1b[31m" }, "description.en: control character U+001B"},
		{"description not UTF-8", func(p *Playbook) { p.Description.EN = "\xff" }, "description.en: not UTF-8"},
		{"unknown category", func(p *Playbook) { p.Categories = []incident.Category{"intrusion", "aliens"} }, `categories[1]: unknown "aliens"`},
		{"category twice", func(p *Playbook) { p.Categories = []incident.Category{"malware", "malware"} }, `categories[1]: "malware" is listed twice`},
		{"no steps", func(p *Playbook) { p.Steps = nil }, "steps: none"},
		{"too many steps", func(p *Playbook) {
			for len(p.Steps) <= maxSteps {
				p.Steps = append(p.Steps, p.Steps[0])
			}
		}, "steps: 101, more than 100"},
		{"unknown phase", func(p *Playbook) { p.Steps[2].Phase = "identification" }, `steps[2].phase: unknown "identification" (preparation, detection_analysis, containment_eradication_recovery, post_incident)`},
		{"role not a key", func(p *Playbook) { p.Steps[3].Role = "Incident Handler" }, `steps[3].role: "Incident Handler" is not a role key`},
		{"role starting with a digit", func(p *Playbook) { p.Steps[3].Role = "1st-line" }, `steps[3].role: "1st-line" is not a role key`},
		{"unknown task kind", func(p *Playbook) { p.Steps[5].Task = "cleanup" }, `steps[5].task: unknown task kind "cleanup" (containment, eradication,`},
		{"step without an English title", func(p *Playbook) { p.Steps[0].Title.EN = "" }, "steps[0].title.en: empty"},
		{"step without a Chinese description", func(p *Playbook) { p.Steps[10].Description.ZH = "\n" }, "steps[10].description.zh-CN: empty"},
		{"note on two lines is fine", func(p *Playbook) { p.Note = "a\nb" }, ""},
		{"long note", func(p *Playbook) { p.Note = strings.Repeat("n", 301) }, "note: longer than"},
	} {
		p := sample(t)
		tc.edit(&p)
		err := p.Validate()
		if (err == nil) != (tc.err == "") || (err != nil && (!errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.err))) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.err)
		}
	}
}

func TestSameContent(t *testing.T) {
	a := sample(t)
	b := sample(t)
	b.Version, b.Note, b.CreatedBy = 7, "another note", "bob"
	if !SameContent(a, b) {
		t.Error("versions, notes and authors make no new content")
	}
	for name, edit := range map[string]func(*Playbook){
		"a step's role":      func(p *Playbook) { p.Steps[4].Role = "legal" },
		"a step's wording":   func(p *Playbook) { p.Steps[4].Description.ZH += "。" },
		"a step fewer":       func(p *Playbook) { p.Steps = p.Steps[1:] },
		"the categories":     func(p *Playbook) { p.Categories = []incident.Category{incident.Malware} },
		"the title":          func(p *Playbook) { p.Title.EN = "General response" },
		"the description":    func(p *Playbook) { p.Description = Bilingual{} },
		"a step's task kind": func(p *Playbook) { p.Steps[0].Task = incident.TaskOther },
	} {
		c := sample(t)
		edit(&c)
		if SameContent(a, c) {
			t.Errorf("a change of %s is no change", name)
		}
	}
}

func TestTasks(t *testing.T) {
	p := sample(t)
	p.Version = 3
	owners := map[Role]string{"incident-handler": "bob", "system-owner": "carol"}
	owner := func(r Role) string {
		if o, ok := owners[r]; ok {
			return o
		}
		return "alice"
	}
	var got []string
	for _, task := range p.Tasks("zh-CN", owner) {
		if err := task.Validate(); err != nil {
			t.Errorf("task %q: %v", task.Title, err)
		}
		got = append(got, string(task.Kind)+" "+task.Owner+" "+task.Link+" "+task.Title)
	}
	want := []string{
		"other bob playbook:general-incident-response/v3#3 核实报告并确定影响范围",
		"other alice playbook:general-incident-response/v3#4 对事件进行分类和定级",
		"communication alice playbook:general-incident-response/v3#5 按沟通树通知相关人员",
		"containment bob playbook:general-incident-response/v3#6 遏制事件",
		"other alice playbook:general-incident-response/v3#7 收集并保全证据",
		"eradication carol playbook:general-incident-response/v3#8 根除事件原因",
		"recovery carol playbook:general-incident-response/v3#9 恢复业务并监测复发",
		"other alice playbook:general-incident-response/v3#10 召开经验总结会议",
		"other alice playbook:general-incident-response/v3#11 记录事件影响并留存证据",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tasks -want +got:\n%s", diff)
	}
	if en := p.Tasks("fr", owner); en[0].Title != "Validate the report and determine the scope" {
		t.Errorf("another language falls back to English: %q", en[0].Title)
	}
}

func TestPhaseText(t *testing.T) {
	var p Phase
	if err := p.UnmarshalText([]byte("post_incident")); err != nil || p != PostIncident {
		t.Errorf("post_incident: %q %v", p, err)
	}
	if err := p.UnmarshalText([]byte("lessons")); !errors.Is(err, ErrInvalid) {
		t.Errorf("lessons: %v", err)
	}
}
