// Package sqlite is the default metadata store: one SQLite file (WAL mode)
// through the pure-Go modernc.org/sqlite driver. Every change to a user's
// recordings runs in one IMMEDIATE transaction, which serialises the user's
// change sequence.
package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/earshot/earshot/server/meta"
	sqlite3 "modernc.org/sqlite"
	sqlite3lib "modernc.org/sqlite/lib"
)

var _ meta.Store = (*Store)(nil)

// Store is a meta.Store in a SQLite file.
type Store struct {
	db  *sql.DB
	now func() time.Time
}

const schema = `
CREATE TABLE IF NOT EXISTS users (
	id TEXT PRIMARY KEY,
	email TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	used_bytes INTEGER NOT NULL DEFAULT 0,
	next_seq INTEGER NOT NULL DEFAULT 0,
	quota_bytes INTEGER NOT NULL DEFAULT 0,
	disabled INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS tokens (
	hash TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	user_id TEXT NOT NULL,
	family_id TEXT NOT NULL,
	expires_at INTEGER NOT NULL,
	pair TEXT NOT NULL DEFAULT '',
	used INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tokens_expiry ON tokens (expires_at);
CREATE TABLE IF NOT EXISTS families (
	id TEXT PRIMARY KEY,
	revoked_until INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
	key TEXT NOT NULL,
	window INTEGER NOT NULL,
	count INTEGER NOT NULL,
	expires_at INTEGER NOT NULL,
	PRIMARY KEY (key, window)
);
CREATE TABLE IF NOT EXISTS recordings (
	user_id TEXT NOT NULL,
	id TEXT NOT NULL,
	seq INTEGER NOT NULL,
	doc TEXT NOT NULL,
	expires_at INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (user_id, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS recordings_feed ON recordings (user_id, seq);
CREATE INDEX IF NOT EXISTS recordings_expiry ON recordings (expires_at) WHERE expires_at > 0;
CREATE TABLE IF NOT EXISTS uploads (
	user_id TEXT NOT NULL,
	recording_id TEXT NOT NULL,
	blob_upload TEXT NOT NULL,
	received INTEGER NOT NULL,
	parts TEXT NOT NULL,
	hash_state BLOB,
	updated_at INTEGER NOT NULL,
	PRIMARY KEY (user_id, recording_id)
);
`

// Open opens (creating if needed) the database file at path.
func Open(ctx context.Context, path string) (*Store, error) {
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open metadata database %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("create metadata schema in %s: %w", path, err)
	}
	if err := addColumns(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("update metadata schema in %s: %w", path, err)
	}
	return &Store{db: db, now: time.Now}, nil
}

// addedColumns are columns added after a table was first made: a database
// from an older server gets them at open.
var addedColumns = []struct{ table, column, decl string }{
	{"users", "quota_bytes", "INTEGER NOT NULL DEFAULT 0"},
	{"users", "disabled", "INTEGER NOT NULL DEFAULT 0"},
}

