package library

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/audio"
)

// ReindexResult is what Reindex did.
type ReindexResult struct {
	Indexed []Recording
	Skipped []error  // files that could not be indexed, each saying why
	Moved   []string // the damaged index files, moved aside (kept, not deleted)
}

// Reindex rebuilds a lost or damaged index (earshot.db) from the audio files
// in recordings/: each file named <id>.<format> becomes a recording again,
// titled from its own TITLE tag where it carries one, else from the date in
// its id. The old index, when there is one, is moved aside, never deleted.
// Sync state is not in the files: the recordings come back local-only, and
// logging in again lets the sync engine learn from the server which it has.
// An index that opens is left alone (ErrIndexFine).
func Reindex(ctx context.Context, dir string) (*Library, ReindexResult, error) {
	var res ReindexResult
	if exists, err := checkIndex(dir); err == nil && exists {
		if l, err := open(ctx, dir, time.Now); err == nil {
			l.Close()
			return nil, res, ErrIndexFine
		}
	}
	moved, err := moveIndexAside(dir)
	res.Moved = moved
	if err != nil {
		return nil, res, err
	}
	l, err := openUnchecked(ctx, dir, time.Now)
	if err != nil {
		return nil, res, err
	}
	es, err := os.ReadDir(l.recordingsDir())
	if err != nil {
		l.Close()
		return nil, res, fmt.Errorf("reindex: read %s: %w", l.recordingsDir(), err)
	}
	for _, e := range es {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		r, err := l.reindexFile(ctx, e.Name())
		if err != nil {
			res.Skipped = append(res.Skipped, err)
			continue
		}
		res.Indexed = append(res.Indexed, r)
	}
	return l, res, nil
}

// ErrIndexFine is Reindex's answer for an index that opens.
var ErrIndexFine = errors.New("the library's index opens fine; nothing to rebuild (`earshot check` verifies the audio files)")

// moveIndexAside renames earshot.db and its -wal and -shm files to
// earshot.db.damaged-<time>, so nothing is lost if they still matter.
func moveIndexAside(dir string) ([]string, error) {
	stamp := time.Now().UTC().Format("20060102-150405")
	var moved []string
	for _, suffix := range []string{"", "-wal", "-shm"} {
		p := filepath.Join(dir, dbName+suffix)
		if _, err := os.Stat(p); errors.Is(err, os.ErrNotExist) {
			continue
		}
		to := filepath.Join(dir, dbName+".damaged-"+stamp+suffix)
		if err := os.Rename(p, to); err != nil {
			return moved, fmt.Errorf("reindex: move the old index aside: %w", err)
		}
		moved = append(moved, to)
	}
	return moved, nil
}

// reindexFile indexes one audio file of recordings/.
func (l *Library) reindexFile(ctx context.Context, name string) (Recording, error) {
	id, ext, _ := strings.Cut(name, ".")
	format, err := audio.ParseFormat(ext)
	if !api.ValidID(id) || err != nil {
		return Recording{}, fmt.Errorf("%s: not named like a recording (ID.opus, ID.flac or ID.wav); left as it is", name)
	}
	path := filepath.Join(l.recordingsDir(), name)
	info, err := audio.Probe(path)
	if err != nil {
		return Recording{}, fmt.Errorf("%s: cannot be read as %s audio (%w); left as it is", name, format, err)
	}
	size, sum, err := hashFile(path)
	if err != nil {
		return Recording{}, fmt.Errorf("%s: %w", name, err)
	}
	created := time.Unix(uuid.Must(uuid.Parse(id)).Time().UnixTime()).UTC().Truncate(time.Millisecond)
	title, _ := audio.TitleTag(path)
	if title = api.CleanTitle(title); title == "" {
		title = "Recording " + created.Local().Format("2006-01-02 15:04:05")
	}
	r := Recording{
		ID: id, Title: title, CreatedAt: created, Duration: info.Duration, Format: format,
		SampleRate: info.SampleRate, Channels: info.Channels, Size: size, SHA256: sum,
		Version: 1, HasAudio: true, SyncState: LocalOnly,
	}
	if err := l.insert(ctx, r); err != nil {
		return Recording{}, fmt.Errorf("%s: %w", name, err)
	}
	return r, nil
}
