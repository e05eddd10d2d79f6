package server_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
)

// TestSecondUser: another user can neither read, list, download, rename,
// overwrite, upload to nor delete a user's recording, through any route,
// and is told 404 as if it did not exist.
func TestSecondUser(t *testing.T) {
	p := startServer(t, nil, "--data-dir", t.TempDir())
	alice, mallory := signup(t, p.URL), signup(t, p.URL)
	data := randomData(6 << 20)
	id := alice.upload(data, "alice's")
	pending := alice.create(randomData(6<<20), "alice's pending")
	m := metaFor(data, "mallory was here")
	for _, tc := range []struct {
		method, path string
		body         any
		hdr          []string
	}{
		{"GET", "/v1/recordings/" + id, nil, nil},
		{"PUT", "/v1/recordings/" + id, m, []string{"If-Match", "1"}},
		{"DELETE", "/v1/recordings/" + id, nil, nil},
		{"DELETE", "/v1/recordings/" + id, nil, []string{"If-Match", "1"}},
		{"GET", "/v1/recordings/" + id + "/content", nil, nil},
		{"GET", "/v1/recordings/" + id + "/content", nil, []string{"Range", "bytes=0-10"}},
		{"PUT", "/v1/recordings/" + id + "/content", data, nil},
		{"GET", "/v1/recordings/" + id + "/upload", nil, nil},
		{"POST", "/v1/recordings/" + id + "/upload/complete", nil, nil},
		{"PUT", "/v1/recordings/" + pending + "/content", data[:5<<20], []string{"Content-Range", chunkHeader(0, 5<<20, 6<<20)}},
		{"PUT", "/v1/recordings/" + pending + "/content", data, nil},
		{"GET", "/v1/recordings/" + pending + "/upload", nil, nil},
		{"DELETE", "/v1/recordings/" + pending, nil, nil},
	} {
		resp, b := mallory.do(tc.method, tc.path, tc.body, tc.hdr...)
		if resp.StatusCode != 404 || mallory.errCode(b) != api.CodeNotFound {
			t.Errorf("mallory %s %s %v: HTTP %d %s, want 404", tc.method, tc.path, tc.hdr, resp.StatusCode, b)
		}
	}
	// The presign route answers 501 on the disk store before looking anything up.
	if resp, _ := mallory.do("POST", "/v1/recordings/"+id+"/upload-url", nil); resp.StatusCode != 404 && resp.StatusCode != 501 {
		t.Errorf("mallory presign: HTTP %d", resp.StatusCode)
	}
	if lr := mallory.list("", 100); len(lr.Recordings) != 0 {
		t.Fatalf("mallory lists %+v", lr.Recordings)
	}
	if lr := mallory.list(alice.list("", 100).Cursor, 100); len(lr.Recordings) != 0 {
		t.Fatalf("mallory lists with alice's cursor: %+v", lr.Recordings)
	}
	// Mallory's PUT without If-Match makes a recording of mallory's own.
	mallory.expect(201, "PUT", "/v1/recordings/"+id, m)
	mallory.expect(200, "DELETE", "/v1/recordings/"+id, nil)
	var r api.Recording
	alice.decode(alice.expect(200, "GET", "/v1/recordings/"+id, nil), &r)
	if r.Title != "alice's" || r.Version != 1 || r.Deleted || !r.Available {
		t.Fatalf("alice's recording changed: %+v", r)
	}
	if !bytes.Equal(alice.content(id), data) {
		t.Fatalf("alice's audio changed")
	}
	if st := alice.status(pending); st.Received != 0 {
		t.Fatalf("alice's pending upload touched: %+v", st)
	}
	if len(alice.listAll()) != 2 {
		t.Fatalf("alice's listing changed")
	}
}

// TestHostileIDs: ids that are not canonical UUIDv7 are refused on every
// route, and nothing is written outside the data directory.
func TestHostileIDs(t *testing.T) {
	dir := t.TempDir()
	p := startServer(t, nil, "--data-dir", filepath.Join(dir, "data"))
	c := signup(t, p.URL)
	good := api.NewID()
	for _, id := range []string{
		"..%2F..%2F..%2Fetc%2Fpasswd", "..%2f" + good, "%2e%2e", good + "%00", strings.ToUpper(good),
		"{" + good + "}", good + "x", strings.Repeat("a", 5000), "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
		"0192f0c1-7a3b-7c2d-8e3f-12345678%EF%BC%99abc", "%C3%A9" + good[2:], good[:35], "..", "%20" + good,
	} {
		for _, route := range []struct{ method, suffix string }{
			{"PUT", ""}, {"GET", ""}, {"DELETE", ""}, {"PUT", "/content"}, {"GET", "/content"}, {"GET", "/upload"},
			{"POST", "/upload/complete"},
		} {
			resp, b := c.do(route.method, "/v1/recordings/"+id+route.suffix, metaFor([]byte("x"), "x"))
			if resp.StatusCode != 400 && resp.StatusCode != 404 && resp.StatusCode != 301 && resp.StatusCode != 307 {
				t.Errorf("%s %s: HTTP %d %s", route.method, id+route.suffix, resp.StatusCode, b)
			}
		}
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("files appeared beside the data directory: %v", ents)
	}
	if len(c.listAll()) != 0 {
		t.Fatalf("a hostile id created a recording")
	}
}

