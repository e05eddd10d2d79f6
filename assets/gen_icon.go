//go:build ignore

// gen_icon draws icon.png (512×512) and tray.png (64×64, for the system
// tray): a red record dot with three sound arcs on a dark rounded square.
// Run `go generate ./assets` after changing it.
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const size = 512

func main() {
	write("icon.png", size)
	write("tray.png", 64)
}

// write draws the icon at px×px into the file name.
func write(name string, px int) {
	img := image.NewNRGBA(image.Rect(0, 0, px, px))
	const ss = 4                         // supersampling per axis, for smooth edges
	scale := float64(size) / float64(px) // shade draws in 512×512 units
	for y := 0; y < px; y++ {
		for x := 0; x < px; x++ {
			var r, g, b, a float64
			for sy := 0; sy < ss; sy++ {
				for sx := 0; sx < ss; sx++ {
					fx := (float64(x) + (float64(sx)+0.5)/ss) * scale
					fy := (float64(y) + (float64(sy)+0.5)/ss) * scale
					c := shade(fx, fy)
					r += float64(c.R) * float64(c.A)
					g += float64(c.G) * float64(c.A)
					b += float64(c.B) * float64(c.A)
					a += float64(c.A)
				}
			}
			if a > 0 {
				img.SetNRGBA(x, y, color.NRGBA{uint8(r / a), uint8(g / a), uint8(b / a), uint8(a / ss / ss)})
			}
		}
	}
	f, err := os.Create(name)
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

// shade is the colour at one point of the icon.
func shade(x, y float64) color.NRGBA {
	const margin, radius = 24.0, 96.0
	// Rounded square background.
	dx := math.Max(math.Max(margin+radius-x, x-(size-margin-radius)), 0)
	dy := math.Max(math.Max(margin+radius-y, y-(size-margin-radius)), 0)
	if math.Hypot(dx, dy) > radius {
		return color.NRGBA{}
	}
	cx, cy := 200.0, size/2.0
	d := math.Hypot(x-cx, y-cy)
	// Record dot.
	if d < 70 {
		return color.NRGBA{0xE5, 0x39, 0x35, 0xFF}
	}
	// Three arcs to the right, like sound reaching an ear.
	angle := math.Atan2(y-cy, x-cx)
	if math.Abs(angle) < math.Pi/4 {
		for _, rr := range []float64{120, 175, 230} {
			if math.Abs(d-rr) < 14 {
				return color.NRGBA{0xF5, 0xF5, 0xF5, 0xFF}
			}
		}
	}
	// Background: a dark blue-grey, slightly lighter at the top.
	t := y / size
	return color.NRGBA{uint8(0x37 - 12*t), uint8(0x47 - 14*t), uint8(0x4F - 14*t), 0xFF}
}
