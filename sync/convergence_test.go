package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
	"github.com/earshot/earshot/library"
)

// TestConvergence runs seeded random sequences of operations on two or
// three devices of one account (record, rename, tag, favourite, bookmark,
// the three deletes — a delete from the cloud of a recording here or of a
// cloud-only entry, as `rm --cloud` and `cloud rm` do — upload again,
// purge, restore, download, going offline and back, syncing in any order),
// then syncs everyone until nothing moves and checks that the devices agree
// with the server, that nothing that was not deleted is lost, and that a
// delete from the cloud never removed a copy from a device.
//
// EARSHOT_SYNC_SEQUENCES sets how many sequences (default 200; for a long
// run, thousands: EARSHOT_SYNC_SEQUENCES=5000 go test -timeout 2h -run
// TestConvergence ./sync/), EARSHOT_SYNC_FIRST the first seed (default 1),
// EARSHOT_SYNC_SEED replays one seed.
func TestConvergence(t *testing.T) {
	srv := sharedServer(t)
	n, first := 200, uint64(1)
	if v := os.Getenv("EARSHOT_SYNC_SEQUENCES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatalf("EARSHOT_SYNC_SEQUENCES=%q: %v", v, err)
		}
	}
	if v := os.Getenv("EARSHOT_SYNC_FIRST"); v != "" {
		var err error
		if first, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("EARSHOT_SYNC_FIRST=%q: %v", v, err)
		}
	}
	if v := os.Getenv("EARSHOT_SYNC_SEED"); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("EARSHOT_SYNC_SEED=%q: %v", v, err)
		}
		n, first = 1, seed
	}
	for seed := first; seed < first+uint64(n); seed++ {
		ok := t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) { runSequence(t, srv, seed) })
		if !ok {
			t.Logf("replay: EARSHOT_SYNC_SEED=%d go test -run 'TestConvergence' ./sync/", seed)
			if !testing.Verbose() {
				return // one failing seed is enough to read
			}
		}
	}
}

// world is one sequence's devices and what the test knows happened.
type world struct {
	t       *testing.T
	rng     *rand.Rand
	devs    []*device
	created map[string]string // id → sha256 at creation
	// lastDelete and lastRestore are the step of the last operation that
	// deleted the cloud copy (or meant to), and of the last restore.
	lastDelete, lastRestore map[string]int
	// holders are, per recording removed from the cloud, the devices that
	// held its audio then: they must still hold it at the end, unless they
	// deleted it themselves, or it went back to the cloud (upload again)
	// or was deleted everywhere since.
	holders map[string]map[*device]bool
	// everywhere are the recordings some device deleted everywhere: which
	// of that and a removal from the cloud reached the server first (which
	// the rule of the holders depends on) is not known here, so their
	// holders are not checked.
	everywhere map[string]bool
	step       int
	log        []string
	// added and removed are the tags and bookmark ids added to and removed
	// from each recording on any device: what a merge must not lose.
	added, removed map[string]map[string]bool
}

