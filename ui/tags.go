package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
)

// tagEditor is the details section with the favourite star and the tags:
// each tag a button that removes it, and a field that adds them (several at
// once, separated by commas). Every change goes through the library in the
// background; the pane shows the result when the library says it changed.
type tagEditor struct {
	d    *detailsPanel
	star *widget.Button
	tags *fyne.Container
	add  *shortcutEntry // the window's shortcuts work while typing tags
	rec  library.Recording
}

func newTagSection(d *detailsPanel) detailSection {
	// The chips wrap onto more lines rather than run off the pane.
	e := &tagEditor{d: d, tags: container.New(layout.NewRowWrapLayout())}
	d.tags = e
	e.star = widget.NewButton("", e.toggleFavorite)
	e.add = newShortcutEntry(d.u)
	e.add.SetPlaceHolder("Add tags, e.g. work, interview")
	e.add.OnSubmitted = e.addTyped
	plus := widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() { e.addTyped(e.add.Text) })
	head := widget.NewLabel("Tags")
	head.TextStyle.Bold = true
	box := container.NewVBox(widget.NewSeparator(),
		container.NewBorder(nil, nil, head, e.star),
		e.tags,
		container.NewBorder(nil, nil, nil, plus, e.add))
	return detailSection{content: box, show: e.show}
}

// show fills the section from r, which carries its tags and favourite flag.
func (e *tagEditor) show(r library.Recording, same bool) {
	e.rec = r
	if !same {
		e.add.SetText("")
	}
	e.star.SetText(starLabel(r.Favorite))
	if r.Favorite {
		e.star.Importance = widget.HighImportance
	} else {
		e.star.Importance = widget.MediumImportance
	}
	e.star.Refresh()
	e.tags.RemoveAll()
	if len(r.Tags) == 0 {
		none := widget.NewLabel("No tags yet.")
		none.Importance = widget.LowImportance
		e.tags.Add(none)
	}
	for _, t := range r.Tags {
		tag := t
		b := widget.NewButtonWithIcon("#"+tag, theme.CancelIcon(), func() { e.edit(nil, []string{tag}) })
		b.IconPlacement = widget.ButtonIconTrailingText
		e.tags.Add(b)
	}
	e.tags.Refresh()
}

func starLabel(fav bool) string {
	if fav {
		return "★ Favourite"
	}
	return "☆ Mark as favourite"
}

// addTyped adds the tags typed into the field; the field keeps them when
// one is refused, so the user can correct it.
func (e *tagEditor) addTyped(text string) {
	var tags []string
	for _, t := range strings.Split(text, ",") {
		if strings.TrimSpace(t) != "" {
			tags = append(tags, t)
		}
	}
	if len(tags) > 0 {
		e.edit(tags, nil)
	}
}

func (e *tagEditor) edit(add, remove []string) {
	r := e.rec
	e.d.u.background(func(ctx context.Context) {
		if err := e.d.u.be.Library.EditTags(ctx, r.ID, add, remove); err != nil {
			e.d.u.fail(fmt.Errorf("could not change the tags of %q: %w", r.Title, metaReason(err)))
			return
		}
		onMain(func() {
			if e.rec.ID == r.ID && len(add) > 0 {
				e.add.SetText("")
			}
		})
		e.d.u.list.loadNow(ctx, "")
	})
}

func (e *tagEditor) toggleFavorite() {
	r := e.rec
	e.d.u.background(func(ctx context.Context) {
		if err := e.d.u.be.Library.SetFavorite(ctx, r.ID, !r.Favorite); err != nil {
			e.d.u.fail(fmt.Errorf("could not mark %q as a favourite: %w", r.Title, err))
			return
		}
		e.d.u.list.loadNow(ctx, "")
	})
}

// metaReason is the part of a refusal a person acts on (the tag and why),
// without the recording id the library adds.
func metaReason(err error) error {
	var me *api.MetaError
	if errors.As(err, &me) {
		return me
	}
	return err
}

// tagFilter is the library list's choice of tag: all recordings, the
// favourites, or those with one tag (with how many carry it). Its choices
// follow the library: they are refreshed with every reload of the list.
type tagFilter struct {
	p      *libraryPanel
	sel    *widget.Select
	counts []library.TagCount
	tag    string // the tag chosen; "" for none
	fav    bool   // favourites only
}

const (
	allTags    = "All tags"
	favourites = "★ Favourites"
)

func newTagFilter(p *libraryPanel) *tagFilter {
	f := &tagFilter{p: p}
	f.sel = widget.NewSelect([]string{allTags, favourites}, f.choose)
	f.sel.SetSelectedIndex(0)
	return f
}

// choose follows the user's choice and reloads the list.
func (f *tagFilter) choose(label string) {
	tag, fav := f.parse(label)
	if tag == f.tag && fav == f.fav {
		return
	}
	f.tag, f.fav = tag, fav
	f.p.reload()
}

// parse turns a choice back into a tag ("#work (3)" → "work").
func (f *tagFilter) parse(label string) (tag string, fav bool) {
	switch label {
	case allTags, "":
		return "", false
	case favourites:
		return "", true
	}
	for _, c := range f.counts {
		if tagLabel(c) == label {
			return c.Tag, false
		}
	}
	return "", false
}

func tagLabel(c library.TagCount) string { return fmt.Sprintf("#%s (%d)", c.Tag, c.Count) }

// narrow adds the filter's choice to a list query.
func (f *tagFilter) narrow(q *library.ListOptions) {
	if f.tag != "" {
		q.Tags = []string{f.tag}
	}
	q.Favorites = f.fav
}

// load reads the tags in use; call it off the Fyne goroutine.
func (f *tagFilter) load(ctx context.Context) []library.TagCount {
	counts, err := f.p.u.be.Library.TagCounts(ctx)
	if err != nil {
		f.p.u.fail(fmt.Errorf("could not read the tags: %w", err))
	}
	return counts
}

// setCounts shows the tags in use as choices, keeping the chosen one (a
// chosen tag no longer in use stays, with no recordings).
func (f *tagFilter) setCounts(counts []library.TagCount) {
	f.counts = counts
	opts := []string{allTags, favourites}
	chosen := allTags
	if f.fav {
		chosen = favourites
	}
	found := f.tag == ""
	for _, c := range counts {
		opts = append(opts, tagLabel(c))
		if c.Tag == f.tag {
			chosen, found = tagLabel(c), true
		}
	}
	if !found {
		gone := library.TagCount{Tag: f.tag}
		f.counts = append(f.counts, gone)
		opts = append(opts, tagLabel(gone))
		chosen = tagLabel(gone)
	}
	f.sel.SetOptions(opts)
	f.sel.SetSelected(chosen) // choose sees no change: no reload
}

// active says whether the filter narrows the list, for its footer and empty text.
func (f *tagFilter) active() bool { return f.tag != "" || f.fav }

// describe is the filter's choice in words, for the empty list.
func (f *tagFilter) describe() string {
	if f.fav {
		return "a favourite"
	}
	return "tagged #" + f.tag
}

// rowTitle is a list row's title, starred for a favourite.
func rowTitle(r library.Recording) string {
	if r.Favorite {
		return "★ " + r.Title
	}
	return r.Title
}

// tagNote is a list row's tags after its facts: " · #work #draft".
func tagNote(r library.Recording) string {
	if len(r.Tags) == 0 {
		return ""
	}
	return " · #" + strings.Join(r.Tags, " #")
}
