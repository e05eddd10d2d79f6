package s3store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/awsconf"
	"github.com/earshot/earshot/internal/testenv"
	"github.com/earshot/earshot/server/blob"
	"github.com/earshot/earshot/server/blob/blobtest"
	"github.com/earshot/earshot/server/blob/s3store"
	"github.com/earshot/earshot/server/internal/flipproxy"
)

// throughProxy returns a store on a fresh bucket whose traffic passes a
// proxy that damages what goes to the gateway when armed.
func throughProxy(t *testing.T) (*s3store.Store, *flipproxy.Proxy) {
	t.Helper()
	ep := testenv.Need(t, "EARSHOT_TEST_S3_ENDPOINT", "an S3 gateway")
	px, err := flipproxy.Start(ep)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { px.Close() })
	cfg, err := awsconf.Load(context.Background(), awsconf.Options{
		Endpoint: px.URL(), AccessKey: os.Getenv("EARSHOT_TEST_S3_ACCESS_KEY"), SecretKey: os.Getenv("EARSHOT_TEST_S3_SECRET_KEY"),
	})
	if err != nil {
		t.Fatal(err)
	}
	s := s3store.New(cfg, s3store.Options{Bucket: "earshot-dmg-" + api.NewID()[24:], PathStyle: true, SpoolDir: t.TempDir()})
	if err := s.EnsureBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, px
}

func sha(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

// damaged runs fn while the proxy damages one read, and checks it did.
func damaged(t *testing.T, px *flipproxy.Proxy, fn func()) {
	t.Helper()
	before := px.Damaged()
	px.Damage(1)
	fn()
	px.Damage(0)
	if px.Damaged() == before {
		t.Fatalf("the proxy damaged nothing, so this proves nothing")
	}
}

// TestDamagedPut: a whole object damaged on the way is refused as
// ErrDamaged (not ErrChecksum: the bytes given were right) and leaves
// nothing; bytes wrong from the start are still ErrChecksum.
func TestDamagedPut(t *testing.T) {
	s, px := throughProxy(t)
	ctx := context.Background()
	k := blob.Key(api.NewID(), api.NewID())
	data := blobtest.Data(3<<20+5, 11)
	damaged(t, px, func() {
		if err := s.Put(ctx, k, bytes.NewReader(data), int64(len(data)), sha(data)); !errors.Is(err, blob.ErrDamaged) || errors.Is(err, blob.ErrChecksum) {
			t.Fatalf("Put damaged on the way: err = %v, want ErrDamaged (and not ErrChecksum)", err)
		}
	})
	if _, err := s.Stat(ctx, k); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("damaged object stored: Stat err = %v", err)
	}
	wrong := sha([]byte("other"))
	if err := s.Put(ctx, k, bytes.NewReader(data), int64(len(data)), wrong); !errors.Is(err, blob.ErrChecksum) || errors.Is(err, blob.ErrDamaged) {
		t.Fatalf("Put with a wrong SHA-256: err = %v, want ErrChecksum only", err)
	}
	if err := s.Put(ctx, k, bytes.NewReader(data), int64(len(data)), sha(data)); err != nil {
		t.Fatalf("Put undamaged: %v", err)
	}
	if info, err := s.Stat(ctx, k); err != nil || !bytes.Equal(info.SHA256, sha(data)) {
		t.Fatalf("Stat = %+v, %v", info, err)
	}
}

// TestDamagedPart: a part damaged on the way is refused (ErrDamaged);
// sent again it is stored, and the upload completes to the right bytes.
// Completing with a part SHA-256 other than the stored part's is refused
// and leaves nothing.
func TestDamagedPart(t *testing.T) {
	s, px := throughProxy(t)
	ctx := context.Background()
	k := blob.Key(api.NewID(), api.NewID())
	data := blobtest.Data(api.MinChunkSize+4321, 12)
	id, err := s.CreateUpload(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	first, rest := data[:api.MinChunkSize], data[api.MinChunkSize:]
	damaged(t, px, func() {
		if _, err := s.UploadPart(ctx, k, id, 1, 0, bytes.NewReader(first), int64(len(first))); !errors.Is(err, blob.ErrDamaged) {
			t.Fatalf("UploadPart damaged on the way: err = %v, want ErrDamaged", err)
		}
	})
	p1, err := s.UploadPart(ctx, k, id, 1, 0, bytes.NewReader(first), int64(len(first)))
	if err != nil {
		t.Fatal(err)
	}
	p2, err := s.UploadPart(ctx, k, id, 2, int64(len(first)), bytes.NewReader(rest), int64(len(rest)))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CompleteUpload(ctx, k, id, []blob.Part{p1, p2}); err != nil {
		t.Fatalf("CompleteUpload: %v", err)
	}
	rc, err := s.Get(ctx, k, 0, -1)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	got.ReadFrom(rc)
	rc.Close()
	if !bytes.Equal(got.Bytes(), data) {
		t.Fatalf("completed object differs from the parts sent")
	}

	// A part list whose SHA-256 is not the stored part's.
	k2 := blob.Key(api.NewID(), api.NewID())
	id2, err := s.CreateUpload(ctx, k2)
	if err != nil {
		t.Fatal(err)
	}
	q1, err := s.UploadPart(ctx, k2, id2, 1, 0, bytes.NewReader(first), int64(len(first)))
	if err != nil {
		t.Fatal(err)
	}
	q1.SHA256 = sha(rest)
	if err := s.CompleteUpload(ctx, k2, id2, []blob.Part{q1}); !errors.Is(err, blob.ErrDamaged) {
		t.Fatalf("CompleteUpload with another part SHA-256: err = %v, want ErrDamaged", err)
	}
	if _, err := s.Stat(ctx, k2); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("object stored from a part with another SHA-256: Stat err = %v", err)
	}
	if _, err := s.UploadPart(ctx, k2, id2, 2, int64(len(first)), bytes.NewReader(rest), int64(len(rest))); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("the refused upload was not discarded: UploadPart err = %v", err)
	}
	// A part without a SHA-256 (stored by an older server) cannot be confirmed.
	k3 := blob.Key(api.NewID(), api.NewID())
	id3, err := s.CreateUpload(ctx, k3)
	if err != nil {
		t.Fatal(err)
	}
	r1, err := s.UploadPart(ctx, k3, id3, 1, 0, bytes.NewReader(first), int64(len(first)))
	if err != nil {
		t.Fatal(err)
	}
	r1.SHA256 = nil
	if err := s.CompleteUpload(ctx, k3, id3, []blob.Part{r1}); !errors.Is(err, blob.ErrDamaged) {
		t.Fatalf("CompleteUpload with a part without SHA-256: err = %v, want ErrDamaged", err)
	}
}
