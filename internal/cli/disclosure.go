package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	// disclosure.timezone names an IANA zone; a container image often
	// has no zoneinfo, so the binary carries its own.
	_ "time/tzdata"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/api"
	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/disclosure"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

// disclosureConfig is the disclosure section of the configuration:
// deadlines of vulnerability reports from outside, the public intake's
// rate, and /.well-known/security.txt. Zero values take the defaults in
// brackets.
type disclosureConfig struct {
	// AckBusinessDays, TriageDays and DeadlineDays set each new report's
	// deadlines (disclosure.Policy) [2, 10, 90]; Timezone, an IANA name,
	// decides where business days begin [UTC].
	AckBusinessDays int    `koanf:"ack-business-days"`
	TriageDays      int    `koanf:"triage-days"`
	DeadlineDays    int    `koanf:"deadline-days"`
	Timezone        string `koanf:"timezone"`
	// IntakePerHour is how many reports, messages and wrong status links
	// one client address may send an hour [10].
	IntakePerHour int `koanf:"intake-per-hour"`
	// SecurityTxt are the fields of security.txt (RFC 9116); Expires is
	// ExpiresDays ahead [180, at most 364], and the intake form at
	// public-url joins the contacts.
	SecurityTxt struct {
		Contacts        []string `koanf:"contacts"`
		ExpiresDays     int      `koanf:"expires-days"`
		Policy          []string `koanf:"policy"`
		Encryption      []string `koanf:"encryption"`
		Acknowledgments []string `koanf:"acknowledgments"`
		Hiring          []string `koanf:"hiring"`
		Languages       []string `koanf:"languages"`
	} `koanf:"security-txt"`
}

// policy is the configured disclosure policy.
func (d disclosureConfig) policy() (disclosure.Policy, error) {
	p := disclosure.DefaultPolicy
	for _, f := range []struct {
		v   int
		dst *int
	}{{d.AckBusinessDays, &p.AckBusinessDays}, {d.TriageDays, &p.TriageDays}, {d.DeadlineDays, &p.DisclosureDays}} {
		if f.v != 0 {
			*f.dst = f.v
		}
	}
	if d.Timezone != "" {
		loc, err := time.LoadLocation(d.Timezone)
		if err != nil {
			return p, fmt.Errorf("disclosure.timezone: %w", err)
		}
		p.Location = loc
	}
	if err := p.Validate(); err != nil {
		return p, fmt.Errorf("disclosure.%w", err)
	}
	return p, nil
}

// intake is the configuration of the server's intake, checked: the
// policy, the public URL, and a security.txt that RFC 9116 accepts.
func (c *Config) intake() (api.Intake, error) {
	d := c.Disclosure
	p, err := d.policy()
	if err != nil {
		return api.Intake{}, err
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return api.Intake{}, fmt.Errorf("public-url: %q is not an http(s) URL of vmc", c.PublicURL)
		}
	}
	perHour := d.IntakePerHour
	if perHour == 0 {
		perHour = 10
	}
	if perHour < 0 {
		return api.Intake{}, fmt.Errorf("disclosure.intake-per-hour: %d is negative", perHour)
	}
	t := d.SecurityTxt
	if t.ExpiresDays < 0 || t.ExpiresDays > int(disclosure.MaxExpiry/(24*time.Hour)) {
		return api.Intake{}, fmt.Errorf("disclosure.security-txt.expires-days: %d is not 1–%d: RFC 9116 wants less than a year", t.ExpiresDays, disclosure.MaxExpiry/(24*time.Hour))
	}
	in := api.Intake{Policy: p, PublicURL: c.PublicURL, ExpiryDays: t.ExpiresDays, PerHour: perHour,
		SecurityTxt: disclosure.SecurityTxt{Contact: t.Contacts, Policy: t.Policy, Encryption: t.Encryption,
			Acknowledgments: t.Acknowledgments, Hiring: t.Hiring, PreferredLanguages: t.Languages}}
	now := time.Now()
	if file, ok := in.SecurityTxtFile(now); ok {
		if err := file.Validate(now); err != nil {
			return in, fmt.Errorf("disclosure.security-txt: %w", err)
		}
	}
	return in, nil
}

