package server

import (
	"encoding/json"
	"fmt"
	"io"
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
// A connection over a cap gets a one-line HTTP answer and is closed at
// once, which costs its descriptor only for that moment.
type connLimiter struct {
	net.Listener
	total, perAddr int

	mu     sync.Mutex
	open   int
	byAddr map[string]int
	// refusing counts refusals being answered: past maxRefusing a refused
	// connection is closed without an answer, so that a flood cannot
	// hold descriptors through the answers.
	refusing atomic.Int32
}

const maxRefusing = 32

// limitConns wraps l with the caps of cfg.
func limitConns(l net.Listener, cfg Config) *connLimiter {
	total := cfg.MaxConns
	if total == 0 {
		total = descriptorBudget()
	}
	return &connLimiter{Listener: l, total: total, perAddr: cfg.MaxConnsPerAddr, byAddr: map[string]int{}}
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

// Accept returns the next connection within the caps, answering and
// closing those over them.
func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		addr := hostOf(c.RemoteAddr().String())
		if refusal := l.admit(addr); refusal != nil {
			l.refuse(c, refusal)
			continue
		}
		return &limitedConn{Conn: c, release: func() { l.release(addr) }}, nil
	}
}

// admit counts a new connection from addr, or returns why it is refused.
func (l *connLimiter) admit(addr string) *httpError {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= l.total {
		return errorf(http.StatusServiceUnavailable, api.CodeUnavailable, "the server has too many connections open; try again in a moment")
	}
	if l.perAddr > 0 && l.byAddr[addr] >= l.perAddr {
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

// refuse answers and closes c in the background, or closes it at once
// when many refusals are in flight already.
func (l *connLimiter) refuse(c net.Conn, e *httpError) {
	if l.refusing.Add(1) > maxRefusing {
		l.refusing.Add(-1)
		c.Close()
		return
	}
	go func() {
		defer l.refusing.Add(-1)
		refuse(c, e)
	}()
}

// refuse writes a short HTTP answer for e and closes c, without waiting
// long for a client that does not read. It drains what the client sent for
// a moment first: closing a socket with unread bytes resets it, and the
// client would see "connection reset" instead of the answer.
func refuse(c net.Conn, e *httpError) {
	defer c.Close()
	body, _ := json.Marshal(api.Error{Code: e.code, Message: e.message})
	c.SetDeadline(time.Now().Add(500 * time.Millisecond))
	fmt.Fprintf(c, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s",
		e.status, http.StatusText(e.status), len(body), body)
	if tc, ok := c.(*net.TCPConn); ok {
		tc.CloseWrite()
	}
	io.Copy(io.Discard, io.LimitReader(c, 1<<16))
}

// limitedConn gives its slot back once, when it is closed.
type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
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
