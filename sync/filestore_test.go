package sync

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/earshot/earshot/api"
)

func TestFileStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "session.json")
	f := FileStore{Path: path}
	a := AccountKey{Server: "http://127.0.0.1:1", Email: "a@example.com"}
	b := AccountKey{Server: "http://127.0.0.1:1", Email: "b@example.com"}
	if _, err := f.Load(ctx, a); !errors.Is(err, ErrNoSession) {
		t.Fatalf("Load before any Save: %v", err)
	}
	if err := f.Save(ctx, a, api.Session{RefreshToken: "ra", AccessToken: "xa"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(ctx, b, api.Session{RefreshToken: "rb"}); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("session file %v, %v; want 0600", st.Mode(), err)
	}
	if s, err := f.Load(ctx, a); err != nil || s.RefreshToken != "ra" || s.AccessToken != "xa" {
		t.Fatalf("Load(a) = %+v, %v", s, err)
	}
	if err := f.Delete(ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Load(ctx, a); !errors.Is(err, ErrNoSession) {
		t.Fatalf("Load after Delete: %v", err)
	}
	if s, err := f.Load(ctx, b); err != nil || s.RefreshToken != "rb" {
		t.Fatalf("Delete(a) touched b: %+v, %v", s, err)
	}
	// The last session gone: the file goes too (so logout needs no space).
	if err := f.Delete(ctx, b); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("session file after the last Delete: %v; want it removed", err)
	}
	if _, err := f.Load(ctx, b); !errors.Is(err, ErrNoSession) {
		t.Fatalf("Load after the last Delete: %v", err)
	}
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Load(ctx, b); err == nil || errors.Is(err, ErrNoSession) {
		t.Fatalf("a damaged file: %v", err)
	}
}
