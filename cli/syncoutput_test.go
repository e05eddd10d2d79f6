package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
)

// TestSyncOutput: sync prints a summary by default (not a line per
// recording), each recording with -v, and with --json what it did; a
// server that is down is named in words.
func TestSyncOutput(t *testing.T) {
	testenv.Need(t, "DBUS_SESSION_BUS_ADDRESS", "a D-Bus session with gnome-keyring (start_keyring)")
	url, stop := startSyncServer(t)
	a, b := t.TempDir(), t.TempDir()
	email := "out-" + api.NewID()[24:] + "@example.com"
	const pw = "a long enough password\n"
	mustIn(t, a, pw, "signup", "--server", url, "--email", email, "--password-stdin")
	for range 3 {
		mustEarshot(t, a, "import", "../library/testdata/tone.flac")
	}
	r := mustIn(t, a, "", "sync")
	if !strings.Contains(r.stderr, "3 uploaded") || strings.Contains(r.stderr, `uploaded: "tone"`) {
		t.Fatalf("sync without -v: %q", r.stderr)
	}
	mustIn(t, b, pw, "login", "--server", url, "--email", email, "--password-stdin")
	r = mustIn(t, b, "", "sync", "-v", "--auto-download", "on")
	if strings.Count(r.stderr, `downloaded: "tone"`) != 3 {
		t.Fatalf("sync -v: %q", r.stderr)
	}
	mustEarshot(t, a, "import", "../library/testdata/tone.opus")
	r = mustIn(t, a, "", "sync", "--json")
	var got struct {
		OK       bool `json:"ok"`
		Uploaded int  `json:"uploaded"`
		Failed   []struct{}
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || !got.OK || got.Uploaded != 1 || got.Failed == nil {
		t.Fatalf("sync --json: %s (%v)", r.stdout, err)
	}
	stop()
	r = earshotIn(t, a, "", nil, "whoami")
	if r.code != 0 || !strings.Contains(r.stdout, "can't reach "+url+": connection refused — is earshot-server running there?") {
		t.Fatalf("whoami with the server down: exit %d, %q %q", r.code, r.stdout, r.stderr)
	}
	mustEarshot(t, a, "import", "../library/testdata/tone.opus")
	r = earshotIn(t, a, "", nil, "sync")
	if r.code != 1 || !strings.Contains(r.stderr, "can't reach "+url+": connection refused") || strings.Contains(r.stderr, "dial tcp") {
		t.Fatalf("sync with the server down: exit %d, %q", r.code, r.stderr)
	}
}
