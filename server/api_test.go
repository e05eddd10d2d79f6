package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
)

// TestDefaults: with no flags but --addr and --data-dir the server keeps
// SQLite metadata and the audio on disk under the data directory.
func TestDefaults(t *testing.T) {
	dir := t.TempDir()
	p := startServer(t, nil, "--data-dir", dir)
	c := &client{t: t, base: p.URL}
	var h map[string]string
	c.decode(c.expect(200, "GET", "/healthz", nil), &h)
	var info api.ServerInfo
	c.decode(c.expect(200, "GET", "/v1/info", nil), &info)
	if info.PresignedUploads || info.MinChunkSize != api.MinChunkSize {
		t.Fatalf("info %+v", info)
	}
	u := signup(t, p.URL)
	data := randomData(1000)
	id := u.upload(data, "hello")
	if _, err := os.Stat(filepath.Join(dir, "earshot-server.db")); err != nil {
		t.Fatalf("no SQLite file: %v", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "blobs", "objects", u.userID, id)); err != nil || !bytes.Equal(b, data) {
		t.Fatalf("audio not on disk under the data dir: %v", err)
	}
	c.expect(404, "GET", "/v1/nothing", nil)
}

// TestEnvConfig: EARSHOT_SERVER_* variables configure what flags do.
func TestEnvConfig(t *testing.T) {
	p := startServer(t, []string{"EARSHOT_SERVER_DATA_DIR=" + t.TempDir(), "EARSHOT_SERVER_MAX_OBJECT_SIZE=100"})
	c := &client{t: t, base: p.URL}
	var info api.ServerInfo
	c.decode(c.expect(200, "GET", "/v1/info", nil), &info)
	if info.MaxObjectSize != 100 {
		t.Fatalf("max object size %d, want 100 from the environment", info.MaxObjectSize)
	}
}

func TestAccounts(t *testing.T) {
	p := startServer(t, nil, "--data-dir", t.TempDir())
	c := &client{t: t, base: p.URL}
	c.expect(400, "POST", "/v1/accounts", api.Credentials{Email: "a@example.com", Password: "short"})
	c.expect(400, "POST", "/v1/accounts", api.Credentials{Email: "not an email", Password: password})
	c.expect(400, "POST", "/v1/accounts", []byte(`{"email": "a@example.com", "password": `))
	c.expect(400, "POST", "/v1/accounts", []byte(`{"email": 5}`))
	c.expect(400, "POST", "/v1/accounts", []byte(`{} {}`))
	c.expect(413, "POST", "/v1/accounts", []byte(`{"email":"`+strings.Repeat("a", 70000)+`"}`))
	var a api.Account
	c.decode(c.expect(201, "POST", "/v1/accounts", api.Credentials{Email: " Alice@Example.com ", Password: password}), &a)
	if a.Email != "alice@example.com" || !api.ValidID(a.UserID) {
		t.Fatalf("account %+v", a)
	}
	b := c.expect(409, "POST", "/v1/accounts", api.Credentials{Email: "ALICE@example.com", Password: password + "x"})
	if c.errCode(b) != api.CodeConflict {
		t.Fatalf("duplicate: %s", b)
	}
	c.email = "alice@example.com"
	c.login(password)
}

// TestTitleRule: the server refuses the titles api.CheckTitle refuses, with
// its message, so a title no client would make cannot arrive another way.
func TestTitleRule(t *testing.T) {
	p := startServer(t, nil, "--data-dir", t.TempDir())
	c := signup(t, p.URL)
	for _, title := range []string{"two\u2028lines", "tab\there", "\x1b[31mred", strings.Repeat("é", 501)} {
		b := c.expect(400, "PUT", "/v1/recordings/"+api.NewID(), metaFor(nil, title))
		var e api.Error
		c.decode(b, &e)
		if want := api.CheckTitle(title); want == nil || e.Message != want.Error() {
			t.Fatalf("title %q: message %q, want %v", title, e.Message, want)
		}
	}
	c.create(nil, "Ünïcode title — with a dash ✓")
}

