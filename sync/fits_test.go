package sync

import (
	"net/http"
	stdsync "sync"
	"testing"

	"github.com/earshot/earshot/library"
)

// pathLog records the method and path of every request that passes.
type pathLog struct {
	rt   http.RoundTripper
	mu   stdsync.Mutex
	seen []string
}

func (p *pathLog) RoundTrip(r *http.Request) (*http.Response, error) {
	p.mu.Lock()
	p.seen = append(p.seen, r.Method+" "+r.URL.Path)
	p.mu.Unlock()
	return p.rt.RoundTrip(r)
}

// TestTooLargeNotSent (issue 9): a recording larger than the server's
// advertised limit fails before anything about it is sent (no PUT of its
// metadata or content), waits for the user, and later passes leave it be.
func TestTooLargeNotSent(t *testing.T) {
	srv := startServer(t, "--max-object-size", "500")
	email, pw := newUser(t, srv.URL)
	d := newDevice(t, "A", srv.URL, email, pw, Options{})
	log := &pathLog{rt: d.net.rt}
	d.net.rt = log
	r := d.record(t, "too large", 1000)
	sum, err := d.eng.SyncOnce(t.Context())
	if err != nil || len(sum.Failed) != 1 || sum.Failed[0].ID != r.ID {
		t.Fatalf("first pass: %+v, %v; want the one failure", sum, err)
	}
	for _, p := range log.seen {
		if p == "PUT /v1/recordings/"+r.ID || p == "PUT /v1/recordings/"+r.ID+"/content" {
			t.Fatalf("sent %q for a recording the server cannot take (all: %v)", p, log.seen)
		}
	}
	if it := d.item(t, r.ID); it.SyncState != library.Failed || !it.NeedsUser {
		t.Fatalf("after the pass: %s, needs user %v", it.SyncState, it.NeedsUser)
	}
	sum = d.sync(t)
	if len(sum.Failed) != 0 || len(sum.NeedUser) != 1 || sum.NeedUser[0].ID != r.ID || sum.Waiting != 0 {
		t.Fatalf("a later pass: %+v; want it waiting for the user, nothing failed", sum)
	}
}
