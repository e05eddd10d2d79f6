package audio

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// benchSpeech returns the speech to encode: the WAV named by
// EARSHOT_BENCH_SPEECH (scripts/bench/codec.sh makes a 10-minute one), or
// else the test speech looped to one minute.
func benchSpeech(b *testing.B) (pcm []int16, rate, ch int) {
	if p := os.Getenv("EARSHOT_BENCH_SPEECH"); p != "" {
		info, pcm := readAll(b, p)
		return pcm, info.SampleRate, info.Channels
	}
	one := speech48(b)
	for len(pcm) < 48000*60 {
		pcm = append(pcm, one...)
	}
	return pcm[:48000*60], 48000, 1
}

// BenchmarkEncode encodes the speech in each format and reports speed as
// a multiple of real time and the output size per minute of audio.
func BenchmarkEncode(b *testing.B) {
	pcm, rate, ch := benchSpeech(b)
	minutes := float64(len(pcm)/ch) / float64(rate) / 60
	for _, f := range Formats {
		b.Run(string(f), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bench"+f.Ext())
			b.SetBytes(int64(2 * len(pcm)))
			for b.Loop() {
				e, err := Create(path, f, rate, ch)
				if err != nil {
					b.Fatal(err)
				}
				// The recorder hands over 20 ms blocks and syncs every 0.5 s.
				block := rate / 50 * ch
				for i := 0; i < len(pcm); i += block {
					if err := e.Write(pcm[i:min(i+block, len(pcm))]); err != nil {
						b.Fatal(err)
					}
					if (i/block)%25 == 24 {
						if err := e.Sync(); err != nil {
							b.Fatal(err)
						}
					}
				}
				if _, err := e.Close(); err != nil {
					b.Fatal(err)
				}
			}
			st, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(minutes*60/(b.Elapsed().Seconds()/float64(b.N)), "x_realtime")
			b.ReportMetric(float64(st.Size())/1e6/minutes, "MB/min")
		})
	}
}

// BenchmarkDecode decodes the speech encoded in each format.
func BenchmarkDecode(b *testing.B) {
	pcm, rate, ch := benchSpeech(b)
	seconds := float64(len(pcm)/ch) / float64(rate)
	for _, f := range Formats {
		b.Run(string(f), func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "bench"+f.Ext())
			encodeFile(b, path, f, rate, ch, pcm)
			b.SetBytes(int64(2 * len(pcm)))
			for b.Loop() {
				readAll(b, path)
			}
			b.ReportMetric(seconds/(b.Elapsed().Seconds()/float64(b.N)), "x_realtime")
		})
	}
}

// BenchmarkMeter measures the live meter over one 20 ms block.
func BenchmarkMeter(b *testing.B) {
	block := sine(960, 48000, 1, 440, 0.5)
	for b.Loop() {
		Meter(block)
	}
}

// BenchmarkOpusFile encodes the whole speech file to Ogg Opus the way
// opusenc does (large writes, one fsync at the end), for the side-by-side
// comparison in scripts/bench/codec.sh. EARSHOT_BENCH_KEEP names a path
// to copy the result to.
func BenchmarkOpusFile(b *testing.B) {
	pcm, rate, ch := benchSpeech(b)
	path := filepath.Join(b.TempDir(), "bench.opus")
	if keep := os.Getenv("EARSHOT_BENCH_KEEP"); keep != "" {
		path = keep
	}
	b.SetBytes(int64(2 * len(pcm)))
	cpu0 := cpuSeconds()
	for b.Loop() {
		e, err := Create(path, Opus, rate, ch)
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < len(pcm); i += 65536 * ch {
			if err := e.Write(pcm[i:min(i+65536*ch, len(pcm))]); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := e.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu_s/op")
}

// cpuSeconds is the user+system CPU time this process has used: on a
// shared machine it says more about the work done than the wall clock.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
