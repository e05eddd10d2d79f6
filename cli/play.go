package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/earshot/earshot/audio/device"
	"github.com/earshot/earshot/audio/stretch"
	"github.com/earshot/earshot/internal/human"
	"github.com/earshot/earshot/internal/listen"
	flag "github.com/spf13/pflag"
)

type playFlags struct {
	listen.Settings
	from string
}

func init() {
	var f playFlags
	Register(&Command{
		Name: "play", Args: "ID", Summary: "play a recording (Ctrl-C stops)",
		Long: "--speed plays faster or slower with the voice's pitch kept (0.5 to 3). " +
			"--skip-silence leaves out pauses longer than 0.6 s. --enhance suppresses noise and evens the loudness " +
			"(the recording itself is not changed).",
		Examples: `earshot play 3f91c07a
earshot play 3f91c07a --speed 1.5 --skip-silence
earshot play 3f91c07a --enhance
earshot play 3f91c07a --from 1:23   # from 1 min 23 s (a time earshot search printed)`,
		MinArgs: 1, MaxArgs: 1,
		Flags: func(fs *flag.FlagSet) {
			f = playFlags{}
			fs.Float64Var(&f.Speed, "speed", 1, "playback speed, 0.5 to 3, pitch kept")
			fs.BoolVar(&f.SkipSilence, "skip-silence", false, "leave out long pauses")
			fs.BoolVar(&f.Enhance, "enhance", false, "suppress noise and even the loudness while playing")
			fs.StringVar(&f.from, "from", "", "start at this time (1:23, 1:02:03, 83.5 or 83s)")
		},
		Run: func(ctx context.Context, e *Env, args []string) error { return play(ctx, e, args[0], f) },
	})
}

func play(ctx context.Context, e *Env, idArg string, f playFlags) error {
	if err := stretch.CheckSpeed(f.Speed); err != nil { // 0 too: Settings take it for "unset", a typed 0 is not
		return Usagef("--speed: %v", err)
	}
	start, err := playStart(f.from)
	if err != nil {
		return err
	}
	r, err := e.Recording(ctx, idArg)
	if err != nil {
		return err
	}
	if err := needAudio(e, r); err != nil {
		return err
	}
	path := e.lib.AudioPath(r)
	if start > 0 && start >= r.Duration {
		return Usagef("--from %s is past the end of %q (%s long)", f.from, r.Title, human.Moment(r.Duration))
	}
	p, err := device.NewPlayer(ctx, path, "")
	if err != nil {
		return err
	}
	defer p.Close()
	skipped, err := listen.Apply(ctx, e.lib, p, r, f.Settings)
	if err != nil {
		return err
	}
	note := ""
	if f.SkipSilence {
		note = fmt.Sprintf(", skipping %s of pauses", formatDuration(skipped))
	}
	if f.Speed != 1 {
		note += fmt.Sprintf(" at %g×", f.Speed)
	}
	if f.Enhance {
		note += ", enhanced"
	}
	if start > 0 {
		if err := p.Seek(start); err != nil {
			return err
		}
		note += ", from " + human.Moment(start)
	}
	fmt.Fprintf(e.Stderr, "playing %q (%s), %s%s; Ctrl-C stops\n", r.Title, r.ID, formatDuration(r.Duration), note)
	done := p.Done()
	if err := p.Play(); err != nil {
		return err
	}
	select {
	case <-done:
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil // the user stopped it
		}
		return ctx.Err()
	}
	return p.Err()
}
