package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/server/meta"
)

const (
	minPasswordLen = 10   // characters
	maxPasswordLen = 1024 // bytes
)

// argon2id parameters: OWASP's recommendation (19 MiB, 2 passes, 1 lane).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// hashPassword returns the PHC string of an argon2id hash with a fresh salt.
func hashPassword(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// checkPassword reports whether pw matches a hash from hashPassword, in
// constant time for the comparison.
func checkPassword(phc, pw string) bool {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the email is unknown, so a wrong email
// takes as long as a wrong password.
var dummyHash = hashPassword("earshot-dummy-password")

func (s *Server) hashing(ctx context.Context) (release func(), err error) {
	select {
	case s.hashSem <- struct{}{}:
		return func() { <-s.hashSem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// newSecret returns a token secret: 256 random bits, base64url, with a
// prefix that tells the kind (and lets secret scanners spot leaks).
func newSecret(kind string) string {
	b := make([]byte, 32)
	rand.Read(b)
	p := "esa_"
	if kind == meta.Refresh {
		p = "esr_"
	}
	return p + base64.RawURLEncoding.EncodeToString(b)
}

func tokenHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// readCredentials decodes an {email, password} body and normalises the
// email; on failure it has answered the request and ok is false.
func (s *Server) readCredentials(w http.ResponseWriter, r *http.Request) (c api.Credentials, email string, ok bool) {
	if err := decodeJSON(w, r, &c); err != nil {
		s.fail(w, r, err)
		return c, "", false
	}
	email, err := normaliseEmail(c.Email)
	if err != nil {
		s.fail(w, r, err)
		return c, "", false
	}
	return c, email, true
}

func (s *Server) createAccount(w http.ResponseWriter, r *http.Request) {
	c, email, ok := s.readCredentials(w, r)
	if !ok {
		return
	}
	if utf8.RuneCountInString(c.Password) < minPasswordLen || len(c.Password) > maxPasswordLen {
		s.fail(w, r, badRequest(fmt.Sprintf("the password must have at least %d characters", minPasswordLen)))
		return
	}
	release, err := s.hashing(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	hash := hashPassword(c.Password)
	release()
	u := meta.User{ID: api.NewID(), Email: email, PasswordHash: hash, CreatedAt: nowFunc().UTC()}
	if err := s.meta.CreateUser(r.Context(), u); err != nil {
		if errors.Is(err, meta.ErrExists) {
			err = errorf(http.StatusConflict, api.CodeConflict, "an account with this email exists; sign in instead")
		}
		s.fail(w, r, err)
		return
	}
	s.log.Info("account created", "user", u.ID)
	writeJSON(w, http.StatusCreated, api.Account{UserID: u.ID, Email: email})
}

// clientAddr is the address failed logins are counted against.
func (s *Server) clientAddr(r *http.Request) string {
	if s.cfg.TrustProxy {
		if f := r.Header.Get("X-Forwarded-For"); f != "" {
			first, _, _ := strings.Cut(f, ",")
			return strings.TrimSpace(first)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// throttled refuses a login while the account or the address is over its
// limit of failures in the current window.
func (s *Server) throttled(ctx context.Context, keys []string, limits []int) (*httpError, error) {
	now := nowFunc()
	window := now.Truncate(s.cfg.LoginWindow)
	for i, k := range keys {
		n, err := s.meta.Failures(ctx, k, window)
		if err != nil {
			return nil, err
		}
		if n >= int64(limits[i]) {
			retry := window.Add(s.cfg.LoginWindow).Sub(now)
			e := errorf(http.StatusTooManyRequests, api.CodeRateLimited,
				fmt.Sprintf("too many failed sign-ins; try again in %d minutes", int(retry.Minutes())+1))
			return e, nil
		}
	}
	return nil, nil
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	c, email, ok := s.readCredentials(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	keys := []string{"acct:" + email, "addr:" + s.clientAddr(r)}
	limits := []int{s.cfg.LoginLimit, s.cfg.AddrLimit}
	if he, err := s.throttled(ctx, keys, limits); err != nil || he != nil {
		if he != nil {
			w.Header().Set("Retry-After", strconv.Itoa(int(s.cfg.LoginWindow.Seconds())))
			s.log.Warn("sign-in refused: rate limited", "addr", keys[1])
			err = he
		}
		s.fail(w, r, err)
		return
	}
	u, err := s.meta.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, meta.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	hash := u.PasswordHash
	if err != nil {
		hash = dummyHash
	}
	release, herr := s.hashing(ctx)
	if herr != nil {
		s.fail(w, r, herr)
		return
	}
	ok = checkPassword(hash, c.Password) && err == nil
	release()
	if !ok {
		window := nowFunc().Truncate(s.cfg.LoginWindow)
		for _, k := range keys {
			if _, err := s.meta.AddFailure(ctx, k, window, window.Add(2*s.cfg.LoginWindow)); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		s.log.Info("sign-in failed", "addr", keys[1])
		s.fail(w, r, errorf(http.StatusUnauthorized, api.CodeUnauthorized, "wrong email or password"))
		return
	}
	sess, err := s.issue(ctx, u.ID, api.NewID())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sess)
}

// issue stores a new access and refresh token pair in a session family.
func (s *Server) issue(ctx context.Context, userID, family string) (api.Session, error) {
	now := nowFunc().UTC()
	acc, ref := newSecret(meta.Access), newSecret(meta.Refresh)
	at := meta.Token{Hash: tokenHash(acc), Kind: meta.Access, UserID: userID, FamilyID: family, ExpiresAt: now.Add(s.cfg.AccessTTL)}
	rt := meta.Token{Hash: tokenHash(ref), Kind: meta.Refresh, UserID: userID, FamilyID: family,
		ExpiresAt: now.Add(s.cfg.RefreshTTL), Pair: at.Hash}
	for _, t := range []meta.Token{at, rt} {
		if err := s.meta.PutToken(ctx, t); err != nil {
			return api.Session{}, fmt.Errorf("issue session: %w", err)
		}
	}
	return api.Session{AccessToken: acc, RefreshToken: ref, ExpiresAt: at.ExpiresAt, UserID: userID}, nil
}

var errBadRefresh = errorf(http.StatusUnauthorized, api.CodeUnauthorized,
	"the refresh token is unknown, expired, revoked or already used; sign in again")

func (s *Server) refresh(w http.ResponseWriter, r *http.Request) {
	var req api.RefreshRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	hash := tokenHash(req.RefreshToken)
	t, err := s.meta.GetToken(ctx, hash)
	if errors.Is(err, meta.ErrNotFound) || err == nil && t.Kind != meta.Refresh {
		err = errBadRefresh
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if revoked, err := s.meta.FamilyRevoked(ctx, t.FamilyID); err != nil || revoked {
		if err == nil {
			err = errBadRefresh
		}
		s.fail(w, r, err)
		return
	}
	if err := s.meta.UseToken(ctx, hash); err != nil {
		if errors.Is(err, meta.ErrConflict) {
			// A used refresh token came back: it was stolen, or the
			// rightful client's copy was. End the whole session.
			s.log.Warn("refresh token reused; revoking its session", "user", t.UserID)
			if rerr := s.meta.RevokeFamily(ctx, t.FamilyID, nowFunc().Add(s.cfg.RefreshTTL)); rerr != nil {
				s.fail(w, r, rerr)
				return
			}
			err = errBadRefresh
		} else if errors.Is(err, meta.ErrNotFound) {
			err = errBadRefresh
		}
		s.fail(w, r, err)
		return
	}
	if err := s.meta.DeleteToken(ctx, t.Pair); err != nil {
		s.fail(w, r, err)
		return
	}
	sess, err := s.issue(ctx, t.UserID, t.FamilyID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sess)
}

// caller is the authenticated user of a request.
type caller struct {
	userID string
	token  meta.Token
}

type authedHandler func(w http.ResponseWriter, r *http.Request, c caller)

// authed checks the bearer access token before calling h.
func (s *Server) authed(h authedHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || !strings.HasPrefix(secret, "esa_") {
			s.fail(w, r, errUnauthorized)
			return
		}
		t, err := s.meta.GetToken(r.Context(), tokenHash(secret))
		if errors.Is(err, meta.ErrNotFound) || err == nil && t.Kind != meta.Access {
			err = errUnauthorized
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		revoked, err := s.meta.FamilyRevoked(r.Context(), t.FamilyID)
		if err == nil && revoked {
			err = errUnauthorized
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		h(w, r, caller{userID: t.UserID, token: t})
	})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, c caller) {
	ctx := r.Context()
	if err := s.meta.RevokeFamily(ctx, c.token.FamilyID, nowFunc().Add(s.cfg.RefreshTTL)); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.meta.DeleteToken(ctx, c.token.Hash); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) account(w http.ResponseWriter, r *http.Request, c caller) {
	u, err := s.meta.UserByID(r.Context(), c.userID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, api.Usage{UserID: u.ID, Email: u.Email, UsedBytes: u.UsedBytes, QuotaBytes: s.cfg.QuotaBytes})
}
