package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/csaf"
)

func newCSAF() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "csaf",
		Short: "Work with CSAF 2.0 documents",
	}
	var asJSON bool
	validate := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Validate CSAF 2.0 documents: the JSON schema and every test of section 6",
		Long: `Validate CSAF 2.0 documents against the JSON schema and the tests of the
standard's section 6: mandatory tests (6.1.x) are errors, optional (6.2.x) and
informative (6.3.x) tests are warnings and notes. Each failed test is printed
with its id and JSON path. The exit code is 1 when any document fails the
schema or a mandatory test.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			out := cmd.OutOrStdout()
			type report struct {
				File     string         `json:"file"`
				Valid    bool           `json:"valid"`
				Error    string         `json:"error,omitempty"`
				Findings []csaf.Finding `json:"findings"`
			}
			var reports []report
			invalid := 0
			for _, name := range files {
				r := report{File: name}
				res, err := validateFile(name)
				switch {
				case err != nil:
					r.Error = err.Error()
				default:
					r.Valid, r.Findings = res.Valid(), res.Findings
				}
				if !r.Valid {
					invalid++
				}
				if asJSON {
					reports = append(reports, r)
					continue
				}
				if err != nil {
					fmt.Fprintf(out, "%s: %v\n", name, err)
					continue
				}
				if err := res.Format(out, name); err != nil {
					return err
				}
				errs, warns := 0, 0
				for _, f := range res.Findings {
					if f.Severity == csaf.Error {
						errs++
					} else {
						warns++
					}
				}
				verdict := "valid"
				if !r.Valid {
					verdict = "INVALID"
				}
				fmt.Fprintf(out, "%s: %s (%d errors, %d warnings and notes)\n", name, verdict, errs, warns)
			}
			if asJSON {
				if err := writeJSON(out, reports); err != nil {
					return err
				}
			}
			if invalid > 0 {
				return &exitError{code: 1, err: fmt.Errorf("%d of %d documents invalid", invalid, len(files))}
			}
			return nil
		},
	}
	validate.Flags().BoolVar(&asJSON, "json", false, "print the findings as JSON")
	cmd.AddCommand(validate, newCSAFProvider())
	return cmd
}

func validateFile(name string) (csaf.Result, error) {
	f, err := os.Open(name)
	if err != nil {
		return csaf.Result{}, err
	}
	defer f.Close()
	return csaf.ValidateReader(f)
}
