package device

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/earshot/earshot/audio"
	"github.com/gen2brain/malgo"
)

// Config says what to record from and how to encode it.
type Config struct {
	// Device is an input device's Name or ID (see Devices); "" records from
	// the system's default input.
	Device string
	// Backend is "pulse", "alsa", "jack", "null" or "" (see the package
	// documentation).
	Backend string
	// Format is the file's format; "" means audio.Opus.
	Format audio.Format
	// SampleRate in Hz; 0 means 48000. miniaudio converts from the
	// device's own rate.
	SampleRate int
	// Channels is 1 (mono) or 2 (stereo); 0 means 1.
	Channels int
	// Bitrate is the Opus bit rate in bits per second; 0 means
	// audio.DefaultOpusBitrate. Other formats ignore it.
	Bitrate int
	// Tap, if set, is called once as the recording starts with the rate and
	// channels in effect; the function it returns then sees every block of
	// samples (interleaved) right after it is written to the file, on the
	// writer goroutine — never the audio callback. That function must return
	// quickly and must not retain pcm. The library's analyses use it
	// (library.Pending.Tap).
	Tap func(sampleRate, channels int) func(pcm []int16)
}

func (c Config) withDefaults() (Config, error) {
	if c.Format == "" {
		c.Format = audio.Opus
	}
	if c.SampleRate == 0 {
		c.SampleRate = 48000
	}
	if c.Channels == 0 {
		c.Channels = 1
	}
	if c.Bitrate == 0 {
		c.Bitrate = audio.DefaultOpusBitrate
	}
	if c.Channels != 1 && c.Channels != 2 {
		return c, fmt.Errorf("record with %d channels: use 1 (mono) or 2 (stereo)", c.Channels)
	}
	if c.SampleRate < 8000 || c.SampleRate > 192000 {
		return c, fmt.Errorf("record at %d Hz: use a sample rate from 8000 to 192000", c.SampleRate)
	}
	return c, nil
}

// Stats is a snapshot of a recording in progress.
type Stats struct {
	// Elapsed is the duration of audio written so far; pauses and
	// dropped frames do not count.
	Elapsed time.Duration
	// Overruns counts frames dropped because the writer fell behind and
	// the buffer between the device and the file was full.
	Overruns int64
	// Bytes is the file's size as of the last sync to disk.
	Bytes int64
	// Level is the latest input level (silence while paused).
	Level audio.Level
	// Paused reports whether input is being discarded.
	Paused bool
}

const (
	// devicePeriod is miniaudio's capture period, in ms. Each callback into
	// Go from miniaudio's C thread leaves a P in a syscall state that the Go
	// runtime's sysmon retakes, and every retake keeps sysmon polling at
	// 20 µs for a while: with 40 ms periods sysmon made more than half the
	// process's context switches. 100 ms periods cost a quarter less CPU.
	devicePeriod = 100
	// drainEvery is the writer's tick: it drains the ring and publishes one
	// level reading, so readings stay evenly spaced although audio arrives
	// in 100 ms lumps.
	drainEvery = time.Second / levelsPerSecond
	// syncEvery bounds how long audio stays only in memory: a sample waits
	// at most a period in the device, a tick in the ring and syncEvery in
	// the encoder, 440 ms in all.
	syncEvery = 300 * time.Millisecond
	// levelsPerSecond is the level meter's update rate.
	levelsPerSecond = 25
	// stopGrace is how long data may pause after miniaudio reports the
	// device stopped before the recorder gives up on it. miniaudio reports
	// a PulseAudio suspend as a stop, and a suspend can end.
	stopGrace = 500 * time.Millisecond
)

// recOptions are knobs tests turn; StartRecording uses defaultRecOptions.
type recOptions struct {
	buffer time.Duration                     // ring capacity
	noData time.Duration                     // silence from the device this long means it is gone
	wrap   func(audio.Encoder) audio.Encoder // wraps the encoder (tests: slow or failing disks)
}

