package cli

import (
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

func newPatch() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "patch",
		Aliases: []string{"patches"},
		Short:   "Security patch releases (安全补丁发布) of incidents: change, regression tests, release, operator notification",
		Long: `A patch record is a security patch release for an incident: the product or
component released fixed, its fixed versions, its criticality for operators and
users, the change it ships through, the regression tests it must pass, and
whether operators have been told. Criticality is one of:

` + criticalityHelp() + `
(The API's /api/v1/advisories/criticalities gives the same in Chinese.)

Recording a patch adds two tasks to its incident: the change and applying the
patch. The change is approved by someone other than who requested it, which
finishes the change task; the patch is released once approved and every
regression test is done, which finishes the patch task; operators are then told,
or it is recorded why nobody needs telling. Every step is on the incident's
timeline and in the audit log.`,
	}
	cmd.AddCommand(newPatchAdd(), newPatchList(), newPatchShow(),
		newPatchStep("approve", incident.PatchApprove, "Approve a patch's change (not by whoever requested it)"),
		newPatchStep("check", incident.PatchCheck, "Tick a regression test off: check PATCH ITEM (items count from 1)"),
		newPatchStep("uncheck", incident.PatchUncheck, "Reopen a regression test that turned out not to pass"),
		newPatchStep("release", incident.PatchRelease, "Record the patch released: its change approved and every test done"),
		newPatchStep("notify", incident.PatchNotify, "Record that operators were told (--note whom and how), or --not-required and why"))
	return cmd
}

func newPatchAdd() *cobra.Command {
	var (
		p                          incident.Patch
		criticality, ticket, actor string
		checklist                  []string
	)
	cmd := &cobra.Command{
		Use:   "add INCIDENT --product PRODUCT --fixed VERSION --criticality C",
		Short: "Record a security patch for an incident, with its change and patch tasks",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := p.Criticality.UnmarshalText([]byte(criticality)); err != nil {
				return usageError{fmt.Errorf("--criticality: %w", err)}
			}
			p.Change.Ticket = ticket
			for _, item := range checklist {
				p.Checklist = append(p.Checklist, incident.RegressionTest{Item: item})
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				in, err := readIncidentArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				p.Incident = in.ID
				if p, err = s.PutPatch(cmd.Context(), p, actor); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "patch %d on incident %d: %s %s (%s), change %s, tasks %d and %d\n", p.ID, in.ID, p.Product,
					strings.Join(p.FixedVersions, ", "), p.Criticality, cmpOrDash(p.Change.Ticket), p.ChangeTask, p.PatchTask)
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&p.Product, "product", "", "the product or component released fixed: a name or a package URL")
	f.StringVar(&p.Component, "component", "", "the part of it (a module, a service)")
	f.StringSliceVar(&p.FixedVersions, "fixed", nil, "a version that fixes it (repeatable)")
	f.StringVar(&criticality, "criticality", "", "critical, important, moderate or low")
	f.StringVar(&p.Owner, "owner", "", "who drives the release and owns its tasks (default: --as)")
	f.StringVar(&ticket, "change", "", "the change request it ships through")
	f.StringArrayVar(&checklist, "test", nil, "a regression test it must pass (repeatable)")
	f.StringVar(&p.Advisory, "advisory", "", "the advisory published about it")
	f.StringVar(&actor, "as", defaultActor(), "who records it (and requests its change), for the audit log")
	return cmd
}

// readPatchArg reads the patch named on the command line.
func readPatchArg(cmd *cobra.Command, s store.Store, arg string) (incident.Patch, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil {
		return incident.Patch{}, usageError{fmt.Errorf("patch id %q: not a number", arg)}
	}
	p, err := s.Patch(cmd.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return p, &exitError{code: 3, err: fmt.Errorf("no patch %d", id)}
	}
	return p, err
}

func newPatchList() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list INCIDENT",
		Short: "List an incident's patches, oldest first",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				in, err := readIncidentArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				list, err := s.ListPatches(cmd.Context(), in.ID)
				if err != nil {
					return err
				}
				if asJSON {
					if list == nil {
						list = []incident.Patch{}
					}
					return writeJSON(cmd.OutOrStdout(), list)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "ID\tCRITICALITY\tCHANGE\tTESTS\tRELEASED\tOPERATORS\tPRODUCT\n")
				for _, p := range list {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s %s\n", p.ID, p.Criticality, patchChange(p), patchTests(p), day(p.Released),
						p.Notification.State, p.Product, strings.Join(p.FixedVersions, ", "))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func patchChange(p incident.Patch) string {
	switch {
	case p.Change.Ticket == "":
		return "-"
	case p.Approved():
		return p.Change.Ticket + " approved"
	}
	return p.Change.Ticket + " requested"
}

