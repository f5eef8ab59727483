package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/ecosystem"
	"github.com/vmc-dev/vmc/internal/version"
)

// newVersionCompare is "vmc version compare", a subcommand of "vmc version".
func newVersionCompare() *cobra.Command {
	return &cobra.Command{
		Use:   "compare ECOSYSTEM [A B]",
		Short: "Compare package versions the way an ecosystem orders them",
		Long: `Compare two versions of an ecosystem and print <, = or >, as A sorts before,
the same as or after B. ECOSYSTEM is an OSV ecosystem name, with or without a
release ("PyPI", "Debian:12", "AlmaLinux:9", "Alpine:v3.19"), or "SemVer".

With no versions, read lines "A B" from standard input and print one result a
line. A line "A OP B" (OP one of <, = and >) is checked: the result is printed
if it agrees, an error line if not. Blank lines and lines starting with # or
// are skipped. A line whose versions are invalid gets an error line naming
the version, and the run goes on; the exit code is 1 if any line failed.`,
		Example: `  vmc version compare PyPI 1.0rc1 1.0
  vmc version compare Debian:12 1:1.0-1 2.0-1
  printf '1.0 1.1\n2.0 1..2\n' | vmc version compare PyPI`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 && len(args) != 3 {
				return usageError{fmt.Errorf("compare takes ECOSYSTEM and two versions, or ECOSYSTEM alone to read them from standard input; got %d arguments", len(args))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			eco := args[0]
			if _, _, err := version.SchemeFor(eco); err != nil {
				if errors.Is(err, ecosystem.ErrUnknown) || errors.Is(err, version.ErrUnsupported) {
					return usageError{err}
				}
				return err
			}
			out := cmd.OutOrStdout()
			if len(args) == 3 {
				c, err := version.Compare(eco, args[1], args[2])
				if err != nil {
					return err
				}
				_, err = fmt.Fprintln(out, symbol(c))
				return err
			}
			return compareLines(cmd.InOrStdin(), out, eco)
		},
	}
}

func symbol(c int) string {
	switch {
	case c < 0:
		return "<"
	case c > 0:
		return ">"
	}
	return "="
}

// compareLines compares the version pairs of r, one a line, and writes a
// result or an error line for each.
func compareLines(r io.Reader, w io.Writer, eco string) error {
	bw := bufio.NewWriter(w)
	sc := bufio.NewScanner(r)
	lines, failed := 0, 0
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "//") {
			continue
		}
		lines++
		res, err := compareLine(eco, line)
		if err != nil {
			failed++
			fmt.Fprintf(bw, "error: %v\n", err)
			continue
		}
		fmt.Fprintln(bw, res)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read standard input: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if failed > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d of %d lines failed", failed, lines)}
	}
	return nil
}

// compareLine compares "A B", or checks "A OP B".
func compareLine(eco, line string) (string, error) {
	f := strings.Fields(line)
	var a, b, want string
	switch {
	case len(f) == 2:
		a, b = f[0], f[1]
	case len(f) == 3 && (f[1] == "<" || f[1] == "=" || f[1] == ">"):
		a, want, b = f[0], f[1], f[2]
	default:
		return "", fmt.Errorf("want \"A B\" or \"A OP B\", got %q", line)
	}
	c, err := version.Compare(eco, a, b)
	if err != nil {
		return "", err
	}
	got := symbol(c)
	if want != "" && got != want {
		return "", fmt.Errorf("%s %s %s: got %s", a, want, b, got)
	}
	return got, nil
}
