package sync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
)

// Summary says what a pass did.
type Summary struct {
	Uploaded, Downloaded, Deleted, Renamed int
	BytesUp, BytesDown                     int64
	// Remote counts changes made on other devices and applied here; of
	// them, RemoteNew the recordings this device had not heard of and
	// RemoteRemoved those deleted there (the rest were renamed, tagged,
	// trimmed, …). Of the removed, RemoteKept had a copy here that stays
	// (removed from the cloud only) and RemoteTrashed had one that went to
	// the trash here (deleted everywhere); the others were listed here
	// from the cloud only and are gone.
	Remote, RemoteNew, RemoteRemoved int
	RemoteKept, RemoteTrashed        int
	// TranscriptsUp and TranscriptsDown count transcripts sent and fetched;
	// TranscriptConflicts those where a segment corrected here had been
	// corrected on another device first (the server's correction stands).
	TranscriptsUp, TranscriptsDown, TranscriptConflicts int
	// Conflicts counts renames here that lost to a rename elsewhere (the
	// lost titles are in the title history).
	Conflicts int
	// Failed lists what went wrong; the recordings are Failed, with the reason.
	Failed []ItemError
	// Waiting counts recordings still with something to do afterwards.
	Waiting int
	// NeedUser lists the recordings no sync tries until the user acts (too
	// large for the server, quota full; `earshot push ID` tries again),
	// except those in Failed: each pass says so once, with the reason.
	NeedUser []ItemError
}

// ItemError is one recording's failure in a pass.
type ItemError struct {
	ID, Title string
	Op        Op
	Err       error
}

func (e ItemError) Error() string { return fmt.Sprintf("%s %q (%s): %v", e.Op, e.Title, e.ID, e.Err) }

// passOptions: pull asks the server for changes first; force retries
// failed recordings now, even those that wait for the user.
type passOptions struct {
	pull  bool
	force bool
}

// SyncOnce runs one full pass (what "Sync now" and `earshot sync` do):
// changes from the server are applied, then everything waiting here is
// sent (failed recordings included), with bounded concurrency and a few
// retries for transient failures. The error is about the pass as a whole
// (offline, signed out); failures of single recordings are in
// Summary.Failed.
func (e *Engine) SyncOnce(ctx context.Context) (Summary, error) {
	return e.pass(ctx, passOptions{pull: true, force: true})
}

func (e *Engine) pass(ctx context.Context, o passOptions) (sum Summary, err error) {
	e.passMu.Lock()
	defer e.passMu.Unlock()
	e.setStatus(func(s *Status) {
		s.State, s.Err, s.Progress, s.NextRetry = StateSyncing, nil, Progress{}, time.Time{}
	})
	wctx, silent, stop := e.watchServer(ctx)
	err = e.passSteps(wctx, o, &sum)
	stop()
	if gone := silent(); gone != nil {
		err = gone // what the pass was waiting on will never answer
	}
	e.finishPass(ctx, &sum, err)
	return sum, err
}

// watchServer gives the pass a context that ends when the server stops
// answering: every HealthInterval it asks /healthz, as the idle engine
// does, and a server that does not answer within healthWait is offline —
// the pass then ends at once, instead of saying "syncing" for minutes
// while its requests wait on a server that is hung or stopped (each may
// wait for the transport's response-header timeout, 2 minutes). silent
// returns that offline error once it happened; stop ends the watch.
func (e *Engine) watchServer(ctx context.Context) (wctx context.Context, silent func() error, stop func()) {
	wctx, cancel := context.WithCancelCause(ctx)
	var mu sync.Mutex
	var gone error
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(e.opts.HealthInterval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-wctx.Done():
				return
			case <-t.C:
			}
			if err := e.health(wctx); KindOf(err) == KindOffline {
				mu.Lock()
				gone = err
				mu.Unlock()
				cancel(err)
				return
			}
		}
	}()
	silent = func() error {
		mu.Lock()
		defer mu.Unlock()
		return gone
	}
	return wctx, silent, func() { close(done); cancel(nil) }
}

