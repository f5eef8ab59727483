// Package cli is vmc's command line: commands, flags and configuration,
// and the wiring of a store into the services each command runs.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// Version is set at build time with -ldflags "-X github.com/vmc-dev/vmc/internal/cli.Version=...".
var Version = "dev"

// exitError carries an exit code other than 1 for a failure that has
// already been explained (like grep's 1 for "nothing found").
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// Run runs the command line args (without the program name) and returns
// the process exit code. Failures print one line to stderr, never a stack.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "vmc: %v\n", ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "vmc: %v\n", err)
	if isUsage(err) {
		fmt.Fprintln(stderr, "Run 'vmc --help' for usage.")
		return 2
	}
	return 1
}

// usageError marks a mistake in the command line.
type usageError struct{ error }

func isUsage(err error) bool {
	var ue usageError
	if errors.As(err, &ue) {
		return true
	}
	// cobra reports unknown commands and flags as plain errors.
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "unknown flag") ||
		strings.HasPrefix(msg, "unknown shorthand flag") || strings.Contains(msg, "flag needs an argument") ||
		strings.HasPrefix(msg, "invalid argument") || strings.HasPrefix(msg, "accepts ") || strings.HasPrefix(msg, "requires ")
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "vmc",
		Short: "vmc — vulnerability management centre (漏洞防治中心)",
		Long: `vmc keeps an organisation's vulnerability work going whatever happens upstream:
it merges CVE, NVD, OSV, GHSA, CNVD, CNNVD, JVN, EUVD, CSAF, KEV and EPSS into one
record per vulnerability, matches them against what you run, and tracks every finding
from discovery to verified fix.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	globalFlags(root.PersistentFlags())
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(
		newServe(),
		newPeer(),
		newMigrate(),
		newCheck(),
		newJobs(),
		newVersion(),
		newVuln(),
		newStats(),
		newClassify(),
		newSuggest(),
		newImport(),
		newFeed(),
		newCSAF(),
		newMirror(),
		newKey(),
		newScan(),
		newAsset(),
		newCVSS(),
		newFinding(),
		newExercise(),
		newIncident(),
		newDisclosure(),
		newPatch(),
		newMaintenance(),
		newSAMM(),
		newAdvisory(),
		newEvidence(),
		newPlaybook(),
		newRoster(),
		newTraining(),
		newBriefing(),
		newReview(),
		newVEX(),
		newAudit(),
		newSLA(),
		newNotify(),
		newUser(),
		newBackup(),
		newRestore(),
		newBaseline(),
		newSnapshot(),
		newTrust(),
		newIdentifier(),
		newExport(),
		newSTIX(),
		newTAXII(),
		newRule(),
		newWatch(),
		newAttackPath(),
	)
	return root
}

func newVersion() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Print vmc's version; compare package versions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "vmc %s\n", Version)
			return err
		},
	}
	cmd.AddCommand(newVersionCompare())
	return cmd
}
