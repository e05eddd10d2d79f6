package cli_test

import (
	"strings"
	"testing"
)

// TestShortIDs: list shows each recording's short id (the random end of its
// UUIDv7), every command takes it, a start two recordings share lists both
// as candidates, and shell completion offers the short ids with titles.
func TestShortIDs(t *testing.T) {
	dir := t.TempDir()
	a := strings.TrimSpace(mustEarshot(t, dir, "import", "../library/testdata/tone.flac").stdout)
	b := strings.TrimSpace(mustEarshot(t, dir, "import", "../library/testdata/tone.opus").stdout)
	short := a[len(a)-8:]
	out := mustEarshot(t, dir, "list").stdout
	if !strings.Contains(out, short+" ") || strings.Contains(out, a) {
		t.Fatalf("list does not show the short id %s:\n%s", short, out)
	}
	ls, _ := listJSON(t, dir)
	if find(t, ls, a).ID != a {
		t.Fatal("list --json lost the full id")
	}
	mustEarshot(t, dir, "rename", short, "first")
	mustEarshot(t, dir, "rename", strings.ToUpper(short), "First")
	if r := earshot(t, dir, nil, "rename", short[:5], "First"); r.code != 0 && !strings.Contains(r.stderr, "matches 2") {
		t.Fatalf("rename by the start of a short id: exit %d, %q", r.code, r.stderr)
	}
	if ls, _ := listJSON(t, dir); find(t, ls, a).Title != "First" {
		t.Fatalf("rename by short id: %+v", ls)
	}
	// Made moments apart, the two ids start alike (the time): their common
	// start names both.
	common := 0
	for common < len(a) && a[common] == b[common] {
		common++
	}
	if common < 4 {
		t.Fatalf("ids made moments apart share only %d characters: %s %s", common, a, b)
	}
	r := earshot(t, dir, nil, "play", a[:common])
	if r.code != 1 || !strings.Contains(r.stderr, "matches 2 recordings") || !strings.Contains(r.stderr, a) ||
		!strings.Contains(r.stderr, b) || !strings.Contains(r.stderr, `"First"`) {
		t.Fatalf("ambiguous start: exit %d, %q", r.code, r.stderr)
	}
	oneLine(t, "ambiguous", r.stderr)
	r = mustEarshot(t, dir, "__complete", "rename", "")
	if !strings.Contains(r.stdout, short+"\tFirst\n") || !strings.Contains(r.stdout, b[len(b)-8:]+"\ttone\n") {
		t.Fatalf("completion of ids: %q", r.stdout)
	}
	r = mustEarshot(t, dir, "__complete", "ren")
	if !strings.Contains(r.stdout, "rename\t") {
		t.Fatalf("completion of commands: %q", r.stdout)
	}
}