// passSteps is the pass itself: pull, send and fetch, then transcripts;
// what it did goes into sum as it goes (a pass that stops early still
// says what it did before).
func (e *Engine) passSteps(ctx context.Context, o passOptions, sum *Summary) error {
	// Part files nobody will resume (their recording went, or arrived
	// another way) give their space back; a failure here costs only space.
	_, _ = e.x.CleanDownloads(ctx)
	if o.pull {
		if err := e.retry(ctx, func() error { return e.pull(ctx, sum) }); err != nil {
			return err
		}
	}
	for round := 0; round < 4; round++ {
		jobs, err := e.plan(ctx, o.force)
		if err != nil {
			return err
		}
		if len(jobs) == 0 {
			break
		}
		progress, needPull, err := e.runJobs(ctx, jobs, sum)
		if err != nil {
			return err
		}
		if needPull {
			if err := e.retry(ctx, func() error { return e.pull(ctx, sum) }); err != nil {
				return err
			}
		}
		if !progress {
			break
		}
		o.force = false // what failed this pass had its tries
	}
	// Transcripts after the metadata: a new recording is in the cloud by
	// now, and a fetched transcript finds its recording here.
	if err := e.fetchTranscripts(ctx, sum); err != nil {
		return err
	}
	return e.pushTranscripts(ctx, sum)
}

// retry runs f until it succeeds, fails for good, or has had its
// attempts; transient failures (5xx, 429 after its Retry-After, a broken
// connection) wait with backoff in between. Offline is not retried here:
// Run probes the server instead.
func (e *Engine) retry(ctx context.Context, f func() error) error {
	for attempt := 1; ; attempt++ {
		err := f()
		if err == nil || !KindOf(err).Retryable() || KindOf(err) == KindOffline || attempt >= e.opts.Attempts {
			return err
		}
		if serr := sleepCtx(ctx, e.opts.Backoff.Delay(attempt, min(RetryAfterOf(err), time.Minute))); serr != nil {
			return serr
		}
	}
}

// finishPass counts what is left and sets the status the pass ends in.
func (e *Engine) finishPass(ctx context.Context, sum *Summary, err error) {
	waiting, failed, needUser := e.countWork(context.WithoutCancel(ctx))
	sum.Waiting = waiting
	for _, ie := range needUser {
		if !slices.ContainsFunc(sum.Failed, func(f ItemError) bool { return f.ID == ie.ID }) {
			sum.NeedUser = append(sum.NeedUser, ie)
		}
	}
	e.setStatus(func(s *Status) {
		s.Waiting, s.Failed = waiting, failed
		if err == nil {
			s.State, s.Err, s.LastSync = StateIdle, nil, time.Now()
			return
		}
		s.State, s.Err = passErrState(err), err
		if s.State == StateIdle {
			s.Err = nil
		}
	})
}

// countWork counts recordings with something left to do, and those
// failed; it lists those that wait for the user.
func (e *Engine) countWork(ctx context.Context) (waiting, failed int, needUser []ItemError) {
	auto, _ := e.AutoDownload(ctx)
	items, err := e.x.Work(ctx, auto)
	if err != nil {
		return 0, 0, nil
	}
	for _, it := range items {
		if it.SyncState == library.Failed {
			failed++
			if it.NeedsUser { // one that waits for the user is not waiting for a sync
				needUser = append(needUser, ItemError{ID: it.ID, Title: it.Title, Op: OpUpload, Err: errors.New(it.SyncError)})
			} else {
				waiting++
			}
			continue
		}
		if op, _ := decide(it, auto); op != "" {
			waiting++
		}
	}
	return waiting, failed, needUser
}

type job struct {
	it   library.SyncItem
	op   Op
	auto bool // automatic downloads are on
}

// plan reads the queue and decides one operation per recording; purely
// local transitions (queueing a new recording, cancelling an upload of a
// trashed one) are made here.
func (e *Engine) plan(ctx context.Context, force bool) ([]job, error) {
	auto, err := e.AutoDownload(ctx)
	if err != nil {
		return nil, err
	}
	items, err := e.x.Work(ctx, auto)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	var jobs []job
	for _, it := range items {
		if e.busy(it.ID) {
			continue
		}
		if it.SyncState == library.Failed && (it.NeedsUser || !force && it.NextAttempt.After(now)) {
			continue // reported once; tried again when the user acts (earshot push)
		}
		op, next := decide(it, auto)
		if next != "" && next != it.SyncState {
			it, err = e.transition(ctx, it, next)
			if errors.Is(err, errChanged) {
				continue // changed meanwhile: the next round sees it
			}
			if err != nil {
				return nil, err
			}
		}
		if op != "" {
			jobs = append(jobs, job{it: it, op: op, auto: auto})
		}
	}
	return jobs, nil
}

