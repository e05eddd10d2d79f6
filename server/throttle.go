package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/server/meta"
)

// Sign-in attempts are counted before the password is checked, each with
// one conditional write per limit (increment unless over the limit), so a
// burst of parallel guesses gets no more checks than the limit, on any
// number of instances. A sign-in that succeeds takes its attempts back.
//
// The limits, in the order they are taken:
//   - per account and client address, with growing delays: PairLimit
//     attempts a minute, twice that per LoginWindow, four times a day;
//   - per account (LoginLimit) and per address (AddrLimit) in each
//     LoginWindow, only for a pair that has not signed in before: guesses
//     from elsewhere cannot lock the owner out of an address (or device
//     behind it) that has signed in successfully, and honest users behind
//     one busy address are not refused for each other's typos.

// limit is one counter a sign-in attempt is taken from.
type limit struct {
	key    string
	window time.Duration
	max    int
}

// attemptLimits lists the limits an attempt for email from addr takes.
func (s *Server) attemptLimits(ctx context.Context, email, addr, pair string) ([]limit, error) {
	p := s.cfg.PairLimit
	limits := []limit{
		{"pair1:" + pair, time.Minute, p},
		{"pair2:" + pair, s.cfg.LoginWindow, 2 * p},
		{"pair3:" + pair, 24 * time.Hour, 4 * p},
	}
	good, err := s.knownGood(ctx, pair)
	if err != nil || good {
		return limits, err
	}
	return append(limits, limit{"acct:" + email, s.cfg.LoginWindow, s.cfg.LoginLimit},
		limit{"addr:" + addr, s.cfg.LoginWindow, s.cfg.AddrLimit}), nil
}

// takeAttempt counts one sign-in attempt against every limit, or against
// none: over a limit it takes back what it counted and answers 429 with
// the time until that limit's window ends. refund takes the attempt back.
func (s *Server) takeAttempt(ctx context.Context, email, addr, pair string) (refund func(), err error) {
	limits, err := s.attemptLimits(ctx, email, addr, pair)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	var taken []limit
	refund = func() {
		ctx := context.WithoutCancel(ctx)
		for _, l := range taken {
			w := now.Truncate(l.window)
			if _, err := s.meta.Count(ctx, l.key, w, w.Add(2*l.window), -1, 0); err != nil {
				s.log.Warn("could not take back a sign-in attempt", "err", err)
			}
		}
	}
	for _, l := range limits {
		w := now.Truncate(l.window)
		_, err := s.meta.Count(ctx, l.key, w, w.Add(2*l.window), 1, int64(l.max))
		if err != nil {
			refund()
			if errors.Is(err, meta.ErrLimited) {
				return nil, tooManySignIns(w.Add(l.window).Sub(now))
			}
			return nil, err
		}
		taken = append(taken, l)
	}
	return refund, nil
}

// tooManySignIns is the answer to an attempt over a limit, retry from now.
func tooManySignIns(retry time.Duration) *httpError {
	secs := int(retry.Seconds()) + 1
	when := fmt.Sprintf("%d seconds", secs)
	if secs > 90 {
		when = fmt.Sprintf("%d minutes", (secs+59)/60)
	}
	return errorf(http.StatusTooManyRequests, api.CodeRateLimited,
		"too many sign-in attempts; try again in "+when).with("Retry-After", strconv.Itoa(secs))
}

// goodPeriod is how long a successful sign-in keeps its account and
// address known good: the current and the previous period count.
const goodPeriod = 30 * 24 * time.Hour

// knownGood reports whether the pair has signed in successfully in this
// goodPeriod or the one before.
func (s *Server) knownGood(ctx context.Context, pair string) (bool, error) {
	w := time.Now().Truncate(goodPeriod)
	for _, at := range []time.Time{w, w.Add(-goodPeriod)} {
		n, err := s.meta.Counted(ctx, "good:"+pair, at)
		if err != nil || n > 0 {
			return n > 0, err
		}
	}
	return false, nil
}

// markKnownGood records a successful sign-in of the pair.
func (s *Server) markKnownGood(ctx context.Context, pair string) error {
	w := time.Now().Truncate(goodPeriod)
	_, err := s.meta.Count(ctx, "good:"+pair, w, w.Add(2*goodPeriod), 1, 0)
	return err
}

// clientAddr is the address sign-in attempts are counted against: the
// connection's peer, or behind trusted proxies the address the nearest of
// them saw. X-Forwarded-For is read from the right, since every proxy
// appends the address it saw and anything to the left of the entries
// trusted proxies added was written by the client.
func (s *Server) clientAddr(r *http.Request) string {
	peer := hostOf(r.RemoteAddr)
	if !s.cfg.TrustProxy || !s.trusted(peer, true) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	seen := peer // the nearest address a trusted proxy vouched for
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if net.ParseIP(hop) == nil {
			return seen // a broken entry: believe nothing beyond it
		}
		if i == 0 || !s.trusted(hop, false) {
			return hop
		}
		seen = hop
	}
	return seen
}

// trusted reports whether addr is a proxy whose X-Forwarded-For entry is
// believed: one in --trusted-proxies, or without that list the
// connection's peer (isPeer) alone.
func (s *Server) trusted(addr string, isPeer bool) bool {
	if len(s.cfg.TrustedProxies) == 0 {
		return isPeer
	}
	ip := net.ParseIP(addr)
	for _, n := range s.cfg.TrustedProxies {
		if ip != nil && n.Contains(ip) {
			return true
		}
	}
	return false
}
