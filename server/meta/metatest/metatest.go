// Package metatest is the contract suite every meta.Store implementation
// passes: call Run from the implementation's test with a function that
// returns a fresh, empty store.
package metatest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/server/meta"
)

// Run runs the contract suite. open returns a new, empty store; the suite
// closes it.
func Run(t *testing.T, open func(t *testing.T) meta.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s meta.Store)
	}{
		{"Users", testUsers},
		{"Tokens", testTokens},
		{"Throttle", testThrottle},
		{"RecordingLifecycle", testRecordingLifecycle},
		{"UpdateAbort", testUpdateAbort},
		{"UserIsolation", testUserIsolation},
		{"ExpiredTombstone", testExpiredTombstone},
		{"FeedPaging", testFeedPaging},
		{"ConcurrentFeed", testConcurrentFeed},
		{"Uploads", testUploads},
		{"Metadata", testMetadata},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { s.Close() })
			tc.fn(t, s)
		})
	}
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func newUser(t *testing.T, s meta.Store) meta.User {
	t.Helper()
	u := meta.User{ID: randHex(16), Email: randHex(6) + "@example.com", PasswordHash: "$argon2id$x", CreatedAt: time.Now().UTC()}
	if err := s.CreateUser(context.Background(), u); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	return u
}

func testUsers(t *testing.T, s meta.Store) {
	ctx := context.Background()
	u := newUser(t, s)
	err := s.CreateUser(ctx, meta.User{ID: randHex(16), Email: u.Email, PasswordHash: "h", CreatedAt: time.Now()})
	if !errors.Is(err, meta.ErrExists) {
		t.Fatalf("duplicate email: err = %v, want ErrExists", err)
	}
	got, err := s.UserByEmail(ctx, u.Email)
	if err != nil || got.ID != u.ID || got.PasswordHash != u.PasswordHash || got.UsedBytes != 0 {
		t.Fatalf("UserByEmail = %+v, %v; want %+v", got, err, u)
	}
	if !got.CreatedAt.Equal(u.CreatedAt) {
		t.Errorf("CreatedAt = %v, want %v", got.CreatedAt, u.CreatedAt)
	}
	got, err = s.UserByID(ctx, u.ID)
	if err != nil || got.Email != u.Email {
		t.Fatalf("UserByID = %+v, %v", got, err)
	}
	if _, err := s.UserByEmail(ctx, "nobody@example.com"); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("unknown email: err = %v", err)
	}
	if _, err := s.UserByID(ctx, randHex(16)); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("unknown id: err = %v", err)
	}
	if err := s.SetPassword(ctx, u.ID, "$argon2id$new"); err != nil {
		t.Fatalf("SetPassword: %v", err)
	}
	if got, _ := s.UserByEmail(ctx, u.Email); got.PasswordHash != "$argon2id$new" {
		t.Fatalf("after SetPassword the hash is %q", got.PasswordHash)
	}
	if err := s.SetPassword(ctx, randHex(16), "h"); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("SetPassword of an unknown id: err = %v", err)
	}
	if err := s.SetLimits(ctx, u.ID, 12345, true); err != nil {
		t.Fatalf("SetLimits: %v", err)
	}
	if got, _ := s.UserByID(ctx, u.ID); got.QuotaBytes != 12345 || !got.Disabled {
		t.Fatalf("after SetLimits: quota %d, disabled %v", got.QuotaBytes, got.Disabled)
	}
	if err := s.SetLimits(ctx, randHex(16), 1, false); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("SetLimits of an unknown id: err = %v", err)
	}
	v := newUser(t, s)
	all, err := s.ListUsers(ctx, 0)
	if err != nil {
		t.Fatalf("ListUsers: %v", err)
	}
	found := 0
	for _, x := range all {
		if x.ID == u.ID && x.Email == u.Email || x.ID == v.ID && x.Email == v.Email {
			found++
		}
	}
	if found != 2 {
		t.Fatalf("ListUsers found %d of the 2 users in %d", found, len(all))
	}
	if one, err := s.ListUsers(ctx, 1); err != nil || len(one) != 1 {
		t.Fatalf("ListUsers(1) = %d users, %v", len(one), err)
	}
}

