package ui

import (
	"bytes"
	"context"
	"image/color"
	"os/exec"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"github.com/go-text/typesetting/font"

	"github.com/earshot/earshot/internal/testenv"
)

func TestHasCJK(t *testing.T) {
	for s, want := range map[string]bool{"회의 녹음": true, "会議": true, "カタカナ": true, "Meeting 😀": false, "": false, "Ünïcödé": false} {
		if hasCJK(s) != want {
			t.Errorf("hasCJK(%q) = %v", s, !want)
		}
	}
}

// needCJKFont stops the test unless fontconfig has a bold CJK font
// (Debian: fonts-noto-cjk, listed in scripts/deps.sh).
func needCJKFont(t *testing.T) fyne.Resource {
	t.Helper()
	face := cjkBold()
	if face == nil {
		testenv.Missing(t, "a bold CJK font through fontconfig (apt-get install fonts-noto-cjk fontconfig)")
	}
	return face
}

// The face taken out of the system's .ttc parses as a font of its own with
// Korean, Japanese, Chinese and Latin glyphs, and is bold.
func TestCJKBoldFaceFromTheCollection(t *testing.T) {
	face := needCJKFont(t)
	f, err := font.ParseTTF(bytes.NewReader(face.Content()))
	if err != nil {
		t.Fatalf("the extracted face does not parse: %v", err)
	}
	for _, r := range "회의会議カタA" {
		if _, ok := f.NominalGlyph(r); !ok {
			t.Errorf("no glyph for %q", r)
		}
	}
	if w := f.Describe().Aspect.Weight; w < font.WeightBold {
		t.Errorf("weight %v, want bold", w)
	}
}

func TestCollectionFaceRefusesAMissingFace(t *testing.T) {
	ttc := append([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01"), 0, 0, 0, 16)
	if _, err := collectionFace(ttc, 3); err == nil {
		t.Fatal("face 3 of a one-face collection was accepted")
	}
	plain := []byte("\x00\x01\x00\x00 not a collection")
	if b, err := collectionFace(plain, 0); err != nil || !bytes.Equal(b, plain) {
		t.Fatalf("a plain font came back changed: %v", err)
	}
}

// TestBoldCJKTitlesAreBold (fault 24): once the list holds a Korean title,
// the theme's bold face is the system's bold CJK one, so bold Hangul is
// drawn bold (it fell back to the regular weight before).
func TestBoldCJKTitlesAreBold(t *testing.T) {
	want := needCJKFont(t)
	u, lib := newTestUI(t)
	path := writeTone(t, "회의 녹음.wav")
	if _, err := lib.Import(context.Background(), path, nil); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the bold CJK face in the theme", func() bool {
		var got fyne.Resource
		u.settle()
		onMainWait(func() { got = u.app.Settings().Theme().Font(fyne.TextStyle{Bold: true}) })
		return got == want
	})
	var regular fyne.Resource
	onMainWait(func() { regular = u.app.Settings().Theme().Font(fyne.TextStyle{}) })
	if regular == want {
		t.Fatal("the regular face changed too")
	}
}

// Emoji newer than the colour font Fyne bundles (EmojiOne) come from the
// system's colour emoji font, found like every fallback face, and are drawn
// in colour from its bitmaps (Debian: fonts-noto-color-emoji, in
// scripts/deps.sh). 🫠 (Unicode 14) is one EmojiOne lacks.
func TestNewerEmojiAreDrawnInColour(t *testing.T) {
	if out, err := exec.Command("fc-list", ":charset=1fae0:color=true", "family").Output(); err != nil || len(bytes.TrimSpace(out)) == 0 {
		testenv.Missing(t, "a colour emoji font through fontconfig (apt-get install fonts-noto-color-emoji fontconfig)")
	}
	test.NewTempApp(t)
	text := canvas.NewText("🫠", color.White)
	text.TextSize = 48
	w := test.NewWindow(container.NewCenter(text))
	defer w.Close()
	w.Resize(fyne.NewSize(120, 120))
	img := w.Canvas().Capture()
	coloured := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			hi, lo := max(r, g, bl)>>8, min(r, g, bl)>>8
			if hi-lo > 80 { // clearly not grey: the face's yellow
				coloured++
			}
		}
	}
	if coloured < 100 {
		t.Fatalf("🫠 drew %d coloured pixels: drawn in grey or not at all", coloured)
	}
}
