// Package assets holds the files Earshot ships inside its binary: the
// application icon (also named by FyneApp.toml for the packager).
package assets

import _ "embed"

//go:generate go run gen_icon.go

// Icon is the application icon, a 512×512 PNG.
//
//go:embed icon.png
var Icon []byte
