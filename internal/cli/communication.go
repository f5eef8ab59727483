package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/notify"
	"github.com/vmc-dev/vmc/internal/store"
)

// The communication tree on the command line: vmc incident stakeholder,
// vmc incident escalation and vmc incident notify. A tree is named by
// its incident's id, or "default" for the organisation's default tree.

const treeArgDoc = `TREE is an incident's id, or "default" for the organisation's default tree,
which every new incident gets a copy of.`

// readTreeArg reads a tree named on the command line: its incident's id
// (0 for "default").
func readTreeArg(ctx context.Context, s store.Store, arg string) (int64, error) {
	if strings.EqualFold(arg, "default") {
		return 0, nil
	}
	in, err := readIncidentArg(ctx, s, arg)
	return in.ID, err
}

func treeLabel(id int64) string {
	if id == 0 {
		return "the default tree"
	}
	return fmt.Sprintf("incident %d", id)
}

// findStakeholder returns the stakeholder of a tree with that name.
func findStakeholder(ctx context.Context, s store.Store, tree int64, name string) (incident.Stakeholder, error) {
	sts, err := s.ListStakeholders(ctx, tree)
	if err != nil {
		return incident.Stakeholder{}, err
	}
	i := slices.IndexFunc(sts, func(st incident.Stakeholder) bool { return st.Name == name })
	if i < 0 {
		return incident.Stakeholder{}, &exitError{code: 3, err: fmt.Errorf("no stakeholder %q in %s", name, treeLabel(tree))}
	}
	return sts[i], nil
}

func newIncidentStakeholder() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "stakeholder",
		Short: "The communication tree (通报树): who is told about an incident, how, in which language, cleared for which TLP label",
		Long: `A stakeholder is reached by e-mail, by a signed webhook, or both, in English or
Chinese, and receives only what their TLP clearance covers; a party outside the
organisation (a customer, regulator or vendor, or --external) is cleared for
TLP:AMBER at most. ` + treeArgDoc,
	}
	cmd.AddCommand(newStakeholderAdd(), newStakeholderList(), newStakeholderUpdate(), newStakeholderRemove())
	return cmd
}

// stakeholderFlags are the fields add and update set.
type stakeholderFlags struct {
	name, role, email, webhook, secretFile, lang, clearance string
	external                                                bool
}

func (f *stakeholderFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&f.name, "name", "", "the stakeholder's name, unique in the tree")
	fs.StringVar(&f.role, "role", "", "their role: "+strings.Join(incidentWords(incident.Roles), ", "))
	fs.StringVar(&f.email, "email", "", "the address to e-mail them at")
	fs.StringVar(&f.webhook, "webhook", "", "an https URL to POST signed JSON to (http only to a loopback address)")
	fs.StringVar(&f.secretFile, "webhook-secret-file", "", "sign the webhook with the secret in this file (at least 32 bytes) instead of a new one")
	fs.StringVar(&f.lang, "lang", "en", "the language to write to them in: en or zh-CN")
	fs.StringVar(&f.clearance, "clearance", "", "the narrowest TLP label they may receive (CLEAR, GREEN, AMBER, AMBER+STRICT, RED)")
	fs.BoolVar(&f.external, "external", false, "they are outside the organisation")
}

// apply sets the fields whose flags were given (all of them for a new
// stakeholder) on st.
func (f *stakeholderFlags) apply(cmd *cobra.Command, st incident.Stakeholder) (incident.Stakeholder, error) {
	set := func(name string) bool { return st.ID == 0 || cmd.Flags().Changed(name) }
	if set("name") {
		st.Name = strings.TrimSpace(f.name)
	}
	if set("role") {
		if err := st.Role.UnmarshalText([]byte(f.role)); err != nil {
			return st, usageError{fmt.Errorf("--role: %w", err)}
		}
	}
	if set("email") {
		st.Email = strings.TrimSpace(f.email)
	}
	if set("webhook") {
		st.Webhook = strings.TrimSpace(f.webhook)
	}
	if set("lang") {
		lang, err := incident.ParseLang(f.lang)
		if err != nil {
			return st, usageError{fmt.Errorf("--lang: %w", err)}
		}
		st.Lang = lang
	}
	if set("clearance") {
		tlp, err := incident.ParseTLP(f.clearance)
		if err != nil {
			return st, usageError{fmt.Errorf("--clearance: %w", err)}
		}
		st.Clearance = tlp
	}
	if set("external") {
		st.External = f.external
	}
	if f.secretFile != "" {
		b, err := os.ReadFile(f.secretFile)
		if err != nil {
			return st, fmt.Errorf("--webhook-secret-file: %w", err)
		}
		st.WebhookSecret = strings.TrimSpace(string(b))
	}
	return st, nil
}