func TestRecordingLifecycle(t *testing.T) {
	p := startServer(t, nil, "--data-dir", t.TempDir())
	c := signup(t, p.URL)
	data := randomData(50_000)
	m := metaFor(data, "first")
	id := api.NewID()
	var r api.Recording
	c.decode(c.expect(201, "PUT", "/v1/recordings/"+id, m), &r)
	// A retried create changes nothing and answers 200.
	c.decode(c.expect(200, "PUT", "/v1/recordings/"+id, m), &r)
	if r.Version != 1 {
		t.Fatalf("retried create: %+v", r)
	}
	// A different create without If-Match is stale: 412 with the current metadata.
	m2 := m
	m2.Title = "second"
	var se api.StaleError
	c.decode(c.expect(412, "PUT", "/v1/recordings/"+id, m2), &se)
	if se.Code != api.CodePrecondition || se.Current.ID != id || se.Current.Title != "first" || se.Current.Version != 1 {
		t.Fatalf("412 body %+v", se)
	}
	resp, b := c.do("PUT", "/v1/recordings/"+id, m2, "If-Match", `"1"`)
	c.decode(b, &r)
	if resp.StatusCode != 200 || r.Title != "second" || r.Version != 2 || resp.Header.Get("ETag") != `"2"` {
		t.Fatalf("rename: HTTP %d %+v etag %s", resp.StatusCode, r, resp.Header.Get("ETag"))
	}
	c.decode(c.expect(412, "PUT", "/v1/recordings/"+id, m, "If-Match", "1"), &se)
	if se.Current.Version != 2 || se.Current.Title != "second" {
		t.Fatalf("stale rename: %+v", se)
	}
	m3 := m2
	m3.SizeBytes++
	c.expect(409, "PUT", "/v1/recordings/"+id, m3, "If-Match", "2")
	c.expect(404, "PUT", "/v1/recordings/"+api.NewID(), m, "If-Match", "1")
	c.expect(400, "PUT", "/v1/recordings/"+id, m2, "If-Match", "abc")

	// Not available, nor downloadable, until the content is in.
	c.expect(404, "GET", "/v1/recordings/"+id+"/content", nil)
	if lr := c.list("", 10); len(lr.Recordings) != 1 || lr.Recordings[0].Available {
		t.Fatalf("listing before upload: %+v", lr)
	}
	c.expect(400, "PUT", "/v1/recordings/"+id+"/content", data[:100])
	c.decode(c.expect(200, "PUT", "/v1/recordings/"+id+"/content", data), &r)
	if !r.Available || r.Version != 2 {
		t.Fatalf("after upload: %+v", r)
	}
	if got := c.content(id); !bytes.Equal(got, data) {
		t.Fatalf("download differs")
	}
	for _, tc := range []struct {
		rng        string
		status     int
		start, end int
	}{
		{"bytes=0-99", 206, 0, 100},
		{"bytes=49990-", 206, 49990, 50000},
		{"bytes=-10", 206, 49990, 50000},
		{"bytes=100-99999999", 206, 100, 50000},
		{"bytes=0-1,5-6", 200, 0, 50000},
		{"bytes=50000-", 416, 0, 0},
	} {
		resp, b := c.do("GET", "/v1/recordings/"+id+"/content", nil, "Range", tc.rng)
		if resp.StatusCode != tc.status {
			t.Fatalf("Range %s: HTTP %d, want %d", tc.rng, resp.StatusCode, tc.status)
		}
		if tc.status != 416 && !bytes.Equal(b, data[tc.start:tc.end]) {
			t.Fatalf("Range %s: wrong bytes", tc.rng)
		}
	}
	var acct api.Usage
	c.decode(c.expect(200, "GET", "/v1/account", nil), &acct)
	if acct.UsedBytes != int64(len(data)) || acct.Email != c.email {
		t.Fatalf("usage %+v", acct)
	}

	c.expect(412, "DELETE", "/v1/recordings/"+id, nil, "If-Match", "1")
	c.decode(c.expect(200, "DELETE", "/v1/recordings/"+id, nil), &r)
	if !r.Deleted || r.DeletedAt == nil {
		t.Fatalf("delete answered %+v", r)
	}
	c.expect(200, "DELETE", "/v1/recordings/"+id, nil) // idempotent
	c.expect(404, "GET", "/v1/recordings/"+id+"/content", nil)
	c.decode(c.expect(200, "GET", "/v1/recordings/"+id, nil), &r)
	if !r.Deleted {
		t.Fatalf("tombstone %+v", r)
	}
	if lr := c.list("", 10); len(lr.Recordings) != 0 {
		t.Fatalf("deleted recording listed: %+v", lr)
	}
	c.decode(c.expect(200, "GET", "/v1/account", nil), &acct)
	if acct.UsedBytes != 0 {
		t.Fatalf("usage after delete %+v", acct)
	}
	// A stale create after the delete is refused; restoring names the tombstone's version.
	c.decode(c.expect(412, "PUT", "/v1/recordings/"+id, m), &se)
	if !se.Current.Deleted {
		t.Fatalf("412 after delete: %+v", se)
	}
	r = api.Recording{}
	c.decode(c.expect(201, "PUT", "/v1/recordings/"+id, m, "If-Match", fmt.Sprint(se.Current.Version)), &r)
	if r.Deleted || r.Available || r.Version != se.Current.Version+1 {
		t.Fatalf("restored %+v", r)
	}
}

