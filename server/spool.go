package server

import (
	"net/http"
	"sync"

	"github.com/earshot/earshot/api"
)

// spoolBudget bounds the bytes of chunks spooled on this instance's disk on
// their way to S3 (each part is hashed in a spool file before it is sent),
// per user and in all, so that one user's stalled chunks cannot fill the
// spool and fail everyone else's. A chunk reserves its size before its
// first byte is read and gives it back when its request ends.
type spoolBudget struct {
	perUser, total int64 // 0: no cap

	mu     sync.Mutex
	used   int64
	byUser map[string]int64
}

var errSpoolFull = errorf(http.StatusServiceUnavailable, api.CodeUnavailable,
	"the server is busy with other uploads right now; send this chunk again in a moment").with("Retry-After", "5")

var errSpoolMine = errorf(http.StatusServiceUnavailable, api.CodeUnavailable,
	"your other uploads in progress fill your share of the server's upload space; send this chunk again when they are done").with("Retry-After", "5")

// reserve takes n bytes for user, or says why it cannot; release gives
// them back.
func (b *spoolBudget) reserve(user string, n int64) (release func(), err error) {
	if b.perUser == 0 && b.total == 0 {
		return func() {}, nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.perUser > 0 && b.byUser[user]+n > b.perUser:
		return nil, errSpoolMine
	case b.total > 0 && b.used+n > b.total:
		return nil, errSpoolFull
	}
	if b.byUser == nil {
		b.byUser = map[string]int64{}
	}
	b.used += n
	b.byUser[user] += n
	var once sync.Once
	return func() {
		once.Do(func() {
			b.mu.Lock()
			defer b.mu.Unlock()
			b.used -= n
			if b.byUser[user] -= n; b.byUser[user] <= 0 {
				delete(b.byUser, user)
			}
		})
	}, nil
}
