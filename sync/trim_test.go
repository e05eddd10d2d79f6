package sync

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/internal/human"
	ta "github.com/earshot/earshot/internal/testaudio"
	"github.com/earshot/earshot/library"
)

// TestTrimReachesTheOtherDevice trims a synced recording on A: A has the
// new recording and the original in its trash; after both sync, B has the
// new one (cloud-only) and the original in its trash,
// restorable.
func TestTrimReachesTheOtherDevice(t *testing.T) {
	srv := sharedServer(t)
	email, pw := newUser(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{})
	b := newDevice(t, "B", srv.URL, email, pw, Options{})
	ctx := context.Background()

	p, err := a.lib.BeginRecording(ctx, "Lecture", audio.FLAC)
	if err != nil {
		t.Fatal(err)
	}
	ta.WriteFile(t, p.PartPath, audio.FLAC, ta.Tone(4*time.Second, 440, 0.3))
	r, err := a.lib.Commit(ctx, p, audio.Info{})
	if err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	b.sync(t)
	if err := b.eng.Download(ctx, r.ID); err != nil {
		t.Fatal(err)
	}

	nr, err := Trim(ctx, a.x, r.ID, time.Second, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if it := a.item(t, r.ID); !it.Trashed() || it.SyncState != library.PendingDelete {
		t.Fatalf("A's original after trim: trashed %v, %s", it.Trashed(), it.SyncState)
	}
	a.sync(t)
	b.sync(t)
	it := b.item(t, nr.ID)
	if it.Title != "Lecture (trimmed)" || it.SyncState != library.CloudOnly {
		t.Fatalf("B's view of the trimmed recording: %q, %s", it.Title, it.SyncState)
	}
	if orig := b.item(t, r.ID); !orig.Trashed() {
		t.Fatalf("B's original is not in the trash: %+v", orig)
	}
	if err := b.lib.Restore(ctx, r.ID); err != nil {
		t.Fatalf("restore the original on B: %v", err)
	}
}

// TestTrimCarriesMetadataToTheOtherDevice trims, on A, a recording whose
// bookmarks, tags, favourite mark and transcript B and C already have (B
// with the audio, C only the cloud entry): after they sync, B's trimmed
// recording has the bookmarks and transcript of the kept part with their
// times shifted to its start, the tags and the mark, and plays the kept
// 2 s once downloaded; the original sits in B's trash with all of its own
// metadata. C, which had no audio to keep, drops the original (the cloud's
// copy is gone); restored on B, it comes back out of A's trash and into
// C's list, bookmarks and all. On both server backends.
func TestTrimCarriesMetadataToTheOtherDevice(t *testing.T) {
	for name, server := range metaServers(t) {
		t.Run(name, func(t *testing.T) { trimCarriesMetadata(t, server(t)) })
	}
}

func trimCarriesMetadata(t *testing.T, url string) {
	ctx := context.Background()
	email, pw := newUser(t, url)
	a := newDevice(t, "A", url, email, pw, Options{})
	b := newDevice(t, "B", url, email, pw, Options{})
	c := newDevice(t, "C", url, email, pw, Options{})
	p, err := a.lib.BeginRecording(ctx, "Lecture", audio.FLAC)
	if err != nil {
		t.Fatal(err)
	}
	ta.WriteFile(t, p.PartPath, audio.FLAC, ta.Tone(4*time.Second, 440, 0.3))
	r, err := a.lib.Commit(ctx, p, audio.Info{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		at   time.Duration
		name string
	}{{500 * time.Millisecond, "intro"}, {1500 * time.Millisecond, "point"}, {2500 * time.Millisecond, ""}, {3500 * time.Millisecond, "end"}} {
		if _, err := a.lib.AddBookmark(ctx, r.ID, m.at, m.name); err != nil {
			t.Fatal(err)
		}
	}
	must(t, a.lib.SetTags(ctx, r.ID, []string{"work"}))
	must(t, a.lib.SetFavorite(ctx, r.ID, true))
	tr := api.Transcript{Engine: "pocketsphinx", Model: "en-us", EngineVersion: "5prealpha", Language: "en-US",
		CreatedAt: time.UnixMilli(1_700_000_000_000).UTC(), Segments: []api.Segment{
			{StartMS: 100, EndMS: 800, Text: "hello", Words: []api.Word{{StartMS: 100, EndMS: 800, Text: "hello", Conf: 0.9}}},
			{StartMS: 1200, EndMS: 1800, Text: "budget", Words: []api.Word{{StartMS: 1200, EndMS: 1800, Text: "budget", Conf: 0.9}}},
			{StartMS: 2000, EndMS: 2900, Text: "hiring plans", Words: []api.Word{
				{StartMS: 2000, EndMS: 2400, Text: "hiring", Conf: 0.8}, {StartMS: 2500, EndMS: 2900, Text: "plans", Conf: 0.7}}},
			{StartMS: 3200, EndMS: 3800, Text: "bye", Words: []api.Word{{StartMS: 3200, EndMS: 3800, Text: "bye", Conf: 0.9}}},
		}}
	must(t, a.lib.SaveTranscript(ctx, r.ID, tr, false))
	const allMarks = "0:00.5 intro, 0:01.5 point, 0:02.5, 0:03.5 end"
	a.sync(t)
	b.sync(t)
	c.sync(t)
	if err := b.eng.Download(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if got := markList(t, b, r.ID); got != allMarks {
		t.Fatalf("B's bookmarks before the trim: %s", got)
	}

	nr, err := Trim(ctx, a.x, r.ID, time.Second, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	b.sync(t)
	c.sync(t)
	if got := markList(t, c, nr.ID); got != "0:00.5 point, 0:01.5" {
		t.Errorf("C's bookmarks on the trimmed recording: %s", got)
	}
	if _, err := c.x.Item(ctx, r.ID); err == nil {
		t.Errorf("C kept an entry for the original, whose audio it never had and the cloud no longer has")
	}
	it := b.item(t, nr.ID)
	if it.Title != "Lecture (trimmed)" || !it.Favorite || !slices.Equal(it.Tags, []string{"work"}) {
		t.Errorf("B's trimmed recording: %q, favourite %v, tags %v", it.Title, it.Favorite, it.Tags)
	}
	if got := markList(t, b, nr.ID); got != "0:00.5 point, 0:01.5" {
		t.Errorf("B's bookmarks on the trimmed recording: %s, want 0:00.5 point, 0:01.5", got)
	}
	if got, want := segTimes(t, b, nr.ID), "[200-800 budget: budget@200-800][1000-1900 hiring plans: hiring@1000-1400 plans@1500-1900]"; got != want {
		t.Errorf("B's transcript of the trimmed recording:\n%s\nwant\n%s", got, want)
	}
	hits, err := b.lib.Search(ctx, "plans", library.SearchOptions{})
	if err != nil || len(hits) != 1 || hits[0].ID != nr.ID || hits[0].At != 1500*time.Millisecond {
		t.Errorf("B: search for a kept word: %+v, %v; want the trimmed recording at 0:01.5", hits, err)
	}
	if err := b.eng.Download(ctx, nr.ID); err != nil {
		t.Fatal(err)
	}
	if got := len(ta.ReadFile(t, b.lib.AudioPath(b.item(t, nr.ID).Recording))); got != 2*ta.Rate {
		t.Errorf("B's trimmed audio: %d samples, want %d", got, 2*ta.Rate)
	}

	if orig := b.item(t, r.ID); !orig.Trashed() {
		t.Fatalf("B's original is not in the trash: %+v", orig)
	}
	must(t, b.lib.Restore(ctx, r.ID))
	if got := markList(t, b, r.ID); got != allMarks {
		t.Errorf("B's restored original lost bookmarks: %s", got)
	}
	if got := segTimes(t, b, r.ID); !strings.HasPrefix(got, "[100-800 hello") || !strings.Contains(got, "[3200-3800 bye") {
		t.Errorf("B's restored original's transcript: %s", got)
	}
	b.sync(t)
	a.sync(t)
	c.sync(t)
	if orig := a.item(t, r.ID); orig.Trashed() {
		t.Errorf("restored on B, the original is still in A's trash")
	}
	if orig := c.item(t, r.ID); orig.Trashed() || orig.Title != "Lecture" {
		t.Errorf("restored on B, C's original: %q, trashed %v", orig.Title, orig.Trashed())
	}
	if got := markList(t, c, r.ID); got != allMarks {
		t.Errorf("restored on B, C's original has bookmarks %s", got)
	}
}

// markList is d's bookmarks of id as "0:01.5 name, …".
func markList(t *testing.T, d *device, id string) string {
	t.Helper()
	marks, err := d.lib.Bookmarks(context.Background(), id)
	if err != nil {
		t.Fatalf("%s: %v", d.name, err)
	}
	var out []string
	for _, m := range marks {
		out = append(out, strings.TrimSpace(human.Moment(time.Duration(m.AtMS)*time.Millisecond)+" "+m.Name))
	}
	return strings.Join(out, ", ")
}

// segTimes is d's transcript of id with segment and word times.
func segTimes(t *testing.T, d *device, id string) string {
	t.Helper()
	info, err := d.lib.Transcript(context.Background(), id)
	if err != nil {
		t.Fatalf("%s: %v", d.name, err)
	}
	s := ""
	for _, sg := range info.Transcript.Segments {
		s += fmt.Sprintf("[%d-%d %s:", sg.StartMS, sg.EndMS, sg.Text)
		for _, w := range sg.Words {
			s += fmt.Sprintf(" %s@%d-%d", w.Text, w.StartMS, w.EndMS)
		}
		s += "]"
	}
	return s
}
