package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
)

func init() {
	Register(&Command{
		Name: "rename", Args: "ID TITLE", Summary: "give a recording a new title",
		Examples: `earshot rename 3f91c07a Call with Ana
			earshot rename 3f91c07a -- -3 dB test   # a title that starts with a dash`,
		MinArgs: 2, MaxArgs: -1,
		Run: func(ctx context.Context, e *Env, args []string) error {
			title := strings.Join(args[1:], " ")
			if err := api.CheckTitle(strings.TrimSpace(title)); err != nil {
				return Usagef("%w", err)
			}
			r, err := e.Recording(ctx, args[0])
			if err != nil {
				return err
			}
			if err := e.lib.Rename(ctx, r.ID, title); err != nil {
				return err
			}
			fmt.Fprintf(e.Stderr, "renamed %s: %q → %q\n", library.ShortID(r.ID), printable(r.Title), printable(strings.TrimSpace(title)))
			return nil
		},
	})
	Register(&Command{
		Name: "restore", Args: "ID...", Summary: "take recordings back out of the trash",
		Examples: `earshot restore 3f91c07a`,
		MinArgs:  1, MaxArgs: -1,
		Run: func(ctx context.Context, e *Env, args []string) error {
			rs, err := resolveAll(ctx, e, args, func(r library.Recording) error {
				if r.TrashedAt == nil {
					return fmt.Errorf("%q (%s) is not in the trash, so there is nothing to restore; nothing was changed", r.Title, library.ShortID(r.ID))
				}
				return nil
			})
			if err != nil {
				return err
			}
			for _, r := range rs {
				if err := e.lib.Restore(ctx, r.ID); err != nil {
					return err
				}
				e.Infof("restored: %q (%s)", r.Title, library.ShortID(r.ID))
			}
			return nil
		},
	})
}

// trash moves recordings to the trash (rm without a scope, for recordings
// the cloud does not hold).
func trash(ctx context.Context, e *Env, args []string) error {
	rs, err := resolveAll(ctx, e, args, func(r library.Recording) error {
		if r.TrashedAt != nil {
			return fmt.Errorf("%q (%s) is already in the trash (`earshot restore %s` brings it back, `earshot trash empty` deletes it for good); nothing was changed",
				r.Title, library.ShortID(r.ID), library.ShortID(r.ID))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range rs {
		if err := e.lib.Trash(ctx, r.ID); err != nil {
			return err
		}
		short := library.ShortID(r.ID)
		e.Infof("moved to the trash: %q (%s); `earshot restore %s` brings it back within %d days", r.Title, short, short, trashDays)
	}
	return nil
}

// resolveAll finds every recording named and checks each with check before
// anything changes, so a typo or a wrong state anywhere changes nothing.
func resolveAll(ctx context.Context, e *Env, args []string, check func(library.Recording) error) ([]library.Recording, error) {
	var rs []library.Recording
	for _, a := range args {
		r, err := e.Recording(ctx, a)
		if err != nil {
			return nil, err
		}
		if err := check(r); err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	return rs, nil
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
