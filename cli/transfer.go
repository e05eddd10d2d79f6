package cli

import (
	"context"
	"fmt"

	flag "github.com/spf13/pflag"
)

func init() {
	var transcripts []string
	var enhanced bool
	Register(&Command{
		Name: "export", Args: "ID FILE", Summary: "write a recording to FILE (converted when its extension names another format; - is standard output)",
		Examples: `earshot export 3f91c07a call.flac   # converted to FLAC
			earshot export 3f91c07a call.mp3    # MP3 (LAME), for any player
			earshot export 3f91c07a call.opus
			earshot export 3f91c07a call.opus --transcript srt,txt   # and call.srt, call.txt beside it
			earshot export 3f91c07a - | ffplay -   # its own format, to standard output
			earshot export 3f91c07a clear.wav --enhanced   # noise suppressed, loudness evened`,
		MinArgs: 2, MaxArgs: 2,
		Flags: func(fs *flag.FlagSet) {
			fs.StringSliceVar(&transcripts, "transcript", nil, "also write the transcript beside FILE: txt, srt and/or vtt")
			fs.BoolVar(&enhanced, "enhanced", false, "noise suppressed and brought to -16 LUFS (the recording itself is not changed)")
		},
		Run: func(ctx context.Context, e *Env, args []string) error {
			r, err := e.Recording(ctx, args[0])
			if err != nil {
				return err
			}
			if err := checkTranscriptFormats(ctx, e, r.ID, transcripts); err != nil {
				return err
			}
			if err := needAudio(e, r); err != nil {
				return err
			}
			if args[1] == "-" {
				if len(transcripts) > 0 {
					return Usagef("--transcript writes files beside FILE; give a file name instead of -")
				}
				if enhanced {
					return Usagef("--enhanced writes a file; give a file name instead of -")
				}
				return exportToStdout(ctx, e, r)
			}
			export := e.lib.Export
			if enhanced {
				export = e.lib.ExportEnhanced
			}
			report, done := progress(e.Stderr, "exporting")
			path, err := export(ctx, r.ID, args[1], report)
			done()
			if err != nil {
				return err
			}
			fmt.Fprintln(e.Stdout, path)
			return exportTranscripts(ctx, e, r.ID, path, transcripts)
		},
	})
}
