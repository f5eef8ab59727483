package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/export"
	"github.com/vmc-dev/vmc/internal/ident"
	"github.com/vmc-dev/vmc/internal/incident"
	"github.com/vmc-dev/vmc/internal/publish/formats"
	"github.com/vmc-dev/vmc/internal/store"
)

func newIdentifier() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "id",
		Aliases: []string{"identifier", "identifiers"},
		Short:   "Own vulnerability identifiers (自有漏洞编号), GCVE style: reserve, publish, reject, list",
		Long: `vmc names vulnerabilities under a numbering authority of its own, the way GCVE
(https://gcve.eu) lets many numbering authorities work without a central CVE:
GCVE-<GNA id>-<year>-<sequence>, or a local prefix in the GNA's place. Configure
it in vmc.yaml:

  identifiers:
    gna: 424          # the GCVE Numbering Authority id GCVE assigned you
    prefix: ACME-VULN # or, if you are no GNA, a local prefix

An identifier is reserved, then published (naming the vulnerability it is for,
when vmc knows it by another id) or rejected. Numbers are never handed out twice,
even by several vmc processes on one database, and never reused. A CVE assigned
later becomes an alias ('vmc id alias'); nothing is renumbered. A published
identifier resolves like any id ('vmc vuln show', 'vmc export'). Every step is
audited.`,
	}
	cmd.AddCommand(newIdentifierReserve(), newIdentifierMove("publish", ident.Published), newIdentifierMove("reject", ident.Rejected),
		newIdentifierAlias(), newIdentifierList(), newIdentifierShow())
	return cmd
}

// readIdentifierArg reads the identifier named on the command line.
func readIdentifierArg(cmd *cobra.Command, s store.Store, id string) (ident.Identifier, error) {
	x, err := s.Identifier(cmd.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return x, &exitError{code: 3, err: fmt.Errorf("no identifier %s", id)}
	}
	return x, err
}

func newIdentifierReserve() *cobra.Command {
	var (
		title, actor, prefix string
		year, gna            int
	)
	cmd := &cobra.Command{
		Use:   "reserve [--title TEXT] [--year YYYY]",
		Short: "Reserve the next identifier of the numbering authority",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := loadConfig(cmd.Flags())
			if err != nil {
				return usageError{err}
			}
			a := c.Identifiers
			if cmd.Flags().Changed("gna") || cmd.Flags().Changed("prefix") {
				a = ident.Authority{GNA: gna, Prefix: prefix}
			}
			if err := a.Validate(); err != nil {
				return usageError{err}
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				if year == 0 {
					year = time.Now().UTC().Year()
				}
				x, err := s.ReserveIdentifier(cmd.Context(), a, year, title, actor)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(cmd.OutOrStdout(), x.ID)
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&title, "title", "", "what the identifier is for")
	f.IntVar(&year, "year", 0, "the year in the identifier (default: this year)")
	f.IntVar(&gna, "gna", 0, "the GCVE Numbering Authority id (default: identifiers.gna)")
	f.StringVar(&prefix, "prefix", "", "a local prefix instead of GCVE-<GNA> (default: identifiers.prefix)")
	f.StringVar(&actor, "as", defaultActor(), "who reserves it, for the audit log")
	return cmd
}

func newIdentifierMove(verb string, to ident.State) *cobra.Command {
	var vuln, reason, actor string
	cmd := &cobra.Command{
		Use:   verb + " ID",
		Short: map[ident.State]string{ident.Published: "Publish a reserved identifier, naming the vulnerability it is for (--vuln)", ident.Rejected: "Reject an identifier, saying why (--reason); its number is not reused"}[to],
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				m := ident.Move{To: to, Vuln: vuln, Reason: reason}
				if vuln != "" {
					v, err := s.Vuln(cmd.Context(), vuln, store.VulnOptions{})
					if errors.Is(err, store.ErrNotFound) {
						return usageError{fmt.Errorf("--vuln: vmc knows no vulnerability %s", vuln)}
					}
					if err != nil {
						return err
					}
					m.Vuln = v.ID
				}
				x, err := s.MoveIdentifier(cmd.Context(), args[0], m, actor)
				if errors.Is(err, store.ErrNotFound) {
					return &exitError{code: 3, err: fmt.Errorf("no identifier %s", args[0])}
				}
				if err != nil {
					return err
				}
				return printIdentifier(cmd.OutOrStdout(), x)
			})
		},
	}
	f := cmd.Flags()
	if to == ident.Published {
		f.StringVar(&vuln, "vuln", "", "the vulnerability it names, by any id vmc knows it by")
	} else {
		f.StringVar(&reason, "reason", "", "why it is rejected")
	}
	f.StringVar(&actor, "as", defaultActor(), "who decides, for the audit log")
	return cmd
}

