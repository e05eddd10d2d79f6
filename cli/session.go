package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	flag "github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
)

// How a command gets a session without a person at a terminal (rclone and
// restic conventions):
//   - login --token-file keeps the session in a 0600 file in the data
//     folder instead of the OS keyring; the library remembers the choice;
//   - --password-stdin, --password-file FILE or $EARSHOT_PASSWORD give the
//     password. On a cloud command an explicit flag logs in for that run
//     (like --no-keyring); the variable is used only when the stored
//     session cannot be had (no keyring, logged out).

// tokenFileName is the session file of `login --token-file`, in the data folder.
const tokenFileName = "session.json"

// settingStore names where the library keeps its session: "file" for the
// token file, "" for the OS keyring.
const settingStore = "account.session_store"

// passwordEnv is the variable a password may come from.
const passwordEnv = "EARSHOT_PASSWORD"

// passwordFlags say where a password comes from when there is no terminal.
type passwordFlags struct {
	stdin bool
	file  string
}

func (p *passwordFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&p.stdin, "password-stdin", false, "read the password from the first line of standard input")
	fs.StringVar(&p.file, "password-file", "", "read the password from the first line of this file")
}

func (p passwordFlags) given() bool { return p.stdin || p.file != "" }

// sessionFlags are how the cloud commands get a session.
type sessionFlags struct {
	noKeyring bool
	pw        passwordFlags
}

func (f *sessionFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&f.noKeyring, "no-keyring", false, "log in for this command only (asks for the password; nothing is saved)")
	f.pw.register(fs)
}

// processStore keeps sessions made with --no-keyring: in memory, for this
// process only.
var processStore = sync.NewMemoryStore()

// tokenStore is the library's session file.
func (e *Env) tokenStore(x *library.SyncIndex) sync.FileStore {
	return sync.FileStore{Path: filepath.Join(x.Library().Dir(), tokenFileName)}
}

// savedStore is where this library keeps its session.
func (e *Env) savedStore(ctx context.Context, x *library.SyncIndex) (sync.SessionStore, error) {
	v, err := x.Setting(ctx, settingStore)
	if err != nil {
		return nil, err
	}
	if v == "file" {
		return e.tokenStore(x), nil
	}
	return sync.KeyringStore{}, nil
}

// rememberStore records where the session of the login just made is kept.
func (e *Env) rememberStore(ctx context.Context, x *library.SyncIndex, file bool) error {
	v := ""
	if file {
		v = "file"
	}
	return x.SetSettings(ctx, map[string]string{settingStore: v})
}

// cloudEnv is what a cloud command works with.
type cloudEnv struct {
	x    *library.SyncIndex
	key  sync.AccountKey
	sess *sync.Session
	eng  *sync.Engine
}

// cloud resumes the library's account session (from the OS keyring or the
// token file, or by logging in again for this process) and makes an engine
// for it.
func (e *Env) cloud(ctx context.Context, f sessionFlags, opts sync.Options) (*cloudEnv, error) {
	x, err := e.syncIndex(ctx)
	if err != nil {
		return nil, err
	}
	if f.noKeyring || f.pw.given() {
		return e.cloudForThisRun(ctx, x, f.pw, opts)
	}
	store, err := e.savedStore(ctx, x)
	if err != nil {
		return nil, err
	}
	acct := sync.NewAccount(x, store, nil)
	_, s, err := acct.Open(ctx)
	if (errors.Is(err, sync.ErrNoKeyring) || errors.Is(err, sync.ErrNoSession)) && os.Getenv(passwordEnv) != "" {
		e.Detailf("no stored session (%s): logging in for this run with $%s", oneLine(err.Error()), passwordEnv)
		return e.cloudForThisRun(ctx, x, f.pw, opts)
	}
	if errors.Is(err, sync.ErrNoKeyring) {
		return nil, fmt.Errorf("%w; without a keyring: `earshot login --token-file`, or a password for each run (--password-file, $%s)", err, passwordEnv)
	}
	if err != nil {
		return nil, err
	}
	return &cloudEnv{x: x, key: s.Key(), sess: s, eng: acct.Engine(s, opts)}, nil
}

