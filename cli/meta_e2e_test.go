package cli_test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

type listedMeta struct {
	ID       string   `json:"id"`
	Tags     []string `json:"tags"`
	Favorite bool     `json:"favorite"`
	Version  int64    `json:"version"`
}

func listMeta(t *testing.T, dir string, extra ...string) []listedMeta {
	t.Helper()
	r := mustEarshot(t, dir, append([]string{"list", "--json"}, extra...)...)
	var out []listedMeta
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("list --json %v printed %q: %v", extra, r.stdout, err)
	}
	return out
}

func metaIDs(ls []listedMeta) []string {
	var ids []string
	for _, l := range ls {
		ids = append(ids, l.ID)
	}
	slices.Sort(ids)
	return ids
}

// TestTagCommands: tag, tags, list --tag, fav; a bad tag changes nothing.
func TestTagCommands(t *testing.T) {
	dir := t.TempDir()
	a := strings.TrimSpace(mustEarshot(t, dir, "import", "../library/testdata/tone.flac").stdout)
	b := strings.TrimSpace(mustEarshot(t, dir, "import", "../library/testdata/tone.opus").stdout)

	mustEarshot(t, dir, "tag", a, "+Work", "draft", "+big meeting")
	mustEarshot(t, dir, "tag", b, "+work")
	r := mustEarshot(t, dir, "tag", a, "-draft")
	if !strings.Contains(r.stderr, `tags of "tone": big meeting, work`) {
		t.Fatalf("tag -draft said %q", r.stderr)
	}
	if got := mustEarshot(t, dir, "tag", a).stdout; got != "big meeting\nwork\n" {
		t.Fatalf("tag ID printed %q", got)
	}
	if got := metaIDs(listMeta(t, dir, "--tag", "WORK")); !slices.Equal(got, metaIDs([]listedMeta{{ID: a}, {ID: b}})) {
		t.Fatalf("list --tag WORK: %v", got)
	}
	if got := listMeta(t, dir, "--tag", "work", "--tag", "#big meeting"); len(got) != 1 || got[0].ID != a {
		t.Fatalf("list with two tags: %+v", got)
	}
	if r := mustEarshot(t, dir, "list", "--tag", "nothing"); r.stdout != "" || !strings.Contains(r.stderr, "no recordings match") {
		t.Fatalf("list --tag nothing: %q %q", r.stdout, r.stderr)
	}
	if got := mustEarshot(t, dir, "list").stdout; !strings.Contains(got, "tone  #big meeting  #work") {
		t.Fatalf("list table does not show tags: %s", got)
	}
	var counts []struct {
		Tag   string `json:"tag"`
		Count int    `json:"count"`
	}
	json.Unmarshal([]byte(mustEarshot(t, dir, "tags", "--json").stdout), &counts)
	if len(counts) != 2 || counts[0].Tag != "big meeting" || counts[0].Count != 1 || counts[1].Tag != "work" || counts[1].Count != 2 {
		t.Fatalf("tags --json: %+v", counts)
	}

	before := listMeta(t, dir)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"tag", a, "+wo\x07rk"}, 1, "has a control character"},
		{[]string{"tag", a, "+ok", "+a,b"}, 1, "has a comma"},
		{[]string{"tag", a, "--bogus"}, 2, "unknown flag: --bogus"},
		{[]string{"tags", "rename", "work", "bad\ttag"}, 1, "has a control character"},
	} {
		r := earshot(t, dir, nil, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("earshot %q: exit %d, %q; want exit %d and %q", tc.args, r.code, r.stderr, tc.code, tc.want)
		}
		oneLine(t, strings.Join(tc.args, " "), r.stderr)
	}
	if after := listMeta(t, dir); !slices.EqualFunc(before, after, func(x, y listedMeta) bool {
		return x.ID == y.ID && slices.Equal(x.Tags, y.Tags) && x.Version == y.Version
	}) {
		t.Fatalf("refused edits changed the library: %+v → %+v", before, after)
	}

	mustEarshot(t, dir, "tags", "rename", "work", "job")
	if got := listMeta(t, dir, "--tag", "job"); len(got) != 2 {
		t.Fatalf("after tags rename: %+v", got)
	}
	mustEarshot(t, dir, "fav", b)
	if got := listMeta(t, dir, "--fav"); len(got) != 1 || got[0].ID != b || !got[0].Favorite {
		t.Fatalf("list --fav: %+v", got)
	}
	mustEarshot(t, dir, "unfav", b)
	if got := listMeta(t, dir, "--fav"); len(got) != 0 {
		t.Fatalf("list --fav after unfav: %+v", got)
	}
}

