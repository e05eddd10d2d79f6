package sync

import (
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testenv"
	"github.com/earshot/earshot/library"
)

// gatedContent holds back the body of content downloads until open closes,
// and counts them.
type gatedContent struct {
	rt    http.RoundTripper
	open  chan struct{}
	count atomic.Int64
}

func (g *gatedContent) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := g.rt.RoundTrip(r)
	if err != nil || r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/content") {
		return resp, err
	}
	g.count.Add(1)
	resp.Body = &gatedBody{ReadCloser: resp.Body, open: g.open}
	return resp, nil
}

type gatedBody struct {
	io.ReadCloser
	open <-chan struct{}
}

func (b *gatedBody) Read(p []byte) (int, error) {
	<-b.open
	return b.ReadCloser.Read(p)
}

// TestOneTransferAcrossProcesses (issue 9 fault 3): a pull beside another
// process downloading the same recording does not download it again: it
// waits for that one's result, and neither ends in error.
func TestOneTransferAcrossProcesses(t *testing.T) {
	srv := sharedServer(t)
	email, pw := newUser(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{})
	r := a.record(t, "one download", 3<<20)
	a.sync(t)
	b := newDevice(t, "B", srv.URL, email, pw, Options{})
	b.sync(t)
	gate := &gatedContent{rt: b.net.rt, open: make(chan struct{})}
	b.net.rt = gate
	b2 := newDeviceIn(t, "B again", b.dir, srv.URL, srv.URL, email, pw, Options{})
	b2gate := &gatedContent{rt: b2.net.rt, open: make(chan struct{})}
	close(b2gate.open)
	b2.net.rt = b2gate

	ctx := context.Background()
	first := make(chan error, 1)
	go func() { first <- b.eng.Download(ctx, r.ID) }()
	for gate.count.Load() == 0 {
		select {
		case err := <-first:
			t.Fatalf("the first download ended before its body was let through: %v", err)
		default:
			time.Sleep(5 * time.Millisecond) // polling, not a deadline
		}
	}
	if release, held, err := b2.x.ClaimTransfer(r.ID); err != nil || held {
		if release != nil {
			release()
		}
		t.Fatalf("the other process could claim a transfer in progress: held %v, %v", held, err)
	}
	second := make(chan error, 1)
	go func() { second <- b2.eng.Download(ctx, r.ID) }()
	close(gate.open)
	if err := <-first; err != nil {
		t.Fatalf("first download: %v", err)
	}
	if err := <-second; err != nil {
		t.Fatalf("second download, beside the first: %v", err)
	}
	if n := b2gate.count.Load(); n != 0 {
		t.Fatalf("the second process downloaded the file too (%d requests)", n)
	}
	if it := b2.item(t, r.ID); it.SyncState != library.Synced || !it.HasAudio {
		t.Fatalf("after both: %s, audio %v", it.SyncState, it.HasAudio)
	}
}

// TestFailedDownloadCleansUp (issue 9 fault 4): a download that fails on a
// full disk removes its part file (the space comes back), says why in one
// line, and leaves the recording cloud-only; once there is room it works.
func TestFailedDownloadCleansUp(t *testing.T) {
	srv := sharedServer(t)
	email, pw := newUser(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{})
	r := a.record(t, "too big for the disk", 4<<20)
	a.sync(t)

	small := testenv.Tmpfs(t, 12<<20)
	b := newDeviceIn(t, "B", small, srv.URL, srv.URL, email, pw, Options{})
	b.sync(t)
	var st syscall.Statfs_t
	if err := syscall.Statfs(small, &st); err != nil {
		t.Fatal(err)
	}
	filler := filepath.Join(small, "filler")
	if err := os.WriteFile(filler, make([]byte, int64(st.Bavail)*int64(st.Bsize)-(1<<20)), 0o600); err != nil {
		t.Fatal(err)
	}
	err := b.eng.Download(context.Background(), r.ID)
	if err == nil || !strings.Contains(err.Error(), "disk is full") {
		t.Fatalf("download onto a full disk: %v", err)
	}
	if parts, _ := filepath.Glob(filepath.Join(small, "downloads", "*.part")); len(parts) != 0 {
		t.Fatalf("part files left: %v", parts)
	}
	it := b.item(t, r.ID)
	if it.HasAudio || effectiveState(it) != library.CloudOnly || !strings.Contains(it.SyncError, "disk is full") {
		t.Fatalf("after the failed download: %s (resumes %s), %q", it.SyncState, effectiveState(it), it.SyncError)
	}
	os.Remove(filler)
	if err := b.eng.Download(context.Background(), r.ID); err != nil {
		t.Fatalf("download with room: %v", err)
	}
	if got := b.item(t, r.ID); got.SyncState != library.Synced {
		t.Fatalf("after the download with room: %s", got.SyncState)
	}
}
