// Command loadgen drives earshot-server for scripts/bench/server.sh: bulk
// uploads (through the server or presigned), list latency, memory under
// concurrent large uploads, and a bounded load run. Every mode sends a fixed
// number of requests to a server on loopback and stops by itself.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/earshot/earshot/api"
)

var hc = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 128, DisableCompression: true}}

type client struct {
	base, token string
	email       string // the account's, for signing in again
}

func (c *client) do(method, path string, body io.Reader, size int64, out any, hdr ...string) (int, error) {
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.ContentLength = size
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, b)
	}
	if out != nil {
		return resp.StatusCode, json.Unmarshal(b, out)
	}
	return resp.StatusCode, nil
}

func jsonBody(v any) (io.Reader, int64) {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b), int64(len(b))
}

// session signs up (if needed) and signs in.
func session(base, email string) *client {
	c := &client{base: base, email: email}
	cred := api.Credentials{Email: email, Password: "benchmark password"}
	b, n := jsonBody(cred)
	c.do("POST", "/v1/accounts", b, n, nil)
	var s api.Session
	b, n = jsonBody(cred)
	if _, err := c.do("POST", "/v1/sessions", b, n, &s); err != nil {
		fail(err)
	}
	c.token = s.AccessToken
	return c
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "loadgen:", err)
	os.Exit(1)
}

func metaOf(size int64, sum []byte, title string) api.RecordingMeta {
	return api.RecordingMeta{Title: title, CreatedAt: time.Now().UTC(), DurationMS: size / 4, Format: "opus",
		SampleRate: 48000, Channels: 1, SizeBytes: size, SHA256: hex.EncodeToString(sum)}
}

func (c *client) create(m api.RecordingMeta) (string, error) {
	id := api.NewID()
	b, n := jsonBody(m)
	_, err := c.do("PUT", "/v1/recordings/"+id, b, n, nil)
	return id, err
}

// uploadOne creates a recording and sends its bytes through the server
// (proxy) or straight to the object store (presign).
func (c *client) uploadOne(mode string, body func() io.Reader, size int64, sum []byte, title string) error {
	id, err := c.create(metaOf(size, sum, title))
	if err != nil {
		return err
	}
	if mode == "proxy" {
		_, err = c.do("PUT", "/v1/recordings/"+id+"/content", body(), size, nil)
		return err
	}
	var pu api.PresignedUpload
	if _, err := c.do("POST", "/v1/recordings/"+id+"/upload-url", nil, 0, &pu); err != nil {
		return err
	}
	req, _ := http.NewRequest(pu.Method, pu.URL, body())
	req.ContentLength = size
	for h, v := range pu.Headers {
		req.Header.Set(h, v)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		return fmt.Errorf("presigned PUT: HTTP %d", resp.StatusCode)
	}
	_, err = c.do("POST", "/v1/recordings/"+id+"/upload/complete", nil, 0, nil)
	return err
}

// parallel runs n jobs on w workers and returns the first error.
func parallel(n, w int, job func(i int) error) error {
	var next atomic.Int64
	var first error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for k := 0; k < w; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := job(i); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return first
}

func cmdUpload(args []string) {
	fs := flag.NewFlagSet("upload", flag.ExitOnError)
	base := fs.String("server", "", "server URL")
	dir := fs.String("dir", "", "directory of files to upload")
	workers := fs.Int("workers", 4, "concurrent uploads (rclone's default --transfers is 4)")
	mode := fs.String("mode", "proxy", "proxy (through the server) or presign (straight to S3)")
	fs.Parse(args)
	ents, err := os.ReadDir(*dir)
	if err != nil {
		fail(err)
	}
	type file struct {
		path string
		size int64
		sum  []byte
	}
	var files []file
	var total int64
	for _, e := range ents {
		p := filepath.Join(*dir, e.Name())
		b, err := os.ReadFile(p)
		if err != nil {
			fail(err)
		}
		s := sha256.Sum256(b) // the client's library already knows each file's SHA-256
		files = append(files, file{p, int64(len(b)), s[:]})
		total += int64(len(b))
	}
	c := session(*base, "upload-"+api.NewID()[24:]+"@bench.example")
	start := time.Now()
	err = parallel(len(files), *workers, func(i int) error {
		f, err := os.Open(files[i].path)
		if err != nil {
			return err
		}
		defer f.Close()
		return c.uploadOne(*mode, func() io.Reader { f.Seek(0, 0); return f }, files[i].size, files[i].sum, filepath.Base(files[i].path))
	})
	if err != nil {
		fail(err)
	}
	d := time.Since(start)
	fmt.Printf("%.2f s  %d files  %.0f MB  %.1f MB/s\n", d.Seconds(), len(files), float64(total)/1e6, float64(total)/1e6/d.Seconds())
}

