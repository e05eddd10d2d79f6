package cli

import (
	"context"
	"errors"
	"fmt"

	flag "github.com/spf13/pflag"

	"github.com/earshot/earshot/library"
)

func init() {
	var asJSON bool
	Register(&Command{
		Name: "import", Args: "FILE...", Summary: "add audio files (WAV, FLAC, Ogg Opus as they are; MP3 re-encoded to Opus)",
		Creates: true,
		Long: `Every file that can be read is imported, even when others cannot; each
one that fails gets a line saying why, and the exit status is then 1.
Standard output lists the new ids, one a line (or, with --json, the new
recordings as list --json shows them).`,
		Examples: `earshot import interview.wav
			earshot import ~/Music/*.mp3
			earshot import --json take1.flac take2.flac`,
		MinArgs: 1, MaxArgs: -1,
		Flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&asJSON, "json", false, "print the imported recordings as a JSON array")
		},
		Run: func(ctx context.Context, e *Env, args []string) error { return importFiles(ctx, e, args, asJSON) },
	})
}

// importFiles imports each file in turn, going on past the ones that fail.
func importFiles(ctx context.Context, e *Env, paths []string, asJSON bool) error {
	lib, err := e.Library(ctx)
	if err != nil {
		return err
	}
	imported := []jsonRecording{}
	var failed []error
	for _, path := range paths {
		report, done := progress(e.Stderr, "importing")
		r, err := lib.Import(ctx, path, report)
		done()
		if ctx.Err() != nil {
			return ctx.Err() // Ctrl-C: the files after this one were not tried
		}
		var damaged *library.DamagedImport
		if errors.As(err, &damaged) {
			err = nil
		}
		if err != nil {
			failed = append(failed, err)
			if len(paths) > 1 {
				fmt.Fprintf(e.Stderr, "earshot import: %s\n", oneLine(importProblem(err)))
			}
			continue
		}
		imported = append(imported, toJSON(r))
		if !asJSON {
			fmt.Fprintln(e.Stdout, r.ID)
		}
		e.Infof("imported %q (%s): %s, %s, %s", r.Title, r.ID, formatDuration(r.Duration), r.Format, formatSize(r.Size))
		if damaged != nil {
			fmt.Fprintf(e.Stderr, "earshot import: %s\n", damaged)
		}
	}
	if asJSON {
		if err := e.PrintJSON(imported); err != nil {
			return err
		}
	}
	switch {
	case len(failed) == 0:
		return nil
	case len(paths) == 1:
		return errors.New(importProblem(failed[0]))
	}
	return fmt.Errorf("%d of %d files not imported (the reasons are above); %d imported", len(failed), len(paths), len(imported))
}

// importProblem is one file's failure as "FILE: why", the file named once.
func importProblem(err error) string {
	var ie *library.ImportError
	if errors.As(err, &ie) {
		return ie.File + ": " + ie.Reason()
	}
	return explain(err)
}
