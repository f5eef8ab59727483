package cli

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/incident/process"
	"github.com/vmc-dev/vmc/internal/store"
)

// The incident response process and its people on the command line:
// vmc playbook, roster, training, briefing and review, and on incidents
// vmc incident follow and impact.

func newPlaybook() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "playbook",
		Aliases: []string{"playbooks"},
		Short:   "Incident response playbooks (响应预案): import, list, show, export",
		Long: `A playbook is the organisation's incident response process written down: steps in
the phases of NIST SP 800-61r2 (preparation, detection_analysis,
containment_eradication_recovery, post_incident), each with the role responsible,
in English and Chinese. Importing a changed playbook makes a new version; old
versions are kept as they were, so that incidents, trainings and briefings name
the version they used.`,
	}
	cmd.AddCommand(newPlaybookImport(), newPlaybookList(), newPlaybookShow(), newPlaybookExport())
	return cmd
}

func newPlaybookImport() *cobra.Command {
	var actor string
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Import a playbook document (YAML or JSON) as the next version of its key",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := readText(args[0], process.MaxDocument)
			if err != nil {
				return err
			}
			p, err := process.ParsePlaybook([]byte(b))
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				before, err := s.Playbook(cmd.Context(), p.Key, 0)
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					return err
				}
				stored, err := s.PutPlaybook(cmd.Context(), p, actor)
				if err != nil {
					return err
				}
				if stored.Version == before.Version {
					_, err = fmt.Fprintf(cmd.OutOrStdout(), "playbook %s: unchanged, still v%d\n", stored.Key, stored.Version)
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "playbook %s v%d: %s (%d steps)\n", stored.Key, stored.Version, stored.Title.EN, len(stored.Steps))
				return err
			})
		},
	}
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who makes the version, for the audit log")
	return cmd
}

func newPlaybookList() *cobra.Command {
	var (
		asJSON bool
		lang   string
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the playbooks, the latest version of each",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				ps, err := s.ListPlaybooks(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), nonNil(ps))
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "KEY\tVERSION\tSTEPS\tCREATED\tBY\tTITLE\n")
				for _, p := range ps {
					fmt.Fprintf(tw, "%s\tv%d\t%d\t%s\t%s\t%s\n", p.Key, p.Version, len(p.Steps), p.Created.Format(time.DateOnly), p.CreatedBy, p.Title.In(lang))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.Flags().StringVar(&lang, "lang", "en", "en or zh-CN")
	return cmd
}

func newPlaybookShow() *cobra.Command {
	var (
		version int
		asJSON  bool
		lang    string
	)
	cmd := &cobra.Command{
		Use:   "show KEY",
		Short: "Show a playbook version (the latest by default), its steps and its history",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				p, err := readPlaybook(cmd, s, args[0], version)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), p)
				}
				vs, err := s.PlaybookVersions(cmd.Context(), p.Key)
				if err != nil {
					return err
				}
				return printPlaybook(cmd.OutOrStdout(), p, vs, lang)
			})
		},
	}
	cmd.Flags().IntVar(&version, "version", 0, "the version (default: the latest)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	cmd.Flags().StringVar(&lang, "lang", "en", "the language of titles: en or zh-CN")
	return cmd
}

// readPlaybook reads a version of a playbook named on the command line;
// one that does not exist is exit code 3.
func readPlaybook(cmd *cobra.Command, s store.Store, key string, version int) (process.Playbook, error) {
	p, err := s.Playbook(cmd.Context(), key, version)
	if errors.Is(err, store.ErrNotFound) {
		return p, &exitError{code: 3, err: err}
	}
	return p, err
}

