// Package samm is OWASP SAMM v2's assessment of one practice, Environment
// Management (O-EM, in the Operations business function): its six
// questions, two streams by three maturity levels, the answer scale they
// use, and the maturity scores the SAMM toolbox computes from answers.
// Issue 13 calls the levels EH1–EH3 (environment hardening).
//
// The questions, their quality criteria and the answer set are the SAMM
// v2 model's (https://github.com/owaspsamm/core, model/questions/O-EM-*.yml,
// answer set G in model/answer_sets); the Chinese texts are vmc's
// translation. This package knows nothing of storage, HTTP or the command
// line.
package samm

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Practice is the practice these questions assess.
const Practice = "O-EM"

// Stream is one of the practice's two streams.
type Stream string

const (
	// StreamA is Configuration Hardening.
	StreamA Stream = "A"
	// StreamB is Patching and Updating.
	StreamB Stream = "B"
)

// Wording is a sentence in English and Simplified Chinese.
type Wording struct {
	EN string `json:"en"`
	ZH string `json:"zh-CN"`
}

// In returns the text in lang ("zh-CN" or anything else for English).
func (t Wording) In(lang string) string {
	if strings.HasPrefix(lang, "zh") {
		return t.ZH
	}
	return t.EN
}

// Question is one assessment question: the activity at a level of a
// stream, asked as SAMM asks it, with the criteria an answer of "yes"
// must meet.
type Question struct {
	ID      string    `json:"id"` // "O-EM-1-A", as the model's file
	Level   int       `json:"level"`
	Stream  Stream    `json:"stream"`
	Text    Wording   `json:"text"`
	Quality []Wording `json:"quality"`
}

// StreamNames are the streams' names.
var StreamNames = map[Stream]Wording{
	StreamA: {"Configuration Hardening", "配置加固"},
	StreamB: {"Patching and Updating", "补丁与更新"},
}

// Questions are O-EM's questions, level by level, stream A first.
var Questions = []Question{
	{ID: "O-EM-1-A", Level: 1, Stream: StreamA,
		Text: Wording{"Do you harden configurations for key components of your technology stacks?", "是否对技术栈的关键组件进行配置加固？"},
		Quality: []Wording{
			{"You have identified the key components in each technology stack used", "已识别所用每个技术栈中的关键组件"},
			{"You have an established configuration standard for each key component", "每个关键组件都有既定的配置标准"},
		}},
	{ID: "O-EM-1-B", Level: 1, Stream: StreamB,
		Text: Wording{"Do you identify and patch vulnerable components?", "是否识别并修补存在漏洞的组件？"},
		Quality: []Wording{
			{"You have an up-to-date list of components, including version information", "有最新的组件清单，包含版本信息"},
			{"You regularly review public sources for vulnerabilities related to your components", "定期查阅公开来源中与所用组件相关的漏洞"},
		}},
	{ID: "O-EM-2-A", Level: 2, Stream: StreamA,
		Text: Wording{"Do you have hardening baselines for your components?", "组件是否有加固基线？"},
		Quality: []Wording{
			{"You have assigned an owner for each baseline", "每条基线都指定了负责人"},
			{"The owner keeps their assigned baselines up to date", "负责人保持其基线为最新"},
			{"You store baselines in an accessible location", "基线存放在可访问的位置"},
			{"You train employees responsible for configurations in these baselines", "对负责配置的员工进行这些基线的培训"},
		}},
	{ID: "O-EM-2-B", Level: 2, Stream: StreamB,
		Text: Wording{"Do you follow an established process for updating components of your technology stacks?", "更新技术栈组件时是否遵循既定流程？"},
		Quality: []Wording{
			{"The process includes vendor information for third-party patches", "流程包含第三方补丁的厂商信息"},
			{"The process considers external sources to gather information about zero day attacks, and includes appropriate risk mitigation steps", "流程参考外部来源收集零日攻击信息，并包含相应的风险缓解步骤"},
			{"The process includes guidance for prioritizing component updates", "流程包含组件更新优先级的指导"},
		}},
	{ID: "O-EM-3-A", Level: 3, Stream: StreamA,
		Text: Wording{"Do you monitor and enforce conformity with hardening baselines?", "是否监控并强制执行对加固基线的符合性？"},
		Quality: []Wording{
			{"You perform conformity checks regularly, preferably using automation", "定期进行符合性检查，最好是自动化的"},
			{"You store conformity check results in an accessible location", "符合性检查结果存放在可访问的位置"},
			{"You follow an established process to address reported non-conformities", "按既定流程处理报告的不符合项"},
			{"You review each baseline at least annually, and update it when required", "每条基线至少每年评审一次，必要时更新"},
		}},
	{ID: "O-EM-3-B", Level: 3, Stream: StreamB,
		Text: Wording{"Do you regularly evaluate components and review patch level status?", "是否定期评估组件并审查补丁级别状态？"},
		Quality: []Wording{
			{"You update the list with components and versions", "更新组件及版本清单"},
			{"You identify and apply missing updates according to the existing SLA", "按现有 SLA 识别并应用缺失的更新"},
			{"You review and update the process based on feedback from the people who perform patching", "根据执行补丁工作人员的反馈评审并更新流程"},
		}},
}

