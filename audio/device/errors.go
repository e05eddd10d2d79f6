package device

import (
	"errors"
	"fmt"
)

// Errors callers classify with errors.Is.
var (
	// ErrNoDevice means there is no input device to record from, or the
	// chosen one could not be opened.
	ErrNoDevice = errors.New("no microphone found: connect one or pick another with --device; `earshot devices` lists them")
	// ErrNoOutput means there is no output device to play on, or it could
	// not be opened.
	ErrNoOutput = errors.New("no speakers or headphones found: connect some, or check the sound settings")
	// ErrDeviceLost means the input device went away (unplugged, or the
	// sound server stopped) and the recording stopped by itself.
	ErrDeviceLost = errors.New("microphone disconnected")
	// ErrDiskFull means a write ran out of space and the recording stopped
	// by itself.
	ErrDiskFull = errors.New("disk full")
)

// deviceError is a failure to find or open a device: it reads as the
// sentinel's advice, names the device if one was asked for, and keeps
// miniaudio's cause for errors.Is/As.
type deviceError struct {
	sentinel error  // ErrNoDevice or ErrNoOutput
	name     string // what the user asked for, "" for the default
	cause    error  // nil when the device is simply absent
}

func (e *deviceError) Error() string {
	msg := e.sentinel.Error()
	if e.name != "" {
		msg = fmt.Sprintf("%s (asked for %q)", msg, e.name)
	}
	if e.cause != nil {
		msg += ": " + e.cause.Error()
	}
	return msg
}

func (e *deviceError) Is(target error) bool { return target == e.sentinel }
func (e *deviceError) Unwrap() error        { return e.cause }
