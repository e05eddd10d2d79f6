package textfold

import (
	"slices"
	"testing"
)

func TestFold(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Memo", "memo"},
		{"Été à Noël", "ete a noel"},
		{"ＭＥＭＯ １２", "memo 12"},
		{"ﬁle", "file"},
		{"e\u0301te\u0301", "ete"}, // decomposed accents
		{"ÇA", "ca"},
		{"메모", "\u1106\u1166\u1106\u1169"}, // Hangul syllables decompose to jamo, on both sides alike
	} {
		got := Fold(c.in)
		if got != c.want {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.want)
		}
		if Fold(got) != got {
			t.Errorf("Fold(Fold(%q)) = %q, not %q", c.in, Fold(got), got)
		}
	}
}

func TestRanges(t *testing.T) {
	for _, c := range []struct {
		s, q string
		want []Range
	}{
		{"Standup notes", "not", []Range{{8, 11}}},
		{"Standup notes", "NOT", []Range{{8, 11}}},
		{"Standup notes", "  not ", []Range{{8, 11}}},
		{"banana", "an", []Range{{1, 3}, {3, 5}}},
		{"aaaa", "aa", []Range{{0, 2}, {2, 4}}},
		{"Été à Noël", "ete", []Range{{0, 5}}},   // É and é are two bytes each
		{"Été à Noël", "noel", []Range{{9, 14}}}, // ë is two bytes
		{"Café", "cafe", []Range{{0, 5}}},
		{"Café", "é", []Range{{3, 5}}},
		{"ＭＥＭＯ 2", "memo", []Range{{0, 12}}}, // full-width letters are three bytes
		{"memo", "ＭＥＭＯ", []Range{{0, 4}}},    // and the other way round
		{"ﬁle", "fi", []Range{{0, 3}}},       // a ligature is matched whole
		{"ﬁle", "il", []Range{{0, 4}}},       // a match inside it covers it
		{"★ Memo", "memo", []Range{{4, 8}}},
		{"Memo", "", nil},
		{"Memo", "  ", nil},
		{"Memo", "talk", nil},
		{"회의 메모", "메모", []Range{{7, 13}}},
	} {
		if got := Ranges(c.s, c.q); !slices.Equal(got, c.want) {
			t.Errorf("Ranges(%q, %q) = %v, want %v", c.s, c.q, got, c.want)
		}
	}
}
