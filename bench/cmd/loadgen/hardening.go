package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/earshot/earshot/api"
)

// cmdHardening measures what slow clients cost real ones: a fixed mix of
// sign-ins, lists and small uploads from -c connections, first alone, then
// while -slow clients trickle sign-in bodies a byte a second from other
// loopback addresses (reconnecting whenever the server cuts them off). It
// prints the real clients' p50/p99 and errors for both runs and the ratio.
func cmdHardening(args []string) {
	fs := flag.NewFlagSet("hardening", flag.ExitOnError)
	base := fs.String("server", "", "server URL")
	addr := fs.String("addr", "", "server host:port, for the slow clients")
	n := fs.Int("n", 1200, "operations per run: 1 in 10 a sign-in, 3 in 10 an upload, the rest a list")
	conc := fs.Int("c", 16, "concurrent real connections")
	slow := fs.Int("slow", 200, "slow clients in the second run")
	fs.Parse(args)
	users := make([]*client, *conc)
	for i := range users {
		users[i] = session(*base, fmt.Sprintf("hard%d-%s@bench.example", i, api.NewID()[24:]))
	}
	alone := mixedRun(users, *n)
	ctx, stop := context.WithCancel(context.Background())
	cut := trickle(ctx, *addr, *slow)
	time.Sleep(3 * time.Second) // let them all connect and start trickling
	crowded := mixedRun(users, *n)
	stop()
	fmt.Printf("   alone:                %s\n", alone)
	fmt.Printf("   with %d slow clients: %s; the server cut slow clients off %d times\n", *slow, crowded, cut.Load())
	fmt.Printf("   p99 ratio with/without slow clients: %.2f× (goal < 2×), errors %d (goal 0)\n",
		float64(crowded.p99)/float64(alone.p99), alone.errors+crowded.errors)
	if alone.errors+crowded.errors > 0 {
		os.Exit(1)
	}
}

type runResult struct {
	ops, errors int64
	d, p50, p99 time.Duration
}

func (r runResult) String() string {
	return fmt.Sprintf("%d operations in %.2f s, p50 %s p99 %s, errors %d", r.ops, r.d.Seconds(), ms(r.p50), ms(r.p99), r.errors)
}

// mixedRun runs n operations over the users' connections, one worker each.
func mixedRun(users []*client, n int) runResult {
	data := make([]byte, 4096)
	sum := sha256.Sum256(data)
	var errs atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)); i <= n; i = int(next.Add(1)) {
				t := time.Now()
				var err error
				switch i % 10 {
				case 0:
					b, sz := jsonBody(api.Credentials{Email: u.email, Password: "benchmark password"})
					_, err = (&client{base: u.base}).do("POST", "/v1/sessions", b, sz, nil)
				case 1, 4, 7:
					err = u.uploadOne("proxy", func() io.Reader { return bytes.NewReader(data) }, 4096, sum[:], "small")
				default:
					_, err = u.do("GET", "/v1/recordings?limit=100", nil, 0, nil)
				}
				if err != nil {
					errs.Add(1)
					fmt.Fprintln(os.Stderr, "loadgen:", err)
				}
				mu.Lock()
				lat = append(lat, time.Since(t))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return runResult{ops: int64(n), errors: errs.Load(), d: time.Since(start), p50: pct(lat, .5), p99: pct(lat, .99)}
}

// trickle keeps k slow clients on addr until ctx ends: each sends a
// sign-in's headers, then its body a byte a second, and connects again
// when the server cuts it off (counted). They come from 127.0.0.10 up,
// twenty to an address, as a crowd of hosts would.
func trickle(ctx context.Context, addr string, k int) *atomic.Int64 {
	var cut atomic.Int64
	for i := 0; i < k; i++ {
		local := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(10+i/20))}
		go func() {
			for ctx.Err() == nil {
				if slowSignIn(ctx, local, addr) {
					cut.Add(1)
				}
			}
		}()
	}
	return &cut
}

// slowSignIn is one slow client's connection; it reports whether the
// server ended it.
func slowSignIn(ctx context.Context, local *net.TCPAddr, addr string) bool {
	d := net.Dialer{LocalAddr: local, Timeout: 5 * time.Second}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		time.Sleep(100 * time.Millisecond)
		return false
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
	ended := make(chan struct{})
	go func() {
		bufio.NewReader(c).ReadString('\n') // the server's answer or its close
		close(ended)
	}()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-ended:
			return true
		case <-time.After(time.Second):
			if _, err := c.Write([]byte(" ")); err != nil {
				return true
			}
		}
	}
}
