package device

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// waitPosition polls until the player's position reaches at least d.
func waitPosition(t *testing.T, p *Player, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for p.Position() < d {
		if time.Now().After(deadline) {
			t.Fatalf("position stuck at %s, waiting for %s", p.Position(), d)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestPlayerSeeksPausesAndEndsOnTheNullBackend(t *testing.T) {
	p, err := NewPlayer(context.Background(), tone(t, 440, 0.5, 3), "null")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Duration() != 3*time.Second || p.Position() != 0 {
		t.Fatalf("new player: duration %s, position %s", p.Duration(), p.Position())
	}
	start := time.Now()
	if err := p.Play(); err != nil {
		t.Fatal(err)
	}
	waitPosition(t, p, 600*time.Millisecond)
	if wall := time.Since(start); wall < 450*time.Millisecond {
		t.Fatalf("played 600 ms in %s: faster than real time", wall)
	}
	p.Pause()
	at := p.Position()
	time.Sleep(300 * time.Millisecond)
	if p.Position() != at || p.Playing() {
		t.Fatalf("paused at %s, now at %s (playing %v)", at, p.Position(), p.Playing())
	}
	if err := p.Seek(2500 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if p.Position() != 2500*time.Millisecond {
		t.Fatalf("after Seek(2.5s) position is %s", p.Position())
	}
	done := p.Done()
	start = time.Now()
	if err := p.Play(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatalf("not done 3 s after playing the last 0.5 s (position %s)", p.Position())
	}
	if wall := time.Since(start); wall < 400*time.Millisecond {
		t.Fatalf("the last 0.5 s played in %s", wall)
	}
	if p.Position() != p.Duration() || p.Playing() {
		t.Fatalf("at the end: position %s of %s, playing %v", p.Position(), p.Duration(), p.Playing())
	}
	// Play at the end starts over.
	if err := p.Play(); err != nil {
		t.Fatal(err)
	}
	if pos := p.Position(); pos > time.Second {
		t.Fatalf("Play after the end resumed at %s, want the start", pos)
	}
}

func TestPlayerPlaysFromTheSeekPointIntoPulseAudio(t *testing.T) {
	path := filepath.Join(t.TempDir(), "two-tones.wav")
	run(t, "sox", tone(t, 1000, 0.5, 1.5), tone(t, 2500, 0.5, 1.5), path)
	// hearChecked plays to the end (and checks the position reached 3 s);
	// a capture disturbed by a sound-server underrun is tried again.
	hearChecked(t, path, func(p *Player) error { return p.Seek(1500 * time.Millisecond) }, func(heard []int16) error {
		first, last, blocks := loudSpan(heard, 48000, -30)
		if first < 0 || !within(float64(blocks)/100, 1.5, 0.03) {
			return fmt.Errorf("heard %d ms of sound, want the last 1.5 s of the file", blocks*10)
		}
		// Judge 10 ms blocks one by one: a busy machine can make PulseAudio
		// insert a gap, and the phase jump would smear a whole-signal measure.
		var high, low int
		for i := first; i+480 <= last; i += 480 {
			b := heard[i : i+480]
			if toneFraction(b, 48000, 2500) > 0.9 {
				high++
			}
			if toneFraction(b, 48000, 1000) > 0.5 {
				low++
			}
		}
		if low > 0 || high < blocks*9/10 {
			return fmt.Errorf("of %d loud 10 ms blocks, %d are 2.5 kHz and %d are 1 kHz: want only the part after the seek point", blocks, high, low)
		}
		return nil
	})
}

func TestPlayFileReturnsAtTheEndOrOnCancel(t *testing.T) {
	short := tone(t, 440, 0.5, 0.4)
	start := time.Now()
	if err := PlayFile(context.Background(), short, "null"); err != nil {
		t.Fatal(err)
	}
	if wall := time.Since(start); wall < 350*time.Millisecond || wall > 3*time.Second {
		t.Fatalf("PlayFile of 0.4 s returned after %s", wall)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start = time.Now()
	err := PlayFile(ctx, tone(t, 440, 0.5, 5), "null")
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Fatalf("PlayFile cancelled after 200 ms: %v after %s", err, time.Since(start))
	}
	if err := PlayFile(context.Background(), filepath.Join(t.TempDir(), "missing.wav"), "null"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("PlayFile of a missing file: %v", err)
	}
}
