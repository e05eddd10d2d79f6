package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
	stdsync "sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/library"
)

// memEngine is an in-memory library and cloud for the sync parts of the
// window, which the real sync engine does not serve yet. It keeps the state
// rules of docs/ARCHITECTURE.md for the three deletes and downloads.
type memEngine struct {
	mu      stdsync.Mutex
	recs    []library.Recording // newest first
	status  CloudStatus
	deletes []DeleteScope
	subs    []chan Progress
	release chan struct{} // a download waits for it after reporting half
}

func newMemEngine(rs ...library.Recording) *memEngine {
	return &memEngine{recs: rs, release: make(chan struct{})}
}

func (m *memEngine) backend() Backend {
	return Backend{Library: m, Cloud: m, Recorder: nil, Media: nil}
}

func (m *memEngine) find(id string) *library.Recording {
	for i := range m.recs {
		if m.recs[i].ID == id {
			return &m.recs[i]
		}
	}
	return nil
}

func (m *memEngine) List(_ context.Context, q Query) ([]library.Recording, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []library.Recording
	for _, r := range m.recs {
		if (r.TrashedAt != nil) != q.Trashed || !strings.Contains(strings.ToLower(r.Title), strings.ToLower(q.Search)) {
			continue
		}
		if (q.Filter == FilterLocal && !r.HasAudio) || (q.Filter == FilterCloudOnly && r.HasAudio) {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

func (m *memEngine) Rename(_ context.Context, id, title string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.find(id).Title = title
	return nil
}

func (m *memEngine) Trash(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	now := time.Now()
	m.find(id).TrashedAt = &now
	return nil
}

func (m *memEngine) Restore(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.find(id).TrashedAt = nil
	return nil
}

func (m *memEngine) Import(context.Context, string) (library.Recording, error) {
	return library.Recording{}, errors.New("not in this test")
}
func (m *memEngine) Export(context.Context, string, string) error {
	return errors.New("not in this test")
}
func (m *memEngine) Changes(ctx context.Context) <-chan struct{} {
	ch := make(chan struct{})
	go func() { <-ctx.Done(); close(ch) }()
	return ch
}
func (m *memEngine) Recovered() []library.Recording     { return nil }
func (m *memEngine) AudioPath(library.Recording) string { return "" }

func (m *memEngine) Status() CloudStatus {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.status
}
func (m *memEngine) Events(context.Context) <-chan Progress {
	m.mu.Lock()
	defer m.mu.Unlock()
	ch := make(chan Progress, 16)
	m.subs = append(m.subs, ch)
	return ch
}

// emit sends to every subscriber, dropping what a full one cannot take.
func (m *memEngine) emit(p Progress) {
	for _, ch := range m.subs {
		select {
		case ch <- p:
		default:
		}
	}
}

func (m *memEngine) SignUp(ctx context.Context, server, email, password string) error {
	return m.LogIn(ctx, server, email, password)
}

func (m *memEngine) LogIn(_ context.Context, server, email, password string) error {
	if password != "correct horse" {
		return errors.New("log in: wrong email or password")
	}
	m.mu.Lock()
	m.status = CloudStatus{SignedIn: true, Email: email, Server: server, Offline: true, Waiting: 2}
	m.mu.Unlock()
	return nil
}

func (m *memEngine) LogOut(context.Context) error {
	m.mu.Lock()
	m.status = CloudStatus{}
	m.mu.Unlock()
	return nil
}
func (m *memEngine) SyncNow(context.Context) error { return nil }
func (m *memEngine) SetAutoDownload(_ context.Context, on bool) error {
	m.mu.Lock()
	m.status.AutoDownload = on
	m.mu.Unlock()
	return nil
}

func (m *memEngine) Download(ctx context.Context, id string) error {
	m.mu.Lock()
	m.find(id).SyncState = library.Downloading
	m.emit(Progress{ID: id, Done: 50, Total: 100})
	m.mu.Unlock()
	<-m.release
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.find(id)
	r.SyncState, r.HasAudio = library.Synced, true
	m.emit(Progress{ID: id, Done: 100, Total: 100})
	return nil
}

func (m *memEngine) Delete(_ context.Context, id string, scope DeleteScope) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.deletes = append(m.deletes, scope)
	r := m.find(id)
	switch scope {
	case DeleteHere:
		r.HasAudio, r.SyncState = false, library.CloudOnly
	case DeleteCloud:
		r.RemoteVersion, r.SyncState = 0, library.LocalOnly
	case DeleteEverywhere:
		now := time.Now()
		r.TrashedAt = &now
	}
	return nil
}

func rec(id, title string, state library.SyncState, hasAudio bool) library.Recording {
	return library.Recording{ID: id, Title: title, CreatedAt: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC),
		Duration: 90 * time.Second, Size: 360_000, Format: audio.Opus, SampleRate: 48000, Channels: 1,
		HasAudio: hasAudio, SyncState: state, RemoteVersion: 1}
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

func (u *UI) selectID(t *testing.T, id string) {
	t.Helper()
	i, ok := u.list.index[id]
	if !ok {
		t.Fatalf("%s is not in the list %q", id, u.list.titles())
	}
	u.do(func() { u.list.list.Select(i) })
}

// chooseDelete opens the delete dialog and taps one of its answers.
func (u *UI) chooseDelete(t *testing.T, label string) {
	t.Helper()
	u.do(u.details.askDelete)
	top := u.win.Canvas().Overlays().Top()
	b := findButton(top, label)
	if b == nil {
		t.Fatalf("delete dialog has no %q button", label)
	}
	if b.Disabled() {
		t.Fatalf("%q is disabled for %+v", label, u.details.rec)
	}
	u.tapAndWait(b)
}

func TestDeleteThreeWays(t *testing.T) {
	m := newMemEngine(rec("a", "Here", library.Synced, true), rec("b", "Cloud", library.Synced, true),
		rec("c", "Everywhere", library.Synced, true))
	m.status.SignedIn = true
	u := newTestUIWith(t, m.backend())
	for _, tc := range []struct {
		id, label string
		scope     DeleteScope
		check     func(r library.Recording) bool
	}{
		{"a", "This device (keep the cloud copy)", DeleteHere,
			func(r library.Recording) bool { return !r.HasAudio && r.SyncState == library.CloudOnly }},
		{"b", "The cloud (keep it on this device)", DeleteCloud,
			func(r library.Recording) bool { return r.HasAudio && r.SyncState == library.LocalOnly }},
		{"c", "Everywhere (move to the trash)", DeleteEverywhere,
			func(r library.Recording) bool { return r.TrashedAt != nil }},
	} {
		u.selectID(t, tc.id)
		u.chooseDelete(t, tc.label)
		if got := m.deletes[len(m.deletes)-1]; got != tc.scope {
			t.Errorf("%q asked the engine for scope %v, want %v", tc.label, got, tc.scope)
		}
		if r := *m.find(tc.id); !tc.check(r) {
			t.Errorf("after %q: %+v", tc.label, r)
		}
	}
	if got := u.list.titles(); !slices.Equal(got, []string{"Here", "Cloud"}) {
		t.Fatalf("list after the deletes: %q", got)
	}
	// A cloud-only entry cannot be deleted from this device again.
	u.selectID(t, "a")
	u.do(u.details.askDelete)
	if b := findButton(u.win.Canvas().Overlays().Top(), "This device (keep the cloud copy)"); b == nil || !b.Disabled() {
		t.Fatal("“this device” is offered for a recording whose audio is not here")
	}
}

func TestCloudOnlyDownloadsWithProgress(t *testing.T) {
	m := newMemEngine(rec("x", "From the phone", library.CloudOnly, false))
	m.status.SignedIn = true
	u := newTestUIWith(t, m.backend())
	u.selectID(t, "x")
	if u.details.download.Hidden || !u.details.play.Disabled() {
		t.Fatal("a cloud-only recording should offer Download and not Play")
	}
	released := false
	t.Cleanup(func() {
		if !released {
			close(m.release)
		}
	})
	onMainWait(func() { test.Tap(u.details.download) })
	// The row shows the percentage while the engine reports progress.
	waitUntil(t, "the 50 % badge and progress bar", func() bool {
		var s string
		var v float64
		onMainWait(func() {
			r := newRow().(*row)
			u.list.updateRow(0, r)
			s, v = r.badge.Text, u.details.progress.Value
		})
		return s == "Downloading 50 %" && v == 0.5
	})
	close(m.release)
	released = true
	u.settle()
	if r := u.details.rec; !r.HasAudio || r.SyncState != library.Synced {
		t.Fatalf("after download the details show %+v", r)
	}
	if !u.details.download.Hidden || u.details.play.Disabled() {
		t.Fatal("after download: want Play enabled and no Download button")
	}
}

func TestAccountLogInAndOut(t *testing.T) {
	m := newMemEngine()
	u := newTestUIWith(t, m.backend())
	a := u.account
	if a.signedIn.Visible() || !a.signedOut.Visible() {
		t.Fatal("signed-out form not shown at start")
	}
	u.do(func() {
		a.server.SetText("http://127.0.0.1:9")
		a.email.SetText("ada@example.org")
		a.password.SetText("wrong")
	})
	u.tapAndWait(a.login)
	if !strings.Contains(u.notices.text(), "wrong email or password") || a.status.SignedIn {
		t.Fatalf("bad password: notice %q, status %+v", u.notices.text(), a.status)
	}
	u.do(func() { a.password.SetText("correct horse") })
	u.tapAndWait(a.login)
	if !a.signedIn.Visible() || a.who.Text != "Signed in as ada@example.org on http://127.0.0.1:9" {
		t.Fatalf("after log in: %q", a.who.Text)
	}
	if a.state.Text != "Offline — 2 changes waiting" {
		t.Fatalf("state %q", a.state.Text)
	}
	if a.password.Text != "" {
		t.Fatal("password kept in the form after log in")
	}
	if got := u.app.Preferences().String(prefServer); got != "http://127.0.0.1:9" {
		t.Fatalf("server not kept in preferences: %q", got)
	}
	u.tapAndWait(a.auto)
	if !m.Status().AutoDownload || !u.app.Preferences().Bool(prefAutoDownload) {
		t.Fatal("auto-download setting not applied and kept")
	}
	u.tapAndWait(a.logout)
	if a.signedIn.Visible() {
		t.Fatal("still signed in after log out")
	}
}

func TestBadges(t *testing.T) {
	for _, tc := range []struct {
		state library.SyncState
		p     Progress
		want  string
	}{
		{library.LocalOnly, Progress{}, "Local only"},
		{library.Uploading, Progress{Done: 42, Total: 100}, "Uploading 42 %"},
		{library.Synced, Progress{}, "Synced"},
		{library.CloudOnly, Progress{}, "Cloud only"},
		{library.Error, Progress{}, "Error"},
		{library.PendingDelete, Progress{}, "Deleting"},
	} {
		if got := badge(library.Recording{SyncState: tc.state}, tc.p); got != tc.want {
			t.Errorf("badge(%s) = %q, want %q", tc.state, got, tc.want)
		}
	}
}
