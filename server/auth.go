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
	"net/http"
	"strings"
	"time"

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
// email.
func readCredentials(w http.ResponseWriter, r *http.Request) (c api.Credentials, email string, err error) {
	if err := decodeJSON(w, r, &c); err != nil {
		return c, "", err
	}
	email, err = normaliseEmail(c.Email)
	return c, email, err
}

var errWrongPassword = errorf(http.StatusUnauthorized, api.CodeUnauthorized, "wrong email or password")

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	c, email, err := readCredentials(w, r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	u, err := s.signIn(ctx, email, s.clientAddr(r), c.Password)
	if err != nil {
		return err
	}
	sess, err := s.issue(ctx, u.ID, api.NewID())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sess)
	return nil
}

// signIn checks email and password as one sign-in attempt from addr:
// counted against the limits first, taken back when it succeeds.
func (s *Server) signIn(ctx context.Context, email, addr, password string) (meta.User, error) {
	pair := email + " " + addr
	refund, err := s.takeAttempt(ctx, email, addr, pair)
	if err != nil {
		if errors.As(err, new(*httpError)) {
			s.log.Warn("sign-in refused: rate limited", "addr", addr)
		}
		return meta.User{}, err
	}
	u, err := s.checkCredentials(ctx, email, password)
	if errors.Is(err, errWrongPassword) {
		s.log.Info("sign-in failed", "addr", addr)
	}
	if err != nil {
		return u, err // the attempt stays counted
	}
	refund()
	if u.Disabled {
		return u, errDisabled
	}
	return u, s.markKnownGood(ctx, pair)
}

var errDisabled = errorf(http.StatusForbidden, api.CodeForbidden,
	"this account is disabled on this server; ask its owner")

// checkCredentials returns the user whose email and password these are,
// or errWrongPassword, taking as long for an unknown email as for a known
// one.
func (s *Server) checkCredentials(ctx context.Context, email, password string) (meta.User, error) {
	u, err := s.meta.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, meta.ErrNotFound) {
		return u, err
	}
	hash := u.PasswordHash
	if err != nil {
		hash = dummyHash
	}
	release, herr := s.hashing(ctx)
	if herr != nil {
		return u, herr
	}
	ok := checkPassword(hash, password) && err == nil
	release()
	if !ok {
		return u, errWrongPassword
	}
	return u, nil
}

// caller is the authenticated user of a request.
type caller struct {
	userID string
	token  meta.Token
}

// authedHandler is a route for a signed-in user; like handlerFunc it
// returns its failure.
type authedHandler func(w http.ResponseWriter, r *http.Request, c caller) error

// authed checks the bearer access token before calling h.
func (s *Server) authed(h authedHandler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		c, err := s.authenticate(r)
		if err != nil {
			return err
		}
		return h(w, r, c)
	})
}

// authenticate returns the caller whose live access token r bears.
func (s *Server) authenticate(r *http.Request) (caller, error) {
	secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || !strings.HasPrefix(secret, "esa_") {
		return caller{}, errUnauthorized
	}
	t, err := s.meta.GetToken(r.Context(), tokenHash(secret))
	if errors.Is(err, meta.ErrNotFound) || err == nil && t.Kind != meta.Access {
		return caller{}, errUnauthorized
	}
	if err != nil {
		return caller{}, err
	}
	revoked, err := s.meta.FamilyRevoked(r.Context(), t.FamilyID)
	if err == nil && revoked {
		err = errUnauthorized
	}
	return caller{userID: t.UserID, token: t}, err
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, c caller) error {
	ctx := r.Context()
	if err := s.meta.RevokeFamily(ctx, c.token.FamilyID, time.Now().Add(s.cfg.RefreshTTL)); err != nil {
		return err
	}
	if err := s.meta.DeleteToken(ctx, c.token.Hash); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) account(w http.ResponseWriter, r *http.Request, c caller) error {
	u, err := s.meta.UserByID(r.Context(), c.userID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.Usage{UserID: u.ID, Email: u.Email, UsedBytes: u.UsedBytes, QuotaBytes: quotaOf(u, s.cfg)})
	return nil
}