func runSequence(t *testing.T, srv *testenv.Server, seed uint64) {
	ctx := context.Background()
	w := &world{t: t, rng: rand.New(rand.NewPCG(seed, seed*7919)), created: map[string]string{},
		lastDelete: map[string]int{}, lastRestore: map[string]int{}, holders: map[string]map[*device]bool{},
		everywhere: map[string]bool{}, added: map[string]map[string]bool{}, removed: map[string]map[string]bool{}}
	email, pw := newUser(t, srv.URL)
	c, err := NewClient(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := Login(ctx, c, NewMemoryStore(), email, pw)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 + w.rng.IntN(2) {
		w.devs = append(w.devs, newSeqDevice(t, fmt.Sprintf("dev%d", i), srv.URL, email, sess))
	}
	for _, d := range w.devs {
		if w.rng.IntN(3) == 0 {
			if err := d.eng.SetAutoDownload(ctx, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	steps := 10 + w.rng.IntN(25)
	for w.step = 1; w.step <= steps; w.step++ {
		w.randomOp(ctx)
	}
	defer func() {
		if t.Failed() {
			t.Logf("operations:\n%s", joinLines(w.log))
		}
	}()
	w.converge(ctx)
	w.check(ctx, sess.Client())
	w.checkHolders(ctx)
}

func joinLines(s []string) string {
	out := ""
	for _, l := range s {
		out += "  " + l + "\n"
	}
	return out
}

// newSeqDevice shares one session among the devices of a sequence (a login
// costs an argon2id hash on the server); each keeps its own network switch.
func newSeqDevice(t *testing.T, name, url, email string, sess *Session) *device {
	ctx := context.Background()
	d := &device{name: name, dir: t.TempDir(), net: &netSwitch{rt: sharedTransport}, sess: sess}
	var err error
	if d.lib, err = library.Open(ctx, d.dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.lib.Close() })
	if d.x, err = d.lib.SyncIndex(ctx); err != nil {
		t.Fatal(err)
	}
	c, err := NewClient(url, &http.Client{Transport: d.net})
	if err != nil {
		t.Fatal(err)
	}
	key := AccountKey{Server: c.Server(), Email: email}
	if err := setLibraryAccount(ctx, d.x, key); err != nil {
		t.Fatal(err)
	}
	d.eng = New(d.x, c.WithAuth(sess), key, Options{Backoff: Backoff{Min: 5e6, Max: 2e7}})
	return d
}

// sharedTransport keeps connections alive across the many short sequences.
var sharedTransport = NewTransport()

func (w *world) logf(format string, args ...any) {
	w.log = append(w.log, fmt.Sprintf("%2d ", w.step)+fmt.Sprintf(format, args...))
}

// pick returns a random recording of d matching keep, or false.
func (w *world) pick(ctx context.Context, d *device, keep func(library.SyncItem) bool) (library.SyncItem, bool) {
	var ids []string
	for id := range w.created {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var cands []library.SyncItem
	for _, id := range ids {
		it, err := d.x.Item(ctx, id)
		if err == nil && keep(it) {
			cands = append(cands, it)
		}
	}
	if len(cands) == 0 {
		return library.SyncItem{}, false
	}
	return cands[w.rng.IntN(len(cands))], true
}

func live(it library.SyncItem) bool    { return !it.Trashed() && !it.Tombstone() }
func trashed(it library.SyncItem) bool { return it.Trashed() && !it.Tombstone() }

func (w *world) randomOp(ctx context.Context) {
	t := w.t
	d := w.devs[w.rng.IntN(len(w.devs))]
	switch k := w.rng.IntN(23); {
	case k >= 20:
		w.metaOp(ctx, d, k-20)
	case k < 4:
		r := d.record(t, fmt.Sprintf("rec %d", w.step), 1+w.rng.IntN(20_000))
		w.created[r.ID] = r.SHA256
		w.logf("%s record %s", d.name, r.ID[24:])
	case k < 7:
		if it, ok := w.pick(ctx, d, live); ok {
			title := fmt.Sprintf("title %d on %s", w.step, d.name)
			if err := d.lib.Rename(ctx, it.ID, title); err != nil {
				t.Fatal(err)
			}
			w.logf("%s rename %s %q", d.name, it.ID[24:], title)
		}
	case k < 10:
		if it, ok := w.pick(ctx, d, live); ok {
			scope := []Scope{FromDevice, FromCloud, Everywhere}[w.rng.IntN(3)]
			err := d.eng.Delete(ctx, it.ID, scope)
			if err != nil && !errors.Is(err, ErrNotInCloud) && !errors.Is(err, ErrNotHere) {
				t.Fatal(err)
			}
			if err == nil {
				w.deleted(ctx, d, it, scope)
			}
			w.logf("%s delete %s from %s (%v)", d.name, it.ID[24:], scope, err)
		}
	case k < 11:
		if it, ok := w.pick(ctx, d, trashed); ok {
			if err := d.lib.Purge(ctx, it.ID); err != nil {
				t.Fatal(err)
			}
			delete(w.holders[it.ID], d)
			if it.RemoteVersion > 0 {
				w.lastDelete[it.ID] = w.step
				delete(w.holders, it.ID) // its tombstone goes out: deleted everywhere
			}
			w.logf("%s purge %s", d.name, it.ID[24:])
		}
	case k < 12:
		if it, ok := w.pick(ctx, d, trashed); ok {
			if err := d.lib.Restore(ctx, it.ID); err != nil {
				t.Fatal(err)
			}
			w.lastRestore[it.ID] = w.step
			w.logf("%s restore %s", d.name, it.ID[24:])
		}
	case k < 13:
		if it, ok := w.pick(ctx, d, func(it library.SyncItem) bool { return live(it) && !it.HasAudio }); ok {
			err := d.eng.Download(ctx, it.ID)
			w.logf("%s pull %s (%v)", d.name, it.ID[24:], err)
			if err != nil && !d.net.offline.Load() && !errors.Is(err, library.ErrNotFound) && !errors.Is(err, ErrDeleting) {
				t.Fatalf("pull: %v", err)
			}
		}
	case k < 14:
		if it, ok := w.pick(ctx, d, func(it library.SyncItem) bool { return live(it) && it.KeepLocal && it.HasAudio }); ok {
			err := d.eng.UploadAgain(ctx, it.ID)
			if err != nil {
				t.Fatalf("upload again: %v", err)
			}
			w.lastRestore[it.ID] = w.step
			delete(w.holders, it.ID)
			w.logf("%s upload again %s", d.name, it.ID[24:])
		}
	case k < 15:
		off := !d.net.offline.Load()
		d.net.offline.Store(off)
		w.logf("%s offline=%v", d.name, off)
	default:
		sum, err := d.eng.SyncOnce(ctx)
		w.logf("%s sync: %+v %v", d.name, brief(sum), err)
		if err != nil && !d.net.offline.Load() {
			t.Fatalf("%s: sync online: %v", d.name, err)
		}
		if len(sum.Failed) > 0 {
			t.Fatalf("%s: sync failures: %v", d.name, sum.Failed)
		}
	}
}

// metaOp changes one recording's tags (op 0), favourite (1) or bookmarks
// (2) on d, noting what was added and removed.
func (w *world) metaOp(ctx context.Context, d *device, op int) {
	t := w.t
	it, ok := w.pick(ctx, d, live)
	if !ok {
		return
	}
	note := func(m map[string]map[string]bool, v string) {
		if m[it.ID] == nil {
			m[it.ID] = map[string]bool{}
		}
		m[it.ID][v] = true
	}
	switch op {
	case 0:
		tag := fmt.Sprintf("t%d", w.step)
		var remove []string
		if len(it.Tags) > 0 && w.rng.IntN(2) == 0 {
			remove = []string{it.Tags[w.rng.IntN(len(it.Tags))]}
			note(w.removed, remove[0])
		}
		if err := d.lib.EditTags(ctx, it.ID, []string{tag}, remove); err != nil {
			t.Fatal(err)
		}
		note(w.added, tag)
		w.logf("%s tag %s +%s -%v", d.name, it.ID[24:], tag, remove)
	case 1:
		if err := d.lib.SetFavorite(ctx, it.ID, !it.Favorite); err != nil {
			t.Fatal(err)
		}
		w.logf("%s favourite %s %v", d.name, it.ID[24:], !it.Favorite)
	default:
		if len(it.Bookmarks) > 0 && w.rng.IntN(2) == 0 {
			b := it.Bookmarks[w.rng.IntN(len(it.Bookmarks))]
			if err := d.lib.RemoveBookmark(ctx, b.ID); err != nil {
				t.Fatal(err)
			}
			note(w.removed, b.ID)
			w.logf("%s unmark %s %s", d.name, it.ID[24:], b.ID[24:])
			return
		}
		b, err := d.lib.AddBookmark(ctx, it.ID, time.Duration(w.rng.IntN(1000))*time.Millisecond, "")
		if err != nil {
			t.Fatal(err)
		}
		note(w.added, b.ID)
		w.logf("%s mark %s %s", d.name, it.ID[24:], b.ID[24:])
	}
}

// checkMeta: every device holds the server's tags, favourite and bookmarks;
// on a recording never deleted from the cloud, those are exactly what was
// added and not removed on any device (nothing a merge dropped or revived).
func (w *world) checkMeta(d *device, id string, it library.SyncItem, r api.Recording) {
	t := w.t
	if got, want := it.Meta(), remoteMeta(r); !got.Equal(want) {
		t.Errorf("%s: %s has %+v, the server %+v", d.name, id[24:], got, want)
	}
	if _, ever := w.lastDelete[id]; ever {
		return
	}
	have := map[string]bool{}
	for _, tag := range r.Tags {
		have[tag] = true
	}
	for _, b := range r.Bookmarks {
		have[b.ID] = true
	}
	for v := range w.added[id] {
		if want := !w.removed[id][v]; have[v] != want {
			t.Errorf("%s: the server has %s=%v, want %v (added, removed %v)", id[24:], v, have[v], want, w.removed[id][v])
		}
	}
}

// deleted notes a deletion d made of it in scope.
func (w *world) deleted(ctx context.Context, d *device, it library.SyncItem, scope Scope) {
	delete(w.holders[it.ID], d)
	switch scope {
	case FromDevice:
		return
	case Everywhere:
		// Deleted everywhere (also a copy kept after a removal from the
		// cloud: the server's tombstone says so then): other copies may go
		// to the trash.
		w.everywhere[it.ID] = true
		delete(w.holders, it.ID)
	case FromCloud:
		if w.everywhere[it.ID] {
			break
		}
		if w.holders[it.ID] == nil {
			w.holders[it.ID] = map[*device]bool{}
		}
		for _, o := range w.devs {
			if got, err := o.x.Item(ctx, it.ID); err == nil && live(got) && got.HasAudio {
				w.holders[it.ID][o] = true
			}
		}
	}
	w.lastDelete[it.ID] = w.step
}

func brief(s Summary) string {
	return fmt.Sprintf("up %d down %d del %d ren %d remote %d conflicts %d waiting %d",
		s.Uploaded, s.Downloaded, s.Deleted, s.Renamed, s.Remote, s.Conflicts, s.Waiting)
}

// converge brings everyone online and syncs in rounds until a whole round
// changes nothing.
func (w *world) converge(ctx context.Context) {
	t := w.t
	for _, d := range w.devs {
		d.net.offline.Store(false)
	}
	for round := 0; ; round++ {
		if round == 6 {
			t.Fatalf("no quiescence after %d rounds", round)
		}
		quiet := true
		for _, d := range w.devs {
			sum, err := d.eng.SyncOnce(ctx)
			w.logf("%s final sync %d: %s %v", d.name, round, brief(sum), err)
			if err != nil || len(sum.Failed) > 0 {
				t.Fatalf("%s: final sync: %v %v", d.name, err, sum.Failed)
			}
			if sum.Uploaded+sum.Downloaded+sum.Deleted+sum.Renamed+sum.Remote+sum.Conflicts > 0 || sum.Waiting > 0 {
				quiet = false
			}
		}
		if quiet {
			return
		}
	}
}

// check asserts what converged means.
func (w *world) check(ctx context.Context, c *Client) {
	t := w.t
	srv := remote(t, c)
	for id, r := range srv {
		sha, ok := w.created[id]
		if !ok {
			t.Errorf("server holds %s, which no device created", id)
		}
		if r.SHA256 != sha || !r.Available {
			t.Errorf("server copy of %s: sha %s available %v, want %s", id, r.SHA256, r.Available, sha)
		}
	}
	for id := range w.created {
		_, inCloud := srv[id]
		deleted := w.lastDelete[id] > w.lastRestore[id]
		if deleted && inCloud {
			t.Errorf("%s was deleted at step %d (last restore: %d) but the server holds it", id[24:], w.lastDelete[id], w.lastRestore[id])
		}
		if _, ever := w.lastDelete[id]; !ever && !inCloud && !w.keptLocally(ctx, id) {
			t.Errorf("%s was never deleted from the cloud but is lost", id[24:])
		}
	}
	for _, d := range w.devs {
		auto, _ := d.eng.AutoDownload(ctx)
		for id := range w.created {
			it, err := d.x.Item(ctx, id)
			r, inCloud := srv[id]
			if err != nil {
				if inCloud {
					t.Errorf("%s: lacks %s, which the server holds", d.name, id[24:])
				}
				continue
			}
			if it.Tombstone() {
				t.Errorf("%s: tombstone of %s left after sync", d.name, id[24:])
				continue
			}
			if inCloud {
				switch {
				case it.Trashed():
					t.Errorf("%s: %s in the trash, but live in the cloud", d.name, id[24:])
				case it.Title != r.Title:
					t.Errorf("%s: %s titled %q, server %q", d.name, id[24:], it.Title, r.Title)
				case it.SyncState != library.Synced && it.SyncState != library.CloudOnly:
					t.Errorf("%s: %s is %s (%s)", d.name, id[24:], it.SyncState, it.SyncError)
				case it.HasAudio != (it.SyncState == library.Synced):
					t.Errorf("%s: %s is %s with audio=%v", d.name, id[24:], it.SyncState, it.HasAudio)
				case auto && !it.HasAudio:
					t.Errorf("%s: %s not downloaded with automatic downloads on", d.name, id[24:])
				}
				w.checkMeta(d, id, it, r)
			} else if !it.Trashed() && (!it.KeepLocal || it.SyncState != library.LocalOnly || !it.HasAudio) {
				t.Errorf("%s: %s live here (%s, keep %v), not in the cloud", d.name, id[24:], it.SyncState, it.KeepLocal)
			}
			if it.HasAudio {
				b, err := os.ReadFile(d.lib.AudioPath(it.Recording))
				sum := sha256.Sum256(b)
				if err != nil || hex.EncodeToString(sum[:]) != w.created[id] {
					t.Errorf("%s: audio of %s damaged or missing (%v)", d.name, id[24:], err)
				}
			}
		}
	}
}

// checkHolders asserts the rule of a delete from the cloud: every device
// that held the audio still holds it, out of the trash.
func (w *world) checkHolders(ctx context.Context) {
	for id, devs := range w.holders {
		for d := range devs {
			it, err := d.x.Item(ctx, id)
			if err != nil || !it.HasAudio || it.Trashed() {
				w.t.Errorf("%s: lost its copy of %s to a delete from the cloud (%v, audio %v, trashed %v)", d.name, id[24:], err, it.HasAudio, it.Trashed())
			}
		}
	}
}

// keptLocally reports whether some device keeps id as local-only (a delete
// from the cloud only, made there).
func (w *world) keptLocally(ctx context.Context, id string) bool {
	for _, d := range w.devs {
		if it, err := d.x.Item(ctx, id); err == nil && it.KeepLocal {
			return true
		}
	}
	return false
}
