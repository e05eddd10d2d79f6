package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
)

// threeDevices signs up on a fresh server from A and logs B and C in to the
// same account (sessions in the real keyring).
func threeDevices(t *testing.T) (a, b, c string) {
	t.Helper()
	testenv.Need(t, "DBUS_SESSION_BUS_ADDRESS", "a D-Bus session with gnome-keyring (start_keyring)")
	url, _ := startSyncServer(t)
	a, b, c = t.TempDir(), t.TempDir(), t.TempDir()
	email := "del-" + api.NewID()[24:] + "@example.com"
	const pw = "a long enough password\n"
	mustIn(t, a, pw, "signup", "--server", url, "--email", email, "--password-stdin")
	for _, d := range []string{b, c} {
		mustIn(t, d, pw, "login", "--server", url, "--email", email, "--password-stdin")
	}
	return a, b, c
}

func importTone(t *testing.T, dir string) string {
	t.Helper()
	return strings.TrimSpace(mustEarshot(t, dir, "import", "../library/testdata/tone.flac").stdout)
}

// state is a recording's sync state in dir's list ("" when not listed).
func state(t *testing.T, dir, id string) string {
	t.Helper()
	ls, _ := listJSON(t, dir)
	for _, l := range ls {
		if l.ID == id {
			return l.SyncState
		}
	}
	return ""
}

func inTrash(t *testing.T, dir, id string) bool {
	t.Helper()
	var ls []struct{ ID string }
	r := mustEarshot(t, dir, "trash", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &ls); err != nil {
		t.Fatalf("trash --json printed %q: %v", r.stdout, err)
	}
	for _, l := range ls {
		if l.ID == id {
			return true
		}
	}
	return false
}

func inCloud(t *testing.T, dir, id string) bool {
	t.Helper()
	var cloud []struct{ ID string }
	if err := json.Unmarshal([]byte(mustIn(t, dir, "", "cloud", "ls", "--json").stdout), &cloud); err != nil {
		t.Fatal(err)
	}
	for _, r := range cloud {
		if r.ID == id {
			return true
		}
	}
	return false
}

// TestCloudDeleteKeepsDeviceCopies (issue 9 fault 1): a delete from the
// cloud removes the cloud copy only. Every device that holds the audio
// keeps it as local-only, not in the trash and not uploaded again by
// itself; a device without the audio drops the entry; `push` uploads it
// again on purpose.
func TestCloudDeleteKeepsDeviceCopies(t *testing.T) {
	a, b, c := threeDevices(t)
	id := importTone(t, a)
	mustIn(t, a, "", "sync")
	mustIn(t, b, "", "sync")
	mustIn(t, b, "", "pull", id)
	mustIn(t, c, "", "sync")
	if s := state(t, c, id); s != "cloud_only" {
		t.Fatalf("C before the delete: %q", s)
	}

	r := mustIn(t, a, "", "rm", "--cloud", id)
	oneLine(t, "rm --cloud", r.stderr)
	if !strings.Contains(r.stderr, "keep their copies") {
		t.Fatalf("rm --cloud says %q", r.stderr)
	}
	for _, d := range []string{a, b} {
		r := mustIn(t, d, "", "sync")
		if d == b && !strings.Contains(r.stderr, "sync: 1 removed in the cloud (kept on this device)") {
			t.Fatalf("B's sync after the cloud delete says %q", r.stderr)
		}
		mustIn(t, d, "", "sync") // and again: not uploaded by itself
		if s := state(t, d, id); s != "local_only" || inTrash(t, d, id) {
			t.Fatalf("a device with the audio after the cloud delete: state %q, in the trash %v", s, inTrash(t, d, id))
		}
	}
	if r := mustIn(t, c, "", "sync"); !strings.Contains(r.stderr, "sync: 1 removed in the cloud") || strings.Contains(r.stderr, "(") {
		t.Fatalf("C's sync after the cloud delete says %q (it had no copy)", r.stderr)
	}
	if s := state(t, c, id); s != "" {
		t.Fatalf("the device without the audio still lists it: %q", s)
	}
	if inCloud(t, a, id) {
		t.Fatal("uploaded again by itself")
	}

	r = mustIn(t, b, "", "push", id)
	if !strings.Contains(r.stderr, "uploaded") || !inCloud(t, b, id) || state(t, b, id) != "synced" {
		t.Fatalf("push: %q, state %q", r.stderr, state(t, b, id))
	}
	mustIn(t, a, "", "sync")
	mustIn(t, c, "", "sync")
	if sa, sc := state(t, a, id), state(t, c, id); sa != "synced" || sc != "cloud_only" {
		t.Fatalf("after push from B: A %q, C %q", sa, sc)
	}

	// Removed from the cloud again, then deleted everywhere from B, which
	// kept its copy: A's kept copy goes to A's trash too.
	mustIn(t, a, "", "rm", "--cloud", id)
	mustIn(t, b, "", "sync")
	r = mustIn(t, b, "", "rm", "--everywhere", id)
	oneLine(t, "rm --everywhere of a copy kept after a removal from the cloud", r.stderr)
	if !strings.Contains(r.stderr, "your devices that kept a copy") || !inTrash(t, b, id) {
		t.Fatalf("rm --everywhere of a kept copy says %q; in B's trash %v", r.stderr, inTrash(t, b, id))
	}
	if r := mustIn(t, a, "", "sync"); !strings.Contains(r.stderr, "1 removed in the cloud (moved to the trash here)") {
		t.Fatalf("A's sync after B deleted its kept copy everywhere says %q", r.stderr)
	}
	if !inTrash(t, a, id) {
		t.Fatalf("A's kept copy after B deleted it everywhere: %q, not in the trash", state(t, a, id))
	}
}

