package server_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/awsconf"
	"github.com/earshot/earshot/internal/testenv"
	"github.com/earshot/earshot/server/blob/s3store"
)

// cloudEnv returns the environment and flags for a server on the S3
// gateway and dynalite, after creating a fresh bucket and (through the
// binary's dynamodb-setup) a fresh table.
func cloudEnv(t *testing.T) (env, args []string) {
	t.Helper()
	s3ep := testenv.Need(t, "EARSHOT_TEST_S3_ENDPOINT", "an S3 gateway")
	ddb := testenv.Need(t, "EARSHOT_TEST_DYNAMODB_ENDPOINT", "dynalite")
	ak, sk := os.Getenv("EARSHOT_TEST_S3_ACCESS_KEY"), os.Getenv("EARSHOT_TEST_S3_SECRET_KEY")
	id := api.NewID()
	bucket, table := "earshot-srv-"+id[24:], "earshot-srv-"+id
	cfg, err := awsconf.Load(context.Background(), awsconf.Options{Endpoint: s3ep, AccessKey: ak, SecretKey: sk})
	if err != nil {
		t.Fatal(err)
	}
	if err := s3store.New(cfg, s3store.Options{Bucket: bucket, PathStyle: true}).EnsureBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	env = []string{
		"EARSHOT_SERVER_S3_ACCESS_KEY=" + ak, "EARSHOT_SERVER_S3_SECRET_KEY=" + sk,
		"AWS_ACCESS_KEY_ID=dynalite", "AWS_SECRET_ACCESS_KEY=dynalite",
		"EARSHOT_SERVER_DYNAMODB_ENDPOINT=" + ddb, "EARSHOT_SERVER_DYNAMODB_TABLE=" + table,
	}
	args = []string{"--meta", "dynamodb", "--blob", "s3", "--s3-endpoint", s3ep, "--s3-bucket", bucket, "--s3-path-style"}
	setup := exec.Command(serverBin, "dynamodb-setup")
	setup.Env = testenv.Environ(env...)
	if out, err := setup.CombinedOutput(); err != nil {
		t.Fatalf("earshot-server dynamodb-setup: %v\n%s", err, out)
	}
	return env, args
}