func newDisclosure() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "disclosure",
		Aliases: []string{"disclosures"},
		Short:   "Vulnerability reports from outside (第三方漏洞报告): intake, triage, deadlines, credit",
		Long: `Reports of vulnerabilities from people outside the organisation, taken in through
the public form at /security/report or its API with no account, or entered here
when they came another way. A report moves received → acknowledged → triaged →
accepted, rejected or duplicate → fixed → disclosed; a move the process does not
allow is refused with the moves that are. Three deadlines run from its receipt:
acknowledgement (business days), triage, and the coordinated-disclosure date
(90 days by default; configure disclosure.* in vmc.yaml).

The reporter follows the report through a secret status link and quotes its
acknowledgement code (VR-XXXX-XXXX); reports are TLP:AMBER until marked otherwise.
Every change is on the report's append-only log and in the audit log.`,
	}
	cmd.AddCommand(newDisclosureSubmit(), newDisclosureList(), newDisclosureShow(), newDisclosureAck(), newDisclosureTriage(),
		newDisclosureMove(), newDisclosureDeadline(), newDisclosureMessage(), newDisclosureCredit(), newDisclosureCredits(),
		newDisclosureMark(), newDisclosureIncident(), newDisclosureSecurityTxt())
	return cmd
}

// readReportArg reads a report named on the command line by its id or
// its acknowledgement code.
func readReportArg(ctx context.Context, s store.Store, arg string) (disclosure.Report, error) {
	var (
		r   disclosure.Report
		err error
	)
	if code, ok := disclosure.ParseCode(arg); ok {
		r, err = s.ReportByCode(ctx, code)
	} else {
		id, perr := strconv.ParseInt(arg, 10, 64)
		if perr != nil {
			return r, usageError{fmt.Errorf("report %q: neither an id nor an acknowledgement code (VR-XXXX-XXXX)", arg)}
		}
		r, err = s.Report(ctx, id)
	}
	if errors.Is(err, store.ErrNotFound) {
		return r, &exitError{code: 3, err: fmt.Errorf("no report %s", arg)}
	}
	return r, err
}

// changeReport runs a change on the report named by arg and prints the
// line what returns.
func changeReport(cmd *cobra.Command, arg string, fn func(ctx context.Context, s store.Store, r disclosure.Report) (string, error)) error {
	return withStore(cmd, true, func(_ *Config, s store.Store) error {
		r, err := readReportArg(cmd.Context(), s, arg)
		if err != nil {
			return err
		}
		line, err := fn(cmd.Context(), s, r)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(cmd.OutOrStdout(), line)
		return err
	})
}

func reportLine(r disclosure.Report) string {
	return fmt.Sprintf("report %d %s: %s (%s, TLP:%s)", r.ID, r.Code, r.Title, r.State, r.Marking.TLP)
}

func newDisclosureSubmit() *cobra.Command {
	var (
		sub             disclosure.Submission
		descFile, actor string
	)
	cmd := &cobra.Command{
		Use:   "submit --title TITLE (--description TEXT | --description-file FILE)",
		Short: "Enter a report that came another way (an e-mail to security@); prints its status link for the reporter",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if descFile != "" {
				if sub.Description != "" {
					return usageError{errors.New("--description and --description-file: give one")}
				}
				b, err := readLimited(descFile, disclosure.MaxDescription)
				if err != nil {
					return err
				}
				sub.Description = string(b)
			}
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				p, err := c.Disclosure.policy()
				if err != nil {
					return usageError{err}
				}
				token, id, hash := auth.NewStatusToken()
				r, err := s.SubmitReport(cmd.Context(), sub, p, id, hash, actor)
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				fmt.Fprintln(w, reportLine(r))
				fmt.Fprintf(w, "status link (give it to the reporter; it is not shown again): %s\n", (api.Intake{PublicURL: c.PublicURL}).StatusURL(token))
				_, err = fmt.Fprintf(w, "deadlines: acknowledge by %s, triage by %s, disclosure %s\n",
					r.Deadlines.Ack.Format(time.RFC3339), r.Deadlines.Triage.Format(time.RFC3339), r.Deadlines.Disclosure.Format(time.RFC3339))
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&sub.Title, "title", "", "what the vulnerability is, in a line")
	f.StringVar(&sub.Description, "description", "", "what was found and how to reproduce it")
	f.StringVar(&descFile, "description-file", "", "read the description from this file")
	f.StringVar(&sub.Product, "product", "", "the affected product or service")
	f.StringVar(&sub.Version, "version", "", "the affected version")
	f.StringVar(&sub.ReporterName, "reporter-name", "", "the reporter's name")
	f.StringVar(&sub.ReporterContact, "reporter-contact", "", "how to reach the reporter")
	f.BoolVar(&sub.WantsCredit, "credit", false, "the reporter wants credit")
	f.StringVar(&sub.CreditName, "credit-name", "", "the name to credit (default: the reporter's name)")
	f.StringVar(&sub.Lang, "lang", "en", "the reporter's language: en or zh-CN")
	f.StringVar(&actor, "as", defaultActor(), "who enters it, for the audit log")
	return cmd
}

