package report

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/risk"
)

// Lang is the language a report is written in.
type Lang string

const (
	English Lang = "en"
	Chinese Lang = "zh-CN"
)

// Langs lists the languages reports exist in.
var Langs = []Lang{English, Chinese}

func (l Lang) String() string { return string(l) }

// IsValid reports whether reports exist in l.
func (l Lang) IsValid() bool { return l == English || l == Chinese }

// UnmarshalText rejects languages reports do not exist in.
func (l *Lang) UnmarshalText(b []byte) error {
	if !Lang(b).IsValid() {
		return fmt.Errorf("%w: language %q: want en or zh-CN", ErrInvalid, b)
	}
	*l = Lang(b)
	return nil
}

// ErrInvalid marks a report that cannot be rendered as given.
var ErrInvalid = errors.New("invalid report")

// FindingRow is one line of a findings report: what a reader needs to
// know about one finding, already resolved to text the caller chose.
type FindingRow struct {
	ID int64
	// Asset is the asset's name, Team the team that owns it.
	Asset string
	Team  string
	// Vuln is the vulnerability's ID (CVE-2021-44228, GHSA-…), Title
	// its title in the report's language (the caller picks the
	// translation; advisories write titles, so they are hostile input).
	Vuln  string
	Title string
	// Package and Version name what is vulnerable: the package and its
	// installed versions, as the inventory names them.
	Package string
	Version string
	// Priority and State are shown in the report's language.
	Priority risk.Priority
	State    finding.State
	// Due is the remediation deadline (zero: none); Breached whether
	// the finding was past it when the report was made.
	Due      time.Time
	Breached bool
	Assignee string
	// FirstSeen is when a scan first found it.
	FirstSeen time.Time
}

// NewRow makes the row of a finding, with its asset's team and its
// vulnerability's title in the report's language. Breached is whether the
// finding is past its due date at the report's time, at (as
// finding.Breached says: risk-accepted findings are not).
func NewRow(f finding.Finding, team, title string, at time.Time) FindingRow {
	return FindingRow{
		ID:        f.ID,
		Asset:     f.Asset,
		Team:      team,
		Vuln:      f.Vuln,
		Title:     title,
		Package:   f.Package,
		Version:   strings.Join(f.Versions, ", "),
		Priority:  f.Priority,
		State:     f.State,
		Due:       f.Due,
		Breached:  finding.Breached(f.State, f.Due, at),
		Assignee:  f.Assignee,
		FirstSeen: f.FirstSeen,
	}
}

// Findings is a report listing findings.
type Findings struct {
	// Title is the report's title; empty means the language's default
	// ("Findings report", "漏洞发现报告").
	Title string
	// GeneratedAt is when the data was read. The report shows all times
	// in its location.
	GeneratedAt time.Time
	Lang        Lang
	// Filter says in words, in the report's language, which findings
	// the report covers ("team: payments; state: open"); empty means
	// all of them.
	Filter string
	Rows   []FindingRow
	// Metrics is the SLA picture of the findings the filter selects, for
	// the summary (finding.ComputeMetrics). Rows may be fewer, if the
	// caller lists only some.
	Metrics finding.Metrics
}

// SLA is a report of SLA compliance: the metrics per priority and the
// policies that set the deadlines.
type SLA struct {
	// Title is the report's title; empty means the language's default
	// ("SLA compliance report", "SLA 达成情况报告").
	Title       string
	GeneratedAt time.Time
	Lang        Lang
	// Filter says which findings the metrics cover; empty means all.
	Filter  string
	Metrics finding.Metrics
	// Policies are the SLA policies in force, shown in the order given.
	Policies []finding.Policy
}

// check reports what stops a report with these fields from rendering.
func check(lang Lang, at time.Time) error {
	if !lang.IsValid() {
		return fmt.Errorf("%w: language %q: want en or zh-CN", ErrInvalid, lang)
	}
	if at.IsZero() {
		return fmt.Errorf("%w: generated-at time not set", ErrInvalid)
	}
	return nil
}

// sortedPriorities lists priorities from the most urgent, as reports show
// them.
var sortedPriorities = []risk.Priority{risk.PriorityCritical, risk.PriorityHigh, risk.PriorityMedium, risk.PriorityLow}
