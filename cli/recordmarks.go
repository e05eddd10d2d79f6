package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/earshot/earshot/audio/device"
	"github.com/earshot/earshot/internal/human"
	"github.com/earshot/earshot/library"
)

// markKeys turns the user's input during `earshot record` into bookmark
// requests: on a terminal every key press is one (no Enter needed; Ctrl-C
// still stops the recording), from a pipe every line is one, named by the
// line's text. restore gives the terminal back as it was.
func markKeys(in io.Reader) (names <-chan string, restore func(), onTerminal bool) {
	ch := make(chan string, 16)
	f, isFile := in.(*os.File)
	if isFile && isTerminal(f) {
		restore, err := keysMode(f)
		switch {
		case err == nil:
			go readKeys(f, ch)
			return ch, restore, true
		case errors.Is(err, errBackground):
			// Reading the terminal from the background would stop us (SIGTTIN).
			close(ch)
			return ch, func() {}, false
		}
	}
	if in == nil {
		close(ch)
		return ch, func() {}, false
	}
	go readLines(in, ch)
	return ch, func() {}, false
}

// errBackground: the terminal belongs to another process group (earshot
// record &), so its keys are not ours to read.
var errBackground = errors.New("not the terminal's foreground process")

// readKeys sends one request per read: a key, or a key's escape sequence.
func readKeys(f *os.File, ch chan<- string) {
	defer close(ch)
	buf := make([]byte, 64)
	for {
		if _, err := f.Read(buf); err != nil {
			return
		}
		ch <- ""
	}
}

func readLines(in io.Reader, ch chan<- string) {
	defer close(ch)
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		ch <- strings.TrimSpace(sc.Text())
	}
}

// recordingMarker adds the bookmarks asked for while recording p, at the
// moment recorded so far, and says so on w.
type recordingMarker struct {
	ctx context.Context
	lib *library.Library
	p   *library.Pending
	rec *device.Recorder
	w   io.Writer
	n   int
}

func (m *recordingMarker) mark(name string) {
	at := m.rec.Stats().Elapsed
	if _, err := m.lib.AddBookmark(m.ctx, m.p.ID, at, name); err != nil {
		fmt.Fprintf(m.w, "warning: no bookmark at %s: %s\n", human.Moment(at), oneLine(err.Error()))
		return
	}
	m.n++
	label := ""
	if name != "" {
		label = fmt.Sprintf(" %q", name)
	}
	fmt.Fprintf(m.w, "bookmark %d%s at %s\n", m.n, label, human.Moment(at))
}
