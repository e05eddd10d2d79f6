package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Preference keys for the account panel. The password is never stored here:
// the sync engine keeps the session in the OS keyring.
const (
	prefServer       = "cloud.server"
	prefEmail        = "cloud.email"
	prefAutoDownload = "cloud.autodownload"
)

// accountPanel signs in and out and shows where sync stands.
type accountPanel struct {
	u       *UI
	content fyne.CanvasObject

	signedOut, signedIn *fyne.Container
	server, email       *shortcutEntry // Ctrl+R and the rest work while typing here too
	password            *shortcutEntry
	login, signup       *widget.Button
	who, last, state    *widget.Label
	quota               *widget.Label
	busy                *widget.ProgressBarInfinite
	problem             *widget.Label
	syncNow, logout     *widget.Button
	auto                *widget.Check

	status   CloudStatus
	autoBusy int // changes of the auto-download box not yet applied
}

func newAccountPanel(u *UI) *accountPanel {
	a := &accountPanel{u: u}
	if u.be.Cloud == nil {
		a.content = widget.NewLabel("This build of Earshot has no sync.")
		return a
	}
	prefs := u.app.Preferences()
	a.server = newShortcutEntry(u)
	a.server.SetPlaceHolder("https://sync.example.org")
	a.server.SetText(prefs.String(prefServer))
	a.email = newShortcutEntry(u)
	a.email.SetText(prefs.String(prefEmail))
	a.password = newShortcutEntry(u)
	a.password.Password = true // the entry adds its reveal button
	a.password.SetPlaceHolder(passwordRule)
	// Enter submits the form from any of its fields.
	submit := func(string) { a.signIn(false) }
	a.server.OnSubmitted, a.email.OnSubmitted, a.password.OnSubmitted = submit, submit, submit
	a.login = widget.NewButton("Log in", func() { a.signIn(false) })
	a.login.Importance = widget.HighImportance
	a.signup = widget.NewButton("Sign up", func() { a.signIn(true) })
	form := widget.NewForm(
		widget.NewFormItem("Server", a.server),
		widget.NewFormItem("Email", a.email),
		widget.NewFormItem("Password", a.password))
	rule := widget.NewLabel(passwordRule + ". Enter logs in; Sign up creates the account first.")
	rule.Importance = widget.LowImportance
	rule.Wrapping = fyne.TextWrapWord
	a.busy = widget.NewProgressBarInfinite()
	a.busy.Hide()
	a.signedOut = container.NewVBox(form, rule, container.NewHBox(a.login, a.signup), reserve(a.busy))

	a.who, a.last, a.state = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	a.quota = widget.NewLabel("")
	a.problem = widget.NewLabel("")
	a.problem.Importance = widget.DangerImportance
	a.problem.Wrapping = fyne.TextWrapWord
	a.syncNow = widget.NewButton("Sync now", a.sync)
	a.logout = widget.NewButton("Log out", a.signOut)
	a.auto = widget.NewCheck("Download new recordings from the cloud automatically", nil)
	a.auto.SetChecked(prefs.Bool(prefAutoDownload))
	a.auto.OnChanged = a.setAuto
	a.signedIn = container.NewVBox(a.who, a.quota, a.last, a.state,
		container.NewHBox(a.syncNow, a.logout), a.auto)
	a.content = container.NewPadded(container.NewVBox(a.signedOut, a.signedIn, a.problem))
	a.apply(CloudStatus{})
	return a
}

// passwordRule is shown before the user types a password: the server's
// rule for new accounts (server/auth.go minPasswordLen).
const passwordRule = "At least 10 characters"

// statusInterval caps how often the account tab repaints the status while
// transfers report progress.
const statusInterval = 250 * time.Millisecond

// watch resumes the stored login and keeps the status current.
func (a *accountPanel) watch() {
	cl := a.u.be.Cloud
	if cl == nil {
		return
	}
	events := cl.Events(a.u.ctx)
	a.u.background(func(ctx context.Context) {
		a.u.fail(cl.Resume(ctx))
		a.refresh(ctx)
	})
	a.u.loops.Add(1)
	go func() {
		defer a.u.loops.Done()
		var due <-chan time.Time // armed by the first event after a refresh
		for {
			select {
			case <-a.u.ctx.Done():
				return
			case _, ok := <-events:
				if !ok {
					return
				}
				if due == nil {
					due = time.After(statusInterval)
				}
			case <-due:
				due = nil
				a.refresh(a.u.ctx)
			}
		}
	}()
}

// refresh reads the engine's status (from a goroutine) and shows it.
func (a *accountPanel) refresh(context.Context) {
	s := a.u.be.Cloud.Status()
	onMain(func() { a.apply(s) })
}

