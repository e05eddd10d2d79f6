package library

import (
	"context"
	"database/sql"
	"reflect"
	"strings"
	"time"

	"github.com/earshot/earshot/audio"
)

// row is a recording as the index stores it: the recordings table's columns
// and the sync engine's sync_items columns, times as Unix milliseconds (0
// for none), so two rows compare with ==. Every stored field is listed once,
// in recordingCols or syncCols; reads, inserts, updates and equality all
// follow those lists, so a new field is one line there and one here.
type row struct {
	ID                   string
	Title                string
	CreatedAt            int64
	DurationMS           int64
	Format               string
	SampleRate, Channels int
	Size                 int64
	SHA256               string
	Recovered            bool
	Version              int64
	HasAudio             bool
	TrashedAt, DeletedAt int64
	SyncState, SyncError string
	RemoteVersion        int64

	PushedVersion        int64
	RemoteTitle          string
	KeepLocal, WantAudio bool
	ResumeState          string
	Attempts             int
	NextAttempt          int64
	RemoteMeta           string // JSON of SyncItem.Base
	RemoteTranscript     int64
	NeedsUser            bool
	KeptSince            int64
}

// col is one stored field: its column, how a read selects it, and where it
// lives in a row.
type col struct {
	name string
	// read is the SELECT expression; "" means the column itself. The sync
	// columns come from a LEFT JOIN and default when a row has none yet.
	read string
	// nullZero stores 0 as NULL (a time that is not set).
	nullZero bool
	ref      func(*row) any
}

func (c col) expr() string {
	if c.read != "" {
		return c.read
	}
	return c.name
}

// value is what an INSERT or UPDATE writes for c.
func (c col) value(r *row) any {
	v := reflect.ValueOf(c.ref(r)).Elem().Interface()
	if c.nullZero && v == int64(0) {
		return nil
	}
	return v
}

// recordingCols are the recordings table's columns that the library owns
// (favourites and tags are read beside them, see readColumns).
var recordingCols = []col{
	{name: "id", ref: func(r *row) any { return &r.ID }},
	{name: "title", ref: func(r *row) any { return &r.Title }},
	{name: "created_at", ref: func(r *row) any { return &r.CreatedAt }},
	{name: "duration_ms", ref: func(r *row) any { return &r.DurationMS }},
	{name: "format", ref: func(r *row) any { return &r.Format }},
	{name: "sample_rate", ref: func(r *row) any { return &r.SampleRate }},
	{name: "channels", ref: func(r *row) any { return &r.Channels }},
	{name: "size_bytes", ref: func(r *row) any { return &r.Size }},
	{name: "sha256", ref: func(r *row) any { return &r.SHA256 }},
	{name: "recovered", ref: func(r *row) any { return &r.Recovered }},
	{name: "version", ref: func(r *row) any { return &r.Version }},
	{name: "has_audio", ref: func(r *row) any { return &r.HasAudio }},
	{name: "trashed_at", read: "COALESCE(trashed_at, 0)", nullZero: true, ref: func(r *row) any { return &r.TrashedAt }},
	{name: "deleted_at", read: "COALESCE(deleted_at, 0)", nullZero: true, ref: func(r *row) any { return &r.DeletedAt }},
	{name: "sync_state", ref: func(r *row) any { return &r.SyncState }},
	{name: "sync_error", ref: func(r *row) any { return &r.SyncError }},
	{name: "remote_version", ref: func(r *row) any { return &r.RemoteVersion }},
}

// syncCols are the sync engine's bookkeeping per recording (sync_items).
var syncCols = []col{
	{name: "pushed_version", read: "COALESCE(s.pushed_version, 0)", ref: func(r *row) any { return &r.PushedVersion }},
	{name: "remote_title", read: "COALESCE(s.remote_title, '')", ref: func(r *row) any { return &r.RemoteTitle }},
	{name: "keep_local", read: "COALESCE(s.keep_local, 0)", ref: func(r *row) any { return &r.KeepLocal }},
	{name: "want_audio", read: "COALESCE(s.want_audio, 0)", ref: func(r *row) any { return &r.WantAudio }},
	{name: "resume_state", read: "COALESCE(s.resume_state, '')", ref: func(r *row) any { return &r.ResumeState }},
	{name: "attempts", read: "COALESCE(s.attempts, 0)", ref: func(r *row) any { return &r.Attempts }},
	{name: "next_attempt", read: "COALESCE(s.next_attempt, 0)", ref: func(r *row) any { return &r.NextAttempt }},
	{name: "remote_meta", read: "COALESCE(s.remote_meta, '')", ref: func(r *row) any { return &r.RemoteMeta }},
	{name: "remote_transcript", read: "COALESCE(s.remote_transcript, 0)", ref: func(r *row) any { return &r.RemoteTranscript }},
	{name: "needs_user", read: "COALESCE(s.needs_user, 0)", ref: func(r *row) any { return &r.NeedsUser }},
	{name: "kept_since", read: "COALESCE(s.kept_since, 0)", ref: func(r *row) any { return &r.KeptSince }},
}