// QuestionByID returns the question with id, matched case-insensitively.
func QuestionByID(id string) (Question, bool) {
	i := slices.IndexFunc(Questions, func(q Question) bool { return strings.EqualFold(q.ID, id) })
	if i < 0 {
		return Question{}, false
	}
	return Questions[i], true
}

// Answer is an option of SAMM's answer set G, 0 ("No") to 3 ("Yes, for
// most or all of the components").
type Answer int

// Options are answer set G's options in order, each with the value SAMM
// scores it.
var Options = []struct {
	Text  Wording `json:"text"`
	Value float64 `json:"value"`
}{
	{Wording{"No", "否"}, 0},
	{Wording{"Yes, for some components", "是，部分组件"}, 0.25},
	{Wording{"Yes, for at least half of the components", "是，至少一半组件"}, 0.5},
	{Wording{"Yes, for most or all of the components", "是，大部分或全部组件"}, 1},
}

// IsValid reports whether a is one of the options.
func (a Answer) IsValid() bool { return a >= 0 && int(a) < len(Options) }

// Value is what SAMM scores the answer.
func (a Answer) Value() float64 { return Options[a].Value }

// ErrInvalid marks answers vmc cannot record.
var ErrInvalid = errors.New("invalid SAMM answer")

// Answers are a project's answers, by question id.
type Answers map[string]Answer

// Validate checks that every answer is to one of the questions and one of
// the options.
func (as Answers) Validate() error {
	for id, a := range as {
		if _, ok := QuestionByID(id); !ok {
			return fmt.Errorf("%w: question %q: not an %s question", ErrInvalid, id, Practice)
		}
		if !a.IsValid() {
			return fmt.Errorf("%w: question %s: answer %d (0 to %d)", ErrInvalid, id, a, len(Options)-1)
		}
	}
	return nil
}

// Score is a project's maturity in the practice as the SAMM toolbox
// computes it: each stream's score is the sum of its levels' answer
// values (0 to 3), the practice's the average of its two streams (see
// owaspsamm.org's "SAMM Scoring" post, 2025: "the scores for security
// practices are calculated by taking the average of the two streams").
// Unanswered questions count as "No".
type Score struct {
	Streams  map[Stream]float64 `json:"streams"`
	Practice float64            `json:"practice"`
	// Levels are the average of the two streams' values at each level,
	// 0 to 1: how far each of EH1, EH2, EH3 is done.
	Levels   [3]float64 `json:"levels"`
	Answered int        `json:"answered"`
}

// Compute scores answers.
func Compute(as Answers) Score {
	s := Score{Streams: map[Stream]float64{StreamA: 0, StreamB: 0}}
	for _, q := range Questions {
		a, ok := as[q.ID]
		if !ok || !a.IsValid() {
			continue
		}
		s.Answered++
		s.Streams[q.Stream] += a.Value()
		s.Levels[q.Level-1] += a.Value() / 2
	}
	s.Practice = (s.Streams[StreamA] + s.Streams[StreamB]) / 2
	return s
}
