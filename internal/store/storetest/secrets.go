package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/store"
)

// testServerSecrets: the first secret made under a name is everyone's,
// and reading one that was never made (gen nil) makes nothing.
func testServerSecrets(t *testing.T, open Opener) {
	s := open(t, time.Now)
	ctx := context.Background()
	if v, err := s.ServerSecret(ctx, "k", nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("read of a secret never made = %q, %v; want ErrNotFound", v, err)
	}
	var wg sync.WaitGroup
	got := make([][]byte, 8)
	for i := range got {
		wg.Go(func() {
			v, err := s.ServerSecret(ctx, "k", func() []byte { return []byte{byte('a' + i)} })
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		})
	}
	wg.Wait()
	for i := range got {
		if len(got[i]) != 1 || string(got[i]) != string(got[0]) {
			t.Fatalf("8 replicas making one secret at once got %q", got)
		}
	}
	if v, err := s.ServerSecret(ctx, "k", nil); err != nil || string(v) != string(got[0]) {
		t.Errorf("read after = %q, %v; want %q", v, err, got[0])
	}
}
