package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/audit"
	"github.com/vmc-dev/vmc/internal/store"
)

func newAudit() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "The append-only, hash-chained log of decisions",
	}
	cmd.AddCommand(newAuditVerify(), newAuditExport())
	return cmd
}

func newAuditVerify() *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "Check the audit log's hash chain",
		Long: `Walk the audit log and check every entry's sequence number, link and hash. A
changed, inserted or deleted entry breaks the chain from that entry on, and the
first broken entry is named. Entries cut from the end leave a valid, shorter
chain: record the head hash this prints somewhere else (a ticket, a signed
report) and compare it later to detect that too.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				n, head, err := audit.Verify(s.AuditLog(cmd.Context(), 0))
				if err != nil {
					return &exitError{code: 1, err: err}
				}
				if n == 0 {
					_, err = fmt.Fprintln(cmd.OutOrStdout(), "audit log: empty")
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "audit log: %d entries, chain intact, head %s\n", n, head)
				return err
			})
		},
	}
}

func newAuditExport() *cobra.Command {
	var after int64
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the audit log as JSON lines",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetEscapeHTML(false)
				for e, err := range s.AuditLog(cmd.Context(), after) {
					if err != nil {
						return err
					}
					if err := enc.Encode(e); err != nil {
						return err
					}
				}
				return nil
			})
		},
	}
	cmd.Flags().Int64Var(&after, "after", 0, "only entries after this sequence number")
	return cmd
}
