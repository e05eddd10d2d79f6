package library

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"
)

// Check finds a missing file and one of the wrong size, in the trash too,
// and reports each with its whole recording (title, tags, trash time), the
// sound one not at all; opening the library runs the same check.
func TestCheckReportsWholeRecordings(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := openTest(t, dir)
	mustCommit(t, l, "Sound")
	gone := mustCommit(t, l, "Gone")
	short := mustCommit(t, l, "Short")
	if err := l.SetTags(ctx, short.ID, []string{"work"}); err != nil {
		t.Fatal(err)
	}
	if err := l.Trash(ctx, short.ID); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(l.AudioPath(gone)); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(l.AudioPath(short), short.Size-10); err != nil {
		t.Fatal(err)
	}
	ps, err := l.Check(ctx, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Fault{"Gone": Missing, "Short": WrongSize}
	if len(ps) != len(want) {
		t.Fatalf("check found %+v, want %v", ps, want)
	}
	for _, p := range ps {
		if want[p.Recording.Title] != p.Fault || p.CloudOnly {
			t.Errorf("%q: %s (cloud only %v), want %s", p.Recording.Title, p.Fault, p.CloudOnly, want[p.Recording.Title])
		}
		if p.Recording.Title == "Short" && (!slices.Equal(p.Recording.Tags, []string{"work"}) || p.Recording.TrashedAt == nil) {
			t.Errorf("the trashed one is reported without its tags or trash time: %+v", p.Recording)
		}
	}

	l.Close()
	l = openTest(t, dir)
	var titles []string
	for _, err := range l.RecoveryErrors() {
		var p Problem
		if errors.As(err, &p) {
			titles = append(titles, p.Recording.Title+" "+string(p.Fault))
		}
	}
	slices.Sort(titles)
	if !slices.Equal(titles, []string{"Gone missing", "Short wrong size"}) {
		t.Fatalf("opening the library reported %q", titles)
	}
}

// Unanalyzed lists a recording missing any one analysis, not one in the
// trash, newest first.
func TestUnanalyzedAnyMissingOutsideTheTrash(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	older := mustCommit(t, l, "Older")
	trashed := mustCommit(t, l, "Trashed")
	newer := mustCommit(t, l, "Newer")
	for id, name := range map[string]string{older.ID: speechName, trashed.ID: overviewName, newer.ID: loudnessName} {
		if err := os.Remove(l.analysisPath(id, name)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Trash(ctx, trashed.ID); err != nil {
		t.Fatal(err)
	}
	ids, err := l.Unanalyzed(ctx)
	if err != nil || !slices.Equal(ids, []string{newer.ID, older.ID}) {
		t.Fatalf("Unanalyzed = %v, %v; want [%s %s] (newer, older)", ids, err, newer.ID, older.ID)
	}
}
