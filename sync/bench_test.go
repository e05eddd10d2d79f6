package sync

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"testing"

	"github.com/earshot/earshot/library"
)

// BenchmarkNoopSync measures a pass with nothing to do over a library of
// 10,000 synced recordings (EARSHOT_BENCH_RECORDINGS to change): it must be
// one request (the change feed), whatever the library's size.
//
// scripts/bench/sync.sh sets EARSHOT_BENCH_SERVER, EARSHOT_BENCH_EMAIL,
// EARSHOT_BENCH_PASSWORD and EARSHOT_BENCH_DIR: the library is then built in
// that folder, against that server and account, and left there for the
// script to time `earshot sync` on it.
func BenchmarkNoopSync(b *testing.B) {
	ctx := context.Background()
	n := 10_000
	if v := os.Getenv("EARSHOT_BENCH_RECORDINGS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	url, email, pw, dir := os.Getenv("EARSHOT_BENCH_SERVER"), os.Getenv("EARSHOT_BENCH_EMAIL"),
		os.Getenv("EARSHOT_BENCH_PASSWORD"), os.Getenv("EARSHOT_BENCH_DIR")
	if url == "" {
		url = sharedServer(b).URL
		email, pw = newUser(b, url)
	}
	if dir == "" {
		dir = b.TempDir()
	}
	lib, err := library.Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer lib.Close()
	d := &device{name: "bench", dir: dir, lib: lib, net: &netSwitch{rt: NewTransport()}}
	if d.x, err = lib.SyncIndex(ctx); err != nil {
		b.Fatal(err)
	}
	c, err := NewClient(url, &http.Client{Transport: d.net})
	if err != nil {
		b.Fatal(err)
	}
	if d.sess, err = Login(ctx, c, NewMemoryStore(), email, pw); err != nil {
		b.Fatal(err)
	}
	key := AccountKey{Server: c.Server(), Email: email}
	if err := setLibraryAccount(ctx, d.x, key); err != nil {
		b.Fatal(err)
	}
	d.eng = New(d.x, c.WithAuth(d.sess), key, Options{Workers: 8})
	have, err := lib.Count(ctx, library.ListOptions{})
	if err != nil {
		b.Fatal(err)
	}
	for i := have; i < n; i++ {
		d.record(b, "bench "+strconv.Itoa(i), 64)
	}
	for range 2 { // the second pass reads back the feed of the first one's uploads
		if sum, err := d.eng.SyncOnce(ctx); err != nil || len(sum.Failed) > 0 {
			b.Fatalf("seed: %v %v", err, sum.Failed)
		}
	}
	b.ResetTimer()
	before := d.net.requests.Load()
	for range b.N {
		sum, err := d.eng.SyncOnce(ctx)
		if err != nil || sum.Uploaded+sum.Remote+len(sum.Failed) > 0 {
			b.Fatalf("not a no-op: %+v %v", sum, err)
		}
	}
	b.ReportMetric(float64(d.net.requests.Load()-before)/float64(b.N), "requests/op")
}