func (e *Engine) busy(id string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.inflight[id]
}

// errChanged: the recording changed between reading and writing it.
var errChanged = errors.New("recording changed meanwhile")

// transition sets a recording's state if nothing else changed it since it
// was read.
func (e *Engine) transition(ctx context.Context, it library.SyncItem, next library.SyncState) (library.SyncItem, error) {
	return e.x.UpdateOne(ctx, it.ID, func(_ string, cur *library.SyncItem) (library.SyncChange, error) {
		if cur == nil || !cur.Same(it) {
			return library.SyncChange{}, errChanged
		}
		n := *cur
		n.SyncState, n.SyncError = next, ""
		if next != library.Failed {
			n.ResumeState = ""
		}
		return library.SyncChange{Item: &n}, nil
	})
}

// effectiveState is the state a recording is in for planning: a failed one
// counts as the state its failure interrupted.
func effectiveState(it library.SyncItem) library.SyncState {
	if it.SyncState != library.Failed {
		return it.SyncState
	}
	if it.ResumeState != "" {
		return it.ResumeState
	}
	switch {
	case it.RemoteVersion == 0 && it.HasAudio:
		return library.Queued
	case it.HasAudio:
		return library.Synced
	}
	return library.CloudOnly
}

// decide is the engine's rule book: given a recording as the library has
// it, the one operation to run now and the state to set first ("" for
// none). See docs/ARCHITECTURE.md for the states.
func decide(it library.SyncItem, auto bool) (Op, library.SyncState) {
	st := effectiveState(it)
	clearErr := library.SyncState("")
	if it.SyncState == library.Failed {
		clearErr = st
	}
	switch {
	case it.Tombstone():
		// Purged here while the cloud had it: pass the deletion on.
		return OpDelete, ""
	case it.Trashed():
		switch st {
		case library.PendingDelete:
			return OpDelete, ""
		case library.Synced, library.CloudOnly, library.Downloading, library.Queued, library.Uploading:
			// Moved to the trash (by any front end): a deletion, to be
			// passed on if the cloud may have it.
			if it.RemoteVersion > 0 {
				return OpDelete, library.PendingDelete
			}
			return "", library.LocalOnly
		}
		return "", clearErr
	case st == library.PendingDelete:
		if it.KeepLocal {
			return OpDelete, "" // delete from the cloud only
		}
		// Restored from the trash before its deletion went out: nothing to do.
		if it.HasAudio {
			return "", library.Synced
		}
		return "", library.CloudOnly
	case it.KeepLocal:
		if st != library.LocalOnly || it.SyncState == library.Failed {
			return "", library.LocalOnly
		}
		return "", ""
	case st == library.LocalOnly || st == library.Queued || st == library.Uploading:
		if !it.HasAudio {
			return "", clearErr
		}
		if st == library.LocalOnly {
			return OpUpload, library.Queued
		}
		return OpUpload, ""
	case st == library.Synced || st == library.CloudOnly || st == library.Downloading:
		if it.RenamePending() && it.RemoteVersion > 0 {
			return OpRename, clearErr
		}
		if !it.HasAudio && (it.WantAudio || auto) {
			return OpDownload, ""
		}
		if st == library.Downloading {
			return "", library.CloudOnly
		}
		return "", clearErr
	}
	return "", clearErr
}

