package ui

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
)

// searchDelay waits for a pause in typing before querying the index.
const searchDelay = 150 * time.Millisecond

// progressInterval caps how often transfer progress repaints rows.
const progressInterval = 100 * time.Millisecond

// filterNames are the filter's choices, in library.Presence order.
var filterNames = []string{"All", "On this device", "Cloud only"}

// libraryPanel is the list of recordings with search, filter and sort. Its
// data live on the Fyne goroutine and are replaced whole by a background
// query, so the list's callbacks never touch the disk; widget.List builds
// only the visible rows, which keeps 10,000 entries smooth.
//
// Other features add controls beside the filter with tools.Add (a tag
// filter, say) and call reload when their choice changes.
type libraryPanel struct {
	u       *UI
	content fyne.CanvasObject
	search  *shortcutEntry
	filter  *widget.Select
	order   *widget.Select
	tools   *fyne.Container
	tags    *tagFilter // tags.go
	list    *recordList
	count   *widget.Label
	sync    *widget.Label // the sync status (showSync)
	empty   *widget.Label

	items    []library.Recording
	index    map[string]int      // id → position in items
	progress map[string]Progress // running transfers
	// transcribing is how far running transcriptions are, by id.
	transcribing map[string]float64
	hits         *spokenHits // where the words searched for were said
	selected     string      // id of the selected recording
	// picked holds two or more recordings picked with Ctrl/Shift-click or
	// Ctrl+A (selection.go), nil otherwise; anchor is where a Shift-click
	// range starts.
	picked map[string]bool
	anchor string
	// counted is the footer's last count: shown and total recordings.
	counted [2]int
	want    string // id to select once a query returns it
	// instead lists, nearest first, the recordings to select if the
	// selected one has left the list by the next answer (deleted: its
	// neighbour takes the selection, as in a file manager).
	instead []string
	gen     int // query generation; older answers are dropped
	// renaming holds the titles of renames still being written: an answer
	// read before the write lands shows them, not the title they replace
	// (the row and the title field would flash the old one).
	renaming map[string]string
	shown    library.ListOptions // the query items answer
	timer    *time.Timer
	// live is the recording in progress, shown at the top of the list
	// (not selectable) until it is committed; nil when none.
	live      *library.Pending
	liveLen   time.Duration
	liveShown bool // the live row heads items (live is not committed yet)
	// firstShown is closed when the list first shows the library, and nil
	// from then on: background work the first screen need not wait for
	// starts then (analyzeOld).
	firstShown chan struct{}
}

func newLibraryPanel(u *UI) *libraryPanel {
	p := &libraryPanel{u: u, index: map[string]int{}, renaming: map[string]string{}, progress: map[string]Progress{}, firstShown: make(chan struct{})}
	p.search = newShortcutEntry(u)
	p.search.SetPlaceHolder("Search titles and words (Ctrl+F)")
	p.search.OnChanged = func(string) { p.reloadSoon() }
	p.count = widget.NewLabel("")
	p.count.Importance = widget.LowImportance
	p.empty = widget.NewLabel("")
	p.empty.Wrapping = fyne.TextWrapWord
	p.empty.Alignment = fyne.TextAlignCenter
	p.list = newRecordList(u, p.length, newRow, p.updateRow)
	p.list.OnSelected = p.onSelected
	p.filter = widget.NewSelect(filterNames, nil)
	p.filter.SetSelectedIndex(0)
	p.filter.OnChanged = func(string) { p.reload() }
	p.order = widget.NewSelect(sortNames(), nil)
	p.order.SetSelectedIndex(0)
	p.order.OnChanged = func(string) { p.reload() }
	p.tags = newTagFilter(p)
	p.tools = container.NewHBox(p.tags.sel, wideSelect(p.filter), wideSelect(p.order)) // tags can be long: not widened
	p.hits = newSpokenHits(p)
	// The search gets a row of its own: beside three choices it was too
	// narrow to read what was typed.
	bar := container.NewVBox(p.search, p.tools, p.hits.box)
	p.sync = widget.NewLabel("")
	p.sync.Alignment = fyne.TextAlignTrailing
	p.sync.Truncation = fyne.TextTruncateEllipsis
	footer := container.NewBorder(nil, nil, p.count, nil, p.sync)
	if u.be.Cloud == nil {
		p.sync.Hide()
	}
	p.content = container.NewBorder(bar, footer, nil, nil, container.NewStack(p.list, container.NewVBox(layout.NewSpacer(), p.empty, layout.NewSpacer())))
	return p
}

