package rules

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/vmc-dev/vmc/internal/advisory"
	"github.com/vmc-dev/vmc/internal/finding"
	"github.com/vmc-dev/vmc/internal/incident/process"
	"github.com/vmc-dev/vmc/internal/maintenance"
)

// AdvisoryOf takes the snapshot of a merged vulnerability a rule and a
// watch see. The event's own facts (Sources, Fields, KEVAdded, EPSSBefore)
// are the caller's: they come from what changed, not from the record.
func AdvisoryOf(v *advisory.Vulnerability) (Advisory, error) {
	r, err := v.Record()
	if err != nil {
		return Advisory{}, err
	}
	s := v.Summary()
	a := Advisory{ID: v.ID, Aliases: v.Aliases, CVSS: s.Score, KEV: r.KEV != nil}
	if r.EPSS != nil {
		a.EPSS = r.EPSS.Score
	}
	for _, t := range append(slices.Clone(r.Titles), r.Descriptions...) {
		a.Text = appendNew(a.Text, t.Value)
	}
	for _, c := range r.CWEs {
		a.CWEs = appendNew(a.CWEs, c.ID)
	}
	if r.KEV != nil {
		a.Vendors = appendNew(a.Vendors, r.KEV.VendorProject)
		a.Products = appendNew(a.Products, r.KEV.Product)
	}
	for _, af := range r.Affected {
		a.Vendors = appendNew(a.Vendors, af.Vendor)
		a.Products = appendNew(a.Products, af.Product)
		if af.Package != "" {
			a.Packages = appendNew(a.Packages, af.Ecosystem+"/"+af.Package)
		}
		a.PURLs = appendNew(a.PURLs, af.PURL)
		for _, c := range af.CPEs {
			a.CPEs = appendNew(a.CPEs, c)
		}
		// CNVD names products only in free text ("Apache Log4j2 <2.15.0").
		a.Text = appendNew(a.Text, af.Text)
		a.ProductText = appendNew(a.ProductText, strings.TrimSpace(af.Text))
	}
	return a, nil
}

// appendNew appends s unless it is empty or there already; lists in an
// event are short, and a rule reads them in the sources' order.
func appendNew(xs []string, s string) []string {
	if s == "" || slices.Contains(xs, s) {
		return xs
	}
	return append(xs, s)
}

// FindingOf takes the snapshot of a finding a rule sees; team is its
// asset's, now the event's time (for DaysLeft).
func FindingOf(f finding.Finding, team string, now time.Time) Finding {
	out := Finding{ID: f.ID, Asset: f.Asset, Team: team, Vuln: f.Vuln, Ecosystem: f.Ecosystem, Package: f.Package, PURL: f.PURL,
		State: string(f.State), Priority: string(f.Priority), Assignee: f.Assignee, Due: f.Due}
	if !f.Due.IsZero() {
		out.DaysLeft = daysLeft(f.Due, now)
	}
	if a := f.Assessment; a != nil {
		out.KEV = a.KEV != nil
		if a.EPSS != nil {
			out.EPSS = a.EPSS.Score
		}
		if a.CVSS != nil {
			out.CVSS = a.CVSS.Score
		}
	}
	if f.Acceptance != nil {
		out.Expires = f.Acceptance.Expires
	}
	return out
}

// daysLeft is whole days from now to due, negative once past.
func daysLeft(due, now time.Time) int { return int(math.Floor(due.Sub(now).Hours() / 24)) }

// ReviewOf takes the snapshot of the process's review schedule at now.
func ReviewOf(d process.ReviewDue, now time.Time) Review {
	r := Review{Next: d.Next, EveryMonths: d.Schedule.EveryMonths, Overdue: d.Overdue}
	if d.Last != nil {
		r.Last = d.Last.On
	}
	if !d.Next.IsZero() {
		r.DaysLeft = daysLeft(d.Next, now)
	}
	return r
}

// AuditOf takes the snapshot of an audit plan at now.
func AuditOf(p maintenance.AuditPlan, now time.Time) Audit {
	due := p.Due()
	return Audit{Plan: p.ID, Name: p.Name, Environment: string(p.Environment), Owner: p.Owner, Due: due,
		DaysLeft: daysLeft(due, now), Overdue: p.Overdue(now), Runs: len(p.Runs)}
}
