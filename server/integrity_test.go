package server_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
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
	if err := a.stop(); err != nil {
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
