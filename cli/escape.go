package cli

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// printable makes text safe to print on a terminal: a title or file name
// holding an escape sequence (`\e]0;…\a` sets the window title, `\e[2J`
// clears the screen) or a line break (which splits a list row) is shown
// with Go-style escapes instead, `\x1b]0;…\a`. Printable text, including
// any script and emoji, passes unchanged.
func printable(s string) string {
	if !strings.ContainsFunc(s, needsEscape) && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case needsEscape(r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// needsEscape: control characters (C0, DEL, C1: escapes, line breaks,
// tabs), the Unicode line and paragraph separators, and the bidirectional
// controls that can make text read differently from what it is. Other
// format characters stay: the zero-width joiner holds emoji together.
func needsEscape(r rune) bool {
	return unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp, unicode.Bidi_Control)
}
