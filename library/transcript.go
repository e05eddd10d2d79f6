package library

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/earshot/earshot/api"
)

// TranscriptState says where a recording's transcript stands; the words are
// the ones `earshot list --json` prints in transcript_state.
type TranscriptState string

// Transcript states. A recording has at most one job; while a job runs (a
// redo, say) the previous transcript stays readable.
const (
	TranscriptNone    TranscriptState = "none"    // never transcribed, nothing queued
	TranscriptQueued  TranscriptState = "queued"  // waiting for the worker
	TranscriptRunning TranscriptState = "running" // the worker is on it (Progress)
	TranscriptDone    TranscriptState = "done"    // stored
	TranscriptFailed  TranscriptState = "failed"  // the last attempt failed (Error)
)

// TranscriptInfo is a recording's transcript with its bookkeeping.
type TranscriptInfo struct {
	ID string // the recording's id
	// Transcript is the stored transcript; empty (no segments, no engine)
	// when Has is false.
	Transcript api.Transcript
	Has        bool // a transcript is stored (it may be empty: a silent recording)

	State    TranscriptState
	Progress float64 // 0..1 while queued or running
	Finished int     // segments a running (or interrupted) job has saved so far
	Error    string  // why the last attempt failed (State failed)

	// LocalVersion increases with every local save or edit; Dirty is set
	// by them and cleared once the server holds that version.
	LocalVersion  int64
	Dirty         bool
	RemoteVersion int64 // the server's version last seen; 0 = never pushed
	UpdatedAt     time.Time
}

// Transcript returns a recording's transcript and where it stands. A
// recording without one gives Has false and State none, queued, running or
// failed; an unknown id gives an error matching ErrNotFound.
func (l *Library) Transcript(ctx context.Context, id string) (TranscriptInfo, error) {
	if _, err := get(ctx, l.db, id); err != nil {
		return TranscriptInfo{}, fmt.Errorf("read transcript of %s: %w", id, err)
	}
	info, err := readTranscript(ctx, l.db, id)
	if err != nil {
		return TranscriptInfo{}, fmt.Errorf("read transcript of %s: %w", id, err)
	}
	return info, nil
}

// dbReader is what reads need from *sql.DB or *sql.Tx.
type dbReader interface {
	querier
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func readTranscript(ctx context.Context, q dbReader, id string) (TranscriptInfo, error) {
	info := TranscriptInfo{ID: id, State: TranscriptNone}
	var created, updated int64
	t := &info.Transcript
	err := q.QueryRowContext(ctx, `SELECT engine, model, engine_version, language, created_at, updated_at,
		local_version, dirty, remote_version FROM transcripts WHERE id = ?`, id).
		Scan(&t.Engine, &t.Model, &t.EngineVersion, &t.Language, &created, &updated,
			&info.LocalVersion, &info.Dirty, &info.RemoteVersion)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return info, err
	default:
		info.Has, info.State = true, TranscriptDone
		t.CreatedAt, info.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
		if t.Segments, err = readSegments(ctx, q, id); err != nil {
			return info, err
		}
	}
	var state string
	err = q.QueryRowContext(ctx, `SELECT state, progress, error,
			(SELECT COUNT(*) FROM transcript_partial p WHERE p.id = j.id)
		FROM transcript_jobs j WHERE id = ?`, id).
		Scan(&state, &info.Progress, &info.Error, &info.Finished)
	if err == nil {
		info.State = TranscriptState(state)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return info, err
	}
	return info, nil
}

