package server_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
)

// dialFrom connects to addr from a chosen loopback address (all of
// 127.0.0.0/8 is this machine), so one test can be several clients.
func dialFrom(local, addr string) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 10 * time.Second}
	return d.Dial("tcp", addr)
}

// dialNotReading connects like dialFrom with a tiny receive buffer, as a
// client that never reads: loopback's buffers would otherwise take a whole
// recording.
func dialNotReading(local, addr string) (net.Conn, error) {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 10 * time.Second,
		Control: func(_, _ string, c syscall.RawConn) error {
			var serr error
			c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096) })
			return serr
		}}
	return d.Dial("tcp", addr)
}

// clientFrom is an HTTP client whose connections come from local.
func clientFrom(local string) *http.Client {
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	// The bound on a real client's wait: far above what a login takes,
	// far below "hangs".
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}
}

// slowLogin sends a sign-in's headers and then its body one byte a second,
// and returns the status line the server answers with, once it answers or
// closes the connection ("" if it closed without an answer).
func slowLogin(local, addr string, stop <-chan struct{}) (string, error) {
	c, err := dialFrom(local, addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{")
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Second):
			}
			if _, err := c.Write([]byte(" ")); err != nil {
				return
			}
		}
	}()
	// The server must end this; a minute without is a hang.
	c.SetReadDeadline(time.Now().Add(time.Minute))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil && line == "" && !strings.Contains(err.Error(), "reset") && err != io.EOF {
		return "", fmt.Errorf("slow client not cut off: %w", err)
	}
	return strings.TrimSpace(line), nil
}

// TestSlowClientsCannotStarve: with 256 descriptors, 280 clients trickling
// sign-in bodies and 40 downloads that are never read do not stop real
// sign-ins, and the server cuts every slow client off by itself.
func TestSlowClientsCannotStarve(t *testing.T) {
	p := testenv.StartServer(t, testenv.LogLevel("debug"), testenv.Wrap("prlimit", "--nofile=256:256", "--"),
		testenv.Args("--body-timeout", "2s", "--rate-window", "2s", "--min-rate", "1024", "--max-conns-per-addr", "32"))
	c := signup(t, p.URL)
	data := randomData(16 << 20)
	id := c.upload(data, "big")
	var users []*client
	for i := 0; i < 20; i++ {
		users = append(users, signup(t, p.URL))
	}

	stop := make(chan struct{})
	defer close(stop)
	var wg sync.WaitGroup
	lines := make(chan string, 400)
	errs := make(chan error, 400)
	for i := 0; i < 280; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			line, err := slowLogin("127.0.0.2", p.Addr, stop)
			if err != nil {
				errs <- err
			}
			lines <- line
		}()
	}
	var downloads []net.Conn
	for i := 0; i < 40; i++ {
		conn, err := dialNotReading(fmt.Sprintf("127.0.0.%d", 3+i%2), p.Addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "GET /v1/recordings/%s/content HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n\r\n", id, c.token)
		downloads = append(downloads, conn)
	}

	// Real users sign in meanwhile, from their own address.
	var real sync.WaitGroup
	for _, u := range users {
		real.Add(1)
		go func() {
			defer real.Done()
			resp, err := clientFrom("127.0.0.1").Post(p.URL+"/v1/sessions", "application/json",
				strings.NewReader(fmt.Sprintf(`{"email":%q,"password":%q}`, u.email, password)))
			if err != nil {
				errs <- fmt.Errorf("real sign-in during the attack: %w", err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				errs <- fmt.Errorf("real sign-in during the attack: HTTP %d", resp.StatusCode)
			}
		}()
	}
	real.Wait()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	close(lines)
	counts := map[string]int{}
	for l := range lines {
		counts[l]++
	}
	if counts["HTTP/1.1 408 Request Timeout"] == 0 || counts["HTTP/1.1 429 Too Many Requests"] == 0 {
		t.Errorf("slow sign-ins ended with %v; want some cut off (408) and the rest refused (429)", counts)
	}
	// Every unread download is cut off: the server says so in its log, and
	// reading now finds the end of the connection before the end of the
	// audio.
	for i := 0; strings.Count(p.Logs(), "download broken off") < len(downloads); i++ {
		if i == 1200 {
			t.Fatalf("after 2 minutes the server has cut off %d of %d unread downloads", strings.Count(p.Logs(), "download broken off"), len(downloads))
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, conn := range downloads {
		conn.SetReadDeadline(time.Now().Add(time.Minute))
		n, err := io.Copy(io.Discard, conn)
		if err != nil && !strings.Contains(err.Error(), "reset") {
			t.Fatalf("unread download not cut off by the server: %v", err)
		}
		if n >= int64(len(data)) {
			t.Fatalf("an unread download got all %d bytes", n)
		}
	}
}

// TestDeleteDuringStalledUpload: a delete does not wait for an upload to
// the same recording whose client has stalled; the upload is stopped and
// told the recording is gone, and nothing of it is kept.
func TestDeleteDuringStalledUpload(t *testing.T) {
	t.Run("sqlite+disk", func(t *testing.T) {
		deleteDuringStalledUpload(t, startServer(t, nil, "--data-dir", t.TempDir()))
	})
	t.Run("dynamodb+s3", func(t *testing.T) {
		env, args := cloudEnv(t)
		deleteDuringStalledUpload(t, startServer(t, env, append(args, "--data-dir", t.TempDir())...))
	})
}

func deleteDuringStalledUpload(t *testing.T, p *testenv.Server) {
	c := signup(t, p.URL)
	data := randomData(2 * api.MinChunkSize)
	for _, chunked := range []bool{false, true} {
		id := c.create(data, "stalls")
		hdr := ""
		if chunked {
			hdr = chunkHeader(0, api.MinChunkSize, len(data))
		}
		chunk := data
		if chunked {
			chunk = data[:api.MinChunkSize]
		}
		body, out := putSlow(c, "/v1/recordings/"+id+"/content", chunk, hdr, 1<<20)
		// The server's default rate window is 20 s; the delete must not
		// wait for it, let alone for the client.
		req, _ := http.NewRequest("DELETE", p.URL+"/v1/recordings/"+id, nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
		if err != nil {
			t.Fatalf("delete during a stalled upload (chunked %v): %v", chunked, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("delete during a stalled upload: HTTP %d", resp.StatusCode)
		}
		close(body.release)
		if code := <-out; code != 404 && code != -1 {
			t.Fatalf("the stalled upload after the delete: HTTP %d, want 404 (gone)", code)
		}
		if u := c.usage(); u.UsedBytes != 0 {
			t.Fatalf("after the delete the user's usage is %d bytes", u.UsedBytes)
		}
		c.expect(404, "GET", "/v1/recordings/"+id+"/content", nil)
	}
}
