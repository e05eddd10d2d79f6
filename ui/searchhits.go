package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/internal/human"
	"github.com/earshot/earshot/library"
)

// spokenHitsShown is how many transcript hits the search box shows under
// it; `earshot search` lists them all.
const spokenHitsShown = 6

// spokenHits lists, under the search box, where the words typed were said:
// each hit is the recording and the moment (click: select it and play from
// there) and a snippet with the words in bold.
type spokenHits struct {
	p    *libraryPanel
	box  *fyne.Container
	rows *fyne.Container
}

func newSpokenHits(p *libraryPanel) *spokenHits {
	h := &spokenHits{p: p, rows: container.NewVBox()}
	head := widget.NewLabel("Said in recordings")
	head.TextStyle.Bold = true
	h.box = container.NewVBox(head, h.rows, widget.NewSeparator())
	h.box.Hide()
	return h
}

// find searches transcripts for what was typed (background goroutine).
func (h *spokenHits) find(ctx context.Context, q string) []library.SearchHit {
	if q == "" {
		return nil
	}
	hits, err := h.p.u.be.Library.Search(ctx, q, library.SearchOptions{Limit: spokenHitsShown + 4})
	if err != nil {
		return nil // the title list still answers; the next keystroke tries again
	}
	var spoken []library.SearchHit
	for _, hit := range hits {
		if hit.Segment >= 0 && len(spoken) < spokenHitsShown {
			spoken = append(spoken, hit)
		}
	}
	return spoken
}

// shown is how many hits are listed.
func (h *spokenHits) shown() int {
	if h.box.Hidden {
		return 0
	}
	return len(h.rows.Objects)
}

// show lists hits for the search q (Fyne goroutine); none hides the
// section.
func (h *spokenHits) show(hits []library.SearchHit, q string) {
	if len(hits) == 0 {
		h.box.Hide()
		return
	}
	rows := make([]fyne.CanvasObject, 0, len(hits))
	for _, hit := range hits {
		rows = append(rows, h.row(hit, q))
	}
	h.rows.Objects = rows
	h.rows.Refresh()
	h.box.Show()
}

// row is one hit: its title (with what q matched of it marked, as in the
// list) and moment, then the snippet.
func (h *spokenHits) row(hit library.SearchHit, q string) fyne.CanvasObject {
	id, at := hit.ID, hit.At
	link := widget.NewHyperlink(hit.Title+" · "+human.Moment(at), nil)
	link.OnTapped = func() { h.open(id, at) }
	title := newMarks(link, link.TextStyle)
	title.set(hit.Title, q)
	// Clipped at the pane's edge: an ellipsis would drop whole segments of a
	// RichText (the matched word with them), and a horizontal scroller
	// drew a scroll bar under every hit.
	text := widget.NewRichText(snippetSegments(hit)...)
	text.Truncation = fyne.TextTruncateClip
	return container.NewBorder(nil, nil, title.box, nil, text)
}

// snippetSegments is a hit's snippet with the matched words in bold.
func snippetSegments(hit library.SearchHit) []widget.RichTextSegment {
	var segs []widget.RichTextSegment
	last := 0
	for _, m := range hit.Marks {
		segs = append(segs, &widget.TextSegment{Text: hit.Snippet[last:m.Start], Style: widget.RichTextStyleInline},
			&widget.TextSegment{Text: hit.Snippet[m.Start:m.End], Style: widget.RichTextStyleStrong})
		last = m.End
	}
	return append(segs, &widget.TextSegment{Text: hit.Snippet[last:], Style: widget.RichTextStyleInline})
}

// open shows the recording in the details pane and plays from at.
func (h *spokenHits) open(id string, at time.Duration) {
	u := h.p.u
	u.background(func(ctx context.Context) {
		r, err := u.be.Library.Get(ctx, id)
		if err != nil {
			u.fail(err)
			return
		}
		onMain(func() {
			if i, ok := h.p.index[id]; ok {
				h.p.list.Select(i)
			} else {
				h.p.list.UnselectAll()
				h.p.selected = id
				u.details.show(r)
			}
			u.details.transcriptView.playFrom(at) // the transcript brings the words into view
		})
	})
}
