package library

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/earshot/earshot/api"
)

// The transcription queue lives in the index like the sync queue: a
// recording committed, imported or downloaded gets a job in the same
// transaction (triggers, unless automatic transcription is off), a worker
// saves finished segments as it goes, so a kill loses at most the segment
// in progress, and deleting the recording drops its job.

// ErrJobCancelled is returned (wrapped) to the worker when its job went
// away meanwhile: the recording was deleted or trashed, or the cloud's
// transcript arrived. The worker stops and saves nothing more.
var ErrJobCancelled = errors.New("transcription cancelled")

// ErrTranscriberBusy is returned by TranscriberLock when another process
// (or another worker here) is the library's transcriber.
var ErrTranscriberBusy = errors.New("another Earshot process is transcribing this library")

// transcriberLock is the lock file in $DATA/incoming held by the one
// process transcribing the library.
const transcriberLock = "transcriber.lock"

// TranscriptJob is one recording for the worker to transcribe.
type TranscriptJob struct {
	Recording    Recording
	AudioPath    string
	Redo         bool // replacing a stored transcript
	DiscardEdits bool // ... and the user's corrections (they were asked)
	// Done holds the segments an earlier attempt finished, in order; resume
	// after the last one. They were made by DoneBy (engine fields only);
	// ignore them if that is not the engine at hand.
	Done   []api.Segment
	DoneBy api.Transcript
}

// QueueOptions say what a requested transcription may replace.
type QueueOptions struct {
	Redo         bool // transcribe again even if a transcript is stored
	DiscardEdits bool // a redo may drop the user's corrections
}

// QueueTranscription asks for a recording to be transcribed ("Transcribe
// now", earshot transcribe ID): it goes before the automatic ones. A
// recording that has a transcript is left alone unless opts.Redo; a failed
// job is tried again.
func (l *Library) QueueTranscription(ctx context.Context, id string, opts QueueOptions) error {
	err := l.write(ctx, func(tx *sql.Tx) error {
		r, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !r.HasAudio {
			return fmt.Errorf("its audio is not on this device: %w", ErrNoAudio)
		}
		var has bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM transcripts WHERE id = ?)`, id).Scan(&has); err != nil {
			return err
		}
		if has && !opts.Redo {
			return nil
		}
		now := l.now().UnixMilli()
		_, err = tx.ExecContext(ctx, `INSERT INTO transcript_jobs (id, state, redo, discard, queued_at, asked_at)
				VALUES (?, 'queued', ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET redo = excluded.redo, discard = excluded.discard, asked_at = excluded.asked_at,
				state = CASE state WHEN 'failed' THEN 'queued' ELSE state END,
				error = CASE state WHEN 'failed' THEN '' ELSE error END`,
			id, opts.Redo, opts.DiscardEdits, now, now)
		if err != nil {
			return err
		}
		return logChange(ctx, tx, id, Updated, l.now())
	})
	if err != nil {
		return fmt.Errorf("queue transcription of %s: %w", id, err)
	}
	return nil
}

// QueueAllTranscriptions queues every recording on this device that has no
// transcript (earshot transcribe --all), failed ones included, and returns
// how many are waiting now.
func (l *Library) QueueAllTranscriptions(ctx context.Context) (int, error) {
	var n int
	err := l.write(ctx, func(tx *sql.Tx) error {
		now := l.now().UnixMilli()
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO transcript_jobs (id, state, queued_at)
			SELECT id, 'queued', created_at FROM recordings
			WHERE has_audio = 1 AND deleted_at IS NULL AND trashed_at IS NULL
				AND id NOT IN (SELECT id FROM transcripts)`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE transcript_jobs SET state = 'queued', error = '', asked_at = ?
			WHERE state = 'failed'`, now); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM transcript_jobs`).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("queue transcriptions: %w", err)
	}
	l.notify.kick()
	return n, nil
}