// readLimited reads a file of at most limit bytes.
func readLimited(path string, limit int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(b) > limit {
		return nil, fmt.Errorf("%s: longer than %d bytes", path, limit)
	}
	return b, nil
}

func newDisclosureList() *cobra.Command {
	var (
		q             store.ReportQuery
		state         string
		overdue, asJS bool
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List reports, newest first, with the deadlines each has missed",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if state != "" {
				if err := q.State.UnmarshalText([]byte(state)); err != nil {
					return usageError{fmt.Errorf("--state: %w", err)}
				}
			}
			now := time.Now().UTC()
			if overdue {
				q.OverdueAt = now
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				list, err := s.ListReports(cmd.Context(), q)
				if err != nil {
					return err
				}
				if asJS {
					if list == nil {
						list = []disclosure.Report{}
					}
					return writeJSON(cmd.OutOrStdout(), list)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "ID\tCODE\tSTATE\tTLP\tRECEIVED\tDISCLOSURE\tOVERDUE\tTITLE\n")
				for _, r := range list {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Code, r.State, r.Marking.TLP, r.Received.Format(time.RFC3339),
						r.Deadlines.Disclosure.Format(time.DateOnly), cmpOrDash(strings.Join(incidentWords(r.Overdue(now)), ",")), r.Title)
				}
				return tw.Flush()
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&state, "state", "", "only reports in this state")
	f.BoolVar(&q.Open, "open", false, "only reports not rejected, duplicate or disclosed")
	f.BoolVar(&overdue, "overdue", false, "only reports past a deadline now")
	f.BoolVar(&asJS, "json", false, "print as JSON")
	return cmd
}

func newDisclosureShow() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID|CODE",
		Short: "Show a report: what was reported, by whom, its deadlines and its log",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				r, err := readReportArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				log, err := s.ReportEvents(cmd.Context(), r.ID)
				if err != nil {
					return err
				}
				if asJSON {
					overdue := r.Overdue(time.Now())
					if overdue == nil {
						overdue = []disclosure.Deadline{}
					}
					return writeJSON(cmd.OutOrStdout(), map[string]any{"report": r, "log": log, "overdue": overdue})
				}
				return printDisclosure(cmd.OutOrStdout(), r, log, time.Now())
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

// printDisclosure prints a report with its deadlines and log; now decides
// which deadlines are overdue.
func printDisclosure(w io.Writer, r disclosure.Report, log []disclosure.Event, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "report\t%d\ncode\t%s\ntitle\t%s\nmarking\tTLP:%s\nstate\t%s\t(next: %s)\nproduct\t%s\nversion\t%s\n",
		r.ID, r.Code, r.Title, r.Marking.TLP, r.State, cmpOrDash(strings.Join(incidentWords(r.State.Next()), ", ")),
		cmpOrDash(r.Product), cmpOrDash(r.Version))
	reporter := "anonymous"
	if !r.Reporter.Anonymous() {
		reporter = strings.TrimSpace(r.Reporter.Name + " " + bracket(r.Reporter.Contact))
	}
	credit := "not wanted"
	switch {
	case !r.Credit.Given.IsZero():
		credit = r.Credit.Name + " (confirmed " + r.Credit.Given.Format(time.RFC3339) + ")"
	case r.Credit.Wanted:
		credit = r.Credit.Name + " (asked)"
	}
	fmt.Fprintf(tw, "reporter\t%s\nlanguage\t%s\ncredit\t%s\nreceived\t%s\n", reporter, r.Lang, credit, r.Received.Format(time.RFC3339))
	for _, m := range []struct {
		name string
		at   time.Time
	}{{"acknowledged", r.Acknowledged}, {"triaged", r.Triaged}, {"fixed", r.Fixed}, {"disclosed", r.Disclosed}} {
		if !m.at.IsZero() {
			fmt.Fprintf(tw, "%s\t%s\n", m.name, m.at.Format(time.RFC3339))
		}
	}
	overdue := r.Overdue(now)
	for _, d := range disclosure.DeadlineKinds {
		status := ""
		switch {
		case slices.Contains(overdue, d):
			status = "overdue"
		case !r.Applies(d):
			status = "done"
		}
		fmt.Fprintf(tw, "%s deadline\t%s\t%s\n", d, r.Deadlines.Get(d).Format(time.RFC3339), status)
	}
	if r.DuplicateOf != 0 {
		fmt.Fprintf(tw, "duplicate of\treport %d\n", r.DuplicateOf)
	}
	if r.Incident != 0 {
		fmt.Fprintf(tw, "incident\t%d\n", r.Incident)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nDESCRIPTION\n%s\n\nLOG\n", r.Description)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, e := range log {
		// A message of many lines is folded onto its row.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.At.Format(time.RFC3339), e.Actor, e.Kind, strings.Join(strings.Fields(e.Text), " "))
	}
	return tw.Flush()
}

