package sync

import (
	"slices"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/library"
)

// remoteMeta is the tags, favourite and bookmarks a server record holds.
func remoteMeta(r api.Recording) library.MetaSet {
	return library.MetaSet{Tags: r.Tags, Favorite: r.Favorite, Bookmarks: r.Bookmarks}
}

// remember notes what the server holds of a recording: the base of the next
// merge.
func remember(n *library.SyncItem, r api.Recording) {
	m := remoteMeta(r)
	n.RemoteVersion, n.RemoteTitle, n.Base = r.Version, r.Title, &m
}

// mergeMeta merges the metadata changed on this device (local, against
// base, what the server held when we last synced) with the server's, so
// that nothing either side did is lost:
//   - tags: the server's, plus the tags added here, minus those removed
//     here (a three-way merge); capped at api.MaxTags, the server's first;
//   - favourite: the server's, unless it was changed here;
//   - bookmarks: a union by id; one removed on either side stays removed;
//     one edited here and not on the server keeps the edit, else the
//     server's wins.
//
// With no base (never synced, or synced before the base was kept) tags and
// bookmarks are a plain union and a favourite on either side stays one.
func mergeMeta(base *library.MetaSet, local, server library.MetaSet) library.MetaSet {
	b := library.MetaSet{Favorite: local.Favorite && server.Favorite}
	if base != nil {
		b = *base
	}
	out := library.MetaSet{
		Tags:      mergeTags(b.Tags, local.Tags, server.Tags),
		Favorite:  server.Favorite,
		Bookmarks: mergeBookmarks(b.Bookmarks, local.Bookmarks, server.Bookmarks),
	}
	if local.Favorite != b.Favorite {
		out.Favorite = local.Favorite
	}
	return out
}

func mergeTags(base, local, server []string) []string {
	var out []string
	for _, t := range server {
		if !(slices.Contains(base, t) && !slices.Contains(local, t)) {
			out = append(out, t)
		}
	}
	for _, t := range local {
		if !slices.Contains(base, t) && !slices.Contains(out, t) && len(out) < api.MaxTags {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

func mergeBookmarks(base, local, server []api.Bookmark) []api.Bookmark {
	find := func(list []api.Bookmark, id string) (api.Bookmark, bool) {
		i := slices.IndexFunc(list, func(b api.Bookmark) bool { return b.ID == id })
		if i < 0 {
			return api.Bookmark{}, false
		}
		return list[i], true
	}
	var out []api.Bookmark
	for _, s := range server {
		l, here := find(local, s.ID)
		was, known := find(base, s.ID)
		switch {
		case !here && known:
			// removed here
		case here && known && !library.SameBookmark(l, was) && library.SameBookmark(s, was):
			out = append(out, l) // edited here only
		default:
			out = append(out, s)
		}
	}
	for _, l := range local {
		_, there := find(server, l.ID)
		_, known := find(base, l.ID)
		if !there && !known && len(out) < api.MaxBookmarks {
			out = append(out, l) // added here
		}
	}
	api.SortBookmarks(out)
	return out
}
