package ui

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/internal/testenv"
	"github.com/earshot/earshot/library"
)

func TestMain(m *testing.M) {
	q := make(chan func(), 4096)
	go func() { // the tests' "Fyne goroutine"
		for f := range q {
			f()
		}
	}()
	onMain = func(f func()) { q <- f }
	onMainWait = func(f func()) {
		done := make(chan struct{})
		q <- func() { f(); close(done) }
		<-done
	}
	code := m.Run()
	testenv.RemoveBuilds()
	os.Exit(code)
}

// settle waits until no background job runs and every update they queued
// for the Fyne goroutine has been applied.
func (u *UI) settle() {
	for {
		u.tasks.wait()
		onMainWait(func() {})
		u.tasks.mu.Lock()
		idle := u.tasks.n == 0
		u.tasks.mu.Unlock()
		if idle {
			return
		}
	}
}

// onMainValue returns what f answers on the tests' Fyne goroutine: how a
// test reads UI state, which background jobs write there (a read outside it
// races with them). Never call it from inside onMainWait, u.do or
// u.eventually: the goroutine would wait for itself.
func onMainValue[T any](f func() T) T {
	var v T
	onMainWait(func() { v = f() })
	return v
}

// onMainCheck runs assertions on the tests' Fyne goroutine. f reports a
// fault with t.Error and returns: t.Fatal there would end that goroutine,
// and this test and every one after it would hang. The test stops if it
// has failed.
func onMainCheck(t *testing.T, f func()) {
	t.Helper()
	onMainWait(f)
	if t.Failed() {
		t.FailNow()
	}
}

// shown is the recording the details pane shows.
func (u *UI) shown() library.Recording {
	return onMainValue(func() library.Recording { return u.details.rec })
}

// listed is what the library list shows, top to bottom.
func (u *UI) listed() []string { return onMainValue(u.list.titles) }

// notice is the notice strip's text ("" when none shows).
func (u *UI) notice() string { return onMainValue(u.notices.text) }

// noticeHistory is every notice shown so far, oldest first.
func (u *UI) noticeHistory() []string {
	return onMainValue(func() []string { return slices.Clone(u.notices.history) })
}

// undoOffered reports whether the notice strip offers Undo.
func (u *UI) undoOffered() bool { return onMainValue(func() bool { return !u.notices.action.Hidden }) }

// selectedID is the id of the recording the list has selected.
func (u *UI) selectedID() string { return onMainValue(func() string { return u.list.selected }) }

// ownDialog reports whether one of the window's own dialogs (u.modal) is open.
func (u *UI) ownDialog() bool { return onMainValue(func() bool { return u.modal != nil }) }

// titleField is what the details pane's title field holds.
func (u *UI) titleField() string { return onMainValue(func() string { return u.details.title.Text }) }

// do runs f on the tests' Fyne goroutine and waits for what it started.
func (u *UI) do(f func()) {
	onMainWait(f)
	u.settle()
}

// chaos, set by chaos_test.go (-tags chaos), stirs every test window.
var chaos func(ctx context.Context, u *UI)

// newTestUI opens a real library in a temporary folder and builds the window
// over it with the null audio backend (silence at real-time rate).
func newTestUI(t *testing.T) (*UI, *library.Library) {
	t.Helper()
	lib, err := library.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	// Off unless a test is about transcripts: otherwise every imported tone
	// makes the window's worker load PocketSphinx, and each test waits
	// seconds for it at cleanup.
	if err := lib.SetAutoTranscribe(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	return newTestUIWith(t, NewBackend(lib, "null")), lib
}

func newTestUIWith(t *testing.T, be Backend) *UI {
	t.Helper()
	a := test.NewTempApp(t)
	ctx, cancel := context.WithCancel(context.Background())
	var u *UI
	onMainWait(func() { u = New(ctx, a, be) })
	if chaos != nil {
		chaos(ctx, u)
	}
	t.Cleanup(func() {
		cancel()
		u.wait()
		onMainWait(u.win.Close)
	})
	u.do(func() { u.win.Resize(fyne.NewSize(900, 700)) })
	return u
}

// tapAndWait presses a button and waits for every job it started to land.
func (u *UI) tapAndWait(b fyne.Tappable) { u.do(func() { test.Tap(b) }) }

// waitUntil polls a real outcome that has no event of its own to wait on
// (audio time passing in the recorder), failing after a generous deadline.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// writeTone writes a WAV file with a one-second 440 Hz tone.
func writeTone(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	enc, err := audio.Create(path, audio.WAV, 48000, 1)
	if err != nil {
		t.Fatal(err)
	}
	pcm := make([]int16, 48000)
	for i := range pcm {
		pcm[i] = int16(12000 * math.Sin(2*math.Pi*440*float64(i)/48000))
	}
	if err := enc.Write(pcm); err != nil {
		t.Fatal(err)
	}
	if _, err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// titles lists what the library list shows, top to bottom.
func (p *libraryPanel) titles() []string {
	var s []string
	for _, r := range p.items {
		s = append(s, r.Title)
	}
	return s
}
