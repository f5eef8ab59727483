package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/store"
)

func newIncident() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "incident",
		Aliases: []string{"incidents"},
		Short:   "Security incidents (安全事件): report, triage, contain, eradicate, recover, close, review",
		Long: `An incident is a security event the organisation responds to: reported,
triaged (classified and assigned), contained, eradicated, recovered, closed, and
reviewed once the lessons learnt are recorded (OWASP SAMM VM2, VM3). A move the
process does not allow is refused with the moves that are; an incident is not
closed while a containment, eradication or recovery task is open.

Every incident carries a TLP 2.0 label and may carry an embargo: they decide
what may leave vmc, to whom. Its timeline records every move, reclassification,
task and note, append-only; every change is in the audit log as its author's.`,
	}
	cmd.AddCommand(newIncidentReport(), newIncidentList(), newIncidentShow(), newIncidentMove(), newIncidentNote(), newIncidentTask(),
		newIncidentFollow(), newIncidentImpact())
	cmd.AddCommand(newIncidentMetrics(), newIncidentReviewReport())
	cmd.AddCommand(newIncidentRCA(), newIncidentWhereElse(), newIncidentBreach())
	cmd.AddCommand(newIncidentStakeholder(), newIncidentEscalation(), newIncidentNotify())
	return cmd
}

// readIncidentArg reads an incident named by its id on the command line.
func readIncidentArg(ctx context.Context, s store.Store, arg string) (incident.Incident, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(arg, "INC-"), 10, 64)
	if err != nil {
		return incident.Incident{}, usageError{fmt.Errorf("incident id %q: not a number", arg)}
	}
	in, err := s.Incident(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return in, &exitError{code: 3, err: fmt.Errorf("no incident %d", id)}
	}
	return in, err
}

// parseIncidentTime reads a time as RFC 3339 or a YYYY-MM-DD day (UTC
// midnight); "" is the zero time.
func parseIncidentTime(flag, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, usageError{fmt.Errorf("%s %q: not a time (2026-11-20T08:00:00Z) or a day (2026-11-20)", flag, s)}
}

