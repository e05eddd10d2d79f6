package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/audio/device"
	"github.com/earshot/earshot/library"
)

// playInterval paces the playhead while playing (15 repaints a second).
const playInterval = 66 * time.Millisecond

// skipStep is how far the skip buttons and ←/→ move.
const skipStep = 10 * time.Second

// playback is the details pane's player: a wide seek bar over the
// waveform overview, then a large Play/Pause between skip back and skip
// forward, the position, and tools, a row other features fill (speed,
// skip silence, bookmarks: tools.Add in their own file). The buttons keep
// their size whatever they say, so nothing moves when Play becomes Pause.
type playback struct {
	d       *detailsPanel
	content fyne.CanvasObject

	seek     *Waveform
	noWave   *widget.Label // over the empty waveform of a recording not on this device
	play     *widget.Button
	back     *widget.Button
	forward  *widget.Button
	position *widget.Label
	tools    *fyne.Container
	listen   *listenTools // speed, skip silence, enhance (listen.go)
	trim     *trimTools   // the part to keep and Trim… (trim.go)

	// onPosition hears the position each time it is shown (the
	// transcript follows the playhead); Fyne goroutine.
	onPosition []func(time.Duration)

	rec     library.Recording
	player  *device.Player
	start   time.Duration // where Play starts when no player is open yet
	stopPos context.CancelFunc
}

func newPlayback(d *detailsPanel) *playback {
	p := &playback{d: d, seek: NewWaveformSeek()}
	p.seek.OnSeek = p.seekFraction
	p.play = widget.NewButtonWithIcon("Play", theme.MediaPlayIcon(), p.toggle)
	p.play.Importance = widget.HighImportance
	p.back = widget.NewButtonWithIcon("10 s", theme.MediaFastRewindIcon(), func() { p.skip(-skipStep) })
	p.forward = widget.NewButtonWithIcon("10 s", theme.MediaFastForwardIcon(), func() { p.skip(skipStep) })
	p.position = widget.NewLabel("0:00 / 0:00")
	p.tools = container.NewHBox()
	big := container.New(&minScale{w: 7, h: 2.5}, p.play)
	buttons := container.NewHBox(p.back, big, p.forward, container.New(&minScale{w: 8, h: 1}, p.position), p.tools)
	p.noWave = widget.NewLabel("Download to see the waveform")
	p.noWave.Hide()
	p.content = container.NewVBox(container.NewStack(p.seek, container.NewCenter(p.noWave)), buttons)
	p.listen = newListenTools(p)
	p.trim = newTrimTools(p)
	return p
}

// show follows r: another recording closes the player and loads its
// overview; for the same one, a change of where its audio is (downloaded,
// removed from this device) does the same, and anything else leaves
// playback alone.
func (p *playback) show(r library.Recording, same bool) {
	audioMoved := same && r.HasAudio != p.rec.HasAudio
	p.rec = r
	if same && !audioMoved {
		return
	}
	p.close()
	p.start = 0
	p.position.SetText("0:00 / " + clock(r.Duration))
	p.seek.SetValues(nil)
	p.seek.SetPlayhead(0)
	p.trim.reset()
	p.noWave.Hidden = r.HasAudio // said, not a blank box
	p.noWave.Refresh()
	p.d.loadOverview(r)
	p.play.Enable()
	if r.SyncState == library.Downloading {
		p.play.Disable()
	}
}

// toggle plays or pauses; a cloud-only recording offers to download first.
func (p *playback) toggle() {
	r := p.rec
	switch {
	case r.ID == "" || p.play.Disabled():
		return
	case !r.HasAudio:
		p.offerDownload(r)
		return
	}
	pl, start := p.player, p.start
	p.d.u.background(func(ctx context.Context) {
		pl, err := p.open(ctx, r, pl, start)
		if err != nil || pl == nil {
			p.d.u.fail(err)
			return
		}
		if pl.Playing() {
			pl.Pause()
		} else {
			if pl.Position() >= pl.Duration() {
				err = pl.Seek(0)
			}
			if err == nil {
				err = pl.Play()
			}
		}
		if err != nil {
			p.d.u.fail(fmt.Errorf("could not play %q: %w", r.Title, err))
		}
		onMain(p.track)
	})
}

