package cli

import "testing"

func TestPrintable(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Call with Ana", "Call with Ana"},
		{"会議 🎙 notes, café", "会議 🎙 notes, café"},
		{"family 👨\u200d👩\u200d👧", "family 👨\u200d👩\u200d👧"},
		{"\x1b]0;pwned\a", `\x1b]0;pwned\a`},
		{"clear\x1b[2J", `clear\x1b[2J`},
		{"two\nlines\tand tab", `two\nlines\tand tab`},
		{"c1 \u009b", `c1 \u009b`},
		{"rtl \u202eevil", `rtl \u202eevil`},
		{"bad \xff byte", `bad \xff byte`},
		{`back\slash`, `back\slash`},
	} {
		if got := printable(tc.in); got != tc.want {
			t.Errorf("printable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
