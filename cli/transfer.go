package cli

import (
	"context"
	"fmt"
)

func init() {
	Register(&Command{
		Name: "import", Args: "FILE...", Summary: "add audio files (WAV, FLAC, Ogg Opus as they are; MP3 re-encoded to Opus)",
		Examples: `earshot import interview.wav
			earshot import ~/Music/*.mp3`,
		MinArgs: 1, MaxArgs: -1,
		Run: func(ctx context.Context, e *Env, args []string) error {
			lib, err := e.Library(ctx)
			if err != nil {
				return err
			}
			for _, path := range args {
				report, done := progress(e.Stderr, "importing")
				r, err := lib.Import(ctx, path, report)
				done()
				if err != nil {
					return err
				}
				fmt.Fprintln(e.Stdout, r.ID)
				fmt.Fprintf(e.Stderr, "imported %q (%s): %s, %s, %s\n", r.Title, r.ID, formatDuration(r.Duration), r.Format, formatSize(r.Size))
			}
			return nil
		},
	})
	Register(&Command{
		Name: "export", Args: "ID FILE", Summary: "write a recording to FILE (converted when its extension names another format)",
		Examples: `earshot export 01jd8k2m call.flac   # converted to FLAC
			earshot export 01jd8k2m call.opus`,
		MinArgs: 2, MaxArgs: 2,
		Run: func(ctx context.Context, e *Env, args []string) error {
			r, err := e.Recording(ctx, args[0])
			if err != nil {
				return err
			}
			report, done := progress(e.Stderr, "exporting")
			path, err := e.lib.Export(ctx, r.ID, args[1], report)
			done()
			if err != nil {
				return err
			}
			fmt.Fprintln(e.Stdout, path)
			return nil
		},
	})
}