func (p *libraryPanel) length() int { return len(p.items) }

func (p *libraryPanel) onSelected(i widget.ListItemID) {
	if i >= len(p.items) {
		return
	}
	if p.isLive(p.items[i].ID) { // not a recording yet: keep the selection
		if j, ok := p.index[p.selected]; ok {
			p.list.Select(j)
		} else {
			p.list.UnselectAll()
		}
		return
	}
	p.dropPicks()
	p.selected = p.items[i].ID
	p.u.details.show(p.items[i])
}

// tapped is a click on row i: the list takes the focus and selects it.
func (p *libraryPanel) tapped(i widget.ListItemID) {
	p.u.win.Canvas().Focus(p.list)
	p.list.Select(i)
}

// isLive reports whether id is the live row's: the recording in
// progress, not yet in the library.
func (p *libraryPanel) isLive(id string) bool { return p.liveShown && p.live.ID == id }

// showLive shows the recording in progress at the top of the list with
// its length so far; nil takes it away.
func (p *libraryPanel) showLive(pend *library.Pending, elapsed time.Duration) {
	was := p.live
	p.live, p.liveLen = pend, elapsed
	switch {
	case pend == nil && was == nil:
	case pend == nil || was == nil || was.ID != pend.ID:
		rs := p.items
		if p.liveShown {
			rs = rs[1:]
		}
		p.setItems(rs)
		p.count.SetText(p.countText())
		p.empty.Hidden = len(p.items) > 0
		p.empty.Refresh()
		p.list.Refresh()
		if i, ok := p.index[p.selected]; ok {
			p.list.Select(i) // its row moved with the live row
		}
	default:
		p.list.RefreshItem(0)
	}
}

// setItems makes rs, with the live recording first, what the list shows.
func (p *libraryPanel) setItems(rs []library.Recording) {
	committed := p.live != nil && slices.ContainsFunc(rs, func(r library.Recording) bool { return r.ID == p.live.ID })
	p.liveShown = p.live != nil && !committed
	if p.liveShown {
		live := library.Recording{ID: p.live.ID, Title: p.live.Title, CreatedAt: p.live.CreatedAt, Format: p.live.Format}
		rs = append([]library.Recording{live}, rs...)
	}
	p.items = rs
	p.u.fontsFor(titlesOf(rs))
	clear(p.index)
	for i, r := range rs {
		p.index[r.ID] = i
	}
}

// moveSelection selects the row delta rows away from the selected one.
func (p *libraryPanel) moveSelection(delta int) {
	i, ok := p.index[p.selected]
	if p.picked != nil {
		i, ok = p.index[p.anchor]
		p.dropPicks()
	}
	if !ok {
		i = -delta
		if delta < 0 {
			i = len(p.items) - 1 - delta
		}
	}
	if j := i + delta; j >= 0 && j < len(p.items) {
		p.list.Select(j)
	}
}

// query is what the list shows: the filter's index is a library.Presence
// (filterNames is in the same order).
func (p *libraryPanel) query() library.ListOptions {
	q := library.ListOptions{Query: p.search.Text, Presence: library.Presence(p.filter.SelectedIndex())}
	p.tags.narrow(&q)
	return q
}

// reloadSoon debounces reloads while the user types.
func (p *libraryPanel) reloadSoon() {
	if p.timer != nil {
		p.timer.Stop()
	}
	p.timer = time.AfterFunc(searchDelay, func() { onMain(p.reload) })
}

