package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/earshot/earshot/audio/device"
	"github.com/earshot/earshot/library"
)

func init() {
	Register(&Command{
		Name: "play", Args: "ID", Summary: "play a recording (Ctrl-C stops)",
		Examples: `earshot play 01jd8k2m`,
		MinArgs:  1, MaxArgs: 1,
		Run: func(ctx context.Context, e *Env, args []string) error {
			r, err := e.Recording(ctx, args[0])
			if err != nil {
				return err
			}
			path := e.lib.AudioPath(r)
			if path == "" {
				return fmt.Errorf("recording %s: %w; download it first", r.ID, library.ErrNoAudio)
			}
			fmt.Fprintf(e.Stderr, "playing %q (%s), %s; Ctrl-C stops\n", r.Title, r.ID, formatDuration(r.Duration))
			err = device.PlayFile(ctx, path, "")
			if errors.Is(err, context.Canceled) {
				return nil // the user stopped it
			}
			return err
		},
	})
}
