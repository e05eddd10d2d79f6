package ui

import (
	"context"
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/audio/device"
)

// devicePoll is how often the input list is refreshed while the window is
// open: miniaudio has no event for a device plugged in or out.
const devicePoll = 5 * time.Second

// systemDefault is the picker's first choice: whatever the system records from.
const systemDefault = "System default"

// inputPicker chooses the input device. The choice is kept by device id
// (a name can change with the language, an id does not) and applied once
// the device list has loaded; a chosen device that is not connected is
// said so, and recording uses the system default until it is back.
type inputPicker struct {
	u      *UI
	sel    *refreshingSelect
	devs   []device.Device
	want   string // the chosen device's id, or "" for the system default
	absent string // the chosen device when it was missing last time, for the notice
}

func newInputPicker(u *UI) *inputPicker {
	ip := &inputPicker{u: u, want: u.app.Preferences().String(prefDevice)}
	ip.sel = newRefreshingSelect(ip.load)
	ip.sel.Options = []string{systemDefault}
	ip.sel.Selected = systemDefault
	ip.sel.OnChanged = ip.chosen
	return ip
}

// watch loads the device list now and every devicePoll until the window closes.
func (ip *inputPicker) watch() {
	ip.load()
	ip.u.loops.Add(1)
	go func() {
		defer ip.u.loops.Done()
		t := time.NewTicker(devicePoll)
		defer t.Stop()
		for {
			select {
			case <-ip.u.ctx.Done():
				return
			case <-t.C:
				onMain(ip.load)
			}
		}
	}()
}

// load lists the input devices off the Fyne goroutine.
func (ip *inputPicker) load() {
	ip.u.background(func(ctx context.Context) {
		ds, err := device.Devices(ctx, ip.u.be.Audio)
		onMain(func() {
			if err != nil {
				ip.u.notices.problem("input", plain(fmt.Errorf("could not list the input devices: %w", err)))
				return
			}
			ip.u.notices.withdraw("input")
			ip.apply(ds)
		})
	})
}

// apply shows a fresh device list and selects the chosen device in it.
func (ip *inputPicker) apply(ds []device.Device) {
	ip.devs = ds
	names := []string{systemDefault}
	for _, d := range ds {
		names = append(names, d.Name)
	}
	onChanged := ip.sel.OnChanged
	ip.sel.OnChanged = nil
	defer func() { ip.sel.OnChanged = onChanged }()
	if !slices.Equal(names, ip.sel.Options) {
		ip.sel.SetOptions(names)
	}
	d, found := ip.find(ip.want)
	switch {
	case ip.want == "":
		ip.sel.SetSelected(systemDefault)
	case found:
		ip.sel.SetSelected(d.Name)
		if ip.absent != "" {
			ip.u.notices.flash(fmt.Sprintf("The input %q is back; recording uses it again.", d.Name))
			ip.absent = ""
		}
	default:
		ip.sel.SetSelected(systemDefault)
		if ip.absent != ip.want {
			ip.absent = ip.want
			ip.u.notices.show(fmt.Sprintf("The input %q is not connected; recording uses the system default (%s) until it is back.", ip.want, ip.defaultName()), true)
		}
	}
}

// find returns the device with this id (or, as older versions kept it, name).
func (ip *inputPicker) find(idOrName string) (device.Device, bool) {
	for _, d := range ip.devs {
		if d.ID == idOrName || d.Name == idOrName {
			return d, true
		}
	}
	return device.Device{}, false
}

func (ip *inputPicker) defaultName() string {
	for _, d := range ip.devs {
		if d.Default {
			return d.Name
		}
	}
	return "none found"
}

// chosen keeps the user's pick.
func (ip *inputPicker) chosen(name string) {
	ip.want, ip.absent = "", ""
	for _, d := range ip.devs {
		if d.Name == name {
			ip.want = d.ID
		}
	}
	ip.u.app.Preferences().SetString(prefDevice, ip.want)
}

// inputID is the device to record from: "" for the system default, also
// while the chosen device is not connected. Before the list has loaded
// (Ctrl+R pressed at once after the start) it is the chosen id as kept;
// if that device is gone, start falls back to the default and says so.
func (ip *inputPicker) inputID() string {
	if ip.devs == nil {
		return ip.want
	}
	if d, ok := ip.find(ip.want); ok {
		return d.ID
	}
	return ""
}

// refreshingSelect is a Select that refreshes its options as it opens, so
// a device plugged in a moment ago is there to pick.
type refreshingSelect struct {
	widget.Select
	onOpen func()
}

func newRefreshingSelect(onOpen func()) *refreshingSelect {
	s := &refreshingSelect{onOpen: onOpen}
	s.ExtendBaseWidget(s)
	return s
}

// Tapped refreshes the options and opens the list.
func (s *refreshingSelect) Tapped(ev *fyne.PointEvent) {
	s.onOpen()
	s.Select.Tapped(ev)
}
