//go:build !(linux || freebsd || openbsd || netbsd)

package ui

// hasTrayHost reports whether the desktop can show a tray icon: macOS and
// Windows always can.
func hasTrayHost() bool { return true }
