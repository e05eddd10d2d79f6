package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	stdsync "sync"
	"time"

	"github.com/schollz/progressbar/v3"
	flag "github.com/spf13/pflag"

	"github.com/earshot/earshot/sync"
)

func init() {
	var sf sessionFlags
	var watch, noDirect bool
	var auto string
	var workers int
	Register(&Command{
		Name: "sync", Summary: "send new recordings, renames and deletions to the cloud and fetch what changed there",
		Examples: `earshot sync
			earshot sync --watch        # keep syncing until Ctrl-C
			earshot sync --auto-download off`,
		Flags: func(fs *flag.FlagSet) {
			sf.register(fs)
			fs.BoolVar(&watch, "watch", false, "keep running: sync whenever something changes, here or in the cloud")
			fs.BoolVar(&noDirect, "no-direct", false, "send audio through the server even when it offers direct uploads to object storage")
			fs.StringVar(&auto, "auto-download", "", "on|off: download cloud recordings by themselves (a setting kept in the library)")
			fs.IntVar(&workers, "workers", 0, "transfers at once (default 4)")
		},
		Run: func(ctx context.Context, e *Env, _ []string) error {
			ce, err := e.cloud(ctx, sf, sync.Options{NoDirect: noDirect, Workers: workers})
			if err != nil {
				return err
			}
			if auto != "" {
				if auto != "on" && auto != "off" {
					return Usagef("--auto-download takes on or off, not %q", auto)
				}
				if err := ce.eng.SetAutoDownload(ctx, auto == "on"); err != nil {
					return err
				}
			}
			if watch {
				return e.watch(ctx, ce)
			}
			return e.syncOnce(ctx, ce)
		},
	})
}

// reporter prints the engine's events: a progress bar on a terminal, one
// line per finished recording otherwise.
type reporter struct {
	mu  stdsync.Mutex
	w   io.Writer
	tty bool
	bar *progressbar.ProgressBar
}

func (r *reporter) event(ev sync.Event) {
	var line string
	switch {
	case ev.Kind == sync.ItemDone && ev.Op == sync.OpRemote:
		line = fmt.Sprintf("from the cloud: %q (%s)", ev.Title, ev.ID)
	case ev.Kind == sync.ItemDone:
		line = fmt.Sprintf("%s: %q (%s)", pastTense(ev.Op), ev.Title, ev.ID)
		if ev.Total > 0 {
			line += ", " + formatSize(ev.Total)
		}
	case ev.Kind == sync.ItemFailed:
		line = fmt.Sprintf("%s failed: %q (%s): %s", ev.Op, ev.Title, ev.ID, oneLine(ev.Err.Error()))
	default:
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bar != nil {
		r.bar.Clear()
	}
	fmt.Fprintln(r.w, line)
}

// draw keeps the bar at the engine's overall progress until stop closes.
func (r *reporter) draw(eng *sync.Engine, stop <-chan struct{}) {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-stop:
			r.mu.Lock()
			if r.bar != nil {
				r.bar.Finish()
			}
			r.mu.Unlock()
			return
		case <-t.C:
		}
		st := eng.Status()
		if st.BytesTotal == 0 {
			continue
		}
		r.mu.Lock()
		if r.bar == nil {
			r.bar = progressbar.NewOptions64(st.BytesTotal, progressbar.OptionSetWriter(r.w),
				progressbar.OptionSetDescription("syncing"), progressbar.OptionSetWidth(30),
				progressbar.OptionShowBytes(true), progressbar.OptionClearOnFinish())
		}
		if st.BytesTotal != r.bar.GetMax64() {
			r.bar.ChangeMax64(st.BytesTotal)
		}
		r.bar.Set64(st.BytesDone)
		r.mu.Unlock()
	}
}

