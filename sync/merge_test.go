package sync

import (
	"slices"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
)

func bm(id string, at int64, name string) api.Bookmark {
	return api.Bookmark{ID: id, AtMS: at, Name: name, CreatedAt: time.UnixMilli(1_700_000_000_000).UTC()}
}

func set(fav bool, tags []string, marks ...api.Bookmark) library.MetaSet {
	return library.MetaSet{Tags: tags, Favorite: fav, Bookmarks: marks}
}

// mergeTests pins each rule of mergeMeta: base is what both sides last
// agreed on, local what this device has now, server what the server has.
var mergeTests = []struct {
	name                string
	base                *library.MetaSet
	local, server, want library.MetaSet
}{
	{name: "nothing changed", base: &library.MetaSet{Tags: []string{"a"}},
		local: set(false, []string{"a"}), server: set(false, []string{"a"}), want: set(false, []string{"a"})},
	{name: "tags added on both sides", base: &library.MetaSet{Tags: []string{"a"}},
		local: set(false, []string{"a", "here"}), server: set(false, []string{"a", "there"}), want: set(false, []string{"a", "here", "there"})},
	{name: "tag removed here, another added there", base: &library.MetaSet{Tags: []string{"a", "b"}},
		local: set(false, []string{"b"}), server: set(false, []string{"a", "b", "c"}), want: set(false, []string{"b", "c"})},
	{name: "tag removed there stays removed", base: &library.MetaSet{Tags: []string{"a", "b"}},
		local: set(false, []string{"a", "b", "x"}), server: set(false, []string{"a"}), want: set(false, []string{"a", "x"})},
	{name: "same tag added on both", base: &library.MetaSet{},
		local: set(false, []string{"work"}), server: set(false, []string{"work"}), want: set(false, []string{"work"})},
	{name: "favourite changed here wins", base: &library.MetaSet{},
		local: set(true, nil), server: set(false, nil), want: set(true, nil)},
	{name: "favourite changed there wins when unchanged here", base: &library.MetaSet{Favorite: true},
		local: set(true, nil), server: set(false, nil), want: set(false, nil)},
	{name: "no base: union, a favourite stays", base: nil,
		local: set(true, []string{"a"}, bm("1", 10, "")), server: set(false, []string{"b"}, bm("2", 20, "")),
		want: set(true, []string{"a", "b"}, bm("1", 10, ""), bm("2", 20, ""))},
	{name: "bookmarks added on both sides", base: &library.MetaSet{Bookmarks: []api.Bookmark{bm("1", 10, "")}},
		local: set(false, nil, bm("1", 10, ""), bm("3", 30, "mine")), server: set(false, nil, bm("1", 10, ""), bm("2", 20, "theirs")),
		want: set(false, nil, bm("1", 10, ""), bm("2", 20, "theirs"), bm("3", 30, "mine"))},
	{name: "bookmark removed here stays removed", base: &library.MetaSet{Bookmarks: []api.Bookmark{bm("1", 10, "")}},
		local: set(false, nil), server: set(false, nil, bm("1", 10, ""), bm("2", 20, "")),
		want: set(false, nil, bm("2", 20, ""))},
	{name: "bookmark removed there stays removed", base: &library.MetaSet{Bookmarks: []api.Bookmark{bm("1", 10, "")}},
		local: set(false, nil, bm("1", 10, "")), server: set(false, nil), want: set(false, nil)},
	{name: "bookmark renamed here only", base: &library.MetaSet{Bookmarks: []api.Bookmark{bm("1", 10, "")}},
		local: set(false, nil, bm("1", 10, "Intro")), server: set(false, nil, bm("1", 10, "")), want: set(false, nil, bm("1", 10, "Intro"))},
	{name: "bookmark renamed on both: the server's", base: &library.MetaSet{Bookmarks: []api.Bookmark{bm("1", 10, "")}},
		local: set(false, nil, bm("1", 10, "mine")), server: set(false, nil, bm("1", 10, "theirs")), want: set(false, nil, bm("1", 10, "theirs"))},
}

func TestMergeMeta(t *testing.T) {
	for _, tc := range mergeTests {
		got := mergeMeta(tc.base, tc.local, tc.server)
		if !got.Equal(tc.want) {
			t.Errorf("%s: merge = %+v, want %+v", tc.name, got, tc.want)
		}
		// Merging again with the result as both sides changes nothing.
		if again := mergeMeta(&got, got, got); !again.Equal(got) {
			t.Errorf("%s: not stable: %+v", tc.name, again)
		}
	}
}

func TestMergeTagsCapped(t *testing.T) {
	var mine, theirs []string
	for i := range api.MaxTags {
		mine, theirs = append(mine, "m"+string(rune('a'+i))), append(theirs, "t"+string(rune('a'+i)))
	}
	got := mergeMeta(&library.MetaSet{}, set(false, mine), set(false, theirs))
	if len(got.Tags) != api.MaxTags || !slices.Equal(got.Tags, theirs) {
		t.Fatalf("capped merge kept %d tags: %v", len(got.Tags), got.Tags)
	}
}
