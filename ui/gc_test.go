package ui

import (
	"runtime/debug"
	"testing"
)

// The tighter GC target is set when the window settles, not before (start-up
// allocates most and ran slower under it), and GOGC, when set, wins.
func TestGCTargetSetWhenSettled(t *testing.T) {
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	t.Setenv("GOGC", "")
	settle()
	if got := debug.SetGCPercent(100); got != 25 {
		t.Fatalf("after settle the GC target is %d %%, want 25 %%", got)
	}
	t.Setenv("GOGC", "80")
	settle()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("with GOGC set, settle changed the GC target to %d %%", got)
	}
}
