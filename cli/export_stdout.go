package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/earshot/earshot/library"
)

// exportToStdout writes r's audio, in its own format, to standard output
// (`earshot export ID -`), for a pipe or a redirection.
func exportToStdout(ctx context.Context, e *Env, r library.Recording) error {
	if isTerminal(e.Stdout) {
		return Usagef("standard output is a terminal; send the audio to a file or a program: earshot export %s - > out%s",
			library.ShortID(r.ID), r.Format.Ext())
	}
	if err := needAudio(e, r); err != nil {
		return err
	}
	f, err := os.Open(e.lib.AudioPath(r))
	if err != nil {
		return fmt.Errorf("export %s: open its audio: %w", library.ShortID(r.ID), err)
	}
	defer f.Close()
	if _, err := io.Copy(e.Stdout, ctxReader{ctx, f}); err != nil {
		if errors.Is(err, context.Canceled) {
			return err
		}
		return fmt.Errorf("export %s to standard output: %w", library.ShortID(r.ID), err)
	}
	return nil
}

// ctxReader stops a copy when ctx ends (Ctrl-C on a slow pipe).
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// needAudio refuses, in words that say what to do, an action on r that
// needs its audio when this device does not hold it (a cloud-only entry).
func needAudio(e *Env, r library.Recording) error {
	if e.lib.AudioPath(r) != "" {
		return nil
	}
	short := library.ShortID(r.ID)
	return fmt.Errorf("%q (%s) is in the cloud only, not on this device: `earshot pull %s` downloads it", printable(r.Title), short, short)
}
