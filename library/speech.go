package library

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"github.com/earshot/earshot/audio/vad"
	"github.com/earshot/earshot/internal/durable"
)

// speechName is the speech map's analysis: $DATA/cache/<id>.speech.json.
const speechName = "speech.json"

// speechCache is what the speech map's file holds: the map and what it was
// made from, so a map from another detector version or other audio is
// never used.
type speechCache struct {
	Version int     `json:"version"`
	SHA256  string  `json:"sha256"`
	Map     vad.Map `json:"map"`
}

// speechAnalyzer makes the speech map in the library's analysis pass.
type speechAnalyzer struct {
	a   *vad.Analyzer
	err error // audio the detector cannot take (below 8 kHz)
}

func newSpeechAnalyzer(sampleRate, channels int) analyzer {
	a, err := vad.NewAnalyzer(sampleRate, channels)
	return &speechAnalyzer{a: a, err: err}
}

func (s *speechAnalyzer) write(pcm []int16) {
	if s.a != nil {
		s.a.Write(pcm)
	}
}

func (s *speechAnalyzer) encode(sha256 string) ([]byte, error) {
	if s.err != nil {
		return nil, s.err
	}
	return json.Marshal(speechCache{Version: vad.Version, SHA256: sha256, Map: s.a.Map()})
}

func (l *Library) speechPath(id string) string { return l.analysisPath(id, speechName) }

// SpeechMap returns where r's audio holds speech (skip-silence playback and
// the transcript splitter use it). The analysis pass makes it when a
// recording is committed, imported or downloaded; a map that is missing or
// stale (another detector version) is computed here and stored. A
// cloud-only recording has no map (ErrNoAudio).
func (l *Library) SpeechMap(ctx context.Context, r Recording) (vad.Map, error) {
	path := l.AudioPath(r)
	if path == "" {
		return vad.Map{}, fmt.Errorf("speech map of %s: %w", r.ID, ErrNoAudio)
	}
	if m, ok := l.cachedSpeech(r); ok {
		return m, nil
	}
	m, err := vad.DetectFile(ctx, path)
	if err != nil {
		return vad.Map{}, fmt.Errorf("speech map of %s: %w", r.ID, err)
	}
	// A cache that cannot be written costs a recomputation next time, not
	// the answer: the map is returned either way.
	if b, err := json.Marshal(speechCache{Version: vad.Version, SHA256: r.SHA256, Map: m}); err == nil {
		if os.MkdirAll(l.cacheDir(), 0o700) == nil {
			_ = durable.WriteFile(l.speechPath(r.ID), b, 0o600)
		}
	}
	return m, nil
}

func (l *Library) cachedSpeech(r Recording) (vad.Map, bool) {
	b, err := os.ReadFile(l.speechPath(r.ID))
	if err != nil {
		return vad.Map{}, false
	}
	var c speechCache
	if json.Unmarshal(b, &c) != nil || c.Version != vad.Version || c.SHA256 != r.SHA256 {
		return vad.Map{}, false
	}
	return c.Map, true
}