func printPlaybook(w io.Writer, p process.Playbook, history []process.Playbook, lang string) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	cats := make([]string, len(p.Categories))
	for i, c := range p.Categories {
		cats[i] = string(c)
	}
	fmt.Fprintf(tw, "playbook\t%s v%d\ntitle\t%s\ncategories\t%s\ncreated\t%s by %s\nnote\t%s\n", p.Key, p.Version, p.Title.In(lang),
		cmpOrDash(strings.Join(cats, ", ")), p.Created.Format(time.RFC3339), p.CreatedBy, cmpOrDash(p.Note))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nSTEPS")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "#\tPHASE\tROLE\tTASK\tTITLE\n")
	for i, st := range p.Steps {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", i+1, st.Phase, st.Role, cmpOrDash(string(st.Task)), st.Title.In(lang))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nVERSIONS")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, v := range history {
		fmt.Fprintf(tw, "v%d\t%s\t%s\t%s\n", v.Version, v.Created.Format(time.RFC3339), v.CreatedBy, cmpOrDash(v.Note))
	}
	return tw.Flush()
}

func newPlaybookExport() *cobra.Command {
	var (
		version     int
		format, out string
	)
	cmd := &cobra.Command{
		Use:   "export KEY",
		Short: "Write a playbook version (the latest by default) as a YAML or JSON document",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := process.ParseFormat(format)
			if err != nil {
				return usageError{fmt.Errorf("--format: %w", err)}
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				p, err := readPlaybook(cmd, s, args[0], version)
				if err != nil {
					return err
				}
				b, err := process.EncodePlaybook(p, f)
				if err != nil {
					return err
				}
				if out == "" || out == "-" {
					_, err = cmd.OutOrStdout().Write(b)
					return err
				}
				return os.WriteFile(out, b, 0o644)
			})
		},
	}
	cmd.Flags().IntVar(&version, "version", 0, "the version (default: the latest)")
	cmd.Flags().StringVar(&format, "format", "yaml", "yaml or json")
	cmd.Flags().StringVarP(&out, "output", "o", "", "the file to write (default: standard output)")
	return cmd
}

