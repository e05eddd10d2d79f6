package server_test

import (
	"net/http"
	"testing"

	"github.com/earshot/earshot/api"
)

// DELETE takes a scope and keeps it on the tombstone (everywhere by
// default); an unknown scope is refused and deletes nothing.
func TestDeleteScope(t *testing.T) {
	srv := startServer(t, nil)
	c := signup(t, srv.URL)
	cloud, plain, kept := c.upload(randomData(1000), "cloud"), c.upload(randomData(1000), "plain"), c.upload(randomData(1000), "kept")
	before := c.list("", 100).Cursor

	if b := c.expect(http.StatusBadRequest, http.MethodDelete, "/v1/recordings/"+kept+"?scope=somewhere", nil); c.errCode(b) != api.CodeBadRequest {
		t.Fatalf("unknown scope: %s", b)
	}
	var r api.Recording
	c.decode(c.expect(http.StatusOK, http.MethodDelete, "/v1/recordings/"+cloud+"?scope=cloud", nil), &r)
	if !r.Deleted || r.DeleteScope != api.ScopeCloud {
		t.Fatalf("tombstone of a cloud delete: %+v", r)
	}
	c.expect(http.StatusOK, http.MethodDelete, "/v1/recordings/"+plain, nil)
	feed := c.list(before, 100)
	scopes := map[string]string{}
	for _, r := range feed.Recordings {
		if r.Deleted {
			scopes[r.ID] = r.DeleteScope
		}
	}
	if scopes[cloud] != api.ScopeCloud || scopes[plain] != api.ScopeEverywhere || len(scopes) != 2 {
		t.Fatalf("tombstones in the feed: %v", scopes)
	}
	if got := c.listAll(); !got[kept].Available || got[kept].Deleted {
		t.Fatalf("the recording refused a bad scope changed: %+v", got[kept])
	}
}

// TestDeleteScopeUpgrade: deleting everywhere a recording removed from the
// cloud before turns its tombstone into an "everywhere after cloud" one, as
// a new version in the feed (devices that kept their copies learn of it);
// the other way round, or the same scope again, changes nothing.
func TestDeleteScopeUpgrade(t *testing.T) {
	srv := startServer(t, nil)
	c := signup(t, srv.URL)
	up, same := c.upload(randomData(1000), "up"), c.upload(randomData(1000), "same")
	var first, again api.Recording
	c.decode(c.expect(http.StatusOK, http.MethodDelete, "/v1/recordings/"+up+"?scope=cloud", nil), &first)
	c.expect(http.StatusOK, http.MethodDelete, "/v1/recordings/"+same+"?scope=everywhere", nil)
	cursor := c.list("", 100).Cursor

	c.decode(c.expect(http.StatusOK, http.MethodDelete, "/v1/recordings/"+up+"?scope=everywhere", nil), &again)
	if !again.Deleted || again.DeleteScope != api.ScopeEverywhereAfterCloud || again.Version != first.Version+1 {
		t.Fatalf("everywhere after cloud: %+v (the cloud tombstone was v%d)", again, first.Version)
	}
	c.expect(http.StatusOK, http.MethodDelete, "/v1/recordings/"+same+"?scope=cloud", nil)
	c.expect(http.StatusOK, http.MethodDelete, "/v1/recordings/"+up+"?scope=everywhere", nil)
	feed := c.list(cursor, 100)
	if len(feed.Recordings) != 1 || feed.Recordings[0].ID != up || feed.Recordings[0].DeleteScope != api.ScopeEverywhereAfterCloud || feed.Recordings[0].Version != again.Version {
		t.Fatalf("the feed after the upgrade: %+v; want the one upgraded tombstone", feed.Recordings)
	}
}
