package library

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
)

// TestConcurrentGoroutines writes from many goroutines through two Library
// values on one folder (two connection pools, as two processes would have).
func TestConcurrentGoroutines(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	libs := []*Library{openTest(t, dir), openTest(t, dir)}
	const workers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			l := libs[w%2]
			for i := range each {
				r, err := commitTone(ctx, l, fmt.Sprintf("w%d-%d", w, i), audio.WAV, 0.01)
				if err == nil {
					err = l.Rename(ctx, r.ID, r.Title+"!")
				}
				if err == nil && i%3 == 0 {
					err = l.Trash(ctx, r.ID)
				}
				if err == nil {
					_, err = l.List(ctx, ListOptions{Query: "w", Limit: 20})
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	all, err := libs[0].List(ctx, ListOptions{Trash: WithTrashed})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != workers*each {
		t.Fatalf("%d recordings, want %d", len(all), workers*each)
	}
	for _, r := range all {
		if r.Version != 2 || r.Title[len(r.Title)-1] != '!' {
			t.Fatalf("lost a rename: %+v", r)
		}
	}
}

// TestTwoProcesses runs writers in two other OS processes and this one at
// once against one data folder.
func TestTwoProcesses(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "new") // all three create it at once
	const each = 15
	var cmds []interface{ Wait() error }
	for range 2 {
		cmd := runHelper(t, dir, "writer", fmt.Sprint(each))
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, cmd)
	}
	l := openTest(t, dir)
	for i := range each {
		r, err := commitTone(ctx, l, fmt.Sprintf("parent #%d", i), audio.WAV, 0.02)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Rename(ctx, r.ID, r.Title+" renamed"); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("writer process: %v", err)
		}
	}
	n, err := l.Count(ctx, ListOptions{Query: "renamed"})
	if err != nil || n != 3*each {
		t.Fatalf("%d renamed recordings (%v), want %d", n, err, 3*each)
	}
}

// TestNotifications: changes made here arrive at once, changes made by
// another process arrive by polling.
func TestNotifications(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := openTest(t, dir)
	r := mustCommit(t, l, "before subscribing") // not delivered
	ch, cancel := l.Subscribe()
	defer cancel()

	r2 := mustCommit(t, l, "after")
	expect(t, ch, Change{ID: r2.ID, Op: Added})
	if err := l.Trash(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	expect(t, ch, Change{ID: r.ID, Op: Trashed})

	// Another process renames; a second Library here sees it too.
	other := openTest(t, dir)
	ch2, cancel2 := other.Subscribe()
	defer cancel2()
	cmd := runHelper(t, dir, "rename", r2.ID+"=from elsewhere")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	expect(t, ch, Change{ID: r2.ID, Op: Updated})
	expect(t, ch2, Change{ID: r2.ID, Op: Updated})
	if got, _ := l.Get(ctx, r2.ID); got.Title != "from elsewhere" {
		t.Fatalf("title %q", got.Title)
	}

	cancel()
	if _, open := <-ch; open {
		t.Fatal("channel open after cancel")
	}
}

func expect(t *testing.T, ch <-chan Change, want Change) {
	t.Helper()
	select {
	case got := <-ch:
		if got != want {
			t.Fatalf("change %+v, want %+v", got, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no change within 5 s, want %+v", want)
	}
}

// TestSlowSubscriberGetsReset: a subscriber that does not read is never
// waited for; it gets one Reset in place of what it missed.
func TestSlowSubscriberGetsReset(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	r := mustCommit(t, l, "x")
	ch, cancel := l.Subscribe()
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range maxQueued + 10 {
			if err := l.Rename(ctx, r.ID, fmt.Sprint(i)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("writes blocked by a subscriber that does not read")
	}
	// Drain: somewhere there is a Reset, and the last rename is delivered.
	sawReset := false
	deadline := time.After(10 * time.Second)
	for {
		select {
		case c := <-ch:
			if c.Op == Reset {
				sawReset = true
			}
			if sawReset && c.Op == Updated {
				if got, _ := l.Get(ctx, r.ID); got.Title == fmt.Sprint(maxQueued+9) {
					return
				}
			}
		case <-deadline:
			t.Fatalf("drained without the final change (reset seen: %v)", sawReset)
		}
	}
}