// runJobs runs the jobs on the worker pool. progress says whether any
// succeeded; needPull that a rename met a change it must learn first. A
// failure that concerns every job (offline, signed out) stops the others
// and is returned.
func (e *Engine) runJobs(ctx context.Context, jobs []job, sum *Summary) (progress, needPull bool, fatal error) {
	var total int64
	files := 0
	for _, j := range jobs {
		if isTransfer(j.op) {
			total += j.it.Size
			files++
		}
	}
	e.setStatus(func(s *Status) { s.BytesTotal += total; s.FilesTotal += files })

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var mu sync.Mutex
	feed := make(chan job)
	var wg sync.WaitGroup
	for w := 0; w < min(e.opts.Workers, len(jobs)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range feed {
				res, err := e.runJob(ctx, j)
				mu.Lock()
				switch {
				case err == nil:
					progress = true
					res.addTo(sum)
					needPull = needPull || res.needPull
				case isFatal(err):
					cancel(err)
				case errors.Is(err, errGoneRemote):
					progress, needPull = true, true
				default:
					sum.Failed = append(sum.Failed, ItemError{ID: j.it.ID, Title: j.it.Title, Op: j.op, Err: err})
				}
				mu.Unlock()
			}
		}()
	}
send:
	for _, j := range jobs {
		select {
		case feed <- j:
		case <-ctx.Done():
			break send
		}
	}
	close(feed)
	wg.Wait()
	return progress, needPull, context.Cause(ctx)
}

// errGoneRemote: the server no longer has the recording (deleted on
// another device); the pull that follows settles it here.
var errGoneRemote = errors.New("deleted in the cloud")

// isFatal: the failure is about the pass, not the recording.
func isFatal(err error) bool {
	switch KindOf(err) {
	case KindOffline, KindAuth, KindCanceled:
		return true
	}
	return false
}

// result is what one successful job contributes to the summary.
type result struct {
	op       Op
	bytes    int64
	conflict bool // a rename lost to another device's
	needPull bool // the server has news about this recording: pull before deciding again
	skipped  bool // nothing done: the recording changed meanwhile or another operation holds it
}

func (r result) addTo(s *Summary) {
	if r.skipped {
		return
	}
	switch r.op {
	case OpUpload:
		s.Uploaded++
		s.BytesUp += r.bytes
	case OpDownload:
		s.Downloaded++
		s.BytesDown += r.bytes
	case OpDelete:
		s.Deleted++
	case OpRename:
		if r.conflict {
			s.Conflicts++
		} else if !r.needPull {
			s.Renamed++
		}
	}
}

// runJob runs one job with retries for transient failures, and records a
// failure that remains in the library (state Failed, with the reason).
func (e *Engine) runJob(ctx context.Context, j job) (result, error) {
	if !e.claim(j.it.ID) {
		e.unplanned(j.op, j.it)
		return result{op: j.op, skipped: true}, nil
	}
	defer e.release(j.it.ID)
	if isTransfer(j.op) {
		// Another process on this library may be moving the same file:
		// leave it to that one; its result shows in the library.
		release, held, err := e.x.ClaimTransfer(j.it.ID)
		if err != nil || !held {
			e.unplanned(j.op, j.it)
			return result{op: j.op, skipped: true}, err
		}
		defer release()
	}
	it := j.it
	for attempt := 1; ; attempt++ {
		e.itemEvent(Event{Kind: ItemStarted, Op: j.op, ID: it.ID, Title: it.Title, Total: transferSize(j.op, it)})
		res, err := e.do(ctx, j.op, it)
		if err == nil {
			if res.skipped {
				e.unplanned(j.op, it)
				return res, nil
			}
			e.itemEvent(Event{Kind: ItemDone, Op: j.op, ID: it.ID, Title: it.Title, Done: res.bytes, Total: res.bytes})
			return res, nil
		}
		if isFatal(err) || errors.Is(err, errGoneRemote) {
			e.interrupted(context.WithoutCancel(ctx), j.op, it)
			e.itemEvent(Event{Kind: ItemFailed, Op: j.op, ID: it.ID, Title: it.Title, Err: err})
			return res, err
		}
		if KindOf(err).Retryable() && attempt < e.opts.Attempts {
			if serr := sleepCtx(ctx, e.opts.Backoff.Delay(attempt, min(RetryAfterOf(err), time.Minute))); serr != nil {
				e.interrupted(context.WithoutCancel(ctx), j.op, it)
				return res, serr
			}
			fresh, ferr := e.x.Item(ctx, it.ID)
			if op, _ := decide(fresh, j.auto || fresh.WantAudio); ferr != nil || op != j.op {
				e.unplanned(j.op, it) // changed meanwhile: the next round decides again
				return result{op: j.op, skipped: true}, nil
			}
			it = fresh
			continue
		}
		e.failed(context.WithoutCancel(ctx), j.op, it, err)
		e.itemEvent(Event{Kind: ItemFailed, Op: j.op, ID: it.ID, Title: it.Title, Err: err})
		return res, err
	}
}

