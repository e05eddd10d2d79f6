package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
)

// startSyncServer runs the real earshot-server on a loopback port for one
// test; stop kills it before the test ends.
func startSyncServer(t *testing.T) (url string, stop func()) {
	t.Helper()
	s := testenv.StartServer(t)
	return s.URL, s.Kill
}

// earshotIn runs earshot with stdin and extra environment.
func earshotIn(t *testing.T, dir, stdin string, env []string, args ...string) result {
	t.Helper()
	return run(t, dir, strings.NewReader(stdin), env, args...)
}

func mustIn(t *testing.T, dir, stdin string, args ...string) result {
	t.Helper()
	r := earshotIn(t, dir, stdin, nil, args...)
	if r.code != 0 {
		t.Fatalf("earshot %v: exit %d: %s", args, r.code, r.stderr)
	}
	return r
}

// TestSyncCommands drives two data folders (two devices) through the sync
// commands against the real server, with the session in the real keyring.
func TestSyncCommands(t *testing.T) {
	testenv.Need(t, "DBUS_SESSION_BUS_ADDRESS", "a D-Bus session with gnome-keyring (start_keyring)")
	url, stopServer := startSyncServer(t)
	a, b := t.TempDir(), t.TempDir()
	email := "cli-" + api.NewID()[24:] + "@example.com"
	const pw = "a long enough password\n"

	mustIn(t, a, pw, "signup", "--server", url, "--email", email, "--password-stdin")
	if r := mustIn(t, a, "", "whoami"); !strings.Contains(r.stdout, email) {
		t.Fatalf("whoami: %q", r.stdout)
	}
	id1 := strings.TrimSpace(mustEarshot(t, a, "import", "../library/testdata/tone.flac").stdout)
	id2 := strings.TrimSpace(mustEarshot(t, a, "import", "../library/testdata/tone.flac").stdout)
	if ls, _ := listJSON(t, a); find(t, ls, id1).SyncState != "queued" {
		t.Fatalf("before sync, logged in: %+v", ls)
	}
	r := mustIn(t, a, "", "sync")
	if !strings.Contains(r.stderr, "2 uploaded") || strings.Contains(r.stderr, "\r") {
		t.Fatalf("sync summary: %q", r.stderr)
	}
	if ls, _ := listJSON(t, a); find(t, ls, id1).SyncState != "synced" || find(t, ls, id2).SyncState != "synced" {
		t.Fatalf("after sync: %+v", ls)
	}

	// B: log in, learn of both as cloud-only, pull one.
	mustIn(t, b, pw, "login", "--server", url, "--email", email, "--password-stdin")
	mustIn(t, b, "", "sync")
	if ls, _ := listJSON(t, b); find(t, ls, id1).SyncState != "cloud_only" {
		t.Fatalf("B after sync: %+v", ls)
	}
	var cloud []struct {
		ID, Here string
	}
	if err := json.Unmarshal([]byte(mustIn(t, b, "", "cloud", "ls", "--json").stdout), &cloud); err != nil || len(cloud) != 2 {
		t.Fatalf("cloud ls --json: %v %+v", err, cloud)
	}
	mustIn(t, b, "", "pull", id1[:13])
	ga, _ := os.ReadFile(filepath.Join(a, "recordings", id1+".flac"))
	gb, _ := os.ReadFile(filepath.Join(b, "recordings", id1+".flac"))
	if len(ga) == 0 || !bytes.Equal(ga, gb) {
		t.Fatal("pulled audio differs")
	}

	// rm asks for a scope once the recording is in the cloud.
	if r := earshotIn(t, b, "", nil, "rm", id1); r.code == 0 || !strings.Contains(r.stderr, "--everywhere") {
		t.Fatalf("unscoped rm of a synced recording: %d %q", r.code, r.stderr)
	}
	mustIn(t, b, "", "rm", id1, "--everywhere")
	mustIn(t, a, "", "cloud", "rm", id2)
	mustIn(t, a, "", "sync")
	ls, _ := listJSON(t, a)
	if len(ls) != 1 || ls[0].ID != id2 || ls[0].SyncState != "local_only" {
		t.Fatalf("A after delete everywhere (id1) and from the cloud (id2): %+v", ls)
	}
	if r := mustIn(t, a, "", "cloud", "ls", "--json"); strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("cloud after the deletes: %s", r.stdout)
	}

	// Offline: a clear error and a non-zero exit; the new recording waits.
	mustEarshot(t, a, "import", "../library/testdata/tone.flac")
	stopServer()
	if r := earshotIn(t, a, "", nil, "sync"); r.code == 0 || !strings.Contains(r.stderr, "offline") || !strings.Contains(r.stderr, "1 recording waits") {
		t.Fatalf("offline sync: %d %q", r.code, r.stderr)
	}

	// Logout forgets the session.
	mustIn(t, b, "", "logout")
	if r := earshotIn(t, b, "", nil, "whoami"); r.code == 0 || !strings.Contains(r.stderr, "not logged in") {
		t.Fatalf("whoami after logout: %d %q", r.code, r.stderr)
	}
	// One keyring entry per server and account: it is gone.
	if out, err := exec.Command("secret-tool", "lookup", "service", "earshot", "username", email+" on "+url).Output(); err == nil && len(out) > 0 {
		t.Fatalf("the keyring still holds the session after logout")
	}
}

// TestNoKeyring: on a box without a Secret Service, login says so in one
// line and points to --no-keyring, which works for one process.
func TestNoKeyring(t *testing.T) {
	url, _ := startSyncServer(t)
	dir := t.TempDir()
	email := "nokeyring-" + api.NewID()[24:] + "@example.com"
	const pw = "a long enough password\n"
	noBus := []string{"DBUS_SESSION_BUS_ADDRESS=", "XDG_RUNTIME_DIR=" + t.TempDir()}
	r := earshotIn(t, dir, pw, noBus, "signup", "--server", url, "--email", email, "--password-stdin")
	if r.code == 0 || !strings.Contains(r.stderr, "--no-keyring") || strings.Count(strings.TrimSpace(r.stderr), "\n") > 1 {
		t.Fatalf("signup without a keyring: %d %q", r.code, r.stderr)
	}
	// The sign-up stopped before the account was made: sign up for this
	// process only.
	r = earshotIn(t, dir, pw, noBus, "signup", "--server", url, "--email", email, "--password-stdin", "--no-keyring")
	if r.code != 0 || !strings.Contains(r.stderr, "this process only") {
		t.Fatalf("login --no-keyring: %d %q", r.code, r.stderr)
	}
	if r := earshotIn(t, dir, "", noBus, "sync"); r.code == 0 || !strings.Contains(r.stderr, "--no-keyring") {
		t.Fatalf("sync without a keyring: %d %q", r.code, r.stderr)
	}
	mustEarshot(t, dir, "import", "../library/testdata/tone.flac")
	if r := earshotIn(t, dir, pw, noBus, "sync", "--no-keyring", "--password-stdin"); r.code != 0 || !strings.Contains(r.stderr, "1 uploaded") {
		t.Fatalf("sync --no-keyring: %d %q", r.code, r.stderr)
	}
	// Nothing was written in plain text in the data folder.
	err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		if bytes.Contains(b, []byte("refresh_token")) || bytes.Contains(b, []byte(strings.TrimSpace(pw))) {
			return fmt.Errorf("%s holds a secret", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
