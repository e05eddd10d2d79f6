package audio

import (
	"errors"
	"fmt"
	"io"
)

// ErrSeekRange means a Seek target lies outside the stream.
var ErrSeekRange = errors.New("seek outside the recording")

// seekTarget resolves an io.Seeker-style (offset, whence) in frames against
// the current position and the stream's length.
func seekTarget(offset int64, whence int, cur, length int64) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += cur
	case io.SeekEnd:
		offset += length
	default:
		return 0, fmt.Errorf("invalid whence %d", whence)
	}
	if offset < 0 || offset > length {
		return 0, fmt.Errorf("%w: frame %d of 0..%d", ErrSeekRange, offset, length)
	}
	return offset, nil
}