// reload queries the index in the background and shows the answer.
func (p *libraryPanel) reload() {
	q, order := p.query(), p.order.SelectedIndex()
	p.gen++
	gen := p.gen
	p.u.background(func(ctx context.Context) { p.load(ctx, q, order, gen) })
}

// neighbours lists, nearest first, the recordings to select once rs have
// left the list: those below the last of rs, then those above the first.
func (p *libraryPanel) neighbours(rs []library.Recording) []string {
	gone := map[string]bool{}
	first, last := len(p.items), -1
	for _, r := range rs {
		gone[r.ID] = true
		if i, ok := p.index[r.ID]; ok {
			first, last = min(first, i), max(last, i)
		}
	}
	var ids []string
	add := func(i int) {
		if id := p.items[i].ID; !gone[id] && !p.isLive(id) {
			ids = append(ids, id)
		}
	}
	for i := last + 1; i < len(p.items); i++ {
		add(i)
	}
	for i := min(first, len(p.items)) - 1; i >= 0; i-- {
		add(i)
	}
	return ids
}

// loadNow runs the current query from a background job and selects id when
// it is in the answer ("" keeps the selection). It is how a finished
// action shows its result.
func (p *libraryPanel) loadNow(ctx context.Context, id string) { p.loadAfter(ctx, id, nil) }

// loadAfter is loadNow that first runs then on the Fyne goroutine, in the
// step that makes every answer already in flight out of date.
func (p *libraryPanel) loadAfter(ctx context.Context, id string, then func()) {
	var q library.ListOptions
	var order, gen int
	onMainWait(func() {
		if then != nil {
			then()
		}
		q, order = p.query(), p.order.SelectedIndex()
		p.gen++
		gen = p.gen
		if id != "" {
			p.want = id
		}
	})
	p.load(ctx, q, order, gen)
}

// rename stores a new title for the recording id in the background, the
// row and the details showing it from now on, and then shows the
// library's answer: the new title, or the old one with failed's notice.
func (p *libraryPanel) rename(id, title string, failed func(error)) {
	p.renaming[id] = title
	p.u.background(func(ctx context.Context) {
		err := p.u.be.Library.Rename(ctx, id, title)
		if err != nil {
			failed(err)
		}
		p.loadAfter(ctx, "", func() {
			if p.renaming[id] == title { // not renamed again meanwhile
				delete(p.renaming, id)
			}
		})
	})
}

func (p *libraryPanel) load(ctx context.Context, q library.ListOptions, order, gen int) {
	rs, err := p.u.be.Library.List(ctx, q)
	total := len(rs)
	if err == nil && (q.Query != "" || q.Presence != library.AnyPresence || len(q.Tags) > 0 || q.Favorites) {
		total, err = p.u.be.Library.Count(ctx, library.ListOptions{})
	}
	if err != nil {
		p.u.fail(fmt.Errorf("could not read the library: %w", err))
		return
	}
	sortRecordings(rs, order)
	transcribing := transcriptProgress(ctx, p.u.be.Library)
	hits := p.hits.find(ctx, q.Query)
	tagCounts := p.tags.load(ctx)
	onMain(func() {
		if gen != p.gen {
			return
		}
		p.tags.setCounts(tagCounts)
		p.transcribing = transcribing
		p.hits.show(hits, q.Query)
		p.apply(q, rs, total)
	})
}

