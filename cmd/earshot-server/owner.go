package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
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
//	earshot-server users set-quota EMAIL BYTES    (0: the server's --quota-bytes)
//	earshot-server users disable EMAIL | enable EMAIL
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
	usage := errors.New("usage: earshot-server users list | reset-password EMAIL [--expires DURATION] | set-quota EMAIL BYTES | disable EMAIL | enable EMAIL [server flags]")
	if len(args) == 0 {
		return usage
	}
	switch args[0] {
	case "list":
		return withStores("earshot-server users list", args[1:], nil, listUsers)
	case "set-quota", "disable", "enable":
		return withStores("earshot-server users "+args[0], args[1:], nil, func(ctx context.Context, m meta.Store, rest []string) error {
			return setLimits(ctx, m, args[0], rest)
		})
	case "reset-password":
		var expires time.Duration
		return withStores("earshot-server users reset-password", args[1:], func(fs *flag.FlagSet) {
			fs.DurationVar(&expires, "expires", 24*time.Hour, "how long the reset code is good for")
		}, func(ctx context.Context, m meta.Store, rest []string) error {
			if len(rest) != 1 {
				return usage
			}
			return resetPassword(ctx, m, rest[0], expires)
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
	fmt.Fprintln(tw, "EMAIL\tUSER ID\tUSED BYTES\tQUOTA\tCREATED\t")
	for _, u := range users {
		quota, state := "default", ""
		if u.QuotaBytes > 0 {
			quota = fmt.Sprint(u.QuotaBytes)
		}
		if u.Disabled {
			state = "disabled"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", u.Email, u.ID, u.UsedBytes, quota, u.CreatedAt.Format("2006-01-02"), state)
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
// metadata store and runs fn on it with the command's arguments, which may
// come before the flags or after them.
func withStores(name string, args []string, extra func(*flag.FlagSet), fn func(context.Context, meta.Store, []string) error) error {
	lead := 0
	for lead < len(args) && !strings.HasPrefix(args[lead], "-") {
		lead++
	}
	var cfg server.Config
	rest, err := cfg.ParseCommand(name, args[lead:], os.Getenv, extra)
	if err != nil {
		return err
	}
	rest = append(args[:lead:lead], rest...)
	ctx := context.Background()
	m, _, err := stores.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer m.Close()
	return fn(ctx, m, rest)
}

// setLimits runs set-quota EMAIL BYTES, disable EMAIL or enable EMAIL.
// A disabled account can neither sign in nor refresh; an access token it
// holds works until it expires (--access-ttl).
func setLimits(ctx context.Context, m meta.Store, cmd string, rest []string) error {
	want, usage := 1, "usage: earshot-server users "+cmd+" EMAIL"
	if cmd == "set-quota" {
		want, usage = 2, usage+" BYTES"
	}
	if len(rest) != want {
		return errors.New(usage)
	}
	u, err := m.UserByEmail(ctx, rest[0])
	if errors.Is(err, meta.ErrNotFound) {
		return fmt.Errorf("no account has the email %s; see: earshot-server users list", rest[0])
	}
	if err != nil {
		return err
	}
	quota, disabled := u.QuotaBytes, u.Disabled
	switch cmd {
	case "set-quota":
		if quota, err = strconv.ParseInt(rest[1], 10, 64); err != nil || quota < 0 {
			return fmt.Errorf("the quota must be a number of bytes (0: the server's --quota-bytes), not %q", rest[1])
		}
	case "disable":
		disabled = true
	case "enable":
		disabled = false
	}
	if err := m.SetLimits(ctx, u.ID, quota, disabled); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%s: quota %d bytes (0: the server's), disabled %v\n", u.Email, quota, disabled)
	return nil
}
