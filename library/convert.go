package library

import (
	"context"
	"errors"

	"github.com/earshot/earshot/audio"
)

// convert re-encodes src into dst in format (TEMPORARY until audio.Convert lands).
func convert(ctx context.Context, src, dst string, format audio.Format, progress Progress) (audio.Info, error) {
	return audio.Info{}, errors.New("conversion is not available yet")
}
