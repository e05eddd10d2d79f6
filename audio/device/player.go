package device

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"
	"time"
	"unsafe"

	"github.com/earshot/earshot/audio"
	"github.com/gen2brain/malgo"
)

const (
	// playBuffer is how much decoded audio waits for the device.
	playBuffer = time.Second
	// playPeriod and playPeriods size the device's buffer (200 ms): a busy
	// machine delays the audio thread, and with PulseAudio's 20 ms default
	// that made audible gaps. Playback latency does not matter; gaps do.
	playPeriod, playPeriods = 50, 4
	// playTail is the silence played after the last sample before the
	// player reports the end, so the device's own buffer plays out.
	playTail = 250 * time.Millisecond
)

// Player plays one audio file on the default output device. Decoding and
// file reading happen on a goroutine; miniaudio's callback only copies
// decoded samples out of a buffer. Its methods are safe for concurrent use.
//
// Lock order: stateMu, then decMu, then mu.
type Player struct {
	info audio.Info
	ch   int
	mctx *malgo.AllocatedContext
	dev  *malgo.Device

	mu      sync.Mutex // guards the fields below; the callback holds it only to copy
	q       *ring
	origin  int64   // the recording frame playback (re)started at
	pos     int64   // frames the callback has taken since then
	speed   float64 // of what q holds
	skips   []span  // of what q holds
	eof     bool    // the source is exhausted: q holds the rest of the file
	tail    int     // frames of silence played since q ran dry at eof
	endSent bool

	decMu   sync.Mutex // guards src, pending, atEnd, err
	src     *source
	pending []int16 // decoded, not yet queued
	atEnd   bool
	err     error

	stateMu    sync.Mutex // guards playing, done, doneClosed, closed
	playing    bool
	done       chan struct{}
	doneClosed bool
	closed     bool

	need      chan struct{} // the callback asks for more audio
	ended     chan struct{} // the callback played the end and its tail
	cancel    context.CancelFunc
	filled    chan struct{} // closed when the filler goroutine exits
	closeOnce sync.Once
	closeErr  error
}

// NewPlayer opens the file at path (any format audio.OpenDecoder reads) for
// playback on backend's default output device ("" picks as described in the
// package documentation). It starts paused at the beginning; call Play.
// The player closes itself when ctx is done; Close it when finished.
func NewPlayer(ctx context.Context, path, backend string) (*Player, error) {
	return newPlayer(ctx, path, backend, "")
}

// newPlayer plays on the output device with the given name or ID ("" for
// the default). Tests use it to keep their audio on a private sink.
func newPlayer(ctx context.Context, path, backend, device string) (*Player, error) {
	dec, err := audio.OpenDecoder(path)
	if err != nil {
		return nil, fmt.Errorf("play %s: %w", filepath.Base(path), err)
	}
	info := dec.Info()
	p := &Player{
		info: info, ch: info.Channels, src: newSource(dec), speed: 1,
		q:      newRing(int(playBuffer.Seconds() * float64(info.SampleRate*info.Channels))),
		done:   make(chan struct{}),
		need:   make(chan struct{}, 1),
		ended:  make(chan struct{}, 1),
		filled: make(chan struct{}),
	}
	if err := p.openDevice(backend, device); err != nil {
		dec.Close()
		return nil, fmt.Errorf("play %s: %w", filepath.Base(path), err)
	}
	ctx, p.cancel = context.WithCancel(ctx)
	go p.fill(ctx)
	go func() {
		<-ctx.Done()
		p.Close()
	}()
	return p, nil
}

func (p *Player) openDevice(backend, device string) error {
	if _, err := resolveBackend(backend); err != nil {
		return err
	}
	mctx, err := openContext(backend)
	if err != nil {
		return &deviceError{ErrNoOutput, device, err}
	}
	var want *Device
	if device != "" {
		d, ok, err := findOutput(mctx, device)
		if err != nil || !ok {
			closeContext(mctx)
			return &deviceError{ErrNoOutput, device, err}
		}
		want = &d
	}
	dc := malgo.DefaultDeviceConfig(malgo.Playback)
	dc.Playback.Format = malgo.FormatS16
	dc.Playback.Channels = uint32(p.info.Channels)
	dc.SampleRate = uint32(p.info.SampleRate)
	dc.PeriodSizeInMilliseconds = playPeriod
	dc.Periods = playPeriods
	dc.Pulse.StreamNamePlayback = "Earshot playback"
	err = withDeviceID(want, func(id *malgo.DeviceID) error {
		dc.Playback.DeviceID = unsafe.Pointer(id)
		var err error
		p.dev, err = malgo.InitDevice(mctx.Context, dc, malgo.DeviceCallbacks{Data: p.onData})
		return err
	})
	if err != nil {
		closeContext(mctx)
		return &deviceError{ErrNoOutput, device, err}
	}
	p.mctx = mctx
	return nil
}