// TranscriberLock makes this caller the library's one transcriber until
// release is called: it holds $DATA/incoming/transcriber.lock (a flock, so
// a killed worker's lock goes with its process) and sets jobs a dead worker
// left running back to queued. ErrTranscriberBusy means another holds it.
func (l *Library) TranscriberLock(ctx context.Context) (release func(), err error) {
	f, err := os.OpenFile(filepath.Join(l.incomingDir(), transcriberLock), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("take the transcriber lock: %w", err)
	}
	ok, err := tryLock(f)
	if err != nil || !ok {
		f.Close()
		if err == nil {
			err = ErrTranscriberBusy
		}
		return nil, fmt.Errorf("take the transcriber lock: %w", err)
	}
	release = func() { unlock(f); f.Close() }
	err = l.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE transcript_jobs SET state = 'queued' WHERE state = 'running'`)
		return err
	})
	if err != nil {
		release()
		return nil, fmt.Errorf("take the transcriber lock: %w", err)
	}
	return release, nil
}

// NextTranscriptJob claims the next queued job (asked-for ones first, then
// oldest recording first) and marks it running; ok is false when none
// waits. Call it holding TranscriberLock.
func (l *Library) NextTranscriptJob(ctx context.Context) (job TranscriptJob, ok bool, err error) {
	err = l.write(ctx, func(tx *sql.Tx) error {
		var id, done string
		var redo, discard bool
		d := &job.DoneBy
		err := tx.QueryRowContext(ctx, `SELECT j.id, j.redo, j.discard, j.engine, j.model, j.engine_version, j.language,
				COALESCE((SELECT json_group_array(json(body)) FROM (SELECT body FROM transcript_partial p
					WHERE p.id = j.id ORDER BY p.idx)), '[]')
			FROM transcript_jobs j JOIN recordings r ON r.id = j.id
			WHERE j.state = 'queued' AND r.has_audio = 1 AND r.trashed_at IS NULL AND r.deleted_at IS NULL
			ORDER BY j.asked_at DESC, j.queued_at, j.id LIMIT 1`).
			Scan(&id, &redo, &discard, &d.Engine, &d.Model, &d.EngineVersion, &d.Language, &done)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(done), &job.Done); err != nil {
			return fmt.Errorf("read finished segments: %w", err)
		}
		if job.Recording, err = get(ctx, tx, id); err != nil {
			return err
		}
		job.AudioPath = l.audioPath(id, job.Recording.Format)
		job.Redo, job.DiscardEdits, ok = redo, discard, true
		if _, err := tx.ExecContext(ctx, `UPDATE transcript_jobs SET state = 'running' WHERE id = ?`, id); err != nil {
			return err
		}
		return logChange(ctx, tx, id, Updated, l.now())
	})
	if err != nil {
		return TranscriptJob{}, false, fmt.Errorf("claim a transcription job: %w", err)
	}
	return job, ok, nil
}

// SaveTranscriptProgress stores segments a running job has finished
// (segs[i] is segment first+i; saving one twice replaces it), which engine
// made them, and how far the job is (0..1). It returns ErrJobCancelled when
// the job went away or its recording was trashed; the worker then calls
// RequeueTranscriptJob, so a trashed recording's job waits for a restore.
func (l *Library) SaveTranscriptProgress(ctx context.Context, id string, by api.Transcript, first int, segs []api.Segment, progress float64) error {
	err := l.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE transcript_jobs SET progress = ?, engine = ?, model = ?,
				engine_version = ?, language = ?
			WHERE id = ? AND state = 'running' AND EXISTS (SELECT 1 FROM recordings r
				WHERE r.id = transcript_jobs.id AND r.trashed_at IS NULL AND r.deleted_at IS NULL)`,
			progress, by.Engine, by.Model, by.EngineVersion, by.Language, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrJobCancelled
		}
		for i, s := range cleanSegments(segs) {
			body, err := json.Marshal(s)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO transcript_partial (id, idx, body) VALUES (?, ?, ?)`,
				id, first+i, string(body)); err != nil {
				return err
			}
		}
		return logChange(ctx, tx, id, Updated, l.now())
	})
	if err != nil {
		return fmt.Errorf("save transcription progress of %s: %w", id, err)
	}
	return nil
}

// FinishTranscriptJob stores a job's transcript, as SaveTranscript does
// (keeping the user's corrections unless the job was asked to discard
// them), and removes the job, in one transaction. ErrJobCancelled: the job
// went away meanwhile, and nothing was stored.
func (l *Library) FinishTranscriptJob(ctx context.Context, id string, t api.Transcript) error {
	err := l.write(ctx, func(tx *sql.Tx) error {
		var discard bool
		err := tx.QueryRowContext(ctx, `SELECT discard FROM transcript_jobs j JOIN recordings r ON r.id = j.id
			WHERE j.id = ? AND j.state = 'running' AND r.trashed_at IS NULL`, id).Scan(&discard)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrJobCancelled
		} else if err != nil {
			return err
		}
		if err := l.saveTranscript(ctx, tx, id, t, discard); err != nil {
			return err
		}
		return dropJob(ctx, tx, id)
	})
	if err != nil {
		return fmt.Errorf("save transcript of %s: %w", id, err)
	}
	return nil
}

// FailTranscriptJob marks a job failed with the reason a person reads (one
// line); the worker goes on with the next. Finished segments are kept, so
// a retry after the cause is fixed resumes.
func (l *Library) FailTranscriptJob(ctx context.Context, id, reason string) error {
	err := l.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE transcript_jobs SET state = 'failed', error = ? WHERE id = ?`,
			cleanText(reason), id); err != nil {
			return err
		}
		return logChange(ctx, tx, id, Updated, l.now())
	})
	if err != nil {
		return fmt.Errorf("mark transcription of %s failed: %w", id, err)
	}
	return nil
}

