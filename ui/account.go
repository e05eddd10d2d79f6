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

	status CloudStatus
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
	a.signedIn = container.NewVBox(a.who, a.last, a.state, a.problem,
		container.NewHBox(a.syncNow, a.logout), a.auto)
	a.content = container.NewPadded(container.NewVBox(a.signedOut, a.signedIn))
	a.apply(CloudStatus{})
	return a
}

// watch keeps the status current and applies the stored auto-download
// setting to the engine.
func (a *accountPanel) watch() {
	cl := a.u.be.Cloud
	if cl == nil {
		return
	}
	auto := a.auto.Checked
	events := cl.Events(a.u.ctx)
	a.u.background(func(ctx context.Context) {
		if err := cl.SetAutoDownload(ctx, auto); err != nil {
			a.u.fail(err)
		}
		a.refresh(ctx)
	})
	a.u.loops.Add(1)
	go func() {
		defer a.u.loops.Done()
		for {
			select {
			case <-a.u.ctx.Done():
				return
			case e, ok := <-events:
				if !ok {
					return
				}
				if e.ID == "" {
					a.refresh(a.u.ctx)
				}
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
	if !s.SignedIn {
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
	switch {
	case s.Offline:
		a.state.SetText(fmt.Sprintf("Offline — %d changes waiting", s.Waiting))
	case s.Waiting > 0:
		a.state.SetText(fmt.Sprintf("Online — %d changes waiting", s.Waiting))
	default:
		a.state.SetText("Online — up to date")
	}
	a.problem.SetText(s.LastError)
	a.problem.Hidden = s.LastError == ""
	a.problem.Refresh()
}

func (a *accountPanel) signIn(create bool) {
	server, email, password := a.server.Text, a.email.Text, a.password.Text
	prefs := a.u.app.Preferences()
	prefs.SetString(prefServer, server)
	prefs.SetString(prefEmail, email)
	a.login.Disable()
	a.signup.Disable()
	cl := a.u.be.Cloud
	a.u.background(func(ctx context.Context) {
		var err error
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
	a.u.background(func(ctx context.Context) { a.u.fail(cl.SetAutoDownload(ctx, on)) })
}
