package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// loadFonts has Fyne load the faces the first frame draws with, regular and
// bold, on a goroutine of its own, and closes the returned channel when they
// are ready. Loading them means parsing the theme's face, the colour emoji
// font Fyne chains after it (4.2 MB) and a system face for the locale, and
// reading fontscan's index of the system's fonts: about 30-50 ms of CPU
// that would otherwise hold up the first frame on the Fyne goroutine. Run
// waits for the channel before anything measures text: Fyne's faces cache
// what they shape and are not safe to share while loading.
func loadFonts() <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		size := theme.TextSize()
		for _, style := range []fyne.TextStyle{{}, {Bold: true}} {
			fyne.MeasureText("Earshot", size, style)
		}
	}()
	return done
}
