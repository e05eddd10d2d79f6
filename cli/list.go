package cli

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	flag "github.com/spf13/pflag"

	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
)

// jsonRecording is one element of `earshot list --json`: a stable contract
// for scripts (and tests), so field names never follow Go renames.
type jsonRecording struct {
	ID            string   `json:"id"`
	ShortID       string   `json:"short_id"` // what list shows; accepted wherever an id is
	Title         string   `json:"title"`
	CreatedAt     string   `json:"created_at"` // RFC 3339
	DurationMS    int64    `json:"duration_ms"`
	Format        string   `json:"format"`
	SampleRate    int      `json:"sample_rate"`
	Channels      int      `json:"channels"`
	SizeBytes     int64    `json:"size_bytes"`
	SHA256        string   `json:"sha256"`
	SyncState     string   `json:"sync_state"`
	SyncError     string   `json:"sync_error,omitempty"`
	Recovered     bool     `json:"recovered"`
	Version       int64    `json:"version"`
	RemoteVersion int64    `json:"remote_version"`
	HasAudio      bool     `json:"has_audio"`
	TrashedAt     *string  `json:"trashed_at,omitempty"` // RFC 3339
	DaysLeft      *int     `json:"days_left,omitempty"`  // in the trash: days until it is deleted for good
	Tags          []string `json:"tags"`
	Favorite      bool     `json:"favorite"`
	// TranscriptState is none, queued, running, done or failed.
	TranscriptState string `json:"transcript_state"`
}

func toJSON(r library.Recording) jsonRecording {
	j := jsonRecording{
		ID: r.ID, ShortID: library.ShortID(r.ID), Title: r.Title, CreatedAt: r.CreatedAt.Format(time.RFC3339Nano),
		DurationMS: r.Duration.Milliseconds(), Format: string(r.Format), SampleRate: r.SampleRate,
		Channels: r.Channels, SizeBytes: r.Size, SHA256: r.SHA256, SyncState: string(r.SyncState),
		SyncError: r.SyncError, Recovered: r.Recovered, Version: r.Version, RemoteVersion: r.RemoteVersion,
		HasAudio: r.HasAudio, Tags: r.Tags, Favorite: r.Favorite,
	}
	if j.Tags == nil {
		j.Tags = []string{}
	}
	if r.TrashedAt != nil {
		s := r.TrashedAt.Format(time.RFC3339Nano)
		j.TrashedAt = &s
		days := daysLeft(*r.TrashedAt, time.Now())
		j.DaysLeft = &days
	}
	return j
}

type listFlags struct {
	json   bool
	search string
	limit  int
	tags   []string
	fav    bool
}

func (f *listFlags) declare(fs *flag.FlagSet) {
	*f = listFlags{}
	fs.BoolVar(&f.json, "json", false, "print a JSON array")
	fs.StringVar(&f.search, "search", "", "only titles containing this (case, accents and character width ignored)")
	fs.IntVar(&f.limit, "limit", 0, "at most this many, newest first")
	fs.StringArrayVar(&f.tags, "tag", nil, "only recordings with this tag (repeat for all of several)")
	fs.BoolVar(&f.fav, "fav", false, "only favourites")
}

func init() {
	var f listFlags
	Register(&Command{
		Name: "list",
		Examples: `earshot list
			earshot list --search meeting --limit 10
			earshot list --tag work --fav
			earshot list --json`,
		Summary: "list recordings, newest first",
		Flags:   f.declare,
		Run: func(ctx context.Context, e *Env, _ []string) error {
			return list(ctx, e, f, library.NotTrashed)
		},
	})
	var tf listFlags
	Register(&Command{
		Name: "trash",
		Examples: `earshot trash
			earshot restore 3f91c07a   # take one back out`,
		Summary: "list recordings in the trash (kept 30 days; `earshot restore ID` brings one back)",
		Flags:   tf.declare,
		Run: func(ctx context.Context, e *Env, _ []string) error {
			return list(ctx, e, tf, library.OnlyTrashed)
		},
	})
}

