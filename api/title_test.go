package api

import (
	"errors"
	"strings"
	"testing"
)

var titleTests = []struct {
	title string
	ok    bool
	clean string // CleanTitle's result
}{
	{"Call with Ana", true, "Call with Ana"},
	{"会議 🎙 notes", true, "会議 🎙 notes"},
	{"", true, ""},
	{"  padded  ", true, "padded"},
	{"two\nlines", false, "two lines"},
	{"carriage\rreturn", false, "carriage return"},
	{"tab\there", false, "tab here"},
	{"\x1b]0;pwned\a", false, "]0;pwned"},
	{"clear \x1b[2J screen", false, "clear [2J screen"},
	{"c1 \u009b csi", false, "c1 csi"},
	{"line\u2028separator", false, "line separator"},
	{"bad \xff utf8", false, "bad \uFFFD utf8"},
	{strings.Repeat("a", MaxTitleBytes), true, strings.Repeat("a", MaxTitleBytes)},
	{strings.Repeat("a", MaxTitleBytes+1), false, strings.Repeat("a", MaxTitleBytes)},
	// 334 × 3 bytes = 1002: cut to 333 whole characters.
	{strings.Repeat("会", 334), false, strings.Repeat("会", 333)},
}

func TestCheckTitle(t *testing.T) {
	for _, tc := range titleTests {
		err := CheckTitle(tc.title)
		if (err == nil) != tc.ok {
			t.Errorf("CheckTitle(%q) = %v, want ok=%v", tc.title, err, tc.ok)
		}
		var te *TitleError
		if err != nil && (!errors.As(err, &te) || strings.ContainsAny(err.Error(), "\n\x1b")) {
			t.Errorf("CheckTitle(%q): %q is not a one-line *TitleError", tc.title, err)
		}
		got := CleanTitle(tc.title)
		if got != tc.clean {
			t.Errorf("CleanTitle(%q) = %q, want %q", tc.title, got, tc.clean)
		}
		if err := CheckTitle(got); err != nil {
			t.Errorf("CleanTitle(%q) = %q, which CheckTitle refuses: %v", tc.title, got, err)
		}
	}
}

func FuzzCleanTitle(f *testing.F) {
	for _, tc := range titleTests {
		f.Add(tc.title)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if err := CheckTitle(CleanTitle(s)); err != nil {
			t.Fatalf("CleanTitle(%q) = %q: %v", s, CleanTitle(s), err)
		}
	})
}
