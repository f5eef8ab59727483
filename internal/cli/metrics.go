package cli

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/metrics"
	"github.com/vmc-dev/vmc/internal/report"
	"github.com/vmc-dev/vmc/internal/store"
)

// metricsFlags are the window measured and the moment it is measured at,
// shared by the metrics and the review report.
type metricsFlags struct{ from, to, at string }

func (f *metricsFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.from, "from", "", "the first day measured (YYYY-MM-DD; default: 12 months before --to)")
	fl.StringVar(&f.to, "to", "", "the day after the last day measured (YYYY-MM-DD; default: now)")
	fl.StringVar(&f.at, "at", "", "measure as of this day or time: which incidents are still open, when the review is due (default: now)")
}

// measure reads the metrics of the window the flags name. The CLI is the
// operator's, with the database in hand: every incident is named.
func (f *metricsFlags) measure(cmd *cobra.Command, s store.Store) (metrics.Summary, time.Time, error) {
	now, err := parseIncidentTime("--at", f.at)
	if err != nil {
		return metrics.Summary{}, now, err
	}
	now = cmp.Or(now, time.Now().UTC())
	w, err := metrics.ParseWindow(f.from, f.to, now)
	if err != nil {
		return metrics.Summary{}, now, usageError{err}
	}
	sum, err := store.IncidentMetrics(cmd.Context(), s, w, now)
	return sum, now, err
}

