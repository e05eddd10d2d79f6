package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/audio/device"
)

// frameInterval paces the meter, waveform and clock while recording. Every
// repaint redraws the whole window, so its cost is per frame, not per
// widget: under software rendering (Mesa llvmpipe, 868×616) recording cost
// 15.5 % of a core at 20 frames a second, 11.3 % at 12.5 and 7.6 % at 5.
// 12.5 keeps the meter lively (each frame shows the loudest peak since the
// last, so none is missed) and the waveform scrolling smoothly; frames that
// would look the same are skipped (see LevelMeter.SetLevel, Waveform.Push).
// Nothing animates while idle.
const frameInterval = 80 * time.Millisecond

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

// recordPanel is the top of the window: the record button, pause, the clock,
// the level meter, the live waveform and the input settings.
type recordPanel struct {
	u       *UI
	content fyne.CanvasObject

	top     *fyne.Container // buttons, waveform and meter, clock
	record  *widget.Button
	pause   *widget.Button
	clock   *clockText
	meter   *LevelMeter
	wave    *Waveform
	overrun *widget.Label
	input   *inputPicker
	format  *widget.Select

	state    recState
	session  *take
	stopTick context.CancelFunc
}

func newRecordPanel(u *UI) *recordPanel {
	p := &recordPanel{u: u, meter: NewLevelMeter(), wave: NewWaveform(160)}
	p.record = widget.NewButtonWithIcon("Record", theme.MediaRecordIcon(), p.toggle)
	p.record.Importance = widget.DangerImportance
	p.pause = widget.NewButtonWithIcon("Pause", theme.MediaPauseIcon(), p.togglePause)
	p.pause.Disable()
	p.clock = newClockText(clock(0), theme.TextHeadingSize()*1.5)
	p.overrun = widget.NewLabel("")
	p.overrun.Importance = widget.WarningImportance
	p.overrun.Hide()

	prefs := u.app.Preferences()
	p.format = widget.NewSelect(formatNames(), func(s string) { prefs.SetString(prefFormat, s) })
	p.format.SetSelected(prefs.StringWithFallback(prefFormat, string(audio.Formats[0])))
	p.input = newInputPicker(u)

	form := widget.NewForm(widget.NewFormItem("Input", p.input.sel), widget.NewFormItem("Format", p.format))
	input := widget.NewAccordion(widget.NewAccordionItem("Input and format", form))

	hint := widget.NewLabel("Ctrl+R record/stop · Ctrl+P pause")
	hint.Importance = widget.LowImportance
	big := container.New(&minScale{w: 9, h: 3}, p.record)
	buttons := container.NewHBox(big, container.NewVBox(p.pause, hint))
	p.top = container.NewBorder(nil, nil, buttons, p.clock, container.NewBorder(nil, p.meter, nil, nil, p.wave))
	p.content = container.NewVBox(container.NewPadded(p.top), p.overrun, input, widget.NewSeparator())
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
	title := "Recording " + time.Now().Format("2006-01-02 15:04:05")
	input := p.input.inputID()
	p.u.background(func(ctx context.Context) {
		s, err := p.u.be.startTake(ctx, title, input, f)
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
		})
	})
}

func (p *recordPanel) stop() {
	s := p.session
	p.setState(recBusy)
	p.stopTick()
	p.u.background(func(ctx context.Context) {
		r, err := s.stop(ctx)
		if err == nil {
			p.u.list.loadNow(ctx, r.ID)
		}
		onMain(func() {
			p.session = nil
			p.setState(recIdle)
			p.meter.SetLevel(audio.Level{Peak: -120, RMS: -120})
			if err != nil {
				p.u.fail(fmt.Errorf("could not save the recording: %w", err))
				return
			}
			if p.u.details.rec.ID == r.ID && !p.u.modalOpen() {
				p.u.details.title.selectAll() // ready to type a name
			}
		})
	})
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
	switch s {
	case recIdle:
		p.record.SetText("Record")
		p.record.SetIcon(theme.MediaRecordIcon())
		p.record.Enable()
		p.pause.Disable()
		p.pause.SetText("Pause")
		p.format.Enable()
		p.input.sel.Enable()
	case recBusy:
		p.record.Disable()
		p.pause.Disable()
	case recRunning, recPaused:
		p.record.SetText("Stop")
		p.record.SetIcon(theme.MediaStopIcon())
		p.record.Enable()
		p.pause.Enable()
		p.format.Disable()
		p.input.sel.Disable()
		p.pause.SetText("Pause")
		p.pause.SetIcon(theme.MediaPauseIcon())
		if s == recPaused {
			p.pause.SetText("Resume")
			p.pause.SetIcon(theme.MediaPlayIcon())
		}
	}
	p.u.setTrayRecording(s == recRunning || s == recPaused)
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

// showFrame paints one frame of the recording in progress.
func (p *recordPanel) showFrame(st device.Stats, l audio.Level, fresh, lost bool) {
	p.setClock(clock(st.Elapsed.Truncate(time.Second))) // a running clock never rounds up
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
