// Package blobtest is the contract suite every blob.Store implementation
// passes: call Run from the implementation's test with a function that
// returns a fresh store.
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/server/blob"
)

// Run runs the contract suite against the stores open returns.
func Run(t *testing.T, open func(t *testing.T) blob.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s blob.Store)
	}{
		{"PutGet", testPutGet},
		{"PutRejects", testPutRejects},
		{"Delete", testDelete},
		{"Multipart", testMultipart},
		{"MultipartRetryAndAbort", testMultipartRetry},
		{"HostileKeys", testHostileKeys},
		{"Presign", testPresign},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}

// Data returns n reproducible pseudo-random bytes.
func Data(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func key() string { return blob.Key(api.NewID(), api.NewID()) }

func sum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

// onlyReader hides every method but Read, so a store cannot seek or learn
// the length: the body is a network stream.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func read(t *testing.T, s blob.Store, k string, off, n int64) []byte {
	t.Helper()
	rc, err := s.Get(context.Background(), k, off, n)
	if err != nil {
		t.Fatalf("Get(%d, %d): %v", off, n, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return b
}

func testPutGet(t *testing.T, s blob.Store) {
	ctx := context.Background()
	k := key()
	data := Data(3<<20+17, 1)
	if err := s.Put(ctx, k, onlyReader{bytes.NewReader(data)}, int64(len(data)), sum(data)); err != nil {
		t.Fatalf("Put: %v", err)
	}
	if got := read(t, s, k, 0, -1); !bytes.Equal(got, data) {
		t.Fatalf("Get whole: %d bytes back, want %d equal", len(got), len(data))
	}
	if got := read(t, s, k, 1000, 5000); !bytes.Equal(got, data[1000:6000]) {
		t.Fatalf("Get range: wrong bytes")
	}
	if got := read(t, s, k, int64(len(data)-10), -1); !bytes.Equal(got, data[len(data)-10:]) {
		t.Fatalf("Get tail: wrong bytes")
	}
	info, err := s.Stat(ctx, k)
	if err != nil || info.Size != int64(len(data)) {
		t.Fatalf("Stat = %+v, %v", info, err)
	}
	if info.SHA256 != nil && !bytes.Equal(info.SHA256, sum(data)) {
		t.Fatalf("Stat SHA-256 = %x, want %x", info.SHA256, sum(data))
	}
	// Empty objects are objects too.
	e := key()
	if err := s.Put(ctx, e, bytes.NewReader(nil), 0, sum(nil)); err != nil {
		t.Fatalf("Put empty: %v", err)
	}
	if got := read(t, s, e, 0, -1); len(got) != 0 {
		t.Fatalf("empty object read %d bytes", len(got))
	}
	if _, err := s.Get(ctx, key(), 0, -1); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Get missing: err = %v, want ErrNotFound", err)
	}
	if _, err := s.Stat(ctx, key()); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Stat missing: err = %v, want ErrNotFound", err)
	}
}

func testPutRejects(t *testing.T, s blob.Store) {
	ctx := context.Background()
	data := Data(1<<20, 2)
	k := key()
	wrong := sum([]byte("something else"))
	if err := s.Put(ctx, k, onlyReader{bytes.NewReader(data)}, int64(len(data)), wrong); !errors.Is(err, blob.ErrChecksum) {
		t.Fatalf("Put with a wrong SHA-256: err = %v, want ErrChecksum", err)
	}
	if _, err := s.Stat(ctx, k); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("object stored despite a wrong SHA-256: Stat err = %v", err)
	}
	if err := s.Put(ctx, k, onlyReader{bytes.NewReader(data[:1000])}, int64(len(data)), sum(data)); err == nil {
		t.Fatalf("Put of a short body succeeded")
	}
	if _, err := s.Stat(ctx, k); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("object stored from a short body: Stat err = %v", err)
	}
	// A rejected Put leaves what the key held.
	if err := s.Put(ctx, k, bytes.NewReader(data), int64(len(data)), sum(data)); err != nil {
		t.Fatal(err)
	}
	other := Data(1<<20, 3)
	if err := s.Put(ctx, k, onlyReader{bytes.NewReader(other)}, int64(len(other)), wrong); !errors.Is(err, blob.ErrChecksum) {
		t.Fatalf("overwrite with a wrong SHA-256: err = %v", err)
	}
	if got := read(t, s, k, 0, -1); !bytes.Equal(got, data) {
		t.Fatalf("a rejected Put changed the object")
	}
}

