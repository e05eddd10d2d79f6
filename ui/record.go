package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/audio/device"
	"github.com/earshot/earshot/internal/human"
)

// frameInterval paces the meter, waveform and clock while recording. Every
// repaint redraws the whole window, so its cost is per frame, not per
// widget: under software rendering (Mesa llvmpipe, 868×616) recording cost
// 15.5 % of a core at 20 frames a second, 11.3 % at 12.5 and 7.6 % at 5;
// 10 took 12.4 % where 12.5 took 14.3 % (the two run in turn, 3 times). 10 is the clock's own rate (it shows tenths: each frame is the next
// tenth, where 12.5 skipped or repeated some), each frame's meter shows the
// loudest peak since the last, so none is missed, and the waveform scrolls
// one bar per frame. Frames that would look the same are skipped (see
// LevelMeter.SetLevel, Waveform.Push). Nothing animates while idle.
const frameInterval = 100 * time.Millisecond

// liveSpan is how much of the recording the live waveform shows, one bar
// per frame.
const liveSpan = 12800 * time.Millisecond

// Preference keys for the recording settings.
const (
	prefDevice = "record.device"
	prefFormat = "record.format"
)

type recState int

const (
	recIdle recState = iota
	recBusy          // starting or stopping: the buttons wait
	recRunning
	recPaused
)

// recordPanel is the top of the window. Idle: the big Record button, the
// shortcut, and the input and format under "Input and format". Recording,
// the header changes: a red line under it, a tall live waveform over the
// level meter, the timer with tenths, "Recording" or "Paused" (with the
// meter at rest), Pause/Resume, Stop and Discard; the window title shows
// "● 0:12 — Earshot" and the new recording heads the list with its
// growing length.
type recordPanel struct {
	u       *UI
	content fyne.CanvasObject

	top      *fyne.Container   // buttons, waveform and meter, clock
	redLine  *canvas.Rectangle // under the header while recording
	waveBox  *minScale
	record   *widget.Button
	pause    *widget.Button
	discard  *widget.Button
	clock    *clockText
	status   *widget.Label
	meter    *LevelMeter
	wave     *Waveform
	overrun  *widget.Label
	settings *widget.Accordion
	input    *inputPicker
	format   *widget.Select

	state    recState
	session  *take
	stopTick context.CancelFunc
	shown    time.Duration // the whole seconds last shown in the title and list
}

// idleHint is what the status line says while nothing records.
const idleHint = "Ctrl+R records · Ctrl+P pauses"

func newRecordPanel(u *UI) *recordPanel {
	p := &recordPanel{u: u, meter: NewLevelMeter(), wave: NewWaveform(int(liveSpan / frameInterval)), waveBox: &minScale{w: 8, h: 3}}
	p.record = widget.NewButtonWithIcon("Record", theme.MediaRecordIcon(), p.toggle)
	p.record.Importance = widget.DangerImportance
	p.pause = widget.NewButtonWithIcon("Pause", theme.MediaPauseIcon(), p.togglePause)
	p.discard = widget.NewButtonWithIcon("Discard…", theme.DeleteIcon(), p.askDiscard)
	p.clock = newClockText(human.Timer(0), theme.TextHeadingSize()*1.5)
	p.status = widget.NewLabel(idleHint)
	p.status.Importance = widget.LowImportance
	p.status.Alignment = fyne.TextAlignTrailing
	p.overrun = widget.NewLabel("")
	p.overrun.Importance = widget.WarningImportance
	p.overrun.Wrapping = fyne.TextWrapWord
	p.overrun.Hide()

	prefs := u.app.Preferences()
	p.format = widget.NewSelect(formatNames(), func(s string) { prefs.SetString(prefFormat, s) })
	p.format.SetSelected(prefs.StringWithFallback(prefFormat, string(audio.Formats[0])))
	p.input = newInputPicker(u)
	form := widget.NewForm(widget.NewFormItem("Input", p.input.sel), widget.NewFormItem("Format", p.format))
	p.settings = widget.NewAccordion(widget.NewAccordionItem("Input and format", form))

	big := container.New(&minScale{w: 9, h: 3}, p.record)
	buttons := container.NewHBox(big, container.NewVBox(p.pause, p.discard))
	right := container.NewVBox(p.clock, p.status)
	live := container.New(p.waveBox, container.NewBorder(nil, p.meter, nil, nil, p.wave))
	p.top = container.NewBorder(nil, nil, buttons, right, live)
	// A line, not a tinted band behind the whole header: with software
	// rendering (Mesa's llvmpipe) every frame shades each visible pixel of
	// every shape, and a band the header's size cost a tenth of the
	// recording's CPU (scripts/bench/gui.sh; 12.8 → 11.5 % of a core).
	p.redLine = canvas.NewRectangle(color.Transparent)
	p.redLine.SetMinSize(fyne.NewSize(0, redLineHeight))
	// Drawn in the header's bottom padding: it takes no room of its own, so
	// nothing moves when recording starts or stops.
	line := container.NewBorder(nil, p.redLine, nil, nil)
	p.content = container.NewVBox(container.NewStack(line, container.NewPadded(p.top)), p.overrun, p.settings, widget.NewSeparator())
	p.setState(recIdle)
	return p
}

