package server

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/server/meta"
)

// Refresh rotates: each refresh token is exchanged once for a new pair. An
// answer can be lost on the way, though (a network cut, a client killed),
// and the client then presents the same refresh token again. For
// RefreshGrace after the exchange that token gets the same new pair again,
// as long as that pair's refresh token has not been used itself; any other
// reuse means the token leaked, and the whole session is revoked.
//
// To hand out the same pair without storing its secrets readably, the pair
// is sealed (AES-GCM) under a key derived from the old refresh token's
// secret, which the server never stores, and kept as a "grace" record
// beside the tokens until the grace period ends.

// graceKind is the kind of the record that keeps a refresh's sealed answer.
const graceKind = "grace"

var errBadRefresh = errorf(http.StatusUnauthorized, api.CodeUnauthorized,
	"the refresh token is unknown, expired, revoked or already used; sign in again")

func (s *Server) refresh(w http.ResponseWriter, r *http.Request) error {
	var req api.RefreshRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	ctx := r.Context()
	t, err := s.liveRefresh(ctx, tokenHash(req.RefreshToken))
	if err != nil {
		return err
	}
	next := s.newPair(t.UserID, t.FamilyID)
	sealed, err := seal(req.RefreshToken, next)
	if err != nil {
		return err
	}
	g := meta.Token{Hash: graceHash(t.Hash), Kind: graceKind, UserID: t.UserID, FamilyID: t.FamilyID,
		ExpiresAt: time.Now().Add(s.cfg.RefreshGrace), Pair: sealed}
	switch err := s.meta.PutToken(ctx, g); {
	case errors.Is(err, meta.ErrExists):
		sess, err := s.againWithinGrace(ctx, req.RefreshToken, t)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, sess)
		return nil
	case err != nil:
		return err
	}
	if err := s.useRefresh(ctx, t); err != nil {
		return err
	}
	if err := s.meta.DeleteToken(ctx, t.Pair); err != nil {
		return err
	}
	if err := s.store(ctx, next); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, next.session())
	return nil
}

// liveRefresh returns the refresh token with this hash, if it is one and
// its session is not revoked.
func (s *Server) liveRefresh(ctx context.Context, hash string) (meta.Token, error) {
	t, err := s.meta.GetToken(ctx, hash)
	if errors.Is(err, meta.ErrNotFound) || err == nil && t.Kind != meta.Refresh {
		return t, errBadRefresh
	}
	if err != nil {
		return t, err
	}
	revoked, err := s.meta.FamilyRevoked(ctx, t.FamilyID)
	if err == nil && revoked {
		return t, errBadRefresh
	}
	if err != nil {
		return t, err
	}
	u, err := s.meta.UserByID(ctx, t.UserID)
	if err == nil && u.Disabled {
		err = errDisabled
	}
	return t, err
}

// againWithinGrace answers a refresh token presented again: the pair it
// got the first time, within the grace period and while that pair's
// refresh token is unused; otherwise the session ends.
func (s *Server) againWithinGrace(ctx context.Context, secret string, t meta.Token) (api.Session, error) {
	g, err := s.meta.GetToken(ctx, graceHash(t.Hash))
	if err != nil && !errors.Is(err, meta.ErrNotFound) {
		return api.Session{}, err
	}
	var p pair
	if err == nil {
		p, err = unseal(secret, g.Pair)
	}
	if err == nil {
		var next meta.Token
		next, err = s.meta.GetToken(ctx, p.refresh.Hash)
		if err == nil && next.Used {
			err = errors.New("the new pair's refresh token was used")
		}
		if errors.Is(err, meta.ErrNotFound) {
			err = nil // the first exchange has not stored it yet (or failed to): store it now
		}
	}
	if err != nil {
		return api.Session{}, s.revokeReused(ctx, t)
	}
	s.log.Info("refresh token presented again within the grace period; same pair returned", "user", t.UserID)
	if err := s.store(ctx, p); err != nil {
		return api.Session{}, err
	}
	return p.session(), nil
}

// useRefresh marks refresh token t used; one used already (without a
// grace record: an exchange by an older server) ends the session.
func (s *Server) useRefresh(ctx context.Context, t meta.Token) error {
	err := s.meta.UseToken(ctx, t.Hash)
	switch {
	case errors.Is(err, meta.ErrConflict):
		return s.revokeReused(ctx, t)
	case errors.Is(err, meta.ErrNotFound):
		return errBadRefresh
	}
	return err
}

