package api

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

var normalizeTagTests = []struct {
	in, want string
	bad      string // part of the reason when refused
}{
	{in: "work", want: "work"},
	{in: "  Work  ", want: "work"},
	{in: "#Draft", want: "draft"},
	{in: "big   meeting", want: "big meeting"},
	{in: "Été", want: "été"},
	{in: "c++", want: "c++"},
	{in: "会議", want: "会議"},
	{in: "", bad: "empty"},
	{in: "#", bad: "empty"},
	{in: "wo\x07rk", bad: "control character"},
	{in: "tab\there", bad: "control character"},
	{in: "zero\u200bwidth", bad: "control character"},
	{in: "bad\xffutf8", bad: "control character"},
	{in: "a,b", bad: "comma"},
	{in: "+x", bad: "starts with '+'"},
	{in: "-x", bad: "starts with '-'"},
	{in: strings.Repeat("é", MaxTagLen), want: strings.Repeat("é", MaxTagLen)},
	{in: strings.Repeat("é", MaxTagLen+1), bad: "longer than"},
}

func TestNormalizeTag(t *testing.T) {
	for _, tc := range normalizeTagTests {
		got, err := NormalizeTag(tc.in)
		if tc.bad == "" {
			if err != nil || got != tc.want {
				t.Errorf("NormalizeTag(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
			continue
		}
		var me *MetaError
		if !errors.As(err, &me) || !strings.Contains(err.Error(), tc.bad) || strings.ContainsAny(err.Error(), "\n\t\x07") {
			t.Errorf("NormalizeTag(%q) = %q, %v; want one line saying %q", tc.in, got, err, tc.bad)
		}
	}
}

func TestNormalizeTags(t *testing.T) {
	got, err := NormalizeTags([]string{"b", "A", "#a", "b "})
	if err != nil || !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("NormalizeTags = %q, %v", got, err)
	}
	if _, err := NormalizeTags([]string{"ok", "no\x00"}); err == nil {
		t.Fatal("a bad tag among good ones accepted")
	}
}

func TestNormalizeBookmarkName(t *testing.T) {
	for in, want := range map[string]string{"": "", "  Intro ": "Intro", "Q&A — part 2": "Q&A — part 2"} {
		if got, err := NormalizeBookmarkName(in); err != nil || got != want {
			t.Errorf("NormalizeBookmarkName(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"two\nlines", "bell\x07", strings.Repeat("x", MaxBookmarkNameLen+1)} {
		if _, err := NormalizeBookmarkName(bad); err == nil {
			t.Errorf("NormalizeBookmarkName(%q) accepted", bad)
		}
	}
}
