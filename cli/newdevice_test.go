package cli_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
)

// A device just logged in to an account has listed nothing from its cloud
// yet: `list` says so and names `earshot sync`, instead of "no recordings
// yet" while the cloud holds some. Once listed, and on a library that is
// not logged in, the plain hint.
func TestListOnANewDeviceNamesSync(t *testing.T) {
	testenv.Need(t, "DBUS_SESSION_BUS_ADDRESS", "a D-Bus session with gnome-keyring (start_keyring)")
	url, _ := startSyncServer(t)
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	email := "nd-" + api.NewID()[24:] + "@example.com"
	const pw = "a long enough password\n"
	mustIn(t, a, pw, "signup", "--server", url, "--email", email, "--password-stdin")
	mustEarshot(t, a, "import", jfk)
	mustIn(t, a, "", "sync")

	mustIn(t, b, pw, "login", "--server", url, "--email", email, "--password-stdin")
	r := mustEarshot(t, b, "list")
	if r.stdout != "" || !strings.Contains(r.stderr, "`earshot sync` lists the ones in the cloud of "+email) {
		t.Fatalf("list on a device just logged in: stdout %q, stderr %q", r.stdout, r.stderr)
	}
	if r := mustIn(t, b, "", "sync"); !strings.Contains(r.stderr, "sync: 1 new in the cloud") {
		t.Fatalf("the first sync on the new device says %q", r.stderr)
	}
	ls, _ := listJSON(t, b)
	if len(ls) != 1 || ls[0].SyncState != "cloud_only" {
		t.Fatalf("list after sync: %+v", ls)
	}
	if r := mustEarshot(t, b, "list"); !strings.Contains(r.stdout, "jfk") {
		t.Fatalf("list after sync: %q %q", r.stdout, r.stderr)
	}
	// `cloud list` is `cloud ls`, as `list` is the library's listing.
	if r := mustIn(t, b, "", "cloud", "list"); !strings.Contains(r.stdout, "jfk") {
		t.Fatalf("cloud list: %q %q", r.stdout, r.stderr)
	}
	// What needs the audio says how to get it, in one line, and writes
	// nothing.
	short := ls[0].ID[len(ls[0].ID)-8:]
	out := filepath.Join(t.TempDir(), "jfk.mp3")
	for _, args := range [][]string{{"export", short, out}, {"export", short, "-"}, {"play", short}, {"trim", short, "--from", "1"}} {
		r := earshot(t, b, nil, args...)
		want := fmt.Sprintf("earshot %s: \"jfk\" (%s) is in the cloud only, not on this device: `earshot pull %s` downloads it\n", args[0], short, short)
		if r.code != 1 || r.stderr != want {
			t.Errorf("%v on a cloud-only recording: exit %d, %q; want %q", args, r.code, r.stderr, want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("export of a cloud-only recording left %s (%v)", out, err)
	}
	mustEarshot(t, b, "rm", "--cloud", ls[0].ID) // the cloud holds nothing now
	if r := mustEarshot(t, b, "list"); !strings.HasPrefix(r.stderr, "no recordings yet: `earshot record` makes one") {
		t.Fatalf("list of an emptied library that has listed its cloud: %q", r.stderr)
	}
	mustEarshot(t, c, "import", jfk)
	cs, _ := listJSON(t, c)
	mustEarshot(t, c, "rm", cs[0].ID) // to the trash: none listed
	if r := mustEarshot(t, c, "list"); !strings.HasPrefix(r.stderr, "no recordings yet: `earshot record` makes one") {
		t.Fatalf("list of a library not logged in: %q", r.stderr)
	}
}
