package s3store_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/awsconf"
	"github.com/earshot/earshot/internal/testenv"
	"github.com/earshot/earshot/server/blob"
	"github.com/earshot/earshot/server/blob/blobtest"
	"github.com/earshot/earshot/server/blob/s3store"
)

func open(t *testing.T) (*s3store.Store, string) {
	t.Helper()
	ep := testenv.Need(t, "EARSHOT_TEST_S3_ENDPOINT", "an S3 gateway")
	cfg, err := awsconf.Load(context.Background(), awsconf.Options{
		Endpoint: ep, AccessKey: os.Getenv("EARSHOT_TEST_S3_ACCESS_KEY"), SecretKey: os.Getenv("EARSHOT_TEST_S3_SECRET_KEY"),
	})
	if err != nil {
		t.Fatal(err)
	}
	bucket := "earshot-test-" + api.NewID()[24:]
	s := s3store.New(cfg, s3store.Options{Bucket: bucket, Prefix: "recordings/", PathStyle: true})
	if err := s.EnsureBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, ep + "/" + bucket + "/recordings/"
}

func TestContract(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store { s, _ := open(t); return s })
}

// TestCABundle: the S3 client works with AWS_CA_BUNDLE set and unset.
func TestCABundle(t *testing.T) {
	for _, v := range []string{"", "/etc/ssl/certs/ca-certificates.crt"} {
		t.Run("AWS_CA_BUNDLE="+v, func(t *testing.T) {
			t.Setenv("AWS_CA_BUNDLE", v)
			if v == "" {
				os.Unsetenv("AWS_CA_BUNDLE") // t.Setenv restores it afterwards
			}
			s, _ := open(t)
			data := []byte("hello")
			h := sha256.Sum256(data)
			if err := s.Put(context.Background(), blob.Key(api.NewID(), api.NewID()), bytes.NewReader(data), 5, h[:]); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestObjectsArePrivate: an object the store wrote cannot be read without
// credentials.
func TestObjectsArePrivate(t *testing.T) {
	s, base := open(t)
	k := blob.Key(api.NewID(), api.NewID())
	data := []byte("private audio")
	h := sha256.Sum256(data)
	if err := s.Put(context.Background(), k, bytes.NewReader(data), int64(len(data)), h[:]); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(base + k)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK || strings.Contains(string(body), "private audio") {
		t.Fatalf("anonymous GET of an object: HTTP %d", resp.StatusCode)
	}
}
