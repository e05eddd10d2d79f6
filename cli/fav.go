package cli

import (
	"context"
)

func init() {
	for _, c := range []struct {
		name, summary string
		on            bool
	}{
		{"fav", "mark recordings as favourites (`earshot list --fav` shows them)", true},
		{"unfav", "take recordings off the favourites", false},
	} {
		Register(&Command{
			Name: c.name, Args: "ID...", Summary: c.summary,
			Examples: "earshot " + c.name + " 3f91c07a",
			MinArgs:  1, MaxArgs: -1,
			Run: func(ctx context.Context, e *Env, args []string) error {
				return eachRecording(ctx, e, args, func(id, title string) error {
					if err := e.lib.SetFavorite(ctx, id, c.on); err != nil {
						return err
					}
					if c.on {
						e.note("%q is a favourite", title)
					} else {
						e.note("%q is no longer a favourite", title)
					}
					return nil
				})
			},
		})
	}
}