// cloudForThisRun logs in again, for this process only.
func (e *Env) cloudForThisRun(ctx context.Context, x *library.SyncIndex, pw passwordFlags, opts sync.Options) (*cloudEnv, error) {
	acct := sync.NewAccount(x, processStore, nil)
	key, ok, err := acct.Key(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, sync.ErrNotLoggedIn
	}
	p, err := e.readPassword(pw, fmt.Sprintf("Password for %s at %s: ", key.Email, key.Server), false, passwordRule{})
	if err != nil {
		return nil, err
	}
	s, err := acct.LogIn(ctx, key.Server, key.Email, p)
	if err != nil {
		return nil, err
	}
	return &cloudEnv{x: x, key: s.Key(), sess: s, eng: acct.Engine(s, opts)}, nil
}

// passwordRule is what the server asks of a new password.
type passwordRule struct{ min int }

func (r passwordRule) hint() string {
	if r.min <= 0 {
		return ""
	}
	return fmt.Sprintf(" (at least %d characters)", r.min)
}

// serverPasswordRule asks the server for its rule; a server that does not
// answer leaves it to the sign-up request to say.
func (e *Env) serverPasswordRule(ctx context.Context, c *sync.Client) passwordRule {
	qctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	info, err := c.Info(qctx)
	if err != nil {
		return passwordRule{}
	}
	return passwordRule{min: info.MinPasswordLen}
}

// readPassword gets a password from --password-stdin, --password-file,
// $EARSHOT_PASSWORD or, failing those, the terminal (without echo, twice
// with confirm). It checks rule before anything is sent.
func (e *Env) readPassword(p passwordFlags, prompt string, confirm bool, rule passwordRule) (string, error) {
	if p.stdin && p.file != "" {
		return "", Usagef("choose one of --password-stdin and --password-file")
	}
	pw, from, err := e.passwordFrom(p, prompt, confirm)
	if err != nil {
		return "", err
	}
	if pw == "" {
		return "", fmt.Errorf("the password %s is empty", from)
	}
	if n := utf8.RuneCountInString(pw); rule.min > 0 && n < rule.min {
		return "", fmt.Errorf("the password %s has %s; this server needs at least %d", from, plural(n, "character", "characters"), rule.min)
	}
	return pw, nil
}

// passwordFrom reads the password and says where from, for messages.
func (e *Env) passwordFrom(p passwordFlags, prompt string, confirm bool) (pw, from string, err error) {
	switch {
	case p.stdin:
		line, err := bufio.NewReader(e.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", "", errors.New("--password-stdin: nothing on standard input")
		}
		return strings.TrimRight(line, "\r\n"), "from standard input", nil
	case p.file != "":
		b, err := os.ReadFile(p.file)
		if err != nil {
			return "", "", fmt.Errorf("--password-file: %w", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return strings.TrimRight(line, "\r"), "in " + p.file, nil
	case os.Getenv(passwordEnv) != "":
		return os.Getenv(passwordEnv), "in $" + passwordEnv, nil
	}
	pw, err = e.promptPassword(prompt, confirm)
	return pw, "typed", err
}

// promptPassword asks on the terminal, without echo.
func (e *Env) promptPassword(prompt string, confirm bool) (string, error) {
	in, ok := e.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(in.Fd())) {
		return "", fmt.Errorf("no terminal to ask for the password: use --password-stdin, --password-file FILE or $%s", passwordEnv)
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
	return pw, nil
}

// loginHint replaces "not logged in: run earshot login --server URL --email
// ADDRESS" with the short command when the library remembers the account
// of last time (login fills the server and email in from it).
func (e *Env) loginHint(ctx context.Context, msg string, err error) string {
	if !errors.Is(err, sync.ErrNotLoggedIn) || e.lib == nil {
		return msg
	}
	x, xerr := e.lib.SyncIndex(ctx)
	if xerr != nil {
		return msg
	}
	last, lerr := sync.NewAccount(x, processStore, nil).Last(ctx)
	if lerr != nil || last.Email == "" {
		return msg
	}
	return fmt.Sprintf("not logged in: `earshot login` logs in again as %s at %s", last.Email, last.Server)
}
