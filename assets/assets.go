// Package assets holds the files Earshot ships inside its binary: the
// application icon (also named by FyneApp.toml for the packager) and the
// tray's small copy of it.
package assets

import _ "embed"

//go:generate go run gen_icon.go

// Icon is the application icon, a 512×512 PNG.
//
//go:embed icon.png
var Icon []byte

// TrayIcon is the same icon drawn at 64×64 for the system tray, which shows
// it at 16-48 pixels: the tray keeps its icon as ARGB pixels in memory and
// sends them over D-Bus, 1 MB at 512×512, 16 KB at 64×64.
//
//go:embed tray.png
var TrayIcon []byte