// TestDeleteMessagesAreTrue (issue 9 fault 2): what rm and cloud rm say
// happened is what happened, and a restore they offer works.
func TestDeleteMessagesAreTrue(t *testing.T) {
	a, _, c := threeDevices(t)
	everywhere, cloudOnly := importTone(t, a), importTone(t, a)
	mustIn(t, a, "", "sync")
	mustIn(t, c, "", "sync")

	// rm --everywhere of a recording C has only as an entry: no claim that
	// C's trash holds it; A (with the audio) gets it in its trash, and the
	// restore brings it back to the cloud.
	r := mustIn(t, c, "", "rm", "--everywhere", everywhere)
	oneLine(t, "rm --everywhere", r.stderr)
	if strings.Contains(r.stderr, "it is in the trash here") || inTrash(t, c, everywhere) || state(t, c, everywhere) != "" {
		t.Fatalf("rm --everywhere of a cloud-only entry: %q; in C's trash %v", r.stderr, inTrash(t, c, everywhere))
	}
	mustIn(t, a, "", "sync")
	if !inTrash(t, a, everywhere) {
		t.Fatal("A, which has the audio, did not move it to the trash")
	}
	mustEarshot(t, a, "restore", everywhere)
	mustIn(t, a, "", "sync")
	if !inCloud(t, a, everywhere) || state(t, a, everywhere) != "synced" {
		t.Fatalf("restored on A: in the cloud %v, state %q", inCloud(t, a, everywhere), state(t, a, everywhere))
	}

	// cloud rm of a cloud-only entry: it says the entry goes, and it does;
	// A keeps its copy.
	r = mustIn(t, c, "", "cloud", "rm", cloudOnly)
	oneLine(t, "cloud rm", r.stderr)
	if strings.Contains(r.stderr, "this device keeps") || !strings.Contains(r.stderr, "no copy") || state(t, c, cloudOnly) != "" {
		t.Fatalf("cloud rm of a cloud-only entry: %q, still listed as %q", r.stderr, state(t, c, cloudOnly))
	}
	mustIn(t, a, "", "sync")
	if s := state(t, a, cloudOnly); s != "local_only" || inTrash(t, a, cloudOnly) {
		t.Fatalf("A after C's cloud rm: %q", s)
	}

	// rm --cloud of a recording never uploaded: not "deleted from the
	// cloud"; it stays here and is not uploaded.
	fresh := importTone(t, a)
	r = mustIn(t, a, "", "rm", "--cloud", fresh)
	if !strings.Contains(r.stderr, "was not in the cloud") {
		t.Fatalf("rm --cloud of a recording never uploaded: %q", r.stderr)
	}
	mustIn(t, a, "", "sync")
	if inCloud(t, a, fresh) || state(t, a, fresh) != "local_only" {
		t.Fatalf("never-uploaded after rm --cloud and sync: in the cloud %v, state %q", inCloud(t, a, fresh), state(t, a, fresh))
	}
}
