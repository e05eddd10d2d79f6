package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/internal/durable"
	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/transcribe"
)

// prefTranscriptBeside remembers which transcript Save as… writes beside
// the audio ("" for none).
const prefTranscriptBeside = "export.transcript"

// besideChoices are the choices, as shown and as transcribe.WriteFormat
// names them.
var besideChoices = []struct{ label, format string }{
	{"Audio only", ""},
	{"+ transcript (TXT)", "txt"},
	{"+ transcript (SRT)", "srt"},
	{"+ transcript (WebVTT)", "vtt"},
}

// besideChoice is Save as…'s choice of a transcript written beside the
// audio (call.opus → call.srt), as `earshot export --transcript` does. The
// Save dialog (Fyne's own) takes no extra widgets, so the choice sits next
// to the button, shown while the recording has a transcript, and is
// remembered.
type besideChoice struct {
	u   *UI
	sel *widget.Select
}

func newBesideChoice(u *UI) *besideChoice {
	b := &besideChoice{u: u}
	labels := make([]string, len(besideChoices))
	for i, c := range besideChoices {
		labels[i] = c.label
	}
	b.sel = widget.NewSelect(labels, func(string) {
		u.app.Preferences().SetString(prefTranscriptBeside, b.format())
	})
	saved := u.app.Preferences().String(prefTranscriptBeside)
	b.sel.SetSelectedIndex(0)
	for i, c := range besideChoices {
		if c.format == saved {
			b.sel.SetSelectedIndex(i)
		}
	}
	b.sel.Hide()
	return b
}

// format is the chosen transcript format, "" for none or when the choice
// is not shown (no transcript).
func (b *besideChoice) format() string {
	i := b.sel.SelectedIndex()
	if i < 0 || b.sel.Hidden {
		return ""
	}
	return besideChoices[i].format
}

// plan says where the transcript goes beside audioPath and what it holds,
// before any audio is written: nothing when none is chosen or r has none;
// an error when that name is taken (nothing is overwritten unasked).
func (b *besideChoice) plan(ctx context.Context, r library.Recording, audioPath, format string) (string, []byte, error) {
	if format == "" {
		return "", nil, nil
	}
	info, err := b.u.be.Library.Transcript(ctx, r.ID)
	if err != nil || !info.Has || len(info.Transcript.Segments) == 0 {
		return "", nil, err
	}
	var buf bytes.Buffer
	if err := transcribe.WriteFormat(&buf, info.Transcript, format); err != nil {
		return "", nil, err
	}
	path := strings.TrimSuffix(audioPath, filepath.Ext(audioPath)) + "." + format
	if _, err := os.Lstat(path); err == nil {
		return "", nil, fmt.Errorf("%s is there already: choose another name, or move that file away first", filepath.Base(path))
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", nil, err
	}
	return path, buf.Bytes(), nil
}

// write puts the planned transcript in place whole, or not at all.
func (b *besideChoice) write(path string, data []byte) error {
	if path == "" {
		return nil
	}
	if err := durable.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("write the transcript beside it: %w", err)
	}
	return nil
}
