package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/storage"
)

// TestSaveAsWithTranscriptBeside: with a transcript, Save as… offers one
// beside the audio; SRT writes NAME.srt next to NAME.flac, remembered for
// next time; a name already taken refuses the whole save and leaves
// nothing behind; "Audio only" writes none.
func TestSaveAsWithTranscriptBeside(t *testing.T) {
	u, lib := newTestUI(t)
	u.importTones(t, "Memo")
	u.selectTitle(t, "Memo")
	var hidden bool
	onMainWait(func() { hidden = u.details.beside.sel.Hidden })
	if !hidden {
		t.Fatal("the transcript choice shows for a recording without a transcript")
	}
	tr := twoHours()
	tr.Segments = tr.Segments[:3]
	if err := lib.SaveTranscript(context.Background(), u.shown().ID, tr, false); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the transcript choice shown", func() bool {
		u.settle()
		onMainWait(func() { hidden = u.details.beside.sel.Hidden })
		return !hidden
	})
	u.do(func() { u.details.beside.sel.SetSelectedIndex(2) }) // SRT
	if got := u.app.Preferences().String(prefTranscriptBeside); got != "srt" {
		t.Fatalf("choice remembered as %q", got)
	}
	dir := t.TempDir()
	save := func(name string) {
		w, err := storage.Writer(storage.NewFileURI(filepath.Join(dir, name)))
		if err != nil {
			t.Fatal(err)
		}
		u.do(func() { u.details.saveTo(u.details.rec, w) })
	}
	save("memo.flac")
	srt, err := os.ReadFile(filepath.Join(dir, "memo.srt"))
	if err != nil || !strings.Contains(string(srt), "00:00:00,000 --> ") || !strings.Contains(string(srt), "s1 ") {
		t.Fatalf("memo.srt: %v\n%s", err, srt)
	}
	if st, err := os.Stat(filepath.Join(dir, "memo.flac")); err != nil || st.Size() == 0 {
		t.Fatalf("memo.flac: %v", err)
	}
	if msg := u.notice(); !strings.Contains(msg, "memo.flac and memo.srt") {
		t.Fatalf("notice %q", msg)
	}

	// The name is taken: nothing written, the old file untouched.
	taken := filepath.Join(dir, "taken.srt")
	if err := os.WriteFile(taken, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	save("taken.wav")
	if _, err := os.Stat(filepath.Join(dir, "taken.wav")); !os.IsNotExist(err) {
		t.Fatalf("a refused save left taken.wav behind (%v)", err)
	}
	if b, _ := os.ReadFile(taken); string(b) != "mine" {
		t.Fatalf("taken.srt overwritten: %q", b)
	}
	if msg := u.notice(); !strings.Contains(msg, "taken.srt is there already") || strings.Contains(msg, "\n") {
		t.Fatalf("notice %q", msg)
	}

	u.do(func() { u.details.beside.sel.SetSelectedIndex(0) })
	save("plain.wav")
	if _, err := os.Stat(filepath.Join(dir, "plain.srt")); !os.IsNotExist(err) {
		t.Fatalf("audio only wrote a transcript (%v)", err)
	}
}