func TestChangeFeed(t *testing.T) {
	p := startServer(t, nil, "--data-dir", t.TempDir())
	c := signup(t, p.URL)
	var ids []string
	for i := 0; i < 5; i++ {
		ids = append(ids, c.upload(randomData(100+i), fmt.Sprint(i)))
	}
	first := c.list("", 3)
	if len(first.Recordings) != 3 || !first.More {
		t.Fatalf("first page %+v", first)
	}
	second := c.list(first.Cursor, 3)
	if len(second.Recordings) != 2 || second.More {
		t.Fatalf("second page %+v", second)
	}
	if nothing := c.list(second.Cursor, 3); len(nothing.Recordings) != 0 || nothing.More {
		t.Fatalf("nothing new: %+v", nothing)
	}
	var r api.Recording
	c.decode(c.expect(200, "PUT", "/v1/recordings/"+ids[1], func() api.RecordingMeta {
		var cur api.Recording
		c.decode(c.expect(200, "GET", "/v1/recordings/"+ids[1], nil), &cur)
		m := api.RecordingMeta{Title: "renamed", CreatedAt: cur.CreatedAt, DurationMS: cur.DurationMS, Format: cur.Format,
			SampleRate: cur.SampleRate, Channels: cur.Channels, SizeBytes: cur.SizeBytes, SHA256: cur.SHA256}
		return m
	}(), "If-Match", "1"), &r)
	c.expect(200, "DELETE", "/v1/recordings/"+ids[3], nil)
	changes := c.list(second.Cursor, 100)
	if len(changes.Recordings) != 2 || changes.Recordings[0].Title != "renamed" || !changes.Recordings[1].Deleted || changes.Recordings[1].ID != ids[3] {
		t.Fatalf("changes since the cursor: %+v", changes)
	}
	c.expect(400, "GET", "/v1/recordings?since=garbage", nil)
	c.expect(400, "GET", "/v1/recordings?limit=0", nil)
	c.expect(400, "GET", "/v1/recordings?limit=1001", nil)
	old := fmt.Sprintf("c1.1.%d", time.Now().Add(-40*24*time.Hour).Unix())
	if b := c.expect(410, "GET", "/v1/recordings?since="+old, nil); c.errCode(b) != api.CodeCursorExpired {
		t.Fatalf("old cursor: %s", b)
	}
}

