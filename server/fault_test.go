package server_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"reflect"
	"sync/atomic"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/cmd/earshot-server/stores"
	"github.com/earshot/earshot/server"
	"github.com/earshot/earshot/server/blob"
	"github.com/earshot/earshot/server/meta"
)

var errInjected = errors.New("injected store failure")

// flakyBlob wraps a real blob store; while armed, writes fail after
// failAfter bytes of the body have gone through.
type flakyBlob struct {
	blob.Store
	armed     atomic.Bool
	failAfter int64
}

type breakingReader struct {
	r    io.Reader
	left int64
}

func (b *breakingReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, errInjected
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

func (f *flakyBlob) Put(ctx context.Context, key string, r io.Reader, size int64, sum []byte) error {
	if f.armed.Load() {
		r = &breakingReader{r: r, left: f.failAfter}
	}
	return f.Store.Put(ctx, key, r, size, sum)
}

func (f *flakyBlob) UploadPart(ctx context.Context, key, id string, n int, off int64, r io.Reader, size int64) (blob.Part, error) {
	if f.armed.Load() {
		r = &breakingReader{r: r, left: f.failAfter}
	}
	return f.Store.UploadPart(ctx, key, id, n, off, r, size)
}

// flakyMeta wraps a real metadata store; while armed, changes to
// recordings and uploads fail.
type flakyMeta struct {
	meta.Store
	armed atomic.Bool
}

func (f *flakyMeta) UpdateRecording(ctx context.Context, userID, id string, fn meta.UpdateFunc) (meta.Recording, error) {
	if f.armed.Load() {
		return meta.Recording{}, errInjected
	}
	return f.Store.UpdateRecording(ctx, userID, id, fn)
}

func (f *flakyMeta) PutUpload(ctx context.Context, u meta.Upload, prev int64) error {
	if f.armed.Load() {
		return errInjected
	}
	return f.Store.PutUpload(ctx, u, prev)
}

// TestStoreFailures: a store that fails in the middle of a request makes
// the server answer 5xx, and the metadata stays as it was: nothing listed
// available, versions unchanged, uploads resumable.
func TestStoreFailures(t *testing.T) {
	var cfg server.Config
	if err := cfg.Parse("test", []string{"--data-dir", t.TempDir()}, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	m0, b0, err := stores.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer m0.Close()
	m, b := &flakyMeta{Store: m0}, &flakyBlob{Store: b0, failAfter: 1 << 20}
	hs := httptest.NewServer(server.New(cfg, m, b, slog.New(slog.NewTextHandler(io.Discard, nil))).Handler())
	defer hs.Close()
	c := signup(t, hs.URL)
	data := randomData(6<<20 + 100)
	id := c.create(data, "faults")
	before := c.list("", 10)

	fivexx := func(method, path string, body any, hdr ...string) {
		t.Helper()
		resp, out := c.do(method, path, body, hdr...)
		if resp.StatusCode < 500 {
			t.Fatalf("%s %s with a failing store: HTTP %d %s, want 5xx", method, path, resp.StatusCode, out)
		}
		// A store failing mid-transfer is "unavailable" (try again); one
		// failing elsewhere "internal".
		if code := c.errCode(out); code != api.CodeInternal && code != api.CodeUnavailable {
			t.Fatalf("error body %s", out)
		}
	}
	b.armed.Store(true)
	fivexx("PUT", "/v1/recordings/"+id+"/content", data)
	fivexx("PUT", "/v1/recordings/"+id+"/content", data[:5<<20], "Content-Range", chunkHeader(0, 5<<20, len(data)))
	b.armed.Store(false)
	if st := c.status(id); st.Received != 0 {
		t.Fatalf("a failed chunk counted: %+v", st)
	}
	// The blob store succeeds, the metadata store fails when recording it.
	m.armed.Store(true)
	fivexx("PUT", "/v1/recordings/"+id+"/content", data[:5<<20], "Content-Range", chunkHeader(0, 5<<20, len(data)))
	fivexx("PUT", "/v1/recordings/"+id+"/content", data)
	fivexx("PUT", "/v1/recordings/"+id, metaFor(data, "renamed"), "If-Match", "1")
	fivexx("DELETE", "/v1/recordings/"+id, nil)
	m.armed.Store(false)
	after := c.list("", 10)
	if len(after.Recordings) != 1 || !reflect.DeepEqual(after.Recordings[0], before.Recordings[0]) {
		t.Fatalf("metadata changed by failed requests:\nbefore %+v\nafter  %+v", before.Recordings, after.Recordings)
	}
	c.expect(404, "GET", "/v1/recordings/"+id+"/content", nil)
	// Everything works again once the stores do.
	c.expect(202, "PUT", "/v1/recordings/"+id+"/content", data[:5<<20], "Content-Range", chunkHeader(0, 5<<20, len(data)))
	c.expect(200, "PUT", "/v1/recordings/"+id+"/content", data[5<<20:], "Content-Range", chunkHeader(5<<20, len(data), len(data)))
	if got := c.content(id); string(got) != string(data) {
		t.Fatalf("content differs after recovery")
	}
}