var defaultRecOptions = recOptions{buffer: 4 * time.Second, noData: 3 * time.Second}

// Recorder captures from an input device into an audio file. Its methods
// are safe for concurrent use.
type Recorder struct {
	cfg  Config
	path string
	opts recOptions
	enc  audio.Encoder
	mctx *malgo.AllocatedContext
	dev  *malgo.Device
	ring *ring
	tap  func(pcm []int16) // from cfg.Tap; nil if none

	// Touched by the audio callback: atomics only.
	paused     atomic.Bool
	callbacks  atomic.Uint64
	dropped    atomic.Uint64 // frames
	devStopped atomic.Bool

	levels   chan audio.Level
	overruns chan int64
	stopReq  chan struct{}
	stopOnce sync.Once
	done     chan struct{}

	mu    sync.Mutex // guards stats and err; never taken by the callback
	stats Stats
	err   error

	// Set by the writer before done is closed.
	written  int64 // frames
	synced   int64 // frames written before the last successful sync
	info     audio.Info
	closeErr error
}

// StartRecording opens the input device, creates the file at path (through
// audio.Create) and starts recording into it. The file is valid as of the
// last sync, at most half a second ago, should the process die.
//
// The recording runs until Stop, or until it stops by itself: ctx is done,
// the device goes away, or a write fails (disk full). Done is closed then,
// the file is already finalised, and Err says why.
//
// A missing or unopenable device gives an error wrapping ErrNoDevice, and
// no file is left behind.
func StartRecording(ctx context.Context, cfg Config, path string) (*Recorder, error) {
	return startRecording(ctx, cfg, path, defaultRecOptions)
}

func startRecording(ctx context.Context, cfg Config, path string, o recOptions) (*Recorder, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("start recording: %w", err)
	}
	if _, err := resolveBackend(cfg.Backend); err != nil {
		return nil, fmt.Errorf("start recording: %w", err)
	}
	mctx, err := openContext(cfg.Backend)
	if err != nil {
		return nil, fmt.Errorf("start recording: %w", &deviceError{ErrNoDevice, cfg.Device, err})
	}
	r := &Recorder{
		cfg: cfg, path: path, opts: o, mctx: mctx,
		ring:     newRing(int(o.buffer.Seconds() * float64(cfg.SampleRate*cfg.Channels))),
		levels:   make(chan audio.Level, 1),
		overruns: make(chan int64, 1),
		stopReq:  make(chan struct{}),
		done:     make(chan struct{}),
	}
	if cfg.Tap != nil {
		r.tap = cfg.Tap(cfg.SampleRate, cfg.Channels)
	}
	if err := r.openDevice(); err != nil {
		closeContext(mctx)
		return nil, fmt.Errorf("start recording: %w", err)
	}
	if err := r.openEncoder(); err != nil {
		r.dev.Uninit()
		closeContext(mctx)
		return nil, fmt.Errorf("start recording: %w", err)
	}
	if err := r.dev.Start(); err != nil {
		r.dev.Uninit()
		closeContext(mctx)
		_, _ = r.enc.Close()
		_ = os.Remove(path)
		return nil, fmt.Errorf("start recording: %w", &deviceError{ErrNoDevice, cfg.Device, err})
	}
	go r.run(ctx)
	return r, nil
}

