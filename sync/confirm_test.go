package sync

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
)

// TestUnconfirmedUploadIsNotSynced answers the last upload request in place
// of the real server with a 200 that does not confirm the recording (the
// bytes never reach the server): the engine must ask the server, find the
// upload incomplete, and leave the recording unsynced; once the fault goes
// the next pass completes it. Covers the one-request and the chunked paths.
func TestUnconfirmedUploadIsNotSynced(t *testing.T) {
	for _, tc := range []struct {
		name        string
		chunk, size int64
	}{
		{"one request", 0, 40_000},
		{"chunked", api.MinChunkSize, api.MinChunkSize + 40_000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := sharedServer(t)
			email, pw := newUser(t, srv.URL)
			h := newHTTPFaults(t, srv.URL)
			a := newDeviceVia(t, "A", srv.URL, h.srv.URL, email, pw, Options{
				ChunkSize: tc.chunk, Backoff: Backoff{Min: 10 * time.Millisecond, Max: 50 * time.Millisecond}})
			rec := a.record(t, "unconfirmed", int(tc.size))
			var mu sync.Mutex
			swallowed := 0
			h.setInject(func(r *http.Request) (int, http.Header, string) {
				if r.Method != http.MethodPut || !strings.HasSuffix(r.URL.Path, rec.ID+"/content") {
					return 0, nil, ""
				}
				// The whole body, or the chunk that ends the file.
				if cr := r.Header.Get("Content-Range"); cr != "" && !strings.HasSuffix(cr, fmt.Sprintf("-%d/%d", rec.Size-1, rec.Size)) {
					return 0, nil, ""
				}
				mu.Lock()
				defer mu.Unlock()
				swallowed++
				// What a middle chunk's answer looks like: bytes held, no recording.
				return http.StatusOK, nil, fmt.Sprintf(`{"received":%d,"size":%d}`, rec.Size, rec.Size)
			})
			if _, err := a.eng.SyncOnce(context.Background()); err != nil {
				t.Logf("pass with the fault: %v", err)
			}
			mu.Lock()
			n := swallowed
			mu.Unlock()
			if n == 0 {
				t.Fatal("the fault was never hit: the test proves nothing")
			}
			if it := a.item(t, rec.ID); it.SyncState == library.Synced {
				t.Fatalf("recording marked synced though the server never confirmed it")
			}
			if r, ok := remote(t, a.eng.c)[rec.ID]; ok && r.Available {
				t.Fatalf("server lists the recording as available: %+v", r)
			}
			h.setInject(nil)
			a.sync(t)
			if it := a.item(t, rec.ID); it.SyncState != library.Synced {
				t.Fatalf("after the fault went: %s %s", it.SyncState, it.SyncError)
			}
			if r := remote(t, a.eng.c)[rec.ID]; !r.Available {
				t.Fatalf("server does not list the recording as available: %+v", r)
			}
		})
	}
}
