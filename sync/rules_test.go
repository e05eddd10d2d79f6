package sync

import (
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
)

// The sync rules are pure functions of a recording's row (and the server's
// record of it): these tables are the state diagram of
// docs/ARCHITECTURE.md, case by case.

var (
	ruleNow  = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ruleTime = ruleNow.Add(-time.Hour)
)

// item builds a recording row for the tables: audio here, version 1 pushed,
// in state st, changed by the options.
func item(st library.SyncState, opts ...func(*library.SyncItem)) library.SyncItem {
	it := library.SyncItem{
		Recording: library.Recording{
			ID: "0190b4a6-7b1e-7cc0-8c3e-8f1c2d3e4f50", Title: "here", Format: "opus", Size: 100, SHA256: "aa",
			Version: 1, HasAudio: true, SyncState: st,
		},
		PushedVersion: 1,
	}
	if st != library.LocalOnly && st != library.Queued && st != library.Uploading {
		it.RemoteVersion, it.RemoteTitle = 1, "here"
	}
	for _, o := range opts {
		o(&it)
	}
	return it
}

func noAudio(it *library.SyncItem)   { it.HasAudio = false }
func inTrash(it *library.SyncItem)   { t := ruleTime; it.TrashedAt = &t }
func tombstone(it *library.SyncItem) { t := ruleTime; it.DeletedAt, it.HasAudio = &t, false }
func keepLocal(it *library.SyncItem) { it.KeepLocal = true }
func wantAudio(it *library.SyncItem) { it.WantAudio = true }
func renamed(it *library.SyncItem)   { it.Title, it.Version = "renamed here", it.Version+1 }
func remoteV(v int64) func(*library.SyncItem) {
	return func(it *library.SyncItem) { it.RemoteVersion = v }
}
func failedFrom(resume library.SyncState) func(*library.SyncItem) {
	return func(it *library.SyncItem) { it.ResumeState, it.SyncState, it.SyncError = resume, library.Failed, "why" }
}