func cmdPopulate(args []string) {
	fs := flag.NewFlagSet("populate", flag.ExitOnError)
	base := fs.String("server", "", "server URL")
	email := fs.String("email", "", "account")
	n := fs.Int("n", 10000, "recordings")
	fs.Parse(args)
	c := session(*base, *email)
	start := time.Now()
	sum := sha256.Sum256(nil)
	if err := parallel(*n, 8, func(i int) error {
		_, err := c.create(metaOf(1000, sum[:], "recording "+strconv.Itoa(i)))
		return err
	}); err != nil {
		fail(err)
	}
	fmt.Printf("created %d recordings in %.1f s\n", *n, time.Since(start).Seconds())
}

func pct(d []time.Duration, p float64) time.Duration {
	slices.Sort(d)
	return d[min(len(d)-1, int(float64(len(d))*p))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func cmdListLat(args []string) {
	fs := flag.NewFlagSet("listlat", flag.ExitOnError)
	base := fs.String("server", "", "server URL")
	email := fs.String("email", "", "account")
	iters := fs.Int("n", 200, "requests per measurement")
	fs.Parse(args)
	c := session(*base, *email)
	for _, limit := range []int{100, 1000} {
		var lat []time.Duration
		for i := 0; i < *iters; i++ {
			t := time.Now()
			var lr api.ListResponse
			if _, err := c.do("GET", "/v1/recordings?limit="+strconv.Itoa(limit), nil, 0, &lr); err != nil {
				fail(err)
			}
			lat = append(lat, time.Since(t))
			if len(lr.Recordings) == 0 {
				fail(fmt.Errorf("empty page"))
			}
		}
		fmt.Printf("   first page, limit=%d: p50 %s  p99 %s  (%d requests)\n", limit, ms(pct(lat, .5)), ms(pct(lat, .99)), *iters)
	}
	var lat []time.Duration
	for i := 0; i < max(*iters/10, 5); i++ {
		t := time.Now()
		count, since := 0, ""
		for {
			var lr api.ListResponse
			q := "/v1/recordings?limit=1000"
			if since != "" {
				q += "&since=" + since
			}
			if _, err := c.do("GET", q, nil, 0, &lr); err != nil {
				fail(err)
			}
			count += len(lr.Recordings)
			since = lr.Cursor
			if !lr.More {
				break
			}
		}
		lat = append(lat, time.Since(t))
		if i == 0 {
			fmt.Printf("   full listing: %d recordings in pages of 1000\n", count)
		}
	}
	fmt.Printf("   full listing: p50 %s  p99 %s  (%d runs)\n", ms(pct(lat, .5)), ms(pct(lat, .99)), len(lat))
	// The steady state of a synced device: nothing changed since the cursor.
	var lr api.ListResponse
	c.do("GET", "/v1/recordings?limit=1", nil, 0, &lr)
	lat = lat[:0]
	var tail api.ListResponse
	since := lr.Cursor
	for {
		var p api.ListResponse
		c.do("GET", "/v1/recordings?limit=1000&since="+since, nil, 0, &p)
		since = p.Cursor
		if !p.More {
			tail = p
			break
		}
	}
	for i := 0; i < *iters; i++ {
		t := time.Now()
		if _, err := c.do("GET", "/v1/recordings?since="+tail.Cursor, nil, 0, nil); err != nil {
			fail(err)
		}
		lat = append(lat, time.Since(t))
	}
	fmt.Printf("   catch-up with nothing new (since=cursor): p50 %s  p99 %s\n", ms(pct(lat, .5)), ms(pct(lat, .99)))
}

// stream is n reproducible pseudo-random bytes, never held in memory.
func stream(seed uint64, n int64) io.Reader {
	return io.LimitReader(rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)}), n)
}