func testTokens(t *testing.T, s meta.Store) {
	ctx := context.Background()
	fam := randHex(16)
	acc := meta.Token{Hash: randHex(32), Kind: meta.Access, UserID: "u1", FamilyID: fam, ExpiresAt: time.Now().Add(time.Hour)}
	ref := meta.Token{Hash: randHex(32), Kind: meta.Refresh, UserID: "u1", FamilyID: fam, ExpiresAt: time.Now().Add(24 * time.Hour), Pair: acc.Hash}
	for _, tok := range []meta.Token{acc, ref} {
		if err := s.PutToken(ctx, tok); err != nil {
			t.Fatalf("PutToken: %v", err)
		}
	}
	if err := s.PutToken(ctx, acc); !errors.Is(err, meta.ErrExists) {
		t.Fatalf("duplicate token: err = %v, want ErrExists", err)
	}
	got, err := s.GetToken(ctx, ref.Hash)
	if err != nil || got.Kind != meta.Refresh || got.UserID != "u1" || got.FamilyID != fam || got.Pair != acc.Hash || got.Used {
		t.Fatalf("GetToken = %+v, %v", got, err)
	}
	if err := s.UseToken(ctx, ref.Hash); err != nil {
		t.Fatalf("UseToken: %v", err)
	}
	if err := s.UseToken(ctx, ref.Hash); !errors.Is(err, meta.ErrConflict) {
		t.Fatalf("second UseToken: err = %v, want ErrConflict", err)
	}
	if got, _ := s.GetToken(ctx, ref.Hash); !got.Used {
		t.Fatalf("token not marked used")
	}
	if err := s.UseToken(ctx, randHex(32)); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("UseToken unknown: err = %v, want ErrNotFound", err)
	}
	// Concurrent exchanges of one refresh token: exactly one wins.
	ref2 := meta.Token{Hash: randHex(32), Kind: meta.Refresh, UserID: "u1", FamilyID: fam, ExpiresAt: time.Now().Add(time.Hour)}
	if err := s.PutToken(ctx, ref2); err != nil {
		t.Fatal(err)
	}
	var wins int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if s.UseToken(ctx, ref2.Hash) == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d concurrent UseToken calls won, want 1", wins)
	}
	expired := meta.Token{Hash: randHex(32), Kind: meta.Access, UserID: "u1", FamilyID: fam, ExpiresAt: time.Now().Add(-time.Second)}
	if err := s.PutToken(ctx, expired); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetToken(ctx, expired.Hash); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("expired token: err = %v, want ErrNotFound", err)
	}
	if err := s.DeleteToken(ctx, acc.Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetToken(ctx, acc.Hash); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("deleted token: err = %v", err)
	}
	if err := s.DeleteToken(ctx, acc.Hash); err != nil {
		t.Fatalf("deleting an absent token: %v", err)
	}
	if r, err := s.FamilyRevoked(ctx, fam); err != nil || r {
		t.Fatalf("FamilyRevoked before revoke = %v, %v", r, err)
	}
	if err := s.RevokeFamily(ctx, fam, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if r, err := s.FamilyRevoked(ctx, fam); err != nil || !r {
		t.Fatalf("FamilyRevoked after revoke = %v, %v", r, err)
	}
	if r, _ := s.FamilyRevoked(ctx, randHex(16)); r {
		t.Fatalf("other family revoked")
	}
}

