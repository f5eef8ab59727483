package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/publish"
	"github.com/vmc-dev/vmc/internal/publish/formats"
	"github.com/vmc-dev/vmc/internal/store"
)

func newAdvisory() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "advisory",
		Aliases: []string{"advisories"},
		Short:   "Security advisories (安全公告): write once, publish as CSAF 2.0, OSV and CVE JSON 5",
		Long: `A security advisory tells operators and users about a vulnerability in the
organisation's own products and the patch that fixes it. It is written once, for
an incident, in English or Chinese, from a JSON or YAML file (see
internal/incident/testdata/advisory/shop.yaml), at a technical detail level:

  minimal   what is affected, how bad, what to do; nothing that says where the
            flaw is (no CWE, technical details, fixing commits, bug reports)
  standard  adds the CWE, the technical details and those references
  full      adds the exploitation details and proof-of-concept references

It is a draft until finalised (version 1, released to whom its marking allows),
then revised by new versions, and published on vmc's public feed, which carries
it once its marking allows the public: TLP:CLEAR and no embargo left. It is
written as CSAF 2.0 (checked by vmc's validator), OSV and a CVE JSON 5.1 CNA
container, each checked against its schema. Every step is audited.`,
	}
	cmd.AddCommand(newAdvisorySettings(), newAdvisoryNew(), newAdvisoryEdit(), newAdvisoryShow(), newAdvisoryList(),
		newAdvisoryMove("finalise", incident.AdvisoryFinal), newAdvisoryMove("publish", incident.AdvisoryPublished), newAdvisoryExport())
	return cmd
}

// readAdvisoryArg reads the advisory named on the command line.
func readAdvisoryArg(cmd *cobra.Command, s store.Store, id string) (incident.Advisory, error) {
	a, err := s.Advisory(cmd.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return a, &exitError{code: 3, err: fmt.Errorf("no advisory %s", id)}
	}
	return a, err
}