// readSegments reads a transcript's segments with their words, in order.
func readSegments(ctx context.Context, q dbReader, id string) ([]api.Segment, error) {
	rows, err := q.QueryContext(ctx, `SELECT s.idx, s.start_ms, s.end_ms, s.text, s.edited,
			w.start_ms, w.end_ms, w.text, w.conf
		FROM transcript_segments s LEFT JOIN transcript_words w ON w.sid = s.sid
		WHERE s.id = ? ORDER BY s.idx, w.idx`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	segs := []api.Segment{}
	last := -1
	for rows.Next() {
		var (
			idx    int
			s      api.Segment
			ws, we sql.NullInt64
			wt     sql.NullString
			wc     sql.NullFloat64
		)
		if err := rows.Scan(&idx, &s.StartMS, &s.EndMS, &s.Text, &s.Edited, &ws, &we, &wt, &wc); err != nil {
			return nil, err
		}
		if idx != last {
			segs = append(segs, s)
			last = idx
		}
		if wt.Valid {
			cur := &segs[len(segs)-1]
			cur.Words = append(cur.Words, api.Word{StartMS: ws.Int64, EndMS: we.Int64, Text: wt.String, Conf: float32(wc.Float64)})
		}
	}
	return segs, rows.Err()
}

// SaveTranscript stores what an engine made of a recording, replacing the
// transcript it had, and marks it dirty (to be pushed). Segments the user
// corrected by hand are kept, and new segments overlapping them dropped,
// unless discardEdits is set (the user was asked).
func (l *Library) SaveTranscript(ctx context.Context, id string, t api.Transcript, discardEdits bool) error {
	err := l.write(ctx, func(tx *sql.Tx) error {
		if err := l.saveTranscript(ctx, tx, id, t, discardEdits); err != nil {
			return err
		}
		// What was waiting to make a first transcript is not needed now.
		_, err := tx.ExecContext(ctx, `DELETE FROM transcript_jobs WHERE id = ? AND redo = 0 AND state != 'running'`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("save transcript of %s: %w", id, err)
	}
	return nil
}

func (l *Library) saveTranscript(ctx context.Context, tx *sql.Tx, id string, t api.Transcript, discardEdits bool) error {
	if _, err := get(ctx, tx, id); err != nil {
		return err
	}
	segs := cleanSegments(t.Segments)
	if !discardEdits {
		old, err := readSegments(ctx, tx, id)
		if err != nil {
			return err
		}
		segs = keepEdits(old, segs)
	}
	if err := replaceSegments(ctx, tx, id, segs); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO transcripts (id, engine, model, engine_version, language,
			created_at, updated_at, local_version, dirty) VALUES (?, ?, ?, ?, ?, ?, ?, 1, 1)
		ON CONFLICT (id) DO UPDATE SET engine = excluded.engine, model = excluded.model,
			engine_version = excluded.engine_version, language = excluded.language,
			created_at = excluded.created_at, updated_at = excluded.updated_at,
			local_version = local_version + 1, dirty = 1`,
		id, t.Engine, t.Model, t.EngineVersion, t.Language, msOrZero(t.CreatedAt), l.now().UnixMilli())
	if err != nil {
		return err
	}
	return logChange(ctx, tx, id, Updated, l.now())
}

// keepEdits merges a new transcript with the user's corrections in the old
// one: every edited old segment stays, and new segments that overlap one in
// time give way to it.
func keepEdits(old, fresh []api.Segment) []api.Segment {
	var edited []api.Segment
	for _, s := range old {
		if s.Edited {
			edited = append(edited, s)
		}
	}
	if len(edited) == 0 {
		return fresh
	}
	out := append([]api.Segment(nil), edited...)
	for _, s := range fresh {
		if !overlapsAny(s, edited) {
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartMS < out[j].StartMS })
	return out
}

func overlapsAny(s api.Segment, others []api.Segment) bool {
	for _, o := range others {
		if s.StartMS < o.EndMS && o.StartMS < s.EndMS {
			return true
		}
	}
	return false
}

// cleanSegments drops control characters (the search snippets use two as
// markers) and surrounding space from texts.
func cleanSegments(in []api.Segment) []api.Segment {
	out := make([]api.Segment, len(in))
	for i, s := range in {
		s.Text = cleanText(s.Text)
		ws := make([]api.Word, len(s.Words))
		for j, w := range s.Words {
			w.Text = cleanText(w.Text)
			ws[j] = w
		}
		s.Words = ws
		out[i] = s
	}
	return out
}

func cleanText(s string) string {
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s))
}

// replaceSegments swaps a transcript's segments and words; the triggers keep
// the full-text index in step.
func replaceSegments(ctx context.Context, tx *sql.Tx, id string, segs []api.Segment) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM transcript_segments WHERE id = ?`, id); err != nil {
		return err
	}
	segStmt, err := tx.PrepareContext(ctx, `INSERT INTO transcript_segments (id, idx, start_ms, end_ms, text, edited)
		VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer segStmt.Close()
	wordStmt, err := tx.PrepareContext(ctx, `INSERT INTO transcript_words (sid, idx, start_ms, end_ms, text, conf)
		VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer wordStmt.Close()
	for i, s := range segs {
		res, err := segStmt.ExecContext(ctx, id, i, s.StartMS, s.EndMS, s.Text, s.Edited)
		if err != nil {
			return err
		}
		sid, err := res.LastInsertId()
		if err != nil {
			return err
		}
		for j, w := range s.Words {
			if _, err := wordStmt.ExecContext(ctx, sid, j, w.StartMS, w.EndMS, w.Text, w.Conf); err != nil {
				return err
			}
		}
	}
	return nil
}

// ErrNoSegment is returned (wrapped) by EditSegment for an index the
// transcript does not have.
var ErrNoSegment = errors.New("no such segment")

// EditSegment replaces the text of segment index (0-based) with the user's
// correction, marks it edited (a redo keeps it) and the transcript dirty.
// The segment keeps its times, and its words theirs where they are
// unchanged (retimeWords): new words share the time of the ones they
// replace, so highlighting and click-to-play still work.
func (l *Library) EditSegment(ctx context.Context, id string, index int, text string) error {
	text = cleanText(text)
	err := l.write(ctx, func(tx *sql.Tx) error {
		var sid, start, end int64
		err := tx.QueryRowContext(ctx, `SELECT sid, start_ms, end_ms FROM transcript_segments WHERE id = ? AND idx = ?`, id, index).
			Scan(&sid, &start, &end)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("segment %d: %w", index+1, ErrNoSegment)
		} else if err != nil {
			return err
		}
		old, err := segmentWords(ctx, tx, sid)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE transcript_segments SET text = ?, edited = 1 WHERE sid = ?`, text, sid); err != nil {
			return err
		}
		if err := replaceWords(ctx, tx, sid, retimeWords(old, text, start, end)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE transcripts SET local_version = local_version + 1, dirty = 1,
			updated_at = ? WHERE id = ?`, l.now().UnixMilli(), id); err != nil {
			return err
		}
		return logChange(ctx, tx, id, Updated, l.now())
	})
	if err != nil {
		return fmt.Errorf("edit transcript of %s: %w", id, err)
	}
	return nil
}

// segmentWords reads one segment's words, in order.
func segmentWords(ctx context.Context, tx *sql.Tx, sid int64) ([]api.Word, error) {
	rows, err := tx.QueryContext(ctx, `SELECT start_ms, end_ms, text, conf FROM transcript_words WHERE sid = ? ORDER BY idx`, sid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []api.Word
	for rows.Next() {
		var w api.Word
		var conf float64
		if err := rows.Scan(&w.StartMS, &w.EndMS, &w.Text, &conf); err != nil {
			return nil, err
		}
		w.Conf = float32(conf)
		out = append(out, w)
	}
	return out, rows.Err()
}

// replaceWords swaps one segment's words.
func replaceWords(ctx context.Context, tx *sql.Tx, sid int64, words []api.Word) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM transcript_words WHERE sid = ?`, sid); err != nil {
		return err
	}
	for j, w := range words {
		if _, err := tx.ExecContext(ctx, `INSERT INTO transcript_words (sid, idx, start_ms, end_ms, text, conf)
			VALUES (?, ?, ?, ?, ?, ?)`, sid, j, w.StartMS, w.EndMS, w.Text, w.Conf); err != nil {
			return err
		}
	}
	return nil
}

// ErrTranscriptChanged is returned (wrapped) by ApplyRemoteTranscript and
// ApplyFetchedTranscript when the local transcript changed after the caller
// looked at it: nothing was replaced, and the next sync sends the change.
var ErrTranscriptChanged = errors.New("the transcript changed on this device meanwhile")

// ApplyRemoteTranscript replaces the local transcript with the server's
// (version remoteVersion), edits and all, if it is still at localVersion
// (TranscriptInfo.LocalVersion; 0 when there was none). The check and the
// replacement are one transaction, so an edit made since is never
// overwritten. It is not dirty afterwards, and a queued or running job for
// the recording is cancelled, since the transcript was made once already.
func (l *Library) ApplyRemoteTranscript(ctx context.Context, id string, t api.Transcript, remoteVersion, localVersion int64) error {
	return l.applyRemote(ctx, id, t, remoteVersion, func(cur TranscriptInfo) bool {
		return cur.LocalVersion == localVersion
	})
}

// ApplyFetchedTranscript is ApplyRemoteTranscript for a transcript fetched
// because the server's is newer: it replaces the local one only if that has
// no change the server lacks (not dirty) and is older than remoteVersion,
// both checked in the transaction that replaces it.
func (l *Library) ApplyFetchedTranscript(ctx context.Context, id string, t api.Transcript, remoteVersion int64) error {
	return l.applyRemote(ctx, id, t, remoteVersion, func(cur TranscriptInfo) bool {
		return !cur.Dirty && cur.RemoteVersion < remoteVersion
	})
}

func (l *Library) applyRemote(ctx context.Context, id string, t api.Transcript, remoteVersion int64, still func(TranscriptInfo) bool) error {
	err := l.write(ctx, func(tx *sql.Tx) error {
		if _, err := get(ctx, tx, id); err != nil {
			return err
		}
		// Every replacement bumps local_version too, so a caller's guard
		// never passes over a change it did not see.
		var cur TranscriptInfo
		err := tx.QueryRowContext(ctx, `SELECT local_version, dirty, remote_version FROM transcripts WHERE id = ?`, id).
			Scan(&cur.LocalVersion, &cur.Dirty, &cur.RemoteVersion)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if !still(cur) {
			return ErrTranscriptChanged
		}
		if err := replaceSegments(ctx, tx, id, cleanSegments(t.Segments)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO transcripts (id, engine, model, engine_version, language,
				created_at, updated_at, dirty, remote_version) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)
			ON CONFLICT (id) DO UPDATE SET engine = excluded.engine, model = excluded.model,
				engine_version = excluded.engine_version, language = excluded.language,
				created_at = excluded.created_at, updated_at = excluded.updated_at,
				local_version = local_version + 1, dirty = 0, remote_version = excluded.remote_version`,
			id, t.Engine, t.Model, t.EngineVersion, t.Language, msOrZero(t.CreatedAt), l.now().UnixMilli(), remoteVersion)
		if err != nil {
			return err
		}
		if err := dropJob(ctx, tx, id); err != nil {
			return err
		}
		return logChange(ctx, tx, id, Updated, l.now())
	})
	if err != nil {
		return fmt.Errorf("store the cloud's transcript of %s: %w", id, err)
	}
	return nil
}

