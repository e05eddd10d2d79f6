package server_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
)

// TestTwoInstancesOneKilled is the bounded load test of docs/SCALING.md:
// two instances on one DynamoDB table and one bucket, clients spread over
// both; one instance is killed (SIGKILL) while chunks are in flight. The
// other serves everything from then on: the broken uploads resume on it
// from the last stored chunk, nothing is ever listed before it is whole,
// and every recording ends complete and byte for byte right.
func TestTwoInstancesOneKilled(t *testing.T) {
	env, args := cloudEnv(t)
	a := startServer(t, env, append(args, "--data-dir", t.TempDir())...)
	b := startServer(t, env, append(args, "--data-dir", t.TempDir())...)
	const users, perUser = 6, 2
	size := api.MinChunkSize + 777
	start := time.Now()
	type upload struct {
		c    *client
		id   string
		data []byte
	}
	var ups []upload
	for i := 0; i < users; i++ {
		p := []*testenv.Server{a, b}[i%2]
		c := signup(t, p.URL)
		for j := 0; j < perUser; j++ {
			data := randomData(size)
			id := c.create(data, fmt.Sprintf("user %d rec %d", i, j))
			c.expect(202, "PUT", "/v1/recordings/"+id+"/content", data[:api.MinChunkSize], "Content-Range", chunkHeader(0, api.MinChunkSize, size))
			ups = append(ups, upload{c, id, data})
		}
	}
	// The last chunk of every upload on A is in flight when A dies.
	var inFlight []chan int
	var bodies []*slowBody
	for _, u := range ups {
		if u.c.base == a.URL {
			body, out := putSlow(u.c, "/v1/recordings/"+u.id+"/content", u.data[api.MinChunkSize:], chunkHeader(api.MinChunkSize, size, size), 100)
			inFlight, bodies = append(inFlight, out), append(bodies, body)
		}
	}
	killed := time.Now()
	a.Kill()
	for i, body := range bodies {
		close(body.release)
		if code := <-inFlight[i]; code >= 200 && code < 300 {
			t.Fatalf("a chunk sent to the killed instance succeeded: HTTP %d", code)
		}
	}
	// Everyone carries on with B.
	var wg sync.WaitGroup
	errs := make(chan error, len(ups))
	for _, u := range ups {
		u.c.base = b.URL
	}
	for _, u := range ups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if r := u.c.listAll()[u.id]; r.Available {
				errs <- fmt.Errorf("%s listed available before its last chunk", u.id)
			}
			st := u.c.status(u.id)
			if st.Received != int64(api.MinChunkSize) {
				errs <- fmt.Errorf("%s: B holds %d bytes, want the first chunk (%d)", u.id, st.Received, api.MinChunkSize)
				return
			}
			resp, body := u.c.do("PUT", "/v1/recordings/"+u.id+"/content", u.data[st.Received:], "Content-Range", chunkHeader(int(st.Received), size, size))
			if resp.StatusCode != 200 {
				errs <- fmt.Errorf("%s: last chunk on B: HTTP %d %s", u.id, resp.StatusCode, body)
			}
		}()
	}
	wg.Wait()
	recovered := time.Since(killed)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for _, u := range ups {
		if !bytes.Equal(u.c.content(u.id), u.data) {
			t.Fatalf("%s differs after the failover", u.id)
		}
	}
	t.Logf("%d users, %d uploads of %d bytes over two instances; %d chunks in flight on the killed one; all complete on the other %.2f s after the kill (whole run %.2f s)",
		users, len(ups), size, len(bodies), recovered.Seconds(), time.Since(start).Seconds())
}