func newIncidentFollow() *cobra.Command {
	var (
		f     store.Follow
		actor string
	)
	cmd := &cobra.Command{
		Use:   "follow ID --playbook KEY",
		Short: "Record the playbook version an incident follows; --tasks adds the response tasks of its steps",
		Long: `Record the playbook version an incident follows (the latest by default), on its
timeline. With --tasks, each step that names a task kind becomes a response task,
titled in --lang, owned by the response team member on the roster in the step's
role (else the incident's owner, else you); steps whose task the incident has are
skipped, so following again adds nothing twice.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				in, err := readIncidentArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				in, added, err := s.FollowPlaybook(cmd.Context(), in.ID, f, actor)
				if err != nil {
					return err
				}
				w := cmd.OutOrStdout()
				fmt.Fprintf(w, "incident %d follows playbook %s\n", in.ID, in.Playbook)
				for _, t := range added {
					fmt.Fprintf(w, "task %d: %s (%s, owner %s, %s)\n", t.ID, t.Title, t.Kind, t.Owner, t.Link)
				}
				return nil
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.Playbook.Key, "playbook", "", "the playbook's key")
	fl.IntVar(&f.Playbook.Version, "version", 0, "its version (default: the latest)")
	fl.BoolVar(&f.Tasks, "tasks", false, "add the response tasks of its steps")
	fl.StringVar(&f.Lang, "lang", "en", "the language of the tasks' titles: en or zh-CN")
	fl.StringVar(&actor, "as", defaultActor(), "who decides, for the audit log")
	return cmd
}

func newIncidentImpact() *cobra.Command {
	var (
		downtime, currency, note, reason, actor string
		direct, longTerm, hours                 float64
		projects                                []string
	)
	cmd := &cobra.Command{
		Use:   "impact ID [--downtime 36h] [--direct-cost N --currency CNY] [--person-hours N] [--long-term-cost N --long-term-note TEXT] [--project P]",
		Short: "Record what an incident cost: downtime, direct cost, person-hours, estimated long-term cost, projects affected",
		Long: `Record an incident's impact, for the periodic review's metrics. The figures given
replace those recorded; the others are kept. --currency is an ISO 4217 code (CNY,
USD, EUR) for both costs; it may be left out when the incident's costs already
have one. --project, repeatable, replaces the projects affected. The change is on
the incident's timeline and in the audit log.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			fl := cmd.Flags()
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				in, err := readIncidentArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				var im incident.Impact
				if in.Impact != nil {
					im = *in.Impact
				}
				if fl.Changed("downtime") {
					d, err := time.ParseDuration(downtime)
					if err != nil || d%time.Minute != 0 {
						return usageError{fmt.Errorf("--downtime %q: not a whole number of minutes (90m, 36h, 2h30m)", downtime)}
					}
					im.DowntimeMinutes = int64(d / time.Minute)
				}
				if fl.Changed("person-hours") {
					im.PersonHours = hours
				}
				money := func(flag string, amount float64, was *incident.Money) (incident.Money, error) {
					m := incident.Money{Amount: amount, Currency: strings.ToUpper(currency)}
					if m.Currency == "" && was != nil {
						m.Currency = was.Currency
					}
					if m.Currency == "" {
						return m, usageError{fmt.Errorf("--%s needs --currency", flag)}
					}
					return m, nil
				}
				if fl.Changed("direct-cost") {
					m, err := money("direct-cost", direct, im.DirectCost)
					if err != nil {
						return err
					}
					im.DirectCost = &m
				}
				if fl.Changed("long-term-cost") || fl.Changed("long-term-note") {
					e := incident.Estimate{}
					if im.LongTermCost != nil {
						e = *im.LongTermCost
					}
					if fl.Changed("long-term-cost") {
						was := &e.Money
						if im.LongTermCost == nil {
							was = im.DirectCost
						}
						if e.Money, err = money("long-term-cost", longTerm, was); err != nil {
							return err
						}
					}
					if fl.Changed("long-term-note") {
						e.Note = note
					}
					im.LongTermCost = &e
				}
				var ps []string
				if fl.Changed("project") {
					ps = append([]string{}, projects...)
				}
				if in, err = s.SetImpact(cmd.Context(), in.ID, im, ps, actor, reason); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "incident %d impact: %s; projects: %s\n", in.ID, in.Impact, cmpOrDash(strings.Join(in.Projects, ", ")))
				return err
			})
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&downtime, "downtime", "", "how long service was down or degraded (90m, 36h)")
	fl.Float64Var(&direct, "direct-cost", 0, "what it cost outright")
	fl.StringVar(&currency, "currency", "", "ISO 4217 code of the costs: CNY, USD, EUR")
	fl.Float64Var(&hours, "person-hours", 0, "the response's effort in person-hours")
	fl.Float64Var(&longTerm, "long-term-cost", 0, "estimated cost to come: fines, lost customers, brand")
	fl.StringVar(&note, "long-term-note", "", "how the long-term cost was estimated")
	fl.StringSliceVar(&projects, "project", nil, "a project affected (repeatable; replaces the list)")
	fl.StringVar(&reason, "reason", "", "where the figures come from")
	fl.StringVar(&actor, "as", defaultActor(), "who records it, for the audit log")
	return cmd
}

// printIncidentProcess prints, within an incident's record, the playbook
// it follows and its impact.
func printIncidentProcess(tw io.Writer, in incident.Incident) {
	pb := "-"
	if in.Playbook != nil {
		pb = in.Playbook.String()
	}
	fmt.Fprintf(tw, "playbook\t%s\nimpact\t%s\n", pb, in.Impact)
}

func newRoster() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "roster",
		Short: "The incident response team (响应团队名册): members, roles, contacts",
		Long: `The response team roster: vmc users and external people (a forensics firm,
outside counsel), their role in the team (incident-commander, incident-handler,
forensic-analyst, communications, legal, system-owner, or your own), how to reach
them, and when they were on the team. Members are trained on the playbooks whose
steps name their role.`,
	}
	cmd.AddCommand(newRosterAdd(), newRosterSet(), newRosterList())
	return cmd
}

