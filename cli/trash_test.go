package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTrash: trash --json says when each was deleted and the days left (30
// right after rm); rm of a trashed recording and restore of one that is not
// trashed say so and change nothing; trash empty deletes the trash for good.
func TestTrash(t *testing.T) {
	dir := t.TempDir()
	a := strings.TrimSpace(mustEarshot(t, dir, "import", "../library/testdata/tone.flac").stdout)
	b := strings.TrimSpace(mustEarshot(t, dir, "import", "../library/testdata/tone.opus").stdout)
	if r := earshot(t, dir, nil, "restore", a); r.code != 1 || !strings.Contains(r.stderr, "not in the trash") {
		t.Fatalf("restore of a recording not in the trash: exit %d, %q", r.code, r.stderr)
	}
	before := time.Now()
	mustEarshot(t, dir, "rm", a)
	if r := earshot(t, dir, nil, "rm", b, a); r.code != 1 || !strings.Contains(r.stderr, "already in the trash") {
		t.Fatalf("rm of a trashed recording: exit %d, %q", r.code, r.stderr)
	}
	if ls, _ := listJSON(t, dir); len(ls) != 1 || ls[0].ID != b {
		t.Fatalf("a refused rm changed the library: %+v", ls)
	}
	var tr []struct {
		ID        string `json:"id"`
		TrashedAt string `json:"trashed_at"`
		DaysLeft  *int   `json:"days_left"`
	}
	out := mustEarshot(t, dir, "trash", "--json").stdout
	if err := json.Unmarshal([]byte(out), &tr); err != nil || len(tr) != 1 || tr[0].ID != a || tr[0].DaysLeft == nil || *tr[0].DaysLeft != 30 {
		t.Fatalf("trash --json: %s (%v)", out, err)
	}
	if at, err := time.Parse(time.RFC3339, tr[0].TrashedAt); err != nil || at.Before(before.Add(-time.Second)) || at.After(time.Now()) {
		t.Fatalf("trashed_at %q (%v)", tr[0].TrashedAt, err)
	}
	if out := mustEarshot(t, dir, "trash").stdout; !strings.Contains(out, "30 days") {
		t.Fatalf("trash table: %s", out)
	}
	r := mustEarshot(t, dir, "trash", "empty")
	if !strings.Contains(r.stderr, "1 recording deleted for good") {
		t.Fatalf("trash empty: %q", r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "recordings", a+".flac")); !os.IsNotExist(err) {
		t.Fatalf("the emptied recording's audio is still there: %v", err)
	}
	if out := mustEarshot(t, dir, "trash", "--json").stdout; strings.TrimSpace(out) != "[]" {
		t.Fatalf("trash after emptying: %s", out)
	}
	if r := mustEarshot(t, dir, "trash", "empty"); !strings.Contains(r.stderr, "already empty") {
		t.Fatalf("trash empty twice: %q", r.stderr)
	}
	if r := earshot(t, dir, nil, "trash", "bogus"); r.code != 2 {
		t.Fatalf("trash bogus: exit %d", r.code)
	}
}
