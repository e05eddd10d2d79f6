package cli_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
)

// TestCheck: a synced file deleted behind the library's back is noticed at
// the next start and a damaged one by check; both become cloud-only and
// pull brings them back byte for byte. A damaged file that only this device
// had is reported (exit 1) and kept.
func TestCheck(t *testing.T) {
	testenv.Need(t, "DBUS_SESSION_BUS_ADDRESS", "a D-Bus session with gnome-keyring (start_keyring)")
	url, _ := startSyncServer(t)
	dir := t.TempDir()
	email := "check-" + api.NewID()[24:] + "@example.com"
	mustIn(t, dir, "a long enough password\n", "signup", "--server", url, "--email", email, "--password-stdin")
	gone := strings.TrimSpace(mustEarshot(t, dir, "import", "../library/testdata/tone.flac").stdout)
	bad := strings.TrimSpace(mustEarshot(t, dir, "import", "../library/testdata/tone.opus").stdout)
	mustIn(t, dir, "", "sync")
	if r := mustEarshot(t, dir, "check"); !strings.Contains(r.stderr, "every file matches") {
		t.Fatalf("check of a sound library: %q", r.stderr)
	}
	gonePath := filepath.Join(dir, "recordings", gone+".flac")
	badPath := filepath.Join(dir, "recordings", bad+".opus")
	goneBytes, _ := os.ReadFile(gonePath)
	badBytes, _ := os.ReadFile(badPath)
	os.Remove(gonePath)
	flipByte(t, badPath)

	r := mustEarshot(t, dir, "list")
	if !strings.Contains(r.stderr, "missing") || !strings.Contains(r.stderr, "earshot pull "+gone[len(gone)-8:]) {
		t.Fatalf("the start after a file went missing: %q", r.stderr)
	}
	r = earshot(t, dir, nil, "check", "--json")
	var ps []struct {
		ID        string `json:"id"`
		Fault     string `json:"fault"`
		CloudOnly bool   `json:"cloud_only"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &ps); err != nil || r.code != 1 || len(ps) != 1 || ps[0].ID != bad || ps[0].Fault != "damaged" || !ps[0].CloudOnly {
		t.Fatalf("check --json: exit %d, %s (%v) %s", r.code, r.stdout, err, r.stderr)
	}
	ls, _ := listJSON(t, dir)
	if find(t, ls, gone).SyncState != "cloud_only" || find(t, ls, bad).SyncState != "cloud_only" {
		t.Fatalf("after check: %+v", ls)
	}
	if _, err := os.Stat(filepath.Join(dir, "recordings", "."+bad+".opus.damaged")); err != nil {
		t.Fatalf("the damaged file was not kept aside: %v", err)
	}
	mustIn(t, dir, "", "pull", gone, bad)
	for path, want := range map[string][]byte{gonePath: goneBytes, badPath: badBytes} {
		if got, _ := os.ReadFile(path); !bytes.Equal(got, want) {
			t.Fatalf("%s after pull differs from the original", filepath.Base(path))
		}
	}
	mustEarshot(t, dir, "check")

	// Only on this device: reported, kept.
	solo := t.TempDir()
	id := strings.TrimSpace(mustEarshot(t, solo, "import", "../library/testdata/tone.flac").stdout)
	path := filepath.Join(solo, "recordings", id+".flac")
	flipByte(t, path)
	r = earshot(t, solo, nil, "check")
	if r.code != 1 || !strings.Contains(r.stderr, "damaged") || !strings.Contains(r.stderr, "kept") {
		t.Fatalf("check of a damaged local-only file: exit %d, %q", r.code, r.stderr)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("the only copy was moved: %v", err)
	}
	if ls, _ := listJSON(t, solo); ls[0].SyncState != "local_only" {
		t.Fatalf("a local-only recording changed state: %+v", ls)
	}
}

func flipByte(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