func testDelete(t *testing.T, s blob.Store) {
	ctx := context.Background()
	k := key()
	data := Data(1000, 4)
	if err := s.Put(ctx, k, bytes.NewReader(data), 1000, sum(data)); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, k); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Stat(ctx, k); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Stat after Delete: err = %v", err)
	}
	if err := s.Delete(ctx, k); err != nil {
		t.Fatalf("Delete of a missing object: %v", err)
	}
}

func upload(t *testing.T, s blob.Store, k, id string, n int, off int64, b []byte) blob.Part {
	t.Helper()
	p, err := s.UploadPart(context.Background(), k, id, n, off, onlyReader{bytes.NewReader(b)}, int64(len(b)))
	if err != nil {
		t.Fatalf("UploadPart %d: %v", n, err)
	}
	if p.Number != n || p.Size != int64(len(b)) || p.ETag == "" || !bytes.Equal(p.SHA256, sum(b)) {
		t.Fatalf("UploadPart %d of %d bytes (SHA-256 %x) = %+v", n, len(b), sum(b), p)
	}
	return p
}

func testMultipart(t *testing.T, s blob.Store) {
	ctx := context.Background()
	k := key()
	data := Data(api.MinChunkSize*2+12345, 5)
	id, err := s.CreateUpload(ctx, k)
	if err != nil {
		t.Fatalf("CreateUpload: %v", err)
	}
	var parts []blob.Part
	for i, off := 1, 0; off < len(data); i++ {
		end := min(off+api.MinChunkSize, len(data))
		parts = append(parts, upload(t, s, k, id, i, int64(off), data[off:end]))
		off = end
	}
	if _, err := s.Stat(ctx, k); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("object visible before CompleteUpload: err = %v", err)
	}
	if err := s.CompleteUpload(ctx, k, id, parts); err != nil {
		t.Fatalf("CompleteUpload: %v", err)
	}
	if got := read(t, s, k, 0, -1); !bytes.Equal(got, data) {
		t.Fatalf("multipart object: %d bytes, want %d equal", len(got), len(data))
	}
	if info, err := s.Stat(ctx, k); err != nil || info.Size != int64(len(data)) {
		t.Fatalf("Stat = %+v, %v", info, err)
	}
}

// failing breaks off after n bytes, as a dropped connection does.
type failing struct {
	r io.Reader
	n int
}

func (f *failing) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if len(p) > f.n {
		p = p[:f.n]
	}
	n, err := f.r.Read(p)
	f.n -= n
	return n, err
}

