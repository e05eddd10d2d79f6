package cli_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
)

// TestPasswd: earshot passwd changes the password on the real server (the
// old one stops working for a second device), refuses a guessable new one
// with the server's reason, and says so in one line.
func TestPasswd(t *testing.T) {
	testenv.Need(t, "DBUS_SESSION_BUS_ADDRESS", "a D-Bus session with gnome-keyring (start_keyring)")
	url, _ := startSyncServer(t)
	dir, other := t.TempDir(), t.TempDir()
	email := "passwd-" + api.NewID()[24:] + "@example.com"
	const old, next = "a long enough password", "violet otter lantern 42"
	mustIn(t, dir, old+"\n", "signup", "--server", url, "--email", email, "--password-stdin")
	r := earshotIn(t, dir, old+"\npassword123\n", nil, "passwd", "--password-stdin")
	if r.code == 0 || !strings.Contains(r.stderr, "too easy to guess") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Fatalf("passwd to a guessable password: exit %d, %q", r.code, r.stderr)
	}
	r = mustIn(t, dir, old+"\n"+next+"\n", "passwd", "--password-stdin")
	if !strings.Contains(r.stderr, "is changed") {
		t.Fatalf("passwd: %q", r.stderr)
	}
	if r := earshotIn(t, other, old+"\n", nil, "login", "--no-keyring", "--server", url, "--email", email, "--password-stdin"); r.code == 0 {
		t.Fatalf("the old password still logs in")
	}
	mustIn(t, other, next+"\n", "login", "--no-keyring", "--server", url, "--email", email, "--password-stdin")
}

// TestSignupWithInvite: on a server that takes accounts by invitation the
// second signup is refused in one line that says what to do, and goes
// through with an invite code from the owner.
func TestSignupWithInvite(t *testing.T) {
	s := testenv.StartServer(t, testenv.Args("--signup", "invite"))
	first, second := t.TempDir(), t.TempDir()
	mustIn(t, first, "a long enough password\n", "signup", "--no-keyring", "--server", s.URL, "--email", "owner-"+api.NewID()[24:]+"@example.com", "--password-stdin")
	email := "friend-" + api.NewID()[24:] + "@example.com"
	r := earshotIn(t, second, "a long enough password\n", nil, "signup", "--no-keyring", "--server", s.URL, "--email", email, "--password-stdin")
	if r.code == 0 || !strings.Contains(r.stderr, "invite code") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Fatalf("signup without an invite: exit %d, %q", r.code, r.stderr)
	}
	out, err := exec.Command(testenv.ServerBin(t), "invite", "create", "--data-dir", s.DataDir).Output()
	if err != nil {
		t.Fatalf("earshot-server invite create: %v", err)
	}
	mustIn(t, second, "a long enough password\n", "signup", "--no-keyring", "--server", s.URL, "--email", email,
		"--password-stdin", "--invite", strings.TrimSpace(string(out)))
}
