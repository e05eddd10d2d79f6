package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/library"
)

// Picking many recordings. widget.List selects one row; on top of it the
// panel keeps picked, the ids of two or more recordings chosen with
// Ctrl-click (toggle one), Shift-click (a range from the anchor) or Ctrl+A
// (all shown). While it holds them the list selects nothing, every picked
// row draws itself selected (row.setPicked) and the details pane offers
// what applies to all of them. A plain click, or Escape, goes back to one
// selection (none for Escape).

// click is a click on row i with the modifiers held.
func (p *libraryPanel) click(i widget.ListItemID, mod fyne.KeyModifier) {
	if i < 0 || i >= len(p.items) || p.isLive(p.items[i].ID) {
		return
	}
	id := p.items[i].ID
	p.u.win.Canvas().Focus(p.list) // Delete, Escape, Ctrl+A go to the list
	switch {
	case mod&fyne.KeyModifierShift != 0:
		p.pickRange(id)
	case mod&(fyne.KeyModifierControl|fyne.KeyModifierSuper) != 0:
		p.togglePick(id)
	default:
		p.anchor = id
		p.dropPicks()
		p.tapped(i)
	}
}

// togglePick adds id to the picked recordings, or takes it out; the
// recording selected before counts as picked.
func (p *libraryPanel) togglePick(id string) {
	picks := p.picks()
	if picks[id] {
		delete(picks, id)
	} else {
		picks[id] = true
	}
	p.anchor = id
	p.setPicks(picks)
}

// pickRange picks every row from the anchor (the last row clicked without
// Shift) to id.
func (p *libraryPanel) pickRange(id string) {
	from, ok := p.index[p.anchor]
	if !ok {
		from, ok = p.index[p.selected]
	}
	to := p.index[id]
	if !ok {
		p.anchor = id
		from = to
	}
	picks := map[string]bool{}
	for i := min(from, to); i <= max(from, to); i++ {
		if !p.isLive(p.items[i].ID) {
			picks[p.items[i].ID] = true
		}
	}
	p.setPicks(picks)
}

// pickAll picks every recording shown.
func (p *libraryPanel) pickAll() {
	picks := map[string]bool{}
	for _, r := range p.items {
		if !p.isLive(r.ID) {
			picks[r.ID] = true
		}
	}
	p.setPicks(picks)
}

// picks is a copy of what is chosen now: the picked recordings, or the
// one selected.
func (p *libraryPanel) picks() map[string]bool {
	out := map[string]bool{}
	for id := range p.picked {
		out[id] = true
	}
	if len(out) == 0 && p.selected != "" {
		out[p.selected] = true
	}
	return out
}

// setPicks makes picks the selection: two or more are picked, one is
// selected as a click would, none clears the selection.
func (p *libraryPanel) setPicks(picks map[string]bool) {
	for id := range picks {
		if _, ok := p.index[id]; !ok || p.isLive(id) {
			delete(picks, id)
		}
	}
	switch len(picks) {
	case 0:
		p.dropPicks()
		p.list.UnselectAll()
		p.selected = ""
		p.u.details.show(library.Recording{})
	case 1:
		p.dropPicks()
		for id := range picks {
			p.selectOne(id)
		}
	default:
		p.picked = picks
		p.selected = ""
		p.list.UnselectAll()
		p.list.Refresh()
		p.u.details.showMany(p.selection())
	}
}

// selectOne selects id alone and shows it in the details pane (List.Select
// alone does nothing when the list still has id's row selected).
func (p *libraryPanel) selectOne(id string) {
	i := p.index[id]
	p.selected = id
	p.list.Select(i)
	p.u.details.show(p.items[i])
}

// dropPicks forgets the picked recordings and redraws their rows.
func (p *libraryPanel) dropPicks() {
	if p.picked != nil {
		p.picked = nil
		p.list.Refresh()
	}
}

// clearSelection is Escape in the list: nothing picked, nothing selected.
// It reports whether there was a selection to clear.
func (p *libraryPanel) clearSelection() bool {
	if len(p.picked) == 0 && p.selected == "" {
		return false
	}
	p.setPicks(map[string]bool{})
	return true
}

// selection is what an action (Delete, Save) applies to: the picked
// recordings in list order, or the one in the details pane.
func (p *libraryPanel) selection() []library.Recording {
	if len(p.picked) == 0 {
		if r := p.u.details.rec; r.ID != "" {
			return []library.Recording{r}
		}
		return nil
	}
	var rs []library.Recording
	for _, r := range p.items {
		if p.picked[r.ID] {
			rs = append(rs, r)
		}
	}
	return rs
}

// reapplyPicks keeps the picked recordings across a reload: those no
// longer shown drop out, and the pane shows the new state of the rest.
// It reports whether recordings are still picked.
func (p *libraryPanel) reapplyPicks() bool {
	if p.picked == nil {
		return false
	}
	picks := p.picked
	p.picked = nil
	p.setPicks(picks)
	return p.picked != nil
}

// MouseDown keeps the modifiers held for the click that follows
// (fyne.Tappable has no modifiers).
func (r *row) MouseDown(ev *desktop.MouseEvent) { r.mod = ev.Modifier }

// MouseUp implements desktop.Mouseable.
func (r *row) MouseUp(*desktop.MouseEvent) {}