func testThrottle(t *testing.T, s meta.Store) {
	ctx := context.Background()
	w := time.Now().Truncate(time.Minute)
	exp := w.Add(time.Hour)
	key := "acct:" + randHex(4)
	for i := int64(1); i <= 3; i++ {
		n, err := s.Count(ctx, key, w, exp, 1, 0)
		if err != nil || n != i {
			t.Fatalf("Count #%d = %d, %v", i, n, err)
		}
	}
	if n, err := s.Counted(ctx, key, w); err != nil || n != 3 {
		t.Fatalf("Counted = %d, %v; want 3", n, err)
	}
	if n, _ := s.Counted(ctx, key, w.Add(time.Minute)); n != 0 {
		t.Fatalf("next window has %d", n)
	}
	if n, _ := s.Counted(ctx, "other", w); n != 0 {
		t.Fatalf("other key has %d", n)
	}
	// Taking off more than there is changes nothing; a missing counter
	// stays 0.
	if n, err := s.Count(ctx, key, w, exp, -5, 0); err != nil || n != 0 {
		t.Fatalf("Count -5 = %d, %v", n, err)
	}
	if n, _ := s.Counted(ctx, key, w); n != 3 {
		t.Fatalf("Count -5 of 3 left %d", n)
	}
	if n, err := s.Count(ctx, "missing:"+randHex(4), w, exp, -1, 0); err != nil || n != 0 {
		t.Fatalf("Count -1 on a missing counter = %d, %v", n, err)
	}
	testLimitedCount(t, s, w, exp)
}

// testLimitedCount: a conditional Count lets exactly limit of many
// concurrent attempts through.
func testLimitedCount(t *testing.T, s meta.Store, w, exp time.Time) {
	ctx := context.Background()
	key := "pair:" + randHex(4)
	const limit, tries = 7, 60
	var ok, limited atomic.Int64
	var wg sync.WaitGroup
	for i := 0; i < tries; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Count(ctx, key, w, exp, 1, limit)
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, meta.ErrLimited):
				limited.Add(1)
			default:
				t.Errorf("Count: %v", err)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != limit || limited.Load() != tries-limit {
		t.Fatalf("%d concurrent attempts at a limit of %d: %d counted, %d limited", tries, limit, ok.Load(), limited.Load())
	}
	if n, _ := s.Counted(ctx, key, w); n != limit {
		t.Fatalf("Counted = %d, want %d", n, limit)
	}
	if n, err := s.Count(ctx, key, w, exp, -1, 0); err != nil || n != limit-1 {
		t.Fatalf("taking one back = %d, %v", n, err)
	}
	if _, err := s.Count(ctx, key, w, exp, 1, limit); err != nil {
		t.Fatalf("after taking one back, one more: %v", err)
	}
}

func rec(size int64, title string) *meta.Recording {
	now := time.Now().UTC().Truncate(time.Millisecond)
	return &meta.Recording{Recording: api.Recording{
		RecordingMeta: api.RecordingMeta{
			Title: title, CreatedAt: now, DurationMS: 1000, Format: "opus", SampleRate: 48000, Channels: 1,
			SizeBytes: size, SHA256: randHex(32),
		},
		Version: 1, UpdatedAt: now,
	}}
}

func create(r *meta.Recording) meta.UpdateFunc {
	return func(cur *meta.Recording, _ int64) (*meta.Recording, error) {
		if cur != nil {
			return nil, nil
		}
		c := *r
		return &c, nil
	}
}

