package device

import (
	"os"
	"time"

	"github.com/earshot/earshot/audio"
)

// writer is the recorder's half on the writer goroutine: the scratch buffer
// the ring drains into, the level window and the overrun count last told.
type writer struct {
	r        *Recorder
	chunk    []int16
	meter    levelWindow
	told     uint64
	failed   bool // the encoder returned an error: write nothing more
	lastSize int64
}

func newWriter(r *Recorder) *writer {
	return &writer{
		r:     r,
		chunk: make([]int16, r.cfg.SampleRate/10*r.cfg.Channels),
		meter: newLevelWindow(r.cfg.SampleRate/levelsPerSecond, r.cfg.Channels),
	}
}

// drain moves what the ring holds into the encoder, publishing levels as
// whole windows fill, then the new stats and any new overruns.
func (w *writer) drain() error {
	r := w.r
	// Take only what is there now: a writer slower than real time must
	// still come back to publish stats and overruns.
	for todo := r.ring.buffered(); todo > 0; {
		n := r.ring.read(w.chunk[:min(todo, len(w.chunk))])
		todo -= n
		pcm := w.chunk[:n]
		if err := r.enc.Write(pcm); err != nil {
			w.failed = true
			return err
		}
		r.written += int64(n / r.cfg.Channels)
		w.meter.add(pcm, func(l audio.Level) {
			offer(r.levels, l)
			r.mu.Lock()
			r.stats.Level = l
			r.mu.Unlock()
		})
	}
	r.mu.Lock()
	r.stats.Elapsed = time.Duration(r.written) * time.Second / time.Duration(r.cfg.SampleRate)
	r.stats.Bytes = w.lastSize
	r.mu.Unlock()
	if d := r.dropped.Load(); d != w.told {
		w.told = d
		offer(r.overruns, int64(d))
	}
	return nil
}

// sync makes what was written durable and notes the file's size.
func (w *writer) sync() error {
	if err := w.r.enc.Sync(); err != nil {
		w.failed = true
		return err
	}
	if st, err := os.Stat(w.r.path); err == nil {
		w.lastSize = st.Size()
	}
	return nil
}
