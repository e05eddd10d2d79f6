package sync

import (
	"context"
	"fmt"
	"time"

	"github.com/earshot/earshot/library"
)

// Trim keeps the part of a recording from `from` to `to` as a new recording
// (library.Trim) and deletes the original everywhere: to the trash here,
// restorable, and — once a pass tells the server — to the trash of every
// other device, which also gets the new recording. It works offline and
// without an account, like Delete. A span that is empty or outside the
// recording changes nothing.
func Trim(ctx context.Context, x *library.SyncIndex, id string, from, to time.Duration) (library.Recording, error) {
	nr, err := x.Library().Trim(ctx, id, from, to)
	if err != nil {
		return library.Recording{}, err
	}
	if err := Delete(ctx, x, id, Everywhere); err != nil {
		return nr, fmt.Errorf("trim %s: the trimmed copy is %s, but the original stays: %w", id, nr.ID, err)
	}
	return nr, nil
}
