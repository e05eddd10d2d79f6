//go:build linux

package library

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/internal/testenv"
)

// TestRoomKeptForFreeing: every open sets room aside in the WAL for the
// next transactions, and the WAL and its index outlive Close, so a later
// session on a full disk need not allocate them.
func TestRoomKeptForFreeing(t *testing.T) {
	small := testenv.Tmpfs(t, 4<<20)
	l := openTest(t, small)
	l.Close()
	wal := filepath.Join(small, dbName+"-wal")
	var st syscall.Stat_t
	if err := syscall.Stat(wal, &st); err != nil {
		t.Fatalf("the WAL after Close: %v; want it kept", err)
	}
	if held := st.Blocks * 512; held < walReserve {
		t.Fatalf("the WAL holds %d bytes of disk, want at least %d set aside", held, walReserve)
	}
	if _, err := os.Stat(filepath.Join(small, dbName+"-shm")); err != nil {
		t.Fatalf("the WAL index after Close: %v; want it kept", err)
	}
}

// TestRecoverOnFullDisk: a recording whose recorder died is recovered at
// open on a full disk (the take's own bytes are already on the disk), and
// purging a recording there frees its space.
func TestRecoverOnFullDisk(t *testing.T) {
	ctx := context.Background()
	small := testenv.Tmpfs(t, 4<<20)
	l := openTest(t, small)
	old, err := l.Import(ctx, "testdata/tone.flac", nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := l.BeginRecording(ctx, "cut short", audio.WAV)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := writeTone(p.PartPath, audio.WAV, 0.5); err != nil {
		t.Fatal(err)
	}
	p.lock.Close() // the recorder dies: its lock goes
	l.Close()

	testenv.FillDisk(t, small)
	l = openTest(t, small)
	if rec := l.Recovered(); len(rec) != 1 || rec[0].ID != p.ID || len(l.RecoveryErrors()) != 0 {
		t.Fatalf("on a full disk: recovered %+v, errors %v", rec, l.RecoveryErrors())
	}
	before := free(t, small)
	if err := l.Purge(ctx, old.ID); err != nil {
		t.Fatalf("purge on a full disk: %v", err)
	}
	if freed := free(t, small) - before; freed < old.Size*3/4 {
		t.Fatalf("purging %d bytes of audio freed %d", old.Size, freed)
	}
}

func free(t *testing.T, dir string) int64 {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Bavail) * int64(st.Bsize)
}

// TestStaleWALWithoutIndex: the kept WAL belongs to its earshot.db. A
// folder whose earshot.db was deleted (and holds no audio, so it is a new
// library) starts an empty, working index: SQLite drops a WAL beside an
// empty database file instead of replaying it.
func TestStaleWALWithoutIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := openTest(t, dir)
	r, err := l.Import(ctx, "testdata/tone.flac", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Purge(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	l.Close()
	if err := os.Remove(filepath.Join(dir, dbName)); err != nil {
		t.Fatal(err)
	}
	l = openTest(t, dir)
	if n, err := l.Count(ctx, ListOptions{Trash: WithTrashed}); err != nil || n != 0 {
		t.Fatalf("the new index: %d recordings, %v", n, err)
	}
	if _, err := l.Import(ctx, "testdata/tone.flac", nil); err != nil {
		t.Fatalf("import into the new index: %v", err)
	}
}
