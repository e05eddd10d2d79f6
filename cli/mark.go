package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/earshot/earshot/internal/human"
)

func init() {
	Register(&Command{
		Name: "mark", Args: "ID TIME [NAME]",
		Summary: "bookmark a moment of a recording (TIME as 1:23, 1:02:03, 83.5 or 83s), optionally named",
		Long: "Prints the new bookmark's number. While `earshot record` runs, a key press " +
			"bookmarks the moment too.",
		Examples: `earshot mark 3f91c07a 1:23 The decision
			earshot mark rename 3f91c07a 2 Action items
			earshot mark rm 3f91c07a 2`,
		MinArgs: 2, MaxArgs: -1,
		Run: mark,
	})
	Register(&Command{
		Name: "mark rename", Args: "ID MARK NAME",
		Summary: "rename a bookmark (MARK: its number from `earshot marks`, or its name)",
		Examples: `earshot mark rename 3f91c07a 2 Action items
			earshot mark rename 3f91c07a "Action items" ""   # unname it`,
		MinArgs: 3, MaxArgs: -1,
		Run: func(ctx context.Context, e *Env, args []string) error {
			return withMark(ctx, e, args[0], args[1], func(id, at string) error {
				name := strings.Join(args[2:], " ")
				if err := e.lib.RenameBookmark(ctx, id, name); err != nil {
					return err
				}
				e.note("renamed the bookmark at %s to %q", at, strings.TrimSpace(name))
				return nil
			})
		},
	})
	Register(&Command{
		Name: "mark rm", Args: "ID MARK...",
		Summary: "remove bookmarks (MARK: its number from `earshot marks`, or its name)",
		Examples: `earshot mark rm 3f91c07a 2
			earshot mark rm 3f91c07a 1 3`,
		MinArgs: 2, MaxArgs: -1,
		Run: markRemove,
	})
}

func mark(ctx context.Context, e *Env, args []string) error {
	at, err := human.ParseMoment(args[1])
	if err != nil {
		return Usagef("%w", err)
	}
	r, err := e.Recording(ctx, args[0])
	if err != nil {
		return err
	}
	b, err := e.lib.AddBookmark(ctx, r.ID, at, strings.Join(args[2:], " "))
	if err != nil {
		return err
	}
	ms, err := e.lib.Bookmarks(ctx, r.ID)
	if err != nil {
		return err
	}
	for i, m := range ms {
		if m.ID == b.ID {
			fmt.Fprintln(e.Stdout, i+1)
		}
	}
	e.note("bookmarked %s of %q", human.Moment(at), r.Title)
	return nil
}

// markRemove resolves every MARK first, so a typo removes nothing.
func markRemove(ctx context.Context, e *Env, args []string) error {
	r, err := e.Recording(ctx, args[0])
	if err != nil {
		return err
	}
	var ids, ats []string
	for _, ref := range args[1:] {
		b, err := e.lib.FindBookmark(ctx, r.ID, ref)
		if err != nil {
			return err
		}
		ids, ats = append(ids, b.ID), append(ats, human.Moment(ms2d(b.AtMS)))
	}
	for i, id := range ids {
		if err := e.lib.RemoveBookmark(ctx, id); err != nil {
			return err
		}
		e.note("removed the bookmark at %s of %q", ats[i], r.Title)
	}
	return nil
}

// withMark finds one bookmark of a recording as the user named it.
func withMark(ctx context.Context, e *Env, recRef, markRef string, fn func(id, at string) error) error {
	r, err := e.Recording(ctx, recRef)
	if err != nil {
		return err
	}
	b, err := e.lib.FindBookmark(ctx, r.ID, markRef)
	if err != nil {
		return err
	}
	return fn(b.ID, human.Moment(ms2d(b.AtMS)))
}

// note tells the user what was done, on stderr, unless -q.
func (e *Env) note(format string, args ...any) {
	if !e.Quiet {
		fmt.Fprintf(e.Stderr, format+"\n", args...)
	}
}
