package device

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/gen2brain/malgo"
)

// BackendEnv names the environment variable that picks the audio backend
// when the caller asks for none (""): "pulse", "alsa", "jack" or "null".
const BackendEnv = "EARSHOT_AUDIO_BACKEND"

// Backends lists the backend names this package accepts, for help texts.
var Backends = []string{"pulse", "alsa", "jack", "null"}

// nullBackend is miniaudio's null backend. malgo.BackendNull is off by one
// against miniaudio's C enum (which has ma_backend_custom before it) and
// would select the custom backend, which fails with "No backend".
const nullBackend = malgo.Backend(malgo.BackendNull + 1)

// autoBackends is the order tried for "": the Linux sound servers first,
// then every other platform's native API (miniaudio skips those not built
// for this system). The null backend is never picked silently.
var autoBackends = []malgo.Backend{
	malgo.BackendPulseaudio, malgo.BackendAlsa, malgo.BackendJack,
	malgo.BackendCoreaudio, malgo.BackendWasapi, malgo.BackendDsound, malgo.BackendWinmm,
	malgo.BackendSndio, malgo.BackendAudio4, malgo.BackendOss,
}

// resolveBackend turns a backend name into miniaudio's list of backends to
// try, consulting BackendEnv when name is empty.
func resolveBackend(name string) ([]malgo.Backend, error) {
	if name == "" {
		name = os.Getenv(BackendEnv)
	}
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "auto":
		return autoBackends, nil
	case "pulse", "pulseaudio":
		return []malgo.Backend{malgo.BackendPulseaudio}, nil
	case "alsa":
		return []malgo.Backend{malgo.BackendAlsa}, nil
	case "jack":
		return []malgo.Backend{malgo.BackendJack}, nil
	case "null":
		return []malgo.Backend{nullBackend}, nil
	}
	return nil, fmt.Errorf("unknown audio backend %q: use %s, or leave it empty to pick automatically",
		name, strings.Join(Backends, ", "))
}

// openContext starts miniaudio on the named backend. The caller frees it
// with closeContext.
func openContext(backend string) (*malgo.AllocatedContext, error) {
	list, err := resolveBackend(backend)
	if err != nil {
		return nil, err
	}
	silenceALSA()
	mctx, err := malgo.InitContext(list, malgo.ContextConfig{}, nil)
	if err != nil {
		return nil, fmt.Errorf("start audio system (backend %q): %w", backendLabel(backend), err)
	}
	return mctx, nil
}

// closeContext releases what openContext made.
func closeContext(mctx *malgo.AllocatedContext) {
	_ = mctx.Uninit()
	mctx.Free()
}

func backendLabel(name string) string {
	if name == "" {
		if env := os.Getenv(BackendEnv); env != "" {
			return env
		}
		return "auto"
	}
	return name
}

// deviceReleaseLimit bounds how long finishing a recording waits for the
// audio system to let go of the device.
const deviceReleaseLimit = 2 * time.Second

// releaseDevice stops and uninitialises dev, then frees its context, waiting
// at most limit; it reports whether that completed. Stop comes first because
// miniaudio's uninit alone does not wake a PulseAudio data loop whose stream
// has died (the device was unplugged), and would wait forever. Should the
// sound server hang anyway, the release finishes in the background: nothing
// the caller still does depends on it.
func releaseDevice(dev *malgo.Device, mctx *malgo.AllocatedContext, limit time.Duration) bool {
	released := make(chan struct{})
	go func() {
		_ = dev.Stop()
		dev.Uninit()
		closeContext(mctx)
		close(released)
	}()
	select {
	case <-released:
		return true
	case <-time.After(limit):
		return false
	}
}