// DirtyTranscript names a transcript with local changes to push.
type DirtyTranscript struct {
	ID            string
	LocalVersion  int64 // pass back to MarkTranscriptPushed
	RemoteVersion int64 // the server's version it was based on (If-Match); 0 = new
}

// DirtyTranscripts lists the transcripts changed here since the server last
// got them (recordings in the trash included: their transcript still syncs).
func (l *Library) DirtyTranscripts(ctx context.Context) ([]DirtyTranscript, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT id, local_version, remote_version FROM transcripts
		WHERE dirty = 1 ORDER BY updated_at`)
	if err != nil {
		return nil, fmt.Errorf("list transcripts to push: %w", err)
	}
	defer rows.Close()
	var out []DirtyTranscript
	for rows.Next() {
		var d DirtyTranscript
		if err := rows.Scan(&d.ID, &d.LocalVersion, &d.RemoteVersion); err != nil {
			return nil, fmt.Errorf("list transcripts to push: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list transcripts to push: %w", err)
	}
	return out, nil
}

// MarkTranscriptPushed records that the server now holds the transcript at
// remoteVersion, as it was at localVersion (from DirtyTranscripts or
// Transcript). It stays dirty if it changed here meanwhile.
func (l *Library) MarkTranscriptPushed(ctx context.Context, id string, localVersion, remoteVersion int64) error {
	err := l.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE transcripts SET remote_version = ?,
			dirty = CASE WHEN local_version = ? THEN 0 ELSE dirty END WHERE id = ?`, remoteVersion, localVersion, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark transcript of %s pushed: %w", id, err)
	}
	return nil
}

