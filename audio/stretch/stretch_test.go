package stretch

import (
	"testing"
	"time"

	ta "github.com/earshot/earshot/internal/testaudio"
)

// BenchmarkStretch2x measures the time-stretch alone on 60 s of noisy tone at 2×.
func BenchmarkStretch2x(b *testing.B) {
	pcm := ta.AddNoise(ta.Tone(60*time.Second, 200, 0.3), 0.001, 0, 1)
	out := make([]int16, 16384)
	for b.Loop() {
		st, err := New(ta.Rate, 1, 2)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < len(pcm); i += 8192 {
			if err := st.Write(pcm[i:min(i+8192, len(pcm))]); err != nil {
				b.Fatal(err)
			}
			for st.Read(out) > 0 {
			}
		}
		st.Close()
	}
}
