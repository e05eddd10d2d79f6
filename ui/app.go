package ui

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/api"
)

// UI is Earshot's main window and its view models. Build it with New; every
// field is owned by the Fyne goroutine except where a comment says otherwise.
type UI struct {
	app fyne.App
	win fyne.Window
	be  Backend
	ctx context.Context

	// tasks counts one-shot background jobs (I/O started by a click), so a
	// test can wait until everything a tap started has landed on screen.
	tasks taskCount
	// loops counts the goroutines that live as long as ctx; wait for them
	// before closing the engine they read from.
	loops sync.WaitGroup

	notices *noticeBar
	rec     *recordPanel
	list    *libraryPanel
	details *detailsPanel
	trash   *trashPanel
	account *accountPanel
	tabs    *container.AppTabs
	tray    *fyne.Menu
	modal   *modal // the dialog on show, if any (modal.go)
	// quitting is set once the window is closing: a recording that ends
	// (or starts) from then on quits the app.
	quitting bool
	// cjkAsked is set once fontsFor has looked for a bold CJK face.
	cjkAsked bool
}

// New builds the window over be. Its goroutines stop when ctx ends. Call
// it before the app runs, or the system tray will not start (see newTray).
func New(ctx context.Context, a fyne.App, be Backend) *UI {
	a.Settings().SetTheme(newTheme())
	w := a.NewWindow("Earshot")
	w.Resize(defaultSize())
	var u *UI
	tray := newTray(a, w, func() { u.rec.toggle() }, func() { u.addBookmark() })
	u = newUI(ctx, a, w, be, tray)
	return u
}

// newUI builds the window's content; tray is the system tray's menu from
// newTray, or nil.
func newUI(ctx context.Context, a fyne.App, w fyne.Window, be Backend, tray *fyne.Menu) *UI {
	u := &UI{app: a, be: be, ctx: ctx, win: w, tray: tray}
	u.notices = newNoticeBar()
	u.details = newDetailsPanel(u)
	u.list = newLibraryPanel(u)
	u.rec = newRecordPanel(u)
	u.trash = newTrashPanel(u)
	u.account = newAccountPanel(u)

	split := container.NewHSplit(u.list.content, u.details.content)
	split.Offset = 0.55
	main := container.NewBorder(u.rec.content, nil, nil, nil, split)
	u.tabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Recordings", theme.MediaRecordIcon(), main),
		container.NewTabItemWithIcon("Trash", theme.DeleteIcon(), u.trash.content),
		container.NewTabItemWithIcon("Account", theme.AccountIcon(), u.account.content),
	)
	u.tabs.OnSelected = func(t *container.TabItem) {
		if t.Text == "Trash" {
			u.trash.reload()
		}
	}
	u.win.SetContent(container.NewBorder(nil, u.notices.content, nil, nil, u.tabs))
	u.win.SetOnDropped(func(_ fyne.Position, uris []fyne.URI) { u.list.importFiles(uris) })
	u.addShortcuts()
	u.list.watch()
	u.rec.input.watch()
	u.account.watch()
	u.list.reload()
	u.showRecovered()
	u.analyzeOld()
	u.startTranscriber()
	return u
}

// background runs fn off the Fyne goroutine: disk, audio device and network
// calls go here. fn must touch widgets only through fyne.Do.
func (u *UI) background(fn func(ctx context.Context)) {
	u.tasks.add(1)
	go func() {
		defer u.tasks.add(-1)
		fn(u.ctx)
	}()
}

// quitWait bounds how long closing waits for a recording to be saved; a
// recording not finalised by then is repaired at the next start.
const quitWait = 10 * time.Second

// quit closes the window, first saving a rename being typed and a
// recording in progress.
func (u *UI) quit() {
	u.details.title.commit()
	u.closeModal()
	u.quitting = true
	switch {
	case u.rec.session == nil:
		u.app.Quit()
	case u.rec.state == recBusy:
		// Stopping already; recordPanel.ended quits.
	default:
		time.AfterFunc(quitWait, func() { onMain(u.app.Quit) })
		u.rec.stop() // recordPanel.ended quits
	}
}

