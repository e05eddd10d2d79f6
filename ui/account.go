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
	server, email       *widget.Entry
	password            *widget.Entry
	login, signup       *widget.Button
	who, last, state    *widget.Label
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
	a.server = widget.NewEntry()
	a.server.SetPlaceHolder("https://sync.example.org")
	a.server.SetText(prefs.String(prefServer))
	a.email = widget.NewEntry()
	a.email.SetText(prefs.String(prefEmail))
	a.password = widget.NewPasswordEntry()
	a.login = widget.NewButton("Log in", func() { a.signIn(false) })
	a.login.Importance = widget.HighImportance
	a.signup = widget.NewButton("Sign up", func() { a.signIn(true) })
	form := widget.NewForm(
		widget.NewFormItem("Server", a.server),
		widget.NewFormItem("Email", a.email),
		widget.NewFormItem("Password", a.password))
	a.signedOut = container.NewVBox(form, container.NewHBox(a.login, a.signup))

	a.who, a.last, a.state = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	a.problem = widget.NewLabel("")
	a.problem.Importance = widget.DangerImportance
	a.problem.Wrapping = fyne.TextWrapWord
	a.syncNow = widget.NewButton("Sync now", a.sync)
	a.logout = widget.NewButton("Log out", a.signOut)
	a.auto = widget.NewCheck("Download new recordings from the cloud automatically", nil)
	a.auto.SetChecked(prefs.Bool(prefAutoDownload))
	a.auto.OnChanged = a.setAuto
	a.signedIn = container.NewVBox(a.who, a.last, a.state,
		container.NewHBox(a.syncNow, a.logout), a.auto)
	a.content = container.NewPadded(container.NewVBox(a.signedOut, a.signedIn, a.problem))
	a.apply(CloudStatus{})
	return a
}

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
	a.status = s
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

// stateLine says in a few words what sync is doing.
func stateLine(s CloudStatus) string {
	switch {
	case s.Offline:
		return fmt.Sprintf("Offline — %d changes waiting", s.Waiting)
	case s.Uploads+s.Downloads > 0 && s.Total > 0:
		verb := "Syncing"
		if s.Downloads == 0 {
			verb = "Uploading"
		} else if s.Uploads == 0 {
			verb = "Downloading"
		}
		return fmt.Sprintf("%s — %d %% of %s", verb, min(s.Done*100/s.Total, 100), size(s.Total))
	case s.Syncing:
		return "Syncing…"
	case s.Waiting > 0:
		return fmt.Sprintf("Online — %d changes waiting", s.Waiting)
	}
	return "Online — up to date"
}

func (a *accountPanel) signIn(create bool) {
	server, email, password := a.server.Text, a.email.Text, a.password.Text
	prefs := a.u.app.Preferences()
	prefs.SetString(prefServer, server)
	prefs.SetString(prefEmail, email)
	a.login.Disable()
	a.signup.Disable()
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
		a.u.fail(err)
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