func formatNames() []string {
	var s []string
	for _, f := range audio.Formats {
		s = append(s, string(f))
	}
	return s
}

// toggle starts a recording, or stops the one in progress.
func (p *recordPanel) toggle() {
	switch p.state {
	case recIdle:
		p.start()
	case recRunning, recPaused:
		p.stop()
	}
}

func (p *recordPanel) start() {
	p.setState(recBusy)
	f, _ := audio.ParseFormat(p.format.Selected)
	if f == "" {
		f = audio.Formats[0]
	}
	input := p.input.inputID()
	p.u.background(func(ctx context.Context) {
		// The recording outlives the window's context: a signal or a
		// closed window stops it through stop, which commits it, instead
		// of cutting it off for crash recovery to find.
		s, err := p.u.be.startTake(context.WithoutCancel(ctx), "", input, f)
		if errors.Is(err, device.ErrNoDevice) && input != "" {
			s, err = p.u.be.startTake(context.WithoutCancel(ctx), "", "", f)
			if err == nil {
				p.u.fail(fmt.Errorf("the chosen input %q could not be opened; recording from the system default instead", input))
			}
		}
		onMain(func() {
			if err != nil {
				p.setState(recIdle)
				p.u.fail(fmt.Errorf("could not start recording: %w", err))
				return
			}
			p.session = s
			p.overrun.Hide()
			p.wave.Reset()
			p.setState(recRunning)
			p.startTicking(s)
			p.u.list.showLive(s.p, 0)
			if p.u.quitting {
				p.stop() // the window closed while the device opened
			}
		})
	})
}

// stop finalises and commits the recording in progress; then, if not nil,
// runs on the Fyne goroutine.
func (p *recordPanel) stop() { p.stopThen(nil) }

func (p *recordPanel) stopThen(then func()) {
	s := p.session
	p.setState(recBusy)
	p.stopTick()
	if c := p.u.win.Canvas(); c.Focused() == fyne.Focusable(p.u.details.title) {
		// The field still shows the previous recording: what is typed while
		// the take is saved must not rename that one. Leaving the field
		// commits what was typed for it, and the new title gets the focus
		// once saved (its text changes then, which is not the user typing).
		c.Unfocus()
	}
	typing := p.u.typingState()
	p.u.background(func(ctx context.Context) {
		r, err := s.stop(ctx)
		if err == nil {
			p.u.list.loadNow(ctx, r.ID)
		}
		onMain(func() {
			p.ended()
			if err != nil {
				p.u.fail(fmt.Errorf("could not save the recording: %w", err))
			} else {
				p.u.details.readyToName(r.ID, typing)
			}
			if then != nil {
				then()
			}
		})
	})
}