// open returns pl, or a new player for r at start when pl is nil. It runs
// off the Fyne goroutine; nil with no error means the selection moved on.
func (p *playback) open(ctx context.Context, r library.Recording, pl *device.Player, start time.Duration) (*device.Player, error) {
	if pl != nil {
		return pl, nil
	}
	pl, err := device.NewPlayer(ctx, p.d.u.be.Library.AudioPath(r), p.d.u.be.Audio)
	if err != nil {
		return nil, fmt.Errorf("could not play %q: %w", r.Title, err)
	}
	if err := p.listen.apply(ctx, pl, r); err != nil {
		pl.Close()
		return nil, err
	}
	if start > 0 {
		if err := pl.Seek(start); err != nil {
			pl.Close()
			return nil, fmt.Errorf("could not play %q from %s: %w", r.Title, clock(start), err)
		}
	}
	keep := false
	onMainWait(func() {
		if keep = p.rec.ID == r.ID && p.player == nil; keep {
			p.player = pl
		}
	})
	if !keep {
		pl.Close()
		return nil, nil
	}
	return pl, nil
}

// offerDownload asks to download a cloud-only recording, then plays it.
func (p *playback) offerDownload(r library.Recording) {
	if p.d.u.be.Cloud == nil || p.d.u.modalOpen() {
		return
	}
	get := func() {
		p.d.downloadThen(r, func() {
			if p.rec.ID == r.ID && p.rec.HasAudio {
				p.toggle()
			}
		})
	}
	msg := widget.NewLabel(fmt.Sprintf("%q is in the cloud only. Download it (%s) to play it here?", r.Title, size(r.Size)))
	msg.Wrapping = fyne.TextWrapWord
	dlg := dialog.NewCustomConfirm("Play recording", "Download and play", "Cancel", msg, func(ok bool) {
		if ok {
			get()
		}
	}, p.d.u.win)
	p.d.u.showModal(dlg, get)
}

// track moves the playhead while the player plays.
func (p *playback) track() {
	pl := p.player
	if pl == nil {
		return
	}
	if p.stopPos != nil {
		p.stopPos()
	}
	ctx, cancel := context.WithCancel(p.d.u.ctx)
	p.stopPos = cancel
	go func() {
		t := time.NewTicker(playInterval)
		defer t.Stop()
		for {
			pos, dur, playing := pl.Position(), pl.Duration(), pl.Playing()
			onMain(func() { p.showPosition(pos, dur, playing) })
			if !playing {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

func (p *playback) showPosition(pos, dur time.Duration, playing bool) {
	p.position.SetText(clock(pos) + " / " + clock(dur))
	for _, f := range p.onPosition {
		f(pos)
	}
	if dur > 0 {
		p.seek.SetPlayhead(float64(pos) / float64(dur))
	}
	if playing {
		p.play.SetText("Pause")
		p.play.SetIcon(theme.MediaPauseIcon())
	} else {
		p.play.SetText("Play")
		p.play.SetIcon(theme.MediaPlayIcon())
	}
}

// now is where playback is, or starts when no player is open.
func (p *playback) now() time.Duration {
	if pl := p.player; pl != nil {
		return pl.Position()
	}
	return p.start
}

// skip moves the position by d (negative: back).
func (p *playback) skip(d time.Duration) {
	dur := p.rec.Duration
	if p.rec.ID == "" || dur <= 0 {
		return
	}
	p.seekTo(min(max(p.now()+d, 0), dur))
}

// seekFraction moves to a fraction (0..1) of the length: a click on the
// waveform, Home, End.
func (p *playback) seekFraction(f float64) {
	p.seekTo(time.Duration(f * float64(p.rec.Duration)))
}

// seekTo moves playback to pos. Before the first Play it sets where Play
// starts.
func (p *playback) seekTo(pos time.Duration) {
	dur := p.rec.Duration
	if p.rec.ID == "" {
		return
	}
	pl := p.player
	if pl == nil {
		p.start = pos
		p.showPosition(pos, dur, false)
		return
	}
	p.d.u.background(func(context.Context) {
		if err := pl.Seek(pos); err != nil {
			p.d.u.fail(fmt.Errorf("could not move to %s: %w", clock(pos), err))
		}
		pos, dur, playing := pl.Position(), pl.Duration(), pl.Playing()
		onMain(func() { p.showPosition(pos, dur, playing) })
	})
}

// close stops and releases the player.
func (p *playback) close() {
	if p.stopPos != nil {
		p.stopPos()
		p.stopPos = nil
	}
	if pl := p.player; pl != nil {
		p.player = nil
		go pl.Close()
	}
	p.play.SetText("Play")
	p.play.SetIcon(theme.MediaPlayIcon())
}
