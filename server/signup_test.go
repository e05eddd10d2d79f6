package server_test

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
)

// owner runs one of the owner's commands with the server's flags and
// returns what it printed on stdout.
func owner(t *testing.T, env, args []string, command ...string) string {
	t.Helper()
	cmd := exec.Command(serverBin, append(command, args...)...)
	cmd.Env = testenv.Environ(env...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("earshot-server %v: %v\n%s", command, err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// TestSignupInvite: with --signup invite the first account needs no code,
// later ones need an invite from the owner, good for its uses and until it
// expires; a closed server takes no one. Both backends.
func TestSignupInvite(t *testing.T) {
	t.Run("sqlite+disk", func(t *testing.T) {
		dir := t.TempDir()
		signupInvite(t, nil, []string{"--data-dir", dir})
	})
	t.Run("dynamodb+s3", func(t *testing.T) {
		env, args := cloudEnv(t)
		signupInvite(t, env, append(args, "--data-dir", t.TempDir()))
	})
}

func signupInvite(t *testing.T, env, args []string) {
	p := startServer(t, env, append(args, "--signup", "invite")...)
	c := &client{t: t, base: p.URL}
	acct := func(n int, invite string) api.Credentials {
		return api.Credentials{Email: fmt.Sprintf("u%d-%s@example.com", n, api.NewID()[30:]), Password: password, Invite: invite}
	}
	c.expect(201, "POST", "/v1/accounts", acct(0, "")) // the owner's
	if b := c.expect(403, "POST", "/v1/accounts", acct(1, "")); !strings.Contains(string(b), "invite") {
		t.Fatalf("second account without an invite: %s", b)
	}
	code := owner(t, env, args, "invite", "create", "--uses", "2")
	c.expect(201, "POST", "/v1/accounts", acct(2, code))
	c.expect(201, "POST", "/v1/accounts", acct(3, code))
	c.expect(403, "POST", "/v1/accounts", acct(4, code))
	c.expect(403, "POST", "/v1/accounts", acct(5, code[:len(code)-2]+"AA"))
	expired := owner(t, env, args, "invite", "create", "--expires", "1ns")
	c.expect(403, "POST", "/v1/accounts", acct(6, expired))
	list := owner(t, env, args, "users", "list")
	if strings.Count(list, "@example.com") != 3 || !strings.Contains(list, "USED BYTES") {
		t.Fatalf("users list:\n%s", list)
	}
}

// TestSignupClosedAndLimits: a closed server takes no account, and sign-ups
// are limited per address and in all each hour.
func TestSignupClosedAndLimits(t *testing.T) {
	closed := startServer(t, nil, "--data-dir", t.TempDir(), "--signup", "closed")
	(&client{t: t, base: closed.URL}).expect(403, "POST", "/v1/accounts", api.Credentials{Email: "first@example.com", Password: password})

	p := startServer(t, nil, "--data-dir", t.TempDir(), "--signup-limit", "3", "--signup-total", "5")
	signupFrom := func(local string, i int) int {
		return postFrom(t, local, p.URL+"/v1/accounts", api.Credentials{Email: fmt.Sprintf("flood%d@example.com", i), Password: password})
	}
	for i := 0; i < 3; i++ {
		if code := signupFrom("127.0.0.2", i); code != 201 {
			t.Fatalf("sign-up %d: HTTP %d", i, code)
		}
	}
	if code := signupFrom("127.0.0.2", 3); code != 429 {
		t.Fatalf("4th sign-up from one address in an hour: HTTP %d, want 429", code)
	}
	for i := 4; i < 6; i++ {
		if code := signupFrom("127.0.0.3", i); code != 201 {
			t.Fatalf("sign-up from another address: HTTP %d", code)
		}
	}
	if code := signupFrom("127.0.0.4", 6); code != 429 {
		t.Fatalf("6th sign-up in all in an hour: HTTP %d, want 429", code)
	}
}

// TestPasswordRules: guessable passwords and odd emails are refused with
// a reason; the password changes with the current one or an owner's reset
// code, and the old one stops working.
func TestPasswordRules(t *testing.T) {
	dir := t.TempDir()
	p := startServer(t, nil, "--data-dir", dir)
	c := &client{t: t, base: p.URL}
	for _, pw := range []string{"aaaaaaaaaa", "password123", "qwertyuiop", "weak-user@example.com"} {
		b := c.expect(400, "POST", "/v1/accounts", api.Credentials{Email: "weak-user@example.com", Password: pw})
		if c.errCode(b) != api.CodeWeakPassword || !strings.Contains(string(b), "because") && !strings.Contains(string(b), "(") {
			t.Fatalf("password %q: %s", pw, b)
		}
	}
	for _, email := range []string{"ali\u200bce@example.com", "bob@localhost", "a b@example.com", "carol@exa_mple.com", "dave@-x.com"} {
		c.expect(400, "POST", "/v1/accounts", api.Credentials{Email: email, Password: password})
	}
	u := signup(t, p.URL)
	const next = "violet otter lantern 42"
	c.expect(401, "POST", "/v1/account/password", api.PasswordChange{Email: u.email, CurrentPassword: "not it at all", NewPassword: next})
	c.expect(400, "POST", "/v1/account/password", api.PasswordChange{Email: u.email, CurrentPassword: password, NewPassword: "password123"})
	c.expect(204, "POST", "/v1/account/password", api.PasswordChange{Email: u.email, CurrentPassword: password, NewPassword: next})
	c.expect(401, "POST", "/v1/sessions", api.Credentials{Email: u.email, Password: password})
	u.login(next)
	code := owner(t, nil, []string{"--data-dir", dir}, "users", "reset-password", u.email)
	const third = "quiet harbour maple 7"
	other := signup(t, p.URL)
	c.expect(403, "POST", "/v1/account/password", api.PasswordChange{Email: other.email, ResetCode: code, NewPassword: third})
	c.expect(204, "POST", "/v1/account/password", api.PasswordChange{Email: u.email, ResetCode: code, NewPassword: third})
	c.expect(403, "POST", "/v1/account/password", api.PasswordChange{Email: u.email, ResetCode: code, NewPassword: "another fine phrase 9"})
	u.login(third)
}

// TestOwnerLimits: the owner sets a user's quota and disables and enables
// an account; a disabled account can neither sign in nor refresh.
func TestOwnerLimits(t *testing.T) {
	dir := t.TempDir()
	p := startServer(t, nil, "--data-dir", dir)
	args := []string{"--data-dir", dir}
	u := signup(t, p.URL)
	owner(t, nil, args, "users", "set-quota", u.email, "1000")
	if q := u.usage().QuotaBytes; q != 1000 {
		t.Fatalf("quota after set-quota: %d", q)
	}
	u.create(randomData(600), "fits")
	if b := u.expect(413, "PUT", "/v1/recordings/"+api.NewID(), metaFor(randomData(600), "too big")); u.errCode(b) != api.CodeQuota {
		t.Fatalf("over the owner's quota: %s", b)
	}
	owner(t, nil, args, "users", "disable", u.email)
	if list := owner(t, nil, args, "users", "list"); !strings.Contains(list, "disabled") {
		t.Fatalf("users list does not show the disabled account:\n%s", list)
	}
	if b := u.expect(403, "POST", "/v1/sessions", api.Credentials{Email: u.email, Password: password}); !strings.Contains(string(b), "disabled") {
		t.Fatalf("sign-in of a disabled account: %s", b)
	}
	u.expect(403, "POST", "/v1/sessions/refresh", api.RefreshRequest{RefreshToken: u.refresh})
	owner(t, nil, args, "users", "enable", u.email)
	u.login(password)
}