func findOutput(mctx *malgo.AllocatedContext, name string) (Device, bool, error) {
	infos, err := mctx.Devices(malgo.Playback)
	if err != nil {
		return Device{}, false, err
	}
	devs := make([]Device, 0, len(infos))
	for _, in := range infos {
		devs = append(devs, Device{Name: in.Name(), ID: idString(in.ID), Default: in.IsDefault != 0, id: in.ID})
	}
	d, ok := findDevice(devs, name)
	return d, ok, nil
}

// onData is miniaudio's playback callback: it copies queued samples into
// out (C memory, valid only during the call), fills any shortfall with
// silence and returns. The lock it takes is held by others only to copy.
func (p *Player) onData(out, _ []byte, _ uint32) {
	pcm := unsafe.Slice((*int16)(unsafe.Pointer(unsafe.SliceData(out))), len(out)/2)
	p.mu.Lock()
	n := p.q.read(pcm)
	p.pos += int64(n / p.ch)
	ended := false
	if p.eof && n < len(pcm) {
		p.tail += (len(pcm) - n) / p.ch
		if !p.endSent && p.tail >= int(playTail.Seconds()*float64(p.info.SampleRate)) {
			p.endSent, ended = true, true
		}
	}
	p.mu.Unlock()
	clear(pcm[n:])
	select {
	case p.need <- struct{}{}:
	default:
	}
	if ended {
		select {
		case p.ended <- struct{}{}:
		default:
		}
	}
}

// fill is the decoding goroutine: it keeps the queue topped up and handles
// the end of the file.
func (p *Player) fill(ctx context.Context) {
	defer close(p.filled)
	for {
		p.topUp()
		select {
		case <-ctx.Done():
			return
		case <-p.need:
		case <-p.ended:
			p.reachedEnd()
		}
	}
}

// topUp decodes until the queue is full or the file ends.
func (p *Player) topUp() {
	p.decMu.Lock()
	defer p.decMu.Unlock()
	for !p.atEnd {
		if len(p.pending) == 0 {
			pcm, err := p.src.read()
			if err != nil {
				if !errors.Is(err, io.EOF) {
					p.err = fmt.Errorf("play: %w", err)
				}
				p.atEnd = true
				p.mu.Lock()
				p.eof = true
				p.mu.Unlock()
				return
			}
			p.pending = pcm
		}
		p.mu.Lock()
		n := p.q.write(p.pending, p.ch)
		p.mu.Unlock()
		p.pending = p.pending[n:]
		if len(p.pending) > 0 {
			return // full
		}
	}
}

// reachedEnd stops the device once the whole file has played, unless a
// Seek came in between.
func (p *Player) reachedEnd() {
	p.stateMu.Lock()
	defer p.stateMu.Unlock()
	p.mu.Lock()
	real := p.eof && p.endSent
	p.mu.Unlock()
	if !real || p.closed {
		return
	}
	if p.playing {
		_ = p.dev.Stop()
		p.playing = false
	}
	if !p.doneClosed {
		close(p.done)
		p.doneClosed = true
	}
}

// Play starts or resumes playback; at the end of the file it starts over.
func (p *Player) Play() error {
	p.stateMu.Lock()
	defer p.stateMu.Unlock()
	if p.closed {
		return errors.New("play: the player is closed")
	}
	if p.playing {
		return nil
	}
	if p.doneClosed {
		if err := p.seekLocked(0); err != nil {
			return err
		}
	}
	if err := p.dev.Start(); err != nil {
		return fmt.Errorf("play: %w", &deviceError{ErrNoOutput, "", err})
	}
	p.playing = true
	return nil
}