// memberFlags are the flags of a roster entry.
type memberFlags struct {
	m        process.Member
	role     string
	from, to string
}

func (mf *memberFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&mf.m.Name, "name", "", "how the team knows them (default: a user's display name)")
	f.StringVar(&mf.m.User, "user", "", "their vmc user name; none for an external person")
	f.StringVar(&mf.m.Organisation, "org", "", "whom an external person works for")
	f.StringVar(&mf.role, "role", "", "their role in the team: incident-commander, incident-handler, ...")
	f.StringVar(&mf.m.Contact, "contact", "", "how to reach them during an incident")
	f.StringVar(&mf.m.Team, "team", "", "the team or project they belong to")
	f.StringVar(&mf.from, "from", "", "their first day on the team (default: today)")
	f.StringVar(&mf.to, "to", "", "their last day on the team")
}

// apply sets on m the fields whose flags were given.
func (mf *memberFlags) apply(cmd *cobra.Command, m *process.Member) error {
	f := cmd.Flags()
	for _, s := range []struct {
		flag string
		dst  *string
		v    string
	}{{"name", &m.Name, mf.m.Name}, {"user", &m.User, mf.m.User}, {"org", &m.Organisation, mf.m.Organisation}, {"role", (*string)(&m.Role), mf.role},
		{"contact", &m.Contact, mf.m.Contact}, {"team", &m.Team, mf.m.Team}} {
		if f.Changed(s.flag) {
			*s.dst = s.v
		}
	}
	for _, d := range []struct {
		flag string
		dst  *time.Time
		v    string
	}{{"from", &m.From, mf.from}, {"to", &m.To, mf.to}} {
		if f.Changed(d.flag) {
			t, err := parseIncidentTime("--"+d.flag, d.v)
			if err != nil {
				return err
			}
			*d.dst = t
		}
	}
	return nil
}

func newRosterAdd() *cobra.Command {
	var (
		mf    memberFlags
		actor string
	)
	cmd := &cobra.Command{
		Use:   "add --role ROLE (--user NAME | --name NAME)",
		Short: "Add a member to the response team",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m := process.Member{From: time.Now()}
			if err := mf.apply(cmd, &m); err != nil {
				return err
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				m, err := s.PutMember(cmd.Context(), m, actor)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "member %d: %s (%s) from %s\n", m.ID, m.Name, m.Role, m.From.Format(time.DateOnly))
				return err
			})
		},
	}
	mf.register(cmd)
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who adds them, for the audit log")
	return cmd
}

// readMember reads a roster entry named by its id on the command line.
func readMember(cmd *cobra.Command, s store.Store, arg string) (process.Member, error) {
	id, err := strconv.ParseInt(arg, 10, 64)
	if err != nil {
		return process.Member{}, usageError{fmt.Errorf("member id %q: not a number", arg)}
	}
	m, err := s.Member(cmd.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return m, &exitError{code: 3, err: fmt.Errorf("no member %d", id)}
	}
	return m, err
}

func newRosterSet() *cobra.Command {
	var (
		mf    memberFlags
		actor string
	)
	cmd := &cobra.Command{
		Use:   "set ID [--role ROLE] [--contact C] [--to DAY] ...",
		Short: "Change a member: the flags given replace what is recorded (--to records their last day)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				m, err := readMember(cmd, s, args[0])
				if err != nil {
					return err
				}
				if err := mf.apply(cmd, &m); err != nil {
					return err
				}
				if m, err = s.PutMember(cmd.Context(), m, actor); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "member %d: %s (%s) from %s to %s\n", m.ID, m.Name, m.Role, m.From.Format(time.DateOnly), incidentDay(m.To))
				return err
			})
		},
	}
	mf.register(cmd)
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who changes it, for the audit log")
	return cmd
}

