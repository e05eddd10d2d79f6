package cli

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	flag "github.com/spf13/pflag"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/sync"
)

// passwdFlags are the flags of passwd.
type passwdFlags struct {
	accountFlags
	resetCode string
}

func init() {
	var f passwdFlags
	Register(&Command{
		Name: "passwd", Summary: "change the account's password on the earshot-server",
		Examples: `earshot passwd                                  # asks for the current and the new password
			earshot passwd --reset-code esp_…               # with a code from the server's owner
			printf '%s\n%s\n' "$OLD" "$NEW" | earshot passwd --password-stdin`,
		Flags: func(fs *flag.FlagSet) {
			f.register(fs)
			fs.StringVar(&f.resetCode, "reset-code", "", "a one-time code from the server's owner (earshot-server users reset-password), instead of the current password")
		},
		Run: func(ctx context.Context, e *Env, _ []string) error { return e.passwd(ctx, f) },
	})
}

func (e *Env) passwd(ctx context.Context, f passwdFlags) error {
	x, err := e.syncIndex(ctx)
	if err != nil {
		return err
	}
	acct := sync.NewAccount(x, processStore, nil) // for the account of last time only
	last, _ := acct.Last(ctx)
	if f.server == "" {
		f.server, f.email = last.Server, cmp.Or(f.email, last.Email)
	}
	if f.server == "" || f.email == "" {
		return errors.New("no account here: pass --server URL and --email ADDRESS")
	}
	ch := api.PasswordChange{Email: f.email, ResetCode: f.resetCode}
	if err := e.passwords(f, &ch); err != nil {
		return err
	}
	c, err := acct.Client(f.server)
	if err != nil {
		return err
	}
	if err := c.ChangePassword(ctx, ch); err != nil {
		return err
	}
	fmt.Fprintf(e.Stderr, "The password of %s on %s is changed; devices already logged in stay logged in.\n", f.email, f.server)
	return nil
}

// passwords fills in the current (unless a reset code is given) and the
// new password: from the terminal, or with --password-stdin one a line.
func (e *Env) passwords(f passwdFlags, ch *api.PasswordChange) error {
	if !f.pw.given() {
		var err error
		if ch.ResetCode == "" {
			if ch.CurrentPassword, err = e.promptPassword("Current password: ", false); err != nil {
				return err
			}
		}
		ch.NewPassword, err = e.promptPassword("New password: ", true)
		return err
	}
	src := io.Reader(e.Stdin)
	if f.pw.file != "" {
		b, err := os.ReadFile(f.pw.file)
		if err != nil {
			return fmt.Errorf("--password-file: %w", err)
		}
		src = strings.NewReader(string(b))
	}
	in := bufio.NewScanner(src)
	next := func(what string) (string, error) {
		if !in.Scan() || strings.TrimRight(in.Text(), "\r") == "" {
			return "", fmt.Errorf("no %s given (one password a line: current, then new)", what)
		}
		return strings.TrimRight(in.Text(), "\r"), nil
	}
	var err error
	if ch.ResetCode == "" {
		if ch.CurrentPassword, err = next("current password"); err != nil {
			return err
		}
	}
	ch.NewPassword, err = next("new password")
	return err
}