func TestQuotaAndLimits(t *testing.T) {
	p := startServer(t, nil, "--data-dir", t.TempDir(), "--quota-bytes", "1000", "--max-object-size", "800")
	c := signup(t, p.URL)
	a := c.create(randomData(600), "a")
	b := c.expect(413, "PUT", "/v1/recordings/"+api.NewID(), metaFor(randomData(500), "b"))
	if c.errCode(b) != api.CodeQuota || !strings.Contains(string(b), "quota") {
		t.Fatalf("over quota: %s", b)
	}
	if b := c.expect(413, "PUT", "/v1/recordings/"+api.NewID(), metaFor(randomData(900), "c")); c.errCode(b) != api.CodeTooLarge {
		t.Fatalf("too large: %s", b)
	}
	c.expect(200, "DELETE", "/v1/recordings/"+a, nil)
	c.create(randomData(500), "b")
	for _, bad := range []string{
		`{"title":"x","format":"opus","size_bytes":1,"sha256":"` + strings.Repeat("a", 64) + `"}`,
		`{"title":"x","created_at":"2026-01-01T00:00:00Z","format":"../x","size_bytes":1,"sha256":"` + strings.Repeat("a", 64) + `"}`,
		`{"title":"x","created_at":"2026-01-01T00:00:00Z","format":"opus","size_bytes":-1,"sha256":"` + strings.Repeat("a", 64) + `"}`,
		`{"title":"x","created_at":"2026-01-01T00:00:00Z","format":"opus","size_bytes":1,"sha256":"ABC"}`,
		`{"title":"x\u0000y","created_at":"2026-01-01T00:00:00Z","format":"opus","size_bytes":1,"sha256":"` + strings.Repeat("a", 64) + `"}`,
		`[1,2]`,
	} {
		c.expect(400, "PUT", "/v1/recordings/"+api.NewID(), []byte(bad))
	}
}

// TestChunkedUpload: Content-Range chunks, the upload status, offsets that
// do not follow on, and a restart from 0.
func TestChunkedUpload(t *testing.T) {
	p := startServer(t, nil, "--data-dir", t.TempDir())
	c := signup(t, p.URL)
	const mb = 1 << 20
	data := randomData(12*mb + 345)
	id := c.create(data, "chunked")
	path := "/v1/recordings/" + id + "/content"
	if st := c.status(id); st.Received != 0 || st.Size != int64(len(data)) || st.Complete {
		t.Fatalf("status before: %+v", st)
	}
	c.expect(400, "PUT", path, data[:mb], "Content-Range", chunkHeader(0, mb, len(data)))       // too small, not last
	c.expect(400, "PUT", path, data[:5*mb], "Content-Range", chunkHeader(0, 5*mb, len(data)+1)) // wrong total
	c.expect(400, "PUT", path, data[:5*mb], "Content-Range", "bytes 0-5242879/*x")              // malformed
	c.expect(202, "PUT", path, data[:5*mb], "Content-Range", chunkHeader(0, 5*mb, len(data)))
	if st := c.status(id); st.Received != 5*mb || st.Complete {
		t.Fatalf("status after one chunk: %+v", st)
	}
	b := c.expect(409, "PUT", path, data[6*mb:11*mb], "Content-Range", chunkHeader(6*mb, 11*mb, len(data)))
	if c.errCode(b) != api.CodeOffsetMismatch {
		t.Fatalf("gap: %s", b)
	}
	if lr := c.list("", 10); lr.Recordings[0].Available {
		t.Fatalf("listed as available halfway")
	}
	// Starting again from 0 is allowed and discards the first attempt.
	c.expect(202, "PUT", path, data[:5*mb], "Content-Range", chunkHeader(0, 5*mb, len(data)))
	c.expect(202, "PUT", path, data[5*mb:10*mb], "Content-Range", chunkHeader(5*mb, 10*mb, len(data)))
	var r api.Recording
	c.decode(c.expect(200, "PUT", path, data[10*mb:], "Content-Range", chunkHeader(10*mb, len(data), len(data))), &r)
	if !r.Available {
		t.Fatalf("after the last chunk: %+v", r)
	}
	if st := c.status(id); !st.Complete || st.Received != int64(len(data)) {
		t.Fatalf("status after: %+v", st)
	}
	if !bytes.Equal(c.content(id), data) {
		t.Fatalf("download differs")
	}
}