func (r *Recorder) openDevice() error {
	var want *Device
	if r.cfg.Device != "" {
		devs, err := captureDevices(r.mctx)
		if err != nil {
			return &deviceError{ErrNoDevice, r.cfg.Device, err}
		}
		d, ok := findDevice(devs, r.cfg.Device)
		if !ok {
			return &deviceError{ErrNoDevice, r.cfg.Device, nil}
		}
		want = &d
	}
	dc := malgo.DefaultDeviceConfig(malgo.Capture)
	dc.Capture.Format = malgo.FormatS16
	dc.Capture.Channels = uint32(r.cfg.Channels)
	dc.SampleRate = uint32(r.cfg.SampleRate)
	dc.PeriodSizeInMilliseconds = devicePeriod
	dc.Pulse.StreamNameCapture = "Earshot recording"
	err := withDeviceID(want, func(id *malgo.DeviceID) error {
		dc.Capture.DeviceID = unsafe.Pointer(id)
		var err error
		r.dev, err = malgo.InitDevice(r.mctx.Context, dc, malgo.DeviceCallbacks{Data: r.onData, Stop: r.onStop})
		return err
	})
	if err != nil {
		return &deviceError{ErrNoDevice, r.cfg.Device, err}
	}
	return nil
}

func (r *Recorder) openEncoder() error {
	enc, err := audio.Create(r.path, r.cfg.Format, r.cfg.SampleRate, r.cfg.Channels, audio.WithBitrate(r.cfg.Bitrate))
	if err != nil {
		return err
	}
	if r.opts.wrap != nil {
		enc = r.opts.wrap(enc)
	}
	r.enc = enc
	return nil
}

// onData is miniaudio's capture callback. It runs on the audio thread and
// must only copy: no allocation, no locks, no blocking. in is C memory
// valid only during the call.
func (r *Recorder) onData(_, in []byte, _ uint32) {
	r.callbacks.Add(1)
	if r.paused.Load() || len(in) < 2 {
		return
	}
	pcm := unsafe.Slice((*int16)(unsafe.Pointer(unsafe.SliceData(in))), len(in)/2)
	if n := r.ring.write(pcm, r.cfg.Channels); n < len(pcm) {
		r.dropped.Add(uint64((len(pcm) - n) / r.cfg.Channels))
	}
}

// onStop is miniaudio's stop notification. The recorder only asks for a
// stop when it finishes, so during recording it means the device went away
// or was suspended.
func (r *Recorder) onStop() { r.devStopped.Store(true) }

// Pause discards input until Resume; paused time is not in the file.
func (r *Recorder) Pause() {
	r.paused.Store(true)
	r.mu.Lock()
	r.stats.Level = silence
	r.mu.Unlock()
}

// Resume records again after Pause.
func (r *Recorder) Resume() { r.paused.Store(false) }

// Stats reports the recording's progress.
func (r *Recorder) Stats() Stats {
	r.mu.Lock()
	s := r.stats
	r.mu.Unlock()
	s.Overruns = int64(r.dropped.Load())
	s.Paused = r.paused.Load()
	return s
}

// Levels delivers input levels about 25 times a second while recording
// (none while paused). It holds only the latest reading: a slow reader skips
// readings, never delays the recording. It is closed when recording ends.
func (r *Recorder) Levels() <-chan audio.Level { return r.levels }

// Overruns delivers the running total of dropped frames (Stats.Overruns)
// each time it grows, so a front end can warn at once. Like Levels it holds
// only the latest value and is closed when recording ends.
func (r *Recorder) Overruns() <-chan int64 { return r.overruns }

// Done is closed when the recording has ended, by Stop or by itself, and
// the file is finalised.
func (r *Recorder) Done() <-chan struct{} { return r.done }

