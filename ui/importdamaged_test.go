package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
)

// A dropped FLAC file that ends early is imported up to where it breaks,
// listed, and the notice says how much was kept, as a problem.
func TestDroppedTruncatedFLACSaysWhatWasKept(t *testing.T) {
	u, _ := newTestUI(t)
	b, err := os.ReadFile("../library/testdata/tone.flac")
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "Cut short.flac")
	if err := os.WriteFile(cut, b[:len(b)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}
	u.do(func() { u.list.importFiles([]fyne.URI{storage.NewFileURI(cut)}) })
	if got := u.listed(); !slices.Equal(got, []string{"Cut short"}) {
		t.Fatalf("listed %q, want the kept part", got)
	}
	if n := u.notice(); !strings.HasPrefix(n, "Cut short.flac ends early or is damaged after 0:0") || !strings.Contains(n, "was imported") {
		t.Fatalf("notice %q", n)
	}
}