// describeStakeholder is a stakeholder on one line.
func describeStakeholder(st incident.Stakeholder) string {
	var via []string
	if st.Email != "" {
		via = append(via, "e-mail "+st.Email)
	}
	if st.Webhook != "" {
		via = append(via, "webhook "+st.Webhook)
	}
	s := fmt.Sprintf("%s (%s, %s, TLP:%s, %s", st.Name, st.Role, strings.Join(via, " and "), st.Clearance, st.Lang)
	if st.Outside() {
		s += ", outside"
	}
	return s + ")"
}

// putStakeholder stores st, giving a webhook without a secret a new one,
// which it prints once.
func putStakeholder(cmd *cobra.Command, s store.Store, st incident.Stakeholder, rotate bool, actor string) error {
	fresh := ""
	if st.Webhook != "" && (st.WebhookSecret == "" || rotate) {
		fresh = notify.NewSecret()
		st.WebhookSecret = fresh
	}
	verb := "changed"
	if st.ID == 0 {
		verb = "added"
	}
	st, err := s.PutStakeholder(cmd.Context(), st, actor)
	if err != nil {
		return err
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "stakeholder %s in %s: %s\n", verb, treeLabel(st.Incident), describeStakeholder(st))
	if fresh != "" {
		fmt.Fprintf(w, "webhook secret (shown once; give it to the receiver): %s\n", fresh)
	}
	return nil
}

func newStakeholderAdd() *cobra.Command {
	var (
		f     stakeholderFlags
		actor string
	)
	cmd := &cobra.Command{
		Use:   "add TREE --name NAME --role ROLE --clearance LABEL (--email ADDRESS | --webhook URL)",
		Short: "Add a stakeholder to a tree; a webhook gets a new signing secret, printed once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := f.apply(cmd, incident.Stakeholder{})
			if err != nil {
				return err
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				if st.Incident, err = readTreeArg(cmd.Context(), s, args[0]); err != nil {
					return err
				}
				return putStakeholder(cmd, s, st, false, actor)
			})
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who adds them, for the audit log")
	return cmd
}

func newStakeholderUpdate() *cobra.Command {
	var (
		f      stakeholderFlags
		rotate bool
		actor  string
	)
	cmd := &cobra.Command{
		Use:   "update TREE NAME [--name NEW] [--role ...] [--rotate-secret]",
		Short: "Change a stakeholder: only the fields given change; a rename is followed by the escalation path",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				tree, err := readTreeArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				st, err := findStakeholder(cmd.Context(), s, tree, args[1])
				if err != nil {
					return err
				}
				if st, err = f.apply(cmd, st); err != nil {
					return err
				}
				return putStakeholder(cmd, s, st, rotate && f.secretFile == "", actor)
			})
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&rotate, "rotate-secret", false, "sign the webhook with a new secret, printed once")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who changes them, for the audit log")
	return cmd
}

func newStakeholderRemove() *cobra.Command {
	var actor string
	cmd := &cobra.Command{
		Use:   "remove TREE NAME",
		Short: "Remove a stakeholder from a tree (not while its escalation path names them); their deliveries stay",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				tree, err := readTreeArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				st, err := findStakeholder(cmd.Context(), s, tree, args[1])
				if err != nil {
					return err
				}
				if err := s.RemoveStakeholder(cmd.Context(), st.ID, actor); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "stakeholder removed from %s: %s\n", treeLabel(tree), st.Name)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who removes them, for the audit log")
	return cmd
}

func newStakeholderList() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list TREE",
		Short: "List a tree's stakeholders (webhook secrets are never shown)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				tree, err := readTreeArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				sts, err := s.ListStakeholders(cmd.Context(), tree)
				if err != nil {
					return err
				}
				if asJSON {
					if sts == nil {
						sts = []incident.Stakeholder{}
					}
					return writeJSON(cmd.OutOrStdout(), sts)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "NAME\tROLE\tCLEARANCE\tLANG\tOUTSIDE\tEMAIL\tWEBHOOK\n")
				for _, st := range sts {
					outside := "no"
					if st.Outside() {
						outside = "yes"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", st.Name, st.Role, st.Clearance, st.Lang, outside, cmpOrDash(st.Email), cmpOrDash(st.Webhook))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newIncidentEscalation() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "escalation",
		Short: "Escalation paths (升级路径): who is told at which severity, and after how long unacknowledged",
		Long: `An escalation path is a list of levels. A level reaches its stakeholders for
incidents of its severity or worse: at once, or --after a while when nobody has
acknowledged the incident (vmc incident notify ack) or triaged it. vmc serve
takes levels as they fall due; vmc incident notify escalate does it by hand.
` + treeArgDoc,
	}
	cmd.AddCommand(newEscalationShow(), newEscalationSet(), newEscalationRemove())
	return cmd
}

