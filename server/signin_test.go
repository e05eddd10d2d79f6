package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
)

// signInFrom tries a sign-in from a loopback address (through base, which
// may be a proxy; hdr adds header pairs) and returns the status.
func signInFrom(t *testing.T, local, base, email, pw string, hdr ...string) int {
	t.Helper()
	body, _ := json.Marshal(api.Credentials{Email: email, Password: pw})
	req, _ := http.NewRequest("POST", base+"/v1/sessions", strings.NewReader(string(body)))
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := clientFrom(local).Do(req)
	if err != nil {
		t.Errorf("sign-in from %s: %v", local, err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestLoginBurst: 150 wrong passwords sent at once get no more password
// checks than the limit: the attempt is counted (a conditional write)
// before the password is checked. On DynamoDB the burst is split over two
// instances sharing the table.
func TestLoginBurst(t *testing.T) {
	const limit = 10
	args := []string{"--login-limit", fmt.Sprint(limit), "--pair-limit", "1000", "--addr-limit", "1000", "--login-window", "24h", "--max-conns-per-addr", "0"}
	t.Run("sqlite+disk", func(t *testing.T) {
		p := startServer(t, nil, append(args, "--data-dir", t.TempDir())...)
		loginBurst(t, limit, p, p)
	})
	t.Run("dynamodb+s3", func(t *testing.T) {
		env, cloud := cloudEnv(t)
		a := startServer(t, env, append(append(cloud, args...), "--data-dir", t.TempDir())...)
		b := startServer(t, env, append(append(cloud, args...), "--data-dir", t.TempDir())...)
		loginBurst(t, limit, a, b)
	})
}

func loginBurst(t *testing.T, limit int, a, b *testenv.Server) {
	victim := "burst-" + api.NewID()[30:] + "@example.com"
	(&client{t: t, base: a.URL}).expect(201, "POST", "/v1/accounts", api.Credentials{Email: victim, Password: password})
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	for i := 0; i < 150; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			base := a.URL
			if i%2 == 1 {
				base = b.URL
			}
			code := signInFrom(t, "127.0.0.2", base, victim, fmt.Sprintf("wrong guess %d", i))
			mu.Lock()
			counts[code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if counts[401] < 1 || counts[401] > limit || counts[401]+counts[429] != 150 {
		t.Fatalf("150 parallel wrong passwords at a limit of %d: %v (401 = checked, 429 = refused)", limit, counts)
	}
}

// TestNoLockout: guesses from elsewhere cannot lock the owner out of an
// address that has signed in before, while a new address is held to the
// account's limit; the owner's own mistakes meet growing delays.
func TestNoLockout(t *testing.T) {
	p := startServer(t, nil, "--data-dir", t.TempDir(), "--login-limit", "5", "--pair-limit", "3", "--login-window", "24h")
	owner := signup(t, p.URL) // signs in from 127.0.0.1
	// Thirty guesses from ten addresses, three each (the pair limit).
	for i := 0; i < 30; i++ {
		if code := signInFrom(t, fmt.Sprintf("127.0.0.%d", 10+i%10), p.URL, owner.email, "attacker guess"); code != 401 && code != 429 {
			t.Fatalf("attacker guess #%d: HTTP %d", i, code)
		}
	}
	if code := signInFrom(t, "127.0.0.3", p.URL, owner.email, password); code != 429 {
		t.Fatalf("a new address during the attack: HTTP %d, want 429 (the account's limit)", code)
	}
	if code := signInFrom(t, "127.0.0.1", p.URL, owner.email, password); code != 200 {
		t.Fatalf("the owner's known address during the attack: HTTP %d, want 200", code)
	}
	// The owner mistypes: after the pair's 3 attempts in a minute a delay
	// starts (6 at most if a minute ends in between).
	for i := 0; ; i++ {
		resp, b := owner.do("POST", "/v1/sessions", api.Credentials{Email: owner.email, Password: "typo typo"})
		if resp.StatusCode == 429 {
			if resp.Header.Get("Retry-After") == "" || owner.errCode(b) != api.CodeRateLimited {
				t.Fatalf("delay after typos: %s without Retry-After", b)
			}
			break
		}
		if resp.StatusCode != 401 || i == 6 {
			t.Fatalf("owner's typo #%d: HTTP %d, want 401 and then 429 after at most 6", i, resp.StatusCode)
		}
	}
}

// TestForwardedFor: behind a proxy that appends the address it saw, the
// server counts attempts against that address, not against whatever the
// client wrote into X-Forwarded-For itself.
func TestForwardedFor(t *testing.T) {
	p := startServer(t, nil, "--data-dir", t.TempDir(), "--trusted-proxies", "127.0.0.1/32", "--addr-limit", "5", "--login-window", "24h")
	target, _ := url.Parse(p.URL)
	proxy := httptest.NewServer(httputil.NewSingleHostReverseProxy(target)) // dials the server from 127.0.0.1
	defer proxy.Close()
	counts := map[int]int{}
	for i := 0; i < 20; i++ {
		spoof := fmt.Sprintf("10.0.%d.%d", i/250, i%250+1)
		counts[signInFrom(t, "127.0.0.2", proxy.URL, fmt.Sprintf("nobody%d@example.com", i), "guess guess", "X-Forwarded-For", spoof)]++
	}
	if counts[401] != 5 || counts[429] != 15 {
		t.Fatalf("20 guesses through the proxy with invented X-Forwarded-For: %v, want 5 checked and 15 refused", counts)
	}
	// Another client behind the same proxy is not held to the attacker's limit.
	u := signup(t, p.URL)
	if code := signInFrom(t, "127.0.0.3", proxy.URL, u.email, password); code != 200 {
		t.Fatalf("an honest client behind the proxy: HTTP %d", code)
	}
}

// swallowProxy forwards to target, but the first answer to a refresh is
// lost: the proxy lets the server answer, then cuts the client off.
func swallowProxy(t *testing.T, target string) *httptest.Server {
	u, _ := url.Parse(target)
	rp := httputil.NewSingleHostReverseProxy(u)
	var once sync.Once
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		swallow := false
		if r.URL.Path == "/v1/sessions/refresh" {
			once.Do(func() { swallow = true })
		}
		if !swallow {
			rp.ServeHTTP(w, r)
			return
		}
		rp.ServeHTTP(httptest.NewRecorder(), r) // the server answers; nobody hears it
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
}

// TestLostRefreshAnswer: a refresh whose answer never arrives does not
// log the device out: the same refresh token again gets a working pair,
// and rotation goes on from there.
func TestLostRefreshAnswer(t *testing.T) {
	t.Run("sqlite+disk", func(t *testing.T) {
		lostRefreshAnswer(t, startServer(t, nil, "--data-dir", t.TempDir()))
	})
	t.Run("dynamodb+s3", func(t *testing.T) {
		env, args := cloudEnv(t)
		lostRefreshAnswer(t, startServer(t, env, append(args, "--data-dir", t.TempDir())...))
	})
}

func lostRefreshAnswer(t *testing.T, p *testenv.Server) {
	c := signup(t, p.URL)
	proxy := swallowProxy(t, p.URL)
	defer proxy.Close()
	via := *c
	via.base = proxy.URL
	req, _ := json.Marshal(api.RefreshRequest{RefreshToken: c.refresh})
	if resp, err := http.Post(proxy.URL+"/v1/sessions/refresh", "application/json", strings.NewReader(string(req))); err == nil {
		resp.Body.Close()
		t.Fatalf("the proxy let the first refresh answer through: HTTP %d", resp.StatusCode)
	}
	var s api.Session
	via.decode(via.expect(200, "POST", "/v1/sessions/refresh", api.RefreshRequest{RefreshToken: c.refresh}), &s)
	via.token = s.AccessToken
	via.expect(200, "GET", "/v1/recordings", nil)
	var s2 api.Session
	via.decode(via.expect(200, "POST", "/v1/sessions/refresh", api.RefreshRequest{RefreshToken: s.RefreshToken}), &s2)
	via.token = s2.AccessToken
	via.expect(200, "GET", "/v1/recordings", nil)
}

// postFrom posts v as JSON from a loopback address and returns the status.
func postFrom(t *testing.T, local, url string, v any) int {
	t.Helper()
	body, _ := json.Marshal(v)
	resp, err := clientFrom(local).Post(url, "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatalf("POST %s from %s: %v", url, local, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
