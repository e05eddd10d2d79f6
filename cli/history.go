package cli

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	flag "github.com/spf13/pflag"

	"github.com/earshot/earshot/library"
)

func init() {
	var restore int
	var asJSON bool
	Register(&Command{
		Name: "history", Args: "ID", Summary: "show a recording's earlier titles (a rename that lost to another device's), and take one back",
		MinArgs: 1, MaxArgs: 1,
		Examples: `earshot history 3f91c07a
			earshot history 3f91c07a --restore 1   # the title numbered 1 again`,
		Flags: func(fs *flag.FlagSet) {
			fs.IntVar(&restore, "restore", 0, "rename the recording back to the title numbered N")
			fs.BoolVar(&asJSON, "json", false, "print a JSON array")
		},
		Run: func(ctx context.Context, e *Env, args []string) error {
			return e.history(ctx, args[0], restore, asJSON)
		},
	})
}

// historyEntry is one element of `earshot history --json`.
type historyEntry struct {
	N          int       `json:"n"`
	Title      string    `json:"title"`
	ReplacedBy string    `json:"replaced_by"`
	At         time.Time `json:"at"`
	Reason     string    `json:"reason"`
}

func (e *Env) history(ctx context.Context, arg string, restore int, asJSON bool) error {
	r, err := e.Recording(ctx, arg)
	if err != nil {
		return err
	}
	x, err := e.syncIndex(ctx)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("%q (%s)", printable(r.Title), library.ShortID(r.ID))
	if restore != 0 {
		title, err := x.RestoreTitle(ctx, r.ID, restore)
		if err != nil {
			return err
		}
		e.Infof("renamed %s back to %q; the next sync sends it", name, printable(title))
		return nil
	}
	hist, err := x.TitleHistory(ctx, r.ID)
	if err != nil {
		return err
	}
	out := make([]historyEntry, len(hist))
	for i, h := range hist {
		out[i] = historyEntry{N: i + 1, Title: h.Title, ReplacedBy: h.ReplacedBy, At: h.At, Reason: h.Reason}
	}
	if asJSON {
		return e.PrintJSON(out)
	}
	if len(out) == 0 {
		e.Infof("%s has no earlier titles", name)
		return nil
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "N\tWHEN\tTITLE\tREPLACED BY\tWHY")
	for _, h := range out {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", h.N, h.At.Local().Format("2006-01-02 15:04"), printable(h.Title), printable(h.ReplacedBy), h.Reason)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	e.Infof("`earshot history %s --restore N` takes title N back", library.ShortID(r.ID))
	return nil
}