// readContent reads an advisory's content from a file, "-" for standard
// input, at most incident.MaxContentInput bytes of it.
func readContent(cmd *cobra.Command, name string) (incident.AdvisoryContent, error) {
	if name == "" {
		return incident.AdvisoryContent{}, usageError{errors.New("--file: the advisory's content, in JSON or YAML (- for standard input)")}
	}
	r := cmd.InOrStdin()
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return incident.AdvisoryContent{}, err
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, incident.MaxContentInput+1))
	if err != nil {
		return incident.AdvisoryContent{}, fmt.Errorf("%s: %w", name, err)
	}
	c, err := incident.ParseAdvisoryContent(b)
	if err != nil {
		return c, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// markingFlags are the flags that give an advisory a marking of its own.
type markingFlags struct {
	tlp, until, reason string
	recipients         []string
}

func (m *markingFlags) add(cmd *cobra.Command, tlpDoc string) {
	f := cmd.Flags()
	f.StringVar(&m.tlp, "tlp", "", tlpDoc)
	f.StringVar(&m.until, "embargo-until", "", "hold it back from the public until this day or time")
	f.StringVar(&m.reason, "embargo-reason", "", "why it is under embargo")
	f.StringSliceVar(&m.recipients, "embargo-recipient", nil, "a party who may receive it during the embargo (repeatable)")
}

// marking returns the marking the flags give, or nil when they give none.
func (m *markingFlags) marking() (*incident.Marking, error) {
	if m.tlp == "" {
		if m.until != "" || m.reason != "" || len(m.recipients) > 0 {
			return nil, usageError{errors.New("--embargo-* need --tlp: give the whole marking")}
		}
		return nil, nil
	}
	tlp, err := incident.ParseTLP(m.tlp)
	if err != nil {
		return nil, usageError{fmt.Errorf("--tlp: %w", err)}
	}
	out := &incident.Marking{TLP: tlp}
	until, err := parseIncidentTime("--embargo-until", m.until)
	if err != nil {
		return nil, err
	}
	switch {
	case !until.IsZero():
		out.Embargo = &incident.Embargo{Until: until, Reason: m.reason, Recipients: m.recipients}
	case m.reason != "" || len(m.recipients) > 0:
		return nil, usageError{errors.New("--embargo-reason and --embargo-recipient need --embargo-until")}
	}
	return out, nil
}

func newAdvisorySettings() *cobra.Command {
	var (
		st    incident.AdvisorySettings
		actor string
	)
	cmd := &cobra.Command{
		Use:   "settings",
		Short: "Show or change how advisories are published: the publisher and the id prefix",
		Long: `Show the publishing settings, or change them with flags. Advisories are numbered
PREFIX-YYYY-NNNN from --prefix. The publisher is what CSAF documents carry
(--name, --namespace, --category, ...), --csaf-base the https address under which
they are published (their canonical URL is it and the file name), --cna-org-id and
--cna-short-name who submits CVE records. Advisories keep the publisher they were
created with.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				ctx := cmd.Context()
				cur, err := s.AdvisorySettings(ctx)
				if err != nil {
					return err
				}
				changed := false
				set := func(flag string, dst *string, v string) {
					if cmd.Flags().Changed(flag) {
						*dst, changed = v, true
					}
				}
				p := &cur.Publisher
				set("prefix", &cur.Prefix, st.Prefix)
				set("name", &p.Name, st.Publisher.Name)
				set("namespace", &p.Namespace, st.Publisher.Namespace)
				set("category", &p.Category, st.Publisher.Category)
				set("contact", &p.ContactDetails, st.Publisher.ContactDetails)
				set("issuing-authority", &p.IssuingAuthority, st.Publisher.IssuingAuthority)
				set("csaf-base", &p.CSAFBase, st.Publisher.CSAFBase)
				set("cna-org-id", &p.CNAOrgID, st.Publisher.CNAOrgID)
				set("cna-short-name", &p.CNAShortName, st.Publisher.CNAShortName)
				if changed && p.Category == "" {
					p.Category = st.Publisher.Category // the flag's default
				}
				if changed {
					if err := s.PutAdvisorySettings(ctx, cur, actor); err != nil {
						return err
					}
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "prefix\t%s\npublisher\t%s\nnamespace\t%s\ncategory\t%s\ncontact\t%s\nissuing authority\t%s\ncsaf base\t%s\ncna\t%s %s\n",
					cur.Prefix, cmpOrDash(p.Name), cmpOrDash(p.Namespace), cmpOrDash(p.Category), cmpOrDash(p.ContactDetails),
					cmpOrDash(p.IssuingAuthority), cmpOrDash(p.CSAFBase), cmpOrDash(p.CNAShortName), p.CNAOrgID)
				return tw.Flush()
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&st.Prefix, "prefix", "", "the prefix of advisory ids (ACME-SA)")
	f.StringVar(&st.Publisher.Name, "name", "", "the publisher's name")
	f.StringVar(&st.Publisher.Namespace, "namespace", "", "the publisher's web address")
	f.StringVar(&st.Publisher.Category, "category", "vendor", "CSAF publisher category: "+strings.Join(publish.PublisherCategories, ", "))
	f.StringVar(&st.Publisher.ContactDetails, "contact", "", "how to reach the publisher")
	f.StringVar(&st.Publisher.IssuingAuthority, "issuing-authority", "", "on whose authority advisories are issued")
	f.StringVar(&st.Publisher.CSAFBase, "csaf-base", "", "the https address the CSAF documents are published under")
	f.StringVar(&st.Publisher.CNAOrgID, "cna-org-id", "", "the CNA's organisation UUID in CVE Services")
	f.StringVar(&st.Publisher.CNAShortName, "cna-short-name", "", "the CNA's short name")
	f.StringVar(&actor, "as", defaultActor(), "who changes them, for the audit log")
	return cmd
}

func newAdvisoryNew() *cobra.Command {
	var (
		file, cve, actor string
		byCVE            bool
		mf               markingFlags
	)
	cmd := &cobra.Command{
		Use:   "new INCIDENT --file ADVISORY.yaml",
		Short: "Write a draft advisory for an incident, from a JSON or YAML file",
		Long: `Write a draft advisory for an incident. vmc numbers it from the settings'
prefix (PREFIX-YYYY-NNNN), unless --by-cve names it by its --cve alone. Its
marking is the incident's unless --tlp and --embargo-* give one.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := readContent(cmd, file)
			if err != nil {
				return err
			}
			m, err := mf.marking()
			if err != nil {
				return err
			}
			if byCVE && cve == "" {
				return usageError{errors.New("--by-cve needs --cve")}
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				in, err := readIncidentArg(cmd.Context(), s, args[0])
				if err != nil {
					return err
				}
				a := incident.Advisory{Incident: in.ID, CVE: strings.ToUpper(cve), Content: c}
				if m != nil {
					a.Marking = *m
				}
				if byCVE {
					a.ID = a.CVE
				}
				if a, err = s.CreateAdvisory(cmd.Context(), a, actor); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "advisory %s: %s (draft, %s, %s level) for incident %d\n", a.ID, a.Content.Title, incidentMarking(a.Marking), a.Content.Level, a.Incident)
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&file, "file", "", "the advisory's content, JSON or YAML (- for standard input)")
	f.StringVar(&cve, "cve", "", "its CVE id, if one is assigned")
	f.BoolVar(&byCVE, "by-cve", false, "name it by its CVE alone, without an id of vmc's")
	mf.add(cmd, "TLP 2.0 label (default: the incident's marking)")
	f.StringVar(&actor, "as", defaultActor(), "who writes it, for the audit log")
	return cmd
}

func newAdvisoryEdit() *cobra.Command {
	var (
		file, cve, summary, actor string
		mf                        markingFlags
	)
	cmd := &cobra.Command{
		Use:   "edit ID [--file ADVISORY.yaml] [--cve CVE] [--tlp LABEL] [--summary TEXT]",
		Short: "Change an advisory: its content, CVE or marking; a released one by a new revision",
		Long: `Change an advisory. --file replaces its content, --cve sets its CVE, --tlp and
--embargo-* replace its marking; what is not given stays. A draft changes as it
is; a final or published advisory only with a --summary of the change, which
becomes its next revision.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := mf.marking()
			if err != nil {
				return err
			}
			var content *incident.AdvisoryContent
			if file != "" {
				c, err := readContent(cmd, file)
				if err != nil {
					return err
				}
				content = &c
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				a, err := readAdvisoryArg(cmd, s, args[0])
				if err != nil {
					return err
				}
				if content != nil {
					a.Content = *content
				}
				if cmd.Flags().Changed("cve") {
					a.CVE = strings.ToUpper(cve)
				}
				if m != nil {
					a.Marking = *m
				}
				// A released advisory must still write in every format
				// once revised; a draft is checked when it is finalised.
				if a.State != incident.AdvisoryDraft {
					next, err := a.Changed(actor, summary, time.Now())
					if err != nil {
						return err
					}
					if err := next.Validate(); err != nil {
						return err
					}
					if _, _, err := formats.CheckRelease(next.Document()); err != nil {
						return err
					}
				}
				if a, err = s.UpdateAdvisory(cmd.Context(), a, actor, summary); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "advisory %s: %s, version %s, %s\n", a.ID, a.State, a.Document().Version(), incidentMarking(a.Marking))
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&file, "file", "", "the advisory's new content, JSON or YAML (- for standard input)")
	f.StringVar(&cve, "cve", "", "its CVE id")
	f.StringVar(&summary, "summary", "", "what changed: required once it is final")
	mf.add(cmd, "a new TLP 2.0 label (with --embargo-*, the whole new marking)")
	f.StringVar(&actor, "as", defaultActor(), "who changes it, for the audit log")
	return cmd
}

func newAdvisoryShow() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show an advisory: its state, marking, revisions, the formats it can be written in and whether the public feed carries it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				a, err := readAdvisoryArg(cmd, s, args[0])
				if err != nil {
					return err
				}
				if asJSON {
					return writeJSON(cmd.OutOrStdout(), a)
				}
				return printAdvisory(cmd.OutOrStdout(), a, time.Now())
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

// printAdvisory prints an advisory; now decides whether the public feed
// carries it.
func printAdvisory(w io.Writer, a incident.Advisory, now time.Time) error {
	c := a.Content
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	d := a.Document()
	fmt.Fprintf(tw, "advisory\t%s\ncve\t%s\nincident\t%d\ntitle\t%s\nstate\t%s\nversion\t%s\nmarking\t%s\n",
		a.ID, cmpOrDash(a.CVE), a.Incident, c.Title, a.State, d.Version(), incidentMarking(a.Marking))
	crit := "-"
	if c.Criticality.IsValid() {
		crit = fmt.Sprintf("%s (%s)", c.Criticality, c.Criticality.Meaning(c.Lang))
	}
	fmt.Fprintf(tw, "language\t%s\nlevel\t%s\ncriticality\t%s\npublisher\t%s\n", c.Lang, c.Level, crit, cmpOrDash(a.Publisher.Name))
	for _, p := range c.Products {
		name := p.PURL
		if name == "" {
			name = p.Vendor + " " + p.Name
		}
		var ranges []string
		for _, r := range p.Ranges {
			ranges = append(ranges, fmt.Sprintf("[%s, %s)", cmpOrDash(r.Introduced), cmpOrDash(r.Fixed+r.LastAffected)))
		}
		fmt.Fprintf(tw, "affected\t%s\t%s\n", name, strings.Join(append(ranges, p.Versions...), " "))
	}
	avail, unavail, err := formats.Check(d)
	formatsLine := strings.Join(avail, ", ")
	if err != nil {
		formatsLine = "none: " + err.Error()
	}
	for _, f := range formats.All {
		if e := unavail[f.Name]; e != nil {
			formatsLine += fmt.Sprintf("; not %s: %v", f.Name, e)
		}
	}
	public := "no: " + string(a.State)
	if a.State == incident.AdvisoryPublished {
		public = "yes"
		if err := incident.Release(a.Marking, incident.ChannelFeed, incident.Public, now); err != nil {
			public = "no: " + err.Error()
		}
	}
	fmt.Fprintf(tw, "formats\t%s\npublic feed\t%s\n", formatsLine, public)
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nREVISIONS")
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, r := range a.Revisions {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\n", r.Number, r.Date.Format(time.RFC3339), r.By, r.Summary)
	}
	return tw.Flush()
}

func newAdvisoryList() *cobra.Command {
	var (
		q      store.AdvisoryQuery
		state  string
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List advisories, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if state != "" {
				if err := q.State.UnmarshalText([]byte(state)); err != nil {
					return usageError{fmt.Errorf("--state: %w", err)}
				}
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				list, err := s.ListAdvisories(cmd.Context(), q)
				if err != nil {
					return err
				}
				if asJSON {
					if list == nil {
						list = []incident.Advisory{}
					}
					return writeJSON(cmd.OutOrStdout(), list)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "ID\tCVE\tINCIDENT\tSTATE\tVERSION\tTLP\tCRITICALITY\tTITLE\n")
				for _, a := range list {
					fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", a.ID, cmpOrDash(a.CVE), a.Incident, a.State, a.Document().Version(),
						a.Marking.TLP, cmpOrDash(string(a.Content.Criticality)), a.Content.Title)
				}
				return tw.Flush()
			})
		},
	}
	f := cmd.Flags()
	f.Int64Var(&q.Incident, "incident", 0, "only advisories of this incident")
	f.StringVar(&state, "state", "", "only advisories in this state: draft, final, published")
	f.BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

func newAdvisoryMove(verb string, to incident.AdvisoryState) *cobra.Command {
	var summary, actor string
	short := "Finalise a draft: its text approved and released as version 1 to whom its marking allows"
	if to == incident.AdvisoryPublished {
		short = "Publish a final TLP:CLEAR advisory on the public feed, which carries it once any embargo lifts"
	}
	cmd := &cobra.Command{
		Use:   verb + " ID",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				a, err := readAdvisoryArg(cmd, s, args[0])
				if err != nil {
					return err
				}
				// What is released must write: the advisory as it will
				// be is written in every format first.
				next, err := a.Moved(to, actor, summary, time.Now())
				if err != nil {
					return err
				}
				if _, _, err := formats.CheckRelease(next.Document()); err != nil {
					return err
				}
				if a, err = s.MoveAdvisory(cmd.Context(), a.ID, to, actor, summary); err != nil {
					return err
				}
				msg := fmt.Sprintf("advisory %s: %s, version %s, %s", a.ID, a.State, a.Document().Version(), incidentMarking(a.Marking))
				if to == incident.AdvisoryPublished {
					if err := incident.Release(a.Marking, incident.ChannelFeed, incident.Public, time.Now()); err != nil {
						msg += "; not on the public feed yet: " + err.Error()
					} else {
						msg += "; on the public feed"
					}
				}
				_, err = fmt.Fprintln(cmd.OutOrStdout(), msg)
				return err
			})
		},
	}
	if to == incident.AdvisoryFinal {
		cmd.Flags().StringVar(&summary, "summary", "", "the first revision's summary (default: Initial release)")
	}
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who does it, for the audit log")
	return cmd
}

func newAdvisoryExport() *cobra.Command {
	var (
		format, out, to, clearance, reason, actor string
	)
	cmd := &cobra.Command{
		Use:   "export ID --format csaf|osv|cve5 [--out FILE]",
		Short: "Write an advisory as CSAF 2.0, OSV or a CVE JSON 5.1 CNA container",
		Long: `Write an advisory at its detail level as CSAF 2.0 (csaf), OSV (osv) or the CNA
container of a CVE JSON 5.1 record (cve5), to --out or standard output. Every
export is in the audit log.

By default the export is for the public, and is refused unless the public feed
would carry the advisory: TLP:CLEAR, no embargo left. An export for someone in
particular names them with --to and their --clearance (the narrowest TLP label
they may receive): under embargo, only its named recipients get it.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := formats.Get(format)
			if err != nil {
				return usageError{fmt.Errorf("--format: %w", err)}
			}
			ch, r := incident.ChannelFeed, incident.Public
			if to != "" {
				clr, err := incident.ParseTLP(clearance)
				if err != nil {
					return usageError{fmt.Errorf("--clearance: %w", err)}
				}
				ch, r = incident.ChannelExport, incident.Recipient{Name: to, Clearance: clr}
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				a, err := readAdvisoryArg(cmd, s, args[0])
				if err != nil {
					return err
				}
				if err := incident.Release(a.Marking, ch, r, time.Now()); err != nil {
					who := "the public"
					if to != "" {
						who = to
					}
					return fmt.Errorf("advisory %s for %s: %w", a.ID, who, err)
				}
				d := a.Document()
				b, err := f.Marshal(d)
				if err != nil {
					return err
				}
				why := fmt.Sprintf("%s, version %s, %s level, for %s", f.Name, d.Version(), a.Content.Level, cmpOrDash(to))
				if to == "" {
					why = fmt.Sprintf("%s, version %s, %s level, for the public", f.Name, d.Version(), a.Content.Level)
				}
				if reason != "" {
					why += ": " + reason
				}
				if err := s.Record(cmd.Context(), audit.Entry{Actor: actor, Action: "advisory.export", Object: "advisory:" + a.ID, Reason: why}); err != nil {
					return err
				}
				if out == "" {
					_, err = cmd.OutOrStdout().Write(b)
					return err
				}
				if err := writeFileAtomic(out, b); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%s, %d bytes)\n", out, f.Title, len(b))
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "csaf", "csaf, osv or cve5")
	f.StringVarP(&out, "out", "o", "", "the file to write (default: standard output)")
	f.StringVar(&to, "to", "", "who the export is for, when not the public: a name or an e-mail address")
	f.StringVar(&clearance, "clearance", "CLEAR", "with --to, the recipient's clearance")
	f.StringVar(&reason, "reason", "", "why it is exported, for the audit log")
	f.StringVar(&actor, "as", defaultActor(), "who exports it, for the audit log")
	return cmd
}

// writeFileAtomic writes b to name by rename, so that a reader never sees
// half a document.
func writeFileAtomic(name string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), ".vmc-export-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := errors.Join(tmp.Chmod(0o644), tmp.Close()); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}
