package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	flag "github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
)

// accountFlags are the flags of login and signup.
type accountFlags struct {
	server, email string
	passwordStdin bool
	noKeyring     bool
}

func (f *accountFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.server, "server", "", "the earshot-server's address, e.g. https://sync.example.com")
	fs.StringVar(&f.email, "email", "", "the account's email")
	fs.BoolVar(&f.passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	fs.BoolVar(&f.noKeyring, "no-keyring", false, "keep the session in this process only (nothing is saved)")
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
		Creates:  true,
		Examples: `earshot signup --server https://sync.example.com --email ana@example.com`,
		Flags:    sf.register,
		Run:      func(ctx context.Context, e *Env, _ []string) error { return e.login(ctx, sf, true) },
	})
	Register(&Command{
		Name: "logout", Summary: "end the session: revoke it on the server, remove it from the keyring",
		Examples: `earshot logout`,
		Run:      func(ctx context.Context, e *Env, _ []string) error { return e.logout(ctx) },
	})
	Register(&Command{
		Name: "whoami", Summary: "show the account this library syncs with",
		Examples: `earshot whoami`,
		Run:      func(ctx context.Context, e *Env, _ []string) error { return e.whoami(ctx) },
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
	x, err := e.syncIndex(ctx)
	if err != nil {
		return err
	}
	acct := sync.NewAccount(x, e.store(f.noKeyring), nil)
	last, _ := acct.Last(ctx)
	if f.server == "" {
		f.server = last.Server
	}
	if f.email == "" && f.server == last.Server {
		f.email = last.Email
	}
	if f.email == "" {
		return errors.New("no email: pass --email ADDRESS")
	}
	c, err := acct.Client(f.server)
	if err != nil {
		return err
	}
	pw, err := e.password(f.passwordStdin, fmt.Sprintf("Password for %s at %s: ", f.email, c.Server()), signup)
	if err != nil {
		return err
	}
	if signup {
		_, err = acct.SignUp(ctx, f.server, f.email, pw)
	} else {
		_, err = acct.LogIn(ctx, f.server, f.email, pw)
	}
	if err != nil {
		return err
	}
	if signup {
		fmt.Fprintf(e.Stderr, "created account %s at %s\n", f.email, c.Server())
	}
	if f.noKeyring {
		fmt.Fprintf(e.Stderr, "logged in as %s at %s for this process only (--no-keyring: nothing was saved; cloud commands take --no-keyring to log in again)\n", f.email, c.Server())
		return nil
	}
	fmt.Fprintf(e.Stderr, "logged in as %s at %s; the session is in the OS keyring\n", f.email, c.Server())
	return nil
}

// processStore keeps sessions made with --no-keyring: in memory, for this
// process only.
var processStore = sync.NewMemoryStore()

// store is where sessions live: the OS keyring, or this process's memory.
func (e *Env) store(noKeyring bool) sync.SessionStore {
	if noKeyring {
		return processStore
	}
	return sync.KeyringStore{}
}

// password reads a password without echo from the terminal, or from the
// first line of stdin with --password-stdin.
func (e *Env) password(fromStdin bool, prompt string, confirm bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(e.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", errors.New("--password-stdin: nothing on standard input")
		}
		pw := strings.TrimRight(line, "\r\n")
		if pw == "" {
			return "", errors.New("--password-stdin: the password is empty")
		}
		return pw, nil
	}
	in, ok := e.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return "", errors.New("no terminal to ask for the password: pipe it in with --password-stdin")
	}
	read := func(p string) (string, error) {
		fmt.Fprint(e.Stderr, p)
		b, err := term.ReadPassword(int(in.Fd()))
		fmt.Fprintln(e.Stderr)
		return string(b), err
	}
	pw, err := read(prompt)
	if err != nil {
		return "", fmt.Errorf("read the password: %w", err)
	}
	if confirm {
		again, err := read("Again: ")
		if err != nil {
			return "", fmt.Errorf("read the password: %w", err)
		}
		if again != pw {
			return "", errors.New("the two passwords differ; try again")
		}
	}
	if pw == "" {
		return "", errors.New("the password is empty")
	}
	return pw, nil
}

// account is the library's account, with sessions in the OS keyring.
func (e *Env) account(ctx context.Context) (*sync.Account, error) {
	x, err := e.syncIndex(ctx)
	if err != nil {
		return nil, err
	}
	return sync.NewAccount(x, sync.KeyringStore{}, nil), nil
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

func (e *Env) whoami(ctx context.Context) error {
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
	if err != nil {
		if !sync.Retryable(err) {
			return err
		}
		fmt.Fprintf(e.Stdout, "%s at %s (server unreachable: %s)\n", key.Email, key.Server, oneLine(err.Error()))
		return nil
	}
	fmt.Fprintf(e.Stdout, "%s at %s\nuser id %s\nusing %s of %s\n", u.Email, key.Server, u.UserID, formatSize(u.UsedBytes), formatSize(u.QuotaBytes))
	return nil
}
