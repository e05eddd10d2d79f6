package library

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	ctx := context.Background()
	l := openTest(t, t.TempDir())
	// Ids chosen so that starts and ends are shared as in a real library:
	// the same day (start), and once the same short id (end).
	ids := []string{
		"019ad5c0-1111-7000-8000-00000000aaaa",
		"019ad5c0-2222-7000-8000-0000cafe1234",
		"019ad5c0-3333-7000-8000-0000beef1234",
		"01a00000-4444-7000-8000-00000000bbbb",
	}
	for i, id := range ids {
		r := mustCommit(t, l, "take "+string(rune('A'+i)))
		if _, err := l.db.Exec(`UPDATE recordings SET id = ? WHERE id = ?`, id, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		typed, want string
		ambiguous   int // candidates listed, 0: none
	}{
		{ids[0], ids[0], 0},
		{"0000aaaa", ids[0], 0},        // the short id
		{"AAAA", ids[0], 0},            // any case, 4 characters
		{"cafe1234", ids[1], 0},        // short id beside a shared tail
		{"01a0", ids[3], 0},            // a unique start still works
		{" 019ad5c0-3333 ", ids[2], 0}, // spaces trimmed
		{"1234", "", 2},                // two tails
		{"019ad5c0", "", 3},            // one day
		{"abc", "", 0},                 // too short
		{"zzzz", "", 0},                // not hex
		{"00000000dddd", "", 0},        // nobody
	} {
		got, err := l.Resolve(ctx, tc.typed)
		var amb *AmbiguousError
		switch {
		case tc.want != "":
			if err != nil || got != tc.want {
				t.Errorf("Resolve(%q) = %q, %v; want %s", tc.typed, got, err, tc.want)
			}
		case tc.ambiguous > 0:
			if !errors.As(err, &amb) || !errors.Is(err, ErrAmbiguous) || len(amb.Candidates) != tc.ambiguous ||
				!strings.Contains(err.Error(), `"take`) {
				t.Errorf("Resolve(%q) = %q, %v; want %d candidates", tc.typed, got, err, tc.ambiguous)
			}
		default:
			if !errors.Is(err, ErrNotFound) {
				t.Errorf("Resolve(%q) = %q, %v; want not found", tc.typed, got, err)
			}
		}
	}
	if got := ShortID(ids[1]); got != "cafe1234" {
		t.Errorf("ShortID = %q", got)
	}
}