func isTransfer(op Op) bool { return op == OpUpload || op == OpDownload }

// itemEvent emits ev; for a transfer it carries the pass's progress, and a
// transfer that ended counts as a file done.
func (e *Engine) itemEvent(ev Event) {
	if isTransfer(ev.Op) {
		e.mu.Lock()
		if ev.Kind == ItemDone || ev.Kind == ItemFailed {
			e.status.FilesDone++
		}
		ev.Pass = e.status.Progress
		e.mu.Unlock()
	}
	e.emit(ev)
}

// unplanned takes a transfer that did not happen (another operation had the
// recording, or it changed meanwhile) out of the pass's totals, so the
// progress still reaches its end.
func (e *Engine) unplanned(op Op, it library.SyncItem) {
	if !isTransfer(op) {
		return
	}
	e.mu.Lock()
	e.status.BytesTotal = max(0, e.status.BytesTotal-it.Size)
	e.status.FilesTotal = max(0, e.status.FilesTotal-1)
	e.mu.Unlock()
}

func transferSize(op Op, it library.SyncItem) int64 {
	if isTransfer(op) {
		return it.Size
	}
	return 0
}

func (e *Engine) do(ctx context.Context, op Op, it library.SyncItem) (result, error) {
	switch op {
	case OpUpload:
		return e.upload(ctx, it)
	case OpDownload:
		return e.download(ctx, it)
	case OpDelete:
		return e.pushDelete(ctx, it)
	case OpRename:
		return e.pushRename(ctx, it)
	}
	return result{}, fmt.Errorf("unknown operation %q", op)
}

// interrupted puts a transfer cut short by the pass ending (offline,
// cancelled) back in the state it waits in, so the list does not show it
// "uploading" while nothing moves.
func (e *Engine) interrupted(ctx context.Context, op Op, it library.SyncItem) {
	var from, to library.SyncState
	switch op {
	case OpUpload:
		from, to = library.Uploading, library.Queued
	case OpDownload:
		from, to = library.Downloading, library.CloudOnly
	default:
		return
	}
	_, _ = e.x.UpdateOne(ctx, it.ID, func(_ string, cur *library.SyncItem) (library.SyncChange, error) {
		if cur == nil || cur.SyncState != from {
			return library.SyncChange{}, nil
		}
		n := *cur
		n.SyncState = to
		return library.SyncChange{Item: &n}, nil
	})
}

// failed records a recording's failure: state Failed with the reason, the
// state to resume, and when to retry (never by itself, if retrying cannot help).
func (e *Engine) failed(ctx context.Context, op Op, it library.SyncItem, err error) {
	_, _ = e.x.UpdateOne(ctx, it.ID, func(_ string, cur *library.SyncItem) (library.SyncChange, error) {
		if cur == nil {
			return library.SyncChange{}, nil
		}
		n := *cur
		resume := effectiveState(*cur)
		if op == OpUpload && resume == library.Uploading {
			resume = library.Queued
		}
		if op == OpDownload && resume == library.Downloading {
			resume = library.CloudOnly
		}
		n.SyncState, n.SyncError, n.ResumeState = library.Failed, reason(err), resume
		n.Attempts++
		n.NextAttempt = never
		n.NeedsUser = needsUser(err)
		if Retryable(err) {
			n.NextAttempt = time.Now().Add(serverBackoff.Delay(n.Attempts, RetryAfterOf(err)))
		}
		return library.SyncChange{Item: &n}, nil
	})
}

// reason is the one line kept as SyncError.
func reason(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return err.Error()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// needsUser: retrying cannot help until the user acts (the recording is
// larger than the server takes, or the account's quota is full).
func needsUser(err error) bool {
	ae, ok := asError(err)
	return ok && (ae.Code == api.CodeTooLarge || ae.Code == api.CodeQuota)
}
