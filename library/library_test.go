package library

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
)

func TestMigrateFromEmpty(t *testing.T) {
	dir := t.TempDir()
	l := openTest(t, dir)
	var v int
	if err := l.db.QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	if v != SchemaVersion() {
		t.Fatalf("schema version %d, want %d", v, SchemaVersion())
	}
	var mode string
	if err := l.db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode %q (%v), want wal", mode, err)
	}
	r := mustCommit(t, l, "kept")
	l.Close()

	// Reopening runs nothing again and keeps the data.
	l2 := openTest(t, dir)
	if _, err := l2.Get(context.Background(), r.ID); err != nil {
		t.Fatal(err)
	}
	var n int
	l2.db.QueryRow(`SELECT COUNT(*) FROM schema_migrations`).Scan(&n)
	if n != SchemaVersion() {
		t.Fatalf("%d migration rows, want %d", n, SchemaVersion())
	}
	// A database from a newer Earshot is refused with a clear error.
	if _, err := l2.db.Exec(`INSERT INTO schema_migrations VALUES (999, 0)`); err != nil {
		t.Fatal(err)
	}
	l2.Close()
	if _, err := Open(context.Background(), dir); err == nil || !strings.Contains(err.Error(), "newer Earshot") {
		t.Fatalf("open of a newer schema: %v", err)
	}
}

