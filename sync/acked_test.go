package sync

import (
	"context"
	"testing"

	"github.com/earshot/earshot/api"
)

// TestUploadProgressIsWhatTheServerAcknowledged: an upload's progress
// counts the bytes the server has confirmed, chunk by chunk, not the bytes
// the HTTP client has read from the file (which run ahead into the
// kernel's buffers and read 100 % for most of an upload; issue 13 fault 7).
// At every progress event the server already holds at least that much.
func TestUploadProgressIsWhatTheServerAcknowledged(t *testing.T) {
	srv := startServer(t)
	email, pw := newUser(t, srv.URL)
	chunk := int64(api.MinChunkSize)
	a := newDevice(t, "A", srv.URL, email, pw, Options{ChunkSize: chunk, NoDirect: true})
	a.net.upRate = 16 << 20
	const size = 3*api.MinChunkSize + 12345
	r := a.record(t, "lecture", size)

	events := make(chan Event, 1024)
	cancel := a.eng.Subscribe(func(ev Event) {
		if ev.Kind == ItemProgress && ev.Op == OpUpload && ev.ID == r.ID {
			select {
			case events <- ev:
			default:
				t.Error("too many progress events to check")
			}
		}
	})
	a.sync(t)
	cancel()
	close(events)
	n := 0
	for ev := range events {
		n++
		if ev.Done != size && ev.Done%chunk != 0 {
			t.Errorf("progress at %d bytes: not a chunk the server answered for (chunks of %d)", ev.Done, chunk)
		}
		st, err := a.sess.Client().UploadStatus(context.Background(), r.ID)
		if err == nil && !st.Complete && st.Received < ev.Done {
			t.Errorf("progress said %d bytes while the server holds %d", ev.Done, st.Received)
		}
	}
	if n < 3 {
		t.Fatalf("%d progress events for a 4-chunk upload, want one per chunk", n)
	}
}
