package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/cmd/earshot-server/stores"
	"github.com/earshot/earshot/internal/testenv"
	"github.com/earshot/earshot/server"
	"github.com/earshot/earshot/server/blob"
	"github.com/earshot/earshot/server/internal/flipproxy"
)

// damagingServer runs earshot-server (DynamoDB + S3) whose S3 traffic goes
// through a proxy that flips bits on the way to the gateway when armed.
func damagingServer(t *testing.T) (*client, *flipproxy.Proxy) {
	t.Helper()
	env, args := cloudEnv(t)
	px, err := flipproxy.Start(testenv.Need(t, "EARSHOT_TEST_S3_ENDPOINT", "an S3 gateway"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { px.Close() })
	// The last --s3-endpoint wins: the server talks to S3 through the proxy.
	srv := startServer(t, env, append(args, "--data-dir", t.TempDir(), "--s3-endpoint", px.URL())...)
	return signup(t, srv.URL), px
}

// sendDamaged sends a request while the proxy damages one read of what
// the server writes to S3, and checks the answer is a retryable 503.
func sendDamaged(t *testing.T, c *client, px *flipproxy.Proxy, method, path string, body []byte, hdr ...string) {
	t.Helper()
	before := px.Damaged()
	px.Damage(1)
	resp, out := c.do(method, path, body, hdr...)
	px.Damage(0)
	if px.Damaged() == before {
		t.Fatalf("%s %s: the proxy damaged nothing on the way to S3 (HTTP %d), so this proves nothing", method, path, resp.StatusCode)
	}
	if resp.StatusCode != http.StatusServiceUnavailable || c.errCode(out) != api.CodeUnavailable {
		t.Fatalf("%s %s: bytes damaged on the way to S3 answered HTTP %d %s; want 503 %q (retryable: the client's bytes were fine)",
			method, path, resp.StatusCode, out, api.CodeUnavailable)
	}
}

// notAvailable checks the recording is neither listed as available nor
// downloadable.
func notAvailable(t *testing.T, c *client, id string) {
	t.Helper()
	if r, ok := c.listAll()[id]; !ok || r.Available {
		t.Fatalf("recording listed as %+v (found %v) after damaged bytes; want listed, not available", r, ok)
	}
	var r api.Recording
	c.decode(c.expect(200, "GET", "/v1/recordings/"+id, nil), &r)
	if r.Available {
		t.Fatalf("GET recording says available after damaged bytes")
	}
	c.expect(404, "GET", "/v1/recordings/"+id+"/content", nil)
}

// TestS3DamagedChunks: a chunk whose bytes are damaged between the server
// and S3 is refused by S3 (its part checksum), answered 503, and not
// counted: the upload status still asks for it, the recording is not
// available. Sent again undamaged, it goes through, and the finished
// recording downloads intact on another device. Every chunk is damaged
// once, the last one (which completes the upload) included.
func TestS3DamagedChunks(t *testing.T) {
	c, px := damagingServer(t)
	data := randomData(2*api.MinChunkSize + 12345)
	id := c.create(data, "damaged on the way to S3")
	bounds := []int{0, api.MinChunkSize, 2 * api.MinChunkSize, len(data)}
	for i := 0; i+1 < len(bounds); i++ {
		start, end := bounds[i], bounds[i+1]
		path, cr := "/v1/recordings/"+id+"/content", chunkHeader(start, end, len(data))
		sendDamaged(t, c, px, "PUT", path, data[start:end], "Content-Range", cr)
		if st := c.status(id); st.Received != int64(start) || st.Complete {
			t.Fatalf("chunk %d: after a damaged write the server reports %+v; want %d bytes received, not complete", i+1, st, start)
		}
		notAvailable(t, c, id)
		want := http.StatusAccepted
		if end == len(data) {
			want = http.StatusOK
		}
		c.expect(want, "PUT", path, data[start:end], "Content-Range", cr)
	}
	if st := c.status(id); !st.Complete || st.Received != int64(len(data)) {
		t.Fatalf("after every chunk was sent again: %+v", st)
	}
	if r := c.listAll()[id]; !r.Available {
		t.Fatalf("not available after a clean resend: %+v", r)
	}
	other := *c // another device of the same user
	if got := other.content(id); string(got) != string(data) {
		t.Fatalf("downloaded %d bytes that differ from the %d uploaded", len(got), len(data))
	}
}

// TestS3DamagedWholeUpload: a whole-file PUT damaged on the way to S3 is
// refused by S3 (x-amz-checksum-sha256), answered 503 rather than
// checksum_mismatch (the client's bytes were right), and not listed;
// sent again, it is stored intact.
func TestS3DamagedWholeUpload(t *testing.T) {
	c, px := damagingServer(t)
	data := randomData(3<<20 + 7)
	id := c.create(data, "whole, damaged on the way to S3")
	path := "/v1/recordings/" + id + "/content"
	sendDamaged(t, c, px, "PUT", path, data)
	if st := c.status(id); st.Received != 0 || st.Complete {
		t.Fatalf("after a damaged write the server reports %+v", st)
	}
	notAvailable(t, c, id)
	// A client whose own bytes are wrong still hears checksum_mismatch.
	bad := append([]byte{}, data...)
	bad[len(bad)/3] ^= 1
	if code := c.errCode(c.expect(400, "PUT", path, bad)); code != api.CodeChecksum {
		t.Fatalf("wrong bytes from the client: %q, want %q", code, api.CodeChecksum)
	}
	notAvailable(t, c, id)
	var r api.Recording
	c.decode(c.expect(200, "PUT", path, data), &r)
	if !r.Available {
		t.Fatalf("not available after a clean resend: %+v", r)
	}
	if got := c.content(id); string(got) != string(data) {
		t.Fatalf("downloaded bytes differ from the uploaded ones")
	}
}

// TestS3CreateBucket: with --s3-create-bucket (or its variable) the server
// creates a missing bucket at start, private, and starts again on it once
// it exists.
func TestS3CreateBucket(t *testing.T) {
	ep := testenv.Need(t, "EARSHOT_TEST_S3_ENDPOINT", "an S3 gateway")
	bucket := "earshot-new-" + api.NewID()[24:]
	env := []string{
		"EARSHOT_SERVER_S3_ACCESS_KEY=" + testenv.Need(t, "EARSHOT_TEST_S3_ACCESS_KEY", "the S3 gateway's key"),
		"EARSHOT_SERVER_S3_SECRET_KEY=" + testenv.Need(t, "EARSHOT_TEST_S3_SECRET_KEY", "the S3 gateway's secret"),
	}
	args := []string{"--blob", "s3", "--s3-endpoint", ep, "--s3-bucket", bucket, "--s3-path-style", "--data-dir", t.TempDir()}
	a := startServer(t, env, append(args, "--s3-create-bucket")...)
	c := signup(t, a.URL)
	data := randomData(1 << 20)
	id := c.upload(data, "in a new bucket")
	if err := a.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	b := startServer(t, append(env, "EARSHOT_SERVER_S3_CREATE_BUCKET=true"), args...)
	c.base = b.URL
	if got := c.content(id); string(got) != string(data) {
		t.Fatalf("content differs after a restart on the existing bucket")
	}
	for _, u := range []string{ep + "/" + bucket, ep + "/" + bucket + "/recordings/" + c.userID + "/" + id} {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Fatalf("anonymous GET %s: HTTP 200; the bucket must be private", u)
		}
	}
}

