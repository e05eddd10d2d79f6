package library

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Fault is what is wrong with a recording's audio file.
type Fault string

// Faults that Check finds.
const (
	Missing   Fault = "missing"    // the file is gone
	WrongSize Fault = "wrong size" // the file's size is not the recorded one
	Damaged   Fault = "damaged"    // same size, other bytes (SHA-256 differs)
)

// Problem is one recording whose audio is not what the library recorded.
type Problem struct {
	Recording Recording
	Fault     Fault
	// CloudOnly: the cloud has the audio, so the recording now counts as
	// cloud-only and `earshot pull` (or auto-download) brings it back; a
	// damaged file is kept beside it as .ID.EXT.damaged. Otherwise the
	// file, the only copy, is left as it is.
	CloudOnly bool
}

// Check compares every recording whose audio is on this device with its
// file: that it exists and has its size, and with full also its SHA-256
// (which reads every byte; progress counts them). A synced recording whose
// file is missing or damaged becomes cloud-only; any other is reported and
// kept.
func (l *Library) Check(ctx context.Context, full bool, progress Progress) ([]Problem, error) {
	rs, err := l.onDeviceFiles(ctx)
	if err != nil {
		return nil, fmt.Errorf("check: %w", err)
	}
	var total, done int64
	for _, r := range rs {
		total += r.Size
	}
	var out []Problem
	for _, r := range rs {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		fault, err := l.fault(r, full)
		done += r.Size
		if progress != nil {
			progress(done, total)
		}
		if err != nil {
			return out, err
		}
		if fault == "" {
			continue
		}
		if r, err = l.Get(ctx, r.ID); err != nil {
			return out, fmt.Errorf("check: %w", err)
		}
		p := Problem{Recording: r, Fault: fault}
		if r.SyncState == Synced {
			if err := l.toCloudOnly(ctx, r, fault); err != nil {
				return out, err
			}
			p.CloudOnly = true
		}
		out = append(out, p)
	}
	return out, nil
}

// onDeviceFiles lists, newest first, the recordings whose audio is on this
// device (in the trash too) with only what fault reads: id, format, size,
// SHA-256 and sync state. Check runs at every open, and the whole rows (tags
// gathered per row) cost most of its time over a big library: 10,000 took
// about 60 ms of CPU, so Check reads the whole row only of a file at fault.
func (l *Library) onDeviceFiles(ctx context.Context) ([]Recording, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT id, format, size_bytes, sha256, sync_state FROM recordings
		WHERE deleted_at IS NULL AND has_audio = 1 ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list files: %w", err)
	}
	defer rows.Close()
	var out []Recording
	for rows.Next() {
		var r Recording
		if err := rows.Scan(&r.ID, &r.Format, &r.Size, &r.SHA256, &r.SyncState); err != nil {
			return nil, fmt.Errorf("list files: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list files: %w", err)
	}
	return out, nil
}

// fault checks one file.
func (l *Library) fault(r Recording, full bool) (Fault, error) {
	path := l.audioPath(r.ID, r.Format)
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return Missing, nil
	case err != nil:
		return "", fmt.Errorf("check %s: %w", r.ID, err)
	case st.Size() != r.Size:
		return WrongSize, nil
	case !full:
		return "", nil
	}
	_, sum, err := hashFile(path)
	if err != nil {
		return "", fmt.Errorf("check %s: %w", r.ID, err)
	}
	if sum != r.SHA256 {
		return Damaged, nil
	}
	return "", nil
}

// toCloudOnly marks a synced recording's audio as not here (the row first,
// so the index never lists a file it refuses), then moves a damaged file
// aside.
func (l *Library) toCloudOnly(ctx context.Context, r Recording, fault Fault) error {
	err := l.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE recordings SET has_audio = 0, sync_state = ?, sync_error = ''
			WHERE id = ? AND has_audio = 1`, string(CloudOnly), r.ID); err != nil {
			return err
		}
		return logChange(ctx, tx, r.ID, Updated, l.now())
	})
	if err != nil {
		return fmt.Errorf("check %s: mark it cloud-only: %w", r.ID, err)
	}
	if fault != Missing {
		path := l.audioPath(r.ID, r.Format)
		aside := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".damaged")
		if err := os.Rename(path, aside); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("check %s: move the damaged file aside: %w", r.ID, err)
		}
	}
	return nil
}

// Error is the problem in words, for the person who owns the recording.
func (p Problem) Error() string {
	what := fmt.Sprintf("the audio file of %q (%s) is %s", p.Recording.Title, ShortID(p.Recording.ID), p.Fault)
	if p.CloudOnly {
		return what + "; the cloud has it: `earshot pull " + ShortID(p.Recording.ID) + "` brings it back"
	}
	return what + "; it was not in the cloud, so the file is kept as it is"
}

var _ error = Problem{}

// checkAtOpen is Check's cheap pass (exists, size), its problems kept with
// the recovery errors for the front end to show.
func (l *Library) checkAtOpen(ctx context.Context) error {
	ps, err := l.Check(ctx, false, nil)
	for _, p := range ps {
		l.recoveryErrs = append(l.recoveryErrs, p)
	}
	return err
}
