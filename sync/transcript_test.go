package sync

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
)

// spoken is a transcript of three segments within a one-second recording.
func spoken(words ...string) api.Transcript {
	t := api.Transcript{Engine: "pocketsphinx", Model: "en-us", EngineVersion: "5prealpha", Language: "en-US",
		CreatedAt: time.UnixMilli(1_700_000_000_000).UTC()}
	for i, w := range words {
		start := int64(i * 300)
		t.Segments = append(t.Segments, api.Segment{StartMS: start, EndMS: start + 250, Text: w,
			Words: []api.Word{{StartMS: start, EndMS: start + 250, Text: w, Conf: 0.9}}})
	}
	return t
}

func segTexts(t *testing.T, d *device, id string) string {
	t.Helper()
	info, err := d.lib.Transcript(context.Background(), id)
	if err != nil {
		t.Fatalf("%s: %v", d.name, err)
	}
	s := ""
	for _, sg := range info.Transcript.Segments {
		s += fmt.Sprintf("[%s]", sg.Text)
	}
	if info.Dirty {
		s += " dirty"
	}
	return s
}

// TestTranscriptSync: a transcript made on one device reaches another that
// has only the cloud entry (no audio), where search finds its words; a
// correction on either device reaches the other; corrections of different
// segments made at once both survive, and of the same segment the server's
// wins (counted as a conflict). Deleting the recording deletes it on the
// server. On both backends.
func TestTranscriptSync(t *testing.T) {
	for name, server := range metaServers(t) {
		t.Run(name, func(t *testing.T) { transcriptSync(t, server(t)) })
	}
}

func transcriptSync(t *testing.T, url string) {
	ctx := context.Background()
	email, pw := newUser(t, url)
	a := newDevice(t, "A", url, email, pw, Options{})
	b := newDevice(t, "B", url, email, pw, Options{})
	r := a.record(t, "Standup", 10_000)
	must(t, a.lib.SaveTranscript(ctx, r.ID, spoken("budget", "hiring", "roadmap"), false))
	if sum := a.sync(t); sum.TranscriptsUp != 1 {
		t.Fatalf("A: %+v, want the transcript sent", sum)
	}
	if sum := b.sync(t); sum.TranscriptsDown != 1 {
		t.Fatalf("B: %+v, want the transcript fetched", sum)
	}
	if it := b.item(t, r.ID); it.SyncState != library.CloudOnly || it.HasAudio {
		t.Fatalf("B downloaded the audio: %s", it.SyncState)
	}
	hits, err := b.lib.Search(ctx, "hiring", library.SearchOptions{})
	if err != nil || len(hits) != 1 || hits[0].ID != r.ID || hits[0].At != 300*time.Millisecond {
		t.Fatalf("B: search for a spoken word: %+v, %v", hits, err)
	}
	if got := segTexts(t, b, r.ID); got != "[budget][hiring][roadmap]" {
		t.Fatalf("B's transcript %s", got)
	}
	// Quiet: nothing goes either way.
	if sum := a.sync(t); sum.TranscriptsUp+sum.TranscriptsDown != 0 {
		t.Fatalf("A, nothing to do: %+v", sum)
	}

	// A correction on B reaches A.
	must(t, b.lib.EditSegment(ctx, r.ID, 0, "Budget review"))
	b.sync(t)
	a.sync(t)
	if got := segTexts(t, a, r.ID); got != "[Budget review][hiring][roadmap]" {
		t.Fatalf("A after B's correction: %s", got)
	}

	// Both correct at once, offline: different segments both survive; the
	// same segment keeps the version that reached the server first.
	a.net.offline.Store(true)
	b.net.offline.Store(true)
	must(t, a.lib.EditSegment(ctx, r.ID, 1, "hiring plan"))
	must(t, a.lib.EditSegment(ctx, r.ID, 2, "road map (A)"))
	must(t, b.lib.EditSegment(ctx, r.ID, 2, "road map (B)"))
	a.net.offline.Store(false)
	b.net.offline.Store(false)
	a.sync(t)
	if sum := b.sync(t); sum.TranscriptConflicts != 1 || sum.Conflicts != 0 {
		t.Fatalf("B: %+v, want one transcript conflict (segment 3 corrected on both)", sum)
	}
	a.sync(t)
	for _, d := range []*device{a, b} {
		if got := segTexts(t, d, r.ID); got != "[Budget review][hiring plan][road map (A)]" {
			t.Errorf("%s after concurrent corrections: %s", d.name, got)
		}
	}

	// Deleted everywhere: the server's transcript goes too.
	must(t, a.eng.Delete(ctx, r.ID, Everywhere))
	a.sync(t)
	if _, _, err := a.sess.Client().GetTranscript(ctx, r.ID); KindOf(err) != KindNotFound {
		t.Fatalf("transcript of a deleted recording: %v", err)
	}
}

// editOnFetch is B's network with a user at the keyboard: the moment B asks
// the server for a transcript, before the answer arrives, edit runs (a
// correction typed in the window while the sync pass is between listing
// what to fetch and storing it).
type editOnFetch struct {
	rt   http.RoundTripper
	edit func()
	done atomic.Bool
}

func (e *editOnFetch) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/transcript") && !e.done.Swap(true) {
		e.edit()
	}
	return e.rt.RoundTrip(r)
}

// TestTranscriptFetchKeepsEditMadeMeanwhile: a correction made on this
// device after the sync pass decided to fetch the server's newer transcript
// but before it stored it is not overwritten; it is pushed and merged, so
// both devices end with both corrections.
func TestTranscriptFetchKeepsEditMadeMeanwhile(t *testing.T) {
	ctx := context.Background()
	url := sharedServer(t).URL
	email, pw := newUser(t, url)
	a := newDevice(t, "A", url, email, pw, Options{})
	b := newDevice(t, "B", url, email, pw, Options{})
	r := a.record(t, "Standup", 10_000)
	must(t, a.lib.SaveTranscript(ctx, r.ID, spoken("budget", "hiring", "roadmap"), false))
	a.sync(t)
	b.sync(t)

	must(t, a.lib.EditSegment(ctx, r.ID, 0, "budget review"))
	a.sync(t)
	hook := &editOnFetch{rt: b.net.rt, edit: func() { must(t, b.lib.EditSegment(ctx, r.ID, 2, "road map")) }}
	b.net.rt = hook
	b.sync(t)
	if !hook.done.Load() {
		t.Fatal("B never fetched A's correction")
	}
	b.sync(t)
	a.sync(t)
	for _, d := range []*device{a, b} {
		if got := segTexts(t, d, r.ID); got != "[budget review][hiring][road map]" {
			t.Errorf("%s: %s, want both corrections", d.name, got)
		}
	}
}