// TestUploadWithoutPartChecksums: an upload in progress whose parts an
// older server stored without their SHA-256s starts over (409, the server
// holds 0 bytes) instead of being joined unconfirmed.
func TestUploadWithoutPartChecksums(t *testing.T) {
	var cfg server.Config
	if err := cfg.Parse("test", []string{"--data-dir", t.TempDir()}, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m, b, err := stores.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	hs := httptest.NewServer(server.New(cfg, m, b, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler())
	defer hs.Close()
	c := signup(t, hs.URL)
	data := randomData(2*api.MinChunkSize + 100)
	id := c.create(data, "from an older server")
	path, mid := "/v1/recordings/"+id+"/content", 2*api.MinChunkSize
	c.expect(202, "PUT", path, data[:api.MinChunkSize], "Content-Range", chunkHeader(0, api.MinChunkSize, len(data)))
	up, err := m.GetUpload(ctx, c.userID, id)
	if err != nil || len(up.Parts) != 1 || len(up.Parts[0].SHA256) != 64 {
		t.Fatalf("upload state %+v, %v; want one part with its SHA-256", up, err)
	}
	up.Parts[0].SHA256 = ""
	if err := m.PutUpload(ctx, up, up.Received); err != nil {
		t.Fatal(err)
	}
	out := c.expect(409, "PUT", path, data[api.MinChunkSize:mid], "Content-Range", chunkHeader(api.MinChunkSize, mid, len(data)))
	if code := c.errCode(out); code != api.CodeOffsetMismatch {
		t.Fatalf("error %q, want %q", code, api.CodeOffsetMismatch)
	}
	if st := c.status(id); st.Received != 0 {
		t.Fatalf("status %+v, want 0 bytes held", st)
	}
	c.expect(202, "PUT", path, data[:api.MinChunkSize], "Content-Range", chunkHeader(0, api.MinChunkSize, len(data)))
	c.expect(202, "PUT", path, data[api.MinChunkSize:mid], "Content-Range", chunkHeader(api.MinChunkSize, mid, len(data)))
	c.expect(200, "PUT", path, data[mid:], "Content-Range", chunkHeader(mid, len(data), len(data)))
	if got := c.content(id); string(got) != string(data) {
		t.Fatalf("content differs")
	}
}

// completeFault wraps a blob store: when armed, CompleteUpload either
// names a first part with a SHA-256 other than the one stored (the
// store must refuse to join it) or fails as an unreachable store would.
type completeFault struct {
	blob.Store
	mode atomic.Value // "", "wrong-sum" or "fail"
}

func (f *completeFault) CompleteUpload(ctx context.Context, key, id string, parts []blob.Part) error {
	switch f.mode.Load() {
	case "wrong-sum":
		parts = append([]blob.Part{}, parts...)
		parts[0].SHA256 = append([]byte{}, parts[0].SHA256...)
		parts[0].SHA256[0] ^= 1
	case "fail":
		return errInjected
	}
	return f.Store.CompleteUpload(ctx, key, id, parts)
}

// TestS3CompleteRefused: when S3 will not join the parts (a part's
// SHA-256 is not the stored part's), the upload is discarded, answered
// 503 and not listed, and the client starts again from 0. When completing
// fails for another reason, the last chunk is not counted, so sending it
// again completes the upload.
func TestS3CompleteRefused(t *testing.T) {
	env, args := cloudEnv(t)
	var cfg server.Config
	getenv := func(k string) string {
		for _, e := range env {
			if n, v, _ := strings.Cut(e, "="); n == k {
				return v
			}
		}
		return ""
	}
	t.Setenv("AWS_ACCESS_KEY_ID", getenv("AWS_ACCESS_KEY_ID"))
	t.Setenv("AWS_SECRET_ACCESS_KEY", getenv("AWS_SECRET_ACCESS_KEY"))
	if err := cfg.Parse("test", append(args, "--data-dir", t.TempDir()), getenv); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	m, b0, err := stores.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	b := &completeFault{Store: b0}
	hs := httptest.NewServer(server.New(cfg, m, b, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler())
	defer hs.Close()
	c := signup(t, hs.URL)
	data := randomData(api.MinChunkSize + 777)
	id := c.create(data, "refused at completion")
	path, mid := "/v1/recordings/"+id+"/content", api.MinChunkSize
	send := func(start, end, want int) []byte {
		t.Helper()
		return c.expect(want, "PUT", path, data[start:end], "Content-Range", chunkHeader(start, end, len(data)))
	}

	send(0, mid, 202)
	b.mode.Store("wrong-sum")
	if code := c.errCode(send(mid, len(data), 503)); code != api.CodeUnavailable {
		t.Fatalf("refused completion: %q, want %q", code, api.CodeUnavailable)
	}
	b.mode.Store("")
	if st := c.status(id); st.Received != 0 || st.Complete {
		t.Fatalf("after a refused completion: %+v, want to start again from 0", st)
	}
	notAvailable(t, c, id)

	send(0, mid, 202)
	b.mode.Store("fail")
	if code := c.errCode(send(mid, len(data), 500)); code != api.CodeInternal {
		t.Fatalf("failed completion: %q", code)
	}
	b.mode.Store("")
	if st := c.status(id); st.Received != int64(mid) || st.Complete {
		t.Fatalf("after a failed completion: %+v, want the last chunk asked for again (%d held)", st, mid)
	}
	notAvailable(t, c, id)
	send(mid, len(data), 200)
	if got := c.content(id); string(got) != string(data) {
		t.Fatalf("content differs")
	}
}
