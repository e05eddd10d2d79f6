package library

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/internal/durable"
)

// Pending is a recording in progress: a sidecar in $DATA/incoming says what
// it is, and a lock file held open by this process says it is alive. The
// recorder writes PartPath; Commit or Abort ends it.
type Pending struct {
	ID        string
	Title     string
	Format    audio.Format
	CreatedAt time.Time
	// PartPath is where the recorder writes the audio (see audio.Create).
	PartPath string

	mu       sync.Mutex
	lock     *os.File  // nil once committed or aborted
	analysis *Analysis // fed while recording (Tap); nil if not tapped
}

// sidecar is the JSON file $DATA/incoming/<id>.json.
type sidecar struct {
	ID        string       `json:"id"`
	Title     string       `json:"title"`
	Format    audio.Format `json:"format"`
	CreatedAt time.Time    `json:"created_at"`
}

// BeginRecording reserves a new recording: an id, a sidecar with title,
// format (empty means Opus) and start time, and a lock that tells other
// processes it is alive. An empty title becomes "Recording <date time>".
// Record into p.PartPath, then Commit (or Abort).
func (l *Library) BeginRecording(ctx context.Context, title string, format audio.Format) (*Pending, error) {
	if format == "" {
		format = audio.Opus
	}
	format, err := audio.ParseFormat(string(format))
	if err != nil {
		return nil, fmt.Errorf("begin recording: %w", err)
	}
	if err := api.CheckTitle(strings.TrimSpace(title)); err != nil {
		return nil, fmt.Errorf("begin recording: %w", err)
	}
	now := l.now()
	if strings.TrimSpace(title) == "" {
		title = "Recording " + now.Local().Format("2006-01-02 15:04:05")
	}
	id := api.NewID()
	p := &Pending{
		ID: id, Title: strings.TrimSpace(title), Format: format, CreatedAt: now.UTC().Truncate(time.Millisecond),
		PartPath: l.partPath(id, format),
	}
	err = l.withIncomingLock(func() error {
		f, err := l.createLock(id)
		if err != nil {
			return err
		}
		sc := sidecar{ID: id, Title: p.Title, Format: format, CreatedAt: p.CreatedAt}
		if err := writeSidecar(l.sidecarPath(id), sc); err != nil {
			l.dropLock(id, f)
			return err
		}
		p.lock = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("begin recording: %w", err)
	}
	return p, nil
}

// Commit adds a finished recording: p.PartPath, finalised and fsynced by the
// recorder (info is what the encoder's Close returned; a zero SampleRate makes
// Commit probe the file instead), is hashed, moved into $DATA/recordings and
// indexed. The returned Recording is LocalOnly. On error the files stay where
// they are and the next Open recovers them.
func (l *Library) Commit(ctx context.Context, p *Pending, info audio.Info) (Recording, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lock == nil {
		return Recording{}, fmt.Errorf("commit recording %s: already committed or aborted", p.ID)
	}
	if info.SampleRate == 0 {
		var err error
		if info, err = audio.Probe(p.PartPath); err != nil {
			return Recording{}, fmt.Errorf("commit recording %s: %w", p.ID, err)
		}
	}
	info.Format = p.Format
	a := l.commitAnalysis(ctx, p, info)
	r, err := l.adopt(ctx, sidecar{ID: p.ID, Title: p.Title, Format: p.Format, CreatedAt: p.CreatedAt}, p.PartPath, info, false)
	if err != nil {
		return Recording{}, fmt.Errorf("commit recording %s: %w", p.ID, err)
	}
	// Best effort: the audio is what must not be lost; a missing analysis
	// is filled in later (Unanalyzed, Analyze).
	_ = l.store(r.ID, r.SHA256, a)
	l.cleanupIncoming(p.ID, p.lock)
	p.lock = nil
	return r, nil
}

// Abort throws a recording in progress away: its audio, sidecar and lock.
func (l *Library) Abort(ctx context.Context, p *Pending) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lock == nil {
		return nil
	}
	if err := removeIfExists(p.PartPath); err != nil {
		return fmt.Errorf("abort recording %s: %w", p.ID, err)
	}
	if err := l.dropPendingBookmarks(ctx, p.ID); err != nil {
		return fmt.Errorf("abort recording %s: %w", p.ID, err)
	}
	l.cleanupIncoming(p.ID, p.lock)
	p.lock = nil
	return nil
}

