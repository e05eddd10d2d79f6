package ui

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/earshot/earshot/library"
)

// Fonts (fault 24). Fyne draws a character its theme font lacks with a
// system font found through fontconfig's folders (go-text's fontscan), so
// CJK titles show when a CJK font is installed (Debian: fonts-noto-cjk) —
// but always in the regular weight, so bold CJK came out regular. Earshot's
// theme therefore takes its bold face from the system's bold CJK font
// (fontconfig's choice for sans-serif:bold in Korean, then Japanese and
// Chinese), which covers Latin too; because that face is large (about 17 MB
// for Noto Sans CJK Bold), it is loaded only once a title needs it. Emoji
// come from the colour emoji font Fyne bundles (EmojiOne), after the
// theme's faces, and those it lacks from the system's colour emoji font
// (Debian: fonts-noto-color-emoji), whose bitmaps Fyne draws.

// hasCJK reports whether s holds Han, Hangul, Hiragana or Katakana.
func hasCJK(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana) {
			return true
		}
	}
	return false
}

// cjkBold finds and loads the system's bold CJK face once; nil when there
// is none (the text then falls back to Fyne's regular-weight lookup).
var cjkBold = sync.OnceValue(func() fyne.Resource {
	for _, lang := range []string{"ko", "ja", "zh-cn"} {
		path, index, ok := fcMatch("sans-serif:bold:lang=" + lang)
		if !ok {
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		if face, err := collectionFace(b, index); err == nil {
			return fyne.NewStaticResource("cjk-bold.otf", face)
		}
	}
	return nil
})

// fcMatch asks fontconfig for the file and face index of its best match
// for pattern, accepting only a font that is in fact bold and covers CJK.
func fcMatch(pattern string) (path string, index int, ok bool) {
	out, err := exec.Command("fc-match", "-f", "%{file}\n%{index}\n%{weight}\n%{lang}", pattern).Output()
	if err != nil {
		return "", 0, false
	}
	f := strings.SplitN(string(out), "\n", 4)
	if len(f) < 4 {
		return "", 0, false
	}
	index, _ = strconv.Atoi(f[1])
	weight, _ := strconv.Atoi(f[2])
	langs := "|" + f[3] + "|"
	cjk := strings.Contains(langs, "|ko|") || strings.Contains(langs, "|ja|") || strings.Contains(langs, "|zh-cn|")
	return f[0], index, weight >= 180 && cjk // fontconfig's bold is 200
}

// collectionFace returns face index of an OpenType collection (.ttc) as a
// font file of its own (Fyne reads single fonts only); a plain .ttf/.otf
// comes back as it is. The tables are copied, not changed.
func collectionFace(b []byte, index int) ([]byte, error) {
	if len(b) < 12 || string(b[:4]) != "ttcf" {
		return b, nil
	}
	n := int(binary.BigEndian.Uint32(b[8:]))
	if index < 0 || index >= n || len(b) < 12+4*n {
		return nil, fmt.Errorf("font collection has no face %d", index)
	}
	at := int(binary.BigEndian.Uint32(b[12+4*index:]))
	if at+12 > len(b) {
		return nil, errors.New("damaged font collection")
	}
	tables := int(binary.BigEndian.Uint16(b[at+4:]))
	if at+12+16*tables > len(b) {
		return nil, errors.New("damaged font collection")
	}
	var out bytes.Buffer
	out.Write(b[at : at+12]) // sfnt version, table count, search hints
	dir := make([]byte, 16*tables)
	copy(dir, b[at+12:])
	offset := 12 + 16*tables
	var data bytes.Buffer
	for i := range tables {
		rec := dir[16*i:]
		from, length := int(binary.BigEndian.Uint32(rec[8:])), int(binary.BigEndian.Uint32(rec[12:]))
		if from+length > len(b) {
			return nil, errors.New("damaged font collection")
		}
		binary.BigEndian.PutUint32(rec[8:], uint32(offset+data.Len()))
		data.Write(b[from : from+length])
		for data.Len()%4 != 0 {
			data.WriteByte(0)
		}
	}
	out.Write(dir)
	out.Write(data.Bytes())
	return out.Bytes(), nil
}

// fontsFor switches the theme's bold face to the system's bold CJK one the
// first time the window is to show a CJK title (the face is found and read
// off the Fyne goroutine). Call it on the Fyne goroutine with what is about
// to be shown.
func (u *UI) fontsFor(titles func(yield func(string) bool)) {
	if u.cjkAsked {
		return
	}
	for t := range titles {
		if hasCJK(t) {
			u.cjkAsked = true
			u.background(func(context.Context) {
				if face := cjkBold(); face != nil {
					onMain(func() { u.app.Settings().SetTheme(&earshotTheme{Theme: theme.DefaultTheme(), bold: face}) })
				}
			})
			return
		}
	}
}

// titlesOf yields the titles of rs.
func titlesOf(rs []library.Recording) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for _, r := range rs {
			if !yield(r.Title) {
				return
			}
		}
	}
}
