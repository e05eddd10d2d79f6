package library

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/internal/durable"
)

// DownloadPath is where the sync engine writes a recording's audio while it
// downloads ($DATA/downloads/<id>.<ext>.part): kept across runs so that a
// broken download resumes, and apart from incoming/, which recovery owns.
func (x *SyncIndex) DownloadPath(id string, f audio.Format) (string, error) {
	if err := cleanID(id); err != nil {
		return "", err
	}
	dir := filepath.Join(x.l.dir, "downloads")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create downloads folder: %w", err)
	}
	return filepath.Join(dir, id+f.Ext()+".part"), nil
}

// AttachAudio adopts a downloaded file, already verified against the
// recording's size and SHA-256 and fsynced by the caller, as the audio of a
// cloud-only entry: the file moves into recordings/ and the entry becomes
// Synced, in that order, so the index never lists audio that is not there.
// The recording's analyses (waveform overview, ...) are computed from the
// file first. If the entry is gone (deleted meanwhile) or has its audio
// already, the file is removed and the error matches ErrNotFound or says so.
func (x *SyncIndex) AttachAudio(ctx context.Context, id, part string) (SyncItem, error) {
	// The waveform overview is ready when the row says the audio is here;
	// best effort, like at commit: Unanalyzed finds it if this fails.
	if it, err := x.Item(ctx, id); err == nil {
		_ = x.l.analyzeFile(ctx, id, it.SHA256, part)
	}
	err := x.l.write(ctx, func(tx *sql.Tx) error {
		cur, err := scanSyncItem(tx.QueryRowContext(ctx, `SELECT `+syncColumns+syncFrom+`WHERE id = ?`, id))
		if err == sql.ErrNoRows || (err == nil && cur.Tombstone()) {
			return &NotFoundError{ID: id}
		}
		if err != nil {
			return err
		}
		if cur.HasAudio {
			return ErrAudioHere
		}
		dst := x.l.audioPath(id, cur.Format)
		if err := os.Rename(part, dst); err != nil {
			return err
		}
		if err := durable.SyncDir(x.l.recordingsDir()); err != nil {
			return err
		}
		state := cur.SyncState
		switch state {
		case CloudOnly, Downloading, Failed:
			state = Synced
		}
		if _, err := tx.ExecContext(ctx, `UPDATE recordings SET has_audio = 1, sync_state = ?, sync_error = '' WHERE id = ?`,
			string(state), id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sync_items SET want_audio = 0, attempts = 0, next_attempt = 0, resume_state = ''
			WHERE id = ?`, id); err != nil {
			return err
		}
		return logChange(ctx, tx, id, Updated, x.l.now())
	})
	if err != nil {
		removeQuiet(part)
		return SyncItem{}, fmt.Errorf("add downloaded audio of %s: %w", id, err)
	}
	return x.Item(ctx, id)
}

// ErrAudioHere: the recording's audio arrived meanwhile (another process
// downloaded it); the file offered to AttachAudio was not needed.
var ErrAudioHere = errors.New("its audio is already here")

// CleanDownloads removes partial downloads nobody will resume: of
// recordings that are gone, have their audio, or are in the trash. It
// returns how many it removed.
func (x *SyncIndex) CleanDownloads(ctx context.Context) (int, error) {
	parts, err := filepath.Glob(filepath.Join(x.l.dir, "downloads", "*.part"))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range parts {
		id, _, _ := strings.Cut(filepath.Base(p), ".")
		it, err := x.Item(ctx, id)
		if err == nil && !it.HasAudio && !it.Trashed() {
			continue
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			return n, err
		}
		if os.Remove(p) == nil {
			n++
		}
	}
	return n, nil
}
