package sync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// errStalled is the cause given to a transfer's context when no byte moved
// for the stall timeout: the connection is dead even if TCP has not noticed.
var errStalled = errors.New("transfer stalled")

// stallGuard cancels a transfer's context when the bytes stop moving. Reads
// through reader reset the clock; for an upload the HTTP client reads the
// body as fast as the connection takes it, so a blocked write stops reads.
type stallGuard struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
	d      time.Duration
}

func newStallGuard(parent context.Context, d time.Duration) (context.Context, *stallGuard) {
	ctx, cancel := context.WithCancelCause(parent)
	g := &stallGuard{ctx: ctx, cancel: cancel, d: d}
	if d > 0 {
		g.timer = time.AfterFunc(d, func() { cancel(fmt.Errorf("%w: no progress for %s", errStalled, d)) })
	}
	return ctx, g
}

func (g *stallGuard) reader(r io.Reader) io.Reader { return &stallReader{r: r, g: g} }

func (g *stallGuard) stop() {
	if g.timer != nil {
		g.timer.Stop()
	}
	g.cancel(nil)
}

// explain replaces a context error caused by a stall with a transient
// error that says so.
func (g *stallGuard) explain(err error) error {
	if err == nil {
		return nil
	}
	if cause := context.Cause(g.ctx); errors.Is(cause, errStalled) {
		var e *Error
		if errors.As(err, &e) {
			e.Kind, e.Err, e.Message = KindTransient, cause, ""
			return e
		}
		return &Error{Op: "transfer", Kind: KindTransient, Err: cause}
	}
	return err
}

type stallReader struct {
	r io.Reader
	g *stallGuard
}

func (s *stallReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if s.g.timer != nil {
		switch {
		case err == io.EOF:
			// An upload's body is all sent: the wait for the server to
			// verify and store it is bounded by the response header timeout.
			s.g.timer.Stop()
		case n > 0:
			s.g.timer.Reset(s.g.d)
		}
	}
	return n, err
}
