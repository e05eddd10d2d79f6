package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// noticeBar is a strip at the bottom of the window for errors and notices.
// It never blocks: a new message replaces the one shown, and the strip hides
// when dismissed. Errors are not modal because sync problems can come in
// bursts and a person should be able to keep recording through them.
type noticeBar struct {
	content *fyne.Container
	label   *widget.Label
	icon    *widget.Icon
	shown   time.Time
	history []string // every message shown, newest last; tests read it
}

func newNoticeBar() *noticeBar {
	n := &noticeBar{label: widget.NewLabel(""), icon: widget.NewIcon(theme.InfoIcon())}
	n.label.Wrapping = fyne.TextWrapWord
	dismiss := widget.NewButtonWithIcon("", theme.CancelIcon(), n.hide)
	dismiss.Importance = widget.LowImportance
	n.content = container.NewBorder(widget.NewSeparator(), nil, n.icon, dismiss, n.label)
	n.content.Hide()
	return n
}

// show displays msg; isErr picks the error icon and colour.
func (n *noticeBar) show(msg string, isErr bool) {
	n.history = append(n.history, msg)
	n.label.SetText(msg)
	n.label.Importance = widget.MediumImportance
	n.icon.SetResource(theme.InfoIcon())
	if isErr {
		n.label.Importance = widget.DangerImportance
		n.icon.SetResource(theme.ErrorIcon())
	}
	n.label.Refresh()
	n.shown = time.Now()
	n.content.Show()
}

func (n *noticeBar) hide() { n.content.Hide() }

// text is the message on show, "" when hidden.
func (n *noticeBar) text() string {
	if n.content.Hidden {
		return ""
	}
	return n.label.Text
}
