// Command fynefloor is the smallest Fyne window the GUI benchmark compares
// Earshot's idle CPU with: a window titled "Earshot" holding one red
// rectangle (where the benchmark's probe looks for the Record button) and a
// label. Its idle CPU is Fyne's own floor on this display: the driver's
// event loop wakes 60 times a second whether or not anything changes.
package main

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("org.earshot.fynefloor")
	w := a.NewWindow("Earshot")
	red := canvas.NewRectangle(color.NRGBA{R: 0xf0, G: 0x20, B: 0x20, A: 0xff})
	red.SetMinSize(fyne.NewSize(120, 120))
	w.SetContent(container.NewVBox(container.NewHBox(red), widget.NewLabel("An idle Fyne window")))
	w.Resize(fyne.NewSize(868, 616))
	w.ShowAndRun()
}
