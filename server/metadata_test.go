package server_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
)

// TestMetadataVersions: tags, favourite and bookmarks are versioned with the
// title on both backends: stored in their normal form, kept when a PUT
// leaves them out, in the feed, refused with a stale If-Match (412 with the
// current metadata) and when malformed (400, one line, nothing changed).
func TestMetadataVersions(t *testing.T) {
	for _, backend := range []string{"sqlite", "dynamodb"} {
		t.Run(backend, func(t *testing.T) {
			var env, args []string
			if backend == "dynamodb" {
				env, args = cloudEnv(t)
			}
			s := startServer(t, env, append(args, "--data-dir", t.TempDir())...)
			metadataVersions(t, signup(t, s.URL))
		})
	}
}

func metadataVersions(t *testing.T, c *client) {
	data := randomData(1000)
	base := metaFor(data, "talk")
	id := api.NewID()
	path := "/v1/recordings/" + id
	c.expect(201, "PUT", path, base)
	first := c.list("", 10).Cursor
	mark := api.Bookmark{ID: api.NewID(), AtMS: 1000, Name: " Intro ", CreatedAt: time.Now()}
	m := base
	m.Tags, m.Favorite, m.Bookmarks = []string{"Work", "#draft", "work"}, true, []api.Bookmark{mark}
	var r api.Recording
	c.decode(c.expect(200, "PUT", path, m, "If-Match", "1"), &r)
	if r.Version != 2 || !slices.Equal(r.Tags, []string{"draft", "work"}) || !r.Favorite ||
		len(r.Bookmarks) != 1 || r.Bookmarks[0].Name != "Intro" || r.Bookmarks[0].AtMS != 1000 {
		t.Fatalf("after PUT of tags, favourite, bookmark: %+v", r)
	}
	// Sending the same again changes nothing; a rename sends the rest as is.
	m.Tags = []string{"draft", "work"}
	c.decode(c.expect(200, "PUT", path, m, "If-Match", "2"), &r)
	if r.Version != 2 {
		t.Fatalf("a PUT without changes made version %d", r.Version)
	}
	m.Title = "renamed"
	c.decode(c.expect(200, "PUT", path, m, "If-Match", "2"), &r)
	if r.Version != 3 || r.Title != "renamed" || len(r.Tags) != 2 || !r.Favorite || len(r.Bookmarks) != 1 {
		t.Fatalf("after a rename: %+v", r)
	}
	feed := c.list(first, 10)
	if len(feed.Recordings) != 1 || feed.Recordings[0].Version != 3 || len(feed.Recordings[0].Tags) != 2 {
		t.Fatalf("feed after the changes: %+v", feed.Recordings)
	}
	// Clearing is sending none.
	m.Tags, m.Bookmarks = nil, []api.Bookmark{}
	r = api.Recording{} // decode fills only what the answer has
	c.decode(c.expect(200, "PUT", path, m, "If-Match", "3"), &r)
	if r.Version != 4 || r.Tags != nil || r.Bookmarks != nil || !r.Favorite {
		t.Fatalf("after clearing: %+v", r)
	}
	// A stale version gets the current metadata back.
	m.Tags = []string{"late"}
	var st api.StaleError
	c.decode(c.expect(412, "PUT", path, m, "If-Match", "2"), &st)
	if st.Current.Version != 4 || st.Current.Tags != nil {
		t.Fatalf("412 body %+v", st)
	}
	for _, bad := range []func(*api.RecordingMeta){
		func(m *api.RecordingMeta) { m.Tags = []string{"wo\x07rk"} },
		func(m *api.RecordingMeta) { m.Tags = []string{"a,b"} },
		func(m *api.RecordingMeta) { m.Bookmarks = []api.Bookmark{{ID: "not-an-id"}} },
		func(m *api.RecordingMeta) { m.Bookmarks = []api.Bookmark{{ID: api.NewID(), AtMS: 99_999}} },
		func(m *api.RecordingMeta) { m.Bookmarks = []api.Bookmark{mark, mark} },
		func(m *api.RecordingMeta) { m.Bookmarks = []api.Bookmark{{ID: api.NewID(), Name: "two\nlines"}} },
	} {
		b := base
		b.Title = "renamed"
		bad(&b)
		var e api.Error
		c.decode(c.expect(400, "PUT", path, b, "If-Match", "4"), &e)
		if strings.ContainsAny(e.Message, "\n\r\x07") {
			t.Errorf("refusal %q is not one line", e.Message)
		}
	}
	// Within every per-field limit, but too large to store as one item.
	huge := base
	for range api.MaxBookmarks {
		huge.Bookmarks = append(huge.Bookmarks, api.Bookmark{ID: api.NewID(), AtMS: 1, Name: strings.Repeat("<", api.MaxBookmarkNameLen)})
	}
	c.expect(413, "PUT", path, huge, "If-Match", "4")
	c.decode(c.expect(200, "GET", path, nil), &r)
	if r.Version != 4 {
		t.Fatalf("refused PUTs changed the recording: %+v", r)
	}
}
