package cli

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/earshot/earshot/internal/durable"
	"github.com/earshot/earshot/transcribe"
)

// checkTranscriptFormats refuses, before any audio is written, formats
// export does not know or a recording without a transcript.
func checkTranscriptFormats(ctx context.Context, e *Env, id string, formats []string) error {
	if len(formats) == 0 {
		return nil
	}
	for _, f := range formats {
		if !validFormat(f) {
			return Usagef("--transcript takes txt, srt or vtt, not %q", f)
		}
	}
	info, err := e.lib.Transcript(ctx, id)
	if err != nil {
		return err
	}
	if !info.Has {
		return noTranscript(id, info)
	}
	return nil
}

// exportTranscripts writes the transcript beside the exported audio, one
// file per format (call.opus → call.srt), each complete or not at all.
func exportTranscripts(ctx context.Context, e *Env, id, audioPath string, formats []string) error {
	if len(formats) == 0 {
		return nil
	}
	info, err := e.lib.Transcript(ctx, id)
	if err != nil {
		return err
	}
	base := strings.TrimSuffix(audioPath, filepath.Ext(audioPath))
	for _, f := range formats {
		var b bytes.Buffer
		if err := transcribe.WriteFormat(&b, info.Transcript, f); err != nil {
			return err
		}
		path := base + "." + f
		if err := durable.WriteFile(path, b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write the transcript to %s: %w", path, err)
		}
		e.note("wrote the transcript to %s", path)
	}
	return nil
}
