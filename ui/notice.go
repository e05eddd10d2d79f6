package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// How long notices stay: news fades, an offer to undo stays long enough to
// reach for, a problem stays until dismissed, replaced or no longer true.
const (
	noticeFade = 5 * time.Second
	undoFade   = 8 * time.Second
)

// noticeBar is a strip at the bottom of the window for errors and notices.
// It never blocks: a new message replaces the one shown. Errors are not
// modal because sync problems can come in bursts and a person should be
// able to keep recording through them.
type noticeBar struct {
	content *fyne.Container
	label   *widget.Label
	icon    *widget.Icon
	action  *widget.Button
	gen     int    // counts messages, so an old fade does not hide a new one
	topic   string // what the shown problem is about; see withdraw
	history []string
}

func newNoticeBar() *noticeBar {
	n := &noticeBar{label: widget.NewLabel(""), icon: widget.NewIcon(theme.InfoIcon())}
	n.label.Wrapping = fyne.TextWrapWord
	n.action = widget.NewButton("Undo", nil)
	n.action.Hide()
	dismiss := widget.NewButtonWithIcon("", theme.CancelIcon(), n.hide)
	dismiss.Importance = widget.LowImportance
	n.content = container.NewBorder(widget.NewSeparator(), nil, n.icon, container.NewHBox(n.action, dismiss), n.label)
	n.content.Hide()
	return n
}

// show displays msg until dismissed or replaced; isErr picks the error
// icon and colour. The same message twice in a row is shown once.
func (n *noticeBar) show(msg string, isErr bool) { n.put(msg, isErr, "", nil, 0) }

// problem is show for an error about topic: withdraw(topic) takes it back
// once it no longer holds (the next sync went through, say).
func (n *noticeBar) problem(topic, msg string) { n.put(msg, true, topic, nil, 0) }

// flash shows news that fades by itself.
func (n *noticeBar) flash(msg string) { n.put(msg, false, "", nil, noticeFade) }

// undo shows msg with an Undo button for a few seconds.
func (n *noticeBar) undo(msg string, fn func()) { n.offer(msg, "Undo", fn) }

// undoProblem shows a failure that also offers Undo for what did go
// through (a multi-delete where some failed). It names a failure, so it
// stays until dismissed or replaced, and Undo with it.
func (n *noticeBar) undoProblem(msg string, fn func()) {
	n.put(msg, true, "", fn, 0)
	n.action.SetText("Undo")
}

// offer shows msg with a button saying label for a few seconds (a new
// bookmark offers Rename).
func (n *noticeBar) offer(msg, label string, fn func()) {
	n.put(msg, false, "", fn, undoFade)
	n.action.SetText(label)
}

// withdraw hides the problem about topic, if it is the one shown.
func (n *noticeBar) withdraw(topic string) {
	if n.topic == topic && !n.content.Hidden {
		n.hide()
	}
}

func (n *noticeBar) put(msg string, isErr bool, topic string, undo func(), fade time.Duration) {
	if !n.content.Hidden && n.label.Text == msg && fade == 0 {
		return
	}
	n.gen++
	n.topic = topic
	n.history = append(n.history, msg)
	n.label.SetText(msg)
	n.label.Importance = widget.MediumImportance
	n.icon.SetResource(theme.InfoIcon())
	if isErr {
		n.label.Importance = widget.DangerImportance
		n.icon.SetResource(theme.ErrorIcon())
	}
	n.label.Refresh()
	n.action.Hidden = undo == nil
	n.action.OnTapped = func() { n.hide(); undo() }
	n.action.Refresh()
	n.content.Show()
	if fade > 0 {
		gen := n.gen
		time.AfterFunc(fade, func() {
			onMain(func() {
				if n.gen == gen {
					n.hide()
				}
			})
		})
	}
}

func (n *noticeBar) hide() {
	n.topic = ""
	n.content.Hide()
}

// text is the message on show, "" when hidden.
func (n *noticeBar) text() string {
	if n.content.Hidden {
		return ""
	}
	return n.label.Text
}
