package device

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"unicode"

	"github.com/gen2brain/malgo"
)

// Device is one input device as the audio system names it.
type Device struct {
	// Name is the human-readable name ("Built-in Audio Analog Stereo").
	Name string
	// ID is the backend's identifier (a PulseAudio source name, an ALSA
	// device string); Config.Device accepts it as well as Name.
	ID string
	// Default marks the device recordings use when none is chosen.
	Default bool

	id malgo.DeviceID
}

// Devices lists the input devices of backend ("" picks as described in the
// package documentation). An empty list with a nil error means the audio
// system works but has no microphone.
func Devices(ctx context.Context, backend string) ([]Device, error) {
	type result struct {
		devs []Device
		err  error
	}
	// Enumeration talks to a sound server that may hang; ctx bounds the wait.
	ch := make(chan result, 1)
	go func() {
		devs, err := listDevices(backend)
		ch <- result{devs, err}
	}()
	select {
	case r := <-ch:
		return r.devs, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("list audio devices: %w", ctx.Err())
	}
}

func listDevices(backend string) ([]Device, error) {
	mctx, err := openContext(backend)
	if err != nil {
		return nil, fmt.Errorf("list audio devices: %w", err)
	}
	defer closeContext(mctx)
	return captureDevices(mctx)
}

func captureDevices(mctx *malgo.AllocatedContext) ([]Device, error) {
	infos, err := mctx.Devices(malgo.Capture)
	if err != nil {
		return nil, fmt.Errorf("list audio devices: %w", err)
	}
	devs := make([]Device, 0, len(infos))
	for _, in := range infos {
		d := Device{Name: in.Name(), ID: idString(in.ID), Default: in.IsDefault != 0, id: in.ID}
		if !canCapture(mctx, d) {
			continue
		}
		devs = append(devs, d)
	}
	return devs, nil
}

// notInputs are ALSA PCM plugins that ALSA lists beside real devices but
// that are no microphone: "null" hands out silence, the others convert or
// forward audio and fail or record nothing on their own.
var notInputs = map[string]bool{
	"null": true, "lavrate": true, "samplerate": true, "speexrate": true, "speex": true,
	"upmix": true, "vdownmix": true, "oss": true, "jack": true, "pulse": true,
}

// canCapture reports whether d can record: not a known plugin, and the
// backend can open it for capture (miniaudio opens it to read its formats).
// Without a sound server, ALSA otherwise lists its plugins (lavrate, jack…)
// as if they were microphones and `record` then fails.
func canCapture(mctx *malgo.AllocatedContext, d Device) bool {
	if notInputs[d.ID] {
		return false
	}
	info, err := mctx.DeviceInfo(malgo.Capture, d.id, malgo.Shared)
	return err == nil && info.FormatCount > 0
}

// idString shows a device ID as text when the backend stores a name in it
// (PulseAudio, ALSA, JACK), and as hex otherwise.
func idString(id malgo.DeviceID) string {
	end := 0
	for end < len(id) && id[end] != 0 {
		end++
	}
	s := string(id[:end])
	if s == "" || strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		return id.String()
	}
	return s
}

// findDevice picks the input device called want: an exact ID or name first,
// then a name ignoring case, then the only name containing want.
func findDevice(devs []Device, want string) (Device, bool) {
	for _, d := range devs {
		if d.ID == want || d.Name == want {
			return d, true
		}
	}
	var partial []Device
	lw := strings.ToLower(want)
	for _, d := range devs {
		if strings.EqualFold(d.Name, want) {
			return d, true
		}
		if strings.Contains(strings.ToLower(d.Name), lw) {
			partial = append(partial, d)
		}
	}
	if len(partial) == 1 {
		return partial[0], true
	}
	return Device{}, false
}

// withDeviceID runs init with a pointer to id that C may read during the
// call (nil for the default device), pinned so cgo accepts it inside the
// device config.
func withDeviceID(d *Device, init func(ptr *malgo.DeviceID) error) error {
	if d == nil {
		return init(nil)
	}
	id := d.id
	var pin runtime.Pinner
	pin.Pin(&id)
	defer pin.Unpin()
	return init(&id)
}

// SoundServerRunning reports whether a PulseAudio server (or PipeWire's
// PulseAudio service) answers, for telling "no sound server" from "no
// microphone" when Devices finds nothing.
func SoundServerRunning() bool {
	mctx, err := malgo.InitContext([]malgo.Backend{malgo.BackendPulseaudio}, malgo.ContextConfig{}, nil)
	if err != nil {
		return false
	}
	closeContext(mctx)
	return true
}