func testRecordingLifecycle(t *testing.T, s meta.Store) {
	ctx := context.Background()
	u := newUser(t, s)
	id := api.NewID()
	if _, err := s.GetRecording(ctx, u.ID, id); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("GetRecording before create: err = %v", err)
	}
	r1, err := s.UpdateRecording(ctx, u.ID, id, create(rec(100, "first")))
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if r1.ID != id || r1.Seq < 1 || r1.Title != "first" || r1.Version != 1 {
		t.Fatalf("created %+v", r1)
	}
	got, err := s.GetRecording(ctx, u.ID, id)
	if err != nil || got.Title != "first" || got.Seq != r1.Seq || got.SHA256 != r1.SHA256 || !got.CreatedAt.Equal(r1.CreatedAt) {
		t.Fatalf("GetRecording = %+v, %v", got, err)
	}
	if uu, _ := s.UserByID(ctx, u.ID); uu.UsedBytes != 100 {
		t.Fatalf("UsedBytes = %d, want 100", uu.UsedBytes)
	}
	// A retried create sees the recording and changes nothing.
	again, err := s.UpdateRecording(ctx, u.ID, id, create(rec(100, "other")))
	if err != nil || again.Seq != r1.Seq || again.Title != "first" {
		t.Fatalf("retried create = %+v, %v", again, err)
	}
	var sawUsed int64 = -1
	r2, err := s.UpdateRecording(ctx, u.ID, id, func(cur *meta.Recording, used int64) (*meta.Recording, error) {
		sawUsed = used
		n := *cur
		n.Title, n.Version = "second", cur.Version+1
		return &n, nil
	})
	if err != nil || r2.Seq <= r1.Seq || r2.Title != "second" || r2.Version != 2 {
		t.Fatalf("rename = %+v, %v", r2, err)
	}
	if sawUsed != 100 {
		t.Fatalf("UpdateFunc saw used %d, want 100", sawUsed)
	}
	del := time.Now().UTC()
	r3, err := s.UpdateRecording(ctx, u.ID, id, func(cur *meta.Recording, _ int64) (*meta.Recording, error) {
		n := *cur
		n.Deleted, n.DeletedAt, n.DeleteScope, n.ExpiresAt = true, &del, api.ScopeCloud, del.Add(30*24*time.Hour)
		return &n, nil
	})
	if err != nil || !r3.Deleted || r3.Seq <= r2.Seq {
		t.Fatalf("delete = %+v, %v", r3, err)
	}
	if uu, _ := s.UserByID(ctx, u.ID); uu.UsedBytes != 0 {
		t.Fatalf("UsedBytes after delete = %d, want 0", uu.UsedBytes)
	}
	got, err = s.GetRecording(ctx, u.ID, id)
	if err != nil || !got.Deleted || got.DeletedAt == nil || got.ExpiresAt.IsZero() || got.DeleteScope != api.ScopeCloud {
		t.Fatalf("tombstone = %+v, %v", got, err)
	}
	// The scope travels with the tombstone: other devices tell "removed
	// from the cloud" from "deleted everywhere" by it.
	ch, err := s.ListChanges(ctx, u.ID, r1.Seq, 10)
	if err != nil || len(ch) != 1 || ch[0].ID != id || !ch[0].Deleted || ch[0].DeleteScope != api.ScopeCloud {
		t.Fatalf("ListChanges since create = %+v, %v", ch, err)
	}
	if ch, _ := s.ListChanges(ctx, u.ID, r3.Seq, 10); len(ch) != 0 {
		t.Fatalf("ListChanges since last = %+v", ch)
	}
	if _, err := s.PurgeExpired(ctx, time.Now()); err != nil {
		t.Fatalf("PurgeExpired: %v", err)
	}
	if _, err := s.GetRecording(ctx, u.ID, id); err != nil {
		t.Fatalf("tombstone purged before it expired: %v", err)
	}
}

