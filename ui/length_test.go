package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/library"
)

// TestLengthsFollowTheSharedRule (fault 22): the row and the details show a
// length as the CLI does — 9.6 s reads 0:10 (the window said 0:09), a 0.5 s
// clip 0:00.5 (the window said 0:00).
func TestLengthsFollowTheSharedRule(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{
		{500 * time.Millisecond, "0:00.5"},
		{9600 * time.Millisecond, "0:10"},
	} {
		r := library.Recording{Duration: c.d, CreatedAt: time.Now()}
		if got := subtitle(r, time.Now()); !strings.Contains(got, " · "+c.want+" · ") {
			t.Errorf("row for %v reads %q, want the length %s", c.d, got, c.want)
		}
	}
}
