// Package flipproxy is a TCP proxy for tests that damages bytes on their
// way to an upstream server, as a faulty network card, switch or
// middlebox does: while armed, it flips one bit in the body of the next
// requests it forwards. Answers travel back untouched.
//
// It works below HTTP, so the client and the server see only a damaged
// stream, never an error. To hit a request's body rather than its header,
// it damages only large reads (at least MinRead bytes) and flips a byte in
// their middle: a request header is far shorter than that, and a body
// arrives in reads of that size while the header is long sent.
package flipproxy

import (
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
)

// MinRead is the smallest read from the client that the proxy damages.
const MinRead = 4096

// Proxy forwards connections from Addr to an upstream address.
type Proxy struct {
	l        net.Listener
	upstream string
	flips    atomic.Int64 // reads still to damage
	damaged  atomic.Int64 // reads damaged so far
	wg       sync.WaitGroup
	mu       sync.Mutex
	conns    map[net.Conn]struct{}
}

// Start listens on a free loopback port and forwards to upstream, a
// host:port or a URL (http://host:port/...).
func Start(upstream string) (*Proxy, error) {
	if u, err := url.Parse(upstream); err == nil && u.Host != "" {
		upstream = u.Host
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{l: l, upstream: upstream, conns: map[net.Conn]struct{}{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

// Addr is the proxy's host:port.
func (p *Proxy) Addr() string { return p.l.Addr().String() }

// URL is http://Addr.
func (p *Proxy) URL() string { return "http://" + p.Addr() }

// Damage arms the proxy to flip one bit in each of the next n large reads
// it forwards upstream (n = 0 disarms it).
func (p *Proxy) Damage(n int64) { p.flips.Store(n) }

// Damaged is how many reads the proxy has damaged since it started.
func (p *Proxy) Damaged() int64 { return p.damaged.Load() }

// take reports whether this read is to be damaged, consuming one flip.
func (p *Proxy) take() bool {
	for {
		n := p.flips.Load()
		if n <= 0 {
			return false
		}
		if p.flips.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

// Close stops listening, cuts every connection and waits for the copies.
func (p *Proxy) Close() error {
	err := p.l.Close()
	p.mu.Lock()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return err
}

func (p *Proxy) track(c net.Conn, add bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if add {
		p.conns[c] = struct{}{}
	} else {
		delete(p.conns, c)
	}
}

func (p *Proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		p.wg.Add(1)
		go p.serve(c)
	}
}

// serve copies one connection: requests upstream through the damage,
// answers back as they are. Either side closing ends both.
func (p *Proxy) serve(c net.Conn) {
	defer p.wg.Done()
	u, err := net.Dial("tcp", p.upstream)
	if err != nil {
		c.Close()
		return
	}
	p.track(c, true)
	p.track(u, true)
	defer func() {
		c.Close()
		u.Close()
		p.track(c, false)
		p.track(u, false)
	}()
	done := make(chan struct{})
	go func() {
		io.Copy(c, u) // answers untouched
		c.Close()
		close(done)
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := c.Read(buf)
		if n >= MinRead && p.take() {
			buf[n/2] ^= 0x20
			p.damaged.Add(1)
		}
		if n > 0 {
			if _, werr := u.Write(buf[:n]); werr != nil {
				break
			}
		}
		if errors.Is(err, io.EOF) {
			// The client finished sending: pass that on and let the answer come back.
			if tc, ok := u.(*net.TCPConn); ok {
				tc.CloseWrite()
				<-done
			}
			return
		}
		if err != nil {
			break
		}
	}
	u.Close()
	<-done
}
