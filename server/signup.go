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
	"unicode/utf8"

	"github.com/trustelem/zxcvbn"
	"github.com/trustelem/zxcvbn/match"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/server/meta"
)

// Sign-up modes (--signup).
const (
	SignupOpen   = "open"   // anyone may create an account
	SignupInvite = "invite" // the first account is free (the owner's); later ones need an invite code
	SignupClosed = "closed" // no new accounts
)

var (
	errSignupClosed = errorf(http.StatusForbidden, api.CodeForbidden,
		"this server does not take new accounts; ask its owner")
	errInviteNeeded = errorf(http.StatusForbidden, api.CodeForbidden,
		"this server takes new accounts by invitation; ask its owner for an invite code")
	errBadInvite = errorf(http.StatusForbidden, api.CodeForbidden,
		"the invite code is unknown, used up or expired; ask the server's owner for a new one")
)

func (s *Server) createAccount(w http.ResponseWriter, r *http.Request) error {
	c, email, err := readCredentials(w, r)
	if err != nil {
		return err
	}
	if err := checkNewPassword(c.Password, email); err != nil {
		return err
	}
	ctx := r.Context()
	if err := s.signupAllowed(ctx, c.Invite); err != nil {
		return err
	}
	if err := s.signupRate(ctx, s.clientAddr(r)); err != nil {
		return err
	}
	release, err := s.hashing(ctx)
	if err != nil {
		return err
	}
	hash := hashPassword(c.Password)
	release()
	u := meta.User{ID: api.NewID(), Email: email, PasswordHash: hash, CreatedAt: time.Now().UTC()}
	if err := s.meta.CreateUser(ctx, u); err != nil {
		if errors.Is(err, meta.ErrExists) {
			err = errorf(http.StatusConflict, api.CodeConflict, "an account with this email exists; sign in instead")
		}
		return err
	}
	s.log.Info("account created", "user", u.ID)
	writeJSON(w, http.StatusCreated, api.Account{UserID: u.ID, Email: email})
	return nil
}

// signupAllowed applies --signup: an invite code is used up here (one of
// its uses), so a sign-up refused later still spends it.
func (s *Server) signupAllowed(ctx context.Context, invite string) error {
	switch s.cfg.Signup {
	case SignupClosed:
		return errSignupClosed
	case SignupOpen:
		return nil
	}
	if invite != "" {
		return s.redeemInvite(ctx, invite)
	}
	empty, err := s.noAccounts(ctx)
	if err != nil || empty {
		return err
	}
	return errInviteNeeded
}

// noAccounts reports whether the server has no account yet, and claims
// that first place when it has not: only one sign-up gets it, on any
// number of instances.
func (s *Server) noAccounts(ctx context.Context) (bool, error) {
	users, err := s.meta.ListUsers(ctx, 1)
	if err != nil || len(users) > 0 {
		return false, err
	}
	_, err = s.meta.Count(ctx, "signup:first", time.Unix(0, 0), forever, 1, 1)
	if errors.Is(err, meta.ErrLimited) {
		return false, nil
	}
	return err == nil, err
}

// forever is when counters that must not expire may be forgotten.
var forever = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// signupRate counts a sign-up against the hourly limits, per address and
// for the whole server, before the password is hashed.
func (s *Server) signupRate(ctx context.Context, addr string) error {
	now := time.Now()
	w := now.Truncate(time.Hour)
	for _, l := range []limit{{"signup-addr:" + addr, time.Hour, s.cfg.SignupLimit}, {"signup-all", time.Hour, s.cfg.SignupTotal}} {
		_, err := s.meta.Count(ctx, l.key, w, w.Add(2*time.Hour), 1, int64(l.max))
		if errors.Is(err, meta.ErrLimited) {
			secs := int(w.Add(time.Hour).Sub(now).Seconds()) + 1
			return errorf(http.StatusTooManyRequests, api.CodeRateLimited,
				fmt.Sprintf("too many new accounts; try again in %d minutes", (secs+59)/60)).with("Retry-After", fmt.Sprint(secs))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// An invite code is "esi_" + base64url(16 random bytes, expiry as Unix
// seconds, uses): the store keeps only counters under the code's hash, so
// the expiry and the number of uses in it cannot be changed without
// making another, unknown code.
const invitePrefix = "esi_"

// NewInvite makes an invite code good for uses sign-ups until expires,
// and records it in m. The server's owner runs it (earshot-server invite
// create).
func NewInvite(ctx context.Context, m meta.Throttle, uses int, expires time.Time) (string, error) {
	if uses < 1 {
		return "", errors.New("an invite needs at least one use")
	}
	b := make([]byte, 16+8+4)
	rand.Read(b[:16])
	binary.BigEndian.PutUint64(b[16:], uint64(expires.Unix()))
	binary.BigEndian.PutUint32(b[24:], uint32(uses))
	code := invitePrefix + base64.RawURLEncoding.EncodeToString(b)
	if _, err := m.Count(ctx, "invite:"+tokenHash(code), time.Unix(0, 0), expires, 1, 1); err != nil {
		return "", fmt.Errorf("record the invite: %w", err)
	}
	return code, nil
}

// redeemInvite uses one of an invite's uses, atomically.
func (s *Server) redeemInvite(ctx context.Context, code string) error {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(strings.TrimSpace(code), invitePrefix))
	if err != nil || len(b) != 28 || !strings.HasPrefix(strings.TrimSpace(code), invitePrefix) {
		return errBadInvite
	}
	code = strings.TrimSpace(code)
	expires := time.Unix(int64(binary.BigEndian.Uint64(b[16:])), 0)
	uses := int64(binary.BigEndian.Uint32(b[24:]))
	h := tokenHash(code)
	if n, err := s.meta.Counted(ctx, "invite:"+h, time.Unix(0, 0)); err != nil || n == 0 || time.Now().After(expires) {
		if err == nil {
			err = errBadInvite
		}
		return err
	}
	if _, err := s.meta.Count(ctx, "invite-used:"+h, time.Unix(0, 0), expires, 1, uses); err != nil {
		if errors.Is(err, meta.ErrLimited) {
			err = errBadInvite
		}
		return err
	}
	return nil
}

// checkNewPassword refuses a password that is too short or too long, or
// that a strength estimator (zxcvbn) finds guessable, saying why.
func checkNewPassword(pw, email string) error {
	if utf8.RuneCountInString(pw) < minPasswordLen || len(pw) > maxPasswordLen {
		return errorf(http.StatusBadRequest, api.CodeWeakPassword,
			fmt.Sprintf("the password must have at least %d characters", minPasswordLen))
	}
	local, _, _ := strings.Cut(email, "@")
	res := zxcvbn.PasswordStrength(pw, []string{email, local, "earshot"})
	if res.Score >= 3 {
		return nil
	}
	why := weakness(res.Sequence)
	return errorf(http.StatusBadRequest, api.CodeWeakPassword,
		"the password is too easy to guess ("+why+"); use a longer phrase of unrelated words")
}

// weakness says in words what made zxcvbn find a password guessable.
func weakness(seq []*match.Match) string {
	for _, m := range seq {
		switch m.Pattern {
		case "dictionary":
			return "it is made of common passwords or words, or your email"
		case "repeat":
			return "it repeats characters or words"
		case "sequence", "spatial":
			return "it follows a sequence or a keyboard pattern"
		case "date":
			return "it is mostly a date"
		}
	}
	return "it is too short for the kinds of characters in it"
}
