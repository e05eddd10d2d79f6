package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/library"
)

// searchDelay waits for a pause in typing before querying the index.
const searchDelay = 150 * time.Millisecond

// progressInterval caps how often transfer progress repaints rows.
const progressInterval = 100 * time.Millisecond

var filterNames = []string{"All", "On this device", "Cloud only"}

// libraryPanel is the list of recordings with search and filter. Its data
// live on the Fyne goroutine and are replaced whole by a background query, so
// the list's callbacks never touch the disk; widget.List builds only the
// visible rows, which keeps 10,000 entries smooth.
type libraryPanel struct {
	u       *UI
	content fyne.CanvasObject
	search  *widget.Entry
	filter  *widget.Select
	list    *widget.List
	count   *widget.Label

	items    []library.Recording
	index    map[string]int      // id → position in items
	progress map[string]Progress // running transfers
	selected string              // id of the selected recording
	want     string              // id to select once a query returns it
	gen      int                 // query generation; older answers are dropped
	timer    *time.Timer
}

func newLibraryPanel(u *UI) *libraryPanel {
	p := &libraryPanel{u: u, index: map[string]int{}, progress: map[string]Progress{}}
	p.search = widget.NewEntry()
	p.search.SetPlaceHolder("Search titles (Ctrl+F)")
	p.search.OnChanged = func(string) { p.reloadSoon() }
	p.count = widget.NewLabel("")
	p.count.Importance = widget.LowImportance
	p.list = widget.NewList(p.length, newRow, p.updateRow)
	p.list.OnSelected = func(i widget.ListItemID) {
		if i < len(p.items) {
			p.selected = p.items[i].ID
			p.u.details.show(p.items[i])
		}
	}
	p.filter = widget.NewSelect(filterNames, nil)
	p.filter.SetSelectedIndex(0)
	p.filter.OnChanged = func(string) { p.reload() }
	bar := container.NewBorder(nil, nil, nil, p.filter, p.search)
	p.content = container.NewBorder(bar, p.count, nil, nil, p.list)
	return p
}

func (p *libraryPanel) length() int { return len(p.items) }

// query is what the list shows: the filter's index is a library.Presence
// (filterNames is in the same order).
func (p *libraryPanel) query() library.ListOptions {
	return library.ListOptions{Query: p.search.Text, Presence: library.Presence(p.filter.SelectedIndex())}
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
	q := p.query()
	p.gen++
	gen := p.gen
	p.u.background(func(ctx context.Context) { p.load(ctx, q, gen) })
}

// loadNow runs the current query from a background job and selects id when
// it is in the answer. It is how a finished action shows its result.
func (p *libraryPanel) loadNow(ctx context.Context, id string) {
	var q library.ListOptions
	var gen int
	onMainWait(func() {
		q = p.query()
		p.gen++
		gen = p.gen
		if id != "" {
			p.want = id
		}
	})
	p.load(ctx, q, gen)
}

func (p *libraryPanel) load(ctx context.Context, q library.ListOptions, gen int) {
	rs, err := p.u.be.Library.List(ctx, q)
	if err != nil {
		p.u.fail(fmt.Errorf("could not read the library: %w", err))
		return
	}
	onMain(func() {
		if gen != p.gen {
			return
		}
		p.apply(rs)
	})
}

// apply replaces the list's data, keeping the selection, or moving it to
// the recording an action asked for (whichever query shows it first).
func (p *libraryPanel) apply(rs []library.Recording) {
	p.items = rs
	clear(p.index)
	for i, r := range rs {
		p.index[r.ID] = i
	}
	p.count.SetText(countLine(len(rs)))
	p.list.Refresh()
	selectID := p.selected
	if _, ok := p.index[p.want]; ok {
		selectID, p.want = p.want, ""
	}
	if i, ok := p.index[selectID]; ok {
		p.list.Select(i)
		p.u.details.show(rs[i]) // refresh details even when the index is unchanged
		return
	}
	p.list.UnselectAll()
	p.selected = ""
	p.u.details.show(library.Recording{})
}

// countLine is the list's footer: "1 recording", "42 recordings".
func countLine(n int) string {
	if n == 1 {
		return "1 recording"
	}
	return fmt.Sprintf("%d recordings", n)
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
	}()
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
			p.u.details.showProgress(e)
		}
	}
}

// importFiles copies dropped audio files into the library.
func (p *libraryPanel) importFiles(uris []fyne.URI) {
	for _, uri := range uris {
		path := uri.Path()
		p.u.background(func(ctx context.Context) {
			r, err := p.u.be.Library.Import(ctx, path, nil)
			if err != nil {
				p.u.fail(fmt.Errorf("could not import %s: %w", uri.Name(), err))
				return
			}
			p.loadNow(ctx, r.ID)
		})
	}
}

// row is one line of the list: title and details on the left, the sync
// badge on the right.
type row struct {
	widget.BaseWidget
	title, sub, badge *widget.Label
}

func newRow() fyne.CanvasObject {
	r := &row{title: labelOf(""), sub: labelOf(""), badge: widget.NewLabel("")}
	r.title.TextStyle.Bold = true
	r.sub.Importance = widget.LowImportance
	r.ExtendBaseWidget(r)
	return r
}

func (r *row) CreateRenderer() fyne.WidgetRenderer {
	text := container.New(&tightVBox{}, r.title, r.sub)
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, nil, r.badge, text))
}

func (p *libraryPanel) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i >= len(p.items) {
		return
	}
	rec := p.items[i]
	r := o.(*row)
	r.title.SetText(rec.Title)
	r.sub.SetText(subtitle(rec, time.Now()))
	r.badge.SetText(badge(rec, p.progress[rec.ID]))
	r.badge.Importance = badgeImportance(rec.SyncState)
	r.badge.Refresh()
}

func badgeImportance(s library.SyncState) widget.Importance {
	switch s {
	case library.Error:
		return widget.DangerImportance
	case library.Synced:
		return widget.SuccessImportance
	case library.Uploading, library.Downloading, library.Queued:
		return widget.HighImportance
	case library.CloudOnly, library.PendingDelete:
		return widget.WarningImportance
	}
	return widget.LowImportance
}

// tightVBox stacks objects without padding between them, so a two-line row
// is not taller than it needs to be.
type tightVBox struct{}

func (tightVBox) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		m := o.MinSize()
		s.Width = max(s.Width, m.Width)
		s.Height += m.Height * 0.8
	}
	return s
}

func (tightVBox) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var y float32
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h * 0.8
	}
}
