package sync

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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

// noisy is a transcript of a one-second recording that stores large (its
// words do not compress): about 20 KB gzipped.
func noisy() api.Transcript {
	t := spoken("start")
	b := make([]byte, 4)
	for i := 0; i < 2500; i++ {
		rand.Read(b)
		w := hex.EncodeToString(b)
		t.Segments[0].Words = append(t.Segments[0].Words, api.Word{StartMS: 100, EndMS: 200, Text: w})
		t.Segments[0].Text += " " + w
	}
	return t
}

// TestTranscriptOverQuota: a transcript the account has no room for is
// refused by the server; this device says so in one line, keeps it (still
// to be sent) and sends it at the first sync after room was made.
func TestTranscriptOverQuota(t *testing.T) {
	ctx := context.Background()
	url := startServer(t, "--quota-bytes", "50000").URL
	email, pw := newUser(t, url)
	a := newDevice(t, "A", url, email, pw, Options{})
	r1 := a.record(t, "Lecture", 10_000)
	r2 := a.record(t, "Big one", 30_000)
	a.sync(t)
	must(t, a.lib.SaveTranscript(ctx, r1.ID, noisy(), false))
	sum, err := a.eng.SyncOnce(ctx)
	if err != nil || len(sum.Failed) != 1 || sum.Failed[0].Op != OpTranscript || sum.TranscriptsUp != 0 {
		t.Fatalf("over quota: %+v, %v; want one failed transcript", sum, err)
	}
	msg := sum.Failed[0].Err.Error()
	if !strings.Contains(msg, "storage on the server is full") || strings.Contains(msg, "\n") || strings.Contains(msg, "bytes used") {
		t.Fatalf("message %q: want one plain line about the full storage", msg)
	}
	if info, err := a.lib.Transcript(ctx, r1.ID); err != nil || !info.Dirty || len(info.Transcript.Segments) != 1 {
		t.Fatalf("kept here: %+v, %v; want it dirty, still to send", info, err)
	}
	if _, _, err := a.sess.Client().GetTranscript(ctx, r1.ID); KindOf(err) != KindNotFound {
		t.Fatalf("the server holds a transcript after refusing it: %v", err)
	}
	must(t, a.eng.Delete(ctx, r2.ID, Everywhere))
	if sum := a.sync(t); sum.TranscriptsUp != 1 {
		t.Fatalf("after making room: %+v, want the transcript sent", sum)
	}
	u, err := a.sess.Client().Usage(ctx)
	if err != nil || u.UsedBytes <= 10_000+10_000 || u.UsedBytes >= 50_000 {
		t.Fatalf("usage %+v, %v: want the recording and its transcript counted", u, err)
	}
}

// A recording deleted everywhere and restored (or removed from the cloud
// and uploaded again) is created on the server anew, without the
// transcript it had there: the one kept here is sent again, so the other
// devices can read and search it.
func TestTranscriptSentAgainWhenTheRecordingIsBack(t *testing.T) {
	for name, server := range metaServers(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			url := server(t)
			email, pw := newUser(t, url)
			a := newDevice(t, "A", url, email, pw, Options{})
			b := newDevice(t, "B", url, email, pw, Options{})
			r := a.record(t, "Keeper", 10_000)
			must(t, a.lib.SaveTranscript(ctx, r.ID, spoken("budget", "hiring"), false))
			a.sync(t)
			must(t, a.eng.Delete(ctx, r.ID, Everywhere))
			a.sync(t)
			must(t, a.lib.Restore(ctx, r.ID))
			if sum := a.sync(t); sum.Uploaded != 1 || sum.TranscriptsUp != 1 {
				t.Fatalf("A restoring: %+v, want the audio and the transcript sent", sum)
			}
			b.sync(t)
			if got := segTexts(t, b, r.ID); got != "[budget][hiring]" {
				t.Fatalf("B after the restore: transcript %q", got)
			}

			// Removed from the cloud only, then uploaded again on purpose.
			must(t, a.eng.Delete(ctx, r.ID, FromCloud))
			a.sync(t)
			must(t, a.eng.UploadAgain(ctx, r.ID))
			if sum := a.sync(t); sum.Uploaded != 1 || sum.TranscriptsUp != 1 {
				t.Fatalf("A uploading again: %+v, want the audio and the transcript sent", sum)
			}
		})
	}
}
