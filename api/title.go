package api

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxTitleBytes is the longest title, in bytes of UTF-8, that every part of
// Earshot accepts (library, CLI, window and server).
const MaxTitleBytes = 1000

// TitleError says why a title was refused, in words for the person who typed
// it.
type TitleError struct{ Problem string }

func (e *TitleError) Error() string { return e.Problem }

// CheckTitle reports whether title can be a recording's title: UTF-8 text on
// one line, without control characters (newlines, tabs, terminal escapes),
// of at most MaxTitleBytes. It does not trim, and it accepts the empty
// string: whether a title may be empty is the caller's rule. The error is a
// *TitleError.
func CheckTitle(title string) error {
	switch {
	case !utf8.ValidString(title):
		return &TitleError{"the title is not valid text (UTF-8); type it again"}
	case strings.ContainsAny(title, "\n\r\u2028\u2029"):
		return &TitleError{"the title has a line break; a title is one line"}
	case strings.ContainsFunc(title, unicode.IsControl):
		return &TitleError{"the title has a control character (a tab or a terminal escape); use plain text"}
	case len(title) > MaxTitleBytes:
		return &TitleError{fmt.Sprintf("the title is %d bytes long; keep it within %d bytes (about %d letters)",
			len(title), MaxTitleBytes, MaxTitleBytes/2)}
	}
	return nil
}

// CleanTitle turns text that did not come from a person typing a title (a
// file name, a tag in an audio file) into one CheckTitle accepts: control
// characters and line breaks become spaces, runs of spaces one, invalid
// UTF-8 is replaced, and the result is cut to MaxTitleBytes on a character
// boundary.
func CleanTitle(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	for len(s) > MaxTitleBytes {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	return strings.TrimSpace(s)
}