func TestCommitRecording(t *testing.T) {
	ctx := context.Background()
	for _, f := range []audio.Format{audio.WAV, audio.Opus} {
		t.Run(string(f), func(t *testing.T) {
			l := openTest(t, t.TempDir())
			r, err := commitTone(ctx, l, "  Interview  ", f, 1)
			if err != nil {
				t.Fatal(err)
			}
			if r.Title != "Interview" || r.Format != f || r.SyncState != LocalOnly || r.Recovered || !r.HasAudio || r.Version != 1 {
				t.Fatalf("committed %+v", r)
			}
			if d := r.Duration - time.Second; d < -time.Millisecond || d > time.Millisecond {
				t.Fatalf("duration %v, want 1s", r.Duration)
			}
			b, err := os.ReadFile(l.AudioPath(r))
			if err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(b)
			if r.SHA256 != hex.EncodeToString(sum[:]) || r.Size != int64(len(b)) {
				t.Fatalf("sha/size %s/%d, file has %x/%d", r.SHA256, r.Size, sum, len(b))
			}
			got, err := l.Get(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.CreatedAt != r.CreatedAt || got.SHA256 != r.SHA256 || got.Duration != r.Duration.Truncate(time.Millisecond) {
				t.Fatalf("Get %+v, Commit %+v", got, r)
			}
			if left := incomingEntries(t, l); len(left) != 0 {
				t.Fatalf("incoming still holds %v", left)
			}
		})
	}
}

func TestAbortLeavesNothing(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	p, err := l.BeginRecording(ctx, "", audio.WAV)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(p.Title, "Recording ") {
		t.Fatalf("default title %q", p.Title)
	}
	if _, err := writeTone(p.PartPath, audio.WAV, 0.1); err != nil {
		t.Fatal(err)
	}
	if err := l.Abort(ctx, p); err != nil {
		t.Fatal(err)
	}
	if left := incomingEntries(t, l); len(left) != 0 {
		t.Fatalf("incoming still holds %v", left)
	}
	if _, err := l.Commit(ctx, p, audio.Info{}); err == nil {
		t.Fatal("commit after abort succeeded")
	}
	if n, _ := l.Count(ctx, ListOptions{Trash: WithTrashed}); n != 0 {
		t.Fatalf("%d recordings after abort", n)
	}
}

func TestUnknownID(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	const id = "01890a5d-ac96-774b-bcce-b302099a8057"
	for name, err := range map[string]error{
		"get":     func() error { _, err := l.Get(ctx, id); return err }(),
		"rename":  l.Rename(ctx, id, "x"),
		"trash":   l.Trash(ctx, id),
		"restore": l.Restore(ctx, id),
		"purge":   l.Purge(ctx, id),
		"export":  func() error { _, err := l.Export(ctx, id, t.TempDir(), nil); return err }(),
		"resolve": func() error { _, err := l.Resolve(ctx, "0189"); return err }(),
	} {
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
}

func TestRenameBumpsVersion(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	r := mustCommit(t, l, "a")
	for i := range 3 {
		if err := l.Rename(ctx, r.ID, fmt.Sprintf("title %d", i)); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := l.Get(ctx, r.ID)
	if got.Title != "title 2" || got.Version != 4 {
		t.Fatalf("after 3 renames: %q v%d", got.Title, got.Version)
	}
	if err := l.Rename(ctx, r.ID, "   "); err == nil {
		t.Fatal("empty title accepted")
	}
}

func TestTrashRestorePurgeExpiry(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	l := openAt(t, dir, c.now)
	a, b, keep := mustCommit(t, l, "a"), mustCommit(t, l, "b"), mustCommit(t, l, "keep")

	if err := l.Trash(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := l.Trash(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	assertIDs(t, l, ListOptions{}, keep.ID)
	assertIDs(t, l, ListOptions{Trash: OnlyTrashed}, b.ID, a.ID)
	if got, _ := l.Get(ctx, a.ID); got.TrashedAt == nil || !got.TrashedAt.Equal(c.now()) {
		t.Fatalf("trashed_at %v", got.TrashedAt)
	}

	c.add(10 * 24 * time.Hour)
	if err := l.Restore(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	assertIDs(t, l, ListOptions{}, keep.ID, b.ID) // same instant: newest id first

	// Not yet 30 days: nothing goes.
	c.add(19 * 24 * time.Hour)
	if n, err := l.PurgeExpired(ctx); err != nil || n != 0 {
		t.Fatalf("purged %d (%v) before 30 days", n, err)
	}
	// Past 30 days, the next Open purges it with its file.
	c.add(2 * 24 * time.Hour)
	l.Close()
	l = openAt(t, dir, c.now)
	assertIDs(t, l, ListOptions{Trash: WithTrashed}, keep.ID, b.ID)
	if _, err := os.Stat(l.audioPath(a.ID, a.Format)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("purged audio still there: %v", err)
	}

	// Purge at once, from outside the trash too.
	if err := l.Purge(ctx, keep.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Get(ctx, keep.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get after purge: %v", err)
	}
	if _, err := os.Stat(l.audioPath(keep.ID, keep.Format)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("purged audio still there: %v", err)
	}
}

func TestPurgeOfUploadedLeavesTombstone(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	r := mustCommit(t, l, "uploaded")
	if _, err := l.db.Exec(`UPDATE recordings SET remote_version = 3, sync_state = 'synced' WHERE id = ?`, r.ID); err != nil {
		t.Fatal(err)
	}
	if err := l.Purge(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Get(ctx, r.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("get of tombstone: %v", err)
	}
	assertIDs(t, l, ListOptions{Trash: WithTrashed})
	tomb, err := scanRecording(l.db.QueryRow(`SELECT `+readColumns+` FROM recordings WHERE id = ?`, r.ID))
	if err != nil {
		t.Fatal(err)
	}
	if tomb.DeletedAt == nil || tomb.HasAudio || tomb.RemoteVersion != 3 {
		t.Fatalf("tombstone %+v", tomb)
	}
}

func assertIDs(t *testing.T, l *Library, o ListOptions, want ...string) {
	t.Helper()
	rs, err := l.List(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.ID)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("List(%+v) = %v, want %v", o, got, want)
	}
	if n, err := l.Count(context.Background(), o); err != nil || (o.Limit == 0 && o.Offset == 0 && n != len(want)) {
		t.Fatalf("Count(%+v) = %d (%v), want %d", o, n, err, len(want))
	}
}

func TestListSearchAndPages(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := openAt(t, t.TempDir(), c.now)
	var ids []string // oldest first
	for _, title := range []string{"Été à Paris", "Standup 50%", "standup_notes", "Interview", "ÉTÉ again"} {
		c.add(time.Minute)
		ids = append(ids, mustCommit(t, l, title).ID)
	}
	assertIDs(t, l, ListOptions{}, ids[4], ids[3], ids[2], ids[1], ids[0])
	assertIDs(t, l, ListOptions{Query: "été"}, ids[4], ids[0])
	assertIDs(t, l, ListOptions{Query: "ete a p"}, ids[0])         // accents folded
	assertIDs(t, l, ListOptions{Query: "ｓｔａｎｄｕｐ"}, ids[2], ids[1]) // full width folded
	assertIDs(t, l, ListOptions{Query: "STANDUP"}, ids[2], ids[1])
	assertIDs(t, l, ListOptions{Query: "50%"}, ids[1])     // % is literal
	assertIDs(t, l, ListOptions{Query: "p_n"}, ids[2])     // _ is literal
	assertIDs(t, l, ListOptions{Query: "nothing like it"}) // no match
	assertIDs(t, l, ListOptions{Limit: 2}, ids[4], ids[3])
	assertIDs(t, l, ListOptions{Limit: 2, Offset: 2}, ids[2], ids[1])
	assertIDs(t, l, ListOptions{Offset: 4}, ids[0])
	assertIDs(t, l, ListOptions{Presence: NotOnDevice})
	assertIDs(t, l, ListOptions{Presence: OnDevice, Query: "interview"}, ids[3])

	if _, err := l.db.Exec(`UPDATE recordings SET has_audio = 0, sync_state = 'cloud_only' WHERE id = ?`, ids[2]); err != nil {
		t.Fatal(err)
	}
	assertIDs(t, l, ListOptions{Presence: NotOnDevice}, ids[2])
	if r, _ := l.Get(ctx, ids[2]); l.AudioPath(r) != "" {
		t.Fatalf("cloud-only AudioPath %q", l.AudioPath(r))
	}

	if id, err := l.Resolve(ctx, ids[3][:len(ids[3])-4]); err != nil || id != ids[3] {
		t.Fatalf("Resolve(prefix) = %s, %v", id, err)
	}
	if _, err := l.Resolve(ctx, ids[3][:8]); !errors.Is(err, ErrAmbiguous) {
		t.Fatalf("Resolve(shared prefix) = %v, want ErrAmbiguous", err)
	}
}

// TestListTenThousand checks that the GUI's first page of a 10,000-entry
// library, with a search, comes from the index and not a sort of the table.
func TestListTenThousand(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	tx, err := l.db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 10000 {
		if _, err := tx.Exec(`INSERT INTO recordings (id, title, created_at, duration_ms, format, sample_rate, channels, size_bytes, sha256)
			VALUES (?, ?, ?, 1000, 'opus', 48000, 1, 1000, '')`,
			fmt.Sprintf("00000000-0000-7000-8000-%012d", i), fmt.Sprintf("Meeting %d", i), base.Add(time.Duration(i)*time.Minute).UnixMilli()); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	where, args := ListOptions{Query: "meeting 99"}.where()
	var plan strings.Builder
	rows, err := l.db.Query(`EXPLAIN QUERY PLAN SELECT `+columns+` FROM recordings WHERE `+where+` ORDER BY created_at DESC, id DESC LIMIT 100`, args...)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, parent, notused int
		var detail string
		rows.Scan(&id, &parent, &notused, &detail)
		plan.WriteString(detail + "; ")
	}
	rows.Close()
	if strings.Contains(plan.String(), "TEMP B-TREE") || !strings.Contains(plan.String(), "recordings_by_created") {
		t.Fatalf("list does not walk the created_at index: %s", plan.String())
	}
	rs, err := l.List(ctx, ListOptions{Limit: 100})
	if err != nil || len(rs) != 100 || rs[0].Title != "Meeting 9999" {
		t.Fatalf("first page: %d rows, %v", len(rs), err)
	}
	if n, _ := l.Count(ctx, ListOptions{Query: "meeting 99"}); n != 111 {
		t.Fatalf("count of 'meeting 99' = %d, want 111", n)
	}
}

// BenchmarkList measures the GUI's queries on a 10,000-entry library.
func BenchmarkList(b *testing.B) {
	l, err := Open(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	tx, _ := l.db.Begin()
	for i := range 10000 {
		tx.Exec(`INSERT INTO recordings (id, title, created_at, duration_ms, format, sample_rate, channels, size_bytes, sha256)
			VALUES (?, ?, ?, 1000, 'opus', 48000, 1, 1000, '')`, fmt.Sprintf("00000000-0000-7000-8000-%012d", i), fmt.Sprintf("Meeting %d", i), i)
	}
	tx.Commit()
	for _, o := range []ListOptions{{}, {Limit: 100}, {Query: "meeting 99"}} {
		b.Run(fmt.Sprintf("%+v", o), func(b *testing.B) {
			for b.Loop() {
				if _, err := l.List(context.Background(), o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestDataDir(t *testing.T) {
	t.Setenv("EARSHOT_DATA_DIR", "")
	t.Setenv("XDG_DATA_HOME", "/x/data")
	if d, _ := DataDir(""); d != "/x/data/earshot" {
		t.Fatalf("XDG: %s", d)
	}
	t.Setenv("XDG_DATA_HOME", "")
	t.Setenv("HOME", "/home/u")
	if d, _ := DataDir(""); d != "/home/u/.local/share/earshot" {
		t.Fatalf("HOME: %s", d)
	}
	t.Setenv("EARSHOT_DATA_DIR", "/env/dir")
	if d, _ := DataDir(""); d != "/env/dir" {
		t.Fatalf("env: %s", d)
	}
	if d, _ := DataDir("/flag/dir"); d != filepath.Clean("/flag/dir") {
		t.Fatalf("flag: %s", d)
	}
}
