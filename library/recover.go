package library

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/audio"
)

// RecoveryError says which unfinished recording could not be repaired.
type RecoveryError struct {
	ID, Title string
	Err       error
}

func (e *RecoveryError) Error() string {
	return fmt.Sprintf("could not recover %q (%s): %v; its files stay in incoming/ and Earshot retries on the next start", e.Title, e.ID, e.Err)
}

func (e *RecoveryError) Unwrap() error { return e.Err }

// orphan is work in progress found in $DATA/incoming whose owner is gone.
type orphan struct {
	id    string
	lock  *os.File // held by us
	sc    sidecar
	hasSC bool
}

// recover adopts every recording whose recorder is gone (its lock file is
// free): the part file is repaired and committed with Recovered set. Leftovers
// of an interrupted import (no sidecar) are deleted. Live recordings of other
// processes (lock held) are left alone.
func (l *Library) recover(ctx context.Context) error {
	var found []orphan
	err := l.withIncomingLock(func() error {
		var err error
		found, err = l.scanIncoming()
		return err
	})
	if err != nil {
		return fmt.Errorf("scan unfinished recordings: %w", err)
	}
	for _, o := range found {
		if !o.hasSC {
			l.discard(o)
			continue
		}
		r, err := l.recoverOne(ctx, o)
		switch {
		case err != nil:
			l.recoveryErrs = append(l.recoveryErrs, &RecoveryError{ID: o.id, Title: o.sc.Title, Err: err})
			unlock(o.lock)
			o.lock.Close()
		case r != nil:
			l.recovered = append(l.recovered, *r)
		}
	}
	return nil
}

// scanIncoming groups $DATA/incoming by id and takes the lock of every entry
// whose owner is gone. Call it holding the incoming lock.
func (l *Library) scanIncoming() ([]orphan, error) {
	entries, err := os.ReadDir(l.incomingDir())
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{} // id → has a sidecar
	var order []string
	for _, e := range entries {
		name := e.Name()
		id, rest, ok := strings.Cut(name, ".")
		if !ok || !api.ValidID(id) {
			continue // not ours (or the incoming lock itself)
		}
		if _, seen := ids[id]; !seen {
			order = append(order, id)
			ids[id] = false
		}
		if rest == "json" {
			ids[id] = true
		}
	}
	var out []orphan
	for _, id := range order {
		f, err := os.OpenFile(l.lockPath(id), os.O_RDWR, 0)
		if errors.Is(err, os.ErrNotExist) {
			// No lock file: its owner died between creating files and the
			// lock, or after removing the lock; either way it is gone.
			f, err = l.createLock(id)
		}
		if err != nil {
			return nil, err
		}
		ok, err := tryLock(f)
		if err != nil || !ok {
			f.Close() // alive in another process (or in this one)
			continue
		}
		o := orphan{id: id, lock: f, hasSC: ids[id]}
		if o.hasSC {
			if o.sc, err = readSidecar(l.sidecarPath(id)); err != nil {
				o.hasSC = false // unreadable: written by nobody we know
			}
		}
		out = append(out, o)
	}
	return out, nil
}

// discard deletes every file of an interrupted import or of a recording that
// captured nothing.
func (l *Library) discard(o orphan) {
	entries, _ := os.ReadDir(l.incomingDir())
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), o.id+".") && e.Name() != o.id+".lock" && e.Name() != o.id+".json" {
			os.Remove(l.incomingDir() + string(os.PathSeparator) + e.Name())
		}
	}
	l.cleanupIncoming(o.id, o.lock)
}

// recoverOne repairs and indexes one orphaned recording. It returns nil, nil
// when there was nothing to recover (no audio captured, or already indexed).
func (l *Library) recoverOne(ctx context.Context, o orphan) (*Recording, error) {
	if _, err := l.Get(ctx, o.id); err == nil {
		l.discard(o) // killed after indexing, before cleaning up
		return nil, nil
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	part := l.partPath(o.id, o.sc.Format)
	final := l.audioPath(o.id, o.sc.Format)
	var (
		info audio.Info
		err  error
		src  = part
	)
	if st, serr := os.Stat(part); serr == nil {
		if st.Size() == 0 {
			l.discard(o) // killed before the first byte
			return nil, nil
		}
		info, err = audio.Repair(part, o.sc.Format)
	} else if _, ferr := os.Stat(final); ferr == nil {
		// Killed inside Commit, after the move and before the index.
		src = final
		info, err = audio.Repair(final, o.sc.Format)
	} else {
		l.discard(o) // killed before the recorder created its file
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if info.Frames == 0 && info.Duration == 0 {
		os.Remove(src)
		l.discard(o)
		return nil, nil
	}
	if o.sc.CreatedAt.IsZero() {
		o.sc.CreatedAt = time.Now()
	}
	r, err := l.adopt(ctx, o.sc, src, info, true)
	if err != nil {
		return nil, err
	}
	l.cleanupIncoming(o.id, o.lock)
	return &r, nil
}
