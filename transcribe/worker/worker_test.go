package worker

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/transcribe"
)

// TestMain lets the test binary be a second process: a transcriber that
// the kill test stops with SIGKILL.
func TestMain(m *testing.M) {
	if dir := os.Getenv("EARSHOT_WORKERTEST_DIR"); dir != "" {
		lib, err := library.Open(context.Background(), dir)
		if err == nil {
			err = New(lib, Options{Hold: func() bool { return false }}).Drain(context.Background())
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const speech = "../testdata/jfk.wav"

func openLib(t *testing.T, dir string) *library.Library {
	t.Helper()
	lib, err := library.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	return lib
}

// importFile adds a file to the library as a person's import would.
func importFile(t *testing.T, lib *library.Library, path string) library.Recording {
	t.Helper()
	r, err := lib.Import(context.Background(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// speechTimes writes n copies of the JFK clip with 3 s of silence between
// (so each is its own segment), as 16 kHz WAV.
func speechTimes(t *testing.T, n int) string {
	t.Helper()
	d, err := audio.OpenDecoder(speech)
	if err != nil {
		t.Fatal(err)
	}
	pcm := make([]int16, d.Info().Frames)
	k, _ := d.Read(pcm)
	d.Close()
	path := filepath.Join(t.TempDir(), fmt.Sprintf("jfk-x%d.wav", n))
	enc, err := audio.Create(path, audio.WAV, transcribe.Rate, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		enc.Write(pcm[:k])
		enc.Write(make([]int16, 3*transcribe.Rate))
	}
	if _, err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func drain(t *testing.T, lib *library.Library, opts Options) {
	t.Helper()
	if opts.Hold == nil {
		opts.Hold = func() bool { return false }
	}
	if err := New(lib, opts).Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestImportedRecordingIsTranscribedAndFound: an import queues a job by
// itself; the worker's transcript is searchable at the word's time.
func TestImportedRecordingIsTranscribedAndFound(t *testing.T) {
	ctx := context.Background()
	lib := openLib(t, t.TempDir())
	r := importFile(t, lib, speech)
	if info, _ := lib.Transcript(ctx, r.ID); info.State != library.TranscriptQueued {
		t.Fatalf("after import: %s, want queued", info.State)
	}
	drain(t, lib, Options{})
	info, err := lib.Transcript(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if info.State != library.TranscriptDone || info.Transcript.Engine != "pocketsphinx" || len(info.Transcript.Segments) == 0 {
		t.Fatalf("after the worker: %+v", info)
	}
	hits, err := lib.Search(ctx, "country", library.SearchOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || (hits[0].At-5860*time.Millisecond).Abs() > 500*time.Millisecond {
		t.Fatalf("search country: %+v, want a hit at 5.86 s ± 0.5 s", hits)
	}
}

// TestCorruptRecordingFailsAlone: a damaged file fails its job with one
// plain line; the next recording is transcribed all the same.
func TestCorruptRecordingFailsAlone(t *testing.T) {
	ctx := context.Background()
	lib := openLib(t, t.TempDir())
	bad := importFile(t, lib, speech)
	good := importFile(t, lib, speech)
	// Damage the stored file: keep the WAV header, scramble the size fields.
	path := lib.AudioPath(bad)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append([]byte("RIFF\xff\xff\xff\xffWAVEjunk"), b[200:300]...), 0o600); err != nil {
		t.Fatal(err)
	}
	var logged []string
	drain(t, lib, Options{Log: func(id, msg string) { logged = append(logged, msg) }})
	info, _ := lib.Transcript(ctx, bad.ID)
	if info.State != library.TranscriptFailed || strings.Contains(info.Error, "\n") ||
		!strings.Contains(info.Error, "cannot be transcribed") || strings.Contains(info.Error, path) {
		t.Fatalf("damaged: state %s, reason %q", info.State, info.Error)
	}
	if info, _ := lib.Transcript(ctx, good.ID); info.State != library.TranscriptDone {
		t.Fatalf("the good one after the bad one: %s", info.State)
	}
	if len(logged) != 2 {
		t.Fatalf("log: %q", logged)
	}
}

func TestModelMissingKeepsJobs(t *testing.T) {
	ctx := context.Background()
	lib := openLib(t, t.TempDir())
	r := importFile(t, lib, speech)
	err := New(lib, Options{Hold: func() bool { return false }, NewEngine: func() (transcribe.Engine, error) {
		return transcribe.NewPocketSphinx(filepath.Join(t.TempDir(), "none"))
	}}).Drain(ctx)
	if !errors.Is(err, transcribe.ErrModelMissing) || !strings.Contains(err.Error(), "pocketsphinx-en-us") {
		t.Fatalf("drain without a model: %v", err)
	}
	if info, _ := lib.Transcript(ctx, r.ID); info.State != library.TranscriptQueued {
		t.Fatalf("job after the failed start: %s, want queued", info.State)
	}
}

func TestSilentRecordingEmptyTranscript(t *testing.T) {
	ctx := context.Background()
	lib := openLib(t, t.TempDir())
	path := filepath.Join(t.TempDir(), "quiet.wav")
	enc, err := audio.Create(path, audio.WAV, 48000, 1)
	if err != nil {
		t.Fatal(err)
	}
	enc.Write(make([]int16, 48000*10))
	enc.Close()
	r := importFile(t, lib, path)
	drain(t, lib, Options{})
	info, _ := lib.Transcript(ctx, r.ID)
	if info.State != library.TranscriptDone || !info.Has || len(info.Transcript.Segments) != 0 {
		t.Fatalf("silent: %+v", info)
	}
}

// TestDeleteCancelsRunningJob: the recording is deleted while the worker is
// held mid-job; it stops and stores nothing.
func TestDeleteCancelsRunningJob(t *testing.T) {
	ctx := context.Background()
	lib := openLib(t, t.TempDir())
	r := importFile(t, lib, speechTimes(t, 2))
	held := make(chan struct{})
	var once bool
	hold := func() bool {
		if !once {
			once = true
			close(held)
			// Delete it while the worker waits here, mid-file.
			if err := lib.Purge(ctx, r.ID); err != nil {
				t.Error(err)
			}
		}
		return false
	}
	drain(t, lib, Options{Hold: hold})
	<-held
	if _, err := lib.Transcript(ctx, r.ID); !errors.Is(err, library.ErrNotFound) {
		t.Fatalf("transcript of a deleted recording: %v", err)
	}
	if hits, _ := lib.Search(ctx, "country", library.SearchOptions{}); len(hits) != 0 {
		t.Fatalf("deleted recording found: %+v", hits)
	}
}

// TestKillMidTranscription: SIGKILL the transcriber process once it has
// saved a segment; a new worker resumes after it, and the transcript has
// every segment once.
func TestKillMidTranscription(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	lib := openLib(t, dir)
	const copies = 3
	r := importFile(t, lib, speechTimes(t, copies))

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "EARSHOT_WORKERTEST_DIR="+dir)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { // surface the helper's own complaints
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			t.Log("helper: " + sc.Text())
		}
	}()
	changes, cancel := lib.Subscribe()
	defer cancel()
	var killedAt float64
	for killedAt == 0 {
		select {
		case <-changes:
		case <-time.After(time.Second):
		}
		info, err := lib.Transcript(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if info.State == library.TranscriptDone {
			t.Fatal("the helper finished before it could be killed")
		}
		var parts int
		// The helper saved a finished segment: kill it now.
		if err := partials(ctx, lib, r.ID, &parts); err != nil {
			t.Fatal(err)
		}
		if parts >= 1 {
			cmd.Process.Kill()
			killedAt = info.Progress
		}
	}
	cmd.Wait()
	var before int
	partials(ctx, lib, r.ID, &before)
	drain(t, lib, Options{})
	info, err := lib.Transcript(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	segs := info.Transcript.Segments
	if info.State != library.TranscriptDone || len(segs) != copies {
		t.Fatalf("after the restart: %s, %d segments, want done, %d (%d were saved before the kill at %.0f %%)",
			info.State, len(segs), copies, before, killedAt*100)
	}
	for i := 1; i < len(segs); i++ {
		if segs[i].StartMS < segs[i-1].EndMS {
			t.Fatalf("segments overlap (a duplicate): %+v then %+v", segs[i-1], segs[i])
		}
	}
	hits, err := lib.Search(ctx, "fellow", library.SearchOptions{WholeWords: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != copies {
		t.Fatalf("fellow found %d times, want %d (once per copy)", len(hits), copies)
	}
}

// partials counts the finished segments the running job has saved (its
// progress alone would not do: it moves through silence too).
func partials(ctx context.Context, lib *library.Library, id string, n *int) error {
	info, err := lib.Transcript(ctx, id)
	*n = info.Finished
	return err
}