// askDiscard asks once before throwing the recording in progress away;
// Enter keeps recording.
func (p *recordPanel) askDiscard() {
	if p.session == nil || p.state == recBusy || p.u.modalOpen() {
		return
	}
	msg := widget.NewLabel("Discard this recording? What was recorded so far is deleted, not moved to the trash.")
	msg.Wrapping = fyne.TextWrapWord
	dlg := dialog.NewCustomConfirm("Discard recording", "Discard", "Keep recording", msg, func(ok bool) {
		if ok {
			p.discardNow()
		}
	}, p.u.win)
	p.u.showModal(dlg, nil)
}

// discardNow stops the recording and deletes its audio.
func (p *recordPanel) discardNow() {
	s := p.session
	if s == nil {
		return
	}
	p.setState(recBusy)
	p.stopTick()
	p.u.background(func(ctx context.Context) {
		err := s.discard(ctx)
		p.u.list.loadNow(ctx, "")
		onMain(func() {
			p.ended()
			if err != nil {
				p.u.fail(err)
				return
			}
			p.u.notices.flash("Recording discarded.")
		})
	})
}

// ended puts the panel back to idle after a recording, or quits when the
// window is closing.
func (p *recordPanel) ended() {
	p.session = nil
	p.shown = 0
	p.setState(recIdle)
	p.meter.SetLevel(audio.Level{Peak: -120, RMS: -120})
	p.wave.Reset() // at rest, like the clock: the take is in the details now
	p.u.list.showLive(nil, 0)
	if p.u.quitting {
		p.u.app.Quit()
	}
}

// togglePause pauses or resumes the recording in progress. Both only flip
// a flag in the recorder, so they run here on the Fyne goroutine.
func (p *recordPanel) togglePause() {
	s := p.session
	switch {
	case s == nil:
	case p.state == recRunning:
		s.rec.Pause()
		p.setState(recPaused)
	case p.state == recPaused:
		s.rec.Resume()
		p.setState(recRunning)
	}
}

func (p *recordPanel) setState(s recState) {
	p.state = s
	active := s == recRunning || s == recPaused
	switch s {
	case recIdle:
		p.record.SetText("Record")
		p.record.SetIcon(theme.MediaRecordIcon())
		p.record.Enable()
		p.format.Enable()
		p.input.sel.Enable()
		p.status.SetText(idleHint)
		p.clock.SetText(human.Timer(0))
		p.u.win.SetTitle("Earshot")
	case recBusy:
		p.record.Disable()
		p.pause.Disable()
		p.discard.Disable()
	case recRunning, recPaused:
		p.record.SetText("Stop")
		p.record.SetIcon(theme.MediaStopIcon())
		p.record.Enable()
		p.pause.Enable()
		p.discard.Enable()
		p.format.Disable()
		p.input.sel.Disable()
		p.pause.SetText("Pause")
		p.pause.SetIcon(theme.MediaPauseIcon())
		p.status.SetText("● Recording")
		if s == recPaused {
			p.pause.SetText("Resume")
			p.pause.SetIcon(theme.MediaPlayIcon())
			p.status.SetText("Paused")
			p.meter.SetLevel(audio.Level{Peak: -120, RMS: -120}) // at rest while paused
		}
	}
	p.pause.Hidden, p.discard.Hidden = !active && s != recBusy, !active && s != recBusy
	p.settings.Hidden = active
	p.showRecordingLook(active)
	p.u.setTrayRecording(active)
}

// redLineHeight is the recording line's thickness: less than the theme's
// padding, which it is drawn in.
const redLineHeight = 3

// showRecordingLook switches the header between its idle and its
// recording look.
func (p *recordPanel) showRecordingLook(recording bool) {
	p.redLine.FillColor = color.Transparent // not nil: the software painter (tests, screenshots) needs a colour
	p.status.Importance = widget.LowImportance
	p.waveBox.h = 3
	if recording {
		p.redLine.FillColor = theme.Color(theme.ColorNameError)
		p.status.Importance = widget.DangerImportance
		p.waveBox.h = 8
	}
	p.redLine.Refresh()
	p.status.Refresh()
	p.content.Refresh()
}

