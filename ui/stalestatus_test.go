package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testenv"
	"github.com/earshot/earshot/sync"
)

// TestStatusFollowsServerDeath: signed in and up to date, with no pass
// due for an hour, the footer and the Account tab stop saying "Up to
// date" soon after the server dies (the engine's health probe), and say
// it again once the server is back.
func TestStatusFollowsServerDeath(t *testing.T) {
	mockKeyring(t)
	srv := testenv.StartServer(t)
	u, _, _ := newCloudUI(t, t.TempDir(), SyncOptions{Engine: sync.Options{PollInterval: time.Hour, HealthInterval: 100 * time.Millisecond}})
	email, pw := newUser(t, srv.URL)
	u.signIn(t, srv.URL, email, pw, false)
	u.eventually(t, "an up-to-date status", func() bool {
		return u.list.sync.Text == "Up to date" && u.account.state.Text == "Up to date"
	})
	srv.Kill()
	u.eventually(t, "the offline status", func() bool {
		return strings.HasPrefix(u.list.sync.Text, "Offline") && strings.HasPrefix(u.account.state.Text, "Offline")
	})
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	u.eventually(t, "up to date again", func() bool { return u.list.sync.Text == "Up to date" })
}
