package library

import (
	"fmt"
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
)

// said is a word list written "text@start-end ...".
func said(t *testing.T, s string) []api.Word {
	t.Helper()
	var out []api.Word
	for _, f := range strings.Fields(s) {
		var w api.Word
		at := strings.LastIndex(f, "@")
		if _, err := fmt.Sscanf(f[at+1:], "%d-%d", &w.StartMS, &w.EndMS); err != nil {
			t.Fatalf("bad word %q: %v", f, err)
		}
		w.Text = f[:at]
		out = append(out, w)
	}
	return out
}

func writeWords(ws []api.Word) string {
	var b strings.Builder
	for i, w := range ws {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s@%d-%d", w.Text, w.StartMS, w.EndMS)
	}
	return b.String()
}

// TestRetimeWords: after a correction unchanged words keep their times and
// new ones share the time of what they replace, in a segment said from
// 1000 to 3000 ms.
func TestRetimeWords(t *testing.T) {
	const old = "we@1000-1200 ship@1300-1600 on@1700-1800 friday@1900-2400"
	cases := []struct {
		name, old, text, want string
	}{
		{"unchanged", old, "we ship on friday",
			"we@1000-1200 ship@1300-1600 on@1700-1800 friday@1900-2400"},
		{"case and punctuation are the same word", old, "We ship on Friday.",
			"We@1000-1200 ship@1300-1600 on@1700-1800 Friday.@1900-2400"},
		{"one word replaced takes its place", old, "we ship on thursday",
			"we@1000-1200 ship@1300-1600 on@1700-1800 thursday@1900-2400"},
		{"replaced in the middle", old, "we sail on friday",
			"we@1000-1200 sail@1300-1600 on@1700-1800 friday@1900-2400"},
		{"one word split in two shares its time", "road@1000-1500 map@1500-2000 today@2100-2500", "road map today",
			"road@1000-1500 map@1500-2000 today@2100-2500"},
		{"two words for one", "roadmap@1000-2000 today@2100-2500", "road map today",
			"road@1000-1500 map@1500-2000 today@2100-2500"},
		{"words added at the start", old, "so now we ship on friday",
			"so@1000-1000 now@1000-1000 we@1000-1200 ship@1300-1600 on@1700-1800 friday@1900-2400"},
		{"words added at the end take the rest of the segment", old, "we ship on friday at noon",
			"we@1000-1200 ship@1300-1600 on@1700-1800 friday@1900-2400 at@2400-2700 noon@2700-3000"},
		{"a word dropped", old, "we ship friday",
			"we@1000-1200 ship@1300-1600 friday@1900-2400"},
		{"all new words spread over the old ones", old, "completely different text here",
			"completely@1000-1350 different@1350-1700 text@1700-2050 here@2050-2400"},
		{"no old word times", "", "hello there",
			"hello@1000-2000 there@2000-3000"},
		{"a repeated word matches the first in order", "the@1000-1100 cat@1200-1500 the@1600-1700 end@1800-2000", "the end",
			"the@1000-1100 end@1800-2000"},
		{"inserted between two words: the pause between them", old, "we ship it on friday",
			"we@1000-1200 ship@1300-1600 it@1600-1700 on@1700-1800 friday@1900-2400"},
		{"emptied", old, "  ", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := writeWords(retimeWords(said(t, c.old), c.text, 1000, 3000))
			if got != c.want {
				t.Errorf("%q → %q\n got %s\nwant %s", c.old, c.text, got, c.want)
			}
		})
	}
}
