package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	stdsync "sync"
	"time"

	flag "github.com/spf13/pflag"

	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
)

func init() {
	var sf sessionFlags
	var watch, noDirect bool
	var auto string
	var workers int
	var stats time.Duration
	var asJSON bool
	Register(&Command{
		Name: "sync", Summary: "send new recordings, renames and deletions to the cloud and fetch what changed there",
		Examples: `earshot sync
			earshot sync --watch        # keep syncing until Ctrl-C
			earshot sync --auto-download off
			earshot sync -v             # every recording it sends or fetches
			earshot sync --json`,
		Flags: func(fs *flag.FlagSet) {
			sf.register(fs)
			fs.BoolVar(&watch, "watch", false, "keep running: sync whenever something changes, here or in the cloud")
			fs.BoolVar(&noDirect, "no-direct", false, "send audio through the server even when it offers direct uploads to object storage")
			fs.StringVar(&auto, "auto-download", "", "on|off: download cloud recordings by themselves (a setting kept in the library)")
			fs.IntVar(&workers, "workers", 0, "transfers at once (default 4)")
			fs.DurationVar(&stats, "stats", 10*time.Second, "when standard error is not a terminal, print the progress this often (0: never)")
			fs.BoolVar(&asJSON, "json", false, "print what the sync did as JSON (not with --watch)")
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
				if asJSON {
					return Usagef("--json prints what one sync did; it does not go with --watch")
				}
				return e.watch(ctx, ce, stats)
			}
			return e.syncOnce(ctx, ce, stats, asJSON)
		},
	})
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

func (e *Env) syncOnce(ctx context.Context, ce *cloudEnv, stats time.Duration, asJSON bool) error {
	rep := e.newSyncReporter(stats)
	cancel := ce.eng.Subscribe(rep.event)
	stop, drawn := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(drawn)
		rep.run(ce.eng, stop)
	}()
	sum, err := ce.eng.SyncOnce(ctx)
	close(stop)
	<-drawn
	cancel()
	for _, w := range sum.NeedUser {
		// Always shown (also with -q): nothing else will ever send it.
		fmt.Fprintf(e.Stderr, "earshot sync: %q (%s) waits for you: %s; trim it (`earshot trim %s`) or keep it on this device only (`earshot rm --cloud %s`), and `earshot push %s` tries again\n",
			printable(w.Title), library.ShortID(w.ID), oneLine(w.Err.Error()), library.ShortID(w.ID), library.ShortID(w.ID), library.ShortID(w.ID))
	}
	if line := summaryLine(sum, err); line != "" {
		e.Infof("%s", line)
	}
	if asJSON {
		if jerr := e.PrintJSON(summaryJSON(sum, err)); jerr != nil && err == nil {
			err = jerr
		}
	}
	if err != nil {
		if sync.KindOf(err) == sync.KindOffline {
			return fmt.Errorf("offline: %s; %s for the next sync", unreachable(ce.key.Server, err), plural(sum.Waiting, "recording waits", "recordings wait"))
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
	add(s.RemoteNew, "new in the cloud")
	add(s.Remote-s.RemoteNew-s.RemoteRemoved, "changed in the cloud")
	add(s.RemoteRemoved, "removed in the cloud"+whatStaysHere(s))
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
	case len(parts) == 0 && s.Waiting == 0 && len(s.NeedUser) == 0:
		return "sync: everything was in sync already"
	case len(parts) == 0:
		parts = append(parts, "nothing sent now")
	}
	line := "sync: " + strings.Join(parts, ", ")
	if s.Waiting > 0 {
		line += fmt.Sprintf("; %d waiting", s.Waiting)
	}
	if n := len(s.NeedUser); n > 0 {
		line += "; " + plural(n, "recording waits", "recordings wait") + " for you (said above)"
	}
	return line
}

// whatStaysHere says, after "N removed in the cloud", what became of the
// copies this device had: " (kept on this device)", " (1 kept on this
// device, 1 moved to the trash here)"; "" when it had none.
func whatStaysHere(s sync.Summary) string {
	var parts []string
	say := func(n int, what string) {
		switch {
		case n == 0:
		case n == s.RemoteRemoved:
			parts = append(parts, what)
		default:
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	say(s.RemoteKept, "kept on this device")
	say(s.RemoteTrashed, "moved to the trash here")
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// watch runs the engine until interrupted, printing what it does and each
// change of its status ("offline, 2 waiting").
func (e *Env) watch(ctx context.Context, ce *cloudEnv, stats time.Duration) error {
	rep := e.newSyncReporter(stats)
	stop := make(chan struct{})
	defer close(stop)
	go rep.run(ce.eng, stop)
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
			rep.println(time.Now().Format("15:04:05") + ": " + s)
		}
	})
	defer cancel()
	err := ce.eng.Run(ctx)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// jsonSync is `earshot sync --json`: what the pass did.
type jsonSync struct {
	OK          bool           `json:"ok"` // false: the pass stopped early (error says why)
	Error       string         `json:"error,omitempty"`
	Uploaded    int            `json:"uploaded"`
	Downloaded  int            `json:"downloaded"`
	Deleted     int            `json:"deleted"`
	Renamed     int            `json:"renamed"`
	Remote      int            `json:"changed_in_cloud"` // every change from another device, of which:
	RemoteNew   int            `json:"new_in_cloud"`     // recordings new to this device
	Removed     int            `json:"removed_in_cloud"` // recordings deleted on another device, of which:
	KeptHere    int            `json:"kept_here"`        // removed from the cloud only: the copy here stays
	TrashedHere int            `json:"trashed_here"`     // deleted everywhere: the copy here is in the trash
	Conflicts   int            `json:"conflicts"`
	BytesUp     int64          `json:"bytes_up"`
	BytesDown   int64          `json:"bytes_down"`
	Waiting     int            `json:"waiting"`
	Failed      []jsonSyncFail `json:"failed"`
	// WaitsForYou: not tried until the user acts (too large, quota full).
	WaitsForYou []jsonSyncFail `json:"waits_for_you"`
}

type jsonSyncFail struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Op    string `json:"op"`
	Error string `json:"error"`
}

func summaryJSON(s sync.Summary, err error) jsonSync {
	j := jsonSync{OK: err == nil, Uploaded: s.Uploaded, Downloaded: s.Downloaded, Deleted: s.Deleted, Renamed: s.Renamed,
		Remote: s.Remote, RemoteNew: s.RemoteNew, Removed: s.RemoteRemoved, KeptHere: s.RemoteKept, TrashedHere: s.RemoteTrashed, Conflicts: s.Conflicts, BytesUp: s.BytesUp, BytesDown: s.BytesDown, Waiting: s.Waiting,
		Failed: []jsonSyncFail{}}
	if err != nil {
		j.Error = oneLine(explain(err))
	}
	for _, f := range s.Failed {
		j.Failed = append(j.Failed, jsonSyncFail{ID: f.ID, Title: f.Title, Op: string(f.Op), Error: oneLine(explain(f.Err))})
	}
	j.WaitsForYou = []jsonSyncFail{}
	for _, w := range s.NeedUser {
		j.WaitsForYou = append(j.WaitsForYou, jsonSyncFail{ID: w.ID, Title: w.Title, Op: string(w.Op), Error: oneLine(w.Err.Error())})
	}
	return j
}
