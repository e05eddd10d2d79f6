package enhance

import (
	"context"
	"fmt"
	"testing"
	"time"

	ta "github.com/earshot/earshot/internal/testaudio"
)

// BenchmarkDenoise measures noise suppression of 10 s of noisy speech at
// 48 kHz (RNNoise's own rate) and at 44.1 and 16 kHz (resampled to 48 kHz
// and back), reported as times real time on one core.
func BenchmarkDenoise(b *testing.B) {
	s := speech(b)
	noisy := ta.AddNoise(s, ta.Power(s), 8, 1)
	for _, rate := range []int{48000, 44100, 16000} {
		b.Run(fmt.Sprint(rate), func(b *testing.B) {
			pcm := at(noisy, rate)
			ctx := context.Background()
			d, err := NewDenoiser(ctx, rate, 1)
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close(ctx)
			start := time.Now()
			for b.Loop() {
				for i := 0; i < len(pcm); i += 2400 {
					if _, err := d.Write(ctx, pcm[i:min(i+2400, len(pcm))]); err != nil {
						b.Fatal(err)
					}
				}
			}
			audio := time.Duration(float64(len(pcm)) / float64(rate) * float64(b.N) * float64(time.Second))
			b.ReportMetric(audio.Seconds()/time.Since(start).Seconds(), "x_realtime")
		})
	}
}
