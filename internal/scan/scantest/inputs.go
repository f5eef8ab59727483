package scantest

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/scan"
)

// Input is a report written for a test and what Parse must make of it.
type Input struct {
	Name string
	In   string
	Want *scan.Report
}

// Parses parses each input, which must succeed with the report it wants.
func Parses(t *testing.T, parse ParseFunc, inputs []Input) {
	t.Helper()
	for _, in := range inputs {
		t.Run(in.Name, func(t *testing.T) {
			got, err := parse(strings.NewReader(in.In))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(in.Want, got); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
		})
	}
}

// BadInput is an input Parse must refuse, and the error it must give, to
// the letter.
type BadInput struct {
	Name string
	In   string
	Want string
}

// Refuses parses each input, which must fail with the error it wants,
// wrapping feed.ErrFormat, and no report beside the error.
func Refuses(t *testing.T, parse ParseFunc, inputs []BadInput) {
	t.Helper()
	for _, in := range inputs {
		t.Run(in.Name, func(t *testing.T) {
			rep, err := parse(strings.NewReader(in.In))
			if err == nil {
				t.Fatalf("no error, want %q; report %+v", in.Want, rep)
			}
			if rep != nil {
				t.Errorf("a report beside the error: %+v", rep)
			}
			if !errors.Is(err, feed.ErrFormat) {
				t.Errorf("error does not wrap feed.ErrFormat: %v", err)
			}
			if diff := cmp.Diff(in.Want, err.Error()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// SeedBad adds the bad inputs to a fuzz target's corpus.
func SeedBad(f *testing.F, inputs []BadInput) {
	for _, in := range inputs {
		f.Add([]byte(in.In))
	}
}

// Laughs is a DTD for the root element given that declares a
// billion-laughs expansion: lol9 would be 10^9 "lol"s. decls come before
// the entities.
func Laughs(root string, decls ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE %s [%s<!ENTITY lol "lol">`, root, strings.Join(decls, ""))
	for i := 1; i <= 9; i++ {
		prev := "lol"
		if i > 1 {
			prev = fmt.Sprintf("lol%d", i-1)
		}
		fmt.Fprintf(&b, `<!ENTITY lol%d "%s">`, i, strings.Repeat("&"+prev+";", 10))
	}
	b.WriteString("]>\n")
	return b.String()
}

// ReadFails parses the first half of in from a reader that then fails:
// the error must keep the reader's, and wrap feed.ErrFormat.
func ReadFails(t *testing.T, parse ParseFunc, in string) {
	t.Helper()
	errDisk := errors.New("disk on fire")
	_, err := parse(io.MultiReader(strings.NewReader(in[:len(in)/2]), errReader{errDisk}))
	if !errors.Is(err, errDisk) || !errors.Is(err, feed.ErrFormat) {
		t.Errorf("error %v, want one wrapping %v and feed.ErrFormat", err, errDisk)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
