package sync

import (
	"io"
	"time"

	"github.com/earshot/earshot/library"
)

// progressEvery bounds how often one transfer reports progress.
const progressEvery = 100 * time.Millisecond

// tracker follows one transfer: it keeps Status.Transfers and the pass's
// Progress current and emits throttled ItemProgress events.
type tracker struct {
	e     *Engine
	t     *Transfer
	done  int64     // as last reported into the status; guarded by e.mu
	last  time.Time // of the last event; guarded by e.mu
	title string
}

func (e *Engine) track(op Op, it library.SyncItem) *tracker {
	t := &Transfer{ID: it.ID, Title: it.Title, Op: op, Total: it.Size}
	e.mu.Lock()
	e.transfers[it.ID] = t
	if e.status.Started.IsZero() {
		e.status.Started = time.Now()
	}
	e.mu.Unlock()
	return &tracker{e: e, t: t, title: it.Title}
}

// set records that the transfer stands at done bytes: moved now, or held
// from an earlier run when it resumes (it may go back when a broken piece is
// sent again).
func (tr *tracker) set(done int64) { tr.update(done, 0) }

// moved records n bytes sent or received by this run, now at done.
func (tr *tracker) moved(done, n int64) { tr.update(done, n) }

func (tr *tracker) update(done, moved int64) {
	now := time.Now()
	final := done == tr.t.Total
	tr.e.mu.Lock()
	tr.e.status.BytesDone += done - tr.done
	tr.e.status.BytesMoved += moved
	tr.e.status.Current = tr.title
	tr.t.Done = done
	tr.done = done
	quiet := !final && now.Sub(tr.last) < progressEvery
	if !quiet {
		tr.last = now
	}
	pass := tr.e.status.Progress
	tr.e.mu.Unlock()
	if quiet {
		return
	}
	tr.e.emit(Event{Kind: ItemProgress, Op: tr.t.Op, ID: tr.t.ID, Title: tr.title, Done: done, Total: tr.t.Total, Pass: pass})
}

func (tr *tracker) finish() {
	tr.e.mu.Lock()
	delete(tr.e.transfers, tr.t.ID)
	tr.e.mu.Unlock()
}

// counter calls add with the size of every read.
type counter struct {
	r   io.Reader
	add func(int64)
}

func (c *counter) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.add(int64(n))
	}
	return n, err
}