func printEscalation(w io.Writer, e incident.Escalation) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "LEVEL\tSEVERITY\tAFTER\tNOTIFY\n")
	for _, l := range e.Levels {
		after := "at once"
		if l.AfterMinutes > 0 {
			after = (time.Duration(l.AfterMinutes) * time.Minute).String() + " unacknowledged"
		}
		fmt.Fprintf(tw, "%d\t%s+\t%s\t%s\n", l.Level, l.Severity, after, strings.Join(l.Notify, ", "))
	}
	return tw.Flush()
}

func newEscalationShow() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show TREE",
		Short: "Show a tree's escalation path",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				tree, err := readTreeArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				e, err := s.Escalation(cmd.Context(), tree)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), e)
				}
				return printEscalation(cmd.OutOrStdout(), e)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

// parseLevel reads a level number from the command line.
func parseLevel(arg string) (int, error) {
	n, err := strconv.Atoi(arg)
	if err != nil {
		return 0, usageError{fmt.Errorf("level %q: not a number", arg)}
	}
	return n, nil
}

// changeEscalation reads a tree's path, lets change edit it, and stores
// it, printing the path as stored.
func changeEscalation(cmd *cobra.Command, treeArg, actor string, change func(*incident.Escalation) error) error {
	return withStore(cmd, true, func(_ *Config, s store.Store) error {
		tree, err := readTreeArg(cmd.Context(), s, treeArg)
		if err != nil {
			return err
		}
		e, err := s.Escalation(cmd.Context(), tree)
		if err != nil {
			return err
		}
		if err := change(&e); err != nil {
			return err
		}
		if e, err = s.PutEscalation(cmd.Context(), e, actor); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "escalation path of %s:\n", treeLabel(tree))
		return printEscalation(cmd.OutOrStdout(), e)
	})
}

