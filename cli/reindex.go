package cli

import (
	"context"
	"path/filepath"

	"github.com/earshot/earshot/library"
)

func init() {
	Register(&Command{
		Name:    "reindex",
		Summary: "rebuild a lost or damaged library index (earshot.db) from the audio files",
		Long: `Each file in recordings/ becomes a recording again, titled from its own
TITLE tag where it has one, else from the date it was made. The old index,
if any, is moved aside (earshot.db.damaged-…), never deleted. Which
recordings are in the cloud is not in the files: log in again and sync, and
the server's copies are matched by id.`,
		Examples: `earshot reindex
			earshot --data-dir /media/usb/earshot reindex`,
		Run: func(ctx context.Context, e *Env, _ []string) error { return e.reindex(ctx) },
	})
}

func (e *Env) reindex(ctx context.Context) error {
	dir, err := library.DataDir(e.DataDir)
	if err != nil {
		return err
	}
	l, res, err := library.Reindex(ctx, dir)
	if err != nil {
		return err
	}
	e.lib = l
	for _, p := range res.Moved {
		e.Infof("the old index is kept as %s", printable(filepath.Base(p)))
	}
	for _, s := range res.Skipped {
		e.Infof("skipped %s", oneLine(s.Error()))
	}
	e.Infof("rebuilt the index of %s: %s from recordings/; `earshot login` and `earshot sync` tell which are in the cloud",
		printable(dir), plural(len(res.Indexed), "recording", "recordings"))
	return nil
}
