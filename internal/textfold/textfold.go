// Package textfold is the folding title search uses: case, accents and
// character width, so "ete" finds "Été" and "ＭＥＭＯ" finds "memo". Ranges
// says where a query matches a text, in the text's own bytes, so the window
// can highlight what the filter matched.
package textfold

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold is s in lower case, without accents (combining marks after NFKD),
// with compatibility forms (full-width letters, ligatures) made plain.
func Fold(s string) string {
	if isASCII(s) {
		return strings.ToLower(s)
	}
	var b strings.Builder
	for _, r := range s {
		b.WriteString(foldRune(r))
	}
	return b.String()
}

// foldRune folds one rune; Fold is the concatenation over a string's runes,
// which is what lets Ranges map matches back.
func foldRune(r rune) string {
	if r < utf8.RuneSelf {
		return string(unicode.ToLower(r))
	}
	var b strings.Builder
	for _, d := range norm.NFKD.String(string(r)) {
		if !unicode.Is(unicode.Mn, d) {
			b.WriteRune(unicode.ToLower(d))
		}
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Range is a match, as byte offsets [Start, End) into the text searched.
type Range struct{ Start, End int }

// Ranges lists where query (trimmed, as the filter trims it) matches s
// after folding both, left to right and not overlapping. A match that
// starts or ends inside what one rune of s folds to covers that whole rune.
func Ranges(s, query string) []Range {
	q := Fold(strings.TrimSpace(query))
	if q == "" {
		return nil
	}
	// folded is Fold(s); from[i] and to[i] are the bytes of s the folded
	// byte i came from.
	var folded strings.Builder
	var from, to []int
	for i, r := range s {
		f := foldRune(r)
		folded.WriteString(f)
		for range len(f) {
			from = append(from, i)
			to = append(to, i+utf8.RuneLen(r))
		}
	}
	text := folded.String()
	var out []Range
	for at := 0; at < len(text); {
		k := strings.Index(text[at:], q)
		if k < 0 {
			break
		}
		start, end := at+k, at+k+len(q)
		out = append(out, Range{from[start], to[end-1]})
		at = end
	}
	return out
}