func newIdentifierAlias() *cobra.Command {
	var actor string
	cmd := &cobra.Command{
		Use:   "alias ID ALIAS",
		Short: "Add an id assigned later (a CVE) as an alias; nothing is renumbered",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				if _, err := readIdentifierArg(cmd, s, args[0]); err != nil {
					return err
				}
				x, err := s.AddIdentifierAlias(cmd.Context(), args[0], args[1], actor)
				if err != nil {
					return err
				}
				return printIdentifier(cmd.OutOrStdout(), x)
			})
		},
	}
	cmd.Flags().StringVar(&actor, "as", defaultActor(), "who adds it, for the audit log")
	return cmd
}

func newIdentifierList() *cobra.Command {
	var (
		state, namespace string
		asJSON           bool
	)
	cmd := &cobra.Command{
		Use:   "list [--state reserved|published|rejected] [--namespace NS]",
		Short: "List identifiers, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if state != "" && !ident.State(state).IsValid() {
				return usageError{fmt.Errorf("--state: %q is not reserved, published or rejected", state)}
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				l, err := s.ListIdentifiers(cmd.Context(), store.IdentifierQuery{State: ident.State(state), Namespace: namespace})
				if err != nil {
					return err
				}
				if asJSON {
					enc := json.NewEncoder(cmd.OutOrStdout())
					enc.SetIndent("", "  ")
					return enc.Encode(l)
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "id\tstate\tvuln\taliases\ttitle")
				for _, x := range l {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", x.ID, x.State, cmpOrDash(x.Vuln), cmpOrDash(strings.Join(x.Aliases, ", ")), cmpOrDash(x.Title))
				}
				return tw.Flush()
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&state, "state", "", "only identifiers in this state")
	f.StringVar(&namespace, "namespace", "", "only identifiers of this namespace (GCVE-424, ACME-VULN)")
	f.BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func newIdentifierShow() *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show an identifier, by itself or any alias",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				x, err := readIdentifierArg(cmd, s, args[0])
				if err != nil {
					return err
				}
				return printIdentifier(cmd.OutOrStdout(), x)
			})
		},
	}
}

func printIdentifier(w io.Writer, x ident.Identifier) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "id\t%s\n", x.ID)
	fmt.Fprintf(tw, "state\t%s\n", x.State)
	fmt.Fprintf(tw, "title\t%s\n", cmpOrDash(x.Title))
	fmt.Fprintf(tw, "vuln\t%s\n", cmpOrDash(x.Vuln))
	fmt.Fprintf(tw, "aliases\t%s\n", cmpOrDash(strings.Join(x.Aliases, ", ")))
	fmt.Fprintf(tw, "reserved\t%s by %s\n", x.Reserved.Format(time.RFC3339), x.ReservedBy)
	if !x.Published.IsZero() {
		fmt.Fprintf(tw, "published\t%s\n", x.Published.Format(time.RFC3339))
	}
	if !x.Rejected.IsZero() {
		fmt.Fprintf(tw, "rejected\t%s: %s\n", x.Rejected.Format(time.RFC3339), x.Reason)
	}
	return tw.Flush()
}

