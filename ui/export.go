package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/library"
)

// askExport opens one Save dialog. The file name's extension chooses the
// format (the list is audio.ExportFormats); the default name is the title made
// safe for every file system, in the recording's own format.
func (d *detailsPanel) askExport() {
	r := d.rec
	if r.ID == "" || !r.HasAudio || d.u.modalOpen() {
		return
	}
	save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			d.u.fail(fmt.Errorf("could not choose where to save: %w", err))
			return
		}
		if w != nil {
			d.saveTo(r, w)
		}
	}, d.u.win)
	save.SetFileName(exportName(r))
	save.Show()
}

// exportName is the default file name for r.
func exportName(r library.Recording) string {
	return library.FileName(r.Title) + r.Format.Ext()
}

// saveTo writes r where the dialog said. The dialog has created the file
// already; the library writes beside it and renames into place once
// complete, so on any failure the file the dialog made is removed and
// nothing is left behind.
// With a transcript chosen beside it, that is planned first (a name taken
// refuses the whole save) and written last; if it fails, the audio goes too.
func (d *detailsPanel) saveTo(r library.Recording, w fyne.URIWriteCloser) {
	path, format := w.URI().Path(), d.beside.format()
	d.u.background(func(ctx context.Context) {
		w.Close()
		var side string
		var text []byte
		err := checkExportName(path)
		if err == nil {
			side, text, err = d.beside.plan(ctx, r, path, format)
		}
		if err == nil {
			_, err = d.u.be.Library.Export(ctx, r.ID, path, nil)
		}
		if err == nil {
			err = d.beside.write(side, text)
		}
		if err != nil {
			if rmErr := os.Remove(path); rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) {
				err = errors.Join(err, rmErr)
			}
			d.u.fail(fmt.Errorf("could not save %q: %w", r.Title, err))
			return
		}
		saved := filepath.Base(path)
		if side != "" {
			saved += " and " + filepath.Base(side)
		}
		onMain(func() { d.u.notices.flash(fmt.Sprintf("Saved %s in %s.", saved, filepath.Dir(path))) })
	})
}

// checkExportName refuses a name whose extension is not a format Earshot
// writes, in words a person can act on.
func checkExportName(path string) error {
	ext := filepath.Ext(path)
	if _, err := audio.ParseExportFormat(ext); err == nil {
		return nil
	}
	var names []string
	for _, f := range audio.ExportFormats {
		names = append(names, f.Ext())
	}
	return fmt.Errorf("end the file name with %s to choose the format", strings.Join(names, ", "))
}
