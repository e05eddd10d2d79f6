package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
)

func init() {
	var sf sessionFlags
	Register(&Command{
		Name: "push", Args: "ID...", Summary: "upload recordings again that were removed from the cloud (kept on this device only)",
		MinArgs: 1, MaxArgs: -1, Flags: sf.register,
		Examples: `earshot push 3f91c07a`,
		Run: func(ctx context.Context, e *Env, args []string) error {
			ce, err := e.cloudOrLocal(ctx, sf)
			if err != nil {
				return err
			}
			return eachRecording(ctx, e, args, func(id, title string) error { return e.push(ctx, ce, id, title) })
		},
	})
}

// push uploads a recording kept local-only after a delete from the cloud.
func (e *Env) push(ctx context.Context, ce *cloudEnv, id, title string) error {
	name := fmt.Sprintf("%q (%s)", printable(title), library.ShortID(id))
	err := sync.UploadAgain(ctx, ce.x, id)
	switch {
	case errors.Is(err, sync.ErrInCloud):
		e.Infof("%s is in the cloud already", name)
		return nil
	case err != nil:
		return err
	case ce.eng == nil:
		e.Infof("%s will be uploaded with the next `earshot sync`", name)
		return nil
	}
	if err := ce.eng.SyncOne(ctx, id); err != nil {
		if sync.Retryable(err) {
			e.Infof("%s: cannot reach the server now (%s); it is uploaded with the next sync", name, oneLine(err.Error()))
			return nil
		}
		return err
	}
	e.Infof("uploaded %s to the cloud again", name)
	return nil
}

// deleteScoped records a deletion, carries its cloud part out now when the
// server can be reached (else the next sync does), and says what happened
// to the copies here, in the cloud and on the other devices.
func (e *Env) deleteScoped(ctx context.Context, ce *cloudEnv, id string, scope sync.Scope) error {
	before, err := ce.x.Item(ctx, id)
	if errors.Is(err, library.ErrNotFound) {
		return e.deleteCloudOnly(ctx, ce, id, scope)
	}
	if err != nil {
		return err
	}
	if err := sync.Delete(ctx, ce.x, id, scope); err != nil {
		return err
	}
	name := fmt.Sprintf("%q (%s)", printable(before.Title), library.ShortID(id))
	short := library.ShortID(id)
	if scope == sync.FromDevice {
		e.Infof("removed %s from this device; it stays in the cloud (`earshot pull %s` fetches it again)", name, short)
		return nil
	}
	inCloud := before.RemoteVersion > 0
	// Kept here after a removal from the cloud: the deletion still goes
	// out, for the devices that kept their copies too.
	keptAfterRemoval := scope == sync.Everywhere && before.KeepLocal && before.HasAudio
	if !inCloud && !keptAfterRemoval {
		return e.deletedLocalOnly(name, short, scope)
	}
	sent, err := e.sendDeletion(ctx, ce, id, name)
	if err != nil || !sent {
		return err
	}
	switch {
	case keptAfterRemoval && !inCloud:
		e.Infof("deleted %s everywhere: it is in the trash here (`earshot restore %s` brings it back) and your devices that kept a copy when it left the cloud move theirs to the trash", name, short)
	case scope == sync.FromCloud && before.HasAudio:
		e.Infof("removed %s from the cloud; this device and your others that have it keep their copies, local only (`earshot push %s` uploads it again)", name, short)
	case scope == sync.FromCloud:
		e.Infof("removed %s from the cloud; this device had no copy, so it is no longer listed here; your devices that have it keep theirs", name)
	case before.HasAudio:
		e.Infof("deleted %s everywhere: it is in the trash here (`earshot restore %s` brings it back, also to the cloud) and goes to the trash on your other devices", name, short)
	default:
		e.Infof("deleted %s everywhere: this device had no copy, so nothing is in the trash here; your devices that have it move it to their trash", name)
	}
	return nil
}

// deletedLocalOnly reports a deletion of a recording the cloud never had.
func (e *Env) deletedLocalOnly(name, short string, scope sync.Scope) error {
	if scope == sync.FromCloud {
		e.Infof("%s was not in the cloud: it stays on this device only and will not be uploaded (`earshot push %s` uploads it)", name, short)
		return nil
	}
	e.Infof("moved %s to the trash; it was never in the cloud (`earshot restore %s` brings it back)", name, short)
	return nil
}

// sendDeletion carries out a recorded deletion now; sent is false when it
// waits for the next sync (said so).
func (e *Env) sendDeletion(ctx context.Context, ce *cloudEnv, id, name string) (sent bool, err error) {
	if ce.eng == nil {
		e.Infof("the deletion of %s is recorded here; it reaches the cloud with the next `earshot sync`", name)
		return false, nil
	}
	if err := ce.eng.SyncOne(ctx, id); err != nil {
		if sync.Retryable(err) {
			e.Infof("%s: cannot reach the server now (%s); the deletion waits for the next sync", name, oneLine(err.Error()))
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// deleteCloudOnly deletes a recording this library has never heard of,
// known only to the server.
func (e *Env) deleteCloudOnly(ctx context.Context, ce *cloudEnv, id string, scope sync.Scope) error {
	if ce.sess == nil || scope == sync.FromDevice {
		return &library.NotFoundError{ID: id}
	}
	wire := api.ScopeEverywhere
	if scope == sync.FromCloud {
		wire = api.ScopeCloud
	}
	if err := ce.sess.Client().Delete(ctx, id, wire); err != nil && sync.KindOf(err) != sync.KindNotFound {
		return err
	}
	if scope == sync.Everywhere {
		e.Infof("deleted %s everywhere; it was not on this device; your devices that have it move it to their trash", library.ShortID(id))
		return nil
	}
	e.Infof("removed %s from the cloud; it was not on this device; your devices that have it keep theirs", library.ShortID(id))
	return nil
}
