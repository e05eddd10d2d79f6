package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/earshot/earshot/cmd/earshot-server/stores"
	"github.com/earshot/earshot/server"
	"github.com/earshot/earshot/server/meta"
)

// The owner's commands work on the stores directly, with the same flags
// (or EARSHOT_SERVER_* variables) as the server, while it runs or not:
//
//	earshot-server invite create [--uses N] [--expires D]
//	earshot-server users list
//	earshot-server users reset-password EMAIL [--expires D]
var ownerCommands = map[string]func(args []string) error{
	"invite": inviteCommand,
	"users":  usersCommand,
}

func inviteCommand(args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: earshot-server invite create [--uses N] [--expires DURATION] [server flags]")
	}
	var uses int
	var expires time.Duration
	return withStores("earshot-server invite create", args[1:], func(fs *flag.FlagSet) {
		fs.IntVar(&uses, "uses", 1, "how many accounts the invite can create")
		fs.DurationVar(&expires, "expires", 7*24*time.Hour, "how long the invite is good for")
	}, func(ctx context.Context, m meta.Store, rest []string) error {
		if len(rest) > 0 || uses < 1 || expires <= 0 {
			return errors.New("usage: earshot-server invite create [--uses N] [--expires DURATION]; N at least 1")
		}
		code, err := server.NewInvite(ctx, m, uses, time.Now().Add(expires))
		if err != nil {
			return err
		}
		fmt.Println(code)
		fmt.Fprintf(os.Stderr, "invite for %d account(s), good until %s: give it to the person signing up (earshot signup --invite CODE)\n",
			uses, time.Now().Add(expires).Format("2006-01-02 15:04 MST"))
		return nil
	})
}

func usersCommand(args []string) error {
	usage := errors.New("usage: earshot-server users list | users reset-password EMAIL [--expires DURATION] [server flags]")
	if len(args) == 0 {
		return usage
	}
	switch args[0] {
	case "list":
		return withStores("earshot-server users list", args[1:], nil, listUsers)
	case "reset-password":
		// The email may come before the flags or after them.
		args = args[1:]
		var email string
		if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
			email, args = args[0], args[1:]
		}
		var expires time.Duration
		return withStores("earshot-server users reset-password", args, func(fs *flag.FlagSet) {
			fs.DurationVar(&expires, "expires", 24*time.Hour, "how long the reset code is good for")
		}, func(ctx context.Context, m meta.Store, rest []string) error {
			if email == "" && len(rest) == 1 {
				email, rest = rest[0], nil
			}
			if email == "" || len(rest) > 0 {
				return usage
			}
			return resetPassword(ctx, m, email, expires)
		})
	}
	return usage
}

// listUsers prints every account with its storage use.
func listUsers(ctx context.Context, m meta.Store, rest []string) error {
	if len(rest) > 0 {
		return fmt.Errorf("unexpected argument %q", rest[0])
	}
	users, err := m.ListUsers(ctx, 0)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(os.Stdout, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tUSER ID\tUSED BYTES\tCREATED")
	for _, u := range users {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", u.Email, u.ID, u.UsedBytes, u.CreatedAt.Format("2006-01-02"))
	}
	return tw.Flush()
}

// resetPassword prints a one-time code with which the account's owner
// sets a new password (earshot passwd --reset-code CODE).
func resetPassword(ctx context.Context, m meta.Store, email string, expires time.Duration) error {
	u, err := m.UserByEmail(ctx, email)
	if errors.Is(err, meta.ErrNotFound) {
		return fmt.Errorf("no account has the email %s; see: earshot-server users list", email)
	}
	if err != nil {
		return err
	}
	code, err := server.NewResetCode(ctx, m, u, time.Now().Add(expires))
	if err != nil {
		return err
	}
	fmt.Println(code)
	fmt.Fprintf(os.Stderr, "one-time reset code for %s, good for %s: with it they set a new password (earshot passwd --reset-code CODE)\n", u.Email, expires)
	return nil
}

// withStores parses the server's flags plus the command's own, opens the
// metadata store and runs fn on it.
func withStores(name string, args []string, extra func(*flag.FlagSet), fn func(context.Context, meta.Store, []string) error) error {
	var cfg server.Config
	rest, err := cfg.ParseCommand(name, args, os.Getenv, extra)
	if err != nil {
		return err
	}
	ctx := context.Background()
	m, _, err := stores.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	return fn(ctx, m, rest)
}