func newRosterList() *cobra.Command {
	var (
		q            store.MemberQuery
		active, role string
		all, asJSON  bool
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the members on the team today (--all: everyone ever on it)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q.Role = process.Role(role)
			if !all {
				at, err := parseIncidentTime("--active", active)
				if err != nil {
					return err
				}
				q.ActiveOn = cmp.Or(at, time.Now())
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				ms, err := s.ListMembers(cmd.Context(), q)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), nonNil(ms))
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "ID\tNAME\tUSER\tROLE\tCONTACT\tTEAM\tFROM\tTO\n")
				for _, m := range ms {
					user := m.User
					if m.External() {
						user = "(" + cmp.Or(m.Organisation, "external") + ")"
					}
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", m.ID, m.Name, user, m.Role, cmpOrDash(m.Contact), cmpOrDash(m.Team),
						m.From.Format(time.DateOnly), incidentDay(m.To))
				}
				return tw.Flush()
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&active, "active", "", "those on the team on this day (default: today)")
	f.BoolVar(&all, "all", false, "everyone ever on the team")
	f.StringVar(&role, "role", "", "only this role")
	f.BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

// nonNil returns xs, or an empty list for nil, so that JSON shows [].
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

func newTraining() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "training",
		Aliases: []string{"trainings"},
		Short:   "Training records of the response team (培训记录), and who is due",
		Long: `Each member of the response team is trained on the latest version of every
playbook whose steps name their role at least once a year (by default), and
within 30 days of joining or of a new version. Training records are kept as
recorded.`,
	}
	cmd.AddCommand(newTrainingAdd(), newTrainingList(), newTrainingDue())
	return cmd
}

func newTrainingAdd() *cobra.Command {
	var (
		t         process.Training
		on, actor string
	)
	cmd := &cobra.Command{
		Use:   "add --member ID --playbook KEY --version N --on DAY --trainer NAME",
		Short: "Record that a member was trained on a playbook version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if t.On, err = parseIncidentTime("--on", on); err != nil {
				return err
			}
			if t.On.IsZero() {
				t.On = time.Now()
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				if t.Playbook.Version == 0 {
					p, err := readPlaybook(cmd, s, t.Playbook.Key, 0)
					if err != nil {
						return err
					}
					t.Playbook.Version = p.Version
				}
				t, err := s.AddTraining(cmd.Context(), t, actor)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "training %d: member %d on %s on %s by %s\n", t.ID, t.Member, t.Playbook, t.On.Format(time.DateOnly), t.Trainer)
				return err
			})
		},
	}
	f := cmd.Flags()
	f.Int64Var(&t.Member, "member", 0, "the member's id on the roster")
	f.StringVar(&t.Playbook.Key, "playbook", "", "the playbook's key")
	f.IntVar(&t.Playbook.Version, "version", 0, "the version trained on (default: the latest)")
	f.StringVar(&on, "on", "", "the day of the training (default: today)")
	f.StringVar(&t.Trainer, "trainer", defaultActor(), "who gave it")
	f.StringVar(&t.Note, "note", "", "what was covered: a tabletop, a walk-through")
	f.StringVar(&actor, "as", defaultActor(), "who records it, for the audit log")
	return cmd
}