func newEscalationSet() *cobra.Command {
	var (
		severity, after, actor string
		names                  []string
	)
	cmd := &cobra.Command{
		Use:   "set TREE LEVEL --severity SEVERITY [--after 30m] --notify NAME...",
		Short: "Set one level of a tree's escalation path, adding it or replacing it",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := parseLevel(args[1])
			if err != nil {
				return err
			}
			l := incident.Level{Level: n, Notify: names}
			if err := l.Severity.UnmarshalText([]byte(severity)); err != nil {
				return usageError{fmt.Errorf("--severity: %w (low, medium, high, critical)", err)}
			}
			if after != "" {
				d, err := time.ParseDuration(after)
				if err != nil || d < 0 || d%time.Minute != 0 {
					return usageError{fmt.Errorf("--after %q: not a whole number of minutes (30m, 2h)", after)}
				}
				l.AfterMinutes = int(d / time.Minute)
			}
			return changeEscalation(cmd, args[0], actor, func(e *incident.Escalation) error {
				i := slices.IndexFunc(e.Levels, func(x incident.Level) bool { return x.Level >= n })
				switch {
				case i < 0:
					e.Levels = append(e.Levels, l)
				case e.Levels[i].Level == n:
					e.Levels[i] = l
				default:
					e.Levels = slices.Insert(e.Levels, i, l)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&severity, "severity", "", "the lowest severity the level is for: low, medium, high, critical")
	cmd.Flags().StringVar(&after, "after", "", "take it this long after the report if nobody has acknowledged (default: at once)")
	cmd.Flags().StringSliceVar(&names, "notify", nil, "a stakeholder of the tree to reach (repeatable)")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who sets it, for the audit log")
	return cmd
}

func newEscalationRemove() *cobra.Command {
	var actor string
	cmd := &cobra.Command{
		Use:   "remove TREE LEVEL",
		Short: "Remove a level of a tree's escalation path (the others keep their numbers)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := parseLevel(args[1])
			if err != nil {
				return err
			}
			return changeEscalation(cmd, args[0], actor, func(e *incident.Escalation) error {
				if _, ok := e.Level(n); !ok {
					return &exitError{code: 3, err: fmt.Errorf("no level %d", n)}
				}
				e.Levels = slices.DeleteFunc(e.Levels, func(l incident.Level) bool { return l.Level == n })
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who removes it, for the audit log")
	return cmd
}

func newIncidentNotify() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "notify",
		Short: "Tell an incident's communication tree by e-mail and signed webhook; the record of who was told",
		Long: `Messages go to each stakeholder in their language through every channel they
have, after the disclosure controls: a label beyond their clearance withholds
the message, an embargo that does not name them holds it until the date (vmc
serve, or vmc incident notify escalate, sends it then). Every delivery is
recorded: sent, failed, held, withheld or cancelled, and why. E-mail goes
through the SMTP server of the configuration (smtp.host, smtp.port,
smtp.username, VMC_SMTP__PASSWORD, smtp.from, smtp.tls, smtp.ca-file).`,
	}
	cmd.AddCommand(newNotifySend(), newNotifyEscalate(), newNotifyAck(), newNotifyDeliveries())
	return cmd
}

// withNotifier runs fn with a store and the configured notifier.
func withNotifier(cmd *cobra.Command, fn func(store.Store, *notify.Service) error) error {
	return withStore(cmd, true, func(c *Config, s store.Store) error {
		log, err := c.logger(cmd.ErrOrStderr())
		if err != nil {
			return usageError{err}
		}
		n, err := c.notifier(s, log)
		if err != nil {
			return usageError{fmt.Errorf("config: %w", err)}
		}
		return fn(s, n)
	})
}

// printDeliveries prints what became of deliveries, one a line, and
// fails (exit 1) when one failed: it is recorded, but was not delivered.
func printDeliveries(w io.Writer, ds []incident.Delivery) error {
	failed := 0
	for _, d := range ds {
		line := fmt.Sprintf("delivery %d: %s", d.ID, d.Kind)
		if d.Level > 0 {
			line += fmt.Sprintf(" (level %d)", d.Level)
		}
		line += fmt.Sprintf(" to %s by %s (%s): %s", d.Name, d.Channel, d.Address, d.Status)
		switch d.Status {
		case incident.DeliverySent:
			if d.Attempts > 1 {
				line += fmt.Sprintf(" after %d attempts", d.Attempts)
			}
		case incident.DeliveryHeld:
			line += " until " + d.HeldUntil.Format(time.RFC3339)
		case incident.DeliveryFailed:
			failed++
			line += fmt.Sprintf(" after %d attempts: %s", d.Attempts, d.Reason)
		default:
			line += ": " + d.Reason
		}
		fmt.Fprintln(w, line)
	}
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d of %d deliveries failed (recorded; see vmc incident notify deliveries)", failed, len(ds))}
	}
	return nil
}

func newNotifySend() *cobra.Command {
	var (
		kind, text, tlp, embargo, actor string
		to, recipients                  []string
	)
	cmd := &cobra.Command{
		Use:   "send INCIDENT --kind KIND [--text TEXT] [--to NAME]...",
		Short: "Send a message about an incident: new, state, advisory or briefing",
		Long: `Send a message about an incident to its whole tree, or to the stakeholders --to
names. --kind is new (it was reported), state (it moved on), advisory (an
advisory was released) or briefing; --text is your own words in it. --tlp and
--embargo-until give the message a marking of its own when it is narrower than
the incident's: both must release it to a stakeholder.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m := notify.Message{Text: text, To: to}
			if err := m.Kind.UnmarshalText([]byte(kind)); err != nil || m.Kind == incident.MessageEscalation {
				return usageError{fmt.Errorf("--kind %q: new, state, advisory or briefing (escalations follow the escalation path)", kind)}
			}
			if tlp != "" || embargo != "" {
				m.Marking = &incident.Marking{TLP: incident.Clear}
				if tlp != "" {
					var err error
					if m.Marking.TLP, err = incident.ParseTLP(tlp); err != nil {
						return usageError{fmt.Errorf("--tlp: %w", err)}
					}
				}
				until, err := parseIncidentTime("--embargo-until", embargo)
				if err != nil {
					return err
				}
				if !until.IsZero() {
					m.Marking.Embargo = &incident.Embargo{Until: until, Recipients: recipients}
				}
			}
			if len(recipients) > 0 && embargo == "" {
				return usageError{errors.New("--embargo-recipient needs --embargo-until")}
			}
			return withNotifier(cmd, func(s store.Store, n *notify.Service) error {
				in, err := readIncidentArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				ds, err := n.Send(cmd.Context(), in.ID, m, actor)
				if err != nil {
					return err
				}
				return printDeliveries(cmd.OutOrStdout(), ds)
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&kind, "kind", "briefing", "new, state, advisory or briefing")
	f.StringVar(&text, "text", "", "what you have to say")
	f.StringSliceVar(&to, "to", nil, "a stakeholder to send it to (repeatable; default: the whole tree)")
	f.StringVar(&tlp, "tlp", "", "the message's own TLP label, narrower than the incident's")
	f.StringVar(&embargo, "embargo-until", "", "the message's own embargo, until this day or time")
	f.StringSliceVar(&recipients, "embargo-recipient", nil, "a stakeholder (name or address) the message's embargo lets through (repeatable)")
	f.StringVar(&actor, "as", defaultActor(), "who sends it, for the record")
	return cmd
}

func newNotifyEscalate() *cobra.Command {
	var actor string
	cmd := &cobra.Command{
		Use:   "escalate [INCIDENT]",
		Short: "Take the escalation levels due now; without an incident, also send held messages whose embargo lifted (what vmc serve does every minute)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withNotifier(cmd, func(s store.Store, n *notify.Service) error {
				if len(args) == 0 {
					res, err := n.Sweep(cmd.Context())
					perr := printDeliveries(cmd.OutOrStdout(), append(res.Released, res.Escalated...))
					fmt.Fprintf(cmd.OutOrStdout(), "released %d held or abandoned deliveries, escalated %d\n", len(res.Released), len(res.Escalated))
					if err != nil {
						return fmt.Errorf("sweep: %w", err)
					}
					return perr
				}
				in, err := readIncidentArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				ds, err := n.Escalate(cmd.Context(), in.ID, actor)
				if err != nil {
					return err
				}
				if len(ds) == 0 {
					_, err := fmt.Fprintf(cmd.OutOrStdout(), "incident %d: no escalation due\n", in.ID)
					return err
				}
				return printDeliveries(cmd.OutOrStdout(), ds)
			})
		},
	}
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who escalates, for the record (a sweep is the system's)")
	return cmd
}

func newNotifyAck() *cobra.Command {
	var note, actor string
	cmd := &cobra.Command{
		Use:   "ack INCIDENT [--note TEXT]",
		Short: "Acknowledge an incident: you have taken it up, and levels waiting for that are not taken",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				in, err := readIncidentArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				a, err := s.Acknowledge(cmd.Context(), incident.Ack{Incident: in.ID, By: actor, Note: note})
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "incident %d acknowledged by %s at %s\n", in.ID, a.By, a.At.Format(time.RFC3339))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&note, "note", "", "a line for the timeline")
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who acknowledges it")
	return cmd
}

func newNotifyDeliveries() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "deliveries INCIDENT",
		Short: "The record of every message to an incident's stakeholders, and how many were informed",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				ctx := cmd.Context()
				in, err := readIncidentArg(ctx, s, args[0])
				if err != nil {
					return err
				}
				ds, err := s.ListDeliveries(ctx, store.DeliveryQuery{Incident: in.ID})
				if err != nil {
					return err
				}
				informed, err := s.Informed(ctx, store.InformedQuery{Incident: in.ID})
				if err != nil || len(informed) != 1 {
					return fmt.Errorf("incident %d: informed: %v", in.ID, err)
				}
				if asJSON {
					if ds == nil {
						ds = []incident.Delivery{}
					}
					return writeJSON(cmd.OutOrStdout(), map[string]any{"items": ds, "informed": informed[0]})
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "ID\tCREATED\tBY\tKIND\tTO\tCHANNEL\tSTATUS\tATTEMPTS\tREASON\n")
				for _, d := range ds {
					kind := string(d.Kind)
					if d.Level > 0 {
						kind += " " + strconv.Itoa(d.Level)
					}
					reason := d.Reason
					if d.Status == incident.DeliveryHeld {
						reason = "until " + d.HeldUntil.Format(time.RFC3339)
					}
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", d.ID, d.Created.Format(time.RFC3339), d.Actor, kind, d.Name, d.Channel,
						d.Status, d.Attempts, cmpOrDash(reason))
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "informed: %d of %d stakeholders\n", informed[0].Informed, informed[0].Stakeholders)
				return err
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}
