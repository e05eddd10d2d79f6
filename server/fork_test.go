package server_test

import (
	"testing"

	"github.com/earshot/earshot/api"
)

// TestForkSession: a live refresh token gets a second, separate session
// and stays valid itself (not used, not rotated); the fork's logout leaves
// the original, a used or unknown token gets nothing.
func TestForkSession(t *testing.T) {
	p := startServer(t, nil, "--data-dir", t.TempDir())
	c := signup(t, p.URL)
	orig := *c
	var fork api.Session
	c.decode(c.expect(200, "POST", "/v1/sessions/fork", api.RefreshRequest{RefreshToken: c.refresh}), &fork)
	if fork.RefreshToken == c.refresh || fork.AccessToken == c.token || fork.UserID != c.userID {
		t.Fatalf("fork %+v of the session of %s", fork, c.userID)
	}
	forked := *c
	forked.token, forked.refresh = fork.AccessToken, fork.RefreshToken
	forked.expect(200, "GET", "/v1/recordings", nil)
	// The original refreshes as if nothing happened (its token unused).
	var next api.Session
	orig.decode(orig.expect(200, "POST", "/v1/sessions/refresh", api.RefreshRequest{RefreshToken: orig.refresh}), &next)
	// Used now: a fork from it is refused (a stale copy of the token).
	orig.expect(401, "POST", "/v1/sessions/fork", api.RefreshRequest{RefreshToken: orig.refresh})
	orig.expect(401, "POST", "/v1/sessions/fork", api.RefreshRequest{RefreshToken: "esr_nonsense"})
	// Separate families: logging the fork out leaves the original in.
	forked.expect(204, "DELETE", "/v1/sessions/current", nil)
	forked.expect(401, "GET", "/v1/recordings", nil)
	orig.token = next.AccessToken
	orig.expect(200, "GET", "/v1/recordings", nil)
	orig.expect(200, "POST", "/v1/sessions/refresh", api.RefreshRequest{RefreshToken: next.RefreshToken})
}
