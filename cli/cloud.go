package cli

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	flag "github.com/spf13/pflag"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
)

func init() {
	Register(&Command{
		Name: "cloud", Summary: "list or delete what the server holds",
		Examples: `earshot cloud ls
			earshot cloud rm 3f91c07a`,
	})
	var lsf sessionFlags
	var lsJSON bool
	Register(&Command{
		Name: "cloud ls", Aliases: []string{"list"}, Summary: "list what the server holds, and where this device stands with each",
		Examples: `earshot cloud ls
			earshot cloud ls --json`,
		Flags: func(fs *flag.FlagSet) {
			lsf.register(fs)
			fs.BoolVar(&lsJSON, "json", false, "print a JSON array")
		},
		Run: func(ctx context.Context, e *Env, _ []string) error { return e.cloudList(ctx, lsf, lsJSON) },
	})
	var rsf sessionFlags
	Register(&Command{
		Name: "cloud rm", Args: "ID...", Summary: "remove the cloud copy of recordings (every device that has the audio keeps it)",
		MinArgs: 1, MaxArgs: -1, Flags: rsf.register,
		Examples: `earshot cloud rm 3f91c07a`,
		Run:      func(ctx context.Context, e *Env, args []string) error { return e.cloudRemove(ctx, rsf, args) },
	})
	var pf sessionFlags
	Register(&Command{
		Name: "pull", Args: "ID...", Summary: "download cloud-only recordings to this device",
		MinArgs: 1, MaxArgs: -1, Flags: pf.register,
		Examples: `earshot pull 3f91c07a
			earshot pull 3f91c07a 5e02b8d4`,
		Run: func(ctx context.Context, e *Env, args []string) error { return e.pull(ctx, pf, args) },
	})
}

// cloudRecording is one line of `earshot cloud ls --json`.
type cloudRecording struct {
	ID         string    `json:"id"`
	ShortID    string    `json:"short_id"`
	Title      string    `json:"title"`
	CreatedAt  time.Time `json:"created_at"`
	DurationMS int64     `json:"duration_ms"`
	Format     string    `json:"format"`
	SizeBytes  int64     `json:"size_bytes"`
	SHA256     string    `json:"sha256"`
	Version    int64     `json:"version"`
	Available  bool      `json:"available"`
	// Here says where this device stands: "synced", "cloud_only", … or
	// "unknown" when this device has not heard of it yet.
	Here string `json:"here"`
}

// listCloud reads every recording the server holds (not deleted).
func listCloud(ctx context.Context, c *sync.Client) ([]api.Recording, error) {
	seen := map[string]api.Recording{}
	cursor := ""
	for {
		page, err := c.List(ctx, cursor, 1000)
		if err != nil {
			return nil, err
		}
		for _, r := range page.Recordings {
			if r.Deleted {
				delete(seen, r.ID)
			} else {
				seen[r.ID] = r
			}
		}
		cursor = page.Cursor
		if !page.More {
			break
		}
	}
	out := make([]api.Recording, 0, len(seen))
	for _, r := range seen {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].CreatedAt.Equal(out[j].CreatedAt) {
			return out[i].CreatedAt.After(out[j].CreatedAt)
		}
		return out[i].ID > out[j].ID
	})
	return out, nil
}

