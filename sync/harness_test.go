package sync

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/internal/testenv"
	"github.com/earshot/earshot/library"
)

// The tests run the real earshot-server binary on loopback (see
// testenv.StartServer).

// serverArgs are every test server's flags: the tests' devices all
// connect from 127.0.0.1, like many devices behind one address, so the
// per-address connection cap (a defence against one client) is off.
var serverArgs = []string{"--max-conns-per-addr", "0"}

// startServer starts a server with args for one test (killed at its end).
func startServer(t testing.TB, args ...string) *testenv.Server {
	t.Helper()
	return testenv.StartServer(t, testenv.Args(append(append([]string{}, serverArgs...), args...)...))
}

// The shared server serves the tests that need no special flags; each test
// signs up its own account, so they do not see each other.
var (
	sharedOnce sync.Once
	shared     *testenv.Server
	sharedDir  string
)

func sharedServer(t testing.TB) *testenv.Server {
	t.Helper()
	sharedOnce.Do(func() {
		dir, err := os.MkdirTemp("", "earshot-sync-test-server")
		if err != nil {
			t.Fatal(err)
		}
		sharedDir = dir
		s := testenv.NewServer(t, testenv.DataDir(dir), testenv.Args(serverArgs...))
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		shared = s
	})
	if shared == nil {
		t.Fatal("the shared server did not start")
	}
	return shared
}

func cleanupShared() {
	if shared != nil {
		shared.Kill()
	}
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	testenv.RemoveBuilds()
}

var userSeq atomic.Int64

// newUser signs up a fresh account and returns its credentials.
func newUser(t testing.TB, url string) (email, password string) {
	t.Helper()
	c, err := NewClient(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	email = fmt.Sprintf("user%d-%s@example.com", userSeq.Add(1), api.NewID()[24:])
	password = "correct horse battery staple"
	if _, err := c.Signup(context.Background(), email, password); err != nil {
		t.Fatalf("sign up: %v", err)
	}
	return email, password
}

// netSwitch is a device's network: it counts requests and can be turned
// off (every request fails as if the server refused the connection).
type netSwitch struct {
	rt       http.RoundTripper
	offline  atomic.Bool
	requests atomic.Int64
	// upRate, when set before use, limits request bodies to so many bytes
	// a second; sent counts request body bytes.
	upRate int64
	sent   atomic.Int64
}

func (n *netSwitch) RoundTrip(r *http.Request) (*http.Response, error) {
	if n.offline.Load() {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	}
	n.requests.Add(1)
	if r.Body != nil && r.Body != http.NoBody {
		r.Body = &slowBody{ReadCloser: r.Body, n: n, start: time.Now()}
	}
	return n.rt.RoundTrip(r)
}

// slowBody counts (and, with upRate, paces) a request body.
type slowBody struct {
	io.ReadCloser
	n     *netSwitch
	start time.Time
	done  int64
}

func (b *slowBody) Read(p []byte) (int, error) {
	if b.n.upRate > 0 && len(p) > 64<<10 {
		p = p[:64<<10]
	}
	k, err := b.ReadCloser.Read(p)
	b.done += int64(k)
	b.n.sent.Add(int64(k))
	if b.n.upRate > 0 {
		if ahead := time.Duration(float64(b.done)/float64(b.n.upRate)*float64(time.Second)) - time.Since(b.start); ahead > 0 {
			time.Sleep(ahead)
		}
	}
	return k, err
}

// device is one client: a library folder, a session and an engine.
type device struct {
	name string
	dir  string
	lib  *library.Library
	x    *library.SyncIndex
	eng  *Engine
	sess *Session
	net  *netSwitch
}

func newDevice(t testing.TB, name, url, email, password string, opts Options) *device {
	t.Helper()
	return newDeviceVia(t, name, url, url, email, password, opts)
}

// newDeviceVia logs in at url but syncs through via (a proxy in front).
// Its network is d.net; set d.net.rt before the first sync to change the
// transport.
func newDeviceVia(t testing.TB, name, url, via, email, password string, opts Options) *device {
	t.Helper()
	return newDeviceIn(t, name, t.TempDir(), url, via, email, password, opts)
}

// newDeviceIn is a device on the library folder dir: a new one, or one
// another device has open already (as a second process would).
func newDeviceIn(t testing.TB, name, dir, url, via, email, password string, opts Options) *device {
	t.Helper()
	ctx := context.Background()
	d := &device{name: name, dir: dir, net: &netSwitch{rt: NewTransport()}}
	var err error
	if d.lib, err = library.Open(ctx, d.dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.lib.Close() })
	if d.x, err = d.lib.SyncIndex(ctx); err != nil {
		t.Fatal(err)
	}
	direct, err := NewClient(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d.sess, err = Login(ctx, direct, NewMemoryStore(), email, password); err != nil {
		t.Fatalf("log in %s: %v", name, err)
	}
	c, err := NewClient(via, &http.Client{Transport: d.net})
	if err != nil {
		t.Fatal(err)
	}
	key := AccountKey{Server: c.Server(), Email: email}
	if err := setLibraryAccount(ctx, d.x, key); err != nil {
		t.Fatal(err)
	}
	d.eng = New(d.x, c.WithAuth(d.sess), key, opts)
	return d
}

// record adds a finished recording of size random bytes (the library
// takes the encoder's word for the format; the sync engine moves bytes).
func (d *device) record(t testing.TB, title string, size int) library.Recording {
	t.Helper()
	ctx := context.Background()
	p, err := d.lib.BeginRecording(ctx, title, audio.WAV)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, size)
	rand.Read(b)
	if err := os.WriteFile(p.PartPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := d.lib.Commit(ctx, p, audio.Info{Format: audio.WAV, SampleRate: 48000, Channels: 1, Frames: int64(size / 2), Duration: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (d *device) sync(t testing.TB) Summary {
	t.Helper()
	sum, err := d.eng.SyncOnce(context.Background())
	if err != nil {
		t.Fatalf("%s: sync: %v", d.name, err)
	}
	if len(sum.Failed) > 0 {
		t.Fatalf("%s: sync failures: %v", d.name, sum.Failed)
	}
	return sum
}

func (d *device) item(t testing.TB, id string) library.SyncItem {
	t.Helper()
	it, err := d.x.Item(context.Background(), id)
	if err != nil {
		t.Fatalf("%s: %v", d.name, err)
	}
	return it
}

func (d *device) audio(t testing.TB, id string) []byte {
	t.Helper()
	it := d.item(t, id)
	p := d.lib.AudioPath(it.Recording)
	if p == "" {
		t.Fatalf("%s: %s has no audio here (state %s)", d.name, id, it.SyncState)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// remote lists everything the account holds on the server (not deleted).
func remote(t testing.TB, c *Client) map[string]api.Recording {
	t.Helper()
	out := map[string]api.Recording{}
	cursor := ""
	for {
		page, err := c.List(context.Background(), cursor, 1000)
		if err != nil {
			t.Fatalf("list: %v", err)
		}
		for _, r := range page.Recordings {
			if r.Deleted {
				delete(out, r.ID)
			} else {
				out[r.ID] = r
			}
		}
		cursor = page.Cursor
		if !page.More {
			return out
		}
	}
}