// startTicking repaints the clock, meter and waveform at frameInterval
// from one goroutine, which also drains the session's level readings and
// notices when the recording ends by itself.
func (p *recordPanel) startTicking(t *take) {
	ctx, cancel := context.WithCancel(p.u.ctx)
	p.stopTick = cancel
	go p.tick(ctx, t)
}

// tick is startTicking's loop. The recorder never waits for it: Levels
// drops readings not taken in time, and each frame shows the loudest
// reading since the last, so no peak is missed.
func (p *recordPanel) tick(ctx context.Context, t *take) {
	frames := time.NewTicker(frameInterval)
	defer frames.Stop()
	levels := t.rec.Levels()
	var peak levelPeak
	var warned int64
	for {
		select {
		case <-ctx.Done():
			return
		case l, ok := <-levels:
			if !ok {
				levels = nil // closed at the end; Done follows
				continue
			}
			peak.add(l)
		case <-t.rec.Done():
			err := t.rec.Err()
			onMain(func() { p.endedByItself(err) })
			return
		case <-frames.C:
			l, fresh := peak.take()
			st := t.rec.Stats()
			warnedBefore := warned
			warned = max(warned, st.Overruns)
			onMain(func() { p.showFrame(st, l, fresh, st.Overruns > warnedBefore) })
		}
	}
}

// levelPeak gathers the level readings between two frames.
type levelPeak struct {
	l     audio.Level
	fresh bool
}

func (k *levelPeak) add(l audio.Level) {
	if !k.fresh {
		k.l, k.fresh = l, true
		return
	}
	peak, clipped := max(k.l.Peak, l.Peak), k.l.Clipped || l.Clipped
	k.l = l
	k.l.Peak, k.l.Clipped = peak, clipped
}

// take returns the gathered reading (fresh is false when none came) and
// starts over.
func (k *levelPeak) take() (l audio.Level, fresh bool) {
	l, fresh = k.l, k.fresh
	*k = levelPeak{}
	return l, fresh
}

// showFrame paints one frame of the recording in progress; the title and
// the list's live row change once a second.
func (p *recordPanel) showFrame(st device.Stats, l audio.Level, fresh, lost bool) {
	p.setClock(human.Timer(st.Elapsed))
	if sec := st.Elapsed.Truncate(time.Second); sec != p.shown && p.session != nil {
		p.shown = sec
		p.u.win.SetTitle("● " + clock(sec) + " — Earshot")
		p.u.list.showLive(p.session.p, st.Elapsed)
	}
	if fresh && p.state == recRunning {
		p.meter.SetLevel(l)
		p.wave.Push(fraction(l.Peak))
	}
	if lost {
		p.showOverrun(st.Overruns)
	}
}

// setClock shows the elapsed time; the row is laid out again only when the
// text grows a digit (at 10:00 and 1:00:00), not every second.
func (p *recordPanel) setClock(s string) {
	longer := len(s) != len(p.clock.text)
	p.clock.SetText(s)
	if longer {
		p.top.Refresh()
	}
}

// showOverrun warns that audio was lost, the moment it happens.
func (p *recordPanel) showOverrun(dropped int64) {
	p.overrun.SetText(fmt.Sprintf("⚠ Audio was lost: %d samples dropped because the computer could not keep up. Close other programs or pick a lighter format.", dropped))
	p.overrun.Show()
}

// endedByItself handles a recording that stopped without the user (device
// unplugged, disk full): what was written is kept by the engine.
func (p *recordPanel) endedByItself(err error) {
	if p.session == nil {
		return
	}
	if err != nil {
		p.u.fail(fmt.Errorf("recording stopped: %w", err))
	}
	p.stop() // commits what was recorded before the failure
}

// minScale is a layout that gives its child a minimum size measured in
// multiples of the theme's text size, so a big button stays big on HiDPI.
type minScale struct{ w, h float32 }

func (m *minScale) MinSize(objs []fyne.CanvasObject) fyne.Size {
	t := theme.TextSize()
	s := fyne.NewSize(m.w*t, m.h*t)
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (m *minScale) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}