func (e *Env) cloudList(ctx context.Context, sf sessionFlags, asJSON bool) error {
	ce, err := e.cloud(ctx, sf, sync.Options{})
	if err != nil {
		return err
	}
	recs, err := listCloud(ctx, ce.sess.Client())
	if err != nil {
		return err
	}
	out := make([]cloudRecording, 0, len(recs))
	for _, r := range recs {
		here := "unknown"
		if it, err := ce.x.Item(ctx, r.ID); err == nil {
			here = string(it.SyncState)
			if it.Trashed() {
				here = "trashed"
			}
		}
		out = append(out, cloudRecording{ID: r.ID, ShortID: library.ShortID(r.ID), Title: r.Title, CreatedAt: r.CreatedAt, DurationMS: r.DurationMS,
			Format: r.Format, SizeBytes: r.SizeBytes, SHA256: r.SHA256, Version: r.Version, Available: r.Available, Here: here})
	}
	if asJSON {
		return e.PrintJSON(out)
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTITLE\tCREATED\tLENGTH\tSIZE\tHERE")
	for _, r := range out {
		state := r.Here
		if !r.Available {
			state += " (uploading)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", library.ShortID(r.ID), printable(r.Title), r.CreatedAt.Local().Format("2006-01-02 15:04"),
			formatDuration(time.Duration(r.DurationMS)*time.Millisecond), formatSize(r.SizeBytes), state)
	}
	return tw.Flush()
}

// resolveCloud finds the recording a user named: in the library (id or
// unique prefix), else among the server's recordings.
func resolveCloud(ctx context.Context, ce *cloudEnv, arg string, recs *[]api.Recording) (string, error) {
	id, err := ce.x.Library().Resolve(ctx, arg)
	switch {
	case err == nil:
		return id, nil
	case errors.Is(err, library.ErrAmbiguous):
		return "", err
	}
	if *recs == nil {
		var err error
		if *recs, err = listCloud(ctx, ce.sess.Client()); err != nil {
			return "", err
		}
	}
	var match []string
	for _, r := range *recs {
		typed := strings.ToLower(arg)
		if r.ID == typed || (len(typed) >= 4 && (strings.HasPrefix(r.ID, typed) || strings.HasSuffix(r.ID, typed) || strings.HasPrefix(library.ShortID(r.ID), typed))) {
			match = append(match, r.ID)
		}
	}
	switch len(match) {
	case 0:
		return "", fmt.Errorf("no recording with id %s here or in the cloud: `earshot cloud ls` shows the ids", arg)
	case 1:
		return match[0], nil
	}
	return "", fmt.Errorf("%s matches several recordings; type more of the id", arg)
}

// resolveCloudIDs turns each argument (an id or a unique prefix) into a
// recording id known here or in the cloud; the cloud is listed at most once.
func resolveCloudIDs(ctx context.Context, ce *cloudEnv, args []string) ([]string, error) {
	var recs []api.Recording
	ids := make([]string, 0, len(args))
	for _, a := range args {
		id, err := resolveCloud(ctx, ce, a, &recs)
		if err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func (e *Env) cloudRemove(ctx context.Context, sf sessionFlags, args []string) error {
	ce, err := e.cloud(ctx, sf, sync.Options{})
	if err != nil {
		return err
	}
	ids, err := resolveCloudIDs(ctx, ce, args)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := e.deleteScoped(ctx, ce, id, sync.FromCloud); err != nil {
			return err
		}
	}
	return nil
}

func (e *Env) pull(ctx context.Context, sf sessionFlags, args []string) error {
	ce, err := e.cloud(ctx, sf, sync.Options{})
	if err != nil {
		return err
	}
	ids, err := resolveCloudIDs(ctx, ce, args)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := ce.x.Item(ctx, id); errors.Is(err, library.ErrNotFound) {
			// Known to the cloud, not here yet: learn of it first.
			if _, err := ce.eng.SyncOnce(ctx); err != nil {
				return err
			}
		}
		it, err := ce.x.Item(ctx, id)
		if err != nil {
			return err
		}
		if it.HasAudio {
			fmt.Fprintf(e.Stderr, "already here: %q (%s)\n", it.Title, id)
			continue
		}
		report, done := progress(e.Stderr, "downloading")
		var cancel func()
		if report != nil {
			cancel = ce.eng.Subscribe(func(ev sync.Event) {
				if ev.Kind == sync.ItemProgress && ev.ID == id {
					report(ev.Done, ev.Total)
				}
			})
		}
		err = ce.eng.Download(ctx, id)
		if cancel != nil {
			cancel()
		}
		done()
		if err != nil {
			return err
		}
		fmt.Fprintf(e.Stderr, "downloaded %q (%s), %s\n", it.Title, id, formatSize(it.Size))
	}
	return nil
}