// Err reports why the recording stopped by itself (wrapping ErrDeviceLost,
// ErrDiskFull, another write error or ctx's error), or nil while it runs or
// after a plain Stop.
func (r *Recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Stop ends the recording: it stops the device, writes out everything
// captured, and finalises and fsyncs the file. It returns what the file
// holds; an error means the file could not be finalised (it is then left
// for audio.Repair). Calling Stop after the recording stopped by itself,
// or again, returns the same result.
func (r *Recorder) Stop() (audio.Info, error) {
	r.stopOnce.Do(func() { close(r.stopReq) })
	<-r.done
	return r.info, r.closeErr
}

// run is the writer goroutine: it owns the encoder, drains the ring into it,
// syncs, publishes levels and stats, and watches for the device going away.
func (r *Recorder) run(ctx context.Context) {
	defer close(r.done)
	w := newWriter(r)
	t := time.NewTicker(drainEvery)
	defer t.Stop()
	lastSync := time.Now()
	seen, heard := r.callbacks.Load(), time.Now()
	var reason error
loop:
	for {
		select {
		case <-r.stopReq:
			break loop
		case <-ctx.Done():
			reason = fmt.Errorf("recording stopped: %w", ctx.Err())
			break loop
		case now := <-t.C:
			if err := w.drain(); err != nil {
				reason = r.writeFailed(err)
				break loop
			}
			w.publishLevel()
			if n := r.callbacks.Load(); n != seen {
				seen, heard = n, now
				r.devStopped.Store(false) // data flows again: it was a hiccup
			} else if now.Sub(heard) > r.opts.noData {
				reason = r.lost(fmt.Sprintf("no sound data from it for %s", r.opts.noData))
				break loop
			} else if r.devStopped.Load() && now.Sub(heard) > stopGrace {
				reason = r.lost("the audio system stopped it")
				break loop
			}
			if now.Sub(lastSync) >= syncEvery {
				if err := w.sync(); err != nil {
					reason = r.writeFailed(err)
					break loop
				}
				lastSync = now
			}
		}
	}
	r.finish(w, reason)
}

// finish stops the device, writes what is left (unless writing already
// failed) and finalises the file, repairing it if closing fails.
func (r *Recorder) finish(w *writer, reason error) {
	releaseDevice(r.dev, r.mctx, deviceReleaseLimit)
	if !w.failed {
		if err := w.drain(); err != nil && reason == nil {
			reason = r.writeFailed(err)
		}
	}
	info, err := r.enc.Close()
	if err != nil {
		info, err = r.salvage(err)
	}
	r.info, r.closeErr = info, err
	if st, serr := os.Stat(r.path); serr == nil {
		r.mu.Lock()
		r.stats.Bytes = st.Size()
		r.mu.Unlock()
	}
	r.mu.Lock()
	r.err = reason
	r.stats.Level = silence
	r.mu.Unlock()
	close(r.levels)
	close(r.overruns)
}

// salvage finalises the file after Close failed, typically because the
// disk is full: Repair cuts off the torn last page or frame and patches the
// header in place, which needs no free space, so the file keeps everything
// up to the last successful sync. Should even that fail, the file is not
// finalised and Stop says so: it stays for the library's crash recovery.
func (r *Recorder) salvage(closeErr error) (audio.Info, error) {
	info, err := audio.Repair(r.path, r.cfg.Format)
	if err != nil {
		return audio.Info{}, fmt.Errorf("finalise recording %s (audio.Repair can recover it later): %w", r.path, errors.Join(closeErr, err))
	}
	return info, nil
}

func (r *Recorder) elapsed() time.Duration {
	return time.Duration(float64(r.written) / float64(r.cfg.SampleRate) * float64(time.Second)).Round(100 * time.Millisecond)
}

func (r *Recorder) lost(why string) error {
	return fmt.Errorf("%w (%s): recording stopped after %s; what was recorded is kept", ErrDeviceLost, why, r.elapsed())
}

func (r *Recorder) writeFailed(err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return fmt.Errorf("%w: recording stopped after %s; what was recorded is kept; free some space to record again: %w",
			ErrDiskFull, r.elapsed(), err)
	}
	return fmt.Errorf("write recording: stopped after %s; what was recorded is kept: %w", r.elapsed(), err)
}

// offer puts v in ch (capacity 1), replacing a value nobody took yet. Only
// one goroutine sends, so it never blocks.
func offer[T any](ch chan T, v T) {
	for {
		select {
		case ch <- v:
			return
		default:
		}
		select {
		case <-ch:
		default:
		}
	}
}
