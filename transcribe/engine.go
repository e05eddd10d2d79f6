// Package transcribe turns a recording's audio into a transcript on this
// machine. An Engine recognises one utterance at a time; File streams a
// recording through it: decode, mix down, resample to 16 kHz mono with the
// project's resampler (package audio), split at pauses, recognise, and hand
// out segments in order with progress. Memory stays bounded by the longest
// utterance (MaxUtterance), whatever the recording's length.
//
// The engine shipped is PocketSphinx (pocketsphinx.go, cgo, Debian's
// libpocketsphinx + pocketsphinx-en-us: US English). docs/TRANSCRIPTS.md says
// what a whisper.cpp engine would take.
package transcribe

import (
	"context"
	"errors"

	"github.com/earshot/earshot/api"
)

// Rate is the sample rate engines take: 16 kHz, mono, 16-bit.
const Rate = 16000

// Engine recognises speech. Implementations are not safe for concurrent
// use: the worker owns one.
type Engine interface {
	// Info says what makes the transcripts, so that a better engine can
	// redo old recordings later.
	Info() Info
	// Decode recognises one utterance of Rate-Hz mono PCM and returns its
	// words, with times in milliseconds from pcm[0] and the engine's
	// confidence (0..1), in order; none for noise. It must not retain pcm.
	// It returns ctx's error soon after ctx is done.
	Decode(ctx context.Context, pcm []int16) ([]api.Word, error)
	// Close frees the engine.
	Close() error
}

// Info names an engine, its model and version, and the language it hears.
type Info struct {
	Engine, Model, Version string
	Language               string // BCP 47
}

// Header is a transcript with Info's fields filled in and no segments.
func (i Info) Header() api.Transcript {
	return api.Transcript{Engine: i.Engine, Model: i.Model, EngineVersion: i.Version, Language: i.Language}
}

// Same reports whether t was made by this engine and model.
func (i Info) Same(t api.Transcript) bool {
	return t.Engine == i.Engine && t.Model == i.Model && t.EngineVersion == i.Version && t.Language == i.Language
}

// ErrModelMissing is returned (wrapped) by an engine's constructor when its
// model files are not installed; the message says which package to install.
var ErrModelMissing = errors.New("speech model missing")
