package ui

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/library"
)

// variantTheme is the app's theme in one variant whatever the settings say
// (Fyne's test app reports neither light nor dark).
type variantTheme struct {
	*earshotTheme
	v fyne.ThemeVariant
}

func (t variantTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.earshotTheme.Color(n, t.v)
}

var variants = []struct {
	name string
	v    fyne.ThemeVariant
}{{"light", theme.VariantLight}, {"dark", theme.VariantDark}}

// goldenLibrary makes a window over two recordings with fixed dates (so the
// rows read the same every day), transcription off.
func goldenLibrary(t *testing.T, v fyne.ThemeVariant) (*UI, *library.Library, []string) {
	t.Helper()
	u, lib := newTestUI(t)
	ctx := context.Background() // newTestUI turns transcription off
	var ids []string
	for _, name := range []string{"Interview with Ada.wav", "Standup notes.wav"} {
		r, err := lib.Import(ctx, writeTone(t, name), nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	// The dates, through the sync engine's own door (it sets rows to what
	// the server says): the rows then read the same every day.
	x, err := lib.SyncIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		err := x.Update(ctx, []string{id}, func(_ string, cur *library.SyncItem) (library.SyncChange, error) {
			it := *cur
			it.CreatedAt = time.Date(2025, 3, 14+i, 9, 30, 0, 0, time.Local)
			return library.SyncChange{Item: &it}, nil
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
	}
	u.do(func() {
		u.app.Settings().SetTheme(variantTheme{newTheme(), v})
		u.list.reload()
	})
	waitUntil(t, "both recordings listed", func() bool {
		n := 0
		u.settle()
		onMainWait(func() { n = u.list.length() })
		return n == 2
	})
	return u, lib, ids
}

// assertGolden compares the window with testdata/golden/NAME.png, after
// painting over what changes from run to run (a running clock, dates
// relative to today), and keeps the picture in bin/artifacts.
func assertGolden(t *testing.T, u *UI, name string, masks ...fyne.CanvasObject) {
	t.Helper()
	// Lay the window out afresh, then wait for a steady picture: sections
	// fill in from their own goroutines (transcript, tags) and may move the
	// split once they do.
	onMainWait(func() { u.win.Content().Refresh() })
	var img *image.NRGBA
	for range 50 {
		u.settle()
		a := capture(u, masks)
		time.Sleep(100 * time.Millisecond)
		u.settle()
		img = capture(u, masks)
		if bytes.Equal(a.Pix, img.Pix) {
			break
		}
	}
	if dir := "../bin/artifacts"; os.MkdirAll(dir, 0o755) == nil {
		if f, err := os.Create(filepath.Join(dir, "golden-"+name+".png")); err == nil {
			png.Encode(f, img)
			f.Close()
		}
	}
	test.AssertImageMatches(t, "golden/"+name+".png", img)
}

// capture takes the window's picture with masks painted over (4 px wider
// on each side: text may overhang its widget).
func capture(u *UI, masks []fyne.CanvasObject) *image.NRGBA {
	var out *image.NRGBA
	onMainWait(func() {
		c := u.win.Canvas()
		shot := c.Capture()
		out = image.NewNRGBA(shot.Bounds())
		draw.Draw(out, out.Bounds(), shot, image.Point{}, draw.Src)
		scale := c.Scale()
		paint := func(x0, y0, x1, y1 float32) {
			r := image.Rect(int(x0*scale)-4, int(y0*scale)-4, int(x1*scale)+4, int(y1*scale)+4)
			draw.Draw(out, r, image.NewUniform(color.NRGBA{0xff, 0, 0xff, 0xff}), image.Point{}, draw.Src)
		}
		d := fyne.CurrentApp().Driver()
		for _, m := range masks {
			p, s := d.AbsolutePositionForObject(m), m.Size()
			paint(p.X, p.Y, p.X+s.Width, p.Y+s.Height)
		}
	})
	return out
}

// labelsWith finds the labels under o whose text contains part.
func labelsWith(o fyne.CanvasObject, part string) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	var walk func(fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch w := o.(type) {
		case *widget.Label:
			if strings.Contains(w.Text, part) && w.Visible() {
				out = append(out, w)
			}
		case *fyne.Container:
			for _, c := range w.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(w).Objects() {
				walk(c)
			}
		}
	}
	walk(o)
	return out
}

// TestGoldenSelectedRowAndDetails: the library with its first row selected
// and the details pane (title, facts, waveform, playback, actions).
func TestGoldenSelectedRowAndDetails(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			u, _, _ := goldenLibrary(t, v.v)
			u.do(func() { u.list.list.Select(0) })
			waitUntil(t, "the waveform", func() bool {
				n := 0
				u.settle()
				onMainWait(func() { n = len(u.details.player.seek.values) })
				return n == overviewBars
			})
			assertGolden(t, u, "details-"+v.name)
		})
	}
}

