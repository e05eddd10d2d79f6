package sync

import (
	"math/rand/v2"
	"time"
)

// Backoff computes retry delays: exponential from Min to Max with "full
// jitter" in the upper half (a delay is uniformly drawn from [d/2, d]), so
// many clients that lost the server together do not return together.
type Backoff struct {
	Min, Max time.Duration
}

// Delay is the wait before retry number attempt (1 for the first retry).
// A server's Retry-After, when longer, wins.
func (b Backoff) Delay(attempt int, retryAfter time.Duration) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := b.Min
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	if d > b.Max {
		d = b.Max
	}
	d = d/2 + rand.N(d/2+1)
	if retryAfter > d {
		d = retryAfter
	}
	return d
}

// Backoffs used by the engine. Offline waits stay short because the engine
// probes the server cheaply (GET /healthz) and resumes as soon as it answers;
// server errors back off further so a struggling server can recover.
var (
	offlineBackoff = Backoff{Min: 500 * time.Millisecond, Max: 5 * time.Second}
	serverBackoff  = Backoff{Min: time.Second, Max: 2 * time.Minute}
)