func testUpdateAbort(t *testing.T, s meta.Store) {
	ctx := context.Background()
	u := newUser(t, s)
	id := api.NewID()
	r1, err := s.UpdateRecording(ctx, u.ID, id, create(rec(10, "a")))
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	_, err = s.UpdateRecording(ctx, u.ID, id, func(cur *meta.Recording, _ int64) (*meta.Recording, error) { return nil, boom })
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want fn's error", err)
	}
	got, _ := s.GetRecording(ctx, u.ID, id)
	if got.Seq != r1.Seq || got.Title != "a" {
		t.Fatalf("aborted update changed the recording: %+v", got)
	}
	r2, err := s.UpdateRecording(ctx, u.ID, api.NewID(), create(rec(10, "b")))
	if err != nil || r2.Seq != r1.Seq+1 {
		t.Fatalf("next change after an abort has seq %d, want %d (%v)", r2.Seq, r1.Seq+1, err)
	}
	if _, err := s.UpdateRecording(ctx, u.ID, api.NewID(), func(*meta.Recording, int64) (*meta.Recording, error) { return nil, nil }); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("no-op on an absent recording: err = %v, want ErrNotFound", err)
	}
	if _, err := s.UpdateRecording(ctx, randHex(16), api.NewID(), create(rec(1, "x"))); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("update for an unknown user: err = %v, want ErrNotFound", err)
	}
}

func testUserIsolation(t *testing.T, s meta.Store) {
	ctx := context.Background()
	a, b := newUser(t, s), newUser(t, s)
	id := api.NewID()
	if _, err := s.UpdateRecording(ctx, a.ID, id, create(rec(5, "a's"))); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetRecording(ctx, b.ID, id); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("b reads a's recording: err = %v", err)
	}
	if ch, _ := s.ListChanges(ctx, b.ID, 0, 100); len(ch) != 0 {
		t.Fatalf("b lists a's recordings: %+v", ch)
	}
	// b creating the same id makes b's own recording; a's is untouched.
	rb, err := s.UpdateRecording(ctx, b.ID, id, create(rec(7, "b's")))
	if err != nil || rb.Title != "b's" {
		t.Fatalf("b's create = %+v, %v", rb, err)
	}
	ra, _ := s.GetRecording(ctx, a.ID, id)
	if ra.Title != "a's" || ra.SizeBytes != 5 {
		t.Fatalf("a's recording changed: %+v", ra)
	}
	ua, _ := s.UserByID(ctx, a.ID)
	ub, _ := s.UserByID(ctx, b.ID)
	if ua.UsedBytes != 5 || ub.UsedBytes != 7 {
		t.Fatalf("used bytes a=%d b=%d, want 5 and 7", ua.UsedBytes, ub.UsedBytes)
	}
}

