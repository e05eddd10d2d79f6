package audio

import (
	"errors"
	"fmt"
)

// Errors callers classify with errors.Is. Every error this package returns
// for a bad or unreadable file wraps one of them.
var (
	// ErrUnsupported means the input is not in a format Earshot reads.
	ErrUnsupported = errors.New("not an audio file Earshot can read")
	// ErrCorrupt means the file claims a supported format but its contents
	// are damaged beyond what the decoder or Repair can use.
	ErrCorrupt = errors.New("audio file is damaged")
	// ErrBadParams means an encoder was asked for a sample rate, channel
	// count or option the format cannot hold.
	ErrBadParams = errors.New("unsupported audio parameters")
)

// supportedList ends every "cannot read" error so the user knows what works.
const supportedList = "supported: WAV, FLAC, Ogg Opus, MP3"

// unsupportedf builds the one-line error a user sees for input Earshot
// cannot read; it wraps ErrUnsupported.
func unsupportedf(format string, args ...any) error {
	return fmt.Errorf("%w: %s; %s", ErrUnsupported, fmt.Sprintf(format, args...), supportedList)
}

// corruptf builds a damaged-file error; it wraps ErrCorrupt.
func corruptf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}
