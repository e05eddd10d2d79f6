package sync

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
	"github.com/earshot/earshot/server/blob/s3store"
)

// s3Server starts an earshot-server whose audio store is the S3 gateway of
// the test environment, reached at endpoint (the gateway, or a proxy in
// front of it), in a fresh bucket.
func s3Server(t *testing.T, endpoint string) *testenv.Server {
	t.Helper()
	ak := os.Getenv("EARSHOT_TEST_S3_ACCESS_KEY")
	sk := os.Getenv("EARSHOT_TEST_S3_SECRET_KEY")
	bucket := "sync-" + strings.ToLower(api.NewID()[24:])
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider(ak, sk, "")}
	st := s3store.New(cfg, s3store.Options{Bucket: bucket, PathStyle: true})
	if err := st.EnsureBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	return startServer(t, "--blob", "s3", "--s3-bucket", bucket, "--s3-endpoint", endpoint, "--s3-path-style",
		"--s3-region", "us-east-1", "--s3-access-key", ak, "--s3-secret-key", sk)
}

// TestDirectUpload: with the S3 store the audio goes straight to object
// storage with presigned requests (the server never carries it), S3 refuses
// bytes damaged on the way by their SHA-256, and the engine sends them again.
func TestDirectUpload(t *testing.T) {
	gw := testenv.Need(t, "EARSHOT_TEST_S3_ENDPOINT", "an S3 gateway (start_s3)")
	u, err := url.Parse(gw)
	if err != nil {
		t.Fatal(err)
	}
	// Object storage is reached through a proxy that damages the first
	// two presigned uploads (the client's requests, not the server's).
	var damaged atomic.Int64
	proxy := newTCPProxyHead(t, u.Host, nil, func(head []byte) tcpFault {
		large := regexp.MustCompile(`(?i)\r\ncontent-length: \d{6,}\r\n`).Match(head)
		if bytes.HasPrefix(head, []byte("PUT ")) && bytes.Contains(head, []byte("X-Amz-Signature=")) && large && damaged.Add(1) <= 2 {
			return tcpFault{corruptUpAt: 100_000}
		}
		return tcpFault{}
	})
	srv := s3Server(t, proxy.URL())
	email, pw := newUser(t, srv.URL)
	h := newHTTPFaults(t, srv.URL)
	a := newDeviceVia(t, "A", srv.URL, h.srv.URL, email, pw, Options{DirectMax: 6_500_000, ChunkSize: api.MinChunkSize,
		Backoff: Backoff{Min: 10 * time.Millisecond, Max: 50 * time.Millisecond}})
	a.net.rt = noKeepAlive()
	var recs = []string{a.record(t, "direct 1", 300_000).ID, a.record(t, "direct 2", 6_000_000).ID, a.record(t, "direct 3", 1).ID}
	// Above DirectMax: resumable chunks through the server instead.
	big := a.record(t, "chunked", 7_000_000).ID
	syncUntilClean(t, a, 5)
	if proxy.flipped.Load() == 0 {
		t.Fatal("no byte was damaged on the way to object storage")
	}
	var presigned, through, chunks int
	for _, x := range h.hits() {
		switch {
		case strings.HasSuffix(x.path, big+"/upload-url"):
			t.Error("a recording above DirectMax went as one presigned request")
		case strings.HasSuffix(x.path, "/upload-url"):
			presigned++
		case strings.HasSuffix(x.path, big+"/content") && x.method == "PUT":
			chunks++
		case strings.HasSuffix(x.path, "/content"):
			through++
		}
	}
	if chunks < 2 {
		t.Errorf("the large recording went in %d requests, want chunks", chunks)
	}
	if presigned <= len(recs) || through != 0 { // more: S3 refused the damaged bytes and they went again
		t.Fatalf("%d presigned uploads (for %d recordings, one damaged), %d through the server; want all direct", presigned, len(recs), through)
	}
	b := newDevice(t, "B", srv.URL, email, pw, Options{})
	b.sync(t)
	for _, id := range append(recs, big) {
		if err := b.eng.Download(context.Background(), id); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.audio(t, id), b.audio(t, id)) {
			t.Fatalf("%s: object storage holds different bytes", id)
		}
	}

	// NoDirect sends the bytes through the server even so.
	c := newDeviceVia(t, "C", srv.URL, h.srv.URL, email, pw, Options{NoDirect: true})
	r := c.record(t, "through the server", 100_000)
	c.sync(t)
	through = 0
	for _, x := range h.hits() {
		if strings.HasSuffix(x.path, r.ID+"/content") {
			through++
		}
	}
	if through != 1 {
		t.Fatalf("NoDirect: %d uploads through the server, want 1", through)
	}
}

// TestDirectUploadRetriesABusyStore: object storage answers the first
// presigned upload with 409 (what Versity's gateway says while a delete
// removes the folder the object goes into; S3's "try again"): that is a
// passing trouble, not a conflict, so the engine sends it again within the
// same pass, and the pass ends clean.
func TestDirectUploadRetriesABusyStore(t *testing.T) {
	gw := testenv.Need(t, "EARSHOT_TEST_S3_ENDPOINT", "an S3 gateway (start_s3)")
	store := newHTTPFaults(t, gw)
	var presigned atomic.Int64
	store.setInject(func(r *http.Request) (int, http.Header, string) {
		if r.Method == http.MethodPut && r.URL.Query().Get("X-Amz-Signature") != "" && presigned.Add(1) == 1 {
			return http.StatusConflict, nil, `<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>ExistingObjectIsDirectory</Code><Message>Existing Object is a directory.</Message></Error>`
		}
		return 0, nil, ""
	})
	srv := s3Server(t, store.srv.URL)
	email, pw := newUser(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{})
	r := a.record(t, "busy store", 50_000)
	if sum := a.sync(t); sum.Uploaded != 1 {
		t.Fatalf("%+v, want one upload", sum)
	}
	if n := presigned.Load(); n != 2 {
		t.Fatalf("%d presigned uploads, want the refused one and one more", n)
	}
	b := newDevice(t, "B", srv.URL, email, pw, Options{})
	b.sync(t)
	if err := b.eng.Download(context.Background(), r.ID); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.audio(t, r.ID), b.audio(t, r.ID)) {
		t.Fatal("object storage holds different bytes")
	}
}
