package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
)

// longTranscript is about two hours of speech with word times: far more
// than a DynamoDB item holds.
func longTranscript(minutes int) api.Transcript {
	t := api.Transcript{Engine: "pocketsphinx", Model: "en-us", Language: "en-US", CreatedAt: time.Now().UTC().Truncate(time.Millisecond)}
	for s := 0; s < minutes*12; s++ { // a segment every 5 s
		sg := api.Segment{StartMS: int64(s) * 5000, EndMS: int64(s)*5000 + 4800}
		for w := 0; w < 12; w++ {
			word := fmt.Sprintf("word%d", s*12+w)
			sg.Words = append(sg.Words, api.Word{StartMS: sg.StartMS + int64(w)*400, EndMS: sg.StartMS + int64(w)*400 + 350, Text: word, Conf: 0.8})
			sg.Text += word + " "
		}
		t.Segments = append(t.Segments, sg)
	}
	return t
}

// TestTranscriptRoute: PUT/GET /v1/recordings/{id}/transcript on both
// backends: versioned apart from the title (If-Match, 412 with the current
// version), a two-hour transcript stored whole (gzip or not as asked), in
// the change feed, refused when its times do not fit, and gone with its
// recording.
func TestTranscriptRoute(t *testing.T) {
	for _, backend := range []string{"sqlite", "dynamodb"} {
		t.Run(backend, func(t *testing.T) {
			var env, args []string
			if backend == "dynamodb" {
				env, args = cloudEnv(t)
			}
			s := startServer(t, env, append(args, "--data-dir", t.TempDir())...)
			transcriptRoute(t, signup(t, s.URL))
		})
	}
}

func transcriptRoute(t *testing.T, c *client) {
	data := randomData(1000)
	m := metaFor(data, "lecture")
	m.DurationMS = 2 * 3600 * 1000
	id := api.NewID()
	path := "/v1/recordings/" + id
	c.expect(201, "PUT", path, m)
	c.expect(404, "GET", path+"/transcript", nil)
	cursor := c.list("", 10).Cursor

	long := longTranscript(120)
	body, _ := json.Marshal(long)
	if len(body) < 1<<20 {
		t.Fatalf("the long transcript is only %d bytes", len(body))
	}
	var r api.Recording
	c.decode(c.expect(200, "PUT", path+"/transcript", body), &r)
	if r.TranscriptVersion != 1 || r.Version != 1 {
		t.Fatalf("after the first transcript: %+v", r)
	}
	feed := c.list(cursor, 10)
	if len(feed.Recordings) != 1 || feed.Recordings[0].TranscriptVersion != 1 {
		t.Fatalf("feed after the transcript: %+v", feed.Recordings)
	}
	// Plain JSON when gzip is not asked for; the stored gzip when it is.
	resp, plain := c.do("GET", path+"/transcript", nil)
	if resp.StatusCode != 200 || resp.Header.Get(api.HeaderTranscriptVersion) != "1" || !jsonEqual(t, plain, body) {
		t.Fatalf("GET transcript: %d, version %q, %d bytes", resp.StatusCode, resp.Header.Get(api.HeaderTranscriptVersion), len(plain))
	}
	resp, packed := c.do("GET", path+"/transcript", nil, "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" || len(packed) > len(body)/3 {
		t.Fatalf("gzip GET: %q, %d bytes of %d", resp.Header.Get("Content-Encoding"), len(packed), len(body))
	}
	zr, err := gzip.NewReader(bytes.NewReader(packed))
	if err != nil {
		t.Fatal(err)
	}
	if unz, _ := io.ReadAll(zr); !jsonEqual(t, unz, body) {
		t.Fatal("the gzipped transcript differs")
	}

	// Versions: a stale one is refused with the current version.
	short := longTranscript(1)
	short.Segments[0].Text, short.Segments[0].Edited = "corrected", true
	var st api.StaleError
	c.decode(c.expect(412, "PUT", path+"/transcript", short), &st)
	if st.Current.TranscriptVersion != 1 {
		t.Fatalf("412 without If-Match: %+v", st)
	}
	c.decode(c.expect(200, "PUT", path+"/transcript", short, "If-Match", "1"), &r)
	if r.TranscriptVersion != 2 || r.Version != 1 {
		t.Fatalf("after the correction: %+v", r)
	}
	c.expect(412, "PUT", path+"/transcript", short, "If-Match", "1")
	var got api.Transcript
	c.decode(c.expect(200, "GET", path+"/transcript", nil), &got)
	if len(got.Segments) != 12 || got.Segments[0].Text != "corrected" || !got.Segments[0].Edited {
		t.Fatalf("stored correction: %+v", got.Segments[0])
	}
	// A rename leaves the transcript alone, and the other way round.
	m.Title = "renamed"
	c.decode(c.expect(200, "PUT", path, m, "If-Match", "1"), &r)
	if r.Version != 2 || r.TranscriptVersion != 2 {
		t.Fatalf("after a rename: %+v", r)
	}
	bad := longTranscript(1)
	bad.Segments[3].EndMS = m.DurationMS + 60_000
	c.expect(400, "PUT", path+"/transcript", bad, "If-Match", "2")
	c.expect(400, "PUT", path+"/transcript", []byte(`{"segments": "nope"}`), "If-Match", "2")

	c.expect(200, "DELETE", path, nil)
	c.expect(404, "GET", path+"/transcript", nil)
	c.expect(404, "PUT", path+"/transcript", short, "If-Match", "2")
	if tomb := c.list(cursor, 10).Recordings; len(tomb) != 1 || !tomb[0].Deleted || tomb[0].TranscriptVersion != 0 {
		t.Fatalf("tombstone %+v", tomb)
	}
}

func jsonEqual(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y api.Transcript
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("not a transcript: %v", err)
	}
	json.Unmarshal(b, &y)
	xa, _ := json.Marshal(x)
	ya, _ := json.Marshal(y)
	return bytes.Equal(xa, ya)
}

