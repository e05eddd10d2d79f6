package s3store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/awsconf"
	"github.com/earshot/earshot/internal/testenv"
	"github.com/earshot/earshot/server/blob"
	"github.com/earshot/earshot/server/blob/blobtest"
)

// TestConfirmReadsBack: for objects the store reports no checksum for
// (written without one, as a store that ignores checksums would keep
// them), confirm reads the object back: whole, or part by part.
func TestConfirmReadsBack(t *testing.T) {
	ep := testenv.Need(t, "EARSHOT_TEST_S3_ENDPOINT", "an S3 gateway")
	ctx := context.Background()
	cfg, err := awsconf.Load(ctx, awsconf.Options{
		Endpoint: ep, AccessKey: os.Getenv("EARSHOT_TEST_S3_ACCESS_KEY"), SecretKey: os.Getenv("EARSHOT_TEST_S3_SECRET_KEY"),
	})
	if err != nil {
		t.Fatal(err)
	}
	s := New(cfg, Options{Bucket: "earshot-conf-" + api.NewID()[24:], PathStyle: true})
	if err := s.EnsureBucket(ctx); err != nil {
		t.Fatal(err)
	}
	sum := func(b []byte) []byte { h := sha256.Sum256(b); return h[:] }
	data := blobtest.Data(api.MinChunkSize+999, 21)
	put := func() string {
		key := blob.Key(api.NewID(), api.NewID())
		k, _ := s.key(key)
		if _, err := s.s3.PutObject(ctx, &s3.PutObjectInput{
			Bucket: &s.opt.Bucket, Key: k, Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data))),
		}); err != nil {
			t.Fatal(err)
		}
		if info, err := s.Stat(ctx, key); err != nil || info.SHA256 != nil {
			t.Fatalf("object written without a checksum: Stat = %+v, %v; want no SHA-256 reported", info, err)
		}
		return key
	}
	gone := func(key string) {
		t.Helper()
		if _, err := s.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Fatalf("object not removed after failing confirmation: %v", err)
		}
	}

	k := put()
	if err := s.confirm(ctx, k, int64(len(data)), sum(data), nil); err != nil {
		t.Fatalf("confirm the right object: %v", err)
	}
	if err := s.confirm(ctx, k, int64(len(data)), sum(data[1:]), nil); !errors.Is(err, blob.ErrDamaged) {
		t.Fatalf("confirm against another SHA-256: err = %v, want ErrDamaged", err)
	}
	gone(k)

	parts := []blob.Part{
		{Number: 1, Size: api.MinChunkSize, SHA256: sum(data[:api.MinChunkSize])},
		{Number: 2, Size: int64(len(data) - api.MinChunkSize), SHA256: sum(data[api.MinChunkSize:])},
	}
	k = put()
	if err := s.confirm(ctx, k, int64(len(data)), nil, parts); err != nil {
		t.Fatalf("confirm part by part: %v", err)
	}
	parts[1].SHA256 = sum(data[:10])
	if err := s.confirm(ctx, k, int64(len(data)), nil, parts); !errors.Is(err, blob.ErrDamaged) {
		t.Fatalf("confirm against another part SHA-256: err = %v, want ErrDamaged", err)
	}
	gone(k)

	k = put()
	if err := s.confirm(ctx, k, int64(len(data))+1, sum(data), nil); !errors.Is(err, blob.ErrDamaged) {
		t.Fatalf("confirm against another size: err = %v, want ErrDamaged", err)
	}
	gone(k)
}
