package transcribe

import (
	"math"
	"os"
	"testing"
)

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// tone is secs seconds of "speech": a tone whose loudness rises and falls
// four times a second, like syllables.
func tone(secs float64) []int16 {
	pcm := make([]int16, int(secs*Rate))
	for i := range pcm {
		x := float64(i) / Rate
		pcm[i] = int16(8000 * (0.55 - 0.45*math.Cos(2*math.Pi*4*x)) * math.Sin(2*math.Pi*220*x))
	}
	return pcm
}

func quiet(secs float64) []int16 {
	pcm := make([]int16, int(secs*Rate))
	for i := range pcm {
		pcm[i] = int16(20 * math.Sin(float64(i)*2.1))
	}
	return pcm
}

type span struct{ start, end float64 }

func split(t *testing.T, pieces ...[]int16) []span {
	t.Helper()
	var got []span
	sp := newSplitter(0, func(u Utterance) error {
		if len(u.PCM) > MaxUtterance {
			t.Errorf("utterance of %d samples, over MaxUtterance", len(u.PCM))
		}
		got = append(got, span{float64(u.Start) / Rate, float64(u.Start+int64(len(u.PCM))) / Rate})
		return nil
	})
	for _, p := range pieces {
		// In odd-sized pieces, as a decoder hands them over.
		for len(p) > 0 {
			n := min(len(p), 1237)
			if err := sp.Write(p[:n]); err != nil {
				t.Fatal(err)
			}
			p = p[n:]
		}
	}
	if err := sp.Flush(); err != nil {
		t.Fatal(err)
	}
	return got
}

func near(a, b float64) bool { return math.Abs(a-b) <= 0.25 }

func TestSplitter(t *testing.T) {
	for _, tc := range []struct {
		name   string
		pieces [][]int16
		want   []span
	}{
		{"silence only", [][]int16{quiet(5)}, nil},
		{"one burst", [][]int16{quiet(2), tone(1), quiet(2)}, []span{{1.8, 3.2}}},
		{"short pause stays in", [][]int16{quiet(1), tone(1), quiet(0.5), tone(1), quiet(2)}, []span{{0.8, 3.7}}},
		{"long pause splits", [][]int16{quiet(1), tone(1), quiet(2), tone(1), quiet(2)}, []span{{0.8, 2.2}, {3.8, 5.2}}},
		{"a click is no speech", [][]int16{quiet(1), tone(0.02), quiet(2)}, nil},
		{"speech to the end", [][]int16{quiet(1), tone(2)}, []span{{0.8, 3}}},
		{"after 15 s a short pause splits", [][]int16{tone(16), quiet(0.5), tone(2), quiet(1)}, []span{{0, 16.2}, {16.3, 18.7}}},
		{"non-stop speech is cut by 30 s", [][]int16{tone(70)}, []span{{0, 29.75}, {29.75, 59.5}, {59.5, 70}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := split(t, tc.pieces...)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if !near(got[i].start, tc.want[i].start) || !near(got[i].end, tc.want[i].end) {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}
