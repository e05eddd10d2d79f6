package ui

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/zalando/go-keyring"

	"github.com/earshot/earshot/internal/testenv"
	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
)

// keyringUser is the user attribute of the keyring entry of lib's login.
func keyringUser(t *testing.T, lib *library.Library) string {
	t.Helper()
	ctx := context.Background()
	x, err := lib.SyncIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	key, ok, err := sync.NewAccount(x, nil, nil).Key(ctx)
	if err != nil || !ok {
		t.Fatalf("the library's account: %+v, %v, %v", key, ok, err)
	}
	return key.KeyringUser()
}

// importTone imports a one-second tone through the window (as a drop does)
// and returns the new recording.
func (u *UI) importTone(t *testing.T, title string) library.Recording {
	t.Helper()
	path := writeTone(t, title+".wav")
	u.do(func() { u.list.importFiles([]fyne.URI{storage.NewFileURI(path)}) })
	var r library.Recording
	onMainWait(func() {
		for _, it := range u.list.items {
			if it.Title == title {
				r = it
			}
		}
	})
	if r.ID == "" {
		t.Fatalf("%q not in the list after import: %q, notices %q", title, u.listed(), u.noticeHistory())
	}
	return r
}

// accountView is what the Account tab shows.
type accountView struct {
	signedIn, signedOut bool   // which form is visible
	who, password       string // the signed-in line, the password field
	problem             string // "" when hidden
	status              CloudStatus
}

// accountShown reads the Account tab on the tests' Fyne goroutine.
func (u *UI) accountShown() accountView {
	return onMainValue(func() accountView {
		a := u.account
		v := accountView{a.signedIn.Visible(), a.signedOut.Visible(), a.who.Text, a.password.Text, a.problem.Text, a.status}
		if a.problem.Hidden {
			v.problem = ""
		}
		return v
	})
}

