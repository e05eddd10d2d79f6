package library

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/internal/durable"
)

// analyses are what Earshot derives from a recording's audio, all in one
// pass over its samples: while it is recorded (Pending.Tap), or by decoding
// it once at import, download or when an older library lacks one. Each is
// kept beside the index as $DATA/cache/<id>.<name>; a new kind is one line
// here (and Analyze fills it in for recordings made before it existed).
var analyses = []analysisKind{
	{name: overviewName, start: newOverviewAnalyzer},
	{name: speechName, start: newSpeechAnalyzer},
	{name: loudnessName, start: newLoudnessAnalyzer},
}

// analysisKind names one analysis and starts it for a stream of audio.
type analysisKind struct {
	name  string
	start func(sampleRate, channels int) analyzer
}

// analyzer sees a recording's samples in order and then yields what is
// stored; sha256 is the recording's (for a cache that checks what it was
// made from). write must not retain pcm.
type analyzer interface {
	write(pcm []int16)
	encode(sha256 string) ([]byte, error)
}

// Analysis is one pass over a recording's audio feeding every analysis that
// is still missing. It is not safe for concurrent use.
type Analysis struct {
	channels int
	samples  int64
	names    []string
	parts    []analyzer
}

func newAnalysis(sampleRate, channels int, kinds []analysisKind) *Analysis {
	a := &Analysis{channels: max(channels, 1)}
	for _, k := range kinds {
		a.names = append(a.names, k.name)
		a.parts = append(a.parts, k.start(sampleRate, a.channels))
	}
	return a
}

// Write feeds interleaved samples to every analysis. It does not retain pcm.
func (a *Analysis) Write(pcm []int16) {
	for _, p := range a.parts {
		p.write(pcm)
	}
	a.samples += int64(len(pcm))
}

// frames is how many whole frames the analysis has seen.
func (a *Analysis) frames() int64 { return a.samples / int64(a.channels) }

func (l *Library) cacheDir() string { return filepath.Join(l.dir, "cache") }

func (l *Library) analysisPath(id, name string) string {
	return filepath.Join(l.cacheDir(), id+"."+name)
}

// missing lists the analyses of id that are not stored yet.
func (l *Library) missing(id string) []analysisKind {
	var out []analysisKind
	for _, k := range analyses {
		if !fileExists(l.analysisPath(id, k.name)) {
			out = append(out, k)
		}
	}
	return out
}

// store writes each result of a (nil: none) as its own file, atomically
// (temporary file, fsync, rename), so a reader never sees half of one.
func (l *Library) store(id, sha256 string, a *Analysis) error {
	if a == nil {
		return nil
	}
	if err := os.MkdirAll(l.cacheDir(), 0o700); err != nil {
		return fmt.Errorf("store analysis of %s: %w", id, err)
	}
	for i, p := range a.parts {
		b, err := p.encode(sha256)
		if err != nil {
			return fmt.Errorf("store %s of %s: %w", a.names[i], id, err)
		}
		if err := durable.WriteFile(l.analysisPath(id, a.names[i]), b, 0o600); err != nil {
			return fmt.Errorf("store %s of %s: %w", a.names[i], id, err)
		}
	}
	return durable.SyncDir(l.cacheDir())
}

// analyzeFile decodes the audio at path once for every analysis of id that
// is missing and stores the results.
func (l *Library) analyzeFile(ctx context.Context, id, sha256, path string) error {
	if err := cleanID(id); err != nil {
		return fmt.Errorf("analyse: %w", err)
	}
	kinds := l.missing(id)
	if len(kinds) == 0 {
		return nil
	}
	a, err := decodeAnalysis(ctx, path, kinds)
	if err != nil {
		return fmt.Errorf("analyse %s: %w", id, err)
	}
	return l.store(id, sha256, a)
}

