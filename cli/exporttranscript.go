package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
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
		if err := writeFileAtomic(path, b.Bytes()); err != nil {
			return fmt.Errorf("write the transcript to %s: %w", path, err)
		}
		e.note("wrote the transcript to %s", path)
	}
	return nil
}

// writeFileAtomic writes a temporary file, fsyncs and renames it.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return durable.SyncDir(filepath.Dir(path))
}
