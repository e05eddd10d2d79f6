package assets

import (
	"bytes"
	"image/png"
	"testing"
)

// The icons decode at the sizes their doc comments promise.
func TestIconSizes(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		size int
	}{{"Icon", Icon, 512}, {"TrayIcon", TrayIcon, 64}} {
		img, err := png.Decode(bytes.NewReader(tc.data))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if b := img.Bounds(); b.Dx() != tc.size || b.Dy() != tc.size {
			t.Errorf("%s is %dx%d, want %dx%d", tc.name, b.Dx(), b.Dy(), tc.size, tc.size)
		}
	}
}