func TestEffectiveState(t *testing.T) {
	for _, c := range []struct {
		name string
		it   library.SyncItem
		want library.SyncState
	}{
		{"a state that is not a failure is itself", item(library.Downloading), library.Downloading},
		{"a failure resumes the state it interrupted", item(library.Synced, failedFrom(library.CloudOnly)), library.CloudOnly},
		{"a failure without one: never uploaded is queued", item(library.Queued, failedFrom(""), remoteV(0)), library.Queued},
		{"a failure without one: uploaded and here is synced", item(library.Synced, failedFrom("")), library.Synced},
		{"a failure without one: no audio here is cloud-only", item(library.CloudOnly, failedFrom(""), noAudio), library.CloudOnly},
	} {
		if got := effectiveState(c.it); got != c.want {
			t.Errorf("%s: effectiveState = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestDecide(t *testing.T) {
	const none = library.SyncState("")
	for _, c := range []struct {
		name     string
		it       library.SyncItem
		auto     bool
		wantOp   Op
		wantNext library.SyncState
	}{
		{"a tombstone's deletion goes out", item(library.Synced, tombstone), false, OpDelete, none},
		{"trashed while deleting: the deletion goes out", item(library.PendingDelete, inTrash), false, OpDelete, none},
		{"trashed while synced: a deletion to pass on", item(library.Synced, inTrash), false, OpDelete, library.PendingDelete},
		{"trashed while cloud-only: a deletion to pass on", item(library.CloudOnly, inTrash, noAudio), false, OpDelete, library.PendingDelete},
		{"trashed before its upload: the upload stops", item(library.Queued, inTrash), false, "", library.LocalOnly},
		{"trashed mid-upload: the upload stops", item(library.Uploading, inTrash), false, "", library.LocalOnly},
		{"trashed and local-only: nothing", item(library.LocalOnly, inTrash), false, "", none},
		{"trashed after a failed sync: the deletion goes out", item(library.Synced, inTrash, failedFrom(library.Synced)), false, OpDelete, library.PendingDelete},
		{"deleted from the cloud only: the deletion goes out", item(library.PendingDelete, keepLocal), false, OpDelete, none},
		{"restored before its deletion went out: synced again", item(library.PendingDelete), false, "", library.Synced},
		{"restored before its deletion went out, no audio: cloud-only again", item(library.PendingDelete, noAudio), false, "", library.CloudOnly},
		{"kept local: nothing to do", item(library.LocalOnly, keepLocal), false, "", none},
		{"kept local after a failure: local-only", item(library.LocalOnly, keepLocal, failedFrom(library.LocalOnly)), false, "", library.LocalOnly},
		{"kept local but marked synced: local-only", item(library.Synced, keepLocal), false, "", library.LocalOnly},
		{"new here: queued and uploaded", item(library.LocalOnly), false, OpUpload, library.Queued},
		{"queued: uploaded", item(library.Queued), false, OpUpload, none},
		{"interrupted upload: resumed", item(library.Uploading), false, OpUpload, none},
		{"failed upload: retried", item(library.Queued, failedFrom(library.Queued)), false, OpUpload, none},
		{"local-only without audio: nothing", item(library.LocalOnly, noAudio), false, "", none},
		{"renamed here: the rename goes out", item(library.Synced, renamed), false, OpRename, none},
		{"renamed after a failure: the rename goes out from the resumed state", item(library.CloudOnly, noAudio, renamed, failedFrom(library.CloudOnly)), false, OpRename, library.CloudOnly},
		{"renamed before any upload: the upload carries it", item(library.Queued, renamed), false, OpUpload, none},
		{"synced: nothing", item(library.Synced), false, "", none},
		{"synced after a failure: the failure clears", item(library.Synced, failedFrom(library.Synced)), false, "", library.Synced},
		{"cloud-only: stays", item(library.CloudOnly, noAudio), false, "", none},
		{"cloud-only with automatic downloads: downloaded", item(library.CloudOnly, noAudio), true, OpDownload, none},
		{"cloud-only asked for: downloaded", item(library.CloudOnly, noAudio, wantAudio), false, OpDownload, none},
		{"an interrupted download nobody wants: cloud-only", item(library.Downloading, noAudio), false, "", library.CloudOnly},
		{"an interrupted download asked for: resumed", item(library.Downloading, noAudio, wantAudio), false, OpDownload, none},
	} {
		op, next := decide(c.it, c.auto)
		if op != c.wantOp || next != c.wantNext {
			t.Errorf("%s: decide = (%q, %q), want (%q, %q)", c.name, op, next, c.wantOp, c.wantNext)
		}
	}
}

// outcome is what a reconcile table row expects.
type outcome struct {
	changed bool
	purge   bool
	noItem  bool // no row written
	state   library.SyncState
	trashed bool
	keep    bool // KeepLocal
	remote  int64
	title   string
	history int
}

func (o outcome) check(t *testing.T, name string, ch library.SyncChange, changed bool) {
	t.Helper()
	if changed != o.changed || ch.Purge != o.purge || (ch.Item == nil) != (o.noItem || o.purge) {
		t.Errorf("%s: changed %v purge %v item %v; want changed %v purge %v item %v", name, changed, ch.Purge, ch.Item != nil, o.changed, o.purge, !(o.noItem || o.purge))
		return
	}
	if len(ch.History) != o.history {
		t.Errorf("%s: %d titles to the history, want %d", name, len(ch.History), o.history)
	}
	if ch.Item == nil {
		return
	}
	n := ch.Item
	if n.SyncState != o.state || n.Trashed() != o.trashed || n.KeepLocal != o.keep || n.RemoteVersion != o.remote || (o.title != "" && n.Title != o.title) {
		t.Errorf("%s: state %q trashed %v keep-local %v remote v%d title %q; want %q %v %v v%d %q", name,
			n.SyncState, n.Trashed(), n.KeepLocal, n.RemoteVersion, n.Title, o.state, o.trashed, o.keep, o.remote, o.title)
	}
}

// server is the server's record of the table's recording.
func server(v int64, title string) api.Recording {
	return api.Recording{ID: item("").ID, RecordingMeta: api.RecordingMeta{Title: title, Format: "opus", SizeBytes: 100, SHA256: "aa"}, Version: v, Available: true}
}

func ptr(it library.SyncItem) *library.SyncItem { return &it }

func TestReconcile(t *testing.T) {
	uploading := server(2, "here")
	uploading.Available = false
	otherAudio := server(1, "here")
	otherAudio.SHA256 = "bb"
	for _, c := range []struct {
		name string
		cur  *library.SyncItem
		r    api.Recording
		want outcome
	}{
		{"new in the cloud: a cloud-only entry", nil, server(3, "from elsewhere"), outcome{changed: true, state: library.CloudOnly, remote: 3, title: "from elsewhere"}},
		{"an upload still in progress: not yet", nil, uploading, outcome{noItem: true}},
		{"purged here: our deletion wins", ptr(item(library.Synced, tombstone)), server(2, "x"), outcome{noItem: true}},
		{"renamed elsewhere: the new title", ptr(item(library.Synced)), server(2, "there"), outcome{changed: true, state: library.Synced, remote: 2, title: "there"}},
		{"nothing new: no change", ptr(item(library.Synced)), server(1, "here"), outcome{state: library.Synced, remote: 1, title: "here"}},
		{"renamed here and there: the server's wins, ours to the history", ptr(item(library.Synced, renamed)), server(2, "there"),
			outcome{changed: true, state: library.Synced, remote: 2, title: "there", history: 1}},
		{"renamed here, another field changed there: our rename stands", ptr(item(library.Synced, renamed)), server(2, "here"),
			outcome{state: library.Synced, remote: 2, title: "renamed here"}},
		{"in the trash, renamed elsewhere: title kept current", ptr(item(library.Synced, inTrash)), server(2, "there"),
			outcome{changed: true, state: library.Synced, trashed: true, remote: 2, title: "there"}},
		{"in the trash after a cloud delete, listed again: restored here too", ptr(item(library.LocalOnly, inTrash, remoteV(0))), server(3, "here"),
			outcome{changed: true, state: library.Synced, remote: 3}},
		{"an upload whose answer was lost: synced", ptr(item(library.Uploading)), server(1, "here"), outcome{changed: true, state: library.Synced, remote: 1}},
		{"other audio under this id: left alone", ptr(item(library.Queued)), otherAudio, outcome{state: library.Queued}},
		{"deleting here, renamed there: the deletion stands, the title follows", ptr(item(library.PendingDelete)), server(2, "there"),
			outcome{changed: true, state: library.PendingDelete, remote: 2, title: "there"}},
	} {
		ch, changed := reconcile(c.cur, c.r, ruleNow)
		c.want.check(t, c.name, ch, changed)
	}
}

func keptSince(v int64) func(*library.SyncItem) {
	return func(it *library.SyncItem) { it.KeepLocal, it.KeptSince = true, v }
}

func TestReconcileDeleted(t *testing.T) {
	for _, c := range []struct {
		name  string
		cur   *library.SyncItem
		scope string
		v     int64 // the tombstone's version (0 in rows where it does not matter)
		want  outcome
	}{
		{"unknown here: nothing", nil, "", 0, outcome{noItem: true}},
		{"our own purge, confirmed: the tombstone goes", ptr(item(library.Synced, tombstone)), "", 0, outcome{purge: true}},
		{"a cloud-only entry: dropped", ptr(item(library.CloudOnly, noAudio)), api.ScopeEverywhere, 0, outcome{changed: true, purge: true}},
		{"a cloud-only entry in the trash: dropped quietly", ptr(item(library.PendingDelete, noAudio, inTrash)), "", 0, outcome{purge: true}},
		{"in the trash here: stays there, local-only", ptr(item(library.PendingDelete, inTrash)), "", 0, outcome{state: library.LocalOnly, trashed: true}},
		{"not uploaded yet: the upload brings it back", ptr(item(library.Queued)), "", 0, outcome{noItem: true}},
		{"deleted from the cloud here: local-only", ptr(item(library.PendingDelete, keepLocal)), api.ScopeCloud, 0, outcome{state: library.LocalOnly, keep: true}},
		{"synced here, deleted elsewhere: to the trash", ptr(item(library.Synced)), api.ScopeEverywhere, 0, outcome{changed: true, state: library.LocalOnly, trashed: true}},
		{"an older server's tombstone means everywhere", ptr(item(library.Synced)), "", 0, outcome{changed: true, state: library.LocalOnly, trashed: true}},
		{"failed here, deleted elsewhere: to the trash, the failure cleared", ptr(item(library.Synced, failedFrom(library.Synced))), "", 0, outcome{changed: true, state: library.LocalOnly, trashed: true}},
		{"removed from the cloud elsewhere, synced here: kept here only", ptr(item(library.Synced)), api.ScopeCloud, 0, outcome{changed: true, state: library.LocalOnly, keep: true}},
		{"removed from the cloud elsewhere while failed here: kept here only", ptr(item(library.Synced, failedFrom(library.Synced))), api.ScopeCloud, 0, outcome{changed: true, state: library.LocalOnly, keep: true}},
		{"removed from the cloud elsewhere, cloud-only here: dropped", ptr(item(library.CloudOnly, noAudio)), api.ScopeCloud, 0, outcome{changed: true, purge: true}},
		{"removed from the cloud elsewhere, in the trash here: stays there, not to be uploaded", ptr(item(library.PendingDelete, inTrash)), api.ScopeCloud, 0, outcome{state: library.LocalOnly, trashed: true, keep: true}},
		{"removed from the cloud elsewhere while a rename waits here: kept here only", ptr(item(library.Synced, renamed)), api.ScopeCloud, 0, outcome{changed: true, state: library.LocalOnly, keep: true}},
		{"kept here through v3, deleted everywhere after it (v4): to the trash", ptr(item(library.LocalOnly, keptSince(3))), api.ScopeEverywhereAfterCloud, 4, outcome{changed: true, state: library.LocalOnly, trashed: true}},
		{"kept here through v3, pushed again and deleted everywhere (v6): to the trash", ptr(item(library.LocalOnly, keptSince(3))), api.ScopeEverywhere, 6, outcome{changed: true, state: library.LocalOnly, trashed: true}},
		{"kept by a removal made here after a delete everywhere (its answer v4): v4 heard again, kept", ptr(item(library.LocalOnly, keptSince(4))), api.ScopeEverywhere, 4, outcome{noItem: true}},
		{"kept since before this version was known (an older library): a later everywhere trashes it", ptr(item(library.LocalOnly, keepLocal)), api.ScopeEverywhere, 2, outcome{changed: true, state: library.LocalOnly, trashed: true}},
		{"a removal from the cloud still going out here, deleted everywhere meanwhile (v4): kept, through v4", ptr(item(library.PendingDelete, keepLocal)), api.ScopeEverywhere, 4, outcome{state: library.LocalOnly, keep: true}},
		{"synced here, deleted everywhere after a removal elsewhere: to the trash", ptr(item(library.Synced)), api.ScopeEverywhereAfterCloud, 0, outcome{changed: true, state: library.LocalOnly, trashed: true}},
		{"kept here after a removal from the cloud, the removal heard again: kept", ptr(item(library.LocalOnly, keepLocal)), api.ScopeCloud, 0, outcome{noItem: true}},
		{"kept here after a removal from the cloud, an older server's tombstone: kept", ptr(item(library.LocalOnly, keepLocal)), "", 0, outcome{noItem: true}},
		{"kept here, failed since, deleted everywhere: to the trash", ptr(item(library.LocalOnly, keptSince(3), failedFrom(library.LocalOnly))), api.ScopeEverywhereAfterCloud, 4, outcome{changed: true, state: library.LocalOnly, trashed: true}},
	} {
		ch, changed := reconcileDeleted(c.cur, c.scope, c.v, ruleNow)
		if c.want.keep && ch.Item != nil && ch.Item.KeptSince != max(c.cur.KeptSince, c.v) {
			t.Errorf("%s: kept since v%d, want v%d", c.name, ch.Item.KeptSince, max(c.cur.KeptSince, c.v))
		}
		c.want.check(t, c.name, ch, changed)
	}
}

func TestDeleteChange(t *testing.T) {
	for _, c := range []struct {
		name  string
		cur   library.SyncItem
		scope Scope
		want  outcome
	}{
		{"everywhere, synced: to the trash, the deletion goes out", item(library.Synced), Everywhere, outcome{state: library.PendingDelete, trashed: true, remote: 1}},
		{"everywhere, never uploaded: to the trash here only", item(library.LocalOnly), Everywhere, outcome{state: library.LocalOnly, trashed: true}},
		// Other devices may have kept their copies after the removal from
		// the cloud: the server's tombstone must say "everywhere" now.
		{"everywhere, kept here after a removal from the cloud: the deletion goes out", item(library.LocalOnly, keepLocal), Everywhere, outcome{state: library.PendingDelete, trashed: true}},
		{"from the cloud, synced: pending, kept here", item(library.Synced), FromCloud, outcome{state: library.PendingDelete, keep: true, remote: 1}},
		{"from the cloud, never uploaded: kept here, never uploaded", item(library.LocalOnly), FromCloud, outcome{state: library.LocalOnly, keep: true}},
		{"from this device, synced: cloud-only", item(library.Synced), FromDevice, outcome{state: library.CloudOnly, remote: 1}},
	} {
		ch, err := deleteChange(c.cur, c.scope, ruleNow)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		c.want.check(t, c.name, ch, false)
	}
}
