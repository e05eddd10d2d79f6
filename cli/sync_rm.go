package cli

import (
	"context"
	"fmt"

	flag "github.com/spf13/pflag"

	"github.com/earshot/earshot/sync"
)

// rm deletes recordings. A recording may live in two places, so rm takes
// a scope: --local, --cloud or --everywhere. Without a scope, rm moves
// recordings the cloud does not have to the trash, and asks for a choice for
// those it has.
func init() {
	var local, cloud, everywhere bool
	var sf sessionFlags
	Register(&Command{
		Name: "rm", Args: "ID...", Summary: "delete recordings: to the trash, or from this device, the cloud or everywhere",
		MinArgs: 1, MaxArgs: -1,
		Examples: `earshot rm 3f91c07a       # to the trash (a recording the cloud does not have)
			earshot rm 3f91c07a --local  # free the space here; the cloud keeps it
			earshot rm 3f91c07a --everywhere`,
		Flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&local, "local", false, "remove the audio from this device only; the cloud keeps it")
			fs.BoolVar(&cloud, "cloud", false, "remove the cloud copy only; every device that has the audio keeps it, local only")
			fs.BoolVar(&everywhere, "everywhere", false, "delete the cloud copy and move it to the trash here and on your other devices")
			sf.register(fs)
		},
		Run: func(ctx context.Context, e *Env, args []string) error {
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
				return Usagef("choose one of --local, --cloud and --everywhere")
			}
			if len(scopes) == 0 {
				return e.rmUnscoped(ctx, args)
			}
			ce, err := e.cloudOrLocal(ctx, sf)
			if err != nil {
				return err
			}
			return eachRecording(ctx, e, args, func(id, _ string) error {
				return e.deleteScoped(ctx, ce, id, scopes[0])
			})
		},
	})
}

// rmUnscoped trashes recordings the cloud does not hold, and refuses (with
// the choices) for those it does.
func (e *Env) rmUnscoped(ctx context.Context, args []string) error {
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
	if sf.noKeyring || sf.pw.given() {
		return nil, err
	}
	x, xerr := e.syncIndex(ctx)
	if xerr != nil {
		return nil, xerr
	}
	fmt.Fprintf(e.Stderr, "note: %s; deletions are recorded here and reach the cloud with the next sync\n", oneLine(err.Error()))
	return &cloudEnv{x: x}, nil
}
