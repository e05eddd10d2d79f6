//go:build !linux

package cli

import (
	"errors"
	"os"
)

// keysMode is unsupported here: bookmarks while recording are asked for by
// lines (Enter), as from a pipe.
func keysMode(*os.File) (func(), error) {
	return nil, errors.New("single-key input is not supported on this system")
}
