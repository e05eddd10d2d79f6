package server_test

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testenv"
)

// TestS3OutageDuringUpload: the S3 gateway dies in the middle of a whole
// upload. That is the storage's failure, not the client's: 503 with
// Retry-After (try again), and the server logs it; never the 400 "the body
// does not have the recording's bytes" that makes a client give up.
func TestS3OutageDuringUpload(t *testing.T) {
	gw := testenv.Need(t, "EARSHOT_TEST_VERSITYGW", "the versitygw binary (start_s3)")
	addr := testenv.FreeAddr(t)
	cmd := exec.Command(gw, "--port", addr, "posix", t.TempDir())
	cmd.Env = testenv.Environ("ROOT_ACCESS_KEY=outage", "ROOT_SECRET_KEY=outage-secret")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	p := startServer(t, []string{"EARSHOT_SERVER_S3_ACCESS_KEY=outage", "EARSHOT_SERVER_S3_SECRET_KEY=outage-secret"},
		"--data-dir", t.TempDir(), "--blob", "s3", "--s3-endpoint", "http://"+addr, "--s3-bucket", "outage",
		"--s3-path-style", "--s3-create-bucket")
	c := signup(t, p.URL)
	data := randomData(6 << 20)
	id := c.create(data, "outage")
	body, out := putSlow(c, "/v1/recordings/"+id+"/content", data, "", 2<<20)
	cmd.Process.Kill()
	cmd.Wait()
	close(body.release)
	// The server answers before it has read the rest of the body, so the
	// client may meet the closed connection before the answer: its log
	// says what it answered.
	if code := <-out; code != 503 && code != -1 {
		t.Fatalf("whole upload while S3 died: HTTP %d, want 503", code)
	}
	answered := func(logs string) bool {
		return strings.Contains(logs, "the storage failed during a transfer") &&
			strings.Contains(logs, `route="PUT /v1/recordings/{id}/content" status=503`)
	}
	for i := 0; !answered(p.Logs()); i++ {
		if i == 300 {
			t.Fatalf("the outage is not answered 503 and logged:\n%s", p.Logs())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
