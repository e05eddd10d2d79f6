package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
)

// TestImportRefusalNamesTheFileOnce: a dropped file Earshot cannot read is
// refused in one line that names it once and says why (it read "Could not
// import notes.txt: import notes.txt: …").
func TestImportRefusalNamesTheFileOnce(t *testing.T) {
	u, _ := newTestUI(t)
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, []byte("call the plumber on Monday\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	u.do(func() { u.list.importFiles([]fyne.URI{storage.NewFileURI(path)}) })
	var msg string
	waitUntil(t, "a notice about notes.txt", func() bool {
		u.settle()
		onMainWait(func() {
			for _, m := range u.notices.history {
				if strings.Contains(m, "notes.txt") {
					msg = m
				}
			}
		})
		return msg != ""
	})
	if n := strings.Count(msg, "notes.txt"); n != 1 || strings.Contains(msg, "\n") || !strings.Contains(msg, "not an audio file") {
		t.Fatalf("the notice reads %q: want one line naming notes.txt once and saying it is not an audio file", msg)
	}
}