func newTrainingList() *cobra.Command {
	var (
		member int64
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "list [--member ID]",
		Short: "List training records, oldest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				ts, err := s.ListTrainings(cmd.Context(), member)
				if errors.Is(err, store.ErrNotFound) {
					return &exitError{code: 3, err: err}
				}
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), nonNil(ts))
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "ID\tMEMBER\tPLAYBOOK\tON\tTRAINER\tNOTE\n")
				for _, t := range ts {
					fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\n", t.ID, t.Member, t.Playbook, t.On.Format(time.DateOnly), t.Trainer, cmpOrDash(t.Note))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().Int64Var(&member, "member", 0, "only this member's trainings")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newTrainingDue() *cobra.Command {
	var (
		pol                    = process.DefaultTrainingPolicy
		at                     string
		overdue, check, asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "due",
		Short: "Who must be trained on which playbook by when, and who is overdue",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := pol.Validate(); err != nil {
				return usageError{err}
			}
			now, err := parseIncidentTime("--at", at)
			if err != nil {
				return err
			}
			now = cmp.Or(now, time.Now())
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				obs, err := store.TrainingObligations(cmd.Context(), s, pol, now)
				if err != nil {
					return err
				}
				late := 0
				var shown []process.Obligation
				for _, o := range obs {
					if o.State == process.TrainingOverdue {
						late++
					}
					if !overdue || o.State == process.TrainingOverdue {
						shown = append(shown, o)
					}
				}
				if asJSON {
					if err := writeJSON(cmd.OutOrStdout(), nonNil(shown)); err != nil {
						return err
					}
				} else {
					tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
					fmt.Fprintf(tw, "MEMBER\tROLE\tPLAYBOOK\tSTATE\tDUE\tWHY\n")
					for _, o := range shown {
						fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", o.Member.Name, o.Member.Role, o.Playbook, o.State, o.DueOn.Format(time.DateOnly), o.Reason())
					}
					if err := tw.Flush(); err != nil {
						return err
					}
				}
				if check && late > 0 {
					return &exitError{code: 1, err: fmt.Errorf("%d %s overdue", late, plural(late, "training"))}
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.IntVar(&pol.EveryMonths, "every-months", pol.EveryMonths, "how long a training lasts, in months")
	f.IntVar(&pol.GraceDays, "grace-days", pol.GraceDays, "days to be trained after joining or after a new version")
	f.StringVar(&at, "at", "", "as of this day or time (default: now)")
	f.BoolVar(&overdue, "overdue", false, "only those overdue")
	f.BoolVar(&check, "check", false, "exit 1 when anyone is overdue")
	f.BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newBriefing() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "briefing",
		Aliases: []string{"briefings"},
		Short:   "Briefings of teams and projects on the response process (流程宣贯), and their coverage",
		Long: `A briefing tells a team or project what the response process asks of them. OWASP
SAMM VM2 counts the share of project teams briefed in the last six months
('vmc briefing coverage'); teams are those named on assets and users.`,
	}
	cmd.AddCommand(newBriefingAdd(), newBriefingList(), newBriefingCoverage())
	return cmd
}

func newBriefingAdd() *cobra.Command {
	var (
		b       process.Briefing
		key, at string
		version int
		actor   string
	)
	cmd := &cobra.Command{
		Use:   "add --team TEAM --at TIME [--playbook KEY [--version N]] [--attendee NAME]... [--notes TEXT]",
		Short: "Record a briefing",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if b.At, err = parseIncidentTime("--at", at); err != nil {
				return err
			}
			b.At = cmp.Or(b.At, time.Now())
			switch {
			case key != "":
				b.Playbook = &incident.PlaybookRef{Key: key, Version: version}
			case version != 0:
				return usageError{errors.New("--version needs --playbook")}
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				b, err := s.AddBriefing(cmd.Context(), b, actor)
				if err != nil {
					return err
				}
				on := "the process"
				if b.Playbook != nil {
					on = b.Playbook.String()
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "briefing %d: %s on %s, %s, by %s (%d %s)\n", b.ID, b.Team, on, b.At.Format(time.RFC3339), b.By,
					len(b.Attendees), plural(len(b.Attendees), "attendee"))
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&b.Team, "team", "", "the audience: a team or project")
	f.StringVar(&at, "at", "", "when it was held (default: now)")
	f.StringVar(&key, "playbook", "", "the playbook presented")
	f.IntVar(&version, "version", 0, "its version (default: the latest)")
	f.StringSliceVar(&b.Attendees, "attendee", nil, "who attended (repeatable)")
	f.StringVar(&b.Notes, "notes", "", "what was covered, questions raised")
	f.StringVar(&b.By, "by", defaultActor(), "who gave it")
	f.StringVar(&actor, "as", defaultActor(), "who records it, for the audit log")
	return cmd
}

func newBriefingList() *cobra.Command {
	var (
		q        store.BriefingQuery
		from, to string
		asJSON   bool
	)
	cmd := &cobra.Command{
		Use:   "list [--from DAY] [--to DAY] [--team TEAM]",
		Short: "List briefings, oldest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if q.From, err = parseIncidentTime("--from", from); err != nil {
				return err
			}
			if q.To, err = parseIncidentTime("--to", to); err != nil {
				return err
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				bs, err := s.ListBriefings(cmd.Context(), q)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), nonNil(bs))
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "ID\tAT\tTEAM\tPLAYBOOK\tBY\tATTENDEES\n")
				for _, b := range bs {
					pb := "-"
					if b.Playbook != nil {
						pb = b.Playbook.String()
					}
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", b.ID, b.At.Format(time.RFC3339), b.Team, pb, b.By, cmpOrDash(strings.Join(b.Attendees, ", ")))
				}
				return tw.Flush()
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "held on or after this day")
	f.StringVar(&to, "to", "", "held before this day")
	f.StringVar(&q.Team, "team", "", "only briefings of this audience")
	f.BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newBriefingCoverage() *cobra.Command {
	var (
		at            string
		months        int
		check, asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "coverage [--months 6] [--at TIME]",
		Short: "Which teams were briefed in the last months (six by default), and the share of all teams",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if months < 1 || months > 24 {
				return usageError{fmt.Errorf("--months %d: not between 1 and 24", months)}
			}
			to, err := parseIncidentTime("--at", at)
			if err != nil {
				return err
			}
			to = cmp.Or(to, time.Now().UTC())
			from := to.AddDate(0, -months, 0)
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				c, err := s.BriefingCoverage(cmd.Context(), from, to)
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), c)
				}
				w := cmd.OutOrStdout()
				fmt.Fprintf(w, "%d of %d teams briefed from %s to %s: %.0f%%\n", len(c.Briefed), len(c.Teams), c.From.Format(time.RFC3339), c.To.Format(time.RFC3339), c.Percent)
				fmt.Fprintf(w, "briefed: %s\nnot briefed: %s\n", cmpOrDash(strings.Join(c.Briefed, ", ")), cmpOrDash(strings.Join(c.Unbriefed, ", ")))
				if len(c.Unknown) > 0 {
					fmt.Fprintf(w, "briefed, not a team: %s\n", strings.Join(c.Unknown, ", "))
				}
				if check && c.Percent <= 80 {
					return &exitError{code: 1, err: fmt.Errorf("%.0f%% of teams briefed: SAMM's target is more than 80%%", c.Percent)}
				}
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.IntVar(&months, "months", 6, "the window, in months up to --at")
	f.StringVar(&at, "at", "", "the window's end (default: now)")
	f.BoolVar(&check, "check", false, "exit 1 unless more than 80% of teams were briefed (SAMM's target)")
	f.BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newReview() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "review",
		Aliases: []string{"reviews"},
		Short:   "Periodic reviews of the incident response process (流程评审), at least every six months",
		Long: `OWASP SAMM VM3 asks that the incident process and its metrics are reviewed at
least every six months. 'vmc review schedule' sets how often (1 to 6 months; a
policy change), 'vmc review add' records a review held, and 'vmc review due'
says when the next one is due.`,
	}
	cmd.AddCommand(newReviewAdd(), newReviewList(), newReviewDue(), newReviewSchedule())
	return cmd
}

