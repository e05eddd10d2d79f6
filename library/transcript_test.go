package library

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
)

// words builds a segment from "text@ms" words 300 ms long.
func seg(startMS int64, text string) api.Segment {
	s := api.Segment{StartMS: startMS, Text: text}
	at := startMS
	for _, w := range strings.Fields(text) {
		s.Words = append(s.Words, api.Word{StartMS: at, EndMS: at + 300, Text: w, Conf: 0.9})
		at += 400
	}
	s.EndMS = at
	return s
}

func engineT(segs ...api.Segment) api.Transcript {
	return api.Transcript{Engine: "pocketsphinx", Model: "en-us", EngineVersion: "5prealpha", Language: "en-US",
		CreatedAt: time.UnixMilli(1_700_000_000_000).UTC(), Segments: segs}
}

func TestTranscriptSaveReadEdit(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	r := mustCommit(t, l, "standup")

	info, err := l.Transcript(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if info.Has || info.State != TranscriptQueued {
		t.Fatalf("new recording: has %v state %s, want no transcript, queued", info.Has, info.State)
	}
	want := engineT(seg(0, "the budget is due"), seg(5000, "ship it on friday"))
	if err := l.SaveTranscript(ctx, r.ID, want, false); err != nil {
		t.Fatal(err)
	}
	info, err = l.Transcript(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !info.Has || !info.Dirty || info.LocalVersion != 1 || info.Transcript.Engine != "pocketsphinx" {
		t.Fatalf("after save: %+v", info)
	}
	got := info.Transcript.Segments
	if len(got) != 2 || got[1].Text != "ship it on friday" ||
		len(got[1].Words) != 4 || got[1].Words[3].Text != "friday" || got[1].Words[3].StartMS != 6200 {
		t.Fatalf("segments read back: %+v", got)
	}
	if err := l.EditSegment(ctx, r.ID, 1, "ship it on Thursday"); err != nil {
		t.Fatal(err)
	}
	if err := l.EditSegment(ctx, r.ID, 7, "x"); !errors.Is(err, ErrNoSegment) {
		t.Fatalf("edit of a missing segment: %v, want ErrNoSegment", err)
	}
	info, _ = l.Transcript(ctx, r.ID)
	s := info.Transcript.Segments[1]
	if !s.Edited || s.Text != "ship it on Thursday" || len(s.Words) != 4 || info.LocalVersion != 2 {
		t.Fatalf("after edit: %+v (local version %d)", s, info.LocalVersion)
	}
	// The unchanged words keep their times, the new one takes the old one's.
	if w := s.Words; w[0] != got[1].Words[0] || w[2] != got[1].Words[2] ||
		w[3].Text != "Thursday" || w[3].StartMS != 6200 || w[3].EndMS != 6500 {
		t.Fatalf("word times after edit: %+v, before %+v", w, got[1].Words)
	}
	if hits := search(t, l, "thursday"); len(hits) != 1 || hits[0].Segment != 1 || hits[0].At != 6200*time.Millisecond {
		t.Fatalf("edited word not found: %+v", hits)
	}
	if hits := search(t, l, "friday"); len(hits) != 0 {
		t.Fatalf("replaced word still found: %+v", hits)
	}
}

func TestTranscriptRedoKeepsEdits(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	r := mustCommit(t, l, "call")
	if err := l.SaveTranscript(ctx, r.ID, engineT(seg(0, "hello there"), seg(3000, "by the way")), false); err != nil {
		t.Fatal(err)
	}
	if err := l.EditSegment(ctx, r.ID, 1, "bye for today"); err != nil {
		t.Fatal(err)
	}
	redo := engineT(seg(0, "hello dear"), seg(2500, "buy the whey"), seg(9000, "later"))
	if err := l.SaveTranscript(ctx, r.ID, redo, false); err != nil {
		t.Fatal(err)
	}
	info, _ := l.Transcript(ctx, r.ID)
	var texts []string
	for _, s := range info.Transcript.Segments {
		texts = append(texts, s.Text)
	}
	// "hello dear" overlaps nothing edited; "buy the whey" overlaps the edit.
	if got := strings.Join(texts, "|"); got != "hello dear|bye for today|later" {
		t.Fatalf("redo keeping edits: %q", got)
	}
	if err := l.SaveTranscript(ctx, r.ID, redo, true); err != nil {
		t.Fatal(err)
	}
	info, _ = l.Transcript(ctx, r.ID)
	if len(info.Transcript.Segments) != 3 || info.Transcript.Segments[1].Text != "buy the whey" {
		t.Fatalf("redo discarding edits: %+v", info.Transcript.Segments)
	}
}

func TestTranscriptPushAndRemote(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	r := mustCommit(t, l, "memo")
	if err := l.SaveTranscript(ctx, r.ID, engineT(seg(0, "one two")), false); err != nil {
		t.Fatal(err)
	}
	dirty, err := l.DirtyTranscripts(ctx)
	if err != nil || len(dirty) != 1 || dirty[0].ID != r.ID || dirty[0].RemoteVersion != 0 {
		t.Fatalf("dirty: %+v %v", dirty, err)
	}
	// An edit lands while the push is on its way: still dirty after it.
	if err := l.EditSegment(ctx, r.ID, 0, "one two three"); err != nil {
		t.Fatal(err)
	}
	if err := l.MarkTranscriptPushed(ctx, r.ID, dirty[0].LocalVersion, 4); err != nil {
		t.Fatal(err)
	}
	info, _ := l.Transcript(ctx, r.ID)
	if !info.Dirty || info.RemoteVersion != 4 {
		t.Fatalf("edit during push: dirty %v remote %d, want dirty, 4", info.Dirty, info.RemoteVersion)
	}
	if err := l.MarkTranscriptPushed(ctx, r.ID, info.LocalVersion, 5); err != nil {
		t.Fatal(err)
	}
	if dirty, _ := l.DirtyTranscripts(ctx); len(dirty) != 0 {
		t.Fatalf("still dirty after the push: %+v", dirty)
	}
	remote := engineT(api.Segment{StartMS: 0, EndMS: 900, Text: "from the other laptop", Edited: true})
	if err := l.ApplyRemoteTranscript(ctx, r.ID, remote, 6, info.LocalVersion); err != nil {
		t.Fatal(err)
	}
	info, _ = l.Transcript(ctx, r.ID)
	if info.Dirty || info.RemoteVersion != 6 || len(info.Transcript.Segments) != 1 || !info.Transcript.Segments[0].Edited {
		t.Fatalf("after remote: %+v", info)
	}
	if hits := search(t, l, "laptop"); len(hits) != 1 {
		t.Fatalf("remote text not indexed: %+v", hits)
	}
	if hits := search(t, l, "three"); len(hits) != 0 {
		t.Fatalf("replaced local text still indexed: %+v", hits)
	}
}

func TestTranscriptGoesWithRecording(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	r := mustCommit(t, l, "gone soon")
	if err := l.SaveTranscript(ctx, r.ID, engineT(seg(0, "purple elephant")), false); err != nil {
		t.Fatal(err)
	}
	if err := l.Trash(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if hits := search(t, l, "elephant"); len(hits) != 0 {
		t.Fatalf("trashed recording found: %+v", hits)
	}
	if err := l.Restore(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if hits := search(t, l, "elephant"); len(hits) != 1 {
		t.Fatalf("restored recording not found: %+v", hits)
	}
	if err := l.Purge(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"transcripts", "transcript_segments", "transcript_words", "transcript_jobs", "title_fts"} {
		var n int
		if err := l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil || n != 0 {
			t.Errorf("%s after purge: %d rows (%v)", table, n, err)
		}
	}
	var n int
	if err := l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM transcript_fts WHERE transcript_fts MATCH 'elephant'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("index after purge: %d (%v)", n, err)
	}
}

func search(t *testing.T, l *Library, q string) []SearchHit {
	t.Helper()
	hits, err := l.Search(context.Background(), q, SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return hits
}

func TestSearch(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.UnixMilli(1_700_000_000_000)}
	l := openAt(t, t.TempDir(), c.now)
	old := mustCommit(t, l, "Budget meeting")
	c.add(time.Hour)
	newer := mustCommit(t, l, "Walk")
	long := "we talked for a long while about many small things and then the budget came up again at last"
	for _, x := range []struct {
		r    Recording
		segs []api.Segment
	}{
		{old, []api.Segment{seg(0, "good morning everyone"), seg(4000, long)}},
		{newer, []api.Segment{seg(1000, "the budget meetings went well")}},
	} {
		if err := l.SaveTranscript(ctx, x.r.ID, engineT(x.segs...), false); err != nil {
			t.Fatal(err)
		}
	}
	hits := search(t, l, "budget")
	if len(hits) != 3 {
		t.Fatalf("budget: %d hits, want 3: %+v", len(hits), hits)
	}
	if hits[0].Segment != -1 || hits[0].ID != old.ID || hits[0].Snippet != "Budget meeting" ||
		hits[0].Marks[0] != (Mark{0, 6}) {
		t.Fatalf("title hit first: %+v", hits[0])
	}
	// The short segment ranks above the long one; the word's own time.
	if hits[1].ID != newer.ID || hits[1].At != 1400*time.Millisecond {
		t.Fatalf("second hit: %+v", hits[1])
	}
	h := hits[2]
	if h.ID != old.ID || h.At != 4000*time.Millisecond+13*400*time.Millisecond {
		t.Fatalf("third hit at %v: %+v", h.At, h)
	}
	if !strings.HasPrefix(h.Snippet, "… ") || h.Snippet[h.Marks[0].Start:h.Marks[0].End] != "budget" {
		t.Fatalf("snippet %q marks %v", h.Snippet, h.Marks)
	}
	// Stems: "meeting" finds "meetings"; prefix as typed; both words needed.
	if hits := search(t, l, "meeting"); len(hits) != 2 {
		t.Fatalf("meeting: %+v", hits)
	}
	if hits := search(t, l, "everyo"); len(hits) != 1 || hits[0].At != 800*time.Millisecond {
		t.Fatalf("prefix everyo: %+v", hits)
	}
	if hits, _ := l.Search(ctx, "everyo", SearchOptions{WholeWords: true}); len(hits) != 0 {
		t.Fatalf("whole word everyo: %+v", hits)
	}
	if hits := search(t, l, "budget went"); len(hits) != 1 || hits[0].ID != newer.ID {
		t.Fatalf("two words: %+v", hits)
	}
	// Nothing a person types is query syntax.
	for _, q := range []string{`"`, `budget OR`, `NEAR(`, `*`, `-budget`, `col:x`, ``, `   `} {
		if _, err := l.Search(ctx, q, SearchOptions{}); err != nil {
			t.Errorf("query %q: %v", q, err)
		}
	}
}

func TestSearchNewestFirstAmongEquals(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: time.UnixMilli(1_700_000_000_000)}
	l := openAt(t, t.TempDir(), c.now)
	var ids []string
	for i := 0; i < 3; i++ {
		r := mustCommit(t, l, "memo")
		if err := l.SaveTranscript(ctx, r.ID, engineT(seg(0, "call the plumber")), false); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
		c.add(time.Minute)
	}
	hits := search(t, l, "plumber")
	if len(hits) != 3 || hits[0].ID != ids[2] || hits[1].ID != ids[1] || hits[2].ID != ids[0] {
		t.Fatalf("order: %+v, want newest first", hits)
	}
}

// TestApplyRemoteTranscriptGuards: the server's transcript replaces the
// local one only while the local one is as the caller saw it — an edit, a
// save or a newer version stored meanwhile makes it refuse, changing
// nothing.
func TestApplyRemoteTranscriptGuards(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	r := mustCommit(t, l, "guards")
	remote := engineT(seg(0, "from the server"))
	texts := func() string {
		info, err := l.Transcript(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		s := ""
		for _, sg := range info.Transcript.Segments {
			s += "[" + sg.Text + "]"
		}
		return s
	}
	// None here yet: a fetch applies; a stale local version does not.
	if err := l.ApplyRemoteTranscript(ctx, r.ID, remote, 1, 3); !errors.Is(err, ErrTranscriptChanged) {
		t.Fatalf("apply against local version 3 of none: %v, want ErrTranscriptChanged", err)
	}
	if err := l.ApplyFetchedTranscript(ctx, r.ID, remote, 2); err != nil {
		t.Fatal(err)
	}
	// The same or an older version again: refused.
	for _, v := range []int64{1, 2} {
		if err := l.ApplyFetchedTranscript(ctx, r.ID, engineT(seg(0, "older")), v); !errors.Is(err, ErrTranscriptChanged) {
			t.Fatalf("fetch of version %d over 2: %v, want ErrTranscriptChanged", v, err)
		}
	}
	// Edited here: a newer fetch must not overwrite the edit.
	if err := l.EditSegment(ctx, r.ID, 0, "typed here"); err != nil {
		t.Fatal(err)
	}
	if err := l.ApplyFetchedTranscript(ctx, r.ID, engineT(seg(0, "newer")), 3); !errors.Is(err, ErrTranscriptChanged) {
		t.Fatalf("fetch over an edit: %v, want ErrTranscriptChanged", err)
	}
	if got := texts(); got != "[typed here]" {
		t.Fatalf("after refused fetch: %s", got)
	}
	// Against the local version the caller read: applies; against the one
	// before the edit: refused.
	info, _ := l.Transcript(ctx, r.ID)
	if err := l.ApplyRemoteTranscript(ctx, r.ID, engineT(seg(0, "merged")), 4, info.LocalVersion-1); !errors.Is(err, ErrTranscriptChanged) {
		t.Fatalf("apply against the version before the edit: %v", err)
	}
	if err := l.ApplyRemoteTranscript(ctx, r.ID, engineT(seg(0, "merged")), 4, info.LocalVersion); err != nil {
		t.Fatal(err)
	}
	if got := texts(); got != "[merged]" {
		t.Fatalf("after apply: %s", got)
	}
}