// revokeReused ends the session of a refresh token that came back after
// it was exchanged: it was stolen, or the rightful client's copy was.
func (s *Server) revokeReused(ctx context.Context, t meta.Token) error {
	s.log.Warn("refresh token reused; revoking its session", "user", t.UserID)
	if err := s.meta.RevokeFamily(ctx, t.FamilyID, time.Now().Add(s.cfg.RefreshTTL)); err != nil {
		return err
	}
	return errBadRefresh
}

// pair is an access and refresh token pair with their secrets.
type pair struct {
	accessSecret, refreshSecret string
	access, refresh             meta.Token
}

// newPair makes a new pair in a session family.
func (s *Server) newPair(userID, family string) pair {
	now := time.Now().UTC()
	p := pair{accessSecret: newSecret(meta.Access), refreshSecret: newSecret(meta.Refresh)}
	p.access = meta.Token{Hash: tokenHash(p.accessSecret), Kind: meta.Access, UserID: userID, FamilyID: family, ExpiresAt: now.Add(s.cfg.AccessTTL)}
	p.refresh = meta.Token{Hash: tokenHash(p.refreshSecret), Kind: meta.Refresh, UserID: userID, FamilyID: family,
		ExpiresAt: now.Add(s.cfg.RefreshTTL), Pair: p.access.Hash}
	return p
}

func (p pair) session() api.Session {
	return api.Session{AccessToken: p.accessSecret, RefreshToken: p.refreshSecret, ExpiresAt: p.access.ExpiresAt, UserID: p.access.UserID}
}

// store saves the pair's tokens. One already stored is fine: the secrets
// are fresh, so only the same pair, stored by a refresh presented twice at
// once, can be there.
func (s *Server) store(ctx context.Context, p pair) error {
	for _, t := range []meta.Token{p.access, p.refresh} {
		if err := s.meta.PutToken(ctx, t); err != nil && !errors.Is(err, meta.ErrExists) {
			return fmt.Errorf("issue session: %w", err)
		}
	}
	return nil
}

// issue stores a new access and refresh token pair in a session family.
func (s *Server) issue(ctx context.Context, userID, family string) (api.Session, error) {
	p := s.newPair(userID, family)
	return p.session(), s.store(ctx, p)
}

// graceHash is the key of the grace record of the refresh token hash.
func graceHash(hash string) string { return graceKind + ":" + hash }

// sealedPair is a pair as sealed in a grace record.
type sealedPair struct {
	Access, Refresh string
	AccessExp       time.Time
	RefreshExp      time.Time
	UserID, Family  string
}

// gcm is AES-256-GCM under a key derived from the refresh token's secret
// (not its stored hash: a reader of the database cannot derive it).
func gcm(secret string) (cipher.AEAD, error) {
	k := sha256.Sum256([]byte("earshot refresh grace\x00" + secret))
	b, err := aes.NewCipher(k[:])
	if err != nil {
		return nil, fmt.Errorf("seal refresh answer: %w", err)
	}
	return cipher.NewGCM(b)
}

func seal(secret string, p pair) (string, error) {
	a, err := gcm(secret)
	if err != nil {
		return "", err
	}
	plain, _ := json.Marshal(sealedPair{p.accessSecret, p.refreshSecret, p.access.ExpiresAt, p.refresh.ExpiresAt, p.access.UserID, p.access.FamilyID})
	nonce := make([]byte, a.NonceSize())
	rand.Read(nonce)
	return base64.RawStdEncoding.EncodeToString(a.Seal(nonce, nonce, plain, nil)), nil
}

func unseal(secret, sealed string) (pair, error) {
	a, err := gcm(secret)
	if err != nil {
		return pair{}, err
	}
	b, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(b) < a.NonceSize() {
		return pair{}, errors.New("unseal refresh answer: damaged")
	}
	plain, err := a.Open(nil, b[:a.NonceSize()], b[a.NonceSize():], nil)
	if err != nil {
		return pair{}, fmt.Errorf("unseal refresh answer: %w", err)
	}
	var sp sealedPair
	if err := json.Unmarshal(plain, &sp); err != nil {
		return pair{}, fmt.Errorf("unseal refresh answer: %w", err)
	}
	p := pair{accessSecret: sp.Access, refreshSecret: sp.Refresh}
	p.access = meta.Token{Hash: tokenHash(sp.Access), Kind: meta.Access, UserID: sp.UserID, FamilyID: sp.Family, ExpiresAt: sp.AccessExp}
	p.refresh = meta.Token{Hash: tokenHash(sp.Refresh), Kind: meta.Refresh, UserID: sp.UserID, FamilyID: sp.Family, ExpiresAt: sp.RefreshExp, Pair: p.access.Hash}
	return p, nil
}
