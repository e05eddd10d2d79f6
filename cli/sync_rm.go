package cli

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/earshot/earshot/sync"
)

// The library's `earshot rm` moves recordings to the trash. Once sync
// exists a recording may live in two places, so rm takes a scope: this
// file wraps that command (registered by manage.go, whose init runs first)
// with --local, --cloud and --everywhere. Without a scope, rm keeps its
// meaning for recordings the cloud does not have, and asks for a choice
// for those it has.
func init() {
	rm, ok := commands["rm"]
	if !ok {
		panic("cli: sync_rm.go needs the rm command of manage.go")
	}
	trash := rm.Run
	var local, cloud, everywhere bool
	var sf sessionFlags
	rm.Args = "[--local|--cloud|--everywhere] ID..."
	rm.Summary = "delete recordings: to the trash, or from this device, the cloud or everywhere"
	rm.Flags = func(fs *flag.FlagSet) {
		fs.BoolVar(&local, "local", false, "remove the audio from this device only; the cloud keeps it")
		fs.BoolVar(&cloud, "cloud", false, "delete the cloud copy only; this device keeps it")
		fs.BoolVar(&everywhere, "everywhere", false, "delete the cloud copy and move it to the trash here and on your other devices")
		sf.register(fs)
	}
	rm.Run = func(ctx context.Context, e *Env, args []string) error {
		// `earshot rm ID --everywhere`: flags may follow the ids too.
		before := [...]bool{local, cloud, everywhere, sf.noKeyring, sf.passwordStdin}
		fs := flag.NewFlagSet("earshot rm", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		rm.Flags(fs) // resets the values: merged back below
		ids, err := parseInterspersed(fs, args)
		if err != nil {
			return fmt.Errorf("%v; usage: earshot rm %s", err, rm.Args)
		}
		args = ids
		local, cloud, everywhere = local || before[0], cloud || before[1], everywhere || before[2]
		sf.noKeyring, sf.passwordStdin = sf.noKeyring || before[3], sf.passwordStdin || before[4]
		var scopes []sync.Scope
		for _, s := range []struct {
			on    bool
			scope sync.Scope
		}{{local, sync.FromDevice}, {cloud, sync.FromCloud}, {everywhere, sync.Everywhere}} {
			if s.on {
				scopes = append(scopes, s.scope)
			}
		}
		if len(scopes) > 1 {
			return fmt.Errorf("choose one of --local, --cloud and --everywhere")
		}
		if len(scopes) == 0 {
			return e.rmUnscoped(ctx, args, trash)
		}
		ce, err := e.cloudOrLocal(ctx, sf)
		if err != nil {
			return err
		}
		return eachRecording(ctx, e, args, func(id, _ string) error {
			return e.deleteScoped(ctx, ce, id, scopes[0])
		})
	}
}

// rmUnscoped trashes recordings the cloud does not hold, and refuses (with
// the choices) for those it does.
func (e *Env) rmUnscoped(ctx context.Context, args []string, trash func(context.Context, *Env, []string) error) error {
	x, err := e.syncIndex(ctx)
	if err != nil {
		return err
	}
	for _, a := range args {
		r, err := e.Recording(ctx, a)
		if err != nil {
			return err
		}
		it, err := x.Item(ctx, r.ID)
		if err != nil {
			return err
		}
		if it.RemoteVersion > 0 {
			return fmt.Errorf("%q (%s) is in the cloud too: choose --local (this device only), --cloud (the cloud only) or --everywhere", r.Title, r.ID)
		}
	}
	return trash(ctx, e, args)
}

// cloudOrLocal returns the cloud environment, or, when no session can be
// had (logged out, no keyring), one without a session: the deletion is
// then recorded and goes out with the next sync.
func (e *Env) cloudOrLocal(ctx context.Context, sf sessionFlags) (*cloudEnv, error) {
	ce, err := e.cloud(ctx, sf, sync.Options{})
	if err == nil {
		return ce, nil
	}
	if sf.noKeyring {
		return nil, err
	}
	x, xerr := e.syncIndex(ctx)
	if xerr != nil {
		return nil, xerr
	}
	fmt.Fprintf(e.Stderr, "note: %s; deletions are recorded here and reach the cloud with the next sync\n", oneLine(err.Error()))
	return &cloudEnv{x: x}, nil
}

// parseInterspersed parses flags that may come before, between or after
// the other arguments, and returns those arguments. Values already set by
// an earlier parse stay unless given again.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if args[0] == "--" {
			return append(rest, args[1:]...), nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}
