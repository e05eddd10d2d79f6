package sync

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// tcpProxy sits between a client and the real server and damages the
// traffic as told: it cuts connections after some bytes, flips a byte in
// transit, or slows the upstream down. Each connection asks fault for its
// treatment.
type tcpProxy struct {
	l      net.Listener
	target string
	fault  func(n int64) tcpFault // n counts connections from 1
	// faultHead, when set, decides instead, seeing the first bytes the
	// client sent (its request line).
	faultHead func(head []byte) tcpFault
	conns     atomic.Int64
	up        atomic.Int64 // bytes forwarded client → server
	// flipped counts bytes actually corrupted (a connection may end first).
	flipped atomic.Int64
	wg      sync.WaitGroup

	mu   sync.Mutex
	open map[net.Conn]bool
}

// tcpFault is one connection's treatment; zero values mean no fault.
type tcpFault struct {
	cutUpAfter    int64 // close after this many bytes client → server
	cutDownAfter  int64 // close after this many bytes server → client
	corruptUpAt   int64 // flip the byte at this offset client → server
	corruptDownAt int64 // flip the byte at this offset server → client
	upBytesPerSec int64 // throttle client → server
}

func newTCPProxy(t testing.TB, target string, fault func(int64) tcpFault) *tcpProxy {
	return newTCPProxyHead(t, target, fault, nil)
}

func newTCPProxyHead(t testing.TB, target string, fault func(int64) tcpFault, faultHead func([]byte) tcpFault) *tcpProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{l: l, target: target, fault: fault, faultHead: faultHead, open: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(p.Close)
	return p
}

// URL is the proxy's base URL.
func (p *tcpProxy) URL() string { return "http://" + p.l.Addr().String() }

func (p *tcpProxy) Close() {
	p.l.Close()
	p.mu.Lock()
	for c := range p.open {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *tcpProxy) track(c net.Conn, on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if on {
		p.open[c] = true
	} else {
		delete(p.open, c)
	}
}

func (p *tcpProxy) serve() {
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		f := tcpFault{}
		if p.fault != nil {
			f = p.fault(p.conns.Add(1))
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.handle(c, f)
		}()
	}
}

func (p *tcpProxy) handle(c net.Conn, f tcpFault) {
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	if p.faultHead != nil {
		head := make([]byte, 4096)
		n, err := c.Read(head)
		if err != nil {
			c.Close()
			s.Close()
			return
		}
		f = p.faultHead(head[:n])
		if f.corruptUpAt > 0 && f.corruptUpAt < int64(n) {
			f.corruptUpAt = int64(n) // keep the request line intact
		}
		if _, err := s.Write(head[:n]); err != nil {
			c.Close()
			s.Close()
			return
		}
		p.up.Add(int64(n))
		f.corruptUpAt -= int64(n)
		if f.cutUpAfter > 0 {
			f.cutUpAfter = max(f.cutUpAfter-int64(n), 1)
		}
	}
	p.track(c, true)
	p.track(s, true)
	defer func() {
		c.Close()
		s.Close()
		p.track(c, false)
		p.track(s, false)
	}()
	done := make(chan struct{}, 2)
	go func() {
		pipe(s, c, f.cutUpAfter, f.corruptUpAt, f.upBytesPerSec, &p.up, &p.flipped)
		done <- struct{}{}
	}()
	go func() { pipe(c, s, f.cutDownAfter, f.corruptDownAt, 0, nil, &p.flipped); done <- struct{}{} }()
	<-done // one side ended (or was cut): end both
}

// pipe copies src to dst, cutting after cut bytes, flipping the byte at
// corrupt, at most rate bytes a second (each 0: not at all).
func pipe(dst, src net.Conn, cut, corrupt, rate int64, count, flipped *atomic.Int64) {
	buf := make([]byte, 32<<10)
	var off int64
	start := time.Now()
	for {
		n, err := src.Read(buf)
		if n > 0 {
			b := buf[:n]
			if cut > 0 && off+int64(n) > cut {
				b = b[:cut-off]
			}
			if corrupt > 0 && corrupt >= off && corrupt < off+int64(len(b)) {
				b[corrupt-off] ^= 0x5a
				flipped.Add(1)
			}
			if _, werr := dst.Write(b); werr != nil {
				return
			}
			off += int64(len(b))
			if count != nil {
				count.Add(int64(len(b)))
			}
			if cut > 0 && off >= cut {
				return
			}
			if rate > 0 {
				if ahead := time.Duration(float64(off)/float64(rate)*float64(time.Second)) - time.Since(start); ahead > 0 {
					time.Sleep(ahead)
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// httpFaults is a reverse proxy in front of the real server that answers
// chosen requests itself (500, 429, 400, a 410 for a cursor) instead of
// passing them on: what the real server cannot be made to do on demand.
type httpFaults struct {
	srv *httptest.Server
	// inject decides for each request: 0 passes it on, else the status to
	// answer with (and headers and body to send).
	inject func(r *http.Request) (status int, header http.Header, body string)

	mu  sync.Mutex
	log []hit
}

type hit struct {
	method, path, query string
	at                  time.Time
	status              int // 0 when passed on
}

func newHTTPFaults(t testing.TB, target string) *httpFaults {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	h := &httpFaults{}
	rp := httputil.NewSingleHostReverseProxy(u)
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		status, hdr, body := 0, http.Header(nil), ""
		h.mu.Lock()
		if h.inject != nil {
			status, hdr, body = h.inject(r)
		}
		h.log = append(h.log, hit{method: r.Method, path: r.URL.Path, query: r.URL.RawQuery, at: time.Now(), status: status})
		h.mu.Unlock()
		if status == 0 {
			rp.ServeHTTP(w, r)
			return
		}
		io.Copy(io.Discard, r.Body)
		for k, v := range hdr {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *httpFaults) setInject(f func(r *http.Request) (int, http.Header, string)) {
	h.mu.Lock()
	h.inject = f
	h.mu.Unlock()
}

func (h *httpFaults) hits() []hit {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hit(nil), h.log...)
}
