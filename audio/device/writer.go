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
	levels   []audio.Level // measured, waiting for their tick
	told     uint64
	failed   bool // the encoder returned an error: write nothing more
	lastSize int64
}

func newWriter(r *Recorder) *writer {
	return &writer{
		r:     r,
		chunk: make([]int16, r.cfg.SampleRate/10*r.cfg.Channels),
		meter: newLevelWindow(r.cfg.SampleRate/levelsPerSecond, r.cfg.Channels),
		// Two periods' worth of readings: room for the lumps, a bound on lag.
		levels: make([]audio.Level, 0, 2*devicePeriod*levelsPerSecond/1000+1),
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
		w.meter.add(pcm, w.queueLevel)
		if r.tap != nil {
			r.tap(pcm)
		}
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

// queueLevel keeps a level reading for publishLevel, dropping the oldest
// when the writer has fallen behind so the meter never lags far.
func (w *writer) queueLevel(l audio.Level) {
	if len(w.levels) == cap(w.levels) {
		w.levels = append(w.levels[:0], w.levels[1:]...)
	}
	w.levels = append(w.levels, l)
}

// publishLevel publishes the oldest queued reading, one per tick.
func (w *writer) publishLevel() {
	if len(w.levels) == 0 {
		return
	}
	l := w.levels[0]
	w.levels = append(w.levels[:0], w.levels[1:]...)
	offer(w.r.levels, l)
	w.r.mu.Lock()
	w.r.stats.Level = l
	w.r.mu.Unlock()
}

// sync makes what was written durable and notes the file's size.
func (w *writer) sync() error {
	if err := w.r.enc.Sync(); err != nil {
		w.failed = true
		return err
	}
	w.r.synced = w.r.written
	if st, err := os.Stat(w.r.path); err == nil {
		w.lastSize = st.Size()
	}
	return nil
}
