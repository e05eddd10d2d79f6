package cli_test

import (
	"os"
	"strings"
	"testing"
)

// TestFlagErrorsInWords: a flag value that does not parse is a usage error
// (exit 2, one line, nothing done) that names the flag, what it takes and
// what was typed — never Go's parser ("strconv.ParseFloat…").
func TestFlagErrorsInWords(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"play", "x", "--speed", "abc"}, `earshot play: --speed takes a number such as 1.5, not "abc"`},
		{[]string{"list", "--limit", "x"}, `earshot list: --limit takes a whole number such as 10, not "x"`},
		{[]string{"record", "--duration", "zz"}, `earshot record: --duration takes a length of time such as 90s, 5m or 1h30m, not "zz"`},
		{[]string{"sync", "--workers=1.5"}, `earshot sync: --workers takes a whole number such as 10, not "1.5"`},
		{[]string{"list", "--json=maybe"}, `earshot list: --json takes true or false`},
		{[]string{"list", "--limit"}, `earshot list: --limit needs a value (at most this many`},
		{[]string{"list", "-x"}, `earshot list: unknown flag: -x;`},
		{[]string{"list", "-q", "-v"}, `earshot list: -q (quiet) and -v (verbose) cannot be used together`},
	} {
		r := earshot(t, dir, nil, c.args...)
		lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
		if r.code != 2 || r.stdout != "" || len(lines) != 1 || !strings.HasPrefix(lines[0], c.want) {
			t.Errorf("earshot %v: exit %d, stdout %q, stderr %q; want exit 2 and one line starting %q", c.args, r.code, r.stdout, r.stderr, c.want)
		}
		for _, raw := range []string{"strconv.", "time: invalid", "flag group", "invalid argument"} {
			if strings.Contains(r.stderr, raw) {
				t.Errorf("earshot %v: stderr %q shows Go's own message (%q)", c.args, r.stderr, raw)
			}
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a command line that did not parse left %v in the data folder", entries)
	}
}
