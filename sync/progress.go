package sync

import (
	"io"
	"time"

	"github.com/earshot/earshot/library"
)

// progressEvery bounds how often one transfer reports progress.
const progressEvery = 100 * time.Millisecond

// tracker follows one transfer: it keeps Status.Transfers and BytesDone
// current and emits throttled ItemProgress events.
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
	e.mu.Unlock()
	return &tracker{e: e, t: t, title: it.Title}
}

// set records that done bytes of the transfer have moved (it may go back
// when a broken piece is sent again).
func (tr *tracker) set(done int64) {
	now := time.Now()
	final := done == tr.t.Total
	tr.e.mu.Lock()
	tr.e.status.BytesDone += done - tr.done
	tr.t.Done = done
	tr.done = done
	quiet := !final && now.Sub(tr.last) < progressEvery
	if !quiet {
		tr.last = now
	}
	passDone, passTotal := tr.e.status.BytesDone, tr.e.status.BytesTotal
	tr.e.mu.Unlock()
	if quiet {
		return
	}
	tr.e.emit(Event{Kind: ItemProgress, Op: tr.t.Op, ID: tr.t.ID, Title: tr.title, Done: done, Total: tr.t.Total,
		PassDone: passDone, PassTotal: passTotal})
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
