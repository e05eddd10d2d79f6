// Package audio reads and writes Earshot's recordings: crash-safe encoders
// (Ogg Opus through libopus with Earshot's own Ogg muxer, FLAC, 16-bit WAV)
// behind Create, decoders with exact seeking behind OpenDecoder, Repair for
// files a crash left unfinished, Probe and DetectFormat, Convert for imports
// (WAV, FLAC, Ogg Opus, MP3) and exports (the same, MP3 through LAME), and
// Meter for the live level. It does no device I/O: capture and playback live in
// audio/device, which feeds an Encoder from its writer goroutine and calls
// Sync at least every half second.
//
// Crash safety: every encoder writes its header at Create and makes the file
// valid as of each Sync (WAV and FLAC patch their sizes, Opus ends each Sync
// on a page boundary). What Sync returned for survives a crash; Repair turns
// the file into a finished one keeping all of it, in place, so it works on
// the full disk that cut the recording short. Samples short of one codec
// frame (20 ms for Opus, 4096 samples for FLAC) wait in memory until the
// next Write.
package audio

import (
	"fmt"
	"strings"
	"time"
)

// Format is a recording's container and codec.
type Format string

// The formats Earshot records, stores and plays.
const (
	Opus Format = "opus" // Ogg Opus, voice at about 32 kb/s
	FLAC Format = "flac" // lossless
	WAV  Format = "wav"  // PCM 16-bit little endian
)

// Formats lists the supported formats, default first.
var Formats = []Format{Opus, FLAC, WAV}

// ExportFormats lists what Export and Save as… write: the stored formats,
// then MP3 (through libmp3lame), which Earshot writes but never records in.
var ExportFormats = []Format{Opus, FLAC, WAV, MP3}

// ParseExportFormat is ParseFormat over ExportFormats: a file name's
// extension (".mp3") or a word chooses the format to export to.
func ParseExportFormat(s string) (Format, error) {
	if f, err := ParseFormat(s); err == nil {
		return f, nil
	}
	if f := Format(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), ".")); f == MP3 {
		return MP3, nil
	}
	return "", fmt.Errorf("unknown format %q: use opus, flac, wav or mp3", s)
}

// ParseFormat turns a user's word ("opus", "FLAC", ".wav") into a Format.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(s)), "."))
	if f == "ogg" {
		f = Opus
	}
	for _, known := range Formats {
		if f == known {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q: use opus, flac or wav", s)
}

// Ext is the file name extension for the format, with its dot.
func (f Format) Ext() string { return "." + string(f) }

// Info describes a finished (or repaired) audio file.
type Info struct {
	Format     Format
	SampleRate int
	Channels   int
	Frames     int64 // samples per channel
	Duration   time.Duration
}

// Level is one reading of the input level meter.
type Level struct {
	Peak    float64 // dBFS, <= 0; -120 for silence
	RMS     float64 // dBFS
	Clipped bool    // a sample reached full scale in this window
}

// Encoder writes one recording to a file in a form that survives a crash: what
// Sync has returned for is durable and, after Repair, playable.
//
// Implementations are not safe for concurrent use; the recorder's writer
// goroutine owns its encoder.
type Encoder interface {
	// Write encodes interleaved 16-bit samples. It may buffer internally;
	// it must not retain pcm after returning.
	Write(pcm []int16) error
	// Sync writes out everything buffered that forms a whole codec frame
	// and fsyncs the file. The recorder calls it at least every 0.5 s.
	Sync() error
	// Close finalises the file (trailing frames, headers, end of stream),
	// fsyncs it and describes what it holds. The encoder is unusable after.
	Close() (Info, error)
}

// Decoder reads a finished audio file as interleaved 16-bit samples.
// Ogg Opus always decodes at 48 kHz; other formats at their own rate.
// Implementations are not safe for concurrent use.
type Decoder interface {
	// Info describes the stream; Frames and Duration are exact.
	Info() Info
	// Read fills pcm with interleaved samples and returns how many it wrote
	// (a multiple of the channel count), or io.EOF at the end.
	Read(pcm []int16) (int, error)
	// Seek moves the read position, counted in frames (samples per
	// channel), with io.Seeker's whence (io.SeekStart, io.SeekCurrent,
	// io.SeekEnd), and returns the new position from the start. It is
	// exact: the next Read starts with that frame. A position outside
	// 0..Info().Frames is an error. (io.Seeker's shape, in frames, keeps
	// go vet's method checks happy.)
	Seek(offset int64, whence int) (int64, error)
	Close() error
}
