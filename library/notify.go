package library

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"
)

// Op says what happened to a recording.
type Op string

// The kinds of Change.
const (
	Added    Op = "added"    // a new recording (recorded, imported, recovered, or learnt from the cloud)
	Updated  Op = "updated"  // metadata: title, sync state, audio presence
	Trashed  Op = "trashed"  // moved to the trash
	Restored Op = "restored" // back from the trash
	Removed  Op = "removed"  // purged for good
	// Reset means changes were missed (the subscriber fell far behind):
	// reload everything. ID is empty.
	Reset Op = "reset"
)

// Change is one notification: recording ID had Op happen to it, in this
// process or in another one using the same data folder.
type Change struct {
	ID string
	Op Op
}

// pollInterval is how often a library with subscribers asks SQLite whether
// another connection (another process) has written. PRAGMA data_version is
// answered from the WAL index without reading any table.
const pollInterval = 200 * time.Millisecond

// maxQueued is how many undelivered changes a slow subscriber may hold before
// they are replaced by one Reset.
const maxQueued = 512

// logChange records a change inside a write transaction; subscribers in every
// process learn of it after the commit.
func logChange(ctx context.Context, tx *sql.Tx, id string, op Op, at time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO changes (id, op, at) VALUES (?, ?, ?)`, id, string(op), at.UnixMilli())
	return err
}

// Subscribe returns a channel that receives every change made to the library
// after Subscribe returns (and possibly a few just before), by this process or
// another. Changes from this process arrive at once, from others within about
// 200 ms. A subscriber that falls more than 512 changes behind gets one Reset
// instead. cancel stops the subscription and closes the channel; Close does too.
func (l *Library) Subscribe() (<-chan Change, func()) {
	return l.notify.subscribe()
}

type notifier struct {
	db    *sql.DB
	kickc chan struct{}
	stop  chan struct{}
	done  chan struct{}

	mu      sync.Mutex
	subs    map[*subscriber]struct{}
	running bool
	closed  bool
	lastSeq int64
}

type subscriber struct {
	out      chan Change
	wake     chan struct{}
	stop     chan struct{}
	stopOnce sync.Once

	mu    sync.Mutex
	queue []Change
}

func newNotifier(ctx context.Context, db *sql.DB) (*notifier, error) {
	// Keep the change log short: a day is far longer than any subscriber lags.
	// On a full disk the pruning waits for a later open.
	if _, err := db.ExecContext(ctx, `DELETE FROM changes WHERE at < ?`, time.Now().Add(-24*time.Hour).UnixMilli()); err != nil && !DiskFull(err) {
		return nil, fmt.Errorf("prune change log: %w", err)
	}
	return &notifier{
		db:    db,
		kickc: make(chan struct{}, 1),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
		subs:  map[*subscriber]struct{}{},
	}, nil
}

// kick makes the poller look for new changes now (after a local write).
func (n *notifier) kick() {
	select {
	case n.kickc <- struct{}{}:
	default:
	}
}

func (n *notifier) subscribe() (<-chan Change, func()) {
	s := &subscriber{out: make(chan Change), wake: make(chan struct{}, 1), stop: make(chan struct{})}
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		close(s.out)
		return s.out, func() {}
	}
	if !n.running {
		n.running = true
		if err := n.db.QueryRow(`SELECT COALESCE(MAX(seq), 0) FROM changes`).Scan(&n.lastSeq); err != nil {
			n.lastSeq = -1 // unknown: the poller starts with a Reset
		}
		go n.poll()
	}
	n.subs[s] = struct{}{}
	n.mu.Unlock()
	go s.deliver()
	cancel := func() {
		n.mu.Lock()
		delete(n.subs, s)
		n.mu.Unlock()
		s.halt()
	}
	return s.out, cancel
}

// halt stops the subscriber's delivery. Both its cancel func and the
// library's Close call it, possibly at the same time, so it is idempotent.
func (s *subscriber) halt() {
	s.stopOnce.Do(func() { close(s.stop) })
}

func (n *notifier) close() {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return
	}
	n.closed = true
	running := n.running
	subs := n.subs
	n.subs = nil
	n.mu.Unlock()
	close(n.stop)
	if running {
		<-n.done
	}
	for s := range subs {
		s.halt()
	}
}

// poll watches PRAGMA data_version on its own connection (the value changes
// when any other connection commits) and fans new change-log rows out.
func (n *notifier) poll() {
	defer close(n.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-n.stop
		cancel()
	}()
	conn, err := n.db.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	var version int64 = -1
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		var v int64
		if err := conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err == nil && v != version {
			version = v
			n.fetch(ctx, conn)
		}
		select {
		case <-n.stop:
			return
		case <-t.C:
		case <-n.kickc:
		}
	}
}

// fetch reads the change log past lastSeq and hands it to subscribers.
func (n *notifier) fetch(ctx context.Context, conn *sql.Conn) {
	for {
		rows, err := conn.QueryContext(ctx, `SELECT seq, id, op FROM changes WHERE seq > ? ORDER BY seq LIMIT 1000`, n.lastSeq)
		if err != nil {
			return
		}
		var batch []Change
		for rows.Next() {
			var seq int64
			var c Change
			if err := rows.Scan(&seq, &c.ID, &c.Op); err != nil {
				break
			}
			if seq != n.lastSeq+1 && len(batch) == 0 {
				// A gap: the log was pruned past us, or we never knew where we were.
				batch = append(batch, Change{Op: Reset})
			}
			n.lastSeq = seq
			batch = append(batch, c)
		}
		err = rows.Err()
		rows.Close()
		if err != nil || len(batch) == 0 {
			return
		}
		n.mu.Lock()
		for s := range n.subs {
			s.push(batch)
		}
		n.mu.Unlock()
		if len(batch) < 1000 {
			return
		}
	}
}

func (s *subscriber) push(cs []Change) {
	s.mu.Lock()
	s.queue = append(s.queue, cs...)
	if len(s.queue) > maxQueued {
		s.queue = append(s.queue[:0], Change{Op: Reset})
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// deliver hands queued changes to the subscriber's channel, one at a time, so
// a slow reader never blocks the poller.
func (s *subscriber) deliver() {
	defer close(s.out)
	for {
		s.mu.Lock()
		var next Change
		have := len(s.queue) > 0
		if have {
			next = s.queue[0]
			s.queue = s.queue[1:]
		}
		s.mu.Unlock()
		if !have {
			select {
			case <-s.wake:
				continue
			case <-s.stop:
				return
			}
		}
		select {
		case s.out <- next:
		case <-s.stop:
			return
		}
	}
}
