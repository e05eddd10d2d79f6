package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// The footer counts the first take while it is being made: "0 recordings"
// above a row saying "Recording now" was wrong.
func TestFooterCountsTheTakeInProgress(t *testing.T) {
	u, _ := newTestUI(t)
	u.tapAndWait(u.rec.record)
	u.eventually(t, "the live row", func() bool { return u.list.liveShown })
	if got := onMainValue(func() string { return u.list.count.Text }); got != "Recording the first take" {
		t.Fatalf("footer %q while the first take runs", got)
	}
	u.tapAndWait(u.rec.record)
	u.eventually(t, "the take committed", func() bool { return u.list.count.Text == "1 recording" })
}

// A row widget.List reuses for a shorter badge lays it out again: the badge
// ends at the row's right edge, whatever the row showed before.
func TestReusedRowRelaysItsBadge(t *testing.T) {
	u, _ := newTestUI(t)
	u.importTones(t, "Memo")
	u.do(func() {
		r := newRow().(*row)
		test.WidgetRenderer(r) // builds the row as the list does
		r.Resize(fyne.NewSize(400, r.MinSize().Height))
		p := u.list
		p.live = nil
		rec := p.items[0]
		// First a long badge, then the row is reused for a short one.
		r.badge.SetText("Cloud copy — sign in to sync")
		r.relayout()
		p.updateRow(0, r)
		if rec.Title != r.title.Text {
			t.Errorf("row shows %q", r.title.Text) // not Fatal: this is the Fyne goroutine
			return
		}
		right := r.badge.Position().X + r.badge.Size().Width
		if want := r.box.Size().Width; right != want || r.badge.Size().Width != r.badge.MinSize().Width {
			t.Errorf("badge %q at x %v width %v (min %v): ends at %v, want the row's edge %v",
				r.badge.Text, r.badge.Position().X, r.badge.Size().Width, r.badge.MinSize().Width, right, want)
		}
	})
}
