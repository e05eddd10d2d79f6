package server_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
)

// TestFileModes: whatever the umask, every file the server makes in its
// data directory is its user's alone (the database holds emails and
// password hashes, its WAL too); files an older server left open are
// closed up; a data directory open to others is made private, loudly.
func TestFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// An older server's database, readable by everyone.
	if err := os.WriteFile(filepath.Join(dir, "earshot-server.db"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(dir, "earshot-server.db"), 0o644)
	p := testenv.StartServer(t, testenv.DataDir(dir), testenv.Wrap("sh", "-c", `umask 022; exec "$0" "$@"`))
	c := signup(t, p.URL)
	data := randomData(api.MinChunkSize + 10)
	c.upload(data[:1000], "whole")
	id := c.create(data, "in progress")
	c.expect(202, "PUT", "/v1/recordings/"+id+"/content", data[:api.MinChunkSize], "Content-Range", chunkHeader(0, api.MinChunkSize, len(data)))
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		info, _ := d.Info()
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			t.Errorf("%s has mode %04o; other users can read it", path, perm)
		}
		return nil
	})
	for _, f := range []string{"earshot-server.db-wal", "blobs/uploads"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("expected %s in the data directory: %v", f, err)
		}
	}

	// A data directory open to others is made private, and the log says so.
	st, _ := os.Stat(dir)
	if st.Mode().Perm() != 0o700 {
		t.Fatalf("data directory mode %04o", st.Mode().Perm())
	}
	open := t.TempDir()
	os.Chmod(open, 0o755)
	q := testenv.StartServer(t, testenv.DataDir(open))
	st, _ = os.Stat(open)
	if st.Mode().Perm() != 0o700 || !strings.Contains(q.Logs(), "now private") {
		t.Fatalf("a data directory open to others: mode %04o after start; log %q", st.Mode().Perm(), q.Logs())
	}
}

// TestDownloadHeaders: every answer says nosniff, and a download is an
// attachment named after the recording's title, in ASCII and in UTF-8.
func TestDownloadHeaders(t *testing.T) {
	p := startServer(t, nil, "--data-dir", t.TempDir())
	c := signup(t, p.URL)
	id := c.upload(randomData(100), `Grüße "an" alle/Ihr`)
	resp, _ := c.do("GET", "/v1/recordings/"+id+"/content", nil)
	want := `attachment; filename="Gr__e _an_ alle_Ihr.opus"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20%22an%22%20alle%2FIhr.opus`
	if got := resp.Header.Get("Content-Disposition"); got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}
	for _, path := range []string{"/v1/recordings/" + id + "/content", "/v1/recordings", "/v1/nothing"} {
		if resp, _ := c.do("GET", path, nil); resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: no X-Content-Type-Options: nosniff", path)
		}
	}
}
