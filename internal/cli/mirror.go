package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/mirror"
	"github.com/vmc-dev/vmc/internal/signing"
	"github.com/vmc-dev/vmc/internal/store"
)

// mirrorConfig configures air-gapped mirroring:
//
//	mirror:
//	  key: /etc/vmc/mirror.key          # the exporter's private key
//	  trusted-key: /etc/vmc/origin.pub  # the importer's copy of the exporter's public key
type mirrorConfig struct {
	Key        string `koanf:"key"`
	TrustedKey string `koanf:"trusted-key"`
}

func newMirror() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "mirror",
		Short: "Carry vulnerability records to networks without internet: signed, incremental bundles",
		Long: `vmc mirror export writes the vulnerability records this database holds — every
source record with its provenance and its history — into one signed bundle file;
vmc mirror import brings a bundle into a database on a network without internet,
after checking its signature against the exporter's public key. Make the key
pair with vmc key generate; carry the public key over once, by hand.`,
	}
	cmd.AddCommand(newMirrorExport(), newMirrorImport())
	return cmd
}

func newMirrorExport() *cobra.Command {
	var keyFile, sinceBundle, since, origin string
	cmd := &cobra.Command{
		Use:   "export FILE --key KEY [--since-bundle PREVIOUS]",
		Short: "Write a signed bundle of the records (all, or changed since a previous bundle)",
		Long: `Write the vulnerabilities this database holds, each source record with its
provenance and history, to FILE as a signed bundle (the file appears by rename
once complete). --since-bundle PREVIOUS (or --since TIME) writes only the
vulnerabilities that changed since that bundle was made: an incremental bundle.
--key is the OpenPGP private key to sign with (mirror.key in the configuration).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, false, func(c *Config, s store.Store) error {
				if keyFile == "" {
					keyFile = c.Mirror.Key
				}
				if keyFile == "" {
					return usageError{errors.New("--key: name the private key to sign with (or set mirror.key)")}
				}
				key, err := signing.LoadKey(keyFile)
				if err != nil {
					return usageError{fmt.Errorf("--key: %w", err)}
				}
				var from time.Time
				switch {
				case sinceBundle != "" && since != "":
					return usageError{errors.New("--since and --since-bundle: give one")}
				case since != "":
					if from, err = time.Parse(time.RFC3339, since); err != nil {
						return usageError{fmt.Errorf("--since: %w", err)}
					}
				case sinceBundle != "":
					if from, err = bundleMark(sinceBundle, key); err != nil {
						return err
					}
				}
				out := args[0]
				tmp := out + ".tmp"
				f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
				if err != nil {
					return err
				}
				m, err := mirror.Export(cmd.Context(), s, f, key, mirror.ExportOptions{Since: from, Origin: origin, TempDir: filepath.Dir(out), Now: time.Now()})
				if err == nil {
					err = f.Sync()
				}
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err == nil {
					err = os.Rename(tmp, out)
				}
				if err != nil {
					os.Remove(tmp)
					return err
				}
				entries := 0
				for _, b := range m.Batches {
					entries += b.Entries
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: %d source records in %d batches, mark %s, signed by %s\n", out, entries, len(m.Batches), m.Mark.Format(time.RFC3339Nano), key.Fingerprint())
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.StringVar(&keyFile, "key", "", "armored OpenPGP private key to sign with (default mirror.key)")
	f.StringVar(&sinceBundle, "since-bundle", "", "previous bundle: export only what changed since it was made")
	f.StringVar(&since, "since", "", "export only what changed since this time (RFC 3339)")
	f.StringVar(&origin, "origin", "", "name of this vmc, written in the manifest for people")
	return cmd
}

// bundleMark is the mark of a bundle this key signed.
func bundleMark(path string, key *signing.Key) (time.Time, error) {
	pub, err := key.ArmoredPublic()
	if err != nil {
		return time.Time{}, err
	}
	v, err := signing.ParseVerifier(pub)
	if err != nil {
		return time.Time{}, err
	}
	f, err := os.Open(path)
	if err != nil {
		return time.Time{}, fmt.Errorf("--since-bundle: %w", err)
	}
	defer f.Close()
	r, err := mirror.Open(f, v, mirror.DefaultLimits, time.Now())
	if err != nil {
		return time.Time{}, fmt.Errorf("--since-bundle %s: %w", path, err)
	}
	return r.Manifest.Mark, nil
}

func newMirrorImport() *cobra.Command {
	var trusted string
	cmd := &cobra.Command{
		Use:   "import FILE --trusted-key PUBLIC_KEY",
		Short: "Bring a signed bundle into this database",
		Long: `Check FILE's signature against the exporter's public key (--trusted-key, or
mirror.trusted-key) and bring in what this database does not hold yet, one
transaction per batch. A bundle that is unsigned, signed by another key,
altered after signing or over the size limits is refused and nothing of it is
written. Importing a bundle again writes nothing; an import cut short is
resumed by running it again.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, true, func(c *Config, s store.Store) error {
				if trusted == "" {
					trusted = c.Mirror.TrustedKey
				}
				if trusted == "" {
					return usageError{errors.New("--trusted-key: name the exporter's public key (or set mirror.trusted-key)")}
				}
				v, err := signing.LoadVerifier(trusted)
				if err != nil {
					return usageError{fmt.Errorf("--trusted-key: %w", err)}
				}
				f, err := os.Open(args[0])
				if err != nil {
					return err
				}
				defer f.Close()
				out := cmd.OutOrStdout()
				rep, err := mirror.Import(cmd.Context(), s, f, v, mirror.ImportOptions{Now: time.Now(),
					Progress: func(b mirror.Batch, res store.BatchResult) {
						fmt.Fprintf(out, "%s: %d records, new %d, changed %d, unchanged %d\n", b.Name, b.Entries, res.New, res.Changed, res.Unchanged)
					}})
				if err != nil {
					return fmt.Errorf("mirror import %s: %w", args[0], err)
				}
				fmt.Fprintf(out, "%s: %d batches imported, %d already imported; %d record versions written (new %d, changed %d, unchanged %d); mark %s\n",
					args[0], rep.Batches, rep.Resumed, rep.Written, rep.Result.New, rep.Result.Changed, rep.Result.Unchanged, rep.Manifest.Mark.Format(time.RFC3339Nano))
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&trusted, "trusted-key", "", "the exporter's armored OpenPGP public key (default mirror.trusted-key)")
	return cmd
}

func newKey() *cobra.Command {
	cmd := &cobra.Command{Use: "key", Short: "OpenPGP signing keys for the mirror and the CSAF provider"}
	var name, email string
	gen := &cobra.Command{
		Use:   "generate FILE",
		Short: "Make an Ed25519 OpenPGP signing key: FILE (private, mode 0600) and FILE.pub",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := os.Stat(args[0]); err == nil {
				return fmt.Errorf("%s exists: vmc does not overwrite a key", args[0])
			}
			k, created, err := signing.LoadOrGenerate(args[0], name, email, time.Now())
			if err != nil {
				return err
			}
			if !created {
				return fmt.Errorf("%s exists: vmc does not overwrite a key", args[0])
			}
			pub, err := k.ArmoredPublic()
			if err != nil {
				return err
			}
			if err := os.WriteFile(args[0]+".pub", pub, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s, %s.pub: %s\n", args[0], args[0], k.Fingerprint())
			return nil
		},
	}
	gen.Flags().StringVar(&name, "name", "vmc", "the key's user id name")
	gen.Flags().StringVar(&email, "email", "", "the key's user id e-mail")
	cmd.AddCommand(gen)
	return cmd
}
