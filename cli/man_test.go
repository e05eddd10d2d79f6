package cli_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/earshot/earshot/cli"
)

// TestManPages: the committed man pages (docs/man, `make man`) are exactly
// what the command tree makes now, every command has one (with its
// examples), and each renders without a warning from groff.
func TestManPages(t *testing.T) {
	dir := t.TempDir()
	if err := cli.ManPages(dir); err != nil {
		t.Fatal(err)
	}
	made, _ := filepath.Glob(filepath.Join(dir, "*.1"))
	committed, _ := filepath.Glob("../docs/man/*.1")
	if names(made) == "" || names(made) != names(committed) {
		t.Fatalf("docs/man holds %s\nthe commands make %s\nrun `make man`", names(committed), names(made))
	}
	for _, p := range made {
		want, _ := os.ReadFile(p)
		got, _ := os.ReadFile(filepath.Join("../docs/man", filepath.Base(p)))
		if !bytes.Equal(got, want) {
			t.Errorf("docs/man/%s differs from what the command makes now: run `make man`", filepath.Base(p))
		}
		out, err := exec.Command("groff", "-k", "-man", "-Tutf8", "-ww", "-z", p).CombinedOutput()
		if err != nil || len(out) != 0 {
			t.Errorf("groff on %s: %v: %s", filepath.Base(p), err, out)
		}
	}
	for _, c := range cli.Commands() {
		if c.Path[0] == "help" {
			continue // cobra's own; earshot.1 and each page say what help says
		}
		page := filepath.Join(dir, "earshot-"+strings.Join(c.Path, "-")+".1")
		b, err := os.ReadFile(page)
		if err != nil {
			t.Errorf("earshot %s has no man page: %v", strings.Join(c.Path, " "), err)
			continue
		}
		if !bytes.Contains(b, []byte(".SH EXAMPLE")) {
			t.Errorf("the man page of earshot %s has no examples", strings.Join(c.Path, " "))
		}
	}
}

func names(paths []string) string {
	var ns []string
	for _, p := range paths {
		ns = append(ns, filepath.Base(p))
	}
	slices.Sort(ns)
	return strings.Join(ns, " ")
}
