package cli_test

import (
	"strings"
	"testing"
)

// TestLogoutIsPerLibrary (issue 9 fault 8): each data folder has its own
// session in the keyring; logging out of one leaves the others logged in.
func TestLogoutIsPerLibrary(t *testing.T) {
	a, b, _ := threeDevices(t)
	mustIn(t, a, "", "logout")
	if r := earshotIn(t, a, "", nil, "whoami"); r.code == 0 || !strings.Contains(r.stderr, "not logged in") {
		t.Fatalf("whoami in the folder logged out: %d %q", r.code, r.stderr)
	}
	id := importTone(t, b)
	if r := mustIn(t, b, "", "sync"); !strings.Contains(r.stderr, "1 uploaded") {
		t.Fatalf("the other folder after a logout elsewhere: %q", r.stderr)
	}
	if s := state(t, b, id); s != "synced" {
		t.Fatalf("B's recording: %q", s)
	}
}
