package library

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
)

// TestMain lets the test binary play a second process: with
// EARSHOT_LIBTEST_ROLE set it runs that role against EARSHOT_LIBTEST_DIR.
func TestMain(m *testing.M) {
	if role := os.Getenv("EARSHOT_LIBTEST_ROLE"); role != "" {
		if err := helper(role, os.Getenv("EARSHOT_LIBTEST_DIR"), os.Args[len(os.Args)-1]); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func helper(role, dir, arg string) error {
	ctx := context.Background()
	l, err := Open(ctx, dir)
	if err != nil {
		return err
	}
	defer l.Close()
	switch role {
	case "writer": // arg: how many recordings to add, rename and list
		n, _ := strconv.Atoi(arg)
		for i := range n {
			r, err := commitTone(ctx, l, fmt.Sprintf("proc %d #%d", os.Getpid(), i), audio.WAV, 0.02)
			if err != nil {
				return err
			}
			if err := l.Rename(ctx, r.ID, r.Title+" renamed"); err != nil {
				return err
			}
			if _, err := l.List(ctx, ListOptions{Limit: 50}); err != nil {
				return err
			}
		}
	case "rename": // arg: id=title
		id, title, _ := strings.Cut(arg, "=")
		return l.Rename(ctx, id, title)
	case "recorder": // arg: format; records 1 s, fsyncs, says so, and waits to be killed
		p, err := l.BeginRecording(ctx, "live", audio.Format(arg))
		if err != nil {
			return err
		}
		enc, err := audio.Create(p.PartPath, p.Format, 48000, 1)
		if err != nil {
			return err
		}
		if err := enc.Write(tone(48000, 1, 440)); err != nil {
			return err
		}
		if err := enc.Sync(); err != nil {
			return err
		}
		fmt.Println("ready", p.ID)
		time.Sleep(time.Hour)
	default:
		return fmt.Errorf("unknown role %q", role)
	}
	return nil
}

// runHelper starts the test binary as a helper process.
func runHelper(t *testing.T, dir, role, arg string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$", arg)
	cmd.Env = append(os.Environ(), "EARSHOT_LIBTEST_ROLE="+role, "EARSHOT_LIBTEST_DIR="+dir)
	cmd.Stderr = os.Stderr
	return cmd
}

// startRecorderProcess starts a helper that records and stays alive; it
// returns once the audio is fsynced, with the recording's id.
func startRecorderProcess(t *testing.T, dir string, format audio.Format) (*exec.Cmd, string) {
	t.Helper()
	cmd := runHelper(t, dir, "recorder", string(format))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("recorder helper: %v", err)
	}
	id, ok := strings.CutPrefix(strings.TrimSpace(line), "ready ")
	if !ok {
		t.Fatalf("recorder helper said %q", line)
	}
	return cmd, id
}

// tone is secs seconds of a sine at freq Hz, mono, at half scale.
func tone(rate int, secs float64, freq float64) []int16 {
	pcm := make([]int16, int(float64(rate)*secs))
	for i := range pcm {
		pcm[i] = int16(16000 * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
	}
	return pcm
}

// writeTone writes a finished file of secs seconds of 440 Hz.
func writeTone(path string, format audio.Format, secs float64) (audio.Info, error) {
	enc, err := audio.Create(path, format, 48000, 1)
	if err != nil {
		return audio.Info{}, err
	}
	if err := enc.Write(tone(48000, secs, 440)); err != nil {
		return audio.Info{}, err
	}
	return enc.Close()
}

// commitTone records secs seconds of tone through the real recording flow.
func commitTone(ctx context.Context, l *Library, title string, format audio.Format, secs float64) (Recording, error) {
	p, err := l.BeginRecording(ctx, title, format)
	if err != nil {
		return Recording{}, err
	}
	info, err := writeTone(p.PartPath, format, secs)
	if err != nil {
		return Recording{}, err
	}
	return l.Commit(ctx, p, info)
}

func mustCommit(t *testing.T, l *Library, title string) Recording {
	t.Helper()
	r, err := commitTone(context.Background(), l, title, audio.WAV, 0.05)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// clock is a settable time source for trash expiry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func openAt(t *testing.T, dir string, now func() time.Time) *Library {
	t.Helper()
	l, err := open(context.Background(), dir, now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func openTest(t *testing.T, dir string) *Library { t.Helper(); return openAt(t, dir, time.Now) }

func incomingEntries(t *testing.T, l *Library) []string {
	t.Helper()
	es, err := os.ReadDir(l.incomingDir())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		if e.Name() != ".lock" {
			names = append(names, e.Name())
		}
	}
	return names
}
