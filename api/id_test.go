package api

import (
	"strings"
	"testing"
)

func TestNewIDIsValid(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 1000; i++ {
		id := NewID()
		if !ValidID(id) {
			t.Fatalf("NewID() = %q, not valid", id)
		}
		if seen[id] {
			t.Fatalf("NewID() repeated %q", id)
		}
		seen[id] = true
	}
}

func TestValidIDRejects(t *testing.T) {
	good := NewID()
	for _, s := range []string{
		"", "../../etc/passwd", strings.ToUpper(good), "{" + good + "}",
		good + "x", good[:35], "6ba7b810-9dad-11d1-80b4-00c04fd430c8", // v1
		"0192f0c1-7a3b-7c2d-0e3f-123456789abc", // wrong variant
		strings.Replace(good, "-", "/", 1), "0192f0c1-7a3b-7c2d-8e3f-12345678９abc",
	} {
		if ValidID(s) {
			t.Errorf("ValidID(%q) = true, want false", s)
		}
	}
}

func FuzzValidID(f *testing.F) {
	f.Add(NewID())
	f.Add("../x")
	f.Fuzz(func(t *testing.T, s string) {
		if ValidID(s) && (len(s) != 36 || strings.ContainsAny(s, "/\\.")) {
			t.Fatalf("ValidID accepted %q", s)
		}
	})
}