func newIncidentReport() *cobra.Command {
	var (
		in                                                           incident.Incident
		category, severity, tlp, detected, reported, embargo, reason string
		recipients                                                   []string
		actor                                                        string
	)
	cmd := &cobra.Command{
		Use:   "report --title TITLE --category CATEGORY --severity SEVERITY --tlp LABEL --detected TIME",
		Short: "Report an incident; it starts reported",
		Long: `Report an incident. --category is one of ` + strings.Join(incidentWords(incident.Categories), ", ") + `;
--severity one of low, medium, high, critical; --tlp a TLP 2.0 label (CLEAR,
GREEN, AMBER, AMBER+STRICT, RED). --embargo-until holds it back from every
channel but its --embargo-recipient parties until that day. --detected is when
it was detected, --reported when it was reported (default: now); the
notification deadlines of an incident with --personal-data run from detection.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := in.Category.UnmarshalText([]byte(category)); err != nil {
				return usageError{fmt.Errorf("--category: %w (%s)", err, strings.Join(incidentWords(incident.Categories), ", "))}
			}
			if err := in.Severity.UnmarshalText([]byte(severity)); err != nil {
				return usageError{fmt.Errorf("--severity: %w (low, medium, high, critical)", err)}
			}
			var err error
			if in.Marking.TLP, err = incident.ParseTLP(tlp); err != nil {
				return usageError{fmt.Errorf("--tlp: %w", err)}
			}
			if in.Detected, err = parseIncidentTime("--detected", detected); err != nil {
				return err
			}
			if in.Detected.IsZero() {
				return usageError{errors.New("--detected: when was it detected?")}
			}
			if in.Reported, err = parseIncidentTime("--reported", reported); err != nil {
				return err
			}
			until, err := parseIncidentTime("--embargo-until", embargo)
			if err != nil {
				return err
			}
			switch {
			case !until.IsZero():
				in.Marking.Embargo = &incident.Embargo{Until: until, Reason: reason, Recipients: recipients}
			case reason != "" || len(recipients) > 0:
				return usageError{errors.New("--embargo-reason and --embargo-recipient need --embargo-until")}
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				in, err := s.PutIncident(cmd.Context(), in, actor)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "incident %d: %s (%s, %s, %s), %s\n", in.ID, in.Title, in.Category, in.Severity, incidentMarking(in.Marking), in.State)
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&in.Title, "title", "", "a one-line title")
	f.StringVar(&category, "category", "", "the category: "+strings.Join(incidentWords(incident.Categories), ", "))
	f.StringVar(&severity, "severity", "", "low, medium, high or critical")
	f.StringVar(&tlp, "tlp", "AMBER", "TLP 2.0 label: CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
	f.StringVar(&embargo, "embargo-until", "", "hold it back until this day or time")
	f.StringVar(&reason, "embargo-reason", "", "why it is under embargo")
	f.StringSliceVar(&recipients, "embargo-recipient", nil, "a party who may receive it during the embargo (repeatable)")
	f.StringSliceVar(&in.Assets, "asset", nil, "an affected asset (repeatable)")
	f.StringSliceVar(&in.Vulns, "vuln", nil, "a vulnerability exploited or involved (repeatable)")
	f.StringSliceVar(&in.Projects, "project", nil, "an affected project (repeatable)")
	f.BoolVar(&in.PersonalData, "personal-data", false, "personal or sensitive data is involved")
	f.StringVar(&detected, "detected", "", "when it was detected (RFC 3339 or YYYY-MM-DD)")
	f.StringVar(&reported, "reported", "", "when it was reported (default: now)")
	f.StringVar(&in.Owner, "owner", "", "who leads the response")
	f.StringVar(&actor, "as", defaultActor(), "who reports it, for the audit log")
	return cmd
}

func incidentWords[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// markingLine shows a marking as it labels what it marks.
func incidentMarking(m incident.Marking) string {
	s := "TLP:" + string(m.TLP)
	if e := m.Embargo; e != nil {
		s += ", embargo until " + e.Until.Format(time.RFC3339)
	}
	return s
}

func newIncidentList() *cobra.Command {
	var (
		q                         store.IncidentQuery
		state, category, severity string
		asJSON                    bool
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List incidents, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if state != "" {
				if err := q.State.UnmarshalText([]byte(state)); err != nil {
					return usageError{fmt.Errorf("--state: %w", err)}
				}
			}
			if category != "" {
				if err := q.Category.UnmarshalText([]byte(category)); err != nil {
					return usageError{fmt.Errorf("--category: %w", err)}
				}
			}
			if severity != "" {
				if err := q.Severity.UnmarshalText([]byte(severity)); err != nil {
					return usageError{fmt.Errorf("--severity: %w", err)}
				}
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				list, err := s.ListIncidents(cmd.Context(), q)
				if err != nil {
					return err
				}
				if asJSON {
					if list == nil {
						list = []incident.Incident{}
					}
					return writeJSON(cmd.OutOrStdout(), list)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "ID\tSTATE\tSEVERITY\tCATEGORY\tTLP\tDETECTED\tOWNER\tTITLE\n")
				for _, in := range list {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", in.ID, in.State, in.Severity, in.Category, in.Marking.TLP,
						in.Detected.Format(time.RFC3339), cmpOrDash(in.Owner), in.Title)
				}
				return tw.Flush()
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&state, "state", "", "only incidents in this state")
	f.StringVar(&category, "category", "", "only incidents of this category")
	f.StringVar(&severity, "severity", "", "only incidents of this severity")
	f.BoolVar(&q.Open, "open", false, "only incidents not closed or reviewed")
	f.BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newIncidentShow() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show an incident: its fields, marking, timeline and tasks",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				ctx := cmd.Context()
				in, err := readIncidentArg(ctx, s, args[0])
				if err != nil {
					return err
				}
				tl, err := s.Timeline(ctx, in.ID)
				if err != nil {
					return err
				}
				tasks, err := s.ListTasks(ctx, in.ID)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), map[string]any{"incident": in, "timeline": tl, "tasks": tasks})
				}
				return printIncidentRecord(cmd.OutOrStdout(), in, tl, tasks, time.Now())
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

// printIncidentRecord prints an incident with its timeline and tasks;
// now decides which open tasks are overdue.
func printIncidentRecord(w io.Writer, in incident.Incident, tl []incident.Event, tasks []incident.Task, now time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "incident\t%d\ntitle\t%s\nmarking\tTLP:%s\n", in.ID, in.Title, in.Marking.TLP)
	if e := in.Marking.Embargo; e != nil {
		fmt.Fprintf(tw, "embargo\tuntil %s\t%s\n", e.Until.Format(time.RFC3339), cmpOrDash(e.Reason))
		if len(e.Recipients) > 0 {
			fmt.Fprintf(tw, "embargo recipients\t%s\n", strings.Join(e.Recipients, ", "))
		}
	}
	personal := "no"
	if in.PersonalData {
		personal = "yes"
	}
	fmt.Fprintf(tw, "state\t%s\t(next: %s)\ncategory\t%s\nseverity\t%s\nowner\t%s\nassets\t%s\nvulns\t%s\nprojects\t%s\npersonal data\t%s\ndetected\t%s\nreported\t%s\n",
		in.State, strings.Join(incidentWords(in.State.Next()), ", "), in.Category, in.Severity, cmpOrDash(in.Owner),
		cmpOrDash(strings.Join(in.Assets, ", ")), cmpOrDash(strings.Join(in.Vulns, ", ")), cmpOrDash(strings.Join(in.Projects, ", ")),
		personal, in.Detected.Format(time.RFC3339), in.Reported.Format(time.RFC3339))
	printIncidentProcess(tw, in)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nTIMELINE")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, e := range tl {
		// A multi-line note is folded onto its row.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.At.Format(time.RFC3339), e.Actor, e.Kind, strings.Join(strings.Fields(e.Text), " "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nTASKS")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "ID\tKIND\tOWNER\tDUE\tSTATUS\tLINK\tTITLE\n")
	for _, t := range tasks {
		due := "-"
		if !t.Due.IsZero() {
			due = t.Due.Format(time.DateOnly)
		}
		status := "open"
		switch {
		case !t.Open():
			status = fmt.Sprintf("done %s (%s)", t.Done.Format(time.RFC3339), t.DoneBy)
		case t.Overdue(now):
			status = "overdue"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Kind, t.Owner, due, status, cmpOrDash(t.Link), t.Title)
	}
	return tw.Flush()
}

func newIncidentMove() *cobra.Command {
	var to, reason, actor string
	cmd := &cobra.Command{
		Use:   "move ID --to STATE",
		Short: "Move an incident: reported → triaged → contained → eradicated → recovered → closed → reviewed",
		Long: `Move an incident to another state. The process allows one step forward, skipping
containment for an incident that never spread (triaged → eradicated), closing a
report that was no incident (reported → closed), and going back to triage when
containment or eradication failed or a closed incident is re-opened. A refused
move names the moves that are allowed.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var st incident.State
			if err := st.UnmarshalText([]byte(to)); err != nil {
				return usageError{fmt.Errorf("--to: %w (%s)", err, strings.Join(incidentWords(incident.States), ", "))}
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				in, err := readIncidentArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				from := in.State
				if in, err = s.MoveIncident(cmd.Context(), in.ID, st, actor, reason); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "incident %d: %s → %s (next: %s)\n", in.ID, from, in.State, strings.Join(incidentWords(in.State.Next()), ", "))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the new state")
	cmd.Flags().StringVar(&reason, "reason", "", "why, for the timeline and the audit log")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who moves it, for the audit log")
	return cmd
}

func newIncidentNote() *cobra.Command {
	var (
		e          incident.Event
		kind, when string
	)
	cmd := &cobra.Command{
		Use:   "note ID --text TEXT",
		Short: "Add a note, briefing or communication to an incident's timeline",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := e.Kind.UnmarshalText([]byte(kind)); err != nil {
				return usageError{fmt.Errorf("--kind: %w", err)}
			}
			var err error
			if e.At, err = parseIncidentTime("--at", when); err != nil {
				return err
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				in, err := readIncidentArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				if e, err = s.AddEvent(cmd.Context(), in.ID, e); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "incident %d: %s by %s at %s\n", in.ID, e.Kind, e.Actor, e.At.Format(time.RFC3339))
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&e.Text, "text", "", "what happened, was decided or was said")
	f.StringVar(&kind, "kind", "note", "note, briefing, evidence or communication")
	f.StringVar(&when, "at", "", "when it happened (default: now)")
	f.StringVar(&e.Actor, "as", defaultActor(), "who records it")
	return cmd
}

func newIncidentTask() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "task",
		Short: "Response tasks of an incident",
	}
	cmd.AddCommand(newIncidentTaskAdd(), newIncidentTaskDone())
	return cmd
}