type listedMark struct {
	N    int    `json:"n"`
	ID   string `json:"id"`
	AtMS int64  `json:"at_ms"`
	At   string `json:"at"`
	Name string `json:"name"`
}

func marksJSON(t *testing.T, dir, id string) []listedMark {
	t.Helper()
	var out []listedMark
	r := mustEarshot(t, dir, "marks", id, "--json")
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("marks --json printed %q: %v", r.stdout, err)
	}
	return out
}

// TestMarkCommands: mark, marks, mark rename, mark rm; bad input is one line
// and changes nothing.
func TestMarkCommands(t *testing.T) {
	dir := t.TempDir()
	id := strings.TrimSpace(mustEarshot(t, dir, "import", "../library/testdata/tone.flac").stdout)
	if r := mustEarshot(t, dir, "mark", id, "1.2", "The", "end"); strings.TrimSpace(r.stdout) != "1" {
		t.Fatalf("mark printed %q", r.stdout)
	}
	if r := mustEarshot(t, dir, "mark", id, "0:00.5"); strings.TrimSpace(r.stdout) != "1" {
		t.Fatalf("an earlier mark printed %q, want number 1", r.stdout)
	}
	ms := marksJSON(t, dir, id)
	if len(ms) != 2 || ms[0].AtMS != 500 || ms[0].At != "0:00.5" || ms[1].Name != "The end" || ms[1].N != 2 {
		t.Fatalf("marks --json: %+v", ms)
	}
	if got := mustEarshot(t, dir, "marks", id).stdout; !strings.Contains(got, "2  0:01.2  The end") {
		t.Fatalf("marks: %q", got)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"mark", id, "9:00"}, 1, "past the end of the recording (0:01.5)"},
		{[]string{"mark", id, "soon"}, 2, `"soon" is not a time`},
		{[]string{"mark", id, "0:01", "two\nlines"}, 1, "control character"},
		{[]string{"mark", "rm", id, "7"}, 1, "has 2 bookmarks, not #7"},
		{[]string{"mark", "rm", id, "1", "nosuch"}, 1, `none is called "nosuch"`},
	} {
		r := earshot(t, dir, nil, tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("earshot %q: exit %d, %q; want exit %d and %q", tc.args, r.code, r.stderr, tc.code, tc.want)
		}
		oneLine(t, strings.Join(tc.args, " "), r.stderr)
	}
	if got := marksJSON(t, dir, id); len(got) != 2 {
		t.Fatalf("refused edits changed the bookmarks: %+v", got)
	}
	mustEarshot(t, dir, "mark", "rename", id, "the END", "Finale")
	mustEarshot(t, dir, "mark", "rm", id, "1")
	if got := marksJSON(t, dir, id); len(got) != 1 || got[0].Name != "Finale" || got[0].AtMS != 1200 {
		t.Fatalf("after rename and rm: %+v", got)
	}
}

// TestRecordBookmarks: lines typed into `earshot record` (here from a pipe;
// on a terminal a key press) bookmark the moment, named by the line.
func TestRecordBookmarks(t *testing.T) {
	env := pulse(t)
	dir := t.TempDir()
	playTone(t, 30)
	cmd := exec.Command(earshotBin, "--data-dir", dir, "record", "--format", "wav", "--title", "marked")
	cmd.Env = append(os.Environ(), env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout strings.Builder
	cmd.Stdout = &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	expect := func(prefix string) string {
		t.Helper()
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("earshot record ended before saying %q", prefix)
				}
				if strings.HasPrefix(l, prefix) {
					return l
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("earshot record did not say %q", prefix)
			}
		}
	}
	expect("recording ")
	stdin.Write([]byte("intro\n"))
	if l := expect("bookmark 1"); !strings.HasPrefix(l, `bookmark 1 "intro" at 0:0`) {
		t.Fatalf("first bookmark: %q", l)
	}
	stdin.Write([]byte("\n"))
	expect("bookmark 2 at ")
	cmd.Process.Signal(syscall.SIGINT)
	expect("saved ")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("record: %v", err)
	}
	id := strings.TrimSpace(stdout.String())
	ms := marksJSON(t, dir, id)
	ls, _ := listJSON(t, dir)
	rec := find(t, ls, id)
	if len(ms) != 2 || ms[0].Name != "intro" || ms[1].Name != "" || ms[0].AtMS > ms[1].AtMS || ms[1].AtMS > rec.DurationMS {
		t.Fatalf("bookmarks %+v of a %d ms recording", ms, rec.DurationMS)
	}
}
