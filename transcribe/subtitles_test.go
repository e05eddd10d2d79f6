package transcribe

import (
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
)

func sample() api.Transcript {
	words := func(start int64, texts ...string) []api.Word {
		var ws []api.Word
		for i, t := range texts {
			ws = append(ws, api.Word{StartMS: start + int64(i)*500, EndMS: start + int64(i)*500 + 400, Text: t})
		}
		return ws
	}
	long := words(3_600_000, strings.Fields("one two three four five six seven eight nine ten eleven twelve thirteen")...)
	return api.Transcript{Segments: []api.Segment{
		{StartMS: 1200, EndMS: 2100, Text: "hello there", Words: words(1200, "hello", "there")},
		{StartMS: 65_000, EndMS: 70_000, Text: "fixed --> by hand", Edited: true},
		{StartMS: 3_600_000, EndMS: 3_606_900, Text: "one … thirteen", Words: long},
	}}
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct{ format, want string }{
		{"txt", "[0:01.2] hello there\n[1:05] fixed --> by hand\n[1:00:00] one … thirteen\n"},
		{"srt", "1\n00:00:01,200 --> 00:00:02,100\nhello there\n\n" +
			"2\n00:01:05,000 --> 00:01:10,000\nfixed --> by hand\n\n" +
			"3\n01:00:00,000 --> 01:00:03,900\none two three four five six seven eight\n\n" +
			"4\n01:00:04,000 --> 01:00:06,400\nnine ten eleven twelve thirteen\n\n"},
		{"vtt", "WEBVTT\n\n00:00:01.200 --> 00:00:02.100\nhello there\n\n" +
			"00:01:05.000 --> 00:01:10.000\nfixed → by hand\n\n" +
			"01:00:00.000 --> 01:00:03.900\none two three four five six seven eight\n\n" +
			"01:00:04.000 --> 01:00:06.400\nnine ten eleven twelve thirteen\n\n"},
	} {
		var b strings.Builder
		if err := WriteFormat(&b, sample(), tc.format); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("%s:\n%s\nwant:\n%s", tc.format, b.String(), tc.want)
		}
	}
	if err := WriteFormat(&strings.Builder{}, sample(), "doc"); err == nil || !strings.Contains(err.Error(), "use txt, srt or vtt") {
		t.Errorf("unknown format: %v", err)
	}
}