// names lists the columns, for INSERT; exprs the read expressions, for SELECT.
func names(cols []col) string { return join(cols, func(c col) string { return c.name }) }
func exprs(cols []col) string { return join(cols, col.expr) }

func join(cols []col, f func(col) string) string {
	s := make([]string, len(cols))
	for i, c := range cols {
		s[i] = f(c)
	}
	return strings.Join(s, ", ")
}

// refs are the scan destinations of cols in r.
func refs(r *row, cols []col) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		out[i] = c.ref(r)
	}
	return out
}

func values(r *row, cols []col) []any {
	out := make([]any, len(cols))
	for i, c := range cols {
		out[i] = c.value(r)
	}
	return out
}

// insertRow adds r's recordings columns as a new row.
func insertRow(ctx context.Context, tx *sql.Tx, r row) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO recordings (`+names(recordingCols)+`) VALUES (`+placeholders(len(recordingCols))+`)`,
		values(&r, recordingCols)...)
	return err
}

// updateRow writes every recordings column of r but its id.
func updateRow(ctx context.Context, tx *sql.Tx, r row) error {
	cols := recordingCols[1:]
	set := join(cols, func(c col) string { return c.name + " = ?" })
	_, err := tx.ExecContext(ctx, `UPDATE recordings SET `+set+` WHERE id = ?`, append(values(&r, cols), r.ID)...)
	return err
}

// upsertSync writes r's sync_items columns.
func upsertSync(ctx context.Context, tx *sql.Tx, r row) error {
	set := join(syncCols, func(c col) string { return c.name + " = excluded." + c.name })
	_, err := tx.ExecContext(ctx, `INSERT INTO sync_items (id, `+names(syncCols)+`) VALUES (?, `+placeholders(len(syncCols))+`)
		ON CONFLICT (id) DO UPDATE SET `+set, append([]any{r.ID}, values(&r, syncCols)...)...)
	return err
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// toRow is it as stored.
func toRow(it SyncItem) row {
	return row{
		ID: it.ID, Title: it.Title, CreatedAt: it.CreatedAt.UnixMilli(), DurationMS: it.Duration.Milliseconds(),
		Format: string(it.Format), SampleRate: it.SampleRate, Channels: it.Channels, Size: it.Size, SHA256: it.SHA256,
		Recovered: it.Recovered, Version: it.Version, HasAudio: it.HasAudio,
		TrashedAt: msOrZeroPtr(it.TrashedAt), DeletedAt: msOrZeroPtr(it.DeletedAt),
		SyncState: string(it.SyncState), SyncError: it.SyncError, RemoteVersion: it.RemoteVersion,
		PushedVersion: it.PushedVersion, RemoteTitle: it.RemoteTitle, KeepLocal: it.KeepLocal, WantAudio: it.WantAudio,
		ResumeState: string(it.ResumeState), Attempts: it.Attempts, NextAttempt: msOrZero(it.NextAttempt),
		RemoteMeta: encodeBase(it.Base), RemoteTranscript: it.RemoteTranscript, NeedsUser: it.NeedsUser,
		KeptSince: it.KeptSince,
	}
}

// item is the row as the library's types have it.
func (r row) item() SyncItem {
	it := SyncItem{
		Recording: Recording{
			ID: r.ID, Title: r.Title, CreatedAt: time.UnixMilli(r.CreatedAt).UTC(),
			Duration: time.Duration(r.DurationMS) * time.Millisecond, Format: audio.Format(r.Format),
			SampleRate: r.SampleRate, Channels: r.Channels, Size: r.Size, SHA256: r.SHA256,
			Recovered: r.Recovered, Version: r.Version, HasAudio: r.HasAudio,
			TrashedAt: msTime(r.TrashedAt), DeletedAt: msTime(r.DeletedAt),
			SyncState: SyncState(r.SyncState), SyncError: r.SyncError, RemoteVersion: r.RemoteVersion,
		},
		PushedVersion: r.PushedVersion, RemoteTitle: r.RemoteTitle, KeepLocal: r.KeepLocal, WantAudio: r.WantAudio,
		ResumeState: SyncState(r.ResumeState), Attempts: r.Attempts, Base: decodeBase(r.RemoteMeta),
		RemoteTranscript: r.RemoteTranscript, NeedsUser: r.NeedsUser, KeptSince: r.KeptSince,
	}
	if r.NextAttempt > 0 {
		it.NextAttempt = time.UnixMilli(r.NextAttempt).UTC()
	}
	return it
}

// Same reports whether two items store the same values in every field the
// library and the sync engine keep (times to the millisecond, as stored).
func (it SyncItem) Same(o SyncItem) bool { return toRow(it) == toRow(o) }

func msTime(ms int64) *time.Time {
	if ms == 0 {
		return nil
	}
	t := time.UnixMilli(ms).UTC()
	return &t
}

func msOrZeroPtr(t *time.Time) int64 {
	if t == nil {
		return 0
	}
	return t.UnixMilli()
}

func msOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