func testExpiredTombstone(t *testing.T, s meta.Store) {
	ctx := context.Background()
	u := newUser(t, s)
	id := api.NewID()
	r1, err := s.UpdateRecording(ctx, u.ID, id, create(rec(5, "gone")))
	if err != nil {
		t.Fatal(err)
	}
	past := time.Now().Add(-time.Hour).UTC()
	if _, err := s.UpdateRecording(ctx, u.ID, id, func(cur *meta.Recording, _ int64) (*meta.Recording, error) {
		n := *cur
		n.Deleted, n.DeletedAt, n.ExpiresAt = true, &past, past
		return &n, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetRecording(ctx, u.ID, id); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("expired tombstone still readable: err = %v", err)
	}
	if ch, _ := s.ListChanges(ctx, u.ID, r1.Seq-1, 10); len(ch) != 0 {
		t.Fatalf("expired tombstone listed: %+v", ch)
	}
	if _, err := s.PurgeExpired(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	var sawNil bool
	r, err := s.UpdateRecording(ctx, u.ID, id, func(cur *meta.Recording, _ int64) (*meta.Recording, error) {
		sawNil = cur == nil
		return rec(5, "reborn"), nil
	})
	if err != nil || !sawNil || r.Title != "reborn" {
		t.Fatalf("create over an expired tombstone: %+v, %v (cur nil: %v)", r, err, sawNil)
	}
}

func testFeedPaging(t *testing.T, s meta.Store) {
	ctx := context.Background()
	u := newUser(t, s)
	want := map[string]bool{}
	for i := 0; i < 25; i++ {
		id := api.NewID()
		want[id] = true
		if _, err := s.UpdateRecording(ctx, u.ID, id, create(rec(1, fmt.Sprint(i)))); err != nil {
			t.Fatal(err)
		}
	}
	var since int64
	got := map[string]bool{}
	for pages := 0; ; pages++ {
		ch, err := s.ListChanges(ctx, u.ID, since, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ch) == 0 {
			if pages != 3 {
				t.Fatalf("%d pages of 10 for 25 recordings, want 3", pages)
			}
			break
		}
		if len(ch) > 10 {
			t.Fatalf("page of %d, limit 10", len(ch))
		}
		for _, r := range ch {
			if r.Seq <= since {
				t.Fatalf("seq %d not after %d", r.Seq, since)
			}
			since = r.Seq
			got[r.ID] = true
		}
	}
	if len(got) != len(want) {
		t.Fatalf("listed %d recordings, want %d", len(got), len(want))
	}
}

// testConcurrentFeed: writers change recordings while a reader follows the
// feed from its last cursor; afterwards the reader must know every
// recording's final state, which fails if a change landed below its cursor.
func testConcurrentFeed(t *testing.T, s meta.Store) {
	ctx := context.Background()
	u := newUser(t, s)
	const writers, changes = 4, 8
	var wg sync.WaitGroup
	done := make(chan struct{})
	errc := make(chan error, writers+1)
	seen := map[string]int64{}
	var since int64
	var readerWG sync.WaitGroup
	readerWG.Add(1)
	go func() {
		defer readerWG.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			ch, err := s.ListChanges(ctx, u.ID, since, 50)
			if err != nil {
				errc <- err
				return
			}
			for _, r := range ch {
				seen[r.ID] = r.Version
				since = r.Seq
			}
		}
	}()
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := api.NewID()
			for i := 0; i < changes; i++ {
				_, err := s.UpdateRecording(ctx, u.ID, id, func(cur *meta.Recording, _ int64) (*meta.Recording, error) {
					if cur == nil {
						return rec(1, "v1"), nil
					}
					n := *cur
					n.Version++
					return &n, nil
				})
				if err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	readerWG.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	final, err := s.ListChanges(ctx, u.ID, since, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range final {
		seen[r.ID] = r.Version
	}
	all, _ := s.ListChanges(ctx, u.ID, 0, 100)
	if len(all) != writers {
		t.Fatalf("%d recordings listed, want %d", len(all), writers)
	}
	seqs := map[int64]bool{}
	for _, r := range all {
		if r.Version != changes {
			t.Errorf("recording %s at version %d, want %d", r.ID, r.Version, changes)
		}
		if seen[r.ID] != r.Version {
			t.Errorf("feed reader saw %s at version %d, final is %d: a change landed below its cursor", r.ID, seen[r.ID], r.Version)
		}
		if seqs[r.Seq] {
			t.Errorf("seq %d used twice", r.Seq)
		}
		seqs[r.Seq] = true
	}
}

func testUploads(t *testing.T, s meta.Store) {
	ctx := context.Background()
	id := api.NewID()
	if _, err := s.GetUpload(ctx, "u1", id); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("GetUpload before put: err = %v", err)
	}
	up := meta.Upload{UserID: "u1", RecordingID: id, BlobUpload: "b1", UpdatedAt: time.Now().UTC()}
	if err := s.PutUpload(ctx, up, -1); err != nil {
		t.Fatalf("PutUpload new: %v", err)
	}
	if err := s.PutUpload(ctx, up, -1); !errors.Is(err, meta.ErrConflict) {
		t.Fatalf("second new PutUpload: err = %v, want ErrConflict", err)
	}
	up2 := up
	up2.Received, up2.Parts, up2.HashState = 100, []meta.Part{{Number: 1, ETag: "e1", Size: 100, SHA256: hex.EncodeToString(make([]byte, 32))}}, []byte{1, 2, 3}
	if err := s.PutUpload(ctx, up2, 0); err != nil {
		t.Fatalf("PutUpload CAS: %v", err)
	}
	if err := s.PutUpload(ctx, up2, 0); !errors.Is(err, meta.ErrConflict) {
		t.Fatalf("stale PutUpload: err = %v, want ErrConflict", err)
	}
	got, err := s.GetUpload(ctx, "u1", id)
	if err != nil || got.Received != 100 || got.BlobUpload != "b1" || len(got.Parts) != 1 || got.Parts[0] != up2.Parts[0] || string(got.HashState) != string(up2.HashState) {
		t.Fatalf("GetUpload = %+v, %v", got, err)
	}
	if _, err := s.GetUpload(ctx, "u2", id); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("another user's upload: err = %v", err)
	}
	if err := s.DeleteUpload(ctx, "u1", id); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetUpload(ctx, "u1", id); !errors.Is(err, meta.ErrNotFound) {
		t.Fatalf("GetUpload after delete: err = %v", err)
	}
	if err := s.DeleteUpload(ctx, "u1", id); err != nil {
		t.Fatalf("deleting an absent upload: %v", err)
	}
	testStaleUploads(t, s)
}

// testStaleUploads: StaleUploads finds uploads last changed before a time,
// of any user, and not the fresh ones.
func testStaleUploads(t *testing.T, s meta.Store) {
	ctx := context.Background()
	old := meta.Upload{UserID: "u" + randHex(4), RecordingID: api.NewID(), BlobUpload: "old", UpdatedAt: time.Now().Add(-48 * time.Hour).UTC()}
	fresh := meta.Upload{UserID: "u" + randHex(4), RecordingID: api.NewID(), BlobUpload: "fresh", UpdatedAt: time.Now().UTC()}
	for _, u := range []meta.Upload{old, fresh} {
		if err := s.PutUpload(ctx, u, -1); err != nil {
			t.Fatal(err)
		}
	}
	stale, err := s.StaleUploads(ctx, time.Now().Add(-24*time.Hour), 1000)
	if err != nil {
		t.Fatalf("StaleUploads: %v", err)
	}
	var found bool
	for _, u := range stale {
		found = found || u.UserID == old.UserID && u.RecordingID == old.RecordingID && u.BlobUpload == "old"
		if u.BlobUpload == "fresh" {
			t.Fatalf("StaleUploads returned a fresh upload")
		}
	}
	if !found {
		t.Fatalf("StaleUploads missed the stale upload: %+v", stale)
	}
}

// testMetadata: tags, favourite, bookmarks and the transcript's version
// and checksum are stored and listed as they were written.
func testMetadata(t *testing.T, s meta.Store) {
	ctx := context.Background()
	u := newUser(t, s)
	id := api.NewID()
	r := rec(10, "tagged")
	r.Tags, r.Favorite = []string{"big meeting", "work"}, true
	r.Bookmarks = []api.Bookmark{{ID: api.NewID(), AtMS: 250, Name: "Intro", CreatedAt: r.CreatedAt}, {ID: api.NewID(), AtMS: 900}}
	r.TranscriptVersion, r.TranscriptSHA256 = 3, randHex(32)
	if _, err := s.UpdateRecording(ctx, u.ID, id, create(r)); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetRecording(ctx, u.ID, id)
	feed, ferr := s.ListChanges(ctx, u.ID, 0, 10)
	if err != nil || ferr != nil || len(feed) != 1 {
		t.Fatalf("read back: %v, %v, %d in the feed", err, ferr, len(feed))
	}
	for _, g := range []meta.Recording{got, feed[0]} {
		if !slices.Equal(g.Tags, r.Tags) || !g.Favorite || len(g.Bookmarks) != 2 || g.Bookmarks[0].Name != "Intro" ||
			!g.Bookmarks[0].CreatedAt.Equal(r.CreatedAt) || g.Bookmarks[1].AtMS != 900 ||
			g.TranscriptVersion != 3 || g.TranscriptSHA256 != r.TranscriptSHA256 {
			t.Fatalf("stored %+v", g.Recording)
		}
	}
}
