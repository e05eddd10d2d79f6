package cli

import (
	"context"
	"fmt"
	"strings"
)

func init() {
	Register(&Command{
		Name: "rename", Args: "ID TITLE", Summary: "give a recording a new title",
		MinArgs: 2, MaxArgs: -1,
		Run: func(ctx context.Context, e *Env, args []string) error {
			r, err := e.Recording(ctx, args[0])
			if err != nil {
				return err
			}
			title := strings.Join(args[1:], " ")
			if err := e.lib.Rename(ctx, r.ID, title); err != nil {
				return err
			}
			fmt.Fprintf(e.Stderr, "renamed %s: %q → %q\n", r.ID, r.Title, strings.TrimSpace(title))
			return nil
		},
	})
	Register(&Command{
		Name: "rm", Args: "ID...", Summary: "move recordings to the trash (restorable for 30 days)",
		MinArgs: 1, MaxArgs: -1,
		Run: func(ctx context.Context, e *Env, args []string) error {
			return eachRecording(ctx, e, args, func(id, title string) error {
				if err := e.lib.Trash(ctx, id); err != nil {
					return err
				}
				fmt.Fprintf(e.Stderr, "moved to the trash: %q (%s); `earshot restore %s` brings it back\n", title, id, id)
				return nil
			})
		},
	})
	Register(&Command{
		Name: "restore", Args: "ID...", Summary: "take recordings back out of the trash",
		MinArgs: 1, MaxArgs: -1,
		Run: func(ctx context.Context, e *Env, args []string) error {
			return eachRecording(ctx, e, args, func(id, title string) error {
				if err := e.lib.Restore(ctx, id); err != nil {
					return err
				}
				fmt.Fprintf(e.Stderr, "restored: %q (%s)\n", title, id)
				return nil
			})
		},
	})
}

// eachRecording resolves every id first (so a typo changes nothing), then
// applies fn to each.
func eachRecording(ctx context.Context, e *Env, args []string, fn func(id, title string) error) error {
	type target struct{ id, title string }
	var ts []target
	for _, a := range args {
		r, err := e.Recording(ctx, a)
		if err != nil {
			return err
		}
		ts = append(ts, target{r.ID, r.Title})
	}
	for _, t := range ts {
		if err := fn(t.id, t.title); err != nil {
			return err
		}
	}
	return nil
}