func rss(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func cmdConcurrent(args []string) {
	fs := flag.NewFlagSet("concurrent", flag.ExitOnError)
	base := fs.String("server", "", "server URL")
	pid := fs.Int("pid", 0, "server process id (for its RSS)")
	clients := fs.Int("clients", 8, "concurrent clients")
	mb := fs.Int64("mb", 100, "MB each client uploads")
	fs.Parse(args)
	size := *mb << 20
	sums := make([][]byte, *clients)
	for i := range sums {
		h := sha256.New()
		io.Copy(h, stream(uint64(i), size))
		sums[i] = h.Sum(nil)
	}
	cs := make([]*client, *clients)
	for i := range cs {
		cs[i] = session(*base, fmt.Sprintf("rss-%d-%s@bench.example", i, api.NewID()[24:]))
	}
	before := rss(*pid)
	var peak atomic.Int64
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if r := rss(*pid); r > peak.Load() {
					peak.Store(r)
				}
			}
		}
	}()
	start := time.Now()
	err := parallel(*clients, *clients, func(i int) error {
		return cs[i].uploadOne("proxy", func() io.Reader { return stream(uint64(i), size) }, size, sums[i], "big")
	})
	close(done)
	if err != nil {
		fail(err)
	}
	d := time.Since(start)
	fmt.Printf("   %d clients × %d MB: %.1f s; server RSS before %.0f MB, peak during %.0f MB, after %.0f MB\n",
		*clients, *mb, d.Seconds(), float64(before)/1e6, float64(peak.Load())/1e6, float64(rss(*pid))/1e6)
}

func cmdLoad(args []string) {
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	base := fs.String("server", "", "server URL")
	kind := fs.String("kind", "list", "list or upload")
	n := fs.Int("n", 5000, "operations (an upload is two requests: metadata and content)")
	conc := fs.Int("c", 16, "concurrent connections")
	fs.Parse(args)
	c := session(*base, "load-"+api.NewID()[24:]+"@bench.example")
	data := make([]byte, 4096)
	sum := sha256.Sum256(data)
	if *kind == "list" {
		for i := 0; i < 100; i++ { // something to list
			if err := c.uploadOne("proxy", func() io.Reader { return bytes.NewReader(data) }, 4096, sum[:], "x"); err != nil {
				fail(err)
			}
		}
	}
	var errs atomic.Int64
	var lat []time.Duration
	var mu sync.Mutex
	start := time.Now()
	parallel(*n, *conc, func(i int) error {
		t := time.Now()
		var err error
		if *kind == "list" {
			_, err = c.do("GET", "/v1/recordings?limit=100", nil, 0, nil)
		} else {
			err = c.uploadOne("proxy", func() io.Reader { return bytes.NewReader(data) }, 4096, sum[:], "small")
		}
		if err != nil {
			errs.Add(1)
		}
		mu.Lock()
		lat = append(lat, time.Since(t))
		mu.Unlock()
		return nil
	})
	d := time.Since(start)
	reqs := *n
	if *kind == "upload" {
		reqs *= 2
	}
	fmt.Printf("   %s: %d operations (%d requests), %d connections, %.2f s: %.0f requests/s, p50 %s p99 %s, errors %d\n",
		*kind, *n, reqs, *conc, d.Seconds(), float64(reqs)/d.Seconds(), ms(pct(lat, .5)), ms(pct(lat, .99)), errs.Load())
	if errs.Load() > 0 {
		os.Exit(1)
	}
}

func main() {
	if len(os.Args) < 2 {
		fail(fmt.Errorf("usage: loadgen upload|populate|listlat|concurrent|load|hardening [flags]"))
	}
	cmds := map[string]func([]string){
		"upload": cmdUpload, "populate": cmdPopulate, "listlat": cmdListLat, "concurrent": cmdConcurrent, "load": cmdLoad,
		"hardening": cmdHardening,
	}
	cmd, ok := cmds[os.Args[1]]
	if !ok {
		fail(fmt.Errorf("unknown mode %q", os.Args[1]))
	}
	cmd(os.Args[2:])
}