func patchTests(p incident.Patch) string {
	done := 0
	for _, c := range p.Checklist {
		if !c.Done.IsZero() {
			done++
		}
	}
	return fmt.Sprintf("%d/%d", done, len(p.Checklist))
}

func day(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(time.RFC3339)
}

func newPatchShow() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show PATCH",
		Short: "Show a patch: its change, regression tests, release and notification",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				p, err := readPatchArg(cmd, s, args[0])
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), p)
				}
				return printPatch(cmd.OutOrStdout(), p)
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func printPatch(w io.Writer, p incident.Patch) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "patch\t%d\nincident\t%d\nproduct\t%s\ncomponent\t%s\nfixed\t%s\ncriticality\t%s\t%s\nowner\t%s\n",
		p.ID, p.Incident, p.Product, cmpOrDash(p.Component), strings.Join(p.FixedVersions, ", "), p.Criticality, p.Criticality.Meaning("en"), p.Owner)
	fmt.Fprintf(tw, "change\t%s\trequested by %s\n", cmpOrDash(p.Change.Ticket), p.Change.RequestedBy)
	if p.Approved() {
		fmt.Fprintf(tw, "approved\t%s\tby %s\t%s\n", p.Change.Approved.Format(time.RFC3339), p.Change.ApprovedBy, p.Change.Note)
	}
	for i, c := range p.Checklist {
		status := "open"
		if !c.Done.IsZero() {
			status = fmt.Sprintf("passed %s (%s)", c.Done.Format(time.RFC3339), c.By)
		}
		fmt.Fprintf(tw, "test %d\t%s\t%s\n", i+1, status, c.Item)
	}
	fmt.Fprintf(tw, "released\t%s\t%s\noperators\t%s\t%s\t%s\nadvisory\t%s\ntasks\t%d (change), %d (patch)\n",
		day(p.Released), p.ReleasedBy, p.Notification.State, day(p.Notification.At), p.Notification.Note, cmpOrDash(p.Advisory), p.ChangeTask, p.PatchTask)
	return tw.Flush()
}

func newPatchStep(verb string, action incident.PatchAction, short string) *cobra.Command {
	var (
		note, actor string
		notRequired bool
	)
	use := verb + " PATCH"
	args := cobra.ExactArgs(1)
	if action == incident.PatchCheck || action == incident.PatchUncheck {
		use, args = verb+" PATCH ITEM", cobra.ExactArgs(2)
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  args,
		RunE: func(cmd *cobra.Command, args []string) error {
			op := incident.PatchOp{Action: action, Note: note}
			if len(args) == 2 {
				n, err := strconv.Atoi(args[1])
				if err != nil || n < 1 {
					return usageError{fmt.Errorf("item %q: a checklist item's number, from 1", args[1])}
				}
				op.Item = n - 1
			}
			if action == incident.PatchNotify {
				op.State = incident.NotifyDone
				if notRequired {
					op.State = incident.NotifyNotRequired
				}
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				p, err := readPatchArg(cmd, s, args[0])
				if err != nil {
					return err
				}
				if p, err = s.ChangePatch(cmd.Context(), p.ID, op, actor); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "patch %d: change %s, tests %s, released %s, operators %s\n", p.ID, patchChange(p), patchTests(p), day(p.Released), p.Notification.State)
				return err
			})
		},
	}
	switch action {
	case incident.PatchApprove:
		cmd.Flags().StringVar(&note, "note", "", "the approval's conditions (a window, a rollback plan)")
	case incident.PatchNotify:
		cmd.Flags().StringVar(&note, "note", "", "whom and how operators were told, or why nobody needs telling")
		cmd.Flags().BoolVar(&notRequired, "not-required", false, "nobody needs telling")
	}
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who takes the step, for the audit log")
	return cmd
}

// criticalityHelp lists the criticality categories with their meanings,
// as the domain words them, wrapped for a terminal.
func criticalityHelp() string {
	var b strings.Builder
	for _, c := range incident.Criticalities {
		line := fmt.Sprintf("  %-10s", c)
		for _, w := range strings.Fields(c.Meaning("en")) {
			if len(line)+1+len(w) > 80 {
				b.WriteString(line + "\n")
				line = strings.Repeat(" ", 12)
			}
			line += " " + w
		}
		b.WriteString(line + "\n")
	}
	return b.String()
}
