package library

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/earshot/earshot/audio/vad"
)

// speechCache is what $DATA/cache/<id>.speech.json holds: a recording's
// speech map and what it was made from, so a map from another detector
// version or other audio is never used.
type speechCache struct {
	Version int     `json:"version"`
	SHA256  string  `json:"sha256"`
	Map     vad.Map `json:"map"`
}

func (l *Library) cacheDir() string { return filepath.Join(l.dir, "cache") }

func (l *Library) speechPath(id string) string {
	return filepath.Join(l.cacheDir(), id+".speech.json")
}

// SpeechMap returns where r's audio holds speech (skip-silence playback and
// the transcript splitter use it). It is computed once per recording and
// cached beside the index; audio never changes, so the cache stays good
// until the detector's rules do. A cloud-only recording has no map
// (ErrNoAudio).
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
	_ = l.storeSpeech(r, m)
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

// storeSpeech writes the cache atomically (temporary file, rename), so a
// crash leaves the old cache or the new one, never half of one.
func (l *Library) storeSpeech(r Recording, m vad.Map) error {
	b, err := json.Marshal(speechCache{Version: vad.Version, SHA256: r.SHA256, Map: m})
	if err != nil {
		return err
	}
	if err := os.MkdirAll(l.cacheDir(), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(l.cacheDir(), r.ID+".*.tmp")
	if err != nil {
		return err
	}
	_, werr := tmp.Write(b)
	if err := errors.Join(werr, tmp.Close()); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Rename(tmp.Name(), l.speechPath(r.ID)); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return nil
}

// dropCaches removes what was computed from id's audio.
func (l *Library) dropCaches(id string) {
	_ = removeIfExists(l.speechPath(id))
}
