package server

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/earshot/earshot/api"
)

// connLimiter caps open connections in total and per client address, so
// that one client (or a crowd of slow ones) cannot take every descriptor.
// A connection over a cap is still served one answer, the refusal (429 or
// 503, through the HTTP server so that the client reads a real answer to
// its request), within a short deadline; past maxRefusing of those at once
// a connection over a cap is closed unanswered.
type connLimiter struct {
	net.Listener
	total, perAddr int
	exempt         func(addr string) bool // a proxy's connections carry many clients

	mu     sync.Mutex
	open   int
	byAddr map[string]int
	// refusing counts connections being refused.
	refusing atomic.Int32
}

const (
	maxRefusing  = 64
	refusalGrace = 2 * time.Second // to send a request and read the refusal
)

// limitConns wraps l with the caps of cfg; addresses exempt says are not
// capped one by one.
func limitConns(l net.Listener, cfg Config, exempt func(addr string) bool) *connLimiter {
	total := cfg.MaxConns
	if total == 0 {
		total = descriptorBudget()
	}
	return &connLimiter{Listener: l, total: total, perAddr: cfg.MaxConnsPerAddr, exempt: exempt, byAddr: map[string]int{}}
}

// descriptorBudget is three quarters of the soft open-file limit: the rest
// is for the database, the blob store's files and outgoing connections.
func descriptorBudget() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur == 0 {
		return 1024
	}
	return max(8, int(min(lim.Cur, 1<<20)*3/4))
}

// Accept returns the next connection: one within the caps, or one over
// them marked with its refusal.
func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		addr := hostOf(c.RemoteAddr().String())
		refusal := l.admit(addr)
		if refusal == nil {
			return &limitedConn{Conn: c, release: func() { l.release(addr) }}, nil
		}
		if l.refusing.Add(1) > maxRefusing {
			l.refusing.Add(-1)
			c.Close()
			continue
		}
		c.SetDeadline(time.Now().Add(refusalGrace))
		return &limitedConn{Conn: c, refusal: refusal, release: func() { l.refusing.Add(-1) }}, nil
	}
}

// admit counts a new connection from addr, or returns why it is refused.
func (l *connLimiter) admit(addr string) *httpError {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= l.total {
		return errorf(http.StatusServiceUnavailable, api.CodeUnavailable, "the server has too many connections open; try again in a moment")
	}
	if l.perAddr > 0 && l.byAddr[addr] >= l.perAddr && !l.exempt(addr) {
		return errorf(http.StatusTooManyRequests, api.CodeRateLimited, "too many connections from your address; close some and try again")
	}
	l.open++
	l.byAddr[addr]++
	return nil
}

func (l *connLimiter) release(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if l.byAddr[addr]--; l.byAddr[addr] <= 0 {
		delete(l.byAddr, addr)
	}
}

// limitedConn gives its slot back once, when it is closed.
type limitedConn struct {
	net.Conn
	refusal *httpError // set on a connection over a cap: its only answer
	once    sync.Once
	release func()
}

type connKey struct{}

// connContext remembers a request's connection for refuseOverCap.
func connContext(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, connKey{}, c)
}

// refuseOverCap answers a request on a connection over a cap with the
// refusal, and closes the connection after it.
func (s *Server) refuseOverCap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, ok := r.Context().Value(connKey{}).(*limitedConn); ok && c.refusal != nil {
			w.Header().Set("Connection", "close")
			s.fail(w, r, c.refusal.with("Retry-After", "1"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// hostOf is the host part of a host:port address.
func hostOf(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return host
}
