package library

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/earshot/earshot/audio"
)

// ImportError is why one file could not be imported. Its message names the
// file once and says why in words ("import notes.txt: not an audio file
// Earshot can read: unknown content; supported: …"), whatever depth of
// wrapping the cause had; errors.Is still sees the cause.
type ImportError struct {
	File string // the file's base name
	Err  error
}

func (e *ImportError) Error() string { return "import " + e.File + ": " + e.Reason() }

// Unwrap gives the cause, for errors.Is.
func (e *ImportError) Unwrap() error { return e.Err }

// Reason says why, without the file name: for a caller that names the file
// itself (the CLI prints one line per bad file).
func (e *ImportError) Reason() string {
	msg := e.Err.Error()
	switch {
	case errors.Is(e.Err, fs.ErrNotExist):
		return "no such file"
	case DiskFull(e.Err):
		return "the disk is full: free some space (earshot trash empty) and import it again"
	case errors.Is(e.Err, fs.ErrPermission):
		return "Earshot may not read it (check the file's permissions)"
	case errors.Is(e.Err, audio.ErrCorrupt):
		return "the audio in it is damaged: " + after(msg, audio.ErrCorrupt.Error())
	case errors.Is(e.Err, audio.ErrUnsupported):
		return "not an audio file Earshot can read: " + after(msg, audio.ErrUnsupported.Error()) + "; supported: WAV, FLAC, Ogg Opus, MP3"
	}
	return msg
}

// after is the detail that follows sentinel in msg ("unknown content" in
// "detect format of x: not an audio file Earshot can read: unknown
// content; supported: …"), without the list of formats every
// unsupported-file message ends with.
func after(msg, sentinel string) string {
	if i := strings.LastIndex(msg, sentinel+": "); i >= 0 {
		msg = msg[i+len(sentinel)+2:]
	}
	if i := strings.Index(msg, "; supported:"); i >= 0 {
		msg = msg[:i]
	}
	return msg
}