// TestTokens: expired, revoked and rotated-out tokens are refused, and a
// reused refresh token ends its whole session.
func TestTokens(t *testing.T) {
	p := startServer(t, nil, "--data-dir", t.TempDir())
	c := signup(t, p.URL)
	c.expect(200, "GET", "/v1/recordings", nil)
	for _, h := range []string{"", "Bearer", "Bearer ", "Basic " + c.token, "Bearer esa_" + strings.Repeat("A", 43), "bearer " + c.token, "Bearer " + c.refresh} {
		resp, b := c.do("GET", "/v1/recordings", nil, "Authorization", h)
		if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("Authorization %q: HTTP %d %s", h, resp.StatusCode, b)
		}
	}
	// Refresh rotates: the old pair stops working, the new one works.
	a1, r1 := c.token, c.refresh
	var s2 api.Session
	c.decode(c.expect(200, "POST", "/v1/sessions/refresh", api.RefreshRequest{RefreshToken: r1}), &s2)
	if s2.AccessToken == a1 || s2.RefreshToken == r1 {
		t.Fatalf("refresh did not rotate")
	}
	c.token = a1
	c.expect(401, "GET", "/v1/recordings", nil)
	c.token = s2.AccessToken
	c.expect(200, "GET", "/v1/recordings", nil)
	// r1 again at once (its answer was lost): the same pair, not a new one.
	var again api.Session
	c.decode(c.expect(200, "POST", "/v1/sessions/refresh", api.RefreshRequest{RefreshToken: r1}), &again)
	if again.AccessToken != s2.AccessToken || again.RefreshToken != s2.RefreshToken {
		t.Fatalf("r1 within the grace period got a different pair")
	}
	// Once s2's refresh token is used, r1 is an older token: reusing it
	// is refused and revokes the session, s3's tokens with it.
	var s3 api.Session
	c.decode(c.expect(200, "POST", "/v1/sessions/refresh", api.RefreshRequest{RefreshToken: s2.RefreshToken}), &s3)
	c.expect(401, "POST", "/v1/sessions/refresh", api.RefreshRequest{RefreshToken: r1})
	c.token = s3.AccessToken
	c.expect(401, "GET", "/v1/recordings", nil)
	c.expect(401, "POST", "/v1/sessions/refresh", api.RefreshRequest{RefreshToken: s3.RefreshToken})
	c.expect(401, "POST", "/v1/sessions/refresh", api.RefreshRequest{RefreshToken: "esr_nonsense"})
	c.expect(401, "POST", "/v1/sessions/refresh", api.RefreshRequest{RefreshToken: s2.AccessToken})
	// Signing out revokes the access and the refresh token; other sessions live on.
	c.login(password)
	other := *c
	other.login(password)
	refresh := c.refresh
	c.expect(204, "DELETE", "/v1/sessions/current", nil)
	c.expect(401, "GET", "/v1/recordings", nil)
	c.expect(401, "POST", "/v1/sessions/refresh", api.RefreshRequest{RefreshToken: refresh})
	other.expect(200, "GET", "/v1/recordings", nil)

	// Expiry: a server with two-second access tokens.
	q := startServer(t, nil, "--data-dir", t.TempDir(), "--access-ttl", "2s")
	e := &client{t: t, base: q.URL, email: "exp@example.com"}
	e.expect(201, "POST", "/v1/accounts", api.Credentials{Email: e.email, Password: password})
	var s api.Session
	e.decode(e.expect(200, "POST", "/v1/sessions", api.Credentials{Email: e.email, Password: password}), &s)
	e.token = s.AccessToken
	// On a loaded machine the sign-in's answer can arrive late: the token
	// is tried while live only when it surely still is.
	if time.Until(s.ExpiresAt) > time.Second {
		e.expect(200, "GET", "/v1/recordings", nil)
	}
	time.Sleep(time.Until(s.ExpiresAt) + 50*time.Millisecond) // waiting for the clock is the point
	e.expect(401, "GET", "/v1/recordings", nil)
	var s4 api.Session
	e.decode(e.expect(200, "POST", "/v1/sessions/refresh", api.RefreshRequest{RefreshToken: s.RefreshToken}), &s4)
	e.token = s4.AccessToken
	e.expect(200, "GET", "/v1/recordings", nil)
}

// TestLoginRateLimit: sign-in attempts from an address an account has not
// signed in from are limited per account and per address: over the limit
// even the right password gets 429 until the window passes.
func TestLoginRateLimit(t *testing.T) {
	p := startServer(t, nil, "--data-dir", t.TempDir(), "--login-limit", "3", "--addr-limit", "6", "--login-window", "24h")
	anon := &client{t: t, base: p.URL}
	victim := api.Credentials{Email: "victim-" + api.NewID()[30:] + "@example.com", Password: password}
	other := api.Credentials{Email: "other-" + api.NewID()[30:] + "@example.com", Password: password}
	anon.expect(201, "POST", "/v1/accounts", victim)
	anon.expect(201, "POST", "/v1/accounts", other)
	wrong := api.Credentials{Email: victim.Email, Password: "not the password"}
	for i := 0; i < 3; i++ {
		if b := anon.expect(401, "POST", "/v1/sessions", wrong); anon.errCode(b) != api.CodeUnauthorized {
			t.Fatalf("wrong password #%d: %s", i, b)
		}
	}
	resp, b := anon.do("POST", "/v1/sessions", victim)
	if resp.StatusCode != 429 || anon.errCode(b) != api.CodeRateLimited || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("right password after 3 failures: HTTP %d %s", resp.StatusCode, b)
	}
	// Unknown accounts count against the address: 3 + 3 reach its 6.
	for i := 0; i < 3; i++ {
		anon.expect(401, "POST", "/v1/sessions", api.Credentials{Email: fmt.Sprintf("nobody%d@example.com", i), Password: "guess guess"})
	}
	anon.expect(429, "POST", "/v1/sessions", other)
}