func newReviewAdd() *cobra.Command {
	var (
		r         process.Review
		on, actor string
	)
	cmd := &cobra.Command{
		Use:   "add --on DAY --participant NAME... --findings TEXT --decisions TEXT",
		Short: "Record a review held",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if r.On, err = parseIncidentTime("--on", on); err != nil {
				return err
			}
			r.On = cmp.Or(r.On, time.Now())
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				r, err := s.AddReview(cmd.Context(), r, actor)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "review %d held on %s with %s\n", r.ID, r.On.Format(time.DateOnly), strings.Join(r.Participants, ", "))
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&on, "on", "", "the day it was held (default: today)")
	f.StringSliceVar(&r.Participants, "participant", nil, "who took part (repeatable)")
	f.StringVar(&r.Findings, "findings", "", "what the review found")
	f.StringVar(&r.Decisions, "decisions", "", "what it decided")
	f.StringVar(&actor, "as", defaultActor(), "who records it, for the audit log")
	return cmd
}

func newReviewList() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the reviews held, latest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				rs, err := s.ListReviews(cmd.Context())
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), nonNil(rs))
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "ID\tON\tPARTICIPANTS\tFINDINGS\tDECISIONS\n")
				for _, r := range rs {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.ID, r.On.Format(time.DateOnly), strings.Join(r.Participants, ", "),
						strings.Join(strings.Fields(r.Findings), " "), strings.Join(strings.Fields(r.Decisions), " "))
				}
				return tw.Flush()
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newReviewDue() *cobra.Command {
	var (
		at    string
		check bool
	)
	cmd := &cobra.Command{
		Use:   "due [--at TIME] [--check]",
		Short: "When the next review is due, and whether it is overdue",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now, err := parseIncidentTime("--at", at)
			if err != nil {
				return err
			}
			now = cmp.Or(now, time.Now())
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				d, err := store.NextReview(cmd.Context(), s, now)
				if err != nil {
					return err
				}
				return printReviewDue(cmd.OutOrStdout(), d, check)
			})
		},
	}
	cmd.Flags().StringVar(&at, "at", "", "as of this day or time (default: now)")
	cmd.Flags().BoolVar(&check, "check", false, "exit 1 when the review is overdue")
	return cmd
}

