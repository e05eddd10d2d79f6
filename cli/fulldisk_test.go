//go:build linux

package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
)

// TestFreeingOnFullDisk (issue 9 fault 5): on a full disk (a real 6 MB
// tmpfs filled to the last byte) every command that frees space works,
// prints one line and frees the space: rm, trash empty, rm --local of a
// synced recording, rm --everywhere, rm --cloud, and logout (the session
// file goes, the server's session is revoked, another device stays in).
// A read command still reads, and prints no warning.
func TestFreeingOnFullDisk(t *testing.T) {
	testenv.Need(t, "DBUS_SESSION_BUS_ADDRESS", "a D-Bus session with gnome-keyring (start_keyring)")
	url, _ := startSyncServer(t)
	small := testenv.Tmpfs(t, 6<<20)
	dir, other := filepath.Join(small, "lib"), t.TempDir()
	email := "full-" + api.NewID()[24:] + "@example.com"
	const pw = "a long enough password\n"
	mustIn(t, dir, pw, "signup", "--server", url, "--email", email, "--password-stdin", "--token-file")
	mustIn(t, other, pw, "login", "--server", url, "--email", email, "--password-stdin")
	var synced []string
	for range 4 {
		synced = append(synced, importTone(t, dir))
	}
	mustEarshot(t, dir, "sync")
	local := importTone(t, dir)
	size := find(t, mustList(t, dir), local).SizeBytes

	// full runs one command on a full disk: exit 0, one line on stderr,
	// and returns the bytes it freed.
	full := func(args ...string) (string, int64) {
		t.Helper()
		testenv.FillDisk(t, small)
		r := earshot(t, dir, nil, args...)
		if r.code != 0 {
			t.Fatalf("earshot %v on a full disk: exit %d: %s", args, r.code, r.stderr)
		}
		oneLine(t, strings.Join(args, " ")+" on a full disk", r.stderr)
		return r.stderr, freeBytes(t, small)
	}

	testenv.FillDisk(t, small)
	if r := earshot(t, dir, nil, "list"); r.code != 0 || r.stderr != "" || strings.Count(r.stdout, "\n") != 6 {
		t.Fatalf("list on a full disk: exit %d, stdout %q, stderr %q; want the 5 recordings and no warning", r.code, r.stdout, r.stderr)
	}
	if msg, _ := full("rm", local); !strings.Contains(msg, "moved to the trash") {
		t.Fatalf("rm on a full disk said %q", msg)
	}
	if msg, freed := full("trash", "empty"); !strings.Contains(msg, "1 recording deleted for good") || freed < size*3/4 {
		t.Fatalf("trash empty on a full disk said %q and freed %d bytes; want the %d of its audio", msg, freed, size)
	}
	a := synced[0]
	if msg, freed := full("rm", "--local", a); !strings.Contains(msg, "stays in the cloud") || freed < size*3/4 {
		t.Fatalf("rm --local on a full disk said %q and freed %d bytes", msg, freed)
	}
	if st := state(t, dir, a); st != "cloud_only" {
		t.Fatalf("after rm --local on a full disk: %s, want cloud_only", st)
	}
	b, c := synced[1], synced[2]
	if msg, _ := full("rm", "--everywhere", b); !strings.Contains(msg, "deleted") || inCloud(t, other, b) {
		t.Fatalf("rm --everywhere on a full disk said %q; still in the cloud: %v", msg, inCloud(t, other, b))
	}
	if msg, _ := full("rm", "--cloud", c); !strings.Contains(msg, "removed") || inCloud(t, other, c) || state(t, dir, c) != "local_only" {
		t.Fatalf("rm --cloud on a full disk said %q; state %s", msg, state(t, dir, c))
	}
	if msg, _ := full("logout"); !strings.Contains(msg, "logged out") {
		t.Fatalf("logout on a full disk said %q", msg)
	}
	if _, err := os.Stat(filepath.Join(dir, "session.json")); !os.IsNotExist(err) {
		t.Fatalf("the session file after logout: %v; want it gone", err)
	}
	if r := earshot(t, dir, nil, "whoami"); r.code == 0 || !strings.Contains(r.stderr, "not logged in") {
		t.Fatalf("whoami after logout on a full disk: exit %d, %q", r.code, r.stderr)
	}
	mustIn(t, other, "", "cloud", "ls") // the other device is still logged in
}

// TestFullDiskBeforeUpgrade: a library whose index has not kept room aside
// yet (its WAL and index files were never kept: written by an older
// Earshot) cannot open on a full disk; the command says so in one line,
// with what to do, and changes nothing.
func TestFullDiskBeforeUpgrade(t *testing.T) {
	small := testenv.Tmpfs(t, 2<<20)
	dir := filepath.Join(small, "lib")
	id := importTone(t, dir)
	for _, f := range []string{"earshot.db-wal", "earshot.db-shm"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil {
			t.Fatal(err) // kept by this Earshot after every command
		}
	}
	testenv.FillDisk(t, small)
	r := earshot(t, dir, nil, "rm", id)
	oneLine(t, "rm on a full disk with an older index", r.stderr)
	if r.code != 1 || !strings.Contains(r.stderr, "is full and the library needs about 1 MB to open: free some space on that disk") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if err := os.Remove(filepath.Join(small, "filler")); err != nil {
		t.Fatal(err)
	}
	if ls := mustList(t, dir); len(ls) != 1 || ls[0].ID != id {
		t.Fatalf("after the failed rm: %+v", ls)
	}
}

func freeBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Bavail) * int64(st.Bsize)
}
