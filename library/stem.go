package library

import "strings"

// porterStem is Martin Porter's stemmer as SQLite's FTS5 "porter"
// tokenizer applies it (the variant of Porter's own C code: "bli", "logi"),
// so the library can tell which words of a segment a query matched
// without asking FTS5 once per hit. stem_test.go checks it against SQLite
// word for word over the pronouncing dictionary. w is lower-case ASCII;
// anything else, and words under 3 letters, are left as they are.
func porterStem(w string) string {
	if len(w) < 3 || len(w) > 64 || !isLowerASCII(w) {
		return w
	}
	b := []byte(w)
	b = step1a(b)
	b = step1b(b)
	b = step1c(b)
	b = step2(b)
	b = step3(b)
	b = step4(b)
	b = step5(b)
	return string(b)
}

func isLowerASCII(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// consonant reports whether b[i] is a consonant: not a vowel, and y only
// after a vowel (or first).
func consonant(b []byte, i int) bool {
	switch b[i] {
	case 'a', 'e', 'i', 'o', 'u':
		return false
	case 'y':
		return i == 0 || !consonant(b, i-1)
	}
	return true
}

// measure is m in [C](VC)^m[V] of b.
func measure(b []byte) int {
	m, i, n := 0, 0, len(b)
	for i < n && consonant(b, i) {
		i++
	}
	for i < n {
		for i < n && !consonant(b, i) {
			i++
		}
		if i >= n {
			break
		}
		for i < n && consonant(b, i) {
			i++
		}
		m++
	}
	return m
}

func hasVowel(b []byte) bool {
	for i := range b {
		if !consonant(b, i) {
			return true
		}
	}
	return false
}

// doubleC: b ends in a double consonant.
func doubleC(b []byte) bool {
	n := len(b)
	return n >= 2 && b[n-1] == b[n-2] && consonant(b, n-1)
}

// cvc: b ends consonant-vowel-consonant, the last not w, x or y.
func cvc(b []byte) bool {
	n := len(b)
	if n < 3 || !consonant(b, n-1) || consonant(b, n-2) || !consonant(b, n-3) {
		return false
	}
	c := b[n-1]
	return c != 'w' && c != 'x' && c != 'y'
}

func hasSuffix(b []byte, s string) bool { return strings.HasSuffix(string(b), s) }

// replace swaps suffix s for r when the stem before s has measure > m.
func replace(b []byte, s, r string, m int) ([]byte, bool) {
	if !hasSuffix(b, s) {
		return b, false
	}
	stem := b[:len(b)-len(s)]
	if measure(stem) > m {
		return append(stem[:len(stem):len(stem)], r...), true
	}
	return b, true // the suffix matched: no other rule of the step applies
}

func step1a(b []byte) []byte {
	switch {
	case hasSuffix(b, "sses"), hasSuffix(b, "ies"):
		return b[:len(b)-2]
	case hasSuffix(b, "ss"):
		return b
	case hasSuffix(b, "s"):
		return b[:len(b)-1]
	}
	return b
}

func step1b(b []byte) []byte {
	if hasSuffix(b, "eed") {
		if measure(b[:len(b)-3]) > 0 {
			return b[:len(b)-1]
		}
		return b
	}
	var stem []byte
	switch {
	case hasSuffix(b, "ed") && hasVowel(b[:len(b)-2]):
		stem = b[:len(b)-2]
	case hasSuffix(b, "ing") && hasVowel(b[:len(b)-3]):
		stem = b[:len(b)-3]
	default:
		return b
	}
	switch {
	case hasSuffix(stem, "at"), hasSuffix(stem, "bl"), hasSuffix(stem, "iz"):
		return append(stem[:len(stem):len(stem)], 'e')
	case doubleC(stem):
		if c := stem[len(stem)-1]; c != 'l' && c != 's' && c != 'z' {
			return stem[:len(stem)-1]
		}
	case measure(stem) == 1 && cvc(stem):
		return append(stem[:len(stem):len(stem)], 'e')
	}
	return stem
}

func step1c(b []byte) []byte {
	if hasSuffix(b, "y") && hasVowel(b[:len(b)-1]) {
		c := append([]byte(nil), b...)
		c[len(c)-1] = 'i'
		return c
	}
	return b
}

// rules applies the first rule whose suffix b has, if its stem's measure
// is over m.
func rules(b []byte, m int, pairs ...string) []byte {
	for i := 0; i < len(pairs); i += 2 {
		if out, matched := replace(b, pairs[i], pairs[i+1], m); matched {
			return out
		}
	}
	return b
}

func step2(b []byte) []byte {
	return rules(b, 0,
		"ational", "ate", "tional", "tion", "enci", "ence", "anci", "ance", "izer", "ize",
		"bli", "ble", "alli", "al", "entli", "ent", "eli", "e", "ousli", "ous",
		"ization", "ize", "ation", "ate", "ator", "ate", "alism", "al", "iveness", "ive",
		"fulness", "ful", "ousness", "ous", "aliti", "al", "iviti", "ive", "biliti", "ble", "logi", "log")
}

func step3(b []byte) []byte {
	return rules(b, 0,
		"icate", "ic", "ative", "", "alize", "al", "iciti", "ic", "ical", "ic", "ful", "", "ness", "")
}

func step4(b []byte) []byte {
	if hasSuffix(b, "ion") {
		stem := b[:len(b)-3]
		if n := len(stem); n > 0 && (stem[n-1] == 's' || stem[n-1] == 't') && measure(stem) > 1 {
			return stem
		}
		return b
	}
	return rules(b, 1,
		"al", "", "ance", "", "ence", "", "er", "", "ic", "", "able", "", "ible", "", "ant", "",
		"ement", "", "ment", "", "ent", "", "ou", "", "ism", "", "ate", "", "iti", "", "ous", "",
		"ive", "", "ize", "")
}

func step5(b []byte) []byte {
	if hasSuffix(b, "e") {
		stem := b[:len(b)-1]
		if m := measure(stem); m > 1 || (m == 1 && !cvc(stem)) {
			b = stem
		}
	}
	if hasSuffix(b, "ll") && measure(b) > 1 {
		b = b[:len(b)-1]
	}
	return b
}
