package cli

import (
	"context"
	"fmt"
)

func init() {
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
