package library

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
)

// TestRecoverKilledRecorder: a recorder process is SIGKILLed with a second of
// fsynced audio; while it lives nobody recovers it, after its death the next
// Open does, marked recovered, with that second.
func TestRecoverKilledRecorder(t *testing.T) {
	for _, f := range []audio.Format{audio.WAV, audio.Opus} {
		t.Run(string(f), func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			cmd, id := startRecorderProcess(t, dir, f)

			l := openTest(t, dir) // the recorder is alive: hands off
			if len(l.Recovered()) != 0 || len(l.RecoveryErrors()) != 0 {
				t.Fatalf("recovered a live recording: %v %v", l.Recovered(), l.RecoveryErrors())
			}
			if _, err := l.Get(ctx, id); err == nil {
				t.Fatal("live recording indexed")
			}
			l.Close()

			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			l = openTest(t, dir)
			rec := l.Recovered()
			if len(rec) != 1 || rec[0].ID != id || !rec[0].Recovered || rec[0].Title != "live" {
				t.Fatalf("recovered %+v, errors %v", rec, l.RecoveryErrors())
			}
			if d := rec[0].Duration; d < 990*time.Millisecond || d > 1010*time.Millisecond {
				t.Fatalf("recovered %v of 1 s", d)
			}
			got, err := l.Get(ctx, id)
			if err != nil || !got.Recovered || got.SHA256 == "" {
				t.Fatalf("indexed %+v, %v", got, err)
			}
			info, err := audio.Probe(l.AudioPath(got))
			if err != nil || info.Duration < 990*time.Millisecond {
				t.Fatalf("recovered file probes as %+v, %v", info, err)
			}
			if left := incomingEntries(t, l); len(left) != 0 {
				t.Fatalf("incoming still holds %v", left)
			}
			l.Close()
			// Once only.
			if l = openTest(t, dir); len(l.Recovered()) != 0 {
				t.Fatalf("recovered twice: %v", l.Recovered())
			}
		})
	}
}

// TestRecoverAfterDeathInCommit covers a kill inside Commit, after the audio
// moved into recordings/ and before the row was written.
func TestRecoverAfterDeathInCommit(t *testing.T) {
	dir := t.TempDir()
	l := openTest(t, dir)
	p, err := l.BeginRecording(context.Background(), "moved", audio.WAV)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := writeTone(p.PartPath, audio.WAV, 0.5); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(p.PartPath, l.audioPath(p.ID, p.Format)); err != nil {
		t.Fatal(err)
	}
	p.lock.Close() // the process dies: its lock goes
	l.Close()
	l = openTest(t, dir)
	if rec := l.Recovered(); len(rec) != 1 || rec[0].ID != p.ID || rec[0].Duration != 500*time.Millisecond {
		t.Fatalf("recovered %+v, errors %v", rec, l.RecoveryErrors())
	}
}

// TestRecoverNothingCaptured: killed before any audio: no entry, no leftovers.
// Leftovers of an interrupted import (no sidecar) go too.
func TestRecoverNothingCaptured(t *testing.T) {
	dir := t.TempDir()
	l := openTest(t, dir)
	p, err := l.BeginRecording(context.Background(), "empty", audio.Opus)
	if err != nil {
		t.Fatal(err)
	}
	p.lock.Close()
	if err := os.WriteFile(l.partPath("01890a5d-ac96-774b-bcce-b302099a8057", audio.Opus), []byte("OggS half an import"), 0o600); err != nil {
		t.Fatal(err)
	}
	l.Close()
	l = openTest(t, dir)
	if len(l.Recovered()) != 0 || len(l.RecoveryErrors()) != 0 {
		t.Fatalf("recovered %v, errors %v", l.Recovered(), l.RecoveryErrors())
	}
	if left := incomingEntries(t, l); len(left) != 0 {
		t.Fatalf("incoming still holds %v", left)
	}
}

// TestRecoveryErrorKeepsFiles: an unrepairable part file is reported and
// kept for the next attempt, never deleted.
func TestRecoveryErrorKeepsFiles(t *testing.T) {
	dir := t.TempDir()
	l := openTest(t, dir)
	p, err := l.BeginRecording(context.Background(), "garbage", audio.WAV)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p.PartPath, []byte("this is not a WAV file at all, not even close"), 0o600); err != nil {
		t.Fatal(err)
	}
	p.lock.Close()
	l.Close()
	l = openTest(t, dir)
	if errs := l.RecoveryErrors(); len(errs) != 1 {
		t.Fatalf("recovery errors %v", errs)
	}
	if _, err := os.Stat(p.PartPath); err != nil {
		t.Fatalf("part file gone: %v", err)
	}
}
