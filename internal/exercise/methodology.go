package exercise

import (
	_ "embed"
	"encoding/json"
	"slices"
	"strings"
	"sync"
)

// Template is a testing methodology an exercise follows: its phases (or,
// for OWASP's WSTG, its test categories), each with a checklist. The
// phase names are the methodologies' own: PTES's seven sections, NIST SP
// 800-115's four-stage penetration testing methodology (its figure 5-1),
// OSSTMM 3's four phases with their seventeen modules, the WSTG 4.2's
// twelve categories and their tests.
type Template struct {
	ID        string `json:"id"`
	Name      Label  `json:"name"`
	Reference string `json:"reference,omitempty"`
	// Phases are in the order the methodology runs them; empty for
	// "custom", where the rules of engagement say what is done.
	Phases []Phase `json:"phases"`
}

// Phase is one phase or test category of a methodology.
type Phase struct {
	ID   string `json:"id"`
	Name Label  `json:"name"`
	// Checklist items are in the methodology's own words (English): the
	// test ids and names testers and reports quote.
	Checklist []string `json:"checklist,omitempty"`
}

// Label is a name in English and Simplified Chinese.
type Label struct {
	EN string `json:"en"`
	ZH string `json:"zh-CN"`
}

// In returns the text in lang ("en", "zh-CN"), English when lang is not
// Chinese or the Chinese is missing.
func (t Label) In(lang string) string {
	if strings.HasPrefix(lang, "zh") && t.ZH != "" {
		return t.ZH
	}
	return t.EN
}

//go:embed methodologies.json
var methodologiesJSON []byte

// templates parses the embedded templates once. The data is part of the
// binary and tested, so a failure is a build mistake: it panics.
var templates = sync.OnceValue(func() []Template {
	var ts []Template
	if err := json.Unmarshal(methodologiesJSON, &ts); err != nil {
		panic("exercise: methodologies.json: " + err.Error())
	}
	return ts
})

// Methodologies returns every template, in a copy the caller may change.
func Methodologies() []Template {
	ts := slices.Clone(templates())
	for i := range ts {
		ts[i] = ts[i].clone()
	}
	return ts
}

// Methodology returns the template with id.
func Methodology(id string) (Template, bool) {
	i := slices.IndexFunc(templates(), func(t Template) bool { return t.ID == id })
	if i < 0 {
		return Template{}, false
	}
	return templates()[i].clone(), true
}

// MethodologyIDs lists the templates' ids.
func MethodologyIDs() []string {
	var ids []string
	for _, t := range templates() {
		ids = append(ids, t.ID)
	}
	return ids
}

func (t Template) clone() Template {
	t.Phases = slices.Clone(t.Phases)
	for i := range t.Phases {
		t.Phases[i].Checklist = slices.Clone(t.Phases[i].Checklist)
	}
	return t
}
