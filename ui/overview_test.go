package ui

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/earshot/earshot/audio"
)

// A tone in its first half and silence in its second shows as such in every
// format the library stores.
func TestOverviewOfEachFormat(t *testing.T) {
	for _, f := range audio.Formats {
		t.Run(string(f), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x"+f.Ext())
			enc, err := audio.Create(path, f, 48000, 1)
			if err != nil {
				t.Fatal(err)
			}
			pcm := make([]int16, 96000)
			for i := range 48000 {
				pcm[i] = int16(16000 * math.Sin(2*math.Pi*440*float64(i)/48000))
			}
			if err := enc.Write(pcm); err != nil {
				t.Fatal(err)
			}
			if _, err := enc.Close(); err != nil {
				t.Fatal(err)
			}
			v, err := overview(context.Background(), path, 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(v) != 10 {
				t.Fatalf("%d values, want 10", len(v))
			}
			// -6 dBFS is 0.9 of the meter's 60 dB scale.
			if v[2] < 0.8 || v[7] > 0.1 {
				t.Fatalf("overview %v: want loud first half, silent second", v)
			}
		})
	}
}
