package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/internal/human"
	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
	flag "github.com/spf13/pflag"
)

type trimFlags struct{ from, to string }

func init() {
	var f trimFlags
	Register(&Command{
		Name: "trim", Args: "ID",
		Summary: "keep only part of a recording: a new recording of that part; the original goes to the trash",
		Long: "The new recording is titled like the original + \" (trimmed)\" and keeps the bookmarks, " +
			"transcript, tags and favourite mark of the part kept, their times shifted. The original goes to the " +
			"trash here and, at the next sync, on your other devices: `earshot restore ID` brings it back. " +
			"Prints the new recording's id.",
		Examples: `earshot trim 3f91c07a --from 0:12 --to 4:30
			earshot trim 3f91c07a --from 1:05      # to the end
			earshot trim 3f91c07a --to 25.5         # from the start`,
		MinArgs: 1, MaxArgs: 1,
		Flags: func(fs *flag.FlagSet) {
			f = trimFlags{}
			fs.StringVar(&f.from, "from", "", "start of the part to keep (1:23, 1:02:03, 83.5 or 83s; default: the start)")
			fs.StringVar(&f.to, "to", "", "end of the part to keep (as --from; default: the end)")
		},
		Run: func(ctx context.Context, e *Env, args []string) error { return trim(ctx, e, args[0], f) },
	})
}

func trim(ctx context.Context, e *Env, idArg string, f trimFlags) error {
	if f.from == "" && f.to == "" {
		return Usagef("say which part to keep with --from, --to or both")
	}
	from, err := moment(f.from, "--from", 0)
	if err != nil {
		return err
	}
	r, err := e.Recording(ctx, idArg)
	if err != nil {
		return err
	}
	to, err := moment(f.to, "--to", r.Duration)
	if err != nil {
		return err
	}
	if err := needAudio(e, r); err != nil {
		return err
	}
	x, err := e.syncIndex(ctx)
	if err != nil {
		return err
	}
	nr, err := sync.Trim(ctx, x, r.ID, from, to)
	if errors.Is(err, audio.ErrTrimRange) {
		return Usagef("%v", err) // the user's times: exit 2, like a bad --from
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(e.Stdout, nr.ID)
	e.note("kept %s–%s of %q as %q (%s), %s long; the original is in the trash (`earshot restore %s` brings it back)",
		human.Moment(from), human.Moment(to), r.Title, nr.Title, library.ShortID(nr.ID), human.Moment(nr.Duration), library.ShortID(r.ID))
	return nil
}

// moment parses a --from/--to value, def when it is empty.
func moment(s, flagName string, def time.Duration) (time.Duration, error) {
	if s == "" {
		return def, nil
	}
	d, err := human.ParseMoment(s)
	if err != nil {
		return 0, Usagef("%s: %w", flagName, err)
	}
	return d, nil
}
