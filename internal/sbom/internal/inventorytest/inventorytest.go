// Package inventorytest holds the checks the SBOM parsers' tests share.
package inventorytest

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/vmc-dev/vmc/internal/asset"
	"github.com/vmc-dev/vmc/internal/feed"
	"github.com/vmc-dev/vmc/internal/sbom/internal/inventory"
)

// Expect checks one table row's parse: with wantErr set, that the file
// failed with exactly that error, wrapping feed.ErrFormat; otherwise the
// components and the per-component error texts, as -want +got diffs. It
// reports whether the file parsed, so a row can check more.
func Expect(t testing.TB, inv inventory.Inventory, err error, wantErr string, want []asset.Component, wantErrs []string) bool {
	t.Helper()
	if wantErr != "" {
		if err == nil || err.Error() != wantErr || !errors.Is(err, feed.ErrFormat) {
			t.Fatalf("error %v, want %s (wrapping ErrFormat)", err, wantErr)
		}
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, inv.Components, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("components (-want +got):\n%s", diff)
	}
	var errs []string
	for _, e := range inv.Errors {
		errs = append(errs, e.Error())
	}
	if diff := cmp.Diff(wantErrs, errs); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	return true
}

// Fuzzed checks what must hold of any parse, whatever the input: a file
// error wraps feed.ErrFormat, component errors are located
// *feed.RecordErrors, every component kept validates, and the inventory
// survives a JSON round trip.
func Fuzzed(t testing.TB, inv inventory.Inventory, err error) {
	t.Helper()
	if err != nil && !errors.Is(err, feed.ErrFormat) {
		t.Fatalf("error does not wrap ErrFormat: %v", err)
	}
	for _, e := range inv.Errors {
		var re *feed.RecordError
		if !errors.As(e, &re) {
			t.Fatalf("not a RecordError: %v", e)
		}
	}
	for _, c := range inv.Components {
		if err := c.Validate(); err != nil {
			t.Fatalf("%s: %v", c.Source, err)
		}
	}
	b, _ := json.Marshal(inv)
	var back inventory.Inventory
	if err := json.Unmarshal(b, &back); err != nil || !cmp.Equal(inv.Components, back.Components, cmpopts.EquateEmpty()) {
		t.Fatalf("components change in a JSON round trip: %v", err)
	}
}