func (a *accountPanel) apply(s CloudStatus) {
	signedInBefore, lastBefore := a.status.SignedIn, a.status.LastSync
	a.status = s
	a.u.list.showSync(s)
	if s.SignedIn != signedInBefore {
		a.u.list.list.Refresh() // rows speak of sync only while signed in
	}
	if s.LastError == "" {
		a.u.notices.withdraw("sync") // the sync problem shown below no longer holds
	}
	if s.SignedIn && (!signedInBefore || !s.LastSync.Equal(lastBefore)) {
		a.loadUsage()
	}
	a.problem.SetText(s.LastError)
	a.problem.Hidden = s.LastError == ""
	a.problem.Refresh()
	if !s.SignedIn {
		if a.server.Text == "" && a.email.Text == "" {
			a.server.SetText(s.Server)
			a.email.SetText(s.Email)
		}
		a.signedIn.Hide()
		a.signedOut.Show()
		return
	}
	a.signedOut.Hide()
	a.signedIn.Show()
	a.who.SetText(fmt.Sprintf("Signed in as %s on %s", s.Email, s.Server))
	last := "Last sync: never"
	if !s.LastSync.IsZero() {
		last = "Last sync: " + when(s.LastSync, time.Now())
	}
	a.last.SetText(last)
	a.state.SetText(stateLine(s))
	if a.autoBusy == 0 && a.auto.Checked != s.AutoDownload {
		// The library holds the setting (the CLI may have changed it).
		onChanged := a.auto.OnChanged
		a.auto.OnChanged = nil
		a.auto.SetChecked(s.AutoDownload)
		a.auto.OnChanged = onChanged
		a.u.app.Preferences().SetBool(prefAutoDownload, s.AutoDownload)
	}
}

func (a *accountPanel) signIn(create bool) {
	server, email, password := a.server.Text, a.email.Text, a.password.Text
	prefs := a.u.app.Preferences()
	prefs.SetString(prefServer, server)
	prefs.SetString(prefEmail, email)
	if a.busy.Visible() {
		return // signing in already
	}
	a.login.Disable()
	a.signup.Disable()
	a.busy.Show()
	a.busy.Start()
	cl := a.u.be.Cloud
	auto := a.auto.Checked
	a.u.background(func(ctx context.Context) {
		// The box's setting applies to the account being signed in to.
		err := cl.SetAutoDownload(ctx, auto)
		if err != nil {
			a.u.fail(err)
		}
		if create {
			err = cl.SignUp(ctx, server, email, password)
		} else {
			err = cl.LogIn(ctx, server, email, password)
		}
		onMain(func() {
			a.login.Enable()
			a.signup.Enable()
			a.busy.Stop()
			a.busy.Hide()
			if err == nil {
				a.password.SetText("")
			}
		})
		if err != nil {
			a.u.fail(err)
		}
		a.refresh(ctx)
		a.u.list.loadNow(ctx, "")
	})
}

func (a *accountPanel) signOut() {
	cl := a.u.be.Cloud
	a.u.background(func(ctx context.Context) {
		a.u.fail(cl.LogOut(ctx))
		a.refresh(ctx)
		a.u.list.loadNow(ctx, "")
	})
}

func (a *accountPanel) sync() {
	cl := a.u.be.Cloud
	a.syncNow.Disable()
	a.u.background(func(ctx context.Context) {
		err := cl.SyncNow(ctx)
		onMain(a.syncNow.Enable)
		// A problem the status already says (offline, a busy server, failed
		// recordings) is said once, there; anything else goes to the strip
		// until the next sync that goes through.
		if err != nil && cl.Status().LastError == "" {
			msg := plain(err)
			onMain(func() { a.u.notices.problem("sync", msg) })
		}
		a.refresh(ctx)
		a.u.list.loadNow(ctx, "")
	})
}

func (a *accountPanel) setAuto(on bool) {
	a.u.app.Preferences().SetBool(prefAutoDownload, on)
	cl := a.u.be.Cloud
	if cl == nil {
		return
	}
	a.autoBusy++
	a.u.background(func(ctx context.Context) {
		a.u.fail(cl.SetAutoDownload(ctx, on))
		onMain(func() { a.autoBusy-- })
		a.refresh(ctx)
	})
}

// loadUsage shows the account's storage use (asked off the Fyne goroutine).
func (a *accountPanel) loadUsage() {
	cl := a.u.be.Cloud
	a.u.background(func(ctx context.Context) {
		u, err := cl.Usage(ctx)
		onMain(func() {
			switch {
			case err != nil:
				a.quota.SetText("Storage used: unknown (the server did not say)")
			case u.QuotaBytes > 0:
				a.quota.SetText(fmt.Sprintf("Storage: %s of %s used (%d %%)", size(u.UsedBytes), size(u.QuotaBytes), u.UsedBytes*100/u.QuotaBytes))
			default:
				a.quota.SetText(fmt.Sprintf("Storage: %s used (no limit)", size(u.UsedBytes)))
			}
		})
	})
}