func bracket(s string) string {
	if s == "" {
		return ""
	}
	return "<" + s + ">"
}

func newDisclosureAck() *cobra.Command {
	var message, actor string
	cmd := &cobra.Command{
		Use:   "ack ID|CODE",
		Short: "Acknowledge a report (received → acknowledged), with an optional answer to the reporter",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return changeReport(cmd, args[0], func(ctx context.Context, s store.Store, r disclosure.Report) (string, error) {
				r, err := s.MoveReport(ctx, r.ID, disclosure.Acknowledged, "", 0, actor)
				if err != nil {
					return "", err
				}
				if err := replyTo(ctx, s, r.ID, actor, message, false); err != nil {
					return "", err
				}
				return reportLine(r), nil
			})
		},
	}
	cmd.Flags().StringVar(&message, "message", "", "an answer to the reporter, on their status page")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who acknowledges it, for the audit log")
	return cmd
}

// replyTo puts a message on a report's log: to the reporter, or a note.
func replyTo(ctx context.Context, s store.Store, id int64, actor, text string, internal bool) error {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	kind := disclosure.EventReply
	if internal {
		kind = disclosure.EventNote
	}
	_, err := s.AddReportEvent(ctx, id, disclosure.Event{Actor: actor, Kind: kind, Text: text})
	return err
}

