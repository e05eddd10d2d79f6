package cli

import (
	"fmt"
	"io"
	"strings"
	stdsync "sync"
	"time"

	"github.com/earshot/earshot/internal/human"
	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
)

// syncReporter prints what the sync engine does: a failure always, each
// finished recording with -v, and the pass's progress as rclone does (bytes
// done of total, speed and time left from this run's bytes, files, the
// current one): redrawn in place on a terminal, a line every interval
// otherwise (logs, cron). -q prints only failures.
type syncReporter struct {
	mu       stdsync.Mutex
	w        io.Writer
	tty      bool
	verbose  bool
	quiet    bool
	interval time.Duration // between lines when w is not a terminal; 0: none
	drawn    bool          // a live line is on the terminal
}

func (e *Env) newSyncReporter(interval time.Duration) *syncReporter {
	return &syncReporter{w: e.Stderr, tty: isTerminal(e.Stderr), verbose: e.Verbose, quiet: e.Quiet, interval: interval}
}

// event is the engine's subscriber.
func (r *syncReporter) event(ev sync.Event) {
	var line string
	switch {
	case ev.Kind == sync.ItemFailed:
		line = fmt.Sprintf("%s failed: %q (%s): %s", ev.Op, ev.Title, shortOf(ev.ID), oneLine(explain(ev.Err)))
	case ev.Kind == sync.ItemDone && r.verbose && ev.Op == sync.OpRemote:
		line = fmt.Sprintf("from the cloud: %q (%s)", ev.Title, shortOf(ev.ID))
	case ev.Kind == sync.ItemDone && r.verbose:
		line = fmt.Sprintf("%s: %q (%s)", pastTense(ev.Op), ev.Title, shortOf(ev.ID))
		if ev.Total > 0 {
			line += ", " + formatSize(ev.Total)
		}
	default:
		return
	}
	r.println(line)
}

// println prints a line above the live one.
func (r *syncReporter) println(line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.drawn {
		fmt.Fprint(r.w, "\r\x1b[K")
		r.drawn = false
	}
	fmt.Fprintln(r.w, line)
}

// run shows eng's progress until stop closes, then clears the live line.
func (r *syncReporter) run(eng *sync.Engine, stop <-chan struct{}) {
	every := r.interval
	if r.tty {
		every = 200 * time.Millisecond
	}
	if r.quiet || every <= 0 {
		<-stop
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-stop:
			r.mu.Lock()
			if r.drawn {
				fmt.Fprint(r.w, "\r\x1b[K")
				r.drawn = false
			}
			r.mu.Unlock()
			return
		case <-t.C:
		}
		p := eng.Status().Progress
		if p.BytesTotal == 0 || p.FilesDone == p.FilesTotal {
			continue
		}
		line := progressLine(p, time.Now())
		r.mu.Lock()
		if r.tty {
			fmt.Fprint(r.w, "\r\x1b[K"+line)
			r.drawn = true
		} else {
			fmt.Fprintln(r.w, time.Now().Format("15:04:05")+" "+line)
		}
		r.mu.Unlock()
	}
}

// progressLine is "12.3 MB / 50.0 MB, 24 %, 5.1 MB/s, 0:07 left; 3 of 12
// files; now “Title”".
func progressLine(p sync.Progress, now time.Time) string {
	pct := 0
	if p.BytesTotal > 0 {
		pct = int(p.BytesDone * 100 / p.BytesTotal)
	}
	parts := []string{fmt.Sprintf("%s / %s, %d %%", formatSize(p.BytesDone), formatSize(p.BytesTotal), pct)}
	if v := p.Speed(now); v > 0 {
		parts[0] += ", " + formatSize(int64(v)) + "/s"
		if eta := p.ETA(now); eta > 0 {
			parts[0] += ", " + human.Length(eta) + " left"
		}
	}
	parts = append(parts, fmt.Sprintf("%d of %d files", p.FilesDone, p.FilesTotal))
	if p.Current != "" {
		parts = append(parts, "now "+fmt.Sprintf("%q", p.Current))
	}
	return "sync: " + strings.Join(parts, "; ")
}

// shortOf is the short id of a recording id (the id itself when it is not one).
func shortOf(id string) string { return library.ShortID(id) }
