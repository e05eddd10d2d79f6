package cli

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/earshot/earshot/library"
)

// trashDays is how long the trash keeps a recording, in days.
var trashDays = int(library.TrashRetention / (24 * time.Hour))

// daysLeft is how many days a recording trashed at trashed has before it is
// deleted for good, rounded up: 30 right after `rm`, 1 on its last day.
func daysLeft(trashed, now time.Time) int {
	left := trashed.Add(library.TrashRetention).Sub(now)
	return max(0, int(math.Ceil(left.Hours()/24)))
}

func init() {
	Register(&Command{
		Name: "trash empty", Summary: "delete everything in the trash for good (it cannot be restored after this)",
		Examples: `earshot trash empty`,
		Run: func(ctx context.Context, e *Env, _ []string) error {
			lib, err := e.Library(ctx)
			if err != nil {
				return err
			}
			rs, err := lib.List(ctx, library.ListOptions{Trash: library.OnlyTrashed})
			if err != nil {
				return err
			}
			var freed int64
			for i, r := range rs {
				if err := lib.Purge(ctx, r.ID); err != nil {
					return fmt.Errorf("%w (%d of %d deleted before this)", err, i, len(rs))
				}
				if r.HasAudio {
					freed += r.Size
				}
			}
			if len(rs) == 0 {
				e.Infof("the trash is already empty")
				return nil
			}
			e.Infof("emptied the trash: %s deleted for good, %s freed", plural(len(rs), "recording", "recordings"), formatSize(freed))
			return nil
		},
	})
}
