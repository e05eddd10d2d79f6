package library

import (
	"context"
	"errors"
	"testing"

	"github.com/earshot/earshot/api"
)

func claim(t *testing.T, l *Library) (TranscriptJob, bool) {
	t.Helper()
	job, ok, err := l.NextTranscriptJob(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return job, ok
}

func TestTranscriptJobLifecycle(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := openTest(t, dir)
	release, err := l.TranscriberLock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.TranscriberLock(ctx); !errors.Is(err, ErrTranscriberBusy) {
		t.Fatalf("second lock: %v, want ErrTranscriberBusy", err)
	}
	a := mustCommit(t, l, "first")
	b := mustCommit(t, l, "second")

	job, ok := claim(t, l)
	if !ok || job.Recording.ID != a.ID || job.AudioPath != l.AudioPath(a) || len(job.Done) != 0 {
		t.Fatalf("first claim: %+v %v", job, ok)
	}
	by := engineT()
	if err := l.SaveTranscriptProgress(ctx, a.ID, by, 0, []api.Segment{seg(0, "alpha beta")}, 0.4); err != nil {
		t.Fatal(err)
	}
	info, _ := l.Transcript(ctx, a.ID)
	if info.State != TranscriptRunning || info.Progress != 0.4 {
		t.Fatalf("running: %s %v", info.State, info.Progress)
	}
	// The worker dies: a new one takes the lock, the job is queued again
	// with its finished segment.
	release()
	release, err = l.TranscriberLock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	job, ok = claim(t, l)
	if !ok || job.Recording.ID != a.ID || len(job.Done) != 1 || job.Done[0].Text != "alpha beta" ||
		len(job.Done[0].Words) != 2 || job.DoneBy.Engine != "pocketsphinx" {
		t.Fatalf("resumed claim: %+v", job)
	}
	if err := l.SaveTranscriptProgress(ctx, a.ID, by, 1, []api.Segment{seg(3000, "gamma")}, 0.9); err != nil {
		t.Fatal(err)
	}
	if err := l.FinishTranscriptJob(ctx, a.ID, engineT(seg(0, "alpha beta"), seg(3000, "gamma"))); err != nil {
		t.Fatal(err)
	}
	info, _ = l.Transcript(ctx, a.ID)
	if info.State != TranscriptDone || len(info.Transcript.Segments) != 2 {
		t.Fatalf("finished: %+v", info)
	}

	// Deleting the recording cancels its job.
	job, ok = claim(t, l)
	if !ok || job.Recording.ID != b.ID {
		t.Fatalf("second claim: %+v %v", job, ok)
	}
	if err := l.Purge(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	if err := l.SaveTranscriptProgress(ctx, b.ID, by, 0, []api.Segment{seg(0, "x")}, 0.5); !errors.Is(err, ErrJobCancelled) {
		t.Fatalf("progress after delete: %v, want ErrJobCancelled", err)
	}
	if err := l.FinishTranscriptJob(ctx, b.ID, engineT()); !errors.Is(err, ErrJobCancelled) {
		t.Fatalf("finish after delete: %v, want ErrJobCancelled", err)
	}
	if _, ok := claim(t, l); ok {
		t.Fatal("a job left after all are done")
	}
}

func TestTranscriptJobTrashFailAndAsk(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	release, err := l.TranscriberLock(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	a := mustCommit(t, l, "a")
	b := mustCommit(t, l, "b")
	if _, ok := claim(t, l); !ok {
		t.Fatal("no job")
	}
	// a is trashed while it runs: the job waits for a restore.
	if err := l.Trash(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if err := l.SaveTranscriptProgress(ctx, a.ID, engineT(), 0, nil, 0.1); !errors.Is(err, ErrJobCancelled) {
		t.Fatalf("progress after trash: %v", err)
	}
	if err := l.RequeueTranscriptJob(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	job, ok := claim(t, l)
	if !ok || job.Recording.ID != b.ID {
		t.Fatalf("trashed job claimed: %+v", job)
	}
	if err := l.FailTranscriptJob(ctx, b.ID, "the audio file is damaged: "+"\n"+"remove it"); err != nil {
		t.Fatal(err)
	}
	info, _ := l.Transcript(ctx, b.ID)
	if info.State != TranscriptFailed || info.Error != "the audio file is damaged:  remove it" {
		t.Fatalf("failed: %s %q", info.State, info.Error)
	}
	if _, ok := claim(t, l); ok {
		t.Fatal("claimed a failed or trashed job")
	}
	if err := l.Restore(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	// Asked-for work goes first: b (failed) is retried before a.
	if err := l.QueueTranscription(ctx, b.ID, QueueOptions{}); err != nil {
		t.Fatal(err)
	}
	if job, _ := claim(t, l); job.Recording.ID != b.ID {
		t.Fatalf("asked-for job not first: %s", job.Recording.ID)
	}
	if job, _ := claim(t, l); job.Recording.ID != a.ID {
		t.Fatalf("restored job not claimed: %s", job.Recording.ID)
	}
}

func TestAutoTranscribeOff(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	if on, err := l.AutoTranscribe(ctx); err != nil || !on {
		t.Fatalf("default: %v %v, want on", on, err)
	}
	if err := l.SetAutoTranscribe(ctx, false); err != nil {
		t.Fatal(err)
	}
	r := mustCommit(t, l, "private")
	if info, _ := l.Transcript(ctx, r.ID); info.State != TranscriptNone {
		t.Fatalf("auto off: state %s, want none", info.State)
	}
	n, err := l.QueueAllTranscriptions(ctx)
	if err != nil || n != 1 {
		t.Fatalf("queue all: %d %v", n, err)
	}
	if err := l.SaveTranscript(ctx, r.ID, engineT(seg(0, "x")), false); err != nil {
		t.Fatal(err)
	}
	// A stored transcript is not redone unless asked.
	if err := l.QueueTranscription(ctx, r.ID, QueueOptions{}); err != nil {
		t.Fatal(err)
	}
	var jobs int
	l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM transcript_jobs WHERE redo = 1`).Scan(&jobs)
	if jobs != 0 {
		t.Fatal("a redo was queued without being asked for")
	}
	if err := l.QueueTranscription(ctx, r.ID, QueueOptions{Redo: true}); err != nil {
		t.Fatal(err)
	}
	l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM transcript_jobs WHERE redo = 1`).Scan(&jobs)
	if jobs != 1 {
		t.Fatal("redo not queued")
	}
}