func testMultipartRetry(t *testing.T, s blob.Store) {
	ctx := context.Background()
	k := key()
	data := Data(api.MinChunkSize+4096, 6)
	id, err := s.CreateUpload(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	first := data[:api.MinChunkSize]
	// A part that breaks off stores nothing; sending it again works.
	if _, err := s.UploadPart(ctx, k, id, 1, 0, &failing{bytes.NewReader(first), 1 << 20}, int64(len(first))); err == nil {
		t.Fatalf("UploadPart of a broken body succeeded")
	}
	if _, err := s.UploadPart(ctx, k, id, 1, 0, onlyReader{bytes.NewReader(first[:1000])}, int64(len(first))); !errors.Is(err, blob.ErrSize) {
		t.Fatalf("UploadPart of a short body: err = %v, want ErrSize", err)
	}
	upload(t, s, k, id, 1, 0, Data(len(first), 7)) // replaced below
	p1 := upload(t, s, k, id, 1, 0, first)
	p2 := upload(t, s, k, id, 2, int64(len(first)), data[len(first):])
	if err := s.CompleteUpload(ctx, k, id, []blob.Part{p1, p2}); err != nil {
		t.Fatalf("CompleteUpload: %v", err)
	}
	if got := read(t, s, k, 0, -1); !bytes.Equal(got, data) {
		t.Fatalf("retried parts: wrong content")
	}
	// An aborted upload leaves nothing.
	k2 := key()
	id2, err := s.CreateUpload(ctx, k2)
	if err != nil {
		t.Fatal(err)
	}
	upload(t, s, k2, id2, 1, 0, data[:1000])
	if err := s.AbortUpload(ctx, k2, id2); err != nil {
		t.Fatalf("AbortUpload: %v", err)
	}
	if _, err := s.Stat(ctx, k2); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Stat after abort: err = %v", err)
	}
	if _, err := s.UploadPart(ctx, k2, id2, 2, 1000, bytes.NewReader(data[:10]), 10); err == nil {
		t.Fatalf("UploadPart to an aborted upload succeeded")
	}
}

func testHostileKeys(t *testing.T, s blob.Store) {
	ctx := context.Background()
	data := []byte("x")
	for _, k := range []string{"../../etc/passwd", "/abs/key", "a/../../b", "a/b/c", "a", "", "A/B", "a/b\x00", "a/..", "./b"} {
		if err := s.Put(ctx, k, bytes.NewReader(data), 1, sum(data)); !errors.Is(err, blob.ErrBadKey) {
			t.Errorf("Put(%q): err = %v, want ErrBadKey", k, err)
		}
		if _, err := s.Get(ctx, k, 0, -1); !errors.Is(err, blob.ErrBadKey) {
			t.Errorf("Get(%q): err = %v, want ErrBadKey", k, err)
		}
		if err := s.Delete(ctx, k); !errors.Is(err, blob.ErrBadKey) {
			t.Errorf("Delete(%q): err = %v, want ErrBadKey", k, err)
		}
		if _, err := s.CreateUpload(ctx, k); !errors.Is(err, blob.ErrBadKey) {
			t.Errorf("CreateUpload(%q): err = %v, want ErrBadKey", k, err)
		}
	}
}

func testPresign(t *testing.T, s blob.Store) {
	p, ok := s.(blob.Presigner)
	if !ok {
		return // an optional capability
	}
	ctx := context.Background()
	data := Data(2<<20, 8)
	send := func(k string, body []byte) int {
		t.Helper()
		pu, err := p.PresignPut(ctx, k, int64(len(data)), sum(data), 5*time.Minute)
		if err != nil {
			t.Fatalf("PresignPut: %v", err)
		}
		req, err := http.NewRequestWithContext(ctx, pu.Method, pu.URL, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for h, v := range pu.Headers {
			req.Header.Set(h, v)
		}
		req.ContentLength = int64(len(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("presigned PUT: %v", err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	k := key()
	if code := send(k, data); code != http.StatusOK {
		t.Fatalf("presigned PUT: HTTP %d", code)
	}
	info, err := s.Stat(ctx, k)
	if err != nil || info.Size != int64(len(data)) || !bytes.Equal(info.SHA256, sum(data)) {
		t.Fatalf("Stat after presigned PUT = size %d sha %x, %v; want the SHA-256 the store verified", info.Size, info.SHA256, err)
	}
	bad := append([]byte{}, data...)
	bad[12345] ^= 1
	k2 := key()
	if code := send(k2, bad); code < 400 {
		t.Fatalf("presigned PUT of the wrong bytes: HTTP %d, want refused", code)
	}
	if _, err := s.Stat(ctx, k2); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("wrong bytes stored through a presigned URL: Stat err = %v", err)
	}
}
