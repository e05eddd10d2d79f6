package server

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
)

func FuzzContentRange(f *testing.F) {
	for _, s := range []string{"bytes 0-99/100", "bytes 5-5/*", "bytes 0-0/0", "bytes -1-2/3", "bytes 01-2/3", "bytes 9223372036854775807-1/2", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cr, err := parseContentRange(s)
		if err != nil {
			return
		}
		if cr.start < 0 || cr.end < cr.start || (cr.total != -1 && cr.end >= cr.total) {
			t.Fatalf("%q parsed to %+v", s, cr)
		}
		total := "*"
		if cr.total >= 0 {
			total = fmt.Sprint(cr.total)
		}
		if back := fmt.Sprintf("bytes %d-%d/%s", cr.start, cr.end, total); back != s {
			t.Fatalf("%q parsed to %+v, which prints as %q", s, cr, back)
		}
	})
}

func FuzzRange(f *testing.F) {
	for _, s := range []string{"bytes=0-99", "bytes=-5", "bytes=10-", "bytes=0-1,2-3", "bytes=99999999999999999999-", "items=0-1"} {
		f.Add(s, int64(100))
	}
	f.Fuzz(func(t *testing.T, h string, size int64) {
		if size < 0 {
			return
		}
		off, n, ok, err := parseRange(h, size)
		if err != nil || !ok {
			return
		}
		if off < 0 || n <= 0 || off+n > size {
			t.Fatalf("Range %q on %d bytes gave offset %d length %d", h, size, off, n)
		}
	})
}

func FuzzIfMatch(f *testing.F) {
	for _, s := range []string{`"3"`, "3", `W/"3"`, `"0"`, `"-1"`, `"03"`, "*", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok, err := parseIfMatch(s)
		if err == nil && ok && v < 1 {
			t.Fatalf("If-Match %q gave version %d", s, v)
		}
	})
}

func FuzzCursor(f *testing.F) {
	f.Add("c1.5.1700000000")
	f.Add("c1..")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil {
			return
		}
		if c.seq < 0 || c.String() != s {
			t.Fatalf("cursor %q parsed to %+v, prints %q", s, c, c.String())
		}
	})
}

// FuzzRecordingMeta: whatever JSON comes in, accepted metadata is valid.
func FuzzRecordingMeta(f *testing.F) {
	f.Add([]byte(`{"title":"t","created_at":"2026-01-01T00:00:00Z","format":"opus","size_bytes":1,"sha256":"` + strings.Repeat("a", 64) + `"}`))
	f.Add([]byte(`{"title":"\u0000"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m api.RecordingMeta
		if err := decodeJSONFrom(bytes.NewReader(b), &m); err != nil {
			return
		}
		if checkMeta(&m) != nil {
			return
		}
		if !validSHA256(m.SHA256) || m.SizeBytes < 0 || !validFormat(m.Format) || m.CreatedAt.IsZero() {
			t.Fatalf("accepted %+v", m)
		}
	})
}

// FuzzCredentials: accepted emails are normalised and well-formed.
func FuzzCredentials(f *testing.F) {
	f.Add([]byte(`{"email":"A@b.c","password":"0123456789"}`))
	f.Add([]byte(`{"email":" @ "}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var c api.Credentials
		if err := decodeJSONFrom(bytes.NewReader(b), &c); err != nil {
			return
		}
		e, err := normaliseEmail(c.Email)
		if err != nil {
			return
		}
		if e != strings.ToLower(e) || strings.Count(e, "@") != 1 || strings.ContainsAny(e, " \t\n") {
			t.Fatalf("accepted email %q", e)
		}
	})
}

func TestPasswordHash(t *testing.T) {
	h := hashPassword("correct horse")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q", h)
	}
	if !checkPassword(h, "correct horse") || checkPassword(h, "correct horsE") || checkPassword("garbage", "x") {
		t.Fatal("checkPassword")
	}
	if hashPassword("correct horse") == h {
		t.Fatal("no salt")
	}
}
