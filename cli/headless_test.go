package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
)

// TestHeadless: with no keyring at all (no D-Bus), a machine can still sync:
// the password from a file or $EARSHOT_PASSWORD, the session in a 0600 token
// file as an explicit opt-in; --password-stdin is never ignored; the
// password rule is known before anything is sent.
func TestHeadless(t *testing.T) {
	url, _ := startSyncServer(t)
	noBus := []string{"DBUS_SESSION_BUS_ADDRESS=", "XDG_RUNTIME_DIR=" + t.TempDir(), "EARSHOT_PASSWORD="}
	email := "headless-" + api.NewID()[24:] + "@example.com"
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte("a long enough password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := t.TempDir()

	r := earshotIn(t, a, "short\n", noBus, "signup", "--server", url, "--email", email, "--password-stdin", "--token-file")
	if r.code != 1 || !strings.Contains(r.stderr, "needs at least") {
		t.Fatalf("signup with a short password: exit %d, %q", r.code, r.stderr)
	}
	oneLine(t, "short password", r.stderr)
	// Without a keyring and without --token-file the sign-up stops before the
	// account exists (it used to create it, then fail to keep the session,
	// and the retry said the account existed) and names the way out.
	r = earshotIn(t, a, "", noBus, "signup", "--server", url, "--email", email, "--password-file", pwFile)
	if r.code != 1 || !strings.Contains(r.stderr, "--token-file") {
		t.Fatalf("signup with no keyring: exit %d, %q", r.code, r.stderr)
	}
	oneLine(t, "signup with no keyring", r.stderr)
	r = earshotIn(t, a, "", noBus, "signup", "--server", url, "--email", email, "--password-file", pwFile, "--token-file")
	if r.code != 0 || !strings.Contains(r.stderr, "session.json") {
		t.Fatalf("signup --token-file: exit %d, %q", r.code, r.stderr)
	}
	checkMode(t, filepath.Join(a, "session.json"), 0o600)
	// Signing up again names the command that logs in.
	r = earshotIn(t, t.TempDir(), "", noBus, "signup", "--server", url, "--email", email, "--password-file", pwFile, "--token-file")
	if r.code != 1 || !strings.Contains(r.stderr, "earshot login --email "+email) {
		t.Fatalf("signup of an existing account: exit %d, %q", r.code, r.stderr)
	}
	oneLine(t, "signup of an existing account", r.stderr)
	mustEarshot(t, a, "import", "../library/testdata/tone.flac")
	if r := earshotIn(t, a, "", noBus, "sync"); r.code != 0 || !strings.Contains(r.stderr, "1 uploaded") {
		t.Fatalf("sync with the token file: exit %d, %q", r.code, r.stderr)
	}
	if r := earshotIn(t, a, "", noBus, "whoami"); r.code != 0 || !strings.Contains(r.stdout, email) {
		t.Fatalf("whoami with the token file: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}

	// A second device without a keyring or a token file: a password per run.
	b := t.TempDir()
	r = earshotIn(t, b, "", noBus, "login", "--server", url, "--email", email, "--password-file", pwFile, "--no-keyring")
	if r.code != 0 {
		t.Fatalf("login --no-keyring: exit %d, %q", r.code, r.stderr)
	}
	if r := earshotIn(t, b, "", noBus, "sync"); r.code != 1 || !strings.Contains(r.stderr, "--token-file") {
		t.Fatalf("sync with no keyring and no password: exit %d, %q", r.code, r.stderr)
	}
	withPw := append(noBus[:len(noBus):len(noBus)], "EARSHOT_PASSWORD=a long enough password")
	if r := earshotIn(t, b, "", withPw, "sync"); r.code != 0 || !strings.Contains(r.stderr, "1 downloaded") && !strings.Contains(r.stderr, "1 new in the cloud") {
		t.Fatalf("sync with $EARSHOT_PASSWORD: exit %d, %q", r.code, r.stderr)
	}
	if r := earshotIn(t, b, "", noBus, "sync", "--password-stdin"); r.code != 1 || !strings.Contains(r.stderr, "standard input") {
		t.Fatalf("sync --password-stdin with nothing on stdin: exit %d, %q", r.code, r.stderr)
	}

	// Logout forgets the token file's session.
	mustIn(t, a, "", "logout")
	if b, _ := os.ReadFile(filepath.Join(a, "session.json")); strings.Contains(string(b), "refresh_token") {
		t.Fatalf("the token file still holds the session after logout: %s", b)
	}
}
