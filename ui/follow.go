package ui

import (
	"fyne.io/fyne/v2"
)

// followMode is what the transcript does with the details pane when the
// playhead enters another segment (see followRule).
type followMode int

const (
	// followAuto follows while the part of the transcript where the
	// playhead was is in view: the person is reading along.
	followAuto followMode = iota
	// followHeld: the person works with the waveform (seeks, selects a
	// part to trim, takes a bookmark); the pane stays where it is.
	followHeld
	// followJump: the person acted on the transcript (a word, a time, a
	// search hit, Follow): the next segment is brought into view.
	followJump
)

// followSeen is what the pane shows when the playhead enters a segment.
type followSeen struct {
	mode followMode
	// wasInView: some of the segment the playhead was in is in view
	// (before any, some of the transcript).
	wasInView bool
	// waveInView: some of the waveform is in view.
	waveInView bool
}

// followRule decides, when the playhead enters another segment, whether
// the details pane scrolls to keep it in view, and the mode from then on.
// The transcript follows the playhead only while the person is reading
// along:
//   - after they act on the transcript (a word, a time, a search hit,
//     Follow) it scrolls to the next segment, and reads along from there;
//   - reading along (as each recording starts), it scrolls when the
//     segment left was in view: a person who scrolled the pane elsewhere
//     keeps what they scrolled to, and one who scrolls back to the
//     playhead is followed again; before the first segment it asks the
//     same of the transcript as a whole, so Play with the transcript below
//     the fold leaves the pane (and Pause, under the pointer) in place;
//   - a press, click or drag on the waveform holds it: the pane does not
//     move under the pointer, however long the playhead plays on; it
//     follows again once the waveform is out of view and the segment
//     left is in view (they scrolled down to read), or after they act on
//     the transcript.
func followRule(s followSeen) (scroll bool, next followMode) {
	switch {
	case s.mode == followJump:
		return true, followAuto
	case s.mode == followAuto:
		return s.wasInView, followAuto
	case s.wasInView && !s.waveInView:
		return true, followAuto
	}
	return false, followHeld
}

// enter is told that the playhead entered segment i; it says whether the
// pane is to scroll to it, and shows Follow when the pane does not follow.
func (v *transcriptView) enter(i int) (scroll bool) {
	seen := followSeen{mode: v.mode}
	// Each looked up only where the rule reads it: a lookup walks the
	// window's objects.
	if v.mode != followJump {
		seen.wasInView = v.wasInView()
	}
	if v.mode == followHeld {
		seen.waveInView = v.waveInView()
	}
	scroll, v.mode = followRule(seen)
	v.last = i
	v.showFollowing(scroll)
	return scroll
}

// hold stops following: the person pressed, clicked or dragged the
// waveform.
func (v *transcriptView) hold() {
	v.mode = followHeld
	v.showFollowing(false)
}

// jump follows again: the person acted on the transcript.
func (v *transcriptView) jump() { v.mode = followJump }

// followNow is Follow: the pane goes to the segment at the playhead and
// follows it from there.
func (v *transcriptView) followNow() {
	v.mode = followAuto
	v.showFollowing(true)
	if i := v.pane.cur[0]; i >= 0 {
		v.keepInView(i)
	} else if v.last >= 0 {
		v.keepInView(v.last)
	}
}

// resetFollow starts following, for another recording or transcript.
func (v *transcriptView) resetFollow() {
	v.mode, v.last = followAuto, -1
	v.showFollowing(true)
}

// showFollowing notes whether the pane follows, and shows Follow while it
// does not and there are segments to follow.
func (v *transcriptView) showFollowing(on bool) {
	v.following = on
	if hide := on || len(v.pane.segs) == 0; v.followBtn.Hidden != hide {
		v.followBtn.Hidden = hide
		v.followBtn.Refresh()
	}
}

// wasInView reports whether some of the segment the playhead was in (or,
// before any, some of the transcript) is in the details pane's view.
func (v *transcriptView) wasInView() bool {
	p := v.pane
	if !v.box.Visible() || len(p.tops) == 0 {
		return false
	}
	top := v.yInBody(p.box)
	if i := v.last; i >= 0 && i+1 < len(p.tops) {
		return v.inView(top+p.tops[i], top+p.tops[i+1])
	}
	return v.inView(top, top+p.tops[len(p.tops)-1])
}

// waveInView reports whether some of the waveform is in view.
func (v *transcriptView) waveInView() bool {
	w := v.d.player.seek
	top := v.yInBody(w)
	return v.inView(top, top+w.Size().Height)
}

// inView reports whether some of top..bottom (in the details pane's body)
// is in the pane's view.
func (v *transcriptView) inView(top, bottom float32) bool {
	sc := v.d.scroll
	return bottom > sc.Offset.Y && top < sc.Offset.Y+sc.Size().Height
}

// yInBody is where o's top is in the details pane's body.
func (v *transcriptView) yInBody(o fyne.CanvasObject) float32 {
	d := fyne.CurrentApp().Driver()
	return d.AbsolutePositionForObject(o).Y - d.AbsolutePositionForObject(v.d.body).Y
}