func TestCloudSignUpUploadLogOutAndResume(t *testing.T) {
	mockKeyring(t)
	srv := testenv.StartServer(t)
	u, lib, cloud := newCloudUI(t, t.TempDir(), SyncOptions{})
	a := u.account
	if v := u.accountShown(); v.signedIn || !v.signedOut {
		t.Fatalf("signed-out form not shown at start: %+v", v)
	}
	email, pw := "ada-"+strconv.Itoa(os.Getpid())+"@example.org", "correct horse"
	u.signIn(t, srv.URL, email, pw, true)
	v := u.accountShown()
	if !v.signedIn || v.who != "Signed in as "+email+" on "+srv.URL {
		t.Fatalf("after sign up: %q, notices %q", v.who, u.noticeHistory())
	}
	if v.password != "" {
		t.Fatal("password kept in the form after signing in")
	}
	if got := u.app.Preferences().String(prefServer); got != srv.URL {
		t.Fatalf("server not kept in preferences: %q", got)
	}
	user := keyringUser(t, lib)
	if secret, err := keyring.Get(sync.KeyringService, user); err != nil || !strings.Contains(secret, "refresh") {
		t.Fatalf("session not in the keyring: %q, %v", secret, err)
	}

	// A new recording uploads by itself; its badge turns to Synced.
	r := u.importTone(t, "Interview")
	u.eventually(t, "the Synced badge", func() bool { return u.badgeOf(r.ID) == "Synced" })
	got, ok := serverView(t, srv.URL, email, pw)[r.ID]
	if !ok || !got.Available || got.SizeBytes != r.Size || got.Title != "Interview" {
		t.Fatalf("server holds %+v (listed %v), want the %d-byte recording", got, ok, r.Size)
	}
	u.eventually(t, "an up-to-date status", func() bool {
		return a.state.Text == "Up to date" && u.list.sync.Text == "Up to date" && strings.HasPrefix(a.last.Text, "Last sync: Today")
	})

	// The login outlives the window: a new cloud over the library resumes it
	// from the keyring.
	x, err := lib.SyncIndex(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	again := NewSyncCloud(x, SyncOptions{})
	if err := again.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := again.Status(); !s.SignedIn || s.Email != email {
		t.Fatalf("resumed status %+v", s)
	}
	again.Close()

	// Log out: the keyring entry goes, the form comes back.
	u.tapAndWait(a.logout)
	u.eventually(t, "the signed-out form", func() bool { return a.signedOut.Visible() && !a.signedIn.Visible() })
	if _, err := keyring.Get(sync.KeyringService, user); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("keyring entry after log out: %v", err)
	}
	if s := cloud.Status(); s.SignedIn {
		t.Fatalf("status after log out: %+v", s)
	}
	// Fault 17: signed out, the row says what is true on this device.
	u.eventually(t, "the row of a signed-out device", func() bool { return u.badgeOf(r.ID) == "Local copy" })

	// A wrong password is a notice, not a dialog, and signs nobody in.
	u.signIn(t, srv.URL, email, "wrong", false)
	if v, msg := u.accountShown(), u.notice(); v.status.SignedIn || !strings.Contains(strings.ToLower(msg), "password") {
		t.Fatalf("wrong password: notice %q, status %+v", msg, v.status)
	}
	// Fault 19: Enter in the password field logs in.
	u.do(func() {
		a.password.SetText(pw)
		a.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	u.eventually(t, "signed in again, still synced", func() bool {
		return a.signedIn.Visible() && u.badgeOf(r.ID) == "Synced"
	})
}

func TestCloudOnlyFromAnotherDeviceDownloadsWithProgress(t *testing.T) {
	mockKeyring(t)
	srv := testenv.StartServer(t)
	email, pw := newUser(t, srv.URL)

	// The other device: its own library and engine.
	ctx := context.Background()
	other, err := library.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	rec, err := other.Import(ctx, writeTone(t, "From the phone.wav"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ox, err := other.SyncIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	oacct := sync.NewAccount(ox, sync.NewMemoryStore(), nil)
	sess, err := oacct.LogIn(ctx, srv.URL, email, pw)
	if err != nil {
		t.Fatal(err)
	}
	if sum, err := oacct.Engine(sess, sync.Options{}).SyncOnce(ctx); err != nil || sum.Uploaded != 1 {
		t.Fatalf("other device's sync: %+v, %v", sum, err)
	}

	gate := &gatedTransport{after: rec.Size / 3, open: make(chan struct{})}
	opened := false
	defer func() {
		if !opened {
			close(gate.open)
		}
	}()
	u, lib, _ := newCloudUI(t, t.TempDir(), SyncOptions{HTTP: &http.Client{Transport: gate}})
	u.signIn(t, srv.URL, email, pw, false)
	u.eventually(t, "the other device's recording, cloud-only", func() bool { return u.badgeOf(rec.ID) == "Cloud only" })
	u.selectID(t, rec.ID)
	if onMainValue(func() bool { return u.details.download.Hidden || u.details.player.play.Disabled() }) {
		t.Fatal("a cloud-only recording should offer Download, and Play (which offers to download)")
	}
	if !onMainValue(func() bool { return u.details.player.noWave.Visible() }) {
		t.Fatal("the empty waveform of a cloud-only recording says nothing")
	}

	onMainWait(func() { test.Tap(u.details.download) })
	pct := regexp.MustCompile(`^Downloading (\d+) %$`)
	u.eventually(t, "a part-way percentage on the row and the progress bar", func() bool {
		m := pct.FindStringSubmatch(u.badgeOf(rec.ID))
		if m == nil {
			return false
		}
		n, _ := strconv.Atoi(m[1])
		v := u.details.transfer.Value
		return n > 0 && n < 100 && v > 0 && v < 1 && u.details.transfer.Visible()
	})
	close(gate.open)
	opened = true
	u.settle()
	u.eventually(t, "the downloaded recording", func() bool {
		r := u.details.rec
		// Fault 11: the waveform follows at once, without reselecting.
		return r.HasAudio && r.SyncState == library.Synced && u.badgeOf(rec.ID) == "Synced" &&
			u.details.download.Hidden && !u.details.player.play.Disabled() && len(u.details.player.seek.values) > 0 &&
			!u.details.player.noWave.Visible()
	})
	mine, err := os.ReadFile(lib.AudioPath(u.shown()))
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := os.ReadFile(other.AudioPath(rec))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mine, theirs) {
		t.Fatal("the downloaded audio differs from the other device's")
	}
}

func TestDeleteThreeWaysReachesTheServer(t *testing.T) {
	mockKeyring(t)
	srv := testenv.StartServer(t)
	email, pw := newUser(t, srv.URL)
	u, lib, _ := newCloudUI(t, t.TempDir(), SyncOptions{})
	u.signIn(t, srv.URL, email, pw, false)
	here, cloud, everywhere := u.importTone(t, "Here"), u.importTone(t, "Cloud"), u.importTone(t, "Everywhere")
	u.eventually(t, "three synced recordings", func() bool {
		return u.badgeOf(here.ID) == "Synced" && u.badgeOf(cloud.ID) == "Synced" && u.badgeOf(everywhere.ID) == "Synced"
	})
	ctx := context.Background()
	x, err := lib.SyncIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	item := func(id string) library.SyncItem {
		it, err := x.Item(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return it
	}
	onServer := func(id string) bool {
		r, ok := serverView(t, srv.URL, email, pw)[id]
		return ok && !r.Deleted
	}

	// This device: the audio goes here, the cloud keeps it.
	path := lib.AudioPath(here)
	u.selectID(t, here.ID)
	u.chooseDelete(t, "This device (keep the cloud copy)")
	// Fault 11: the waveform of the removed copy goes at once.
	u.eventually(t, "a cloud-only entry without a waveform", func() bool {
		return u.badgeOf(here.ID) == "Cloud only" && len(u.details.player.seek.values) == 0
	})
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) || item(here.ID).HasAudio {
		t.Fatalf("audio still here after deleting from this device: %v", err)
	}
	if !onServer(here.ID) {
		t.Fatal("deleting from this device deleted the cloud copy")
	}

	// The cloud: gone from the server, kept here as local only.
	u.selectID(t, cloud.ID)
	u.chooseDelete(t, "The cloud (keep it on this device)")
	u.eventually(t, "a local-only entry", func() bool { return u.badgeOf(cloud.ID) == "Local only" })
	if onServer(cloud.ID) {
		t.Fatal("the cloud copy is still on the server")
	}
	if _, err := os.Stat(lib.AudioPath(cloud)); err != nil {
		t.Fatalf("the audio here went too: %v", err)
	}
	// Removed from the cloud, it can be uploaded again on purpose.
	u.selectID(t, cloud.ID)
	var again *widget.Button
	u.eventually(t, "the Upload again offer", func() bool {
		for _, sec := range u.details.sections {
			if b := findButton(sec.content, "Upload again"); b != nil && sec.content.Visible() {
				again = b
			}
		}
		return again != nil
	})
	u.tapAndWait(again)
	u.eventually(t, "the recording synced again", func() bool { return u.badgeOf(cloud.ID) == "Synced" })
	if !onServer(cloud.ID) {
		t.Fatal("Upload again did not put it back in the cloud")
	}

	// Everywhere: gone from the server, in the trash here.
	u.selectID(t, everywhere.ID)
	u.chooseDelete(t, "Everywhere (move to the trash)")
	u.eventually(t, "the recording out of the list", func() bool { _, ok := u.list.index[everywhere.ID]; return !ok })
	waitUntil(t, "the server's tombstone", func() bool { return !onServer(everywhere.ID) })
	if it := item(everywhere.ID); !it.Trashed() {
		t.Fatalf("not in the trash here: %+v", it)
	}

	// A cloud-only entry cannot be deleted from this device again: the
	// dialog does not offer it at all.
	u.selectID(t, here.ID)
	u.do(u.details.askDelete)
	if onMainValue(func() bool {
		return findButton(u.win.Canvas().Overlays().Top(), "This device (keep the cloud copy)") != nil
	}) {
		t.Fatal("“this device” is offered for a recording whose audio is not here")
	}
}

func TestOfflineShowsWaitingThenCatchesUp(t *testing.T) {
	mockKeyring(t)
	srv := testenv.StartServer(t)
	email, pw := newUser(t, srv.URL)
	u, _, _ := newCloudUI(t, t.TempDir(), SyncOptions{})
	u.signIn(t, srv.URL, email, pw, false)
	// Offline from the first pass on, the engine would count waiting work
	// only when the server answers again; here it goes away after one.
	u.eventually(t, "the first pass", func() bool { return !u.account.status.LastSync.IsZero() && !u.account.status.Syncing })
	srv.Kill()
	r := u.importTone(t, "On the train")
	u.eventually(t, "the offline status", func() bool {
		return u.account.state.Text == "Offline — 1 change waiting" && u.list.sync.Text == u.account.state.Text &&
			strings.Contains(u.account.problem.Text, "Can't reach the server at 127.0.0.1:")
	})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	u.eventually(t, "the upload once the server is back", func() bool { return u.badgeOf(r.ID) == "Synced" })
	u.eventually(t, "an up-to-date status", func() bool { return u.account.state.Text == "Up to date" && u.account.problem.Hidden })
}

// TestNoKeyringSignsInForTheSession: without a Secret Service the window
// still logs in, keeps the session in memory and says so without blocking.
func TestNoKeyringSignsInForTheSession(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	srv := testenv.StartServer(t)
	email, pw := newUser(t, srv.URL)
	u, lib, _ := newCloudUI(t, t.TempDir(), SyncOptions{})
	u.signIn(t, srv.URL, email, pw, false)
	if v := u.accountShown(); !v.signedIn || !strings.Contains(v.problem, "no OS keyring") {
		t.Fatalf("signed in %v, problem %q; notices %q", v.signedIn, v.problem, u.noticeHistory())
	}
	r := u.importTone(t, "Memo")
	u.eventually(t, "the upload", func() bool { return u.badgeOf(r.ID) == "Synced" })

	// The next start cannot read the login back and says why.
	x, err := lib.SyncIndex(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	next := NewSyncCloud(x, SyncOptions{})
	defer next.Close()
	if err := next.Resume(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := next.Status(); s.SignedIn || !strings.Contains(s.LastError, "no OS keyring") {
		t.Fatalf("next start: %+v", s)
	}
}

// TestRealKeyring signs in and out through the window with the session in
// gnome-keyring (scripts/testenv.sh start_keyring). go-keyring's mock, once
// installed, stays for the process, so this runs in a child process.
func TestRealKeyring(t *testing.T) {
	if os.Getenv("EARSHOT_UI_REAL_KEYRING") != "1" {
		testenv.Need(t, "DBUS_SESSION_BUS_ADDRESS", "a D-Bus session with gnome-keyring (start_keyring)")
		if _, err := exec.LookPath("secret-tool"); err != nil {
			testenv.Missing(t, "secret-tool (libsecret-tools)")
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestRealKeyring$", "-test.v")
		cmd.Env = append(os.Environ(), "EARSHOT_UI_REAL_KEYRING=1", "EARSHOT_SERVER_BIN="+testenv.ServerBin(t))
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestRealKeyring") {
			t.Fatalf("in a child process: %v\n%s", err, out)
		}
		return
	}
	srv := testenv.StartServer(t)
	email, pw := newUser(t, srv.URL)
	u, lib, _ := newCloudUI(t, t.TempDir(), SyncOptions{})
	u.signIn(t, srv.URL, email, pw, false)
	var signedIn bool
	var problem string
	var notices []string
	onMainWait(func() { // the account's labels change on the Fyne goroutine (race detector)
		signedIn, problem, notices = u.account.signedIn.Visible(), u.account.problem.Text, u.notices.history
	})
	if !signedIn || problem != "" {
		t.Fatalf("signed in %v, problem %q, notices %q", signedIn, problem, notices)
	}
	user := keyringUser(t, lib) // while signed in
	lookup := func() (string, error) {
		out, err := exec.Command("secret-tool", "lookup", "service", sync.KeyringService, "username", user).Output()
		return string(out), err
	}
	if out, err := lookup(); err != nil || !strings.Contains(out, "refresh") {
		t.Fatalf("secret-tool lookup = %q, %v; want the session", out, err)
	}
	u.tapAndWait(u.account.logout)
	if out, err := lookup(); err == nil {
		t.Fatalf("the session is still in the keyring after log out: %q", out)
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
		{library.Failed, Progress{}, "Error"},
		{library.PendingDelete, Progress{}, "Deleting"},
	} {
		if got := transferOf(library.Recording{SyncState: tc.state, HasAudio: tc.state != library.CloudOnly}, tc.p, true).label; got != tc.want {
			t.Errorf("badge(%s) = %q, want %q", tc.state, got, tc.want)
		}
	}
}

func TestStateLine(t *testing.T) {
	for _, tc := range []struct {
		s    CloudStatus
		want string
	}{
		{CloudStatus{SignedIn: true, State: sync.StateOffline, Waiting: 3}, "Offline — 3 changes waiting"},
		{CloudStatus{SignedIn: true, State: sync.StateWaiting, Waiting: 1}, "Server busy — retrying — 1 change waiting"},
		{CloudStatus{SignedIn: true, State: sync.StateSyncing, Syncing: true, Uploads: 1, Done: 420_000, Total: 1_000_000}, "Uploading 42 % of 1.0 MB"},
		{CloudStatus{SignedIn: true, Syncing: true, Downloads: 2, Done: 1, Total: 4}, "Downloading 25 % of 4 B"},
		{CloudStatus{SignedIn: true, Syncing: true, Uploads: 1, Downloads: 1, Done: 0, Total: 10}, "Syncing 0 % of 10 B"},
		{CloudStatus{SignedIn: true, Syncing: true}, "Syncing…"},
		{CloudStatus{SignedIn: true, Failed: 2, Waiting: 2}, "2 recordings failed — select one to see why"},
		{CloudStatus{SignedIn: true, Waiting: 1}, "1 change waiting"},
		{CloudStatus{SignedIn: true}, "Up to date"},
		{CloudStatus{Waiting: 4}, "Signed out"},
	} {
		if got := stateLine(tc.s); got != tc.want {
			t.Errorf("stateLine(%+v) = %q, want %q", tc.s, got, tc.want)
		}
	}
}

func TestErrorReasonInTheList(t *testing.T) {
	r := library.Recording{SyncState: library.Failed, SyncError: "the server refused the file: quota exceeded", Size: 1000}
	if got := subtitle(r, r.CreatedAt); !strings.HasSuffix(got, " · the server refused the file: quota exceeded") {
		t.Fatalf("subtitle %q does not give the reason", got)
	}
}