// TestTwoInstances: with S3 and DynamoDB the server keeps no state of its
// own, so two instances serve one deployment: a session, an upload, the
// feed and the login limits carry from one to the other. One instance runs
// with AWS_CA_BUNDLE set, the other without it.
func TestTwoInstances(t *testing.T) {
	env, args := cloudEnv(t)
	a := startServer(t, append(env, "AWS_CA_BUNDLE"), append(args, "--data-dir", t.TempDir(), "--login-limit", "4", "--login-window", "24h")...)
	b := startServer(t, append(env, "AWS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt"), append(args, "--data-dir", t.TempDir(), "--login-limit", "4", "--login-window", "24h")...)
	onA := signup(t, a.URL)
	onB := *onA
	onB.base = b.URL
	var info api.ServerInfo
	onB.decode(onB.expect(200, "GET", "/v1/info", nil), &info)
	if !info.PresignedUploads {
		t.Fatalf("S3 store without presigned uploads")
	}

	// A chunked upload started on A and finished on B.
	data := randomData(11<<20 + 7)
	id := onA.create(data, "two instances")
	path := "/v1/recordings/" + id + "/content"
	onA.expect(202, "PUT", path, data[:5<<20], "Content-Range", chunkHeader(0, 5<<20, len(data)))
	if st := onB.status(id); st.Received != 5<<20 {
		t.Fatalf("B sees %+v", st)
	}
	onB.expect(202, "PUT", path, data[5<<20:10<<20], "Content-Range", chunkHeader(5<<20, 10<<20, len(data)))
	onA.expect(200, "PUT", path, data[10<<20:], "Content-Range", chunkHeader(10<<20, len(data), len(data)))
	if !bytes.Equal(onB.content(id), data) {
		t.Fatalf("B downloads other bytes")
	}
	// Bytes that do not match, through the server into S3, are refused.
	bad0 := append([]byte{}, data...)
	bad0[len(bad0)/2] ^= 1
	idBad := onA.create(data, "bad bytes")
	if b := onB.expect(400, "PUT", "/v1/recordings/"+idBad+"/content", bad0); onB.errCode(b) != api.CodeChecksum {
		t.Fatalf("mismatch through the server: %s", b)
	}
	onA.expect(404, "GET", "/v1/recordings/"+idBad+"/content", nil)
	// A presigned upload asked of A, confirmed by B.
	small := randomData(300_000)
	id2 := onA.create(small, "presigned")
	var pu api.PresignedUpload
	onA.decode(onA.expect(200, "POST", "/v1/recordings/"+id2+"/upload-url", nil), &pu)
	onB.expect(409, "POST", "/v1/recordings/"+id2+"/upload/complete", nil) // nothing uploaded yet
	req, _ := http.NewRequest(pu.Method, pu.URL, bytes.NewReader(small))
	for h, v := range pu.Headers {
		req.Header.Set(h, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("presigned PUT: HTTP %d", resp.StatusCode)
	}
	if lr := onA.listAll(); lr[id2].Available {
		t.Fatalf("listed available before the server confirmed the object")
	}
	var r api.Recording
	onB.decode(onB.expect(200, "POST", "/v1/recordings/"+id2+"/upload/complete", nil), &r)
	if !r.Available || !bytes.Equal(onA.content(id2), small) {
		t.Fatalf("after presigned upload: %+v", r)
	}
	// Wrong bytes through a presigned URL never become available.
	id3 := onA.create(small, "presigned bad")
	onA.decode(onA.expect(200, "POST", "/v1/recordings/"+id3+"/upload-url", nil), &pu)
	bad := append([]byte{}, small...)
	bad[0] ^= 1
	req, _ = http.NewRequest(pu.Method, pu.URL, bytes.NewReader(bad))
	for h, v := range pu.Headers {
		req.Header.Set(h, v)
	}
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Fatalf("the store took bytes that do not match x-amz-checksum-sha256")
		}
	}
	onB.expect(409, "POST", "/v1/recordings/"+id3+"/upload/complete", nil)

	// The feed is one feed; a session from A refreshes on B.
	feedA := onA.list("", 100)
	onB.expect(200, "DELETE", "/v1/recordings/"+id, nil)
	changes := onA.list(feedA.Cursor, 100)
	if len(changes.Recordings) != 1 || !changes.Recordings[0].Deleted {
		t.Fatalf("A's feed after B's delete: %+v", changes)
	}
	var s api.Session
	onB.decode(onB.expect(200, "POST", "/v1/sessions/refresh", api.RefreshRequest{RefreshToken: onA.refresh}), &s)
	// The same token again on A (B's answer lost) gets B's pair.
	var again api.Session
	onA.decode(onA.expect(200, "POST", "/v1/sessions/refresh", api.RefreshRequest{RefreshToken: onA.refresh}), &again)
	if again.RefreshToken != s.RefreshToken {
		t.Fatalf("a refresh presented again on another instance got a different pair")
	}
	// Failed logins count across instances: 2 on A + 2 on B reach the
	// account's limit of 4 (for an address it has never signed in from).
	victim := api.Credentials{Email: "victim-" + api.NewID()[30:] + "@example.com", Password: password}
	(&client{t: t, base: a.URL}).expect(201, "POST", "/v1/accounts", victim)
	for _, p := range []*testenv.Server{a, a, b, b} {
		(&client{t: t, base: p.URL}).expect(401, "POST", "/v1/sessions", api.Credentials{Email: victim.Email, Password: "wrong password"})
	}
	(&client{t: t, base: a.URL}).expect(429, "POST", "/v1/sessions", victim)
}

// TestCloudSecondUser: the ownership checks hold on the cloud stores too.
func TestCloudSecondUser(t *testing.T) {
	env, args := cloudEnv(t)
	p := startServer(t, env, append(args, "--data-dir", t.TempDir())...)
	alice, mallory := signup(t, p.URL), signup(t, p.URL)
	data := randomData(1000)
	id := alice.upload(data, "alice's")
	for _, route := range []struct{ method, path string }{
		{"GET", "/v1/recordings/" + id}, {"GET", "/v1/recordings/" + id + "/content"}, {"DELETE", "/v1/recordings/" + id},
		{"POST", "/v1/recordings/" + id + "/upload-url"}, {"POST", "/v1/recordings/" + id + "/upload/complete"},
		{"GET", "/v1/recordings/" + id + "/upload"},
	} {
		mallory.expect(404, route.method, route.path, nil)
	}
	if len(mallory.listAll()) != 0 || !bytes.Equal(alice.content(id), data) {
		t.Fatalf("mallory saw or changed alice's recording")
	}
}
