package sync

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
	"github.com/earshot/earshot/library"
	"github.com/zalando/go-keyring"
)

// go-keyring's mock replaces the provider for the whole process, and godbus
// keeps one session-bus connection per process; so the tests against the
// real Secret Service and without any bus run in child processes of the
// test binary, which never installs the mock.
const childEnv = "EARSHOT_SYNC_TEST_CHILD"

func testSession() api.Session {
	return api.Session{AccessToken: "a-" + api.NewID(), RefreshToken: "r-" + api.NewID(),
		ExpiresAt: time.Now().Add(time.Hour).UTC().Truncate(time.Second), UserID: "u1"}
}

func TestKeyringStoreMock(t *testing.T) {
	keyring.MockInit()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/mock") // the mock needs no bus
	ctx := context.Background()
	st := KeyringStore{}
	a := AccountKey{Server: "http://127.0.0.1:1", Email: "a@example.com"}
	b := AccountKey{Server: "http://127.0.0.1:2", Email: "a@example.com"}
	if _, err := st.Load(ctx, a); !errors.Is(err, ErrNoSession) {
		t.Fatalf("Load before Save = %v, want ErrNoSession", err)
	}
	sa, sb := testSession(), testSession()
	if err := st.Save(ctx, a, sa); err != nil {
		t.Fatal(err)
	}
	if err := st.Save(ctx, b, sb); err != nil {
		t.Fatal(err)
	}
	if got, err := st.Load(ctx, a); err != nil || got != sa {
		t.Fatalf("Load(a) = %+v, %v; want %+v", got, err, sa)
	}
	if got, _ := st.Load(ctx, b); got != sb {
		t.Fatalf("one entry per server: Load(b) = %+v, want %+v", got, sb)
	}
	if err := st.Delete(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, a); err != nil {
		t.Fatalf("second Delete = %v, want nil", err)
	}
	if _, err := st.Load(ctx, a); !errors.Is(err, ErrNoSession) {
		t.Fatalf("Load after Delete = %v", err)
	}

	keyring.MockInitWithError(errors.New("org.freedesktop.secrets was not provided by any .service files"))
	defer keyring.MockInit()
	err := st.Save(ctx, a, sa)
	if !errors.Is(err, ErrNoKeyring) || !strings.Contains(err.Error(), "--no-keyring") {
		t.Fatalf("Save without a provider = %v; want ErrNoKeyring naming --no-keyring", err)
	}
}

func TestKeyringCallTimeout(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/mock")
	block := make(chan struct{})
	defer close(block)
	st := KeyringStore{Timeout: 50 * time.Millisecond}
	start := time.Now()
	_, err := st.call(context.Background(), "read", func() (string, error) { <-block; return "", nil })
	if !errors.Is(err, ErrNoKeyring) || !strings.Contains(err.Error(), "locked") {
		t.Fatalf("blocked keyring = %v; want ErrNoKeyring about a locked keyring", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("gave up after %s", d)
	}
}

func TestNoSessionBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	_, err := KeyringStore{}.Load(context.Background(), AccountKey{Server: "http://x", Email: "e"})
	if !errors.Is(err, ErrNoKeyring) || !strings.Contains(err.Error(), "--no-keyring") {
		t.Fatalf("no bus = %v; want ErrNoKeyring naming --no-keyring", err)
	}
}

// children are helpers run in a child process of the test binary (see
// TestMain): each returns what went wrong.
var children = map[string]func() error{
	"real-keyring":       realKeyringChild,
	"keyring-upgrade":    upgradeChild,
	"no-keyring-service": noKeyringChild,
}

func TestMain(m *testing.M) {
	if name := os.Getenv(childEnv); name != "" {
		if err := children[name](); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println("child ok")
		os.Exit(0)
	}
	code := m.Run()
	cleanupShared()
	os.Exit(code)
}

// runChild runs a child helper with extra environment.
func runChild(t *testing.T, name string, env ...string) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(append(os.Environ(), childEnv+"="+name), env...)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "child ok") {
		t.Fatalf("%s in a child process: %v\n%s", name, err, out)
	}
}

func TestRealKeyring(t *testing.T) {
	testenv.Need(t, "DBUS_SESSION_BUS_ADDRESS", "a D-Bus session with gnome-keyring (start_keyring)")
	if _, err := exec.LookPath("secret-tool"); err != nil {
		testenv.Missing(t, "secret-tool (libsecret-tools)")
	}
	runChild(t, "real-keyring")
}

func realKeyringChild() error {
	ctx := context.Background()
	st := KeyringStore{}
	key := AccountKey{Server: "http://127.0.0.1:8787", Email: "real-" + api.NewID() + "@example.com"}
	s := testSession()
	if err := st.Save(ctx, key, s); err != nil {
		return err
	}
	defer st.Delete(ctx, key)
	// The entry is the OS keyring's: another tool sees it.
	out, err := exec.Command("secret-tool", "lookup", "service", KeyringService, "username", key.KeyringUser()).Output()
	if err != nil || !strings.Contains(string(out), s.RefreshToken) {
		return fmt.Errorf("secret-tool lookup = %q, %v; want the stored session", out, err)
	}
	got, err := st.Load(ctx, key)
	if err != nil || got != s {
		return fmt.Errorf("Load = %+v, %v; want %+v", got, err, s)
	}
	if err := st.Delete(ctx, key); err != nil {
		return err
	}
	if _, err := st.Load(ctx, key); !errors.Is(err, ErrNoSession) {
		return fmt.Errorf("Load after Delete = %v, want ErrNoSession", err)
	}
	return nil
}

