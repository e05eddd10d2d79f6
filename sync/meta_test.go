package sync

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testenv"
	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/server/blob/s3store"
)

// metaServers are the two server set-ups the metadata tests run on: SQLite
// and disk (the shared server), DynamoDB (dynalite) and S3.
func metaServers(t *testing.T) map[string]func(*testing.T) string {
	return map[string]func(*testing.T) string{
		"sqlite":   func(t *testing.T) string { return sharedServer(t).URL },
		"dynamodb": func(t *testing.T) string { return cloudServer(t).URL },
	}
}

// cloudServer starts an earshot-server on dynalite and the S3 gateway, in a
// fresh table and bucket.
func cloudServer(t *testing.T) *testenv.Server {
	t.Helper()
	gw := testenv.Need(t, "EARSHOT_TEST_S3_ENDPOINT", "an S3 gateway (start_s3)")
	ddb := testenv.Need(t, "EARSHOT_TEST_DYNAMODB_ENDPOINT", "dynalite (start_dynamodb)")
	ak, sk := os.Getenv("EARSHOT_TEST_S3_ACCESS_KEY"), os.Getenv("EARSHOT_TEST_S3_SECRET_KEY")
	id := strings.ToLower(api.NewID())
	bucket, table := "meta-"+id[24:], "meta-"+id
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(gw),
		Credentials: credentials.NewStaticCredentialsProvider(ak, sk, "")}
	if err := s3store.New(cfg, s3store.Options{Bucket: bucket, PathStyle: true}).EnsureBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	env := []string{"AWS_ACCESS_KEY_ID=dynalite", "AWS_SECRET_ACCESS_KEY=dynalite",
		"EARSHOT_SERVER_DYNAMODB_ENDPOINT=" + ddb, "EARSHOT_SERVER_DYNAMODB_TABLE=" + table}
	bin, err := testenv.Build("EARSHOT_SERVER_BIN", "github.com/earshot/earshot/cmd/earshot-server")
	if err != nil {
		t.Fatal(err)
	}
	setup := exec.Command(bin, "dynamodb-setup")
	setup.Env = testenv.Environ(env...)
	if out, err := setup.CombinedOutput(); err != nil {
		t.Fatalf("earshot-server dynamodb-setup: %v\n%s", err, out)
	}
	return testenv.StartServer(t, testenv.Env(env...), testenv.Args("--meta", "dynamodb", "--blob", "s3",
		"--s3-bucket", bucket, "--s3-endpoint", gw, "--s3-path-style", "--s3-region", "us-east-1",
		"--s3-access-key", ak, "--s3-secret-key", sk))
}

// TestMetadataSync: tags, favourite and bookmarks made on one device reach
// another (which has only the cloud entry, no audio); edits made on both
// devices while offline merge so that nothing either did is lost.
func TestMetadataSync(t *testing.T) {
	for name, server := range metaServers(t) {
		t.Run(name, func(t *testing.T) { metadataSync(t, server(t)) })
	}
}