// finish saves what the window still holds once its event loop has ended
// (Fyne quits by itself on SIGINT and SIGTERM, before quit can run): a
// recording in progress is finalised and committed, so nothing is left for
// crash recovery. Run calls it after the loop, before wait.
func (u *UI) finish() {
	if t := u.details.title; t.editing() && api.CheckTitle(strings.TrimSpace(t.Text)) == nil {
		// A rename typed when the loop ended (SIGTERM, the session
		// ending) is kept, as leaving the field would have kept it.
		if err := u.be.Library.Rename(context.Background(), t.id, strings.TrimSpace(t.Text)); err != nil {
			fmt.Fprintln(os.Stderr, "earshot:", plain(err))
		}
	}
	if s := u.rec.session; s != nil {
		if _, err := s.stop(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "earshot:", plain(err))
		}
	}
}

// wait returns once ctx has ended and every goroutine of the window is done.
func (u *UI) wait() {
	<-u.ctx.Done()
	u.loops.Wait()
	u.tasks.wait()
}

// fail shows an error in plain words without blocking the window (no
// modal per error). It may be called from any goroutine.
func (u *UI) fail(err error) {
	if err != nil {
		msg := plain(err)
		onMain(func() { u.notices.show(msg, true) })
	}
}

// newTray puts record/stop in the system tray where the desktop offers one
// (hasTrayHost), so a recording can start without the window in front; nil
// elsewhere.
// Fyne starts the tray when its event loop starts, so this must run before
// the app does: a tray set up later is never shown, and quitting then
// panics inside Fyne (fyne.io/systray closes a D-Bus connection it never
// opened). The window is built after the library opens, in the background,
// hence record and mark, which are called on the Fyne goroutine.
func newTray(a fyne.App, win fyne.Window, record, mark func()) *fyne.Menu {
	d, ok := a.(desktop.App)
	if !ok || !hasTrayHost() {
		return nil
	}
	m := trayMenu(win, record, mark)
	d.SetSystemTrayMenu(m)
	d.SetSystemTrayIcon(trayIcon)
	return m
}

// trayMenu is the tray's menu: Record (or Stop), Add bookmark (only while
// recording: setTrayRecording enables it), Show Earshot.
func trayMenu(win fyne.Window, record, mark func()) *fyne.Menu {
	rec := fyne.NewMenuItem("Record", record)
	bookmark := fyne.NewMenuItem("Add bookmark", mark)
	bookmark.Disabled = true
	show := fyne.NewMenuItem("Show Earshot", func() { win.Show(); win.RequestFocus() })
	return fyne.NewMenu("Earshot", rec, bookmark, show)
}

// setTrayRecording relabels the tray's first item for the recorder's state
// and offers Add bookmark while recording.
func (u *UI) setTrayRecording(on bool) {
	if u.tray == nil {
		return
	}
	u.tray.Items[0].Label = "Record"
	if on {
		u.tray.Items[0].Label = "Stop recording"
	}
	u.tray.Items[1].Disabled = !on
	u.tray.Refresh()
}

// showRecovered tells the user which recordings were repaired after a crash.
func (u *UI) showRecovered() {
	rs := u.be.Library.Recovered()
	if len(rs) == 0 {
		return
	}
	msg := "Recovered after a crash: " + rs[0].Title
	if len(rs) > 1 {
		msg += " and " + strconv.Itoa(len(rs)-1) + " more"
	}
	u.notices.show(msg+" (marked “recovered” in the list).", false)
}

// labelOf is a small helper for a label that wraps and truncates sensibly.
func labelOf(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// taskCount counts running jobs. Unlike sync.WaitGroup it allows new jobs to
// start while someone waits (a change notification may start a reload at
// any time); wait returns at a moment when none is running.
type taskCount struct {
	mu   sync.Mutex
	n    int
	cond *sync.Cond
}

func (c *taskCount) add(d int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += d
	if c.n == 0 && c.cond != nil {
		c.cond.Broadcast()
	}
}

func (c *taskCount) wait() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cond == nil {
		c.cond = sync.NewCond(&c.mu)
	}
	for c.n > 0 {
		c.cond.Wait()
	}
}
