package library

import (
	"context"
	"errors"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/audio"
)

func mustGet(t *testing.T, l *Library, id string) Recording {
	t.Helper()
	r, err := l.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestTagsEditFilterCount(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := openAt(t, t.TempDir(), c.now)
	a := mustCommit(t, l, "a")
	c.add(time.Second)
	b := mustCommit(t, l, "b")
	c.add(time.Second)
	other := mustCommit(t, l, "c")

	if err := l.EditTags(ctx, a.ID, []string{"Work", "#draft", "work"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := l.SetTags(ctx, b.ID, []string{"  work  ", "Big   Meeting"}); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, l, a.ID); !slices.Equal(got.Tags, []string{"draft", "work"}) || got.Version != 2 {
		t.Fatalf("a: tags %q v%d, want [draft work] v2", got.Tags, got.Version)
	}
	if got := mustGet(t, l, b.ID).Tags; !slices.Equal(got, []string{"big meeting", "work"}) {
		t.Fatalf("b: tags %q", got)
	}
	if got := mustGet(t, l, other.ID).Tags; got != nil {
		t.Fatalf("untagged recording has tags %q", got)
	}
	// Adding what is there and removing what is not changes nothing.
	if err := l.EditTags(ctx, a.ID, []string{"WORK"}, []string{"absent"}); err != nil {
		t.Fatal(err)
	}
	if v := mustGet(t, l, a.ID).Version; v != 2 {
		t.Fatalf("no-op edit bumped the version to %d", v)
	}
	assertIDs(t, l, ListOptions{Tags: []string{"work"}}, b.ID, a.ID)
	assertIDs(t, l, ListOptions{Tags: []string{"#WORK", "draft"}}, a.ID)
	assertIDs(t, l, ListOptions{Tags: []string{"nothing"}})
	assertIDs(t, l, ListOptions{Tags: []string{"bad\x07tag"}})

	if err := l.EditTags(ctx, a.ID, []string{"urgent"}, []string{"Draft"}); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, l, a.ID); !slices.Equal(got.Tags, []string{"urgent", "work"}) || got.Version != 3 {
		t.Fatalf("after +urgent -draft: %q v%d", got.Tags, got.Version)
	}
	if err := l.Trash(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	counts, err := l.TagCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []TagCount{{"urgent", 1}, {"work", 1}}
	if !slices.Equal(counts, want) {
		t.Fatalf("tag counts %v, want %v (the trashed one not counted)", counts, want)
	}
}

func TestBadTagChangesNothing(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	r := mustCommit(t, l, "a")
	if err := l.SetTags(ctx, r.ID, []string{"keep"}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"wo\x07rk", "line\nbreak", "a,b", "-draft", "", "x\u202eevil", strings.Repeat("x", api.MaxTagLen+1)} {
		err := l.EditTags(ctx, r.ID, []string{"fine", bad}, nil)
		var me *api.MetaError
		if !errors.As(err, &me) {
			t.Fatalf("tag %q: error %v, want an api.MetaError", bad, err)
		}
		if msg := err.Error(); strings.ContainsAny(msg, "\n\r\x07") || !strings.Contains(msg, "; ") {
			t.Fatalf("tag %q: message %q is not one clear line", bad, msg)
		}
		if got := mustGet(t, l, r.ID); !slices.Equal(got.Tags, []string{"keep"}) || got.Version != 2 {
			t.Fatalf("tag %q refused but the recording changed: %q v%d", bad, got.Tags, got.Version)
		}
	}
	many := make([]string, api.MaxTags+1)
	for i := range many {
		many[i] = "t" + strings.Repeat("x", i)
	}
	if err := l.SetTags(ctx, r.ID, many); err == nil {
		t.Fatalf("%d tags accepted", len(many))
	}
	if err := l.EditTags(ctx, r.ID, many[:api.MaxTags], nil); err == nil {
		t.Fatalf("an edit to %d tags accepted", api.MaxTags+1)
	}
	if got := mustGet(t, l, r.ID).Tags; !slices.Equal(got, []string{"keep"}) {
		t.Fatalf("refused edits changed the tags to %q", got)
	}
}

func TestRenameTag(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	a, b, c := mustCommit(t, l, "a"), mustCommit(t, l, "b"), mustCommit(t, l, "c")
	l.SetTags(ctx, a.ID, []string{"wrk"})
	l.SetTags(ctx, b.ID, []string{"wrk", "work"})
	l.SetTags(ctx, c.ID, []string{"home"})
	n, err := l.RenameTag(ctx, "WRK", "work")
	if err != nil || n != 2 {
		t.Fatalf("rename tag: %d, %v; want 2 recordings", n, err)
	}
	for id, want := range map[string][]string{a.ID: {"work"}, b.ID: {"work"}, c.ID: {"home"}} {
		if got := mustGet(t, l, id); !slices.Equal(got.Tags, want) || got.Version != 3 && id != c.ID {
			t.Fatalf("%s: %q v%d, want %q", id, got.Tags, got.Version, want)
		}
	}
	if _, err := l.RenameTag(ctx, "work", "bad\ttag"); err == nil {
		t.Fatal("rename to a tag with a tab accepted")
	}
	// A rename of the recording keeps its tags.
	if err := l.Rename(ctx, a.ID, "renamed"); err != nil {
		t.Fatal(err)
	}
	if got := mustGet(t, l, a.ID).Tags; !slices.Equal(got, []string{"work"}) {
		t.Fatalf("after a rename the tags are %q", got)
	}
}

func TestFavorite(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	a, b := mustCommit(t, l, "a"), mustCommit(t, l, "b")
	for range 2 { // twice: the second changes nothing
		if err := l.SetFavorite(ctx, b.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	if got := mustGet(t, l, b.ID); !got.Favorite || got.Version != 2 {
		t.Fatalf("favourite: %v v%d, want true v2", got.Favorite, got.Version)
	}
	assertIDs(t, l, ListOptions{Favorites: true}, b.ID)
	if err := l.SetFavorite(ctx, b.ID, false); err != nil {
		t.Fatal(err)
	}
	assertIDs(t, l, ListOptions{Favorites: true})
	if got := mustGet(t, l, a.ID); got.Favorite || got.Version != 1 {
		t.Fatalf("untouched recording: %v v%d", got.Favorite, got.Version)
	}
	if err := l.SetFavorite(ctx, "0190aaaa-0000-7000-8000-000000000000", true); !errors.Is(err, ErrNotFound) {
		t.Fatalf("favourite of an unknown id: %v", err)
	}
}

func TestBookmarks(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := openAt(t, t.TempDir(), c.now)
	r, err := commitTone(ctx, l, "talk", audio.WAV, 2)
	if err != nil {
		t.Fatal(err)
	}
	late, err := l.AddBookmark(ctx, r.ID, 1500*time.Millisecond, "  Punchline ")
	if err != nil {
		t.Fatal(err)
	}
	c.add(time.Second)
	early, err := l.AddBookmark(ctx, r.ID, 200*time.Millisecond, "")
	if err != nil {
		t.Fatal(err)
	}
	marks, err := l.Bookmarks(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(marks) != 2 || marks[0] != early || marks[1] != late || late.Name != "Punchline" || late.AtMS != 1500 {
		t.Fatalf("bookmarks %+v", marks)
	}
	if v := mustGet(t, l, r.ID).Version; v != 3 {
		t.Fatalf("two bookmarks: version %d, want 3", v)
	}
	for _, tc := range []struct {
		at   time.Duration
		name string
	}{{3 * time.Second, ""}, {-time.Second, ""}, {time.Second, "two\nlines"}} {
		if _, err := l.AddBookmark(ctx, r.ID, tc.at, tc.name); err == nil || strings.Contains(err.Error(), "\n") {
			t.Fatalf("bookmark at %v %q: %v", tc.at, tc.name, err)
		}
	}
	for ref, want := range map[string]api.Bookmark{"1": early, "#2": late, "punchLINE": late, late.ID: late} {
		if got, err := l.FindBookmark(ctx, r.ID, ref); err != nil || got != want {
			t.Fatalf("find %q: %+v, %v; want %+v", ref, got, err, want)
		}
	}
	for _, ref := range []string{"3", "0", "nothing"} {
		if _, err := l.FindBookmark(ctx, r.ID, ref); !errors.Is(err, ErrNoBookmark) {
			t.Fatalf("find %q: %v", ref, err)
		}
	}
	if err := l.RenameBookmark(ctx, early.ID, "Intro"); err != nil {
		t.Fatal(err)
	}
	if err := l.RemoveBookmark(ctx, late.ID); err != nil {
		t.Fatal(err)
	}
	if err := l.RemoveBookmark(ctx, late.ID); !errors.Is(err, ErrNoBookmark) {
		t.Fatalf("second removal: %v", err)
	}
	marks, _ = l.Bookmarks(ctx, r.ID)
	if len(marks) != 1 || marks[0].Name != "Intro" || mustGet(t, l, r.ID).Version != 5 {
		t.Fatalf("after rename and remove: %+v v%d", marks, mustGet(t, l, r.ID).Version)
	}
}

// TestBookmarkWhileRecording: bookmarks made before Commit belong to the
// recording; an aborted recording's go with it.
func TestBookmarkWhileRecording(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	p, err := l.BeginRecording(ctx, "live", audio.WAV)
	if err != nil {
		t.Fatal(err)
	}
	// A moment beyond what is written so far is fine while recording.
	if _, err := l.AddBookmark(ctx, p.ID, 10*time.Second, "later"); err != nil {
		t.Fatal(err)
	}
	info, err := writeTone(p.PartPath, audio.WAV, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	r, err := l.Commit(ctx, p, info)
	if err != nil {
		t.Fatal(err)
	}
	if marks, _ := l.Bookmarks(ctx, r.ID); len(marks) != 1 || marks[0].Name != "later" || mustGet(t, l, r.ID).Version != 1 {
		t.Fatalf("committed with bookmarks %+v", marks)
	}

	p2, err := l.BeginRecording(ctx, "thrown away", audio.WAV)
	if err != nil {
		t.Fatal(err)
	}
	l.AddBookmark(ctx, p2.ID, time.Second, "")
	if err := l.Abort(ctx, p2); err != nil {
		t.Fatal(err)
	}
	if marks, _ := l.Bookmarks(ctx, p2.ID); len(marks) != 0 {
		t.Fatalf("aborted recording kept bookmarks %+v", marks)
	}
	if _, err := l.AddBookmark(ctx, p2.ID, time.Second, ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bookmark of an aborted recording: %v", err)
	}
}

// TestBookmarkSurvivesKilledRecorder: a bookmark added while another process
// records is kept when that process is killed and the recording recovered.
func TestBookmarkSurvivesKilledRecorder(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cmd, id := startRecorderProcess(t, dir, audio.WAV)
	l := openTest(t, dir)
	if _, err := l.AddBookmark(ctx, id, 500*time.Millisecond, "before the crash"); err != nil {
		t.Fatal(err)
	}
	l.Close()
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	l = openTest(t, dir)
	if len(l.Recovered()) != 1 {
		t.Fatalf("recovered %v, %v", l.Recovered(), l.RecoveryErrors())
	}
	marks, err := l.Bookmarks(ctx, id)
	if err != nil || len(marks) != 1 || marks[0].AtMS != 500 {
		t.Fatalf("recovered recording's bookmarks %+v, %v", marks, err)
	}
}

func TestPurgeDropsMetadata(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	local, uploaded := mustCommit(t, l, "local"), mustCommit(t, l, "uploaded")
	if _, err := l.db.Exec(`UPDATE recordings SET remote_version = 3, sync_state = 'synced' WHERE id = ?`, uploaded.ID); err != nil {
		t.Fatal(err)
	}
	for _, r := range []Recording{local, uploaded} {
		if err := l.SetTags(ctx, r.ID, []string{"gone"}); err != nil {
			t.Fatal(err)
		}
		if _, err := l.AddBookmark(ctx, r.ID, 0, "x"); err != nil {
			t.Fatal(err)
		}
		if err := l.Purge(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	var tags, marks int
	l.db.QueryRow(`SELECT COUNT(*) FROM recording_tags`).Scan(&tags)
	l.db.QueryRow(`SELECT COUNT(*) FROM bookmarks`).Scan(&marks)
	if tags != 0 || marks != 0 {
		t.Fatalf("after purge (row and tombstone): %d tag rows, %d bookmarks left", tags, marks)
	}
}