func metadataSync(t *testing.T, url string) {
	ctx := context.Background()
	email, pw := newUser(t, url)
	a := newDevice(t, "A", url, email, pw, Options{})
	b := newDevice(t, "B", url, email, pw, Options{})
	r := a.record(t, "Interview", 10_000)
	must(t, a.lib.EditTags(ctx, r.ID, []string{"work", "draft"}, nil))
	must(t, a.lib.SetFavorite(ctx, r.ID, true))
	intro, err := a.lib.AddBookmark(ctx, r.ID, 100*time.Millisecond, "")
	must(t, err)
	cut, err := a.lib.AddBookmark(ctx, r.ID, 900*time.Millisecond, "cut here")
	must(t, err)
	a.sync(t)
	b.sync(t)
	got := b.item(t, r.ID)
	if got.SyncState != library.CloudOnly || !slices.Equal(got.Tags, []string{"draft", "work"}) || !got.Favorite ||
		len(got.Bookmarks) != 2 || got.Bookmarks[1].Name != "cut here" || got.RenamePending() {
		t.Fatalf("B after sync: %s tags %v fav %v marks %+v pending %v", got.SyncState, got.Tags, got.Favorite, got.Bookmarks, got.RenamePending())
	}
	if ls, err := b.lib.List(ctx, library.ListOptions{Tags: []string{"work"}}); err != nil || len(ls) != 1 {
		t.Fatalf("B: list --tag work: %d, %v", len(ls), err)
	}

	// Both offline, both edit.
	a.net.offline.Store(true)
	b.net.offline.Store(true)
	must(t, a.lib.EditTags(ctx, r.ID, []string{"from-a"}, []string{"draft"}))
	must(t, a.lib.RenameBookmark(ctx, intro.ID, "Intro"))
	fromA, err := a.lib.AddBookmark(ctx, r.ID, 500*time.Millisecond, "A's")
	must(t, err)
	must(t, b.lib.EditTags(ctx, r.ID, []string{"from-b"}, nil))
	must(t, b.lib.SetFavorite(ctx, r.ID, false))
	must(t, b.lib.RemoveBookmark(ctx, cut.ID))
	fromB, err := b.lib.AddBookmark(ctx, r.ID, 700*time.Millisecond, "B's")
	must(t, err)
	must(t, b.lib.Rename(ctx, r.ID, "Interview, edited"))
	a.net.offline.Store(false)
	b.net.offline.Store(false)
	a.sync(t)
	if sum := b.sync(t); sum.Conflicts != 0 {
		t.Fatalf("B: %+v: a merge of different fields is no conflict", sum)
	}
	a.sync(t)

	wantTags := []string{"from-a", "from-b", "work"}
	wantMarks := []string{intro.ID + " Intro", fromA.ID + " A's", fromB.ID + " B's"}
	for _, d := range []*device{a, b} {
		it := d.item(t, r.ID)
		var marks []string
		for _, m := range it.Bookmarks {
			marks = append(marks, m.ID+" "+m.Name)
		}
		if !slices.Equal(it.Tags, wantTags) || it.Favorite || !slices.Equal(marks, wantMarks) ||
			it.Title != "Interview, edited" || it.RenamePending() {
			t.Errorf("%s: title %q tags %v fav %v marks %v pending %v; want tags %v, no favourite, marks %v",
				d.name, it.Title, it.Tags, it.Favorite, marks, it.RenamePending(), wantTags, wantMarks)
		}
		if h, _ := d.x.TitleHistory(ctx, r.ID); len(h) != 0 {
			t.Errorf("%s: title history %+v, though only B renamed", d.name, h)
		}
	}
	srv := remote(t, a.sess.Client())[r.ID]
	if !slices.Equal(srv.Tags, wantTags) || srv.Favorite || len(srv.Bookmarks) != 3 {
		t.Fatalf("server: %+v", srv)
	}
	// Quiet now: another pass sends nothing.
	if sum := a.sync(t); sum.Renamed != 0 {
		t.Fatalf("A: a pass with nothing to do sent %+v", sum)
	}
}

// TestTagsSurviveRenameConflict: a rename that loses to another device's
// keeps the tags and bookmarks the losing device added.
func TestTagsSurviveRenameConflict(t *testing.T) {
	srv := sharedServer(t)
	ctx := context.Background()
	email, pw := newUser(t, srv.URL)
	a := newDevice(t, "A", srv.URL, email, pw, Options{})
	b := newDevice(t, "B", srv.URL, email, pw, Options{})
	r := a.record(t, "Original", 10_000)
	a.sync(t)
	b.sync(t)
	a.net.offline.Store(true)
	b.net.offline.Store(true)
	must(t, a.lib.Rename(ctx, r.ID, "A's title"))
	must(t, b.lib.Rename(ctx, r.ID, "B's title"))
	must(t, b.lib.EditTags(ctx, r.ID, []string{"keep-me"}, nil))
	mark, err := b.lib.AddBookmark(ctx, r.ID, 0, "mine")
	must(t, err)
	a.net.offline.Store(false)
	b.net.offline.Store(false)
	a.sync(t)
	if sum := b.sync(t); sum.Conflicts != 1 {
		t.Fatalf("B: %+v, want one (title) conflict", sum)
	}
	a.sync(t)
	for _, d := range []*device{a, b} {
		it := d.item(t, r.ID)
		if it.Title != "A's title" || !slices.Equal(it.Tags, []string{"keep-me"}) || len(it.Bookmarks) != 1 || it.Bookmarks[0].ID != mark.ID {
			t.Errorf("%s: %q tags %v marks %+v", d.name, it.Title, it.Tags, it.Bookmarks)
		}
	}
	if h, _ := b.x.TitleHistory(ctx, r.ID); len(h) != 1 || h[0].Title != "B's title" {
		t.Fatalf("B's title history %+v", h)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
