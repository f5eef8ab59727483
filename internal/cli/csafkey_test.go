package cli

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vmc-dev/vmc/internal/signing"
	"github.com/vmc-dev/vmc/internal/store"
	"github.com/vmc-dev/vmc/internal/store/sqlite"
)

// TestCSAFProviderKeyInStore: with federation.key set, the provider's key
// is kept in the database, sealed: the key file of the replica that got
// there first moves in, and every other replica, with no file, signs
// with it. The wrong federation key does not open it, and a database
// whose provider published with a key no replica gave it refuses a new
// one.
func TestCSAFProviderKeyInStore(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const fedKey = "a federation key of some length"
	first := t.TempDir()
	file, _, err := signing.LoadOrGenerate(filepath.Join(first, "csaf-provider.key"), "vmc CSAF provider", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	replica := func(dataDir, key string) (*signing.Key, string, error) {
		var log bytes.Buffer
		c := &Config{DataDir: dataDir}
		c.Federation.Key = key
		k, err := c.csafProviderKey(ctx, s, slog.New(slog.NewTextHandler(&log, nil)))
		return k, log.String(), err
	}
	k, log, err := replica(first, fedKey)
	if err != nil || k.Fingerprint() != file.Fingerprint() || !strings.Contains(log, "kept in the database") {
		t.Fatalf("first replica, with the key file: %v, %v\n%s", k, err, log)
	}
	second := t.TempDir()
	k, log, err = replica(second, fedKey)
	if err != nil || k.Fingerprint() != file.Fingerprint() || log != "" {
		t.Errorf("second replica, no key file: %v, %v\n%s", k, err, log)
	}
	if _, err := os.Stat(filepath.Join(second, "csaf-provider.key")); err == nil {
		t.Error("the second replica wrote a key file")
	}
	sealed, err := s.ServerSecret(ctx, csafKeySecret, nil)
	if err != nil || bytes.Contains(sealed, []byte("PRIVATE KEY")) {
		t.Errorf("the key in the database is not sealed (%v): %.80s", err, sealed)
	}
	if _, _, err := replica(second, "another federation key, as long"); err == nil || !strings.Contains(err.Error(), "cannot be opened") {
		t.Errorf("the wrong federation key: %v", err)
	}

	// A provider published with a file key before federation.key was set.
	s2, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "vmc.db"), sqlite.Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	pub, _ := file.ArmoredPublic()
	if _, err := s2.PublishCSAF(ctx, nil, nil, store.CSAFState{Key: store.CSAFKey{Fingerprint: file.Fingerprint(), Armored: pub}, Publisher: []byte(`{}`)}, time.Now()); err != nil {
		t.Fatal(err)
	}
	s = s2
	if _, _, err := replica(t.TempDir(), fedKey); err == nil || !strings.Contains(err.Error(), "publishes with the key "+file.Fingerprint()) {
		t.Errorf("a new key for a provider that published with another: %v", err)
	}
	if _, err := s2.ServerSecret(ctx, csafKeySecret, nil); err == nil {
		t.Error("the refused key was stored")
	}
	if k, _, err := replica(first, fedKey); err != nil || k.Fingerprint() != file.Fingerprint() {
		t.Errorf("the replica with the published key's file: %v, %v", k, err)
	}
}
