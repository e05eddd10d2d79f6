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
