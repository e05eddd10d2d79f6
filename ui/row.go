package ui

import (
	"cmp"
	"image/color"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/library"
)

// row is one line of the list: title and details on the left, the sync
// badge on the right, over a background drawn while the row is one of
// several picked (selection.go).
type row struct {
	widget.BaseWidget
	title, sub, badge *widget.Label
	bg                *canvas.Rectangle
	mark              *marks          // behind the title: what the search matched
	box               *fyne.Container // title, sub and badge
	index             widget.ListItemID
	mod               fyne.KeyModifier // held at the last MouseDown
	onTap             func(widget.ListItemID, fyne.KeyModifier)
}

// Tapped selects the row (or picks it, with Ctrl or Shift held) and gives
// the list the focus, so the keys that follow (Delete, Space, arrows) act
// on the selection instead of going to a text field that had focus before.
func (r *row) Tapped(*fyne.PointEvent) {
	mod := r.mod
	r.mod = 0
	if r.onTap != nil {
		r.onTap(r.index, mod)
	}
}

func newRow() fyne.CanvasObject {
	r := &row{title: labelOf(""), sub: labelOf(""), badge: widget.NewLabel(""), bg: canvas.NewRectangle(color.Transparent)}
	r.title.TextStyle.Bold = true
	r.sub.Importance = widget.LowImportance
	r.bg.Hide()
	r.mark = newMarks(r.title, r.title.TextStyle)
	text := container.New(&tightVBox{}, r.mark.box, r.sub)
	r.box = container.NewBorder(nil, nil, nil, r.badge, text)
	r.ExtendBaseWidget(r)
	return r
}

func (r *row) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(r.bg, r.box))
}

// setPicked draws the row selected (as widget.List draws its one
// selected row) or not.
func (r *row) setPicked(on bool) {
	if on == r.bg.Visible() {
		return
	}
	if on {
		th := r.Theme()
		r.bg.FillColor = th.Color(theme.ColorNameSelection, fyne.CurrentApp().Settings().ThemeVariant())
		r.bg.CornerRadius = th.Size(theme.SizeNameSelectionRadius)
		r.bg.Show()
	} else {
		r.bg.Hide()
	}
	r.bg.Refresh()
}

// relayout places title and badge again for the texts just set: a row
// widget.List reuses keeps its size, so its container would not lay out
// by itself and a shorter badge would sit where a longer one began (and a
// longer one be cut off at the edge).
func (r *row) relayout() {
	r.box.Layout.Layout(r.box.Objects, r.box.Size())
}

// badgeImportance colours a badge: problems stand out, work in progress is
// marked, and everything that is simply where it should be (synced, local,
// cloud-only) reads as normal text.
func badgeImportance(s library.SyncState) widget.Importance {
	switch s {
	case library.Failed:
		return widget.DangerImportance
	case library.Uploading, library.Downloading, library.Queued, library.PendingDelete:
		return widget.HighImportance
	}
	return widget.MediumImportance
}

// The list's orders, in the sort box's order.
var sortOrders = []struct {
	name string
	cmp  func(a, b library.Recording) int
}{
	{"Newest first", nil}, // the library's own order
	{"Oldest first", func(a, b library.Recording) int { return a.CreatedAt.Compare(b.CreatedAt) }},
	{"Title A–Z", func(a, b library.Recording) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)), b.CreatedAt.Compare(a.CreatedAt))
	}},
	{"Longest first", func(a, b library.Recording) int {
		return cmp.Or(cmp.Compare(b.Duration, a.Duration), b.CreatedAt.Compare(a.CreatedAt))
	}},
}

func sortNames() []string {
	var s []string
	for _, o := range sortOrders {
		s = append(s, o.name)
	}
	return s
}

// sortRecordings puts rs (newest first, as the library lists) in the
// order with index i of sortOrders.
func sortRecordings(rs []library.Recording, i int) {
	if i > 0 && i < len(sortOrders) {
		slices.SortStableFunc(rs, sortOrders[i].cmp)
	}
}

// thousands writes n with thousands separators: 1,200.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
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
