package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/server/meta"
)

// POST /v1/account/password changes a password: with the current one
// (counted like a sign-in attempt, so it cannot be used to guess), or with
// a one-time reset code the server's owner made (earshot-server users
// reset-password EMAIL).

var errBadReset = errorf(http.StatusForbidden, api.CodeForbidden,
	"the reset code is unknown, used or expired, or for another account; ask the server's owner for a new one")

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	var req api.PasswordChange
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	email, err := normaliseEmail(req.Email)
	if err != nil {
		return err
	}
	if err := checkNewPassword(req.NewPassword, email); err != nil {
		return err
	}
	ctx := r.Context()
	var u meta.User
	if req.ResetCode != "" {
		u, err = s.redeemReset(ctx, email, req.ResetCode)
	} else {
		u, err = s.signIn(ctx, email, s.clientAddr(r), req.CurrentPassword)
	}
	if err != nil {
		return err
	}
	release, err := s.hashing(ctx)
	if err != nil {
		return err
	}
	hash := hashPassword(req.NewPassword)
	release()
	if err := s.meta.SetPassword(ctx, u.ID, hash); err != nil {
		return err
	}
	s.log.Info("password changed", "user", u.ID, "by_reset_code", req.ResetCode != "")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// A reset code is "esp_" + base64url(16 random bytes, expiry as Unix
// seconds, the user's id): like an invite, the store keeps only counters
// under its hash, so nothing in it can be changed.
const resetPrefix = "esp_"

// NewResetCode makes a one-time password reset code for u, good until
// expires, and records it in m. The server's owner runs it.
func NewResetCode(ctx context.Context, m meta.Throttle, u meta.User, expires time.Time) (string, error) {
	id, err := uuid.Parse(u.ID)
	if err != nil {
		return "", fmt.Errorf("reset code for %s: %w", u.Email, err)
	}
	b := make([]byte, 16+8+16)
	rand.Read(b[:16])
	binary.BigEndian.PutUint64(b[16:], uint64(expires.Unix()))
	copy(b[24:], id[:])
	code := resetPrefix + base64.RawURLEncoding.EncodeToString(b)
	if _, err := m.Count(ctx, "reset:"+tokenHash(code), time.Unix(0, 0), expires, 1, 1); err != nil {
		return "", fmt.Errorf("record the reset code: %w", err)
	}
	return code, nil
}

// redeemReset uses a reset code for email's account, once.
func (s *Server) redeemReset(ctx context.Context, email, code string) (meta.User, error) {
	code = strings.TrimSpace(code)
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(code, resetPrefix))
	if err != nil || len(b) != 40 || !strings.HasPrefix(code, resetPrefix) {
		return meta.User{}, errBadReset
	}
	expires := time.Unix(int64(binary.BigEndian.Uint64(b[16:])), 0)
	id, _ := uuid.FromBytes(b[24:])
	u, err := s.meta.UserByEmail(ctx, email)
	if errors.Is(err, meta.ErrNotFound) || err == nil && u.ID != id.String() {
		return u, errBadReset
	}
	if err != nil {
		return u, err
	}
	h := tokenHash(code)
	if n, err := s.meta.Counted(ctx, "reset:"+h, time.Unix(0, 0)); err != nil || n == 0 || time.Now().After(expires) {
		if err == nil {
			err = errBadReset
		}
		return u, err
	}
	if _, err := s.meta.Count(ctx, "reset-used:"+h, time.Unix(0, 0), expires, 1, 1); err != nil {
		if errors.Is(err, meta.ErrLimited) {
			err = errBadReset
		}
		return u, err
	}
	return u, nil
}