// apply replaces the list's data, keeping the selection, or moving it to
// the recording an action asked for (whichever query shows it first). New
// search results start at the top.
func (p *libraryPanel) apply(q library.ListOptions, rs []library.Recording, total int) {
	newQuery := !reflect.DeepEqual(q, p.shown)
	p.shown = q
	for i, r := range rs {
		if t, ok := p.renaming[r.ID]; ok {
			rs[i].Title = t
		}
		if r.SyncState == library.Synced || r.SyncState == library.Failed || r.SyncState == library.PendingDelete {
			delete(p.progress, r.ID) // that transfer is over
		}
	}
	p.setItems(rs)
	p.showCount(q, len(rs), total)
	p.list.Refresh()
	if p.firstShown != nil {
		close(p.firstShown)
		p.firstShown = nil
	}
	if newQuery {
		p.list.ScrollToTop()
	}
	selectID := p.selected
	if _, ok := p.index[p.want]; ok {
		selectID, p.want = p.want, ""
	}
	if _, ok := p.index[selectID]; !ok {
		for _, id := range p.instead {
			if _, ok := p.index[id]; ok {
				selectID = id
				break
			}
		}
	}
	p.instead = nil
	if selectID == p.selected && p.reapplyPicks() {
		return
	}
	p.picked = nil
	i, ok := p.index[selectID]
	if !ok || p.isLive(selectID) {
		p.list.UnselectAll()
		p.selected = ""
		p.u.details.show(library.Recording{})
		return
	}
	// List.Select does nothing when row i is selected already (the new
	// recording took the old one's row), so the id is kept here, not in
	// OnSelected alone.
	p.selected = selectID
	p.list.Select(i)
	p.u.details.show(p.items[i]) // items, not rs: the live row may lead
}

// showCount fills the footer and, for an empty list, says why and what
// to do.
func (p *libraryPanel) showCount(q library.ListOptions, n, total int) {
	p.counted = [2]int{n, total}
	p.count.SetText(p.countText())
	p.empty.Hidden = n > 0 || p.live != nil
	switch {
	case n > 0:
	case total == 0:
		p.empty.SetText("No recordings yet.\nPress Record (Ctrl+R) to make one, or drop audio files here to import them.")
	case q.Query != "" && p.hits.shown() > 0:
		p.empty.SetText(fmt.Sprintf("No titles match %q; where it is said is listed above.", q.Query))
	case q.Query != "":
		p.empty.SetText(fmt.Sprintf("No recordings match %q (of %s).", q.Query, thousands(total)))
	case p.tags.active():
		p.empty.SetText(fmt.Sprintf("None of the %s recordings is %s.", thousands(total), p.tags.describe()))
	default:
		p.empty.SetText(fmt.Sprintf("None of the %s recordings is %s.", thousands(total), filterNames[q.Presence]))
	}
	p.empty.Refresh()
}

// showSync puts the sync status in the list's footer, where people look.
func (p *libraryPanel) showSync(s CloudStatus) {
	p.sync.SetText(stateLine(s))
	p.sync.Importance = widget.LowImportance
	switch {
	case s.SignedIn && (s.State == sync.StateOffline || s.State == sync.StateWaiting || s.Failed > 0):
		p.sync.Importance = widget.WarningImportance
	case s.SignedIn && s.Syncing:
		p.sync.Importance = widget.HighImportance
	}
	p.sync.Refresh()
}

// countText is the footer's count, with the take in progress: the list
// shows it, so "0 recordings" above it would be wrong.
func (p *libraryPanel) countText() string {
	n, total := p.counted[0], p.counted[1]
	switch {
	case !p.liveShown:
		return countLine(n, total)
	case total == 0:
		return "Recording the first take"
	}
	return countLine(n, total) + " · 1 recording now"
}

// countLine is the list's footer: "1 recording", "42 recordings", "3 of 1,200 recordings".
func countLine(n, total int) string {
	if n != total {
		return fmt.Sprintf("%s of %s recordings", thousands(n), thousands(total))
	}
	if n == 1 {
		return "1 recording"
	}
	return thousands(n) + " recordings"
}

// watch reloads when the index changes under us (the CLI, the sync engine)
// and repaints rows as transfers progress.
func (p *libraryPanel) watch() {
	changes, unsubscribe := p.u.be.Library.Subscribe()
	p.u.loops.Add(1)
	go func() {
		defer p.u.loops.Done()
		defer unsubscribe()
		for {
			select {
			case <-p.u.ctx.Done():
				return
			case _, ok := <-changes:
				if !ok {
					return
				}
				drain(changes) // one reload answers a burst of changes
				onMain(p.reload)
			}
		}
	}()
	if p.u.be.Cloud == nil {
		return
	}
	events := p.u.be.Cloud.Events(p.u.ctx)
	p.u.loops.Add(1)
	go func() {
		defer p.u.loops.Done()
		p.followProgress(events)
	}()
}