// TestGoldenBookmarksAndTrimSelection: the details pane of a recording with
// two bookmarks (one named) on the waveform and in their section, and a
// part chosen for trimming (the window taller, to show the section).
func TestGoldenBookmarksAndTrimSelection(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			u, lib, ids := goldenLibrary(t, v.v)
			for _, m := range []struct {
				at   time.Duration
				name string
			}{{250 * time.Millisecond, "Action items"}, {600 * time.Millisecond, ""}} {
				if _, err := lib.AddBookmark(context.Background(), ids[1], m.at, m.name); err != nil {
					t.Fatal(err)
				}
			}
			u.do(func() {
				u.win.Resize(fyne.NewSize(900, 860))
				u.list.list.Select(0)
			})
			waitUntil(t, "the waveform and the bookmarks", func() bool {
				n, m := 0, 0
				u.settle()
				onMainWait(func() { n, m = len(u.details.player.seek.values), len(u.details.bookmarks.names) })
				return n == overviewBars && m == 2
			})
			u.do(func() { drag(u.details.player.seek, 0.1, 0.45) })
			assertGolden(t, u, "bookmarks-"+v.name)
		})
	}
}

// TestGoldenTrash: the trash with one entry (its "Deleted … · N days left"
// line depends on today, so it is masked).
func TestGoldenTrash(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			u, lib, ids := goldenLibrary(t, v.v)
			if err := lib.Trash(context.Background(), ids[0]); err != nil {
				t.Fatal(err)
			}
			u.do(func() { u.tabs.SelectIndex(1) })
			waitUntil(t, "the trash entry", func() bool {
				n := 0
				u.settle()
				onMainWait(func() { n = len(u.trash.items) })
				return n == 1
			})
			var masks []fyne.CanvasObject
			onMainWait(func() { masks = labelsWith(u.trash.content, " left · ") })
			if len(masks) != 1 {
				t.Fatalf("found %d trash lines to mask, want 1", len(masks))
			}
			assertGolden(t, u, "trash-"+v.name, masks...)
		})
	}
}

// TestGoldenRecordingView: the header while a recording is paused (the
// clock and the live row's title and length, which read when and how long
// it ran, are masked).
func TestGoldenRecordingView(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			u, _, _ := goldenLibrary(t, v.v)
			u.do(func() { u.rec.format.SetSelected("wav") })
			u.tapAndWait(u.rec.record)
			s := onMainValue(func() *take { return u.rec.session })
			waitUntil(t, "a moment of audio", func() bool { return s.rec.Stats().Elapsed >= 300*time.Millisecond })
			u.tapAndWait(u.rec.pause)
			u.settle()
			var masks []fyne.CanvasObject
			onMainWait(func() {
				// The clock, and the live row's default title (the date and
				// time it started) and growing length.
				masks = append(labelsWith(u.list.content, "Recording "), u.rec.clock)
			})
			assertGolden(t, u, "recording-"+v.name, masks...)
			u.tapAndWait(u.rec.record)
		})
	}
}

// TestGoldenSearchMarksAndPicks: a search for "n" marks every match in the
// titles (case-folded: the "N" of "Interview" too), and with both rows
// picked (Ctrl+A) each is drawn selected, the marks still readable, and the
// details pane offers what applies to both.
func TestGoldenSearchMarksAndPicks(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			u, _, _ := goldenLibrary(t, v.v)
			u.do(func() { u.list.search.SetText("N"); u.list.reload() })
			waitUntil(t, "the search answered", func() bool {
				q := ""
				u.settle()
				onMainWait(func() { q = u.list.shown.Query })
				return q == "N"
			})
			u.do(func() { u.win.Canvas().Focus(u.list.list); u.typeShortcut(&fyne.ShortcutSelectAll{}) })
			assertGolden(t, u, "search-picked-"+v.name)
		})
	}
}