// RequeueTranscriptJob puts a running job back in the queue (the worker is
// stopping, or its recording went to the trash and may come back).
func (l *Library) RequeueTranscriptJob(ctx context.Context, id string) error {
	err := l.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE transcript_jobs SET state = 'queued' WHERE id = ? AND state = 'running'`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("requeue transcription of %s: %w", id, err)
	}
	return nil
}

func dropJob(ctx context.Context, tx *sql.Tx, id string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM transcript_jobs WHERE id = ?`, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM transcript_partial WHERE id = ?`, id)
	return err
}

// AutoTranscribe reports whether new recordings are transcribed by
// themselves (the default).
func (l *Library) AutoTranscribe(ctx context.Context) (bool, error) {
	var v string
	err := l.db.QueryRowContext(ctx, `SELECT value FROM transcript_settings WHERE key = 'auto'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("read the transcription setting: %w", err)
	}
	return v != "0", nil
}

// SetAutoTranscribe turns automatic transcription of new recordings on or
// off. Turning it off leaves queued jobs alone.
func (l *Library) SetAutoTranscribe(ctx context.Context, on bool) error {
	v := "0"
	if on {
		v = "1"
	}
	err := l.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO transcript_settings (key, value) VALUES ('auto', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, v)
		return err
	})
	if err != nil {
		return fmt.Errorf("save the transcription setting: %w", err)
	}
	return nil
}

// TranscriptJobIDs lists the recordings with a job waiting or running, in
// the order the worker takes them.
func (l *Library) TranscriptJobIDs(ctx context.Context) ([]string, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT id FROM transcript_jobs WHERE state IN ('queued', 'running')
		ORDER BY asked_at DESC, queued_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list transcription jobs: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list transcription jobs: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list transcription jobs: %w", err)
	}
	return ids, nil
}

// TranscriptProgress says how far each running transcription is (0..1),
// by recording id.
func (l *Library) TranscriptProgress(ctx context.Context) (map[string]float64, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT id, progress FROM transcript_jobs WHERE state = 'running'`)
	if err != nil {
		return nil, fmt.Errorf("read transcription progress: %w", err)
	}
	defer rows.Close()
	out := map[string]float64{}
	for rows.Next() {
		var id string
		var p float64
		if err := rows.Scan(&id, &p); err != nil {
			return nil, fmt.Errorf("read transcription progress: %w", err)
		}
		out[id] = p
	}
	return out, rows.Err()
}