func addColumns(ctx context.Context, db *sql.DB) error {
	for _, c := range addedColumns {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?`, c.table, c.column).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			if _, err := db.ExecContext(ctx, "ALTER TABLE "+c.table+" ADD COLUMN "+c.column+" "+c.decl); err != nil {
				return err
			}
		}
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

func isUnique(err error) bool {
	var se *sqlite3.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3lib.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3lib.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// CreateUser implements meta.Users.
func (s *Store) CreateUser(ctx context.Context, u meta.User) error {
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)`,
		u.ID, u.Email, u.PasswordHash, meta.UnixNano(u.CreatedAt))
	if isUnique(err) {
		return fmt.Errorf("create user %s: %w", u.Email, meta.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("create user %s: %w", u.Email, err)
	}
	return nil
}

func (s *Store) userWhere(ctx context.Context, where string, arg string) (meta.User, error) {
	var u meta.User
	var created int64
	err := s.db.QueryRowContext(ctx,
		`SELECT id, email, password_hash, created_at, used_bytes, quota_bytes, disabled FROM users WHERE `+where, arg).
		Scan(&u.ID, &u.Email, &u.PasswordHash, &created, &u.UsedBytes, &u.QuotaBytes, &u.Disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("find user: %w", meta.ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("find user: %w", err)
	}
	u.CreatedAt = meta.FromUnixNano(created)
	return u, nil
}

// UserByEmail implements meta.Users.
func (s *Store) UserByEmail(ctx context.Context, email string) (meta.User, error) {
	return s.userWhere(ctx, "email = ?", email)
}

// UserByID implements meta.Users.
func (s *Store) UserByID(ctx context.Context, id string) (meta.User, error) {
	return s.userWhere(ctx, "id = ?", id)
}

// ListUsers implements meta.Users.
func (s *Store) ListUsers(ctx context.Context, limit int) ([]meta.User, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, email, password_hash, created_at, used_bytes, quota_bytes, disabled FROM users ORDER BY email LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []meta.User
	for rows.Next() {
		var u meta.User
		var created int64
		if err := rows.Scan(&u.ID, &u.Email, &u.PasswordHash, &created, &u.UsedBytes, &u.QuotaBytes, &u.Disabled); err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		u.CreatedAt = meta.FromUnixNano(created)
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}

// SetPassword implements meta.Users.
func (s *Store) SetPassword(ctx context.Context, id, hash string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, id)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set password: %w", meta.ErrNotFound)
	}
	return nil
}

// SetLimits implements meta.Users.
func (s *Store) SetLimits(ctx context.Context, id string, quotaBytes int64, disabled bool) error {
	res, err := s.db.ExecContext(ctx, `UPDATE users SET quota_bytes = ?, disabled = ? WHERE id = ?`, quotaBytes, disabled, id)
	if err != nil {
		return fmt.Errorf("set limits: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("set limits: %w", meta.ErrNotFound)
	}
	return nil
}

// PutToken implements meta.Tokens.
func (s *Store) PutToken(ctx context.Context, t meta.Token) error {
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO tokens (hash, kind, user_id, family_id, expires_at, pair, used) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		t.Hash, t.Kind, t.UserID, t.FamilyID, meta.UnixNano(t.ExpiresAt), t.Pair, t.Used)
	if isUnique(err) {
		return fmt.Errorf("store token: %w", meta.ErrExists)
	}
	if err != nil {
		return fmt.Errorf("store token: %w", err)
	}
	return nil
}

// GetToken implements meta.Tokens.
func (s *Store) GetToken(ctx context.Context, hash string) (meta.Token, error) {
	t := meta.Token{Hash: hash}
	var exp int64
	err := s.db.QueryRowContext(ctx,
		`SELECT kind, user_id, family_id, expires_at, pair, used FROM tokens WHERE hash = ?`, hash).
		Scan(&t.Kind, &t.UserID, &t.FamilyID, &exp, &t.Pair, &t.Used)
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("find token: %w", meta.ErrNotFound)
	}
	if err != nil {
		return t, fmt.Errorf("find token: %w", err)
	}
	t.ExpiresAt = meta.FromUnixNano(exp)
	if !s.now().Before(t.ExpiresAt) {
		return t, fmt.Errorf("find token: expired: %w", meta.ErrNotFound)
	}
	return t, nil
}

// UseToken implements meta.Tokens.
func (s *Store) UseToken(ctx context.Context, hash string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE tokens SET used = 1 WHERE hash = ? AND used = 0`, hash)
	if err != nil {
		return fmt.Errorf("use token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	if _, err := s.GetToken(ctx, hash); err != nil {
		return fmt.Errorf("use token: %w", err)
	}
	return fmt.Errorf("use token: already used: %w", meta.ErrConflict)
}

// DeleteToken implements meta.Tokens.
func (s *Store) DeleteToken(ctx context.Context, hash string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM tokens WHERE hash = ?`, hash); err != nil {
		return fmt.Errorf("delete token: %w", err)
	}
	return nil
}

// RevokeFamily implements meta.Tokens.
func (s *Store) RevokeFamily(ctx context.Context, familyID string, until time.Time) error {
	_, err := s.db.ExecContext(ctx,
		`INSERT INTO families (id, revoked_until) VALUES (?, ?)
		 ON CONFLICT (id) DO UPDATE SET revoked_until = max(revoked_until, excluded.revoked_until)`,
		familyID, meta.UnixNano(until))
	if err != nil {
		return fmt.Errorf("revoke session %s: %w", familyID, err)
	}
	return nil
}

// FamilyRevoked implements meta.Tokens.
func (s *Store) FamilyRevoked(ctx context.Context, familyID string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM families WHERE id = ?`, familyID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("check session %s: %w", familyID, err)
	}
	return n > 0, nil
}

// Count implements meta.Throttle; each statement is one atomic write, and
// the limit is its condition.
func (s *Store) Count(ctx context.Context, key string, window, expires time.Time, delta, limit int64) (int64, error) {
	if delta < 0 {
		return s.uncount(ctx, key, window, -delta)
	}
	var n int64
	err := s.db.QueryRowContext(ctx,
		`INSERT INTO failures (key, window, count, expires_at) SELECT ?1, ?2, ?3, ?4 WHERE ?5 <= 0 OR ?3 <= ?5
		 ON CONFLICT (key, window) DO UPDATE SET count = count + excluded.count WHERE ?5 <= 0 OR count + excluded.count <= ?5
		 RETURNING count`,
		key, meta.UnixNano(window), delta, meta.UnixNano(expires), limit).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, meta.ErrLimited
	}
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", key, err)
	}
	return n, nil
}

// uncount takes n off a counter that holds at least n.
func (s *Store) uncount(ctx context.Context, key string, window time.Time, n int64) (int64, error) {
	var c int64
	err := s.db.QueryRowContext(ctx,
		`UPDATE failures SET count = count - ?1 WHERE key = ?2 AND window = ?3 AND count >= ?1 RETURNING count`,
		n, key, meta.UnixNano(window)).Scan(&c)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("count %s: %w", key, err)
	}
	return c, nil
}

// Counted implements meta.Throttle.
func (s *Store) Counted(ctx context.Context, key string, window time.Time) (int64, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT count FROM failures WHERE key = ? AND window = ?`, key, meta.UnixNano(window)).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read counter %s: %w", key, err)
	}
	return n, nil
}

