package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
)

func title(t *testing.T, dir, id string) string {
	t.Helper()
	ls, _ := listJSON(t, dir)
	return find(t, ls, id).Title
}

// TestLostRenameCanBeTakenBack (issue 9 fault 7): the title that lost a
// rename conflict is in `earshot history`, and --restore brings it back
// everywhere.
func TestLostRenameCanBeTakenBack(t *testing.T) {
	a, b, _ := threeDevices(t)
	id := importTone(t, a)
	mustIn(t, a, "", "sync")
	mustIn(t, b, "", "sync")
	mustEarshot(t, a, "rename", id, "title from A")
	mustEarshot(t, b, "rename", id, "title from B")
	mustIn(t, a, "", "sync")
	if r := mustIn(t, b, "", "sync"); !strings.Contains(r.stderr, "earshot history") {
		t.Fatalf("the losing sync does not say where the title went: %q", r.stderr)
	}
	if got := title(t, b, id); got != "title from A" {
		t.Fatalf("B's title after losing: %q", got)
	}
	var hist []struct {
		N          int
		Title      string
		ReplacedBy string `json:"replaced_by"`
	}
	if err := json.Unmarshal([]byte(mustEarshot(t, b, "history", id, "--json").stdout), &hist); err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || hist[0].N != 1 || hist[0].Title != "title from B" || hist[0].ReplacedBy != "title from A" {
		t.Fatalf("history --json: %+v", hist)
	}
	if r := earshot(t, b, nil, "history", id, "--restore", "2"); r.code == 0 || !strings.Contains(r.stderr, "no title 2") {
		t.Fatalf("restore of a title that is not there: %d %q", r.code, r.stderr)
	}
	mustEarshot(t, b, "history", id, "--restore", "1")
	mustIn(t, b, "", "sync")
	mustIn(t, a, "", "sync")
	if ga, gb := title(t, a, id), title(t, b, id); ga != "title from B" || gb != "title from B" {
		t.Fatalf("after restoring the lost title: A %q, B %q", ga, gb)
	}
}

// TestSyncSummaryIsTrue (issue 9 fault 9): a sync that fails as a whole
// does not first claim there was nothing to do.
func TestSyncSummaryIsTrue(t *testing.T) {
	testenv.Need(t, "DBUS_SESSION_BUS_ADDRESS", "a D-Bus session with gnome-keyring (start_keyring)")
	url, stop := startSyncServer(t)
	dir := t.TempDir()
	email := "sum-" + api.NewID()[24:] + "@example.com"
	mustIn(t, dir, "a long enough password\n", "signup", "--server", url, "--email", email, "--password-stdin")
	if r := mustIn(t, dir, "", "sync"); !strings.Contains(r.stderr, "in sync already") {
		t.Fatalf("a sync with nothing to do: %q", r.stderr)
	}
	importTone(t, dir)
	stop()
	r := earshotIn(t, dir, "", nil, "sync")
	if r.code == 0 || strings.Contains(r.stderr, "nothing") || strings.Contains(r.stderr, "in sync") {
		t.Fatalf("sync with the server down: exit %d, %q", r.code, r.stderr)
	}
	oneLine(t, "sync with the server down", r.stderr)
}

// TestTooLargeIsSkipped (issue 9): a recording larger than the server
// takes (it advertises its limit) is never sent: the first sync fails for
// it with the reason, later syncs exit 0 and say once each, in one line,
// which recording waits for the user and what to do; `push` tries again
// on purpose.
func TestTooLargeIsSkipped(t *testing.T) {
	testenv.Need(t, "DBUS_SESSION_BUS_ADDRESS", "a D-Bus session with gnome-keyring (start_keyring)")
	s := testenv.StartServer(t, testenv.Args("--max-object-size", "1000"))
	dir := t.TempDir()
	email := "big-" + api.NewID()[24:] + "@example.com"
	mustIn(t, dir, "a long enough password\n", "signup", "--server", s.URL, "--email", email, "--password-stdin")
	id := importTone(t, dir)
	if r := earshotIn(t, dir, "", nil, "sync"); r.code == 0 || !strings.Contains(r.stderr, "failed") || !strings.Contains(r.stderr, "at most 1000 bytes") {
		t.Fatalf("first sync of a recording too large: %d %q", r.code, r.stderr)
	}
	if s := state(t, dir, id); s != "error" {
		t.Fatalf("after the refusal: %q", s)
	}
	if inCloud(t, dir, id) {
		t.Fatal("the recording too large reached the cloud")
	}
	for range 2 {
		r := earshotIn(t, dir, "", nil, "sync")
		waits(t, r, id, "at most 1000 bytes")
	}
	if r := earshotIn(t, dir, "", nil, "push", id); r.code == 0 || !strings.Contains(r.stderr, "at most 1000 bytes") {
		t.Fatalf("push of the recording still too large: %d %q", r.code, r.stderr)
	}
}

// TestOverQuotaIsSkipped (issue 9): a recording the account's quota has no
// room for is not tried again by every sync (each says once that it waits,
// and why); once room is made in the cloud, `push` sends it.
func TestOverQuotaIsSkipped(t *testing.T) {
	testenv.Need(t, "DBUS_SESSION_BUS_ADDRESS", "a D-Bus session with gnome-keyring (start_keyring)")
	s := testenv.StartServer(t, testenv.Args("--quota-bytes", "40000"))
	dir := t.TempDir()
	email := "quota-" + api.NewID()[24:] + "@example.com"
	mustIn(t, dir, "a long enough password\n", "signup", "--server", s.URL, "--email", email, "--password-stdin")
	first := importTone(t, dir)
	mustIn(t, dir, "", "sync")
	second := importTone(t, dir)
	if r := earshotIn(t, dir, "", nil, "sync"); r.code == 0 || !strings.Contains(r.stderr, "quota") {
		t.Fatalf("sync over the quota: %d %q", r.code, r.stderr)
	}
	for range 2 {
		waits(t, earshotIn(t, dir, "", nil, "sync"), second, "quota")
	}
	mustIn(t, dir, "", "rm", "--cloud", first)
	if r := earshotIn(t, dir, "", nil, "push", second); r.code != 0 || !inCloud(t, dir, second) {
		t.Fatalf("push once there is room: %d %q", r.code, r.stderr)
	}
	if r := mustIn(t, dir, "", "sync"); strings.Contains(r.stderr, "waits for you") {
		t.Fatalf("a sync after the push: %q", r.stderr)
	}
}

// waits checks a later sync's answer for a recording waiting for the user:
// exit 0, one line naming it with why (want) and what to do, and the
// summary counting it.
func waits(t *testing.T, r result, id, want string) {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(r.stderr), "\n") {
		if strings.HasPrefix(l, "earshot sync: ") && strings.Contains(l, "waits for you") {
			lines = append(lines, l)
		}
	}
	if r.code != 0 || len(lines) != 1 || !strings.Contains(lines[0], id[len(id)-8:]) || !strings.Contains(lines[0], want) ||
		!strings.Contains(lines[0], "earshot push") || !strings.Contains(r.stderr, "1 recording waits for you") {
		t.Fatalf("a later sync: exit %d, stderr %q; want exit 0, one line saying %s waits for you (%s) and what to do", r.code, r.stderr, id, want)
	}
}