// decodeAnalysis runs kinds over the decoded audio at path.
func decodeAnalysis(ctx context.Context, path string, kinds []analysisKind) (*Analysis, error) {
	d, err := audio.OpenDecoder(path)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	info := d.Info()
	a := newAnalysis(info.SampleRate, info.Channels, kinds)
	buf := make([]int16, 8192*max(info.Channels, 1))
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n, err := d.Read(buf)
		a.Write(buf[:n])
		if errors.Is(err, io.EOF) {
			return a, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// Analyze computes and stores whatever analysis of recording id is missing
// (a recording from before it existed, or one recovered after a crash), in
// one decode of its audio. It does nothing when all are there, and returns
// an error matching ErrNoAudio for a recording whose audio is not here.
func (l *Library) Analyze(ctx context.Context, id string) error {
	if len(l.missing(id)) == 0 {
		return nil
	}
	r, err := l.Get(ctx, id)
	if err != nil {
		return fmt.Errorf("analyse %s: %w", id, err)
	}
	if !r.HasAudio {
		return fmt.Errorf("analyse %s: %w", id, ErrNoAudio)
	}
	return l.analyzeFile(ctx, id, r.SHA256, l.audioPath(id, r.Format))
}

// Unanalyzed lists the recordings outside the trash whose audio is on this
// device but some analysis is missing, newest first, for a front end to fill in with
// Analyze in the background.
// It reads ids only and the cache folder once, not the whole rows and a
// file's status per analysis: the window calls it at every start, and over
// 10,000 recordings that was 30,000 stat calls.
func (l *Library) Unanalyzed(ctx context.Context) ([]string, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT id FROM recordings
		WHERE deleted_at IS NULL AND trashed_at IS NULL AND has_audio = 1 ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("list recordings to analyse: %w", err)
	}
	defer rows.Close()
	stored, err := l.storedAnalyses()
	if err != nil {
		return nil, fmt.Errorf("list recordings to analyse: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("list recordings to analyse: %w", err)
		}
		for _, k := range analyses {
			if !stored[id+"."+k.name] {
				ids = append(ids, id)
				break
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list recordings to analyse: %w", err)
	}
	return ids, nil
}

// storedAnalyses returns the names of the files in the cache folder.
func (l *Library) storedAnalyses() (map[string]bool, error) {
	es, err := os.ReadDir(l.cacheDir())
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	names := make(map[string]bool, len(es))
	for _, e := range es {
		names[e.Name()] = true
	}
	return names, nil
}

// removeAnalysis deletes what was derived from a purged recording.
func (l *Library) removeAnalysis(id string) {
	for _, k := range analyses {
		removeQuiet(l.analysisPath(id, k.name))
	}
}

// Tap is the function to set as device.Config.Tap for this recording
// (Tap: p.Tap): the function it returns feeds every analysis with the
// samples as the recorder writes them, at sampleRate with channels
// interleaved, so Commit stores the results without decoding the file
// again. The returned function is for the recorder's writer goroutine only,
// and Commit must come after the recorder stopped.
func (p *Pending) Tap(sampleRate, channels int) func(pcm []int16) {
	a := newAnalysis(sampleRate, channels, analyses)
	p.mu.Lock()
	p.analysis = a
	p.mu.Unlock()
	return a.Write
}

// commitAnalysis gives the analyses of a recording being committed: what
// its tap saw if that covers the file (within 20 ms), else one decode of the
// file; nil if that fails (the audio is what must not be lost; Unanalyzed
// finds it later).
func (l *Library) commitAnalysis(ctx context.Context, p *Pending, info audio.Info) *Analysis {
	if a := p.analysis; a != nil && info.SampleRate > 0 {
		slack := int64(info.SampleRate / 50)
		if d := a.frames() - info.Frames; d <= slack && d >= -slack {
			return a
		}
	}
	a, err := decodeAnalysis(ctx, p.PartPath, analyses)
	if err != nil {
		return nil
	}
	return a
}
