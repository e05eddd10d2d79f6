package ui

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// labels are the tag chips the details pane shows.
func (e *tagEditor) labels() []string {
	var out []string
	for _, o := range e.tags.Objects {
		if b, ok := o.(*widget.Button); ok {
			out = append(out, b.Text)
		}
	}
	return out
}

// TestTagEditorAndFilter: tags typed in the details pane are stored (in
// their normal form), shown as chips that remove them, the star marks a
// favourite, a bad tag is one plain line and changes nothing, and the tag
// filter narrows the list.
func TestTagEditorAndFilter(t *testing.T) {
	u, lib := newTestUI(t)
	ctx := context.Background()
	for _, n := range []string{"Interview.wav", "Lecture.wav"} {
		tone := writeTone(t, n)
		u.do(func() { u.list.importFiles([]fyne.URI{storage.NewFileURI(tone)}) })
	}
	if got, sel := u.listed(), u.shown(); len(got) != 2 || got[0] != "Lecture" || sel.Title != "Lecture" {
		t.Fatalf("after import: %q, selected %q", got, sel.Title)
	}
	e := u.details.tags
	field := func() string { return onMainValue(func() string { return e.add.Text }) }
	u.do(func() {
		test.Type(e.add, "Work, #Big  meeting")
		e.add.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	r, _ := lib.Get(ctx, u.shown().ID)
	if !slices.Equal(r.Tags, []string{"big meeting", "work"}) || field() != "" {
		t.Fatalf("after adding: stored %q, field %q, notices %q", r.Tags, field(), u.noticeHistory())
	}
	if got := onMainValue(e.labels); !slices.Equal(got, []string{"#big meeting", "#work"}) {
		t.Fatalf("chips %q", got)
	}
	u.tapAndWait(e.star)
	star := onMainValue(func() string { return e.star.Text })
	if r, _ = lib.Get(ctx, r.ID); !r.Favorite || !strings.HasPrefix(star, "★") {
		t.Fatalf("after the star: favourite %v, label %q", r.Favorite, star)
	}
	if got := rowTitle(r) + tagNote(r); got != "★ Lecture · #big meeting #work" {
		t.Fatalf("the row reads %q", got)
	}

	// A bad tag: one line, nothing changed, the text kept to correct.
	before := len(u.noticeHistory())
	u.do(func() {
		e.add.SetText("bad\ttag")
		e.add.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	history := u.noticeHistory()
	if len(history) != before+1 {
		t.Fatalf("no notice for a bad tag: %q", history)
	}
	msg := history[len(history)-1]
	if !strings.Contains(msg, "control character") || strings.Contains(msg, r.ID) || strings.Contains(msg, "\n") {
		t.Fatalf("notice %q: want one plain line without the id", msg)
	}
	if got, _ := lib.Get(ctx, r.ID); len(got.Tags) != 2 || field() != "bad\ttag" {
		t.Fatalf("a bad tag changed %q, field %q", got.Tags, field())
	}

	// The filter offers the tags in use, with counts.
	f := u.list.tags
	if opts := onMainValue(func() []string { return slices.Clone(f.sel.Options) }); !slices.Equal(opts, []string{allTags, favourites, "#big meeting (1)", "#work (1)"}) {
		t.Fatalf("filter choices %q", opts)
	}
	u.do(func() { f.sel.SetSelected("#work (1)") })
	if got := u.listed(); !slices.Equal(got, []string{"Lecture"}) {
		t.Fatalf("#work shows %q", got)
	}
	// Removing the tag empties the filtered list, which says why.
	u.do(func() { test.Tap(e.tags.Objects[1].(*widget.Button)) })
	if got, empty := u.listed(), onMainValue(func() string { return u.list.empty.Text }); len(got) != 0 || !strings.Contains(empty, "tagged #work") {
		t.Fatalf("after removing #work: %q, empty text %q", got, empty)
	}
	u.do(func() { f.sel.SetSelected(favourites) })
	if got := u.listed(); !slices.Equal(got, []string{"Lecture"}) {
		t.Fatalf("favourites show %q", got)
	}
	u.do(func() { f.sel.SetSelected(allTags) })
	if got := u.listed(); len(got) != 2 {
		t.Fatalf("all tags show %q", got)
	}
}
