package ui

import (
	"context"
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/audio"
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
	devices *widget.Select
	format  *widget.Select

	state    recState
	session  Session
	stopTick context.CancelFunc
	devIDs   map[string]string // device name shown → id
}

func newRecordPanel(u *UI) *recordPanel {
	p := &recordPanel{u: u, meter: NewLevelMeter(), wave: NewWaveform(160), devIDs: map[string]string{}}
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
	p.devices = widget.NewSelect([]string{"System default"}, func(s string) { prefs.SetString(prefDevice, s) })
	p.devices.SetSelected(prefs.StringWithFallback(prefDevice, "System default"))

	form := widget.NewForm(widget.NewFormItem("Input", p.devices), widget.NewFormItem("Format", p.format))
	input := widget.NewAccordion(widget.NewAccordionItem("Input and format", form))
	if u.be.Recorder == nil {
		p.record.Disable()
	} else {
		p.loadDevices()
	}

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

// loadDevices lists the input devices off the Fyne goroutine.
func (p *recordPanel) loadDevices() {
	p.u.background(func(ctx context.Context) {
		ds, err := p.u.be.Recorder.Devices(ctx)
		if err != nil {
			p.u.fail(err)
			return
		}
		onMain(func() {
			names := []string{"System default"}
			for _, d := range ds {
				names = append(names, d.Name)
				p.devIDs[d.Name] = d.ID
			}
			p.devices.SetOptions(names)
		})
	})
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
	o := RecordOptions{Title: "Recording " + time.Now().Format("2006-01-02 15:04:05"),
		DeviceID: p.devIDs[p.devices.Selected], Format: f}
	p.u.background(func(ctx context.Context) {
		s, err := p.u.be.Recorder.Start(ctx, o)
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
		r, err := s.Stop(ctx)
		if err == nil {
			p.u.list.loadNow(ctx, r.ID)
		}
		onMain(func() {
			p.session = nil
			p.setState(recIdle)
			p.meter.SetLevel(audio.Level{Peak: -120, RMS: -120})
			if err != nil {
				p.u.fail(fmt.Errorf("could not save the recording: %w", err))
			}
		})
	})
}

// togglePause pauses or resumes the recording in progress.
func (p *recordPanel) togglePause() {
	s := p.session
	if s == nil || p.state == recBusy || p.state == recIdle {
		return
	}
	pausing := p.state == recRunning
	p.setState(recBusy)
	p.u.background(func(context.Context) {
		var err error
		if pausing {
			err = s.Pause()
		} else {
			err = s.Resume()
		}
		onMain(func() {
			switch {
			case err != nil:
				p.u.fail(err)
				p.setState(map[bool]recState{true: recRunning, false: recPaused}[pausing])
			case pausing:
				p.setState(recPaused)
			default:
				p.setState(recRunning)
			}
		})
	})
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
		p.devices.Enable()
	case recBusy:
		p.record.Disable()
		p.pause.Disable()
	case recRunning, recPaused:
		p.record.SetText("Stop")
		p.record.SetIcon(theme.MediaStopIcon())
		p.record.Enable()
		p.pause.Enable()
		p.format.Disable()
		p.devices.Disable()
		p.pause.SetText("Pause")
		p.pause.SetIcon(theme.MediaPauseIcon())
		if s == recPaused {
			p.pause.SetText("Resume")
			p.pause.SetIcon(theme.MediaPlayIcon())
		}
	}
	p.u.setTrayRecording(s == recRunning || s == recPaused)
}

// startTicking drains the session's level readings and repaints the clock,
// meter and waveform at frameInterval, from goroutines of its own.
func (p *recordPanel) startTicking(s Session) {
	ctx, cancel := context.WithCancel(p.u.ctx)
	p.stopTick = cancel
	var mu sync.Mutex
	var last audio.Level
	var peak = -120.0
	var clipped, fresh bool
	go func() { // the reader never blocks the recorder: Levels drops what we miss
		for {
			select {
			case <-ctx.Done():
				return
			case l, ok := <-s.Levels():
				if !ok {
					return
				}
				mu.Lock()
				last, fresh = l, true
				peak = max(peak, l.Peak)
				clipped = clipped || l.Clipped
				mu.Unlock()
			}
		}
	}()
	go func() {
		t := time.NewTicker(frameInterval)
		defer t.Stop()
		var warned int64
		for {
			select {
			case <-ctx.Done():
				return
			case <-s.Done():
				err := s.Err()
				onMain(func() { p.endedByItself(err) })
				return
			case <-t.C:
			}
			mu.Lock()
			l, pk, cl, f := last, peak, clipped, fresh
			peak, clipped, fresh = -120, false, false
			mu.Unlock()
			l.Peak, l.Clipped = max(l.Peak, pk), cl
			elapsed, dropped, warnedBefore := s.Elapsed(), s.Dropped(), warned
			onMain(func() {
				p.setClock(clock(elapsed.Truncate(time.Second))) // a running clock never rounds up
				if f && p.state == recRunning {
					p.meter.SetLevel(l)
					p.wave.Push(fraction(l.Peak))
				}
				if dropped > warnedBefore {
					p.showOverrun(dropped)
				}
			})
			warned = max(warned, dropped)
		}
	}()
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