func newExport() *cobra.Command {
	var format, out, to, clearance, reason, actor string
	var all bool
	cmd := &cobra.Command{
		Use:   "export ID --format osv|cve5|csaf|stix [--out FILE] | --all --format osv --out DIR",
		Short: "Write any vulnerability vmc holds as OSV, a CVE JSON 5.1 CNA container, CSAF 2.0 or a STIX 2.1 bundle",
		Long: `Write the vulnerability known by ID (any of its ids: CVE, GHSA, GO, CNVD, an own
GCVE identifier, ...) as merged from every source, in one format, to --out or
standard output. Every export is in the audit log.

Disclosure control, as for advisories: a vulnerability is marked with the
narrowest TLP label any source distributes it under and with the markings of the
organisation's advisories about it. An export for the public (the default) is
refused unless all of them allow the public: TLP:CLEAR, no embargo left. An
export for someone in particular names them with --to and their --clearance;
under embargo, only its named recipients get it.

A format may not be able to express a record: OSV describes packages only, a
CVE record needs a CVE id and a CNA (vmc advisory settings --cna-org-id), CSAF a
product. docs/federation.md lists what each format keeps and loses.

--all writes every vulnerability the public may have as OSV into --out DIR in
osv.dev's bulk layout, DIR/osv-scalibr/<Ecosystem>/all.zip, which osv-scanner
reads offline: osv-scanner scan source --offline --offline-vulnerabilities
--local-db-path DIR -L go.mod.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if all {
				return cobra.NoArgs(cmd, args)
			}
			return cobra.ExactArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if all {
				if format != "osv" || out == "" || to != "" {
					return usageError{errors.New("--all writes OSV for the public into a directory: --format osv --out DIR, without --to")}
				}
				if err := os.MkdirAll(out, 0o755); err != nil {
					return err
				}
				return withStore(cmd, false, func(_ *Config, s store.Store) error {
					rep, err := export.OSVTree(cmd.Context(), s, out, actor, time.Now())
					if err != nil {
						return err
					}
					for _, eco := range slices.Sorted(maps.Keys(rep.Written)) {
						fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s: %d records\n", filepath.Join(out, "osv-scalibr", eco, "all.zip"), rep.Written[eco])
					}
					fmt.Fprintf(cmd.ErrOrStderr(), "withheld (not for the public): %d\n", rep.Withheld)
					for _, why := range slices.Sorted(maps.Keys(rep.NoPackage)) {
						fmt.Fprintf(cmd.ErrOrStderr(), "not written (%s): %d\n", why, rep.NoPackage[why])
					}
					return nil
				})
			}
			if _, err := formats.Get(format); err != nil {
				return usageError{fmt.Errorf("--format: %w", err)}
			}
			req := export.Request{ID: args[0], Format: format, Actor: actor, Reason: reason, Now: time.Now()}
			if to != "" {
				clr, err := incident.ParseTLP(clearance)
				if err != nil {
					return usageError{fmt.Errorf("--clearance: %w", err)}
				}
				req.To, req.Clearance = to, clr
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				res, err := export.Vuln(cmd.Context(), s, req)
				if errors.Is(err, store.ErrNotFound) {
					return &exitError{code: 3, err: fmt.Errorf("no vulnerability %s", args[0])}
				}
				if err != nil {
					return err
				}
				if out == "" {
					_, err = cmd.OutOrStdout().Write(res.Body)
					return err
				}
				if err := writeFileAtomic(out, res.Body); err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s (%s, %d bytes)\n", out, res.Format.Title, len(res.Body))
				return err
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", "osv", strings.Join(formats.Names(), ", "))
	f.StringVarP(&out, "out", "o", "", "the file to write (default: standard output)")
	f.StringVar(&to, "to", "", "who the export is for, when not the public: a name or an e-mail address")
	f.StringVar(&clearance, "clearance", "CLEAR", "with --to, the recipient's clearance")
	f.StringVar(&reason, "reason", "", "why it is exported, for the audit log")
	f.StringVar(&actor, "as", defaultActor(), "who exports it, for the audit log")
	f.BoolVar(&all, "all", false, "every public vulnerability, as OSV, into --out DIR in osv.dev's bulk layout")
	return cmd
}