// TestNoKeyringService: a session bus that works, but nobody on it provides
// the Secret Service (a headless box): a clear error naming --no-keyring.
func TestNoKeyringService(t *testing.T) {
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		testenv.Missing(t, "dbus-daemon (package dbus)")
	}
	conf := filepath.Join(t.TempDir(), "bus.conf")
	if err := os.WriteFile(conf, []byte(busConf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--print-address=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("read the bus address: %v", err)
	}
	runChild(t, "no-keyring-service", "DBUS_SESSION_BUS_ADDRESS="+strings.TrimSpace(addr))
}

const busConf = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=/tmp</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`

func noKeyringChild() error {
	_, err := KeyringStore{}.Load(context.Background(), AccountKey{Server: "http://x", Email: "e"})
	if !errors.Is(err, ErrNoKeyring) || !strings.Contains(err.Error(), "--no-keyring") {
		return fmt.Errorf("bus without a Secret Service = %v; want ErrNoKeyring naming --no-keyring", err)
	}
	return nil
}

// TestUpgradeKeepsEveryLibraryLoggedIn (issue 9): two libraries that an
// older Earshot logged in to one account share one keyring entry; after the
// upgrade each opens its account without a new login, with a session of
// its own (forked by the server: one refresh token is never spent by two),
// kept in its own entry of the real gnome-keyring, and logging one out
// leaves the other logged in.
func TestUpgradeKeepsEveryLibraryLoggedIn(t *testing.T) {
	testenv.Need(t, "DBUS_SESSION_BUS_ADDRESS", "a D-Bus session with gnome-keyring (start_keyring)")
	srv := sharedServer(t)
	email, pw := newUser(t, srv.URL)
	runChild(t, "keyring-upgrade", "EARSHOT_UPGRADE_URL="+srv.URL, "EARSHOT_UPGRADE_EMAIL="+email, "EARSHOT_UPGRADE_PASSWORD="+pw)
}

func upgradeChild() error {
	ctx := context.Background()
	c, err := NewClient(os.Getenv("EARSHOT_UPGRADE_URL"), nil)
	if err != nil {
		return err
	}
	email := os.Getenv("EARSHOT_UPGRADE_EMAIL")
	st := KeyringStore{}
	// What the older Earshot left: one entry for the account, and two
	// libraries logged in to it without an id of their own.
	old, err := Login(ctx, c, st, email, os.Getenv("EARSHOT_UPGRADE_PASSWORD"))
	if err != nil {
		return err
	}
	defer st.Delete(ctx, old.Key())
	var accounts []*Account
	var keys []AccountKey
	var sessions []*Session
	for i := range 2 {
		dir, err := os.MkdirTemp("", "earshot-upgrade")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		lib, err := library.Open(ctx, dir)
		if err != nil {
			return err
		}
		defer lib.Close()
		x, err := lib.SyncIndex(ctx)
		if err != nil {
			return err
		}
		if err := setLibraryAccount(ctx, x, AccountKey{Server: c.Server(), Email: email}); err != nil {
			return err
		}
		acc := NewAccount(x, st, nil)
		key, s, err := acc.Open(ctx)
		if err != nil {
			return fmt.Errorf("library %d after the upgrade: %w (logged out by it)", i+1, err)
		}
		defer st.Delete(ctx, key)
		if _, err := s.Client().Usage(ctx); err != nil {
			return fmt.Errorf("library %d's session: %w", i+1, err)
		}
		if got, err := st.Load(ctx, key); err != nil || got.RefreshToken != s.cur.RefreshToken {
			return fmt.Errorf("library %d's own keyring entry: %v", i+1, err)
		}
		accounts, keys, sessions = append(accounts, acc), append(keys, key), append(sessions, s)
	}
	if keys[0].Library == keys[1].Library || sessions[0].cur.RefreshToken == sessions[1].cur.RefreshToken {
		return fmt.Errorf("the two libraries share a session: %+v %+v", keys[0], keys[1])
	}
	if _, revokeErr, err := accounts[0].LogOut(ctx, sessions[0]); err != nil || revokeErr != nil {
		return fmt.Errorf("log out of library 1: %v, %v", err, revokeErr)
	}
	if _, s, err := accounts[1].Open(ctx); err != nil {
		return fmt.Errorf("library 2 after library 1 logged out: %w", err)
	} else if _, err := s.Client().Usage(ctx); err != nil {
		return fmt.Errorf("library 2's session after library 1 logged out: %w", err)
	}
	return nil
}