func newDisclosureTriage() *cobra.Command {
	var (
		decision, reason, message, actor string
		duplicateOf                      string
	)
	cmd := &cobra.Command{
		Use:   "triage ID|CODE --decision DECISION --reason REASON",
		Short: "Decide a report: triaged (assessed, pending), accepted, rejected or duplicate",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var to disclosure.State
			if err := to.UnmarshalText([]byte(decision)); err != nil || !slices.Contains(disclosure.Decisions, to) {
				return usageError{fmt.Errorf("--decision %q: one of %s", decision, strings.Join(incidentWords(disclosure.Decisions), ", "))}
			}
			return changeReport(cmd, args[0], func(ctx context.Context, s store.Store, r disclosure.Report) (string, error) {
				var dupOf int64
				if duplicateOf != "" {
					orig, err := readReportArg(ctx, s, duplicateOf)
					if err != nil {
						return "", err
					}
					dupOf = orig.ID
				}
				r, err := s.MoveReport(ctx, r.ID, to, reason, dupOf, actor)
				if err != nil {
					return "", err
				}
				if err := replyTo(ctx, s, r.ID, actor, message, false); err != nil {
					return "", err
				}
				return reportLine(r), nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&decision, "decision", "", strings.Join(incidentWords(disclosure.Decisions), ", "))
	f.StringVar(&reason, "reason", "", "why (the log and the audit log; not shown to the reporter)")
	f.StringVar(&duplicateOf, "duplicate-of", "", "the earlier report it repeats (id or code)")
	f.StringVar(&message, "message", "", "an answer to the reporter, on their status page")
	f.StringVar(&actor, "as", defaultActor(), "who decides, for the audit log")
	return cmd
}

func newDisclosureMove() *cobra.Command {
	var to, reason, actor string
	cmd := &cobra.Command{
		Use:   "move ID|CODE --to STATE --reason REASON",
		Short: "Move a report on: accepted → fixed → disclosed, or back (a failed fix, new information)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var st disclosure.State
			if err := st.UnmarshalText([]byte(to)); err != nil {
				return usageError{fmt.Errorf("--to: %w", err)}
			}
			return changeReport(cmd, args[0], func(ctx context.Context, s store.Store, r disclosure.Report) (string, error) {
				from := r.State
				r, err := s.MoveReport(ctx, r.ID, st, reason, 0, actor)
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("report %d %s: %s → %s (next: %s)", r.ID, r.Code, from, r.State, cmpOrDash(strings.Join(incidentWords(r.State.Next()), ", "))), nil
			})
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the new state")
	cmd.Flags().StringVar(&reason, "reason", "", "why, for the log and the audit log")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who moves it, for the audit log")
	return cmd
}

func newDisclosureDeadline() *cobra.Command {
	var kind, at, reason, actor string
	cmd := &cobra.Command{
		Use:   "deadline ID|CODE --kind ack|triage|disclosure --at TIME --reason REASON",
		Short: "Move one of a report's deadlines, for a reason the reporter may ask for",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var d disclosure.Deadline
			if err := d.UnmarshalText([]byte(kind)); err != nil {
				return usageError{fmt.Errorf("--kind: %w", err)}
			}
			when, err := parseIncidentTime("--at", at)
			if err != nil {
				return err
			}
			if when.IsZero() {
				return usageError{errors.New("--at: the new date?")}
			}
			return changeReport(cmd, args[0], func(ctx context.Context, s store.Store, r disclosure.Report) (string, error) {
				r, err := s.SetReportDeadline(ctx, r.ID, d, when, reason, actor)
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("report %d %s: %s deadline %s", r.ID, r.Code, d, r.Deadlines.Get(d).Format(time.RFC3339)), nil
			})
		},
	}
	cmd.Flags().StringVar(&kind, "kind", "disclosure", "ack, triage or disclosure")
	cmd.Flags().StringVar(&at, "at", "", "the new date (RFC 3339 or YYYY-MM-DD)")
	cmd.Flags().StringVar(&reason, "reason", "", "why")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who moves it, for the audit log")
	return cmd
}

func newDisclosureMessage() *cobra.Command {
	var (
		text, actor string
		internal    bool
	)
	cmd := &cobra.Command{
		Use:   "message ID|CODE --text TEXT",
		Short: "Write to the reporter (on their status page), or --internal, a note for the team",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return changeReport(cmd, args[0], func(ctx context.Context, s store.Store, r disclosure.Report) (string, error) {
				if strings.TrimSpace(text) == "" {
					return "", usageError{errors.New("--text: what to say?")}
				}
				if err := replyTo(ctx, s, r.ID, actor, text, internal); err != nil {
					return "", err
				}
				to := "to the reporter"
				if internal {
					to = "note"
				}
				return fmt.Sprintf("report %d %s: %s by %s", r.ID, r.Code, to, actor), nil
			})
		},
	}
	cmd.Flags().StringVar(&text, "text", "", "the message")
	cmd.Flags().BoolVar(&internal, "internal", false, "a note for the team, never shown to the reporter")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who writes it")
	return cmd
}

func newDisclosureCredit() *cobra.Command {
	var name, actor string
	cmd := &cobra.Command{
		Use:   "credit ID|CODE [--name NAME]",
		Short: "Confirm the reporter's credit, under the name they gave or --name",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return changeReport(cmd, args[0], func(ctx context.Context, s store.Store, r disclosure.Report) (string, error) {
				r, err := s.CreditReport(ctx, r.ID, name, actor)
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("report %d %s: credited as %s", r.ID, r.Code, r.Credit.Name), nil
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the name to credit (default: the one the reporter gave)")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who confirms it, for the audit log")
	return cmd
}

func newDisclosureCredits() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "credits",
		Short: "The reporters to thank in public: disclosed reports with a confirmed credit",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				list, err := s.ListReports(cmd.Context(), store.ReportQuery{State: disclosure.Disclosed})
				if err != nil {
					return err
				}
				credits := disclosure.Credits(list)
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), credits)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "DISCLOSED\tNAME\tPRODUCT\tTITLE\n")
				for _, c := range credits {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Disclosed.Format(time.DateOnly), c.Name, cmpOrDash(c.Product), c.Title)
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newDisclosureMark() *cobra.Command {
	var tlp, reason, actor string
	cmd := &cobra.Command{
		Use:   "mark ID|CODE --tlp LABEL --reason REASON",
		Short: "Change a report's TLP label (reports arrive TLP:AMBER)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			label, err := incident.ParseTLP(tlp)
			if err != nil {
				return usageError{fmt.Errorf("--tlp: %w", err)}
			}
			return changeReport(cmd, args[0], func(ctx context.Context, s store.Store, r disclosure.Report) (string, error) {
				r, err := s.MarkReport(ctx, r.ID, label, reason, actor)
				if err != nil {
					return "", err
				}
				return reportLine(r), nil
			})
		},
	}
	cmd.Flags().StringVar(&tlp, "tlp", "", "TLP 2.0 label: CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
	cmd.Flags().StringVar(&reason, "reason", "", "why")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who marks it, for the audit log")
	return cmd
}

