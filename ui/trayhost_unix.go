//go:build linux || freebsd || openbsd || netbsd

package ui

import (
	"context"
	"time"

	"github.com/godbus/dbus/v5"
)

// statusNotifierWatcher is the D-Bus name a tray host owns: the
// StatusNotifierItem protocol that Fyne's tray (fyne.io/systray) speaks here.
const statusNotifierWatcher = "org.kde.StatusNotifierWatcher"

// hasTrayHost reports whether the desktop can show a tray icon now: a
// panel that hosts StatusNotifierItems (KDE, XFCE, LXQt, GNOME with the
// AppIndicator extension, …) owns statusNotifierWatcher on the session bus.
// Without one Fyne's tray shows nothing and still costs a hidden window
// with a GL context of its own (about 5 MB and a share of every event-loop
// tick), so Earshot starts it only where it can be seen. A tray host that
// starts after the window (a panel restarted) shows Earshot's icon from the
// next start on.
func hasTrayHost() bool {
	conn, err := dbus.SessionBusPrivate()
	if err != nil {
		return false
	}
	defer conn.Close()
	if conn.Auth(nil) != nil || conn.Hello() != nil {
		return false
	}
	// A bus that does not answer must not hold up the window.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var has bool
	err = conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, statusNotifierWatcher).Store(&has)
	return err == nil && has
}
