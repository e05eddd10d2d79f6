package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/server/blob"
)

// Every request gets deadlines when its handler starts: BodyTimeout to
// send its body and WriteTimeout to read the answer. Audio transfers
// (uploads and downloads) may take longer, as long as they keep moving:
// each RateWindow in which at least MinRate bytes per second moved extends
// their deadline by one more window. So a client that stalls, or trickles
// a byte now and then, holds its connection for a bounded time.

// deadlines sets a request's read and write deadlines before next runs.
func (s *Server) deadlines(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		now := time.Now()
		// Errors mean the connection cannot take deadlines (a test
		// recorder); there is nothing to bound then.
		rc.SetReadDeadline(now.Add(s.cfg.BodyTimeout))
		rc.SetWriteDeadline(now.Add(s.cfg.BodyTimeout + s.cfg.WriteTimeout))
		next.ServeHTTP(w, r)
	})
}

// pacer extends a transfer's deadline while it keeps at least the minimum
// rate: one window at a time, each earned by moving a window's worth of
// bytes.
type pacer struct {
	ctx    context.Context // once it ends, the deadline stays passed (a delete stopped the upload)
	rc     *http.ResponseController
	window time.Duration
	quota  int64 // bytes to move within one window
	moved  int64 // bytes moved since the deadline was last extended
	set    func(rc *http.ResponseController, t time.Time) error
}

func (s *Server) newPacer(ctx context.Context, w http.ResponseWriter, set func(*http.ResponseController, time.Time) error) *pacer {
	p := &pacer{
		ctx: ctx, rc: http.NewResponseController(w), window: s.cfg.RateWindow,
		quota: max(1, int64(float64(s.cfg.MinRate)*s.cfg.RateWindow.Seconds())), set: set,
	}
	p.extend()
	return p
}

func (p *pacer) extend() {
	p.moved = 0
	if p.ctx.Err() == nil {
		p.set(p.rc, time.Now().Add(p.window))
	}
	// Checked again after: a stop that came in between set the deadline
	// to now, and the line above may have moved it on.
	if p.ctx.Err() != nil {
		p.set(p.rc, time.Now())
	}
}

func (p *pacer) add(n int) {
	if p.moved += int64(n); p.moved >= p.quota {
		p.extend()
	}
}

// transferBody is an upload's request body read at the minimum rate; it
// remembers how the client's body went, to tell a short or broken body
// (the client's fault) from a store that stopped reading (the server's).
type transferBody struct {
	r     io.Reader
	p     *pacer
	size  int64 // the bytes the upload declares
	n     int64 // the bytes read
	ended bool  // the client's body hit EOF
	err   error // a read error from the client's side
}

// uploadBody wraps r's body for an upload of size bytes.
func (s *Server) uploadBody(w http.ResponseWriter, r *http.Request, size int64) *transferBody {
	// The answer is written after the whole body: its deadline moves with
	// the reads too.
	set := func(rc *http.ResponseController, t time.Time) error {
		rc.SetWriteDeadline(t.Add(s.cfg.WriteTimeout))
		return rc.SetReadDeadline(t)
	}
	return &transferBody{r: http.MaxBytesReader(w, r.Body, size+1), p: s.newPacer(r.Context(), w, set), size: size}
}

func (b *transferBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	b.p.add(n)
	switch {
	case err == io.EOF:
		b.ended = true
	case err != nil && b.err == nil:
		b.err = err
	}
	return n, err
}

// bodyFailure answers a store write through b that failed for a reason the
// store did not name: the client's body was too slow, too long, broken off
// or short (then short is the answer), or else the store itself failed.
func (s *Server) bodyFailure(r *http.Request, b *transferBody, err error, short *httpError) error {
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(b.err, os.ErrDeadlineExceeded):
		return errTooSlow
	case errors.As(b.err, &mbe) || b.n > b.size:
		return errorf(http.StatusRequestEntityTooLarge, api.CodeTooLarge, "the body is longer than the recording's size_bytes")
	case b.err != nil, b.ended && errors.Is(err, blob.ErrSize):
		return short
	}
	return s.storeFailure(r, err)
}

// errTooSlow answers a client whose transfer fell below the minimum rate.
var errTooSlow = errorf(http.StatusRequestTimeout, api.CodeTimeout,
	"the transfer was too slow or stalled, and the server stopped waiting; resume it (a chunked upload keeps its chunks)")

// transferWriter is a download's response writer held to the minimum rate.
type transferWriter struct {
	http.ResponseWriter
	p *pacer
}

func (s *Server) downloadWriter(r *http.Request, w http.ResponseWriter) *transferWriter {
	set := func(rc *http.ResponseController, t time.Time) error { return rc.SetWriteDeadline(t) }
	return &transferWriter{ResponseWriter: w, p: s.newPacer(r.Context(), w, set)}
}

func (w *transferWriter) Write(b []byte) (int, error) {
	// Write in pieces of at most a window's quota, so a reader that
	// takes each piece at the minimum rate never meets the deadline.
	var done int
	for len(b) > 0 {
		k := min(len(b), int(w.p.quota))
		n, err := w.ResponseWriter.Write(b[:k])
		done += n
		w.p.add(n)
		if err != nil {
			return done, err
		}
		b = b[k:]
	}
	return done, nil
}

// Unwrap lets http.ResponseController reach the real writer.
func (w *transferWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
