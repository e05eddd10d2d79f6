package server_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
)

// TestAbandonedUploads: an upload nobody adds a chunk to for --upload-idle
// is collected by the janitor (its parts gone from disk or S3), and the
// client starts it again from byte 0. Both backends.
func TestAbandonedUploads(t *testing.T) {
	idle := []string{"--upload-idle", "2s", "--janitor-interval", "500ms"}
	t.Run("sqlite+disk", func(t *testing.T) {
		dir := t.TempDir()
		abandonedUpload(t, startServer(t, nil, append(idle, "--data-dir", dir)...), filepath.Join(dir, "blobs", "uploads"))
	})
	t.Run("dynamodb+s3", func(t *testing.T) {
		env, args := cloudEnv(t)
		abandonedUpload(t, startServer(t, env, append(append(args, idle...), "--data-dir", t.TempDir())...), "")
	})
}

func abandonedUpload(t *testing.T, p *testenv.Server, partsDir string) {
	c := signup(t, p.URL)
	data := randomData(api.MinChunkSize + 100)
	id := c.create(data, "abandoned")
	path := "/v1/recordings/" + id + "/content"
	c.expect(202, "PUT", path, data[:api.MinChunkSize], "Content-Range", chunkHeader(0, api.MinChunkSize, len(data)))
	// The janitor's own word that it collected the upload, then its effect.
	for i := 0; c.status(id).Received != 0; i++ {
		if i == 600 {
			t.Fatalf("the idle upload is still held a minute later:\n%s", p.Logs())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if partsDir != "" {
		if ents, _ := os.ReadDir(partsDir); len(ents) != 0 {
			t.Fatalf("%d part files left on disk after the janitor", len(ents))
		}
	}
	c.expect(409, "PUT", path, data[api.MinChunkSize:], "Content-Range", chunkHeader(api.MinChunkSize, len(data), len(data)))
	c.expect(202, "PUT", path, data[:api.MinChunkSize], "Content-Range", chunkHeader(0, api.MinChunkSize, len(data)))
	c.expect(200, "PUT", path, data[api.MinChunkSize:], "Content-Range", chunkHeader(api.MinChunkSize, len(data), len(data)))
	if string(c.content(id)) != string(data) {
		t.Fatalf("content after starting again differs")
	}
}

// TestSpoolShare: one user's stalled chunks cannot fill the S3 spool: past
// the user's share a chunk is refused (503, try again), and another user's
// chunk still goes through.
func TestSpoolShare(t *testing.T) {
	env, args := cloudEnv(t)
	spool := testenv.Tmpfs(t, 12<<20)
	p := startServer(t, env, append(args, "--data-dir", t.TempDir(), "--s3-spool-dir", spool,
		"--s3-spool-limit", "12582912", "--s3-spool-per-user", "6291456")...)
	hog, other := signup(t, p.URL), signup(t, p.URL)
	data := randomData(2 * api.MinChunkSize)
	first := hog.create(data, "stalls 1")
	body, out := putSlow(hog, "/v1/recordings/"+first+"/content", data[:api.MinChunkSize], chunkHeader(0, api.MinChunkSize, len(data)), 1<<20)
	defer func() { close(body.release); <-out }()
	second := hog.create(data, "stalls 2")
	resp, b := hog.do("PUT", "/v1/recordings/"+second+"/content", data[:api.MinChunkSize], "Content-Range", chunkHeader(0, api.MinChunkSize, len(data)))
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("the hog's second chunk while its first stalls: HTTP %d %s, want 503 with Retry-After", resp.StatusCode, b)
	}
	id := other.create(data, "another user's")
	other.expect(202, "PUT", "/v1/recordings/"+id+"/content", data[:api.MinChunkSize], "Content-Range", chunkHeader(0, api.MinChunkSize, len(data)))
}
