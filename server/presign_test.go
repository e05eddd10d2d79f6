package server_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/awsconf"
	"github.com/earshot/earshot/server/blob"
	"github.com/earshot/earshot/server/blob/s3store"
)

// presignedPut sends data to a presigned URL and fails unless S3 took it.
func presignedPut(t *testing.T, pu api.PresignedUpload, data []byte) {
	t.Helper()
	req, _ := http.NewRequest(pu.Method, pu.URL, bytes.NewReader(data))
	for h, v := range pu.Headers {
		req.Header.Set(h, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("presigned PUT: HTTP %d", resp.StatusCode)
	}
}

// TestPresignAfterDelete: a presigned URL still puts its object after the
// recording is deleted (S3 cannot take a URL back); the server removes that
// object once the URL has expired, and a restore never adopts it.
func TestPresignAfterDelete(t *testing.T) {
	env, args := cloudEnv(t)
	p := startServer(t, env, append(args, "--data-dir", t.TempDir(), "--presign-ttl", "2s")...)
	c := signup(t, p.URL)
	bucket := args[len(args)-2] // cloudEnv ends with --s3-bucket NAME --s3-path-style
	cfg, err := awsconf.Load(context.Background(), awsconf.Options{Endpoint: os.Getenv("EARSHOT_TEST_S3_ENDPOINT"),
		AccessKey: os.Getenv("EARSHOT_TEST_S3_ACCESS_KEY"), SecretKey: os.Getenv("EARSHOT_TEST_S3_SECRET_KEY")})
	if err != nil {
		t.Fatal(err)
	}
	store := s3store.New(cfg, s3store.Options{Bucket: bucket, Prefix: "recordings/", PathStyle: true})
	data := randomData(300_000)

	// Deleted, then the URL is used: the object goes once the URL expired.
	id := c.create(data, "deleted before its upload")
	var pu api.PresignedUpload
	c.decode(c.expect(200, "POST", "/v1/recordings/"+id+"/upload-url", nil), &pu)
	c.expect(200, "DELETE", "/v1/recordings/"+id, nil)
	presignedPut(t, pu, data)
	if _, err := store.Stat(context.Background(), blob.Key(c.userID, id)); err != nil {
		t.Fatalf("the late presigned PUT left no object, so this test shows nothing: %v", err)
	}
	for i := 0; ; i++ {
		_, err := store.Stat(context.Background(), blob.Key(c.userID, id))
		if errors.Is(err, blob.ErrNotFound) {
			break
		}
		if i == 600 {
			t.Fatalf("the object a presigned URL put after the delete is still in the bucket a minute later: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Deleted, the URL used, then restored: the parked object is not adopted.
	id2 := c.create(data, "restored")
	c.decode(c.expect(200, "POST", "/v1/recordings/"+id2+"/upload-url", nil), &pu)
	var tomb api.Recording
	c.decode(c.expect(200, "DELETE", "/v1/recordings/"+id2, nil), &tomb)
	presignedPut(t, pu, data)
	c.expect(201, "PUT", "/v1/recordings/"+id2, metaFor(data, "restored"), "If-Match", strconv.FormatInt(tomb.Version, 10))
	c.expect(409, "POST", "/v1/recordings/"+id2+"/upload/complete", nil)
	if r := c.listAll()[id2]; r.Available {
		t.Fatalf("the restored recording adopted an object uploaded after its delete")
	}
}