// TestChecksumMismatch: content that does not match the declared SHA-256,
// whole or chunked, is rejected and the recording never listed available.
func TestChecksumMismatch(t *testing.T) {
	p := startServer(t, nil, "--data-dir", t.TempDir())
	c := signup(t, p.URL)
	data := randomData(6<<20 + 10)
	bad := append([]byte{}, data...)
	bad[len(bad)-1] ^= 0xff
	id := c.create(data, "mismatch")
	if b := c.expect(400, "PUT", "/v1/recordings/"+id+"/content", bad); c.errCode(b) != api.CodeChecksum {
		t.Fatalf("whole: %s", b)
	}
	path := "/v1/recordings/" + id + "/content"
	c.expect(202, "PUT", path, bad[:5<<20], "Content-Range", chunkHeader(0, 5<<20, len(bad)))
	if b := c.expect(400, "PUT", path, bad[5<<20:], "Content-Range", chunkHeader(5<<20, len(bad), len(bad))); c.errCode(b) != api.CodeChecksum {
		t.Fatalf("chunked: %s", b)
	}
	if st := c.status(id); st.Received != 0 || st.Complete {
		t.Fatalf("status after a mismatch: %+v", st)
	}
	for _, r := range c.list("", 10).Recordings {
		if r.Available {
			t.Fatalf("listed as available: %+v", r)
		}
	}
	c.expect(404, "GET", "/v1/recordings/"+id+"/content", nil)
	c.expect(200, "PUT", "/v1/recordings/"+id+"/content", data)
}

// slowBody yields head, then blocks until release is closed, then yields tail.
type slowBody struct {
	head, tail []byte
	sent       chan struct{}
	release    chan struct{}
	state      int
}

func (s *slowBody) Read(p []byte) (int, error) {
	switch s.state {
	case 0:
		n := copy(p, s.head)
		s.head = s.head[n:]
		if len(s.head) == 0 {
			s.state = 1
		}
		return n, nil
	case 1:
		close(s.sent)
		<-s.release
		s.state = 2
		fallthrough
	default:
		if len(s.tail) == 0 {
			return 0, io.EOF
		}
		n := copy(p, s.tail)
		s.tail = s.tail[n:]
		return n, nil
	}
}