// Pause stops playback, keeping the position.
func (p *Player) Pause() {
	p.stateMu.Lock()
	defer p.stateMu.Unlock()
	if p.playing && !p.closed {
		_ = p.dev.Stop()
		p.playing = false
	}
}

// Playing reports whether audio is playing now.
func (p *Player) Playing() bool {
	p.stateMu.Lock()
	defer p.stateMu.Unlock()
	return p.playing
}

// Seek moves playback to d from the start (clamped to the file), playing or
// paused. After the end, it re-arms Done.
func (p *Player) Seek(d time.Duration) error {
	p.stateMu.Lock()
	defer p.stateMu.Unlock()
	if p.closed {
		return errors.New("seek: the player is closed")
	}
	return p.seekLocked(d)
}

func (p *Player) seekLocked(d time.Duration) error {
	frame := timeFrame(d, p.info.SampleRate)
	frame = min(max(frame, 0), p.info.Frames)
	p.decMu.Lock()
	if err := p.src.reset(frame); err != nil {
		p.decMu.Unlock()
		return fmt.Errorf("play: %w", err)
	}
	p.pending, p.atEnd, p.err = nil, false, nil
	p.mu.Lock()
	p.q.reset()
	p.origin, p.pos, p.eof, p.tail, p.endSent = frame, 0, false, 0, false
	p.speed, p.skips = p.src.speed, p.src.skips
	p.mu.Unlock()
	p.decMu.Unlock()
	if p.doneClosed {
		p.done, p.doneClosed = make(chan struct{}), false
	}
	select {
	case p.need <- struct{}{}:
	default:
	}
	return nil
}

// Position is how far playback has got in the recording's own time (at any
// speed, with skipped pauses counted as passed): the audio handed to the
// device so far, at most Duration. It runs ahead of what is audible by the
// device's buffer (up to 200 ms of output).
func (p *Player) Position() time.Duration {
	p.mu.Lock()
	f := recordingFrame(p.origin, p.pos, p.speed, p.skips, p.info.Frames)
	if p.eof && p.q.buffered() == 0 {
		f = p.info.Frames // all handed over: a stretch's rounding must not stop short of the end
	}
	p.mu.Unlock()
	return frameTime(f, p.info.SampleRate)
}

// Duration is the file's length.
func (p *Player) Duration() time.Duration { return p.info.Duration }

// Info describes the file being played.
func (p *Player) Info() audio.Info { return p.info }

// Done returns a channel closed when playback has reached the end of the
// file (the device is then paused) or the player is closed. A Seek or Play
// after the end starts a new run: call Done again for its channel.
func (p *Player) Done() <-chan struct{} {
	p.stateMu.Lock()
	defer p.stateMu.Unlock()
	return p.done
}

// Err reports a decoding error that ended playback early, if any.
func (p *Player) Err() error {
	p.decMu.Lock()
	defer p.decMu.Unlock()
	return p.err
}

// Close stops playback and releases the device and the file. It is safe to
// call more than once.
func (p *Player) Close() error {
	p.closeOnce.Do(func() {
		p.stateMu.Lock()
		p.closed = true
		p.stateMu.Unlock()
		p.cancel()
		<-p.filled
		releaseDevice(p.dev, p.mctx, deviceReleaseLimit)
		p.decMu.Lock()
		if err := p.src.close(); err != nil {
			p.closeErr = fmt.Errorf("close player: %w", err)
		}
		p.decMu.Unlock()
		p.stateMu.Lock()
		p.playing = false
		if !p.doneClosed {
			close(p.done)
			p.doneClosed = true
		}
		p.stateMu.Unlock()
	})
	return p.closeErr
}

// PlayFile plays the file at path from start to end on backend's default
// output, returning when it has played or ctx is done (then with ctx's
// error).
func PlayFile(ctx context.Context, path, backend string) error {
	p, err := NewPlayer(ctx, path, backend)
	if err != nil {
		return err
	}
	defer p.Close()
	done := p.Done()
	if err := p.Play(); err != nil {
		return err
	}
	select {
	case <-done:
	case <-ctx.Done():
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("play %s: %w", filepath.Base(path), err)
	}
	return p.Err()
}