func newIncidentTaskAdd() *cobra.Command {
	var (
		t                incident.Task
		kind, due, actor string
	)
	cmd := &cobra.Command{
		Use:   "add INCIDENT --title TITLE --kind KIND --owner OWNER",
		Short: "Add a response task: containment, eradication, recovery, change, patch, communication, other",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := t.Kind.UnmarshalText([]byte(kind)); err != nil {
				return usageError{fmt.Errorf("--kind: %w", err)}
			}
			if due != "" {
				d, err := time.Parse(time.DateOnly, strings.TrimSpace(due))
				if err != nil {
					return usageError{fmt.Errorf("--due %q: not a YYYY-MM-DD day", due)}
				}
				t.Due = d
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				in, err := readIncidentArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				t.Incident = in.ID
				if t, err = s.PutTask(cmd.Context(), t, actor); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "task %d on incident %d: %s (%s, owner %s, due %s)\n", t.ID, in.ID, t.Title, t.Kind, t.Owner, incidentDay(t.Due))
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&t.Title, "title", "", "what is to be done")
	f.StringVar(&kind, "kind", "", strings.Join(incidentWords(incident.TaskKinds), ", "))
	f.StringVar(&t.Owner, "owner", "", "who does it")
	f.StringVar(&due, "due", "", "the day it is due, YYYY-MM-DD")
	f.StringVar(&t.Link, "link", "", "a finding (finding:42), change ticket or URL it is carried out through")
	f.StringVar(&actor, "as", defaultActor(), "who adds it, for the audit log")
	return cmd
}

func incidentDay(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(time.DateOnly)
}

func newIncidentTaskDone() *cobra.Command {
	var actor, when string
	cmd := &cobra.Command{
		Use:   "done TASK",
		Short: "Mark a response task done",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil {
				return usageError{fmt.Errorf("task id %q: not a number", args[0])}
			}
			at, err := parseIncidentTime("--at", when)
			if err != nil {
				return err
			}
			if at.IsZero() {
				at = time.Now()
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				t, err := s.Task(cmd.Context(), id)
				if errors.Is(err, store.ErrNotFound) {
					return &exitError{code: 3, err: fmt.Errorf("no task %d", id)}
				}
				if err != nil {
					return err
				}
				if !t.Open() {
					return &exitError{code: 1, err: fmt.Errorf("task %d was done at %s by %s", t.ID, t.Done.Format(time.RFC3339), t.DoneBy)}
				}
				t.Done, t.DoneBy = at, actor
				if t, err = s.PutTask(cmd.Context(), t, actor); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "task %d on incident %d done by %s: %s\n", t.ID, t.Incident, t.DoneBy, t.Title)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&when, "at", "", "when it was done (default: now)")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who did it")
	return cmd
}
