package ui

import (
	"context"
	"math"
	"os"
	"path/filepath"
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

// do runs f on the tests' Fyne goroutine and waits for what it started.
func (u *UI) do(f func()) {
	onMainWait(f)
	u.settle()
}

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