// adopt moves a finished file into $DATA/recordings and indexes it. The file
// is fsynced and hashed first, and the row is written last, so nothing is
// marked done before it is durable.
func (l *Library) adopt(ctx context.Context, sc sidecar, part string, info audio.Info, recovered bool) (Recording, error) {
	size, sum, err := hashFile(part)
	if err != nil {
		return Recording{}, err
	}
	dst := l.audioPath(sc.ID, sc.Format)
	if part != dst {
		if err := os.Rename(part, dst); err != nil {
			return Recording{}, err
		}
		if err := durable.SyncDir(l.recordingsDir()); err != nil {
			return Recording{}, err
		}
	}
	r := Recording{
		ID: sc.ID, Title: sc.Title, CreatedAt: sc.CreatedAt.UTC(), Duration: info.Duration,
		Format: sc.Format, SampleRate: info.SampleRate, Channels: info.Channels,
		Size: size, SHA256: sum, Recovered: recovered, Version: 1, HasAudio: true, SyncState: LocalOnly,
	}
	if err := l.insert(ctx, r); err != nil {
		return Recording{}, fmt.Errorf("index %s (the audio is safe in %s): %w", sc.ID, dst, err)
	}
	return r, nil
}

// insert adds a new row and logs the change.
func (l *Library) insert(ctx context.Context, r Recording) error {
	return l.write(ctx, func(tx *sql.Tx) error {
		if err := insertRow(ctx, tx, toRow(SyncItem{Recording: r})); err != nil {
			return err
		}
		return logChange(ctx, tx, r.ID, Added, l.now())
	})
}

func (l *Library) sidecarPath(id string) string { return filepath.Join(l.incomingDir(), id+".json") }
func (l *Library) lockPath(id string) string    { return filepath.Join(l.incomingDir(), id+".lock") }
func (l *Library) partPath(id string, f audio.Format) string {
	return filepath.Join(l.incomingDir(), id+f.Ext()+".part")
}

// withIncomingLock runs fn holding $DATA/incoming/.lock, which orders the
// creation of work in progress against recovery's scan in every process: a
// scan never sees a lock file that its owner has not locked yet.
func (l *Library) withIncomingLock(fn func() error) error {
	f, err := os.OpenFile(filepath.Join(l.incomingDir(), ".lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := lock(f); err != nil {
		return err
	}
	defer unlock(f)
	return fn()
}

// createLock creates and locks $DATA/incoming/<id>.lock. Call it holding the
// incoming lock.
func (l *Library) createLock(id string) (*os.File, error) {
	f, err := os.OpenFile(l.lockPath(id), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	ok, err := tryLock(f)
	if err == nil && !ok {
		err = errors.New("lock file taken at once by another process")
	}
	if err != nil {
		f.Close()
		os.Remove(l.lockPath(id))
		return nil, err
	}
	return f, nil
}

// dropLock removes and releases a lock file.
func (l *Library) dropLock(id string, f *os.File) {
	os.Remove(l.lockPath(id))
	unlock(f)
	f.Close()
}

// cleanupIncoming removes a finished recording's sidecar, then its lock
// (in that order: a sidecar is never left without its lock file).
func (l *Library) cleanupIncoming(id string, lockFile *os.File) {
	os.Remove(l.sidecarPath(id))
	os.Remove(l.sidecarPath(id) + ".tmp")
	durable.SyncDir(l.incomingDir())
	l.dropLock(id, lockFile)
}

// writeSidecar writes the sidecar durably: a temporary file, fsync, rename,
// fsync of the folder.
func writeSidecar(path string, sc sidecar) error {
	b, err := json.MarshalIndent(sc, "", "  ")
	if err != nil {
		return err
	}
	return durable.WriteFile(path, append(b, '\n'), 0o600)
}

func readSidecar(path string) (sidecar, error) {
	var sc sidecar
	b, err := os.ReadFile(path)
	if err != nil {
		return sc, err
	}
	if err := json.Unmarshal(b, &sc); err != nil {
		return sc, err
	}
	if !api.ValidID(sc.ID) {
		return sc, fmt.Errorf("sidecar %s: bad id %q", filepath.Base(path), sc.ID)
	}
	if _, err := audio.ParseFormat(string(sc.Format)); err != nil {
		return sc, fmt.Errorf("sidecar %s: %w", filepath.Base(path), err)
	}
	return sc, nil
}
