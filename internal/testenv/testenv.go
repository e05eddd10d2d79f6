// Package testenv lets tests find the real services that scripts/testenv.sh
// starts, and decides what happens when one is missing: a skip when a
// developer runs `go test` by hand, a failure under the test script
// (EARSHOT_TEST_REQUIRE_SERVICES=1), so CI never counts a skip as a pass.
package testenv

import (
	"os"
	"testing"
)

// Need returns the value of the environment variable that locates a
// service, or stops the test when it is unset.
func Need(t testing.TB, envVar, what string) string {
	t.Helper()
	v := os.Getenv(envVar)
	if v != "" {
		return v
	}
	Missing(t, what+" ("+envVar+" unset; run make test, or source scripts/testenv.sh)")
	return ""
}

// Missing stops the test because something it needs is not here.
func Missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("EARSHOT_TEST_REQUIRE_SERVICES") == "1" {
		t.Fatalf("required test service missing: %s", what)
	}
	t.Skipf("needs %s", what)
}

// Pulse returns PULSE_SERVER for tests that capture from the virtual microphone.
func Pulse(t testing.TB) string { return Need(t, "PULSE_SERVER", "the PulseAudio virtual microphone") }

// Bin returns the path of a binary built by the test script (EARSHOT_BIN,
// EARSHOT_SERVER_BIN).
func Bin(t testing.TB, envVar string) string { return Need(t, envVar, "a built binary") }
