package device

import "sync/atomic"

// ring is a bounded single-producer single-consumer queue of samples. The
// producer (the audio callback) and the consumer (the writer goroutine) never
// wait for each other: each owns one index and publishes it atomically, so
// the callback neither locks nor allocates.
type ring struct {
	buf  []int16
	mask uint64
	w    atomic.Uint64 // samples ever written; only the producer stores
	_    [56]byte      // keep the two indexes on separate cache lines
	r    atomic.Uint64 // samples ever read; only the consumer stores
}

// newRing makes a ring holding at least n samples (rounded up to a power of
// two, so any whole number of 1- or 2-channel frames fits exactly).
func newRing(n int) *ring {
	size := 1
	for size < n {
		size <<= 1
	}
	return &ring{buf: make([]int16, size), mask: uint64(size - 1)}
}

// write copies as much of p as fits, in whole frames of frame samples, and
// returns how many samples it copied. Producer only.
func (q *ring) write(p []int16, frame int) int {
	w, r := q.w.Load(), q.r.Load()
	n := uint64(len(p))
	if free := uint64(len(q.buf)) - (w - r); n > free {
		n = free - free%uint64(frame)
	}
	i := w & q.mask
	c := copy(q.buf[i:], p[:n])
	copy(q.buf, p[c:n])
	q.w.Store(w + n)
	return int(n)
}

// read moves up to len(p) samples into p and returns how many. Consumer only.
func (q *ring) read(p []int16) int {
	r, w := q.r.Load(), q.w.Load()
	n := min(uint64(len(p)), w-r)
	i := r & q.mask
	c := copy(p[:n], q.buf[i:])
	copy(p[c:n], q.buf)
	q.r.Store(r + n)
	return int(n)
}

// buffered reports how many samples wait to be read. Either side may call it.
func (q *ring) buffered() int { return int(q.w.Load() - q.r.Load()) }

// reset empties the ring. The caller must exclude both sides (the player
// holds its lock around every ring operation).
func (q *ring) reset() { q.r.Store(q.w.Load()) }