// followProgress hands transfer progress to the Fyne goroutine in
// batches, at most every progressInterval.
func (p *libraryPanel) followProgress(events <-chan Progress) {
	pending := map[string]Progress{}
	t := time.NewTicker(progressInterval)
	defer t.Stop()
	for {
		select {
		case <-p.u.ctx.Done():
			return
		case e, ok := <-events:
			if !ok {
				return
			}
			if e.ID != "" {
				pending[e.ID] = e
			}
		case <-t.C:
			if len(pending) == 0 {
				continue
			}
			batch := pending
			pending = map[string]Progress{}
			onMain(func() { p.showProgress(batch) })
		}
	}
}

// drain takes what is waiting in ch without blocking.
func drain[T any](ch <-chan T) {
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		default:
			return
		}
	}
}

// showProgress repaints only the rows whose transfer moved.
func (p *libraryPanel) showProgress(batch map[string]Progress) {
	for id, e := range batch {
		if e.Done >= e.Total {
			delete(p.progress, id)
		} else {
			p.progress[id] = e
		}
		if i, ok := p.index[id]; ok {
			p.list.RefreshItem(i)
		}
		if id == p.selected {
			p.u.details.showProgress()
		}
	}
}

// importFiles copies dropped audio files into the library.
func (p *libraryPanel) importFiles(uris []fyne.URI) {
	for _, uri := range uris {
		path := uri.Path()
		p.u.background(func(ctx context.Context) {
			r, err := p.u.be.Library.Import(ctx, path, nil)
			var damaged *library.DamagedImport
			if errors.As(err, &damaged) {
				onMain(func() { p.u.notices.show(sentence(damaged.Error())+".", true) })
				err = nil
			}
			if err != nil {
				p.u.fail(importFailed(uri.Name(), err))
				return
			}
			p.loadNow(ctx, r.ID)
		})
	}
}

// importFailed says why a dropped file was not imported, naming it once
// (library's ImportError says "import x.wav: …" itself) and keeping the
// cause in the chain for plain().
func importFailed(name string, err error) error {
	if ie := (*library.ImportError)(nil); errors.As(err, &ie) {
		return &explained{msg: "could not import " + name + ": " + ie.Reason(), err: ie.Err}
	}
	return fmt.Errorf("could not import %s: %w", name, err)
}

// explained is an error whose words are already written for a person,
// with its cause kept for errors.Is.
type explained struct {
	msg string
	err error
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.err }

// signedIn reports whether rows should speak of sync: with no account,
// they say what is on this device.
func (p *libraryPanel) signedIn() bool {
	return p.u.be.Cloud != nil && p.u.account.status.SignedIn
}

func (p *libraryPanel) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(p.items) {
		return
	}
	rec := p.items[i]
	r := o.(*row)
	r.index, r.onTap = i, p.click
	r.setPicked(p.picked[rec.ID])
	defer r.relayout()
	if p.isLive(rec.ID) {
		r.title.SetText(rec.Title)
		r.mark.set(rec.Title, "")
		r.sub.SetText("Recording now · " + clock(p.liveLen.Truncate(time.Second)))
		r.badge.SetText("● Recording")
		r.badge.Importance = widget.DangerImportance
		r.badge.Refresh()
		return
	}
	r.title.SetText(rowTitle(rec))
	r.mark.set(r.title.Text, p.shown.Query)
	r.sub.SetText(subtitle(rec, time.Now()) + tagNote(rec) + transcribingNote(p.transcribing, rec.ID))
	r.badge.SetText(transferOf(rec, p.progress[rec.ID], p.signedIn()).label)
	r.badge.Importance = badgeImportance(rec.SyncState)
	r.badge.Refresh()
}
