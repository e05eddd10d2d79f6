package server_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
)

// serverBin is the earshot-server binary under test: EARSHOT_SERVER_BIN, or
// one built by TestMain.
var serverBin string

func TestMain(m *testing.M) {
	var err error
	if serverBin, err = testenv.Build("EARSHOT_SERVER_BIN", testenv.ServerPkg); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	testenv.RemoveBuilds()
	os.Exit(code)
}

// startServer runs the binary on a free port with debug logs and args (the
// data folder among them, or in env); env entries are added to (or, as
// "NAME" alone, removed from) the environment.
func startServer(t *testing.T, env []string, args ...string) *testenv.Server {
	t.Helper()
	return testenv.StartServer(t, testenv.DataDir(""), testenv.LogLevel("debug"), testenv.Env(env...), testenv.Args(args...))
}

// restart starts p again after a kill or a stop.
func restart(t *testing.T, p *testenv.Server) {
	t.Helper()
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
}

// client talks to a server as one signed-in user.
type client struct {
	t       *testing.T
	base    string
	token   string
	refresh string
	email   string
	userID  string
}

const password = "correct horse battery"

var userCounter struct {
	sync.Mutex
	n int
}

// signup creates an account on base and signs in.
func signup(t *testing.T, base string) *client {
	t.Helper()
	userCounter.Lock()
	userCounter.n++
	email := fmt.Sprintf("user%d-%s@example.com", userCounter.n, api.NewID()[30:])
	userCounter.Unlock()
	c := &client{t: t, base: base, email: email}
	c.expect(201, "POST", "/v1/accounts", api.Credentials{Email: email, Password: password})
	c.login(password)
	return c
}

func (c *client) login(pw string) {
	c.t.Helper()
	var s api.Session
	c.decode(c.expect(200, "POST", "/v1/sessions", api.Credentials{Email: c.email, Password: pw}), &s)
	if len(s.AccessToken) < 43 || len(s.RefreshToken) < 43 || s.UserID == "" || time.Until(s.ExpiresAt) < 30*time.Minute {
		c.t.Fatalf("session %+v", s)
	}
	c.token, c.refresh, c.userID = s.AccessToken, s.RefreshToken, s.UserID
}

// do sends a request; body is []byte or io.Reader (raw) or anything else
// (JSON). hdr holds header name, value pairs.
func (c *client) do(method, path string, body any, hdr ...string) (*http.Response, []byte) {
	c.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	case io.Reader:
		r = b
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		c.t.Fatal(err)
	}
	if b, ok := body.([]byte); ok {
		req.ContentLength = int64(len(b))
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp, out
}

// expect sends a request and fails unless the status is want.
func (c *client) expect(want int, method, path string, body any, hdr ...string) []byte {
	c.t.Helper()
	resp, out := c.do(method, path, body, hdr...)
	if resp.StatusCode != want {
		c.t.Fatalf("%s %s: HTTP %d, want %d: %s", method, path, resp.StatusCode, want, out)
	}
	if want >= 400 {
		var e api.Error
		if err := json.Unmarshal(out, &e); err != nil || e.Code == "" || e.Message == "" {
			c.t.Fatalf("%s %s: error body %q is not {error, message}", method, path, out)
		}
	}
	return out
}

func (c *client) decode(b []byte, v any) {
	c.t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		c.t.Fatalf("decode %s: %v", b, err)
	}
}

func (c *client) errCode(b []byte) string {
	var e api.Error
	c.decode(b, &e)
	return e.Code
}

func metaFor(data []byte, title string) api.RecordingMeta {
	h := sha256.Sum256(data)
	return api.RecordingMeta{
		Title: title, CreatedAt: time.Now().UTC().Truncate(time.Millisecond), DurationMS: 1234,
		Format: "opus", SampleRate: 48000, Channels: 1, SizeBytes: int64(len(data)), SHA256: hex.EncodeToString(h[:]),
	}
}

// create makes a recording's metadata and returns its id.
func (c *client) create(data []byte, title string) string {
	c.t.Helper()
	id := api.NewID()
	var r api.Recording
	c.decode(c.expect(201, "PUT", "/v1/recordings/"+id, metaFor(data, title)), &r)
	if r.ID != id || r.Version != 1 || r.Available {
		c.t.Fatalf("created %+v", r)
	}
	return id
}

// upload creates a recording and uploads its content in one request.
func (c *client) upload(data []byte, title string) string {
	c.t.Helper()
	id := c.create(data, title)
	var r api.Recording
	c.decode(c.expect(200, "PUT", "/v1/recordings/"+id+"/content", data), &r)
	if !r.Available {
		c.t.Fatalf("not available after upload: %+v", r)
	}
	return id
}

func (c *client) list(since string, limit int) api.ListResponse {
	c.t.Helper()
	q := fmt.Sprintf("/v1/recordings?limit=%d", limit)
	if since != "" {
		q += "&since=" + since
	}
	var lr api.ListResponse
	c.decode(c.expect(200, "GET", q, nil), &lr)
	return lr
}

// listAll follows the pages of a full listing.
func (c *client) listAll() map[string]api.Recording {
	c.t.Helper()
	out := map[string]api.Recording{}
	since := ""
	for {
		lr := c.list(since, 1000)
		for _, r := range lr.Recordings {
			if r.Deleted {
				delete(out, r.ID)
			} else {
				out[r.ID] = r
			}
		}
		since = lr.Cursor
		if !lr.More {
			return out
		}
	}
}

func (c *client) content(id string) []byte {
	c.t.Helper()
	return c.expect(200, "GET", "/v1/recordings/"+id+"/content", nil)
}

func (c *client) status(id string) api.UploadStatus {
	c.t.Helper()
	var st api.UploadStatus
	c.decode(c.expect(200, "GET", "/v1/recordings/"+id+"/upload", nil), &st)
	return st
}

func chunkHeader(start, end, total int) string {
	return fmt.Sprintf("bytes %d-%d/%d", start, end-1, total)
}

// randomData returns n random bytes.
func randomData(n int) []byte {
	b := make([]byte, n)
	for i := 0; i < n; i += 8 {
		v := uint64(i)*0x9E3779B97F4A7C15 ^ uint64(time.Now().UnixNano())
		for j := 0; j < 8 && i+j < n; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}

// usage returns the user's account and storage use.
func (c *client) usage() api.Usage {
	c.t.Helper()
	var u api.Usage
	c.decode(c.expect(200, "GET", "/v1/account", nil), &u)
	return u
}
