package library

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/audio/enhance"
	"github.com/earshot/earshot/internal/durable"
)

// loudnessName is the loudness analysis: $DATA/cache/<id>.loudness.json,
// the integrated loudness enhanced playback sets its gain from.
const loudnessName = "loudness.json"

type loudnessCache struct {
	SHA256 string  `json:"sha256"`
	LUFS   float64 `json:"lufs"` // -1000 stands for silence (JSON has no -Inf)
}

const silentLUFS = -1000

// loudnessAnalyzer measures loudness in the library's analysis pass.
type loudnessAnalyzer struct {
	m   *enhance.Meter
	err error
}

func newLoudnessAnalyzer(sampleRate, channels int) analyzer {
	m, err := enhance.NewMeter(sampleRate, channels)
	return &loudnessAnalyzer{m: m, err: err}
}

func (a *loudnessAnalyzer) write(pcm []int16) {
	if a.err == nil {
		a.err = a.m.Add(pcm)
	}
}

func (a *loudnessAnalyzer) encode(sha256 string) ([]byte, error) {
	if a.m != nil {
		defer a.m.Close()
	}
	if a.err != nil {
		return nil, a.err
	}
	lufs, err := a.m.Loudness()
	if err != nil {
		return nil, err
	}
	if math.IsInf(lufs, -1) {
		lufs = silentLUFS
	}
	return json.Marshal(loudnessCache{SHA256: sha256, LUFS: lufs})
}

// Loudness returns the integrated loudness of r's audio in LUFS (EBU R128),
// from the analysis pass's cache, measuring it now when it is missing.
func (l *Library) Loudness(ctx context.Context, r Recording) (float64, error) {
	path := l.AudioPath(r)
	if path == "" {
		return 0, fmt.Errorf("loudness of %s: %w", r.ID, ErrNoAudio)
	}
	var c loudnessCache
	if b, err := os.ReadFile(l.analysisPath(r.ID, loudnessName)); err == nil && json.Unmarshal(b, &c) == nil && c.SHA256 == r.SHA256 {
		return c.LUFS, nil
	}
	lufs, err := measureLoudness(ctx, path)
	if err != nil {
		return 0, fmt.Errorf("loudness of %s: %w", r.ID, err)
	}
	if b, err := json.Marshal(loudnessCache{SHA256: r.SHA256, LUFS: lufs}); err == nil && os.MkdirAll(l.cacheDir(), 0o700) == nil {
		_ = durable.WriteFile(l.analysisPath(r.ID, loudnessName), b, 0o600) // a recomputation next time, at worst
	}
	return lufs, nil
}

func measureLoudness(ctx context.Context, path string) (float64, error) {
	d, err := audio.OpenDecoder(path)
	if err != nil {
		return 0, err
	}
	defer d.Close()
	info := d.Info()
	m, err := enhance.NewMeter(info.SampleRate, info.Channels)
	if err != nil {
		return 0, err
	}
	defer m.Close()
	buf := make([]int16, 8192*info.Channels)
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		n, err := d.Read(buf)
		if aerr := m.Add(buf[:n]); aerr != nil {
			return 0, aerr
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, err
		}
	}
	lufs, err := m.Loudness()
	if math.IsInf(lufs, -1) {
		lufs = silentLUFS
	}
	return lufs, err
}
