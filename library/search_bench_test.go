package library

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/audio"
	"golang.org/x/sys/unix"
)

// BenchmarkSearchLibrary seeds a library with EARSHOT_BENCH_HOURS (default
// 1000) hours of transcripts — 30-minute recordings, 150 words a minute in
// 10-second segments, words drawn Zipf-like from the pronouncing
// dictionary PocketSphinx ships — then times word queries and prefix
// queries as typed (2, 3, 4… letters of a word), common and rare, and
// reports p50/p99 in ms. EARSHOT_BENCH_DIR keeps the seeded library
// between runs. Run with -benchtime 1x (scripts/bench/transcribe.sh).
func BenchmarkSearchLibrary(b *testing.B) {
	ctx := context.Background()
	hours := envInt("EARSHOT_BENCH_HOURS", 1000)
	dir := os.Getenv("EARSHOT_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	vocab := readVocabulary(b)
	l, err := Open(ctx, dir)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	seedStart := time.Now()
	n, segs := seedTranscripts(b, l, vocab, hours)
	b.ReportMetric(time.Since(seedStart).Seconds(), "seed_s")
	b.ReportMetric(float64(n), "recordings")
	b.ReportMetric(float64(segs), "segments")
	rng := rand.New(rand.NewPCG(7, 7))
	// Words a person would look for: frequent, middling and rare ones.
	var words []string
	for _, rank := range []int{20, 50, 200, 1000, 5000, 20000} {
		for range 20 {
			words = append(words, vocab[rank+rng.IntN(rank/2+1)])
		}
	}
	// The command line's default limit for words, the window's search box
	// (searchhits.go asks 10) for prefixes as typed.
	var word, prefix, wordCPU, prefixCPU []time.Duration
	for range b.N {
		for _, w := range words {
			wall, cpu := timeSearch(b, l, w, SearchOptions{WholeWords: true})
			word, wordCPU = append(word, wall), append(wordCPU, cpu)
			for k := 2; k <= len(w); k++ { // as typed, letter by letter
				wall, cpu := timeSearch(b, l, w[:k], SearchOptions{Limit: 10})
				prefix, prefixCPU = append(prefix, wall), append(prefixCPU, cpu)
			}
		}
	}
	report(b, "word", word)
	report(b, "prefix", prefix)
	report(b, "word_cpu", wordCPU)
	report(b, "prefix_cpu", prefixCPU)
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// timeSearch runs one search and returns its wall time and the CPU time
// of the thread that ran it (the pure-Go SQLite runs on the caller's
// thread): on a shared machine the first says what a person waits, the
// second what the search costs, without the other processes' share.
func timeSearch(b *testing.B, l *Library, q string, opts SearchOptions) (wall, cpu time.Duration) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c0 := threadCPU()
	start := time.Now()
	if _, err := l.Search(context.Background(), q, opts); err != nil {
		b.Fatal(err)
	}
	return time.Since(start), threadCPU() - c0
}

func threadCPU() time.Duration {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_THREAD, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func report(b *testing.B, name string, ds []time.Duration) {
	slices.Sort(ds)
	pct := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.5), name+"_p50_ms")
	b.ReportMetric(pct(0.99), name+"_p99_ms")
	b.ReportMetric(float64(len(ds)), name+"_queries")
}

// readVocabulary reads the dictionary's words (variants dropped) in a
// shuffled but fixed order: position is frequency rank.
func readVocabulary(b testing.TB) []string {
	f, err := os.Open("/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict")
	if err != nil {
		b.Fatalf("the benchmark's words come from pocketsphinx-en-us: %v", err)
	}
	defer f.Close()
	var words []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		w, _, _ := strings.Cut(sc.Text(), " ")
		if !strings.Contains(w, "(") && !strings.ContainsAny(w, "'.-_") && len(w) >= 2 {
			words = append(words, w)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
	return words
}

// seedTranscripts adds 30-minute recordings with transcripts until the
// library holds hours of them (a kept EARSHOT_BENCH_DIR is topped up).
func seedTranscripts(b *testing.B, l *Library, vocab []string, hours int) (recs, segs int) {
	ctx := context.Background()
	const minutes, segSecs, perMinute = 30, 10, 150
	want := hours * 60 / minutes
	have, err := l.Count(ctx, ListOptions{})
	if err != nil {
		b.Fatal(err)
	}
	zipf := rand.NewZipf(rand.New(rand.NewPCG(3, 4)), 1.1, 2, uint64(len(vocab)-1))
	for i := have; i < want; i++ {
		r, err := commitTone(ctx, l, fmt.Sprintf("Meeting %d", i), audio.WAV, 0.01)
		if err != nil {
			b.Fatal(err)
		}
		var t api.Transcript
		t.Engine, t.Model, t.Language = "bench", "zipf", "en-US"
		perSeg := perMinute * segSecs / 60
		for s := 0; s < minutes*60/segSecs; s++ {
			seg := api.Segment{StartMS: int64(s * segSecs * 1000), EndMS: int64((s + 1) * segSecs * 1000)}
			texts := make([]string, perSeg)
			for w := range perSeg {
				texts[w] = vocab[zipf.Uint64()]
				at := seg.StartMS + int64(w*segSecs*1000/perSeg)
				seg.Words = append(seg.Words, api.Word{StartMS: at, EndMS: at + 300, Text: texts[w], Conf: 0.8})
			}
			seg.Text = strings.Join(texts, " ")
			t.Segments = append(t.Segments, seg)
		}
		if err := l.SaveTranscript(ctx, r.ID, t, false); err != nil {
			b.Fatal(err)
		}
	}
	if err := l.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM transcript_segments`).Scan(&segs); err != nil {
		b.Fatal(err)
	}
	// Merge the index's segments as SQLite would over time, so the figures
	// are for a settled library, not one just written.
	if _, err := l.db.ExecContext(ctx, `INSERT INTO transcript_fts (transcript_fts) VALUES ('optimize')`); err != nil {
		b.Fatal(err)
	}
	n, _ := l.Count(ctx, ListOptions{})
	return n, segs
}
