package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"

	"github.com/earshot/earshot/assets"
	"github.com/earshot/earshot/library"
	_ "github.com/earshot/earshot/ui/internal/clocale" // before Fyne reads the locale
)

// AppID identifies Earshot to the desktop (preferences folder, tray,
// notifications); it matches FyneApp.toml.
const AppID = "io.github.earshot.earshot"

// ErrNoDisplay is returned by Run when there is no graphical display to open
// the window on. Its message points to the command line.
var ErrNoDisplay = errors.New("no display to open the Earshot window on (DISPLAY is not set); use the command line instead: earshot help")

// appIcon is the application icon, trayIcon its small copy for the tray.
var (
	appIcon  = fyne.NewStaticResource("icon.png", assets.Icon)
	trayIcon = fyne.NewStaticResource("tray.png", assets.TrayIcon)
)

// Options configure Run.
type Options struct {
	// DataDir is the --data-dir flag's value; "" picks the default folder
	// (see library.DataDir).
	DataDir string
	// AudioBackend names the audio backend ("" picks one; see audio/device).
	AudioBackend string
}

// Run opens the window and returns when it is closed or ctx ends. The
// library opens in the background (crash recovery can take a while), so the
// window appears at once.
func Run(ctx context.Context, o Options) error {
	if !hasDisplay() {
		return ErrNoDisplay
	}
	dir, err := library.DataDir(o.DataDir)
	if err != nil {
		return err
	}
	defer startProfile()()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	a := app.NewWithID(AppID)
	a.Settings().SetTheme(newTheme())
	a.SetIcon(appIcon)
	// Three things before the first frame take long and need not wait for
	// each other: opening the library, the fonts and the windows (the tray's
	// hidden one and the main one, each a GL context). The first two run
	// beside the third; nothing measures text until the fonts are ready.
	opened := make(chan openedLibrary, 1)
	go func() { opened <- openLibrary(ctx, dir) }()
	fonts := loadFonts()
	win := a.NewWindow("Earshot")
	opening := widget.NewLabel("Opening the library…")
	win.SetMaster()
	var lib *library.Library
	var cloud *SyncCloud
	var u *UI // set on the Fyne goroutine once the library is open
	tray := newTray(a, win, func() {
		if u != nil {
			u.rec.toggle()
		}
	}, func() {
		if u != nil {
			u.addBookmark()
		}
	})
	<-fonts
	win.SetContent(opening)
	go func() {
		r := <-opened
		fyne.Do(func() {
			if r.err != nil {
				opening.SetText(fmt.Sprintf("Could not open the library in %s: %v", dir, r.err))
				return
			}
			lib = r.lib
			be := NewBackend(r.lib, o.AudioBackend)
			cloud = NewSyncCloud(r.index, SyncOptions{})
			be.Cloud = cloud
			u = newUI(ctx, a, win, be, tray)
			time.AfterFunc(startupSettled, settle)
		})
	}()
	var loopEnded atomic.Bool
	go func() {
		<-ctx.Done() // the caller's ctx ended, or the window closed
		if loopEnded.Load() {
			return // nothing left to close; finish saves what is left
		}
		onMain(func() {
			if u == nil {
				a.Quit()
				return
			}
			u.quit() // saves a recording in progress first
		})
	}()
	win.SetCloseIntercept(func() {
		if u == nil {
			a.Quit()
			return
		}
		u.quit()
	})
	win.Resize(defaultSize())
	win.ShowAndRun()
	loopEnded.Store(true) // before cancel: Fyne may no longer be called
	cancel()
	if u != nil {
		u.finish()
		u.wait()
	}
	if cloud != nil {
		cloud.Close()
	}
	if lib != nil {
		return lib.Close()
	}
	return nil
}

// startupSettled is how long after the window is built its first frames
// have been drawn and the library listed.
const startupSettled = 3 * time.Second

// settle runs once the window has drawn its first frames: the heap's
// tighter GC target starts only then (at 25 % start-up, which allocates most,
// took longer: about 680 ms to the first frame against 520 ms at Go's
// default, 4 launches each at load 2), and start-up's garbage goes back.
func settle() {
	tuneGC()
	debug.FreeOSMemory()
}

// tuneGC keeps the Go heap small for a program that stays open for hours.
// The window allocates little once it is up (about 0.3 MB/s while
// recording), so a GC at a quarter of the live heap's growth instead of all
// of it costs about one collection every 20 s (under 0.1 % of a core) and
// keeps about 13 MB less resident: 50 % kept 10 MB less, and 25 % took 3 MB
// more off while recording, its CPU within the runs' noise (104-113 ticks in
// 10 s against 112-120 at 50 %). Starting up parses fonts and rasterises
// icons: that garbage is handed back to the OS once, when the window has
// settled (settle, at startupSettled), instead of staying mapped until the
// heap grows into it again. GOGC, when set, wins.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(25)
	}
}

// openedLibrary is what openLibrary found.
type openedLibrary struct {
	lib   *library.Library
	index *library.SyncIndex
	err   error
}

// openLibrary opens the library and its sync index (both may migrate or
// recover files, so this runs off the Fyne goroutine).
func openLibrary(ctx context.Context, dir string) openedLibrary {
	l, err := library.Open(ctx, dir)
	if err != nil {
		return openedLibrary{err: err}
	}
	x, err := l.SyncIndex(ctx)
	if err != nil {
		l.Close()
		return openedLibrary{err: err}
	}
	return openedLibrary{lib: l, index: x}
}

// hasDisplay reports whether a window can open. On X11 and Wayland desktops
// a missing display would make the toolkit panic.
func hasDisplay() bool {
	switch runtime.GOOS {
	case "windows", "darwin", "android", "ios", "js":
		return true
	}
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}