func newIncidentMetrics() *cobra.Command {
	var (
		f      metricsFlags
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "metrics [--from DAY] [--to DAY] [--json]",
		Short: "Incident metrics (事件度量) and SAMM's success metrics over a window, for the periodic review",
		Long: `The metrics of the incidents detected in a window (the last 12 months by
default; --to is the day after the last day measured): how many, by category,
severity and project, downtime, person-hours and costs per currency, the time to
triage, contain and close, and OWASP SAMM's four success metrics against their
target of more than 80%: teams briefed in the last 6 months, stakeholders
informed of disclosures, closed incidents with a documented root cause and
recommendations, and closed incidents with their metrics collated. A metric
with nothing to count has no percentage ("no data"), not 100%.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				sum, _, err := f.measure(cmd, s)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), sum)
				}
				return printIncidentMetrics(cmd.OutOrStdout(), sum)
			})
		},
	}
	f.add(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func printIncidentMetrics(w io.Writer, s metrics.Summary) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	last := s.Window.To.Add(-time.Nanosecond).UTC()
	fmt.Fprintf(tw, "period\t%s to %s\n", s.Window.From.UTC().Format(time.DateOnly), last.Format(time.DateOnly))
	fmt.Fprintf(tw, "incidents\t%d (%d open, %d closed)\n", s.Incidents, s.Open, s.Closed)
	fmt.Fprintf(tw, "by category\t%s\n", metricCounts(s.ByCategory))
	fmt.Fprintf(tw, "by severity\t%s\n", metricCounts(s.BySeverity))
	fmt.Fprintf(tw, "by project\t%s; none named %d\n", metricCounts(s.ByProject), s.Unattributed)
	d := s.Downtime
	fmt.Fprintf(tw, "downtime\t%d min over %d incidents with an impact recorded (mean %s, median %s min)\n",
		d.Minutes, d.Incidents, metricNumber(d.MeanMinutes), metricNumber(d.MedianMinutes))
	fmt.Fprintf(tw, "person-hours\t%s\n", strconv.FormatFloat(s.PersonHours, 'f', -1, 64))
	fmt.Fprintf(tw, "direct cost\t%s\n", metricMoney(s.DirectCost))
	fmt.Fprintf(tw, "long-term cost\t%s\n", metricMoney(s.LongTermCost))
	for _, t := range []struct {
		name string
		d    metrics.Durations
	}{{"time to triage", s.TimeToTriage}, {"time to contain", s.TimeToContain}, {"time to close", s.TimeToClose}} {
		fmt.Fprintf(tw, "%s\tmedian %s h, mean %s h over %d incidents\n", t.name, metricNumber(t.d.MedianHours), metricNumber(t.d.MeanHours), t.d.Incidents)
	}
	r := s.Review
	next, state := "now", "not yet due"
	if !r.Next.IsZero() {
		next = r.Next.Format(time.DateOnly)
	}
	if r.Overdue {
		state = "overdue"
	}
	fmt.Fprintf(tw, "next review\tdue by %s: %s\n", next, state)
	if err := tw.Flush(); err != nil {
		return err
	}

	fmt.Fprintf(w, "\nSAMM success metrics (target: more than %s%%)\n", strconv.FormatFloat(s.SAMM.Target, 'f', -1, 64))
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "METRIC\tCOUNT\tOF\tPERCENT\tSTATUS\n")
	names := map[string]string{
		metrics.KeyBriefed:   fmt.Sprintf("teams briefed since %s", s.SAMM.BriefedSince.UTC().Format(time.DateOnly)),
		metrics.KeyInformed:  "stakeholders informed of disclosures",
		metrics.KeyRootCause: "closed incidents with root cause and recommendations",
		metrics.KeyCollated:  "closed incidents with metrics collated",
	}
	for _, m := range s.SAMM.List() {
		pct, status := "-", "no data"
		if m.Percent != nil {
			pct, status = strconv.FormatFloat(*m.Percent, 'f', 1, 64), "below target"
			if m.Met {
				status = "met"
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", names[m.Key], m.Numerator, m.Denominator, pct, status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "undocumented: %s; uncollated: %s\n", metricIDs(s.SAMM.Undocumented), metricIDs(s.SAMM.Uncollated))

	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "ID\tSTATE\tSEVERITY\tCATEGORY\tTLP\tDETECTED\tTITLE\n")
	for _, r := range s.Rows {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.State, r.Severity, r.Category, r.Marking.TLP, r.Detected.UTC().Format(time.RFC3339), r.Title)
	}
	return tw.Flush()
}

// counts lists the non-zero counts, as "phishing 2, malware 1"; "-" for none.
func metricCounts(cs []metrics.Count) string {
	var parts []string
	for _, c := range cs {
		if c.Incidents > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", c.Key, c.Incidents))
		}
	}
	return cmpOrDash(strings.Join(parts, ", "))
}

// number writes a figure with at most one decimal; "-" for none.
func metricNumber(v *float64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatFloat(*v, 'f', 1, 64)
}

func metricMoney(ms []incident.Money) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, strconv.FormatFloat(m.Amount, 'f', -1, 64)+" "+m.Currency)
	}
	return cmpOrDash(strings.Join(parts, ", "))
}

func metricIDs(list []int64) string {
	var parts []string
	for _, id := range list {
		parts = append(parts, strconv.FormatInt(id, 10))
	}
	return cmpOrDash(strings.Join(parts, ", "))
}

func newIncidentReviewReport() *cobra.Command {
	var (
		f                    metricsFlags
		format, lang, output string
	)
	cmd := &cobra.Command{
		Use:   "review-report [--from DAY] [--to DAY] --format pdf|csv --lang en|zh-CN -o FILE",
		Short: "Write the incident review report (事件复盘报告) of a window: PDF with charts, or CSV",
		Long: `Write the incident review report of a window (see "vmc incident metrics"), for the
periodic review of the response process: as a PDF with charts, or as a CSV of its
figures, in English or Chinese. It names every incident and carries the
narrowest TLP label of them (TLP:AMBER+STRICT at the least).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l := report.Lang(lang)
			if !l.IsValid() {
				return usageError{fmt.Errorf("--lang %q: en or zh-CN", lang)}
			}
			if format != "pdf" && format != "csv" {
				return usageError{fmt.Errorf("--format %q: pdf or csv", format)}
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				sum, now, err := f.measure(cmd, s)
				if err != nil {
					return err
				}
				r := report.Incidents{GeneratedAt: now, Lang: l, Metrics: sum}
				var buf bytes.Buffer
				if format == "csv" {
					err = report.IncidentsCSV(&buf, r)
				} else {
					err = report.IncidentsPDF(&buf, r)
				}
				if err != nil {
					return err
				}
				if output == "" || output == "-" {
					_, err = cmd.OutOrStdout().Write(buf.Bytes())
					return err
				}
				if err := os.WriteFile(output, buf.Bytes(), 0o600); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.ErrOrStderr(), "%s: incident review report, %s, %s, %d incidents, TLP:%s, %d bytes\n",
					output, format, lang, sum.Incidents, r.Label(), buf.Len())
				return err
			})
		},
	}
	f.add(cmd)
	fl := cmd.Flags()
	fl.StringVar(&format, "format", "pdf", "pdf or csv")
	fl.StringVar(&lang, "lang", "en", "en or zh-CN")
	fl.StringVarP(&output, "output", "o", "", "the file to write (default: standard output)")
	return cmd
}
