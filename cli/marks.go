package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	flag "github.com/spf13/pflag"

	"github.com/earshot/earshot/internal/human"
	"github.com/earshot/earshot/library"
)

// jsonMark is one element of `earshot marks --json`, a stable contract for
// scripts: N is the number other commands accept as MARK.
type jsonMark struct {
	N         int    `json:"n"`
	ID        string `json:"id"`
	AtMS      int64  `json:"at_ms"`
	At        string `json:"at"` // as `earshot play --from` takes it
	Name      string `json:"name"`
	CreatedAt string `json:"created_at"` // RFC 3339
}

func init() {
	var asJSON bool
	Register(&Command{
		Name: "marks", Args: "ID",
		Summary: "list a recording's bookmarks by time, numbered (the number names a bookmark elsewhere)",
		Examples: `earshot marks 3f91c07a
			earshot marks 3f91c07a --json`,
		Flags: func(fs *flag.FlagSet) {
			asJSON = false
			fs.BoolVar(&asJSON, "json", false, "print a JSON array")
		},
		MinArgs: 1, MaxArgs: 1,
		Run: func(ctx context.Context, e *Env, args []string) error { return marks(ctx, e, args[0], asJSON) },
	})
}

func marks(ctx context.Context, e *Env, ref string, asJSON bool) error {
	r, err := e.Recording(ctx, ref)
	if err != nil {
		return err
	}
	ms, err := e.lib.Bookmarks(ctx, r.ID)
	if err != nil {
		return err
	}
	if asJSON {
		out := make([]jsonMark, 0, len(ms))
		for i, b := range ms {
			out = append(out, jsonMark{N: i + 1, ID: b.ID, AtMS: b.AtMS, At: human.Moment(ms2d(b.AtMS)),
				Name: b.Name, CreatedAt: b.CreatedAt.Format(time.RFC3339Nano)})
		}
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(ms) == 0 {
		if !e.Quiet {
			fmt.Fprintf(e.Stderr, "%q has no bookmarks: `earshot mark %s 1:23` adds one\n", printable(r.Title), library.ShortID(r.ID))
		}
		return nil
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tAT\tNAME")
	for i, b := range ms {
		fmt.Fprintf(tw, "%d\t%s\t%s\n", i+1, human.Moment(ms2d(b.AtMS)), b.Name)
	}
	return tw.Flush()
}

func ms2d(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }
