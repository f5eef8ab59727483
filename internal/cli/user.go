package cli

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/vmc-dev/vmc/internal/auth"
	"github.com/vmc-dev/vmc/internal/store"
)

func newUser() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Users, their roles and API tokens",
	}
	cmd.AddCommand(newUserAdd(), newUserList(), newUserPasswd(), newUserDisable(), newTokenCreate())
	return cmd
}

// readPassword reads a password from the first line of stdin, or makes
// one up and says it once.
func readPassword(cmd *cobra.Command, fromStdin bool, user string) (pw string, generated bool, err error) {
	if !fromStdin {
		return auth.NewPassword(), true, nil
	}
	line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
	if err != nil && line == "" {
		return "", false, usageError{errors.New("--password-stdin: no password on standard input")}
	}
	pw = strings.TrimRight(line, "\r\n")
	if err := auth.CheckPasswordPolicy(pw, user); err != nil {
		return "", false, usageError{err}
	}
	return pw, false, nil
}

func newUserAdd() *cobra.Command {
	var (
		role, display string
		teams         []string
		admin, stdin  bool
	)
	cmd := &cobra.Command{
		Use:   "add NAME",
		Short: "Add a user (admin, analyst, owner, auditor, reporter); the password is read from stdin or made up and shown once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if admin {
				role = string(auth.Admin)
			}
			u := auth.User{Name: args[0], Display: display, Teams: teams}
			if err := u.Role.UnmarshalText([]byte(role)); err != nil {
				return usageError{fmt.Errorf("--role: %w", err)}
			}
			if err := u.Validate(); err != nil {
				return usageError{err}
			}
			pw, generated, err := readPassword(cmd, stdin, u.Name)
			if err != nil {
				return err
			}
			hash, err := auth.HashPassword(pw)
			if err != nil {
				return err
			}
			return withStore(cmd, true, func(_ *Config, s store.Store) error {
				if _, _, err := s.User(cmd.Context(), u.Name); err == nil {
					return usageError{fmt.Errorf("user %s exists", u.Name)}
				}
				if _, err := s.PutUser(cmd.Context(), u, hash, defaultActor()); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "user %s added as %s\n", u.Name, u.Role)
				if generated {
					fmt.Fprintf(cmd.OutOrStdout(), "password: %s (shown only now)\n", pw)
				}
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&role, "role", "analyst", "admin, analyst, owner, auditor or reporter")
	cmd.Flags().BoolVar(&admin, "admin", false, "same as --role admin")
	cmd.Flags().StringSliceVar(&teams, "team", nil, "team (repeatable); an owner sees only its teams' assets")
	cmd.Flags().StringVar(&display, "display", "", "name to show")
	cmd.Flags().BoolVar(&stdin, "password-stdin", false, "read the password from standard input")
	return cmd
}

func newUserList() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List users",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				us, err := s.ListUsers(cmd.Context())
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "NAME\tROLE\tTEAMS\tDISPLAY\tDISABLED\n")
				for _, u := range us {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\n", u.Name, u.Role, strings.Join(u.Teams, ","), u.Display, u.Disabled)
				}
				return tw.Flush()
			})
		},
	}
}

// changeUser reads a user, lets fn change it, and stores it.
func changeUser(cmd *cobra.Command, name string, fn func(u *auth.User) (hash string, err error)) error {
	return withStore(cmd, false, func(_ *Config, s store.Store) error {
		u, _, err := s.User(cmd.Context(), name)
		if errors.Is(err, store.ErrNotFound) {
			return &exitError{code: 3, err: fmt.Errorf("no user is called %s", name)}
		} else if err != nil {
			return err
		}
		hash, err := fn(&u)
		if err != nil {
			return err
		}
		_, err = s.PutUser(cmd.Context(), u, hash, defaultActor())
		return err
	})
}

func newUserPasswd() *cobra.Command {
	var stdin bool
	cmd := &cobra.Command{
		Use:   "passwd NAME",
		Short: "Set a user's password (read from stdin, or made up and shown once)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pw, generated, err := readPassword(cmd, stdin, args[0])
			if err != nil {
				return err
			}
			return changeUser(cmd, args[0], func(*auth.User) (string, error) {
				hash, err := auth.HashPassword(pw)
				if err == nil && generated {
					fmt.Fprintf(cmd.OutOrStdout(), "password: %s (shown only now)\n", pw)
				}
				return hash, err
			})
		},
	}
	cmd.Flags().BoolVar(&stdin, "password-stdin", false, "read the password from standard input")
	return cmd
}

func newUserDisable() *cobra.Command {
	var enable bool
	cmd := &cobra.Command{
		Use:   "disable NAME",
		Short: "Disable a user (--enable to undo); their history stays",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return changeUser(cmd, args[0], func(u *auth.User) (string, error) {
				u.Disabled = !enable
				return "", nil
			})
		},
	}
	cmd.Flags().BoolVar(&enable, "enable", false, "enable instead")
	return cmd
}

func newTokenCreate() *cobra.Command {
	var (
		name   string
		scopes []string
		days   int
	)
	cmd := &cobra.Command{
		Use:   "token USER --name LABEL --scope read [--scope write] [--days 90]",
		Short: "Create an API token for a user; the token is shown once and kept only as a hash",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			now := time.Now().UTC()
			plain, id, hash := auth.NewToken(auth.TokenPrefix)
			t := auth.Token{ID: id, User: args[0], Name: name, Created: now, Expires: now.Add(time.Duration(days) * 24 * time.Hour)}
			for _, sc := range scopes {
				var x auth.Scope
				if err := x.UnmarshalText([]byte(sc)); err != nil {
					return usageError{fmt.Errorf("--scope: %w", err)}
				}
				t.Scopes = append(t.Scopes, x)
			}
			if err := t.Validate(now); err != nil {
				return usageError{err}
			}
			return withStore(cmd, false, func(_ *Config, s store.Store) error {
				if err := s.PutToken(cmd.Context(), t, hash, defaultActor()); err != nil {
					return err
				}
				_, err := fmt.Fprintf(cmd.OutOrStdout(), "token %s for %s, expires %s:\n%s\n", t.ID, t.User, t.Expires.Format(time.DateOnly), plain)
				return err
			})
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "what the token is for")
	cmd.Flags().StringSliceVar(&scopes, "scope", []string{"read"}, "read, write, import, report, admin (repeatable)")
	cmd.Flags().IntVar(&days, "days", 90, "days until it expires (at most 365)")
	return cmd
}
