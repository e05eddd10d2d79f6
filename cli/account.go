package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	flag "github.com/spf13/pflag"

	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
)

// accountFlags are the flags of login and signup.
type accountFlags struct {
	server, email string
	pw            passwordFlags
	noKeyring     bool
	tokenFile     bool
	invite        string // signup only
}

func (f *accountFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.server, "server", "", "the earshot-server's address, e.g. https://sync.example.com")
	fs.StringVar(&f.email, "email", "", "the account's email")
	f.pw.register(fs)
	fs.BoolVar(&f.noKeyring, "no-keyring", false, "keep the session in this process only (nothing is saved)")
	fs.BoolVar(&f.tokenFile, "token-file", false, "keep the session in "+tokenFileName+" in the data folder (0600) instead of the OS keyring: for servers and cron without a keyring")
}

func init() {
	var lf accountFlags
	Register(&Command{
		Name: "login", Summary: "log in to an earshot-server (the session is kept in the OS keyring)",
		Creates: true,
		Examples: `earshot login --server https://sync.example.com --email ana@example.com
			earshot login --password-stdin < password.txt   # the server and email of last time`,
		Flags: lf.register,
		Run:   func(ctx context.Context, e *Env, _ []string) error { return e.login(ctx, lf, false) },
	})
	var sf accountFlags
	Register(&Command{
		Name: "signup", Summary: "create an account on an earshot-server and log in",
		Creates: true,
		Examples: `earshot signup --server https://sync.example.com --email ana@example.com
			earshot signup --server https://sync.example.com --email bo@example.com --invite esi_…   # a server that takes accounts by invitation`,
		Flags: func(fs *flag.FlagSet) {
			sf.register(fs)
			fs.StringVar(&sf.invite, "invite", "", "the invite code from the server's owner (earshot-server invite create)")
		},
		Run: func(ctx context.Context, e *Env, _ []string) error { return e.login(ctx, sf, true) },
	})
	Register(&Command{
		Name: "logout", Summary: "end the session: revoke it on the server, remove it from the keyring",
		Examples: `earshot logout`,
		Run:      func(ctx context.Context, e *Env, _ []string) error { return e.logout(ctx) },
	})
	var whoJSON bool
	Register(&Command{
		Name: "whoami", Summary: "show the account this library syncs with",
		Examples: `earshot whoami
			earshot whoami --json`,
		Flags: func(fs *flag.FlagSet) { fs.BoolVar(&whoJSON, "json", false, "print the account as JSON") },
		Run:   func(ctx context.Context, e *Env, _ []string) error { return e.whoami(ctx, whoJSON) },
	})
}

// syncIndex opens the library's sync index.
func (e *Env) syncIndex(ctx context.Context) (*library.SyncIndex, error) {
	l, err := e.Library(ctx)
	if err != nil {
		return nil, err
	}
	return l.SyncIndex(ctx)
}

