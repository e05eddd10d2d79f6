package cli

import (
	"context"
	"errors"
	"fmt"

	flag "github.com/spf13/pflag"

	"github.com/earshot/earshot/library"
)

// jsonProblem is one element of `earshot check --json`.
type jsonProblem struct {
	ID        string `json:"id"`
	ShortID   string `json:"short_id"`
	Title     string `json:"title"`
	Fault     string `json:"fault"`      // missing, wrong size, damaged
	CloudOnly bool   `json:"cloud_only"` // now cloud-only: pull brings it back
}

func init() {
	var asJSON bool
	Register(&Command{
		Name:    "check",
		Summary: "verify every audio file against its SHA-256; synced ones that are missing or damaged become cloud-only",
		Long: `A synced recording whose file is missing or damaged becomes cloud-only,
so earshot pull (or auto-download) brings the cloud's copy back; a damaged
file is kept beside it as .ID.EXT.damaged. A recording that was only on
this device is reported and its file left as it is. Exit status 1 when any
problem was found. (Each start checks cheaply that every file exists and has
its size; check also reads every byte.)`,
		Examples: `earshot check
			earshot check --json`,
		Flags: func(fs *flag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "print the problems as a JSON array") },
		Run:   func(ctx context.Context, e *Env, _ []string) error { return e.check(ctx, asJSON) },
	})
}

func (e *Env) check(ctx context.Context, asJSON bool) error {
	lib, err := e.Library(ctx)
	if err != nil {
		return err
	}
	// The cheap check at open may have found some already.
	var found []library.Problem
	for _, err := range lib.RecoveryErrors() {
		var p library.Problem
		if errors.As(err, &p) {
			found = append(found, p)
		}
	}
	report, done := progress(e.Stderr, "checking")
	ps, err := lib.Check(ctx, true, report)
	done()
	if err != nil {
		return err
	}
	for _, p := range ps {
		e.Infof("%s", oneLine(p.Error()))
	}
	found = append(found, ps...)
	if asJSON {
		out := []jsonProblem{}
		for _, p := range found {
			out = append(out, jsonProblem{ID: p.Recording.ID, ShortID: library.ShortID(p.Recording.ID),
				Title: p.Recording.Title, Fault: string(p.Fault), CloudOnly: p.CloudOnly})
		}
		if err := e.PrintJSON(out); err != nil {
			return err
		}
	}
	n, err := lib.Count(ctx, library.ListOptions{Trash: library.WithTrashed, Presence: library.OnDevice})
	if err != nil {
		return err
	}
	if len(found) == 0 {
		e.Infof("checked %s: every file matches its SHA-256", plural(n, "recording", "recordings"))
		return nil
	}
	return fmt.Errorf("%s found (above); %s on this device match", plural(len(found), "problem", "problems"), plural(n, "recording", "recordings"))
}