func printReviewDue(w io.Writer, d process.ReviewDue, check bool) error {
	last, next := "none held", "now"
	if d.Last != nil {
		last = d.Last.On.Format(time.DateOnly)
	}
	if !d.Next.IsZero() {
		next = d.Next.Format(time.DateOnly)
	}
	state := "not yet due"
	if d.Overdue {
		state = "overdue"
	}
	fmt.Fprintf(w, "a review at least every %d months; last %s; next due by %s: %s\n", d.Schedule.EveryMonths, last, next, state)
	if check && d.Overdue {
		return &exitError{code: 1, err: errors.New("the process review is overdue")}
	}
	return nil
}

func newReviewSchedule() *cobra.Command {
	var (
		sch          process.Schedule
		start, actor string
	)
	cmd := &cobra.Command{
		Use:   "schedule [--every-months N] [--start DAY]",
		Short: "Show the review schedule, or set it (every 1 to 6 months)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			set := cmd.Flags().Changed("every-months") || cmd.Flags().Changed("start")
			var err error
			if sch.Start, err = parseIncidentTime("--start", start); err != nil {
				return err
			}
			return withStore(cmd, set, func(_ *Config, s store.Store) error {
				if set {
					if !cmd.Flags().Changed("every-months") {
						cur, err := s.ReviewSchedule(cmd.Context())
						if err != nil {
							return err
						}
						sch.EveryMonths = cur.EveryMonths
					}
					if _, err := s.PutReviewSchedule(cmd.Context(), sch, actor); err != nil {
						return err
					}
				}
				d, err := store.NextReview(cmd.Context(), s, time.Now())
				if err != nil {
					return err
				}
				return printReviewDue(cmd.OutOrStdout(), d, false)
			})
		},
	}
	f := cmd.Flags()
	f.IntVar(&sch.EveryMonths, "every-months", process.MaxReviewMonths, "the longest time between two reviews, 1 to 6 months")
	f.StringVar(&start, "start", "", "the day the schedule began (the first review is due from it)")
	f.StringVar(&actor, "as", defaultActor(), "who sets it, for the audit log")
	return cmd
}