func (e *Env) login(ctx context.Context, f accountFlags, signup bool) error {
	if f.noKeyring && f.tokenFile {
		return Usagef("choose one of --no-keyring and --token-file")
	}
	x, err := e.syncIndex(ctx)
	if err != nil {
		return err
	}
	store := sync.SessionStore(sync.KeyringStore{})
	switch {
	case f.noKeyring:
		store = processStore
	case f.tokenFile:
		store = e.tokenStore(x)
	}
	acct := sync.NewAccount(x, store, nil)
	last, _ := acct.Last(ctx)
	if f.server == "" {
		f.server = last.Server
	}
	if f.email == "" && f.server == last.Server {
		f.email = last.Email
	}
	if f.server == "" {
		return Usagef("no server: pass --server URL (the address of your earshot-server)")
	}
	if f.email == "" {
		return Usagef("no email: pass --email ADDRESS")
	}
	c, err := acct.Client(f.server)
	if err != nil {
		return err
	}
	rule := passwordRule{}
	if signup {
		rule = e.serverPasswordRule(ctx, c)
	}
	pw, err := e.readPassword(f.pw, fmt.Sprintf("Password%s for %s at %s: ", rule.hint(), f.email, c.Server()), signup, rule)
	if err != nil {
		return err
	}
	if signup {
		_, err = acct.SignUpInvited(ctx, f.server, f.email, pw, f.invite)
		if se := (*sync.Error)(nil); errors.As(err, &se) && se.Status == http.StatusConflict {
			return fmt.Errorf("an account with the email %s exists on %s: log in to it with `earshot login --email %s`", f.email, c.Server(), f.email)
		}
	} else {
		_, err = acct.LogIn(ctx, f.server, f.email, pw)
	}
	if err != nil {
		return err
	}
	if signup {
		e.Infof("created account %s at %s", f.email, c.Server())
	}
	if !f.noKeyring {
		if err := e.rememberStore(ctx, x, f.tokenFile); err != nil {
			return err
		}
	}
	switch {
	case f.noKeyring:
		e.Infof("logged in as %s at %s for this process only (--no-keyring: nothing was saved; cloud commands take --no-keyring or a password to log in again)", f.email, c.Server())
	case f.tokenFile:
		e.Infof("logged in as %s at %s; the session is in %s (readable by you only; `earshot logout` revokes it)", f.email, c.Server(), tokenFileName)
	default:
		e.Infof("logged in as %s at %s; the session is in the OS keyring", f.email, c.Server())
	}
	return nil
}

// account is the library's account, with sessions where the library keeps
// them (the OS keyring, or the token file).
func (e *Env) account(ctx context.Context) (*sync.Account, error) {
	x, err := e.syncIndex(ctx)
	if err != nil {
		return nil, err
	}
	store, err := e.savedStore(ctx, x)
	if err != nil {
		return nil, err
	}
	return sync.NewAccount(x, store, nil), nil
}

func (e *Env) logout(ctx context.Context) error {
	acct, err := e.account(ctx)
	if err != nil {
		return err
	}
	key, revokeErr, err := acct.LogOut(ctx, nil)
	switch {
	case err != nil:
		return err
	case key.Email == "":
		return sync.ErrNotLoggedIn
	case revokeErr != nil:
		fmt.Fprintf(e.Stderr, "warning: could not reach %s to revoke the session (%s); it was removed here and expires by itself\n", key.Server, oneLine(revokeErr.Error()))
	}
	fmt.Fprintf(e.Stderr, "logged out %s\n", key)
	return nil
}

func (e *Env) whoami(ctx context.Context, asJSON bool) error {
	acct, err := e.account(ctx)
	if err != nil {
		return err
	}
	key, s, err := acct.Open(ctx)
	if errors.Is(err, sync.ErrNotLoggedIn) {
		return err
	}
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	u, err := s.Client().Usage(qctx)
	if err != nil && !sync.Retryable(err) {
		return err
	}
	j := jsonAccount{Email: key.Email, Server: key.Server, Reachable: err == nil}
	if err == nil {
		j.UserID, j.UsedBytes, j.QuotaBytes = u.UserID, u.UsedBytes, u.QuotaBytes
	}
	if asJSON {
		return e.PrintJSON(j)
	}
	if err != nil {
		fmt.Fprintf(e.Stdout, "%s at %s (%s)\n", key.Email, key.Server, unreachable(key.Server, err))
		return nil
	}
	fmt.Fprintf(e.Stdout, "%s at %s\nuser id %s\nusing %s of %s\n", u.Email, key.Server, u.UserID, formatSize(u.UsedBytes), formatSize(u.QuotaBytes))
	return nil
}

// jsonAccount is `earshot whoami --json`.
type jsonAccount struct {
	Email      string `json:"email"`
	Server     string `json:"server"`
	Reachable  bool   `json:"reachable"` // false: the figures below are unknown (0)
	UserID     string `json:"user_id,omitempty"`
	UsedBytes  int64  `json:"used_bytes"`
	QuotaBytes int64  `json:"quota_bytes"`
}
