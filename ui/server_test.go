package ui

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
)

var userSeq atomic.Int64

// newUser signs up a fresh account through the API.
func newUser(t *testing.T, server string) (email, password string) {
	t.Helper()
	c, err := sync.NewClient(server, nil)
	if err != nil {
		t.Fatal(err)
	}
	email = fmt.Sprintf("ui%d-%s@example.org", userSeq.Add(1), api.NewID()[24:])
	password = "correct horse battery staple"
	if _, err := c.Signup(context.Background(), email, password); err != nil {
		t.Fatalf("sign up: %v", err)
	}
	return email, password
}

// serverView lists what the server holds for the account, tombstones
// included, by id.
func serverView(t *testing.T, server, email, password string) map[string]api.Recording {
	t.Helper()
	ctx := context.Background()
	c, err := sync.NewClient(server, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sync.Login(ctx, c, sync.NewMemoryStore(), email, password)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]api.Recording{}
	cursor := ""
	for {
		page, err := s.Client().List(ctx, cursor, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Recordings {
			out[r.ID] = r
		}
		if !page.More {
			return out
		}
		cursor = page.Cursor
	}
}

// mockKeyring puts go-keyring's in-memory provider in place of the Secret
// Service for this test process (the mock needs no bus, but the store
// checks that one is configured).
func mockKeyring(t *testing.T) {
	keyring.MockInit()
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/mock")
}

// cloudUI is the window over a real library in dir and a SyncCloud.
func newCloudUI(t *testing.T, dir string, o SyncOptions) (*UI, *library.Library, *SyncCloud) {
	t.Helper()
	ctx := context.Background()
	lib, err := library.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	x, err := lib.SyncIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cloud := NewSyncCloud(x, o)
	t.Cleanup(cloud.Close) // after the window's goroutines, before the library closes
	be := NewBackend(lib, "null")
	be.Cloud = cloud
	return newTestUIWith(t, be), lib, cloud
}

// signIn fills the Account tab and taps Log in (or Sign up).
func (u *UI) signIn(t *testing.T, server, email, password string, signup bool) {
	t.Helper()
	a := u.account
	u.do(func() {
		a.server.SetText(server)
		a.email.SetText(email)
		a.password.SetText(password)
	})
	b := a.login
	if signup {
		b = a.signup
	}
	u.tapAndWait(b)
}

// eventually waits for cond, evaluated on the tests' Fyne goroutine, to hold:
// for outcomes of other processes and of the engine's own goroutine.
func (u *UI) eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	var ok bool
	deadline := time.Now().Add(20 * time.Second)
	for {
		onMainWait(func() { ok = cond() })
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; notices %q; account %+v", what, u.noticeHistory(), u.accountShown().status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// badgeOf renders id's row and returns its badge; call on the Fyne goroutine.
func (u *UI) badgeOf(id string) string {
	i, ok := u.list.index[id]
	if !ok {
		return "(not listed)"
	}
	r := newRow().(*row)
	u.list.updateRow(i, r)
	return r.badge.Text
}

func (u *UI) selectID(t *testing.T, id string) {
	t.Helper()
	var ok bool
	u.do(func() { // one step: a reload between finding the row and selecting it would move it
		var i int
		if i, ok = u.list.index[id]; ok {
			u.list.list.Select(i)
		}
	})
	if !ok {
		t.Fatalf("%s is not in the list %q", id, u.listed())
	}
}

// chooseDelete opens the delete dialog and taps one of its answers.
func (u *UI) chooseDelete(t *testing.T, label string) {
	t.Helper()
	u.do(u.details.askDelete)
	var b *widget.Button
	var disabled bool
	onMainWait(func() {
		if b = findButton(u.win.Canvas().Overlays().Top(), label); b != nil {
			disabled = b.Disabled()
		}
	})
	if b == nil {
		t.Fatalf("delete dialog has no %q button", label)
	}
	if disabled {
		t.Fatalf("%q is disabled for %+v", label, u.shown())
	}
	u.tapAndWait(b)
}

// findButton finds a button by its label anywhere under o.
func findButton(o fyne.CanvasObject, label string) *widget.Button {
	if b, ok := o.(*widget.Button); ok && b.Text == label {
		return b
	}
	var kids []fyne.CanvasObject
	switch v := o.(type) {
	case *fyne.Container:
		kids = v.Objects
	case fyne.Widget:
		kids = test.WidgetRenderer(v).Objects()
	}
	for _, k := range kids {
		if b := findButton(k, label); b != nil {
			return b
		}
	}
	return nil
}

// gatedTransport holds every audio download after its first `after` bytes
// until open is closed, so a test can look at the window mid-transfer. The
// bytes before the gate come slowly, in small reads, like a slow network:
// the engine reports progress at most every 100 ms, on a read.
type gatedTransport struct {
	after int64
	open  chan struct{}
}

func (g *gatedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/content") {
		resp.Body = &gatedBody{ReadCloser: resp.Body, g: g}
	}
	return resp, err
}

type gatedBody struct {
	io.ReadCloser
	g    *gatedTransport
	read int64
}

func (b *gatedBody) Read(p []byte) (int, error) {
	if b.read >= b.g.after {
		<-b.g.open
	} else {
		p = p[:min(int64(len(p)), b.g.after-b.read, 4096)]
		time.Sleep(40 * time.Millisecond)
	}
	n, err := b.ReadCloser.Read(p)
	b.read += int64(n)
	return n, err
}