// putSlow sends a chunk whose body stalls after head bytes; it returns
// when the stall begins, and the request's outcome comes on the channel.
func putSlow(c *client, path string, chunk []byte, hdr string, head int) (*slowBody, chan int) {
	body := &slowBody{head: chunk[:head], tail: chunk[head:], sent: make(chan struct{}), release: make(chan struct{})}
	req, _ := http.NewRequest("PUT", c.base+path, body)
	req.ContentLength = int64(len(chunk))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Range", hdr)
	out := make(chan int, 1)
	// A connection of its own: one reused from an earlier request sits idle
	// on the server until the body's first bytes arrive there, and a
	// shutdown in that moment closes it as idle.
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	go func() {
		resp, err := hc.Do(req)
		if err != nil {
			out <- -1
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		out <- resp.StatusCode
	}()
	<-body.sent
	return body, out
}

// TestKilledDuringUpload: the server is killed (SIGKILL) in the middle of a
// chunk and restarted; the upload resumes after the last whole chunk, and
// the recording is never listed available before it is complete.
func TestKilledDuringUpload(t *testing.T) {
	t.Run("sqlite+disk", func(t *testing.T) {
		killedDuringUpload(t, startServer(t, nil, "--data-dir", t.TempDir()))
	})
	t.Run("dynamodb+s3", func(t *testing.T) {
		env, args := cloudEnv(t)
		killedDuringUpload(t, startServer(t, env, append(args, "--data-dir", t.TempDir())...))
	})
}

func killedDuringUpload(t *testing.T, p *testenv.Server) {
	c := signup(t, p.URL)
	const mb = 1 << 20
	data := randomData(13 * mb)
	id := c.create(data, "crash")
	path := "/v1/recordings/" + id + "/content"
	c.expect(202, "PUT", path, data[:5*mb], "Content-Range", chunkHeader(0, 5*mb, len(data)))
	body, out := putSlow(c, path, data[5*mb:10*mb], chunkHeader(5*mb, 10*mb, len(data)), 3*mb)
	p.Kill()
	close(body.release)
	if code := <-out; code >= 200 && code < 300 {
		t.Fatalf("the broken chunk succeeded: HTTP %d", code)
	}
	restart(t, p)
	if st := c.status(id); st.Received != 5*mb {
		t.Fatalf("after the restart the server holds %d bytes, want the one whole chunk (%d)", st.Received, 5*mb)
	}
	if r := c.listAll()[id]; r.Available {
		t.Fatalf("partial recording listed available")
	}
	c.expect(202, "PUT", path, data[5*mb:10*mb], "Content-Range", chunkHeader(5*mb, 10*mb, len(data)))
	c.expect(200, "PUT", path, data[10*mb:], "Content-Range", chunkHeader(10*mb, len(data), len(data)))
	if !bytes.Equal(c.content(id), data) {
		t.Fatalf("resumed upload differs")
	}
	// A whole (unchunked) upload killed midway leaves nothing behind either.
	id2 := c.create(data, "crash2")
	body, out = putSlow(c, "/v1/recordings/"+id2+"/content", data, "", 4*mb)
	p.Kill()
	close(body.release)
	<-out
	restart(t, p)
	if r := c.listAll()[id2]; r.Available {
		t.Fatalf("half-uploaded recording listed available")
	}
	c.expect(404, "GET", "/v1/recordings/"+id2+"/content", nil)
	c.expect(200, "PUT", "/v1/recordings/"+id2+"/content", data)
}

// TestGracefulShutdown: SIGTERM lets an upload in flight finish.
func TestGracefulShutdown(t *testing.T) {
	dir := t.TempDir()
	p := startServer(t, nil, "--data-dir", dir)
	c := signup(t, p.URL)
	data := randomData(6 << 20)
	id := c.create(data, "shutdown")
	body, out := putSlow(c, "/v1/recordings/"+id+"/content", data, "", 2<<20)
	waitReceiving(t, dir)
	stopped := make(chan error, 1)
	go func() { stopped <- p.Stop() }()
	// The server stops listening before it exits; then let the body go on.
	for i := 0; ; i++ {
		if _, err := http.Get(p.URL + "/healthz"); err != nil {
			break
		}
		if i > 500 {
			t.Fatal("server still accepting 5 s after SIGTERM")
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(body.release)
	if code := <-out; code != 200 {
		t.Fatalf("upload in flight at shutdown: HTTP %d, want 200", code)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, p.Logs())
	}
	restart(t, p)
	if !bytes.Equal(c.content(id), data) {
		t.Fatalf("content after restart differs")
	}
}

// waitReceiving returns once the server has written some of a whole upload's
// bytes to its disk store: only then is the request surely in its hands
// (the client's "sent" says only that the transport took the bytes).
func waitReceiving(t *testing.T, dataDir string) {
	t.Helper()
	tmp := filepath.Join(dataDir, "blobs", "tmp")
	for i := 0; ; i++ {
		files, _ := filepath.Glob(filepath.Join(tmp, "put-*"))
		for _, f := range files {
			if st, err := os.Stat(f); err == nil && st.Size() > 0 {
				return
			}
		}
		if i > 1000 {
			t.Fatalf("the server holds no bytes of the upload 10 s after the client sent them")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestErrorBodies(t *testing.T) {
	p := startServer(t, nil, "--data-dir", t.TempDir())
	c := signup(t, p.URL)
	resp, b := c.do("PUT", "/v1/recordings/not-an-id", metaFor(nil, "x"))
	var e api.Error
	if resp.StatusCode != 400 || json.Unmarshal(b, &e) != nil || e.Code != api.CodeBadRequest || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("HTTP %d %s", resp.StatusCode, b)
	}
}