func list(ctx context.Context, e *Env, f listFlags, trash library.TrashFilter) error {
	lib, err := e.Library(ctx)
	if err != nil {
		return err
	}
	rs, err := lib.List(ctx, library.ListOptions{Query: f.search, Trash: trash, Limit: f.limit, Tags: f.tags, Favorites: f.fav})
	if err != nil {
		return err
	}
	if f.json {
		states, err := lib.TranscriptStates(ctx)
		if err != nil {
			return err
		}
		out := make([]jsonRecording, 0, len(rs))
		for _, r := range rs {
			j := toJSON(r)
			j.TranscriptState = string(library.TranscriptNone)
			if st, ok := states[r.ID]; ok {
				j.TranscriptState = string(st)
			}
			out = append(out, j)
		}
		return e.PrintJSON(out)
	}
	if len(rs) == 0 {
		switch {
		case trash == library.OnlyTrashed:
			fmt.Fprintln(e.Stderr, "the trash is empty")
		case len(f.tags) > 0:
			fmt.Fprintln(e.Stderr, "no recordings match: `earshot tags` lists the tags in use")
		case f.fav || f.search != "":
			fmt.Fprintln(e.Stderr, "no recordings match")
		default:
			fmt.Fprintln(e.Stderr, e.emptyLibraryHint(ctx))
		}
		return nil
	}
	printTable(e.Stdout, rs, trash == library.OnlyTrashed)
	return nil
}

func printTable(w io.Writer, rs []library.Recording, trash bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	last := "STATE"
	if trash {
		last = "PURGED IN"
	}
	fmt.Fprintf(tw, "ID\tCREATED\tLENGTH\tFORMAT\tSIZE\t%s\tTITLE\n", last)
	short := shortIDs(rs)
	for _, r := range rs {
		state := string(r.SyncState)
		if r.Recovered {
			state += ",recovered"
		}
		if trash && r.TrashedAt != nil {
			state = plural(daysLeft(*r.TrashedAt, time.Now()), "day", "days")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", short[r.ID], r.CreatedAt.Local().Format("2006-01-02 15:04"),
			formatDuration(r.Duration), r.Format, formatSize(r.Size), state, titleCell(r))
	}
	tw.Flush()
}

// titleCell is the title with a star for a favourite and the tags after it.
func titleCell(r library.Recording) string {
	t := printable(r.Title)
	if r.Favorite {
		t = "★ " + t
	}
	for _, tag := range r.Tags {
		t += "  #" + printable(tag)
	}
	return t
}

// shortIDs is the id to show for each recording: its short id, or the
// full id for the rare two that share one (so every shown id resolves).
func shortIDs(rs []library.Recording) map[string]string {
	count := map[string]int{}
	for _, r := range rs {
		count[library.ShortID(r.ID)]++
	}
	out := make(map[string]string, len(rs))
	for _, r := range rs {
		out[r.ID] = library.ShortID(r.ID)
		if count[out[r.ID]] > 1 {
			out[r.ID] = r.ID
		}
	}
	return out
}

// emptyLibraryHint says what to do about a library with no recordings: a
// library logged in to an account whose cloud it has never listed may
// well have recordings there (a new device), and `sync` shows them.
func (e *Env) emptyLibraryHint(ctx context.Context) string {
	const none = "no recordings yet: `earshot record` makes one"
	x, err := e.syncIndex(ctx)
	if err != nil {
		return none
	}
	acct := sync.NewAccount(x, nil, nil)
	key, ok, err := acct.Key(ctx)
	if err != nil || !ok {
		return none
	}
	if listed, err := acct.Listed(ctx, key); err != nil || listed {
		return none
	}
	return fmt.Sprintf("no recordings on this device yet: `earshot sync` lists the ones in the cloud of %s here (`earshot record` makes one)", key)
}