func newDisclosureIncident() *cobra.Command {
	var (
		link                             int64
		category, severity, owner, actor string
	)
	cmd := &cobra.Command{
		Use:   "incident ID|CODE (--link INCIDENT | --category CATEGORY --severity SEVERITY)",
		Short: "Link a report to the incident it is handled in, or open one from it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if link != 0 && (category != "" || severity != "" || owner != "") {
				return usageError{errors.New("--link, or --category and --severity of a new incident: not both")}
			}
			var in incident.Incident
			if link == 0 {
				if err := in.Category.UnmarshalText([]byte(category)); err != nil {
					return usageError{fmt.Errorf("--category: %w (%s)", err, strings.Join(incidentWords(incident.Categories), ", "))}
				}
				if err := in.Severity.UnmarshalText([]byte(severity)); err != nil {
					return usageError{fmt.Errorf("--severity: %w (low, medium, high, critical)", err)}
				}
				in.Owner = owner
			}
			return changeReport(cmd, args[0], func(ctx context.Context, s store.Store, r disclosure.Report) (string, error) {
				if link != 0 {
					r, err := s.LinkReport(ctx, r.ID, link, actor)
					if errors.Is(err, store.ErrNotFound) {
						return "", &exitError{code: 3, err: fmt.Errorf("no incident %d", link)}
					}
					if err != nil {
						return "", err
					}
					return fmt.Sprintf("report %d %s: linked to incident %d", r.ID, r.Code, r.Incident), nil
				}
				r, x, err := s.ReportToIncident(ctx, r.ID, in, actor)
				if err != nil {
					return "", err
				}
				return fmt.Sprintf("report %d %s: incident %d opened: %s (%s, %s, TLP:%s)", r.ID, r.Code, x.ID, x.Title, x.Category, x.Severity, x.Marking.TLP), nil
			})
		},
	}
	f := cmd.Flags()
	f.Int64Var(&link, "link", 0, "link to this incident")
	f.StringVar(&category, "category", "", "the new incident's category")
	f.StringVar(&severity, "severity", "", "the new incident's severity")
	f.StringVar(&owner, "owner", "", "who leads the new incident's response")
	f.StringVar(&actor, "as", defaultActor(), "who does it, for the audit log")
	return cmd
}

func newDisclosureSecurityTxt() *cobra.Command {
	return &cobra.Command{
		Use:   "security-txt",
		Short: "Print /.well-known/security.txt (RFC 9116) as vmc serve serves it now",
		Long: `Print the security.txt that vmc serve serves at /.well-known/security.txt, from
disclosure.security-txt and public-url in the configuration, with Expires
computed for now: for a web server in front of vmc that serves the file itself
(regenerate it well before it expires).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := loadConfig(cmd.Flags())
			if err != nil {
				return usageError{err}
			}
			in, err := c.intake()
			if err != nil {
				return usageError{err}
			}
			now := time.Now()
			t, ok := in.SecurityTxtFile(now)
			if !ok {
				return usageError{errors.New("no contact: set disclosure.security-txt.contacts or an https public-url")}
			}
			if err := t.Validate(now); err != nil {
				return err
			}
			b, _ := t.MarshalText()
			_, err = cmd.OutOrStdout().Write(b)
			return err
		},
	}
}
