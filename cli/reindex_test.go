package cli_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
)

// TestReindex: an empty or missing earshot.db beside audio is refused in
// one line that names `earshot reindex`; reindex rebuilds the index from
// the files (title from a TITLE tag, else the date; the same bytes and
// checksums), keeps the old index aside, and a later login and sync match
// the server's copies instead of uploading them again.
func TestReindex(t *testing.T) {
	testenv.Need(t, "DBUS_SESSION_BUS_ADDRESS", "a D-Bus session with gnome-keyring (start_keyring)")
	url, _ := startSyncServer(t)
	dir := t.TempDir()
	email := "reindex-" + api.NewID()[24:] + "@example.com"
	const pw = "a long enough password\n"
	mustIn(t, dir, pw, "signup", "--server", url, "--email", email, "--password-stdin")

	tagged := filepath.Join(t.TempDir(), "take.flac")
	if out, err := exec.Command("sox", "../library/testdata/tone.flac", "--comment", "TITLE=Interview with Ana", tagged).CombinedOutput(); err != nil {
		t.Fatalf("sox: %v %s", err, out)
	}
	a := strings.TrimSpace(mustEarshot(t, dir, "import", tagged).stdout)
	b := strings.TrimSpace(mustEarshot(t, dir, "import", "../library/testdata/tone.opus").stdout)
	mustIn(t, dir, "", "sync")
	before, _ := listJSON(t, dir)

	for _, lose := range []string{"empty", "missing"} {
		db := filepath.Join(dir, "earshot.db")
		os.Remove(db + "-wal")
		os.Remove(db + "-shm")
		var err error
		if lose == "empty" {
			err = os.Truncate(db, 0)
		} else {
			err = os.Remove(db)
		}
		if err != nil {
			t.Fatal(err)
		}
		r := earshot(t, dir, nil, "list")
		if r.code != 1 || !strings.Contains(r.stderr, "earshot reindex") || !strings.Contains(r.stderr, "2 audio files") {
			t.Fatalf("list with an %s index: exit %d, %q", lose, r.code, r.stderr)
		}
		oneLine(t, lose, r.stderr)
		if r := earshot(t, dir, nil, "import", "../library/testdata/tone.flac"); r.code != 1 {
			t.Fatalf("import with an %s index: exit %d; it must not start a new index over the audio", lose, r.code)
		}
		r = mustEarshot(t, dir, "reindex")
		if !strings.Contains(r.stderr, "2 recordings") || !strings.Contains(r.stderr, "damaged-") && lose == "empty" {
			t.Fatalf("reindex: %q", r.stderr)
		}
		after, _ := listJSON(t, dir)
		if len(after) != 2 || find(t, after, a).Title != "Interview with Ana" || !strings.HasPrefix(find(t, after, b).Title, "Recording 20") {
			t.Fatalf("after reindex: %+v", after)
		}
		for _, r := range before {
			got := find(t, after, r.ID)
			if got.SHA256 != r.SHA256 || got.SizeBytes != r.SizeBytes || got.DurationMS != r.DurationMS || got.Format != r.Format || !sameSecond(got.CreatedAt, r.CreatedAt) {
				t.Fatalf("reindexed %+v, was %+v", got, r)
			}
		}
	}
	if r := earshot(t, dir, nil, "reindex"); r.code != 1 || !strings.Contains(r.stderr, "opens fine") {
		t.Fatalf("reindex of a good index: exit %d, %q", r.code, r.stderr)
	}

	// The account was in the lost index: log in again; sync matches.
	mustIn(t, dir, pw, "login", "--server", url, "--email", email, "--password-stdin")
	mustIn(t, dir, "", "sync")
	for _, r := range mustList(t, dir) {
		if r.SyncState != "synced" {
			t.Errorf("after reindex, login and sync: %s is %s", r.ID, r.SyncState)
		}
	}
	var cloud []struct{ ID string }
	if err := json.Unmarshal([]byte(mustIn(t, dir, "", "cloud", "ls", "--json").stdout), &cloud); err != nil || len(cloud) != 2 {
		t.Fatalf("cloud after the resync: %v %+v", err, cloud)
	}
}

func mustList(t *testing.T, dir string) []listed {
	t.Helper()
	ls, _ := listJSON(t, dir)
	return ls
}

// sameSecond: the id's time (what reindex has) is taken moments before the
// recording's own.
func sameSecond(a, b string) bool {
	ta, err1 := time.Parse(time.RFC3339, a)
	tb, err2 := time.Parse(time.RFC3339, b)
	d := ta.Sub(tb)
	return err1 == nil && err2 == nil && d > -time.Second && d < time.Second
}
