package library

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Setting returns a sync setting ("" when unset). The sync engine keeps
// here what is not secret: which account this library syncs with, the
// since cursor per account, whether cloud-only entries download by
// themselves.
func (x *SyncIndex) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := x.l.db.QueryRowContext(ctx, `SELECT value FROM sync_settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read sync setting %s: %w", key, err)
	}
	return v, nil
}

// SetSettings stores sync settings in one transaction; an empty value
// deletes the key.
func (x *SyncIndex) SetSettings(ctx context.Context, kv map[string]string) error {
	err := x.l.write(ctx, func(tx *sql.Tx) error {
		for k, v := range kv {
			if err := setSetting(ctx, tx, k, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("save sync settings: %w", err)
	}
	return nil
}

func setSetting(ctx context.Context, tx *sql.Tx, k, v string) error {
	var err error
	if v == "" {
		_, err = tx.ExecContext(ctx, `DELETE FROM sync_settings WHERE key = ?`, k)
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO sync_settings (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, k, v)
	}
	return err
}