// storedSize is the size of t as the server stores it (gzipped JSON),
// which is what counts toward the quota.
func storedSize(t *testing.T, tr api.Transcript) int64 {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(tr); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return int64(buf.Len())
}

// TestTranscriptQuota: on both backends a transcript counts toward the
// account's quota as stored; replacing it frees the old one's bytes; one
// that would go over the quota is refused (413 quota_exceeded) and the
// stored one stays; deleting the recording frees both.
func TestTranscriptQuota(t *testing.T) {
	for _, backend := range []string{"sqlite", "dynamodb"} {
		t.Run(backend, func(t *testing.T) {
			var env, args []string
			if backend == "dynamodb" {
				env, args = cloudEnv(t)
			}
			s := startServer(t, env, append(args, "--data-dir", t.TempDir(), "--quota-bytes", "60000")...)
			transcriptQuota(t, signup(t, s.URL))
		})
	}
}

func transcriptQuota(t *testing.T, c *client) {
	m := metaFor(randomData(1000), "lecture")
	m.DurationMS = 2 * 3600 * 1000
	id := api.NewID()
	path := "/v1/recordings/" + id
	c.expect(201, "PUT", path, m)
	small, medium, big := longTranscript(1), longTranscript(10), longTranscript(120)
	ss, ms, bs := storedSize(t, small), storedSize(t, medium), storedSize(t, big)
	if !(1000+ss < 1000+ms && 1000+ms < 60000 && 1000+bs > 60000) {
		t.Fatalf("stored sizes %d, %d, %d do not fit the test's quota", ss, ms, bs)
	}
	var r api.Recording
	c.decode(c.expect(200, "PUT", path+"/transcript", small), &r)
	if r.TranscriptBytes != ss {
		t.Fatalf("transcript_bytes %d, want %d", r.TranscriptBytes, ss)
	}
	if u := c.usage(); u.UsedBytes != 1000+ss {
		t.Fatalf("used %d with a transcript, want %d", u.UsedBytes, 1000+ss)
	}
	c.expect(200, "PUT", path+"/transcript", medium, "If-Match", "1")
	if u := c.usage(); u.UsedBytes != 1000+ms {
		t.Fatalf("used %d after replacing the transcript, want %d (the old one freed)", u.UsedBytes, 1000+ms)
	}
	b := c.expect(413, "PUT", path+"/transcript", big, "If-Match", "2")
	if c.errCode(b) != api.CodeQuota {
		t.Fatalf("over quota: %s", b)
	}
	if u := c.usage(); u.UsedBytes != 1000+ms {
		t.Fatalf("used %d after a refused transcript, want %d", u.UsedBytes, 1000+ms)
	}
	var got api.Transcript
	resp, body := c.do("GET", path+"/transcript", nil)
	c.decode(body, &got)
	if resp.Header.Get(api.HeaderTranscriptVersion) != "2" || len(got.Segments) != len(medium.Segments) {
		t.Fatalf("after the refused PUT: version %q, %d segments", resp.Header.Get(api.HeaderTranscriptVersion), len(got.Segments))
	}
	// A smaller one fits again; a new recording over what is left does not.
	c.expect(200, "PUT", path+"/transcript", small, "If-Match", "2")
	over := metaFor(randomData(60000-1000-int(ss)+1), "too much")
	c.expect(413, "PUT", "/v1/recordings/"+api.NewID(), over)
	c.expect(200, "DELETE", path, nil)
	if u := c.usage(); u.UsedBytes != 0 {
		t.Fatalf("used %d after deleting the recording, want 0", u.UsedBytes)
	}
}
