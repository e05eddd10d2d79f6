package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/library"
)

// manyPane is the details pane while several recordings are picked: how
// many, their length and size together, and the actions that apply to all
// of them (Save to a folder, Delete).
type manyPane struct {
	u       *UI
	content *fyne.Container
	heading *widget.Label
	info    *widget.Label
	export  *widget.Button
	rs      []library.Recording
}

func newManyPane(u *UI) *manyPane {
	m := &manyPane{u: u, heading: widget.NewLabel(""), info: widget.NewLabel("")}
	m.heading.TextStyle.Bold = true
	m.info.Wrapping = fyne.TextWrapWord
	m.export = widget.NewButtonWithIcon("Export…", theme.DocumentSaveIcon(), m.askExport)
	del := widget.NewButtonWithIcon("Delete…", theme.DeleteIcon(), func() { u.askDelete(m.rs) })
	hint := widget.NewLabel("Ctrl-click adds or removes one, Shift-click picks a range, Ctrl+A picks all, Escape clears.")
	hint.Importance = widget.LowImportance
	hint.Wrapping = fyne.TextWrapWord
	m.content = container.NewVBox(m.heading, m.info, container.NewHBox(m.export, del), hint)
	m.content.Hide()
	return m
}

// show fills the pane for rs (two or more).
func (m *manyPane) show(rs []library.Recording) {
	m.rs = rs
	m.heading.SetText(fmt.Sprintf("%d recordings selected", len(rs)))
	var length time.Duration
	var bytes int64
	for _, r := range rs {
		length += r.Duration
		bytes += r.Size
	}
	info := fmt.Sprintf("%s in all · %s", clock(length), size(bytes))
	if n := countWhere(rs, cloudOnly); n > 0 {
		info += fmt.Sprintf(" · %d only in the cloud: download to export", n)
	}
	m.info.SetText(info)
	if countWhere(rs, cloudOnly) == len(rs) {
		m.export.Disable()
	} else {
		m.export.Enable()
	}
}

// showMany shows the pane for several recordings in place of one.
func (d *detailsPanel) showMany(rs []library.Recording) {
	d.show(library.Recording{})
	d.empty.Hide()
	d.many.show(rs)
	d.many.content.Show()
}

// askExport asks for a folder and saves every picked recording there.
func (m *manyPane) askExport() {
	rs := pickWhere(m.rs, func(r library.Recording) bool { return r.HasAudio })
	if len(rs) == 0 || m.u.modalOpen() {
		return
	}
	dialog.ShowFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			m.u.fail(fmt.Errorf("could not choose the folder: %w", err))
			return
		}
		if dir != nil {
			m.u.saveAll(rs, dir.Path())
		}
	}, m.u.win)
}

// saveAll saves each of rs into dir in its own format, under its title
// made safe for any file system and unique in the folder ("Memo (2).opus").
// Each file appears only once complete (the library writes beside it and
// renames), so a failure leaves nothing half-written. One notice names the
// folder and the count, and lists what failed.
func (u *UI) saveAll(rs []library.Recording, dir string) {
	u.background(func(ctx context.Context) {
		taken := map[string]bool{}
		var failed []failure
		for _, r := range rs {
			if err := u.saveOne(ctx, r, dir, taken); err != nil {
				failed = append(failed, failure{r.Title, err})
			}
		}
		saved := len(rs) - len(failed)
		onMain(func() {
			if len(failed) == 0 {
				u.notices.flash(fmt.Sprintf("Saved %s in %s.", plural(saved, "recording", "recordings"), dir))
				return
			}
			msg := failuresLine("save", failed, len(rs))
			if saved > 0 {
				msg = fmt.Sprintf("Saved %d of %d recordings in %s; not saved: %s.", saved, len(rs), dir, listFailures(failed))
			}
			u.notices.show(msg, true)
		})
	})
}

// Why a recording could not be saved, where the library's words would
// name ids and paths.
var (
	errCloudOnly    = errors.New("it is only in the cloud; download it first")
	errAudioMissing = errors.New("its audio file is missing from the library folder")
)

// saveOne exports r into dir under a name not taken yet.
func (u *UI) saveOne(ctx context.Context, r library.Recording, dir string, taken map[string]bool) error {
	if !r.HasAudio {
		return errCloudOnly
	}
	if _, err := os.Stat(u.be.Library.AudioPath(r)); errors.Is(err, os.ErrNotExist) {
		return errAudioMissing
	}
	_, err := u.be.Library.Export(ctx, r.ID, uniquePath(dir, exportName(r), taken), nil)
	return err
}

// uniquePath is dir/name, or dir/"name (2).ext" and so on, so that it names
// neither a file already there nor one in taken (compared without case, as
// FAT and macOS do); the name is added to taken.
func uniquePath(dir, name string, taken map[string]bool) string {
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for n := 1; ; n++ {
		try := name
		if n > 1 {
			try = fmt.Sprintf("%s (%d)%s", stem, n, ext)
		}
		if taken[strings.ToLower(try)] {
			continue
		}
		if _, err := os.Lstat(filepath.Join(dir, try)); !errors.Is(err, os.ErrNotExist) {
			continue
		}
		taken[strings.ToLower(try)] = true
		return filepath.Join(dir, try)
	}
}