func pastTense(op sync.Op) string {
	switch op {
	case sync.OpUpload:
		return "uploaded"
	case sync.OpDownload:
		return "downloaded"
	case sync.OpDelete:
		return "deleted in the cloud"
	case sync.OpRename:
		return "updated in the cloud (title, tags, favourite, bookmarks)"
	case sync.OpTranscript:
		return "transcript synced"
	}
	return string(op)
}

func (e *Env) syncOnce(ctx context.Context, ce *cloudEnv) error {
	rep := &reporter{w: e.Stderr, tty: isTerminal(e.Stderr)}
	cancel := ce.eng.Subscribe(rep.event)
	stop, drawn := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(drawn)
		if rep.tty {
			rep.draw(ce.eng, stop)
		}
	}()
	sum, err := ce.eng.SyncOnce(ctx)
	close(stop)
	<-drawn
	cancel()
	if line := summaryLine(sum, err); line != "" {
		e.Infof("%s", line)
	}
	if err != nil {
		if sync.KindOf(err) == sync.KindOffline {
			return fmt.Errorf("offline: cannot reach %s (%s); %s for the next sync", ce.key.Server, oneLine(err.Error()), plural(sum.Waiting, "recording waits", "recordings wait"))
		}
		return err
	}
	if len(sum.Failed) > 0 {
		return fmt.Errorf("%s to sync (the reasons are above; `earshot list` shows them too)", plural(len(sum.Failed), "recording failed", "recordings failed"))
	}
	return nil
}

// summaryLine says what a pass did. A pass that failed as a whole (server
// down, session ended, interrupted) says only what it did before; the
// error says the rest.
func summaryLine(s sync.Summary, err error) string {
	var parts []string
	add := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	up := "uploaded"
	if s.BytesUp > 0 {
		up += " (" + formatSize(s.BytesUp) + ")"
	}
	down := "downloaded"
	if s.BytesDown > 0 {
		down += " (" + formatSize(s.BytesDown) + ")"
	}
	add(s.Uploaded, up)
	add(s.Downloaded, down)
	add(s.Deleted, "deleted in the cloud")
	add(s.Renamed, "updated in the cloud")
	add(s.Remote, "changed in the cloud")
	addN := func(n int, one, many string) {
		if n > 0 {
			parts = append(parts, plural(n, one, many))
		}
	}
	addN(s.TranscriptsUp, "transcript sent", "transcripts sent")
	addN(s.TranscriptsDown, "transcript fetched", "transcripts fetched")
	add(s.Conflicts, "renamed elsewhere at the same time (your title is in `earshot history ID`)")
	addN(s.TranscriptConflicts, "transcript corrected elsewhere at the same time (the correction that reached the server first was kept)",
		"transcripts corrected elsewhere at the same time (the corrections that reached the server first were kept)")
	add(len(s.Failed), "failed")
	switch {
	case err != nil && len(parts) == 0:
		return ""
	case err != nil:
		return "sync stopped early; before that: " + strings.Join(parts, ", ")
	case len(parts) == 0 && s.Waiting == 0:
		return "sync: everything was in sync already"
	case len(parts) == 0:
		parts = append(parts, "nothing sent now")
	}
	line := "sync: " + strings.Join(parts, ", ")
	if s.Waiting > 0 {
		line += fmt.Sprintf("; %d waiting", s.Waiting)
	}
	return line
}

// watch runs the engine until interrupted, printing what it does and each
// change of its status ("offline, 2 waiting").
func (e *Env) watch(ctx context.Context, ce *cloudEnv) error {
	rep := &reporter{w: e.Stderr}
	var mu stdsync.Mutex
	last := ""
	cancel := ce.eng.Subscribe(func(ev sync.Event) {
		if ev.Kind != sync.StatusChanged {
			rep.event(ev)
			return
		}
		s := ev.Status.String()
		if ev.Status.State == sync.StateSyncing {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if s != last {
			last = s
			fmt.Fprintf(e.Stderr, "%s: %s\n", time.Now().Format("15:04:05"), s)
		}
	})
	defer cancel()
	err := ce.eng.Run(ctx)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