// TranscriptGoneRemote records that the server holds no transcript of
// recording id although this library's was sent before: the recording was
// created there again (restored after a delete everywhere, uploaded again
// after a removal from the cloud), and the transcript went with the old
// one. The next push sends this library's as new.
func (l *Library) TranscriptGoneRemote(ctx context.Context, id string) error {
	err := l.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE transcripts SET dirty = 1, remote_version = 0
			WHERE id = ? AND remote_version > 0`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("mark transcript of %s to send again: %w", id, err)
	}
	return nil
}

// TranscriptStates gives the transcript state of every recording that has
// one other than none, in one query (for listings).
func (l *Library) TranscriptStates(ctx context.Context) (map[string]TranscriptState, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT id, state FROM transcript_jobs
		UNION ALL SELECT id, 'done' FROM transcripts WHERE id NOT IN (SELECT id FROM transcript_jobs)`)
	if err != nil {
		return nil, fmt.Errorf("read transcript states: %w", err)
	}
	defer rows.Close()
	out := map[string]TranscriptState{}
	for rows.Next() {
		var id, state string
		if err := rows.Scan(&id, &state); err != nil {
			return nil, fmt.Errorf("read transcript states: %w", err)
		}
		out[id] = TranscriptState(state)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read transcript states: %w", err)
	}
	return out, nil
}
