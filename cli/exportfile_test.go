package cli_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExport: `export ID -` writes the recording's own bytes to stdout, and
// a copied export and a converted one get the same permissions.
func TestExport(t *testing.T) {
	dir := t.TempDir()
	id := strings.TrimSpace(mustEarshot(t, dir, "import", "../library/testdata/tone.flac").stdout)
	want, err := os.ReadFile(filepath.Join(dir, "recordings", id+".flac"))
	if err != nil {
		t.Fatal(err)
	}
	r := mustEarshot(t, dir, "export", id, "-")
	if !bytes.Equal([]byte(r.stdout), want) {
		t.Fatalf("export - wrote %d bytes, want the file's %d", len(r.stdout), len(want))
	}
	out := t.TempDir()
	copied, converted := filepath.Join(out, "same.flac"), filepath.Join(out, "other.wav")
	mustEarshot(t, dir, "export", id, copied)
	mustEarshot(t, dir, "export", id, converted)
	a, err := os.Stat(copied)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.Stat(converted)
	if err != nil {
		t.Fatal(err)
	}
	probe := filepath.Join(out, "probe")
	if err := os.WriteFile(probe, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	p, _ := os.Stat(probe)
	if a.Mode().Perm() != p.Mode().Perm() || b.Mode().Perm() != p.Mode().Perm() {
		t.Fatalf("copied export %v, converted %v: want both %v, as any new document", a.Mode(), b.Mode(), p.Mode())
	}
}