func decodeRecording(doc string, expires int64) (meta.Recording, error) {
	var r meta.Recording
	if err := json.Unmarshal([]byte(doc), &r.Recording); err != nil {
		return r, fmt.Errorf("decode stored recording: %w", err)
	}
	r.ExpiresAt = meta.FromUnixNano(expires)
	return r, nil
}

func (s *Store) live(expires int64) bool { return expires == 0 || expires > s.now().UnixNano() }

// GetRecording implements meta.Recordings.
func (s *Store) GetRecording(ctx context.Context, userID, id string) (meta.Recording, error) {
	var doc string
	var exp int64
	err := s.db.QueryRowContext(ctx, `SELECT doc, expires_at FROM recordings WHERE user_id = ? AND id = ?`, userID, id).
		Scan(&doc, &exp)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !s.live(exp) {
		return meta.Recording{}, fmt.Errorf("get recording %s: %w", id, meta.ErrNotFound)
	}
	if err != nil {
		return meta.Recording{}, fmt.Errorf("get recording %s: %w", id, err)
	}
	return decodeRecording(doc, exp)
}

// UpdateRecording implements meta.Recordings.
func (s *Store) UpdateRecording(ctx context.Context, userID, id string, fn meta.UpdateFunc) (meta.Recording, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return meta.Recording{}, fmt.Errorf("update recording %s: %w", id, err)
	}
	defer tx.Rollback()
	var seq, used int64
	err = tx.QueryRowContext(ctx, `SELECT next_seq, used_bytes FROM users WHERE id = ?`, userID).Scan(&seq, &used)
	if errors.Is(err, sql.ErrNoRows) {
		return meta.Recording{}, fmt.Errorf("update recording %s: user %s: %w", id, userID, meta.ErrNotFound)
	}
	if err != nil {
		return meta.Recording{}, fmt.Errorf("update recording %s: %w", id, err)
	}
	var cur *meta.Recording
	var doc string
	var exp int64
	err = tx.QueryRowContext(ctx, `SELECT doc, expires_at FROM recordings WHERE user_id = ? AND id = ?`, userID, id).Scan(&doc, &exp)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return meta.Recording{}, fmt.Errorf("update recording %s: %w", id, err)
	case s.live(exp):
		r, err := decodeRecording(doc, exp)
		if err != nil {
			return meta.Recording{}, err
		}
		cur = &r
	}
	next, err := fn(cur, used)
	if err != nil {
		return meta.Recording{}, err
	}
	if next == nil {
		if cur == nil {
			return meta.Recording{}, fmt.Errorf("update recording %s: %w", id, meta.ErrNotFound)
		}
		return *cur, nil
	}
	seq++
	next.Seq = seq
	next.ID = id
	b, err := json.Marshal(next.Recording)
	if err != nil {
		return meta.Recording{}, fmt.Errorf("encode recording %s: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO recordings (user_id, id, seq, doc, expires_at) VALUES (?, ?, ?, ?, ?)
		 ON CONFLICT (user_id, id) DO UPDATE SET seq = excluded.seq, doc = excluded.doc, expires_at = excluded.expires_at`,
		userID, id, seq, string(b), meta.UnixNano(next.ExpiresAt)); err != nil {
		return meta.Recording{}, fmt.Errorf("store recording %s: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE users SET next_seq = ?, used_bytes = used_bytes + ? WHERE id = ?`,
		seq, meta.Counted(next)-meta.Counted(cur), userID); err != nil {
		return meta.Recording{}, fmt.Errorf("store recording %s: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return meta.Recording{}, fmt.Errorf("commit recording %s: %w", id, err)
	}
	return *next, nil
}

// ListChanges implements meta.Recordings.
func (s *Store) ListChanges(ctx context.Context, userID string, since int64, limit int) ([]meta.Recording, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT doc, expires_at FROM recordings WHERE user_id = ? AND seq > ? AND (expires_at = 0 OR expires_at > ?)
		 ORDER BY seq LIMIT ?`, userID, since, s.now().UnixNano(), limit)
	if err != nil {
		return nil, fmt.Errorf("list recordings: %w", err)
	}
	defer rows.Close()
	out := make([]meta.Recording, 0, min(limit, 256))
	for rows.Next() {
		var doc string
		var exp int64
		if err := rows.Scan(&doc, &exp); err != nil {
			return nil, fmt.Errorf("list recordings: %w", err)
		}
		r, err := decodeRecording(doc, exp)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list recordings: %w", err)
	}
	return out, nil
}

// PurgeExpired implements meta.Recordings.
func (s *Store) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	t := now.UnixNano()
	total := 0
	for _, q := range []string{
		`DELETE FROM recordings WHERE expires_at > 0 AND expires_at <= ?`,
		`DELETE FROM tokens WHERE expires_at <= ?`,
		`DELETE FROM families WHERE revoked_until <= ?`,
		`DELETE FROM failures WHERE expires_at <= ?`,
	} {
		res, err := s.db.ExecContext(ctx, q, t)
		if err != nil {
			return total, fmt.Errorf("purge expired: %w", err)
		}
		n, _ := res.RowsAffected()
		total += int(n)
	}
	return total, nil
}

// GetUpload implements meta.Uploads.
func (s *Store) GetUpload(ctx context.Context, userID, recordingID string) (meta.Upload, error) {
	u := meta.Upload{UserID: userID, RecordingID: recordingID}
	var parts string
	var updated int64
	err := s.db.QueryRowContext(ctx,
		`SELECT blob_upload, received, parts, hash_state, updated_at FROM uploads WHERE user_id = ? AND recording_id = ?`,
		userID, recordingID).Scan(&u.BlobUpload, &u.Received, &parts, &u.HashState, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("get upload %s: %w", recordingID, meta.ErrNotFound)
	}
	if err != nil {
		return u, fmt.Errorf("get upload %s: %w", recordingID, err)
	}
	if err := json.Unmarshal([]byte(parts), &u.Parts); err != nil {
		return u, fmt.Errorf("decode upload %s: %w", recordingID, err)
	}
	u.UpdatedAt = meta.FromUnixNano(updated)
	return u, nil
}

// StaleUploads implements meta.Uploads.
func (s *Store) StaleUploads(ctx context.Context, before time.Time, limit int) ([]meta.Upload, error) {
	rows, err := s.db.QueryContext(ctx,
		`SELECT user_id, recording_id, blob_upload, updated_at FROM uploads WHERE updated_at < ? ORDER BY updated_at LIMIT ?`,
		meta.UnixNano(before), limit)
	if err != nil {
		return nil, fmt.Errorf("find stale uploads: %w", err)
	}
	defer rows.Close()
	var out []meta.Upload
	for rows.Next() {
		var u meta.Upload
		var updated int64
		if err := rows.Scan(&u.UserID, &u.RecordingID, &u.BlobUpload, &updated); err != nil {
			return nil, fmt.Errorf("find stale uploads: %w", err)
		}
		u.UpdatedAt = meta.FromUnixNano(updated)
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find stale uploads: %w", err)
	}
	return out, nil
}

// PutUpload implements meta.Uploads.
func (s *Store) PutUpload(ctx context.Context, u meta.Upload, prevReceived int64) error {
	parts, err := json.Marshal(u.Parts)
	if err != nil {
		return fmt.Errorf("encode upload %s: %w", u.RecordingID, err)
	}
	var res sql.Result
	if prevReceived < 0 {
		res, err = s.db.ExecContext(ctx,
			`INSERT INTO uploads (user_id, recording_id, blob_upload, received, parts, hash_state, updated_at)
			 VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
			u.UserID, u.RecordingID, u.BlobUpload, u.Received, string(parts), u.HashState, meta.UnixNano(u.UpdatedAt))
	} else {
		res, err = s.db.ExecContext(ctx,
			`UPDATE uploads SET blob_upload = ?, received = ?, parts = ?, hash_state = ?, updated_at = ?
			 WHERE user_id = ? AND recording_id = ? AND received = ?`,
			u.BlobUpload, u.Received, string(parts), u.HashState, meta.UnixNano(u.UpdatedAt), u.UserID, u.RecordingID, prevReceived)
	}
	if err != nil {
		return fmt.Errorf("save upload %s: %w", u.RecordingID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("save upload %s: %w", u.RecordingID, meta.ErrConflict)
	}
	return nil
}

// DeleteUpload implements meta.Uploads.
func (s *Store) DeleteUpload(ctx context.Context, userID, recordingID string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM uploads WHERE user_id = ? AND recording_id = ?`, userID, recordingID); err != nil {
		return fmt.Errorf("delete upload %s: %w", recordingID, err)
	}
	return nil
}
