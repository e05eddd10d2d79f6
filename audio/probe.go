package audio

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// MP3 is a format Earshot imports and exports (through Convert) but never
// records in.
const MP3 Format = "mp3"

// DetectFormat reports the format of the file at path from its content,
// not its name. Anything else gives an error wrapping ErrUnsupported.
func DetectFormat(path string) (Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("detect format of %s: %w", filepath.Base(path), err)
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := f.Read(head)
	format, err := Sniff(head[:n])
	if err != nil {
		return "", fmt.Errorf("detect format of %s: %w", filepath.Base(path), err)
	}
	return format, nil
}

// Sniff reports the format of a file from its first bytes (4 KiB is
// plenty): WAV, FLAC, Ogg Opus or MP3 (with or without an ID3v2 tag).
func Sniff(head []byte) (Format, error) {
	switch {
	case len(head) >= 12 && string(head[0:4]) == "RIFF" && string(head[8:12]) == "WAVE":
		return WAV, nil
	case bytes.HasPrefix(head, []byte("fLaC")):
		return FLAC, nil
	case bytes.HasPrefix(head, []byte("OggS")):
		if len(head) >= 36 && string(head[28:36]) == "OpusHead" {
			return Opus, nil
		}
		return "", unsupportedf("an Ogg file that is not Ogg Opus (Vorbis or FLAC in Ogg?)")
	case bytes.HasPrefix(head, []byte("ID3")):
		return MP3, nil
	case isMP3Frame(head):
		return MP3, nil
	case len(head) == 0:
		return "", unsupportedf("the file is empty")
	}
	return "", unsupportedf("unknown content")
}

// isMP3Frame reports whether head starts with an MPEG audio layer III frame
// header (sync word, layer III, a valid bit rate and sample rate).
func isMP3Frame(h []byte) bool {
	if len(h) < 4 || h[0] != 0xFF || h[1]&0xE0 != 0xE0 {
		return false
	}
	layer := (h[1] >> 1) & 3
	version := (h[1] >> 3) & 3
	bitrate := h[2] >> 4
	rate := (h[2] >> 2) & 3
	return layer == 1 && version != 1 && bitrate != 0 && bitrate != 15 && rate != 3
}

// Probe describes a finished file of a format Earshot records (WAV, FLAC,
// Ogg Opus); Frames and Duration are exact.
func Probe(path string) (Info, error) {
	d, err := OpenDecoder(path)
	if err != nil {
		return Info{}, fmt.Errorf("probe: %w", err)
	}
	defer d.Close()
	return d.Info(), nil
}

// OpenDecoder opens a finished WAV, FLAC, Ogg Opus or MP3 file for reading.
// The caller must Close it.
func OpenDecoder(path string) (Decoder, error) {
	format, err := DetectFormat(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", filepath.Base(path), err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", filepath.Base(path), err)
	}
	var d Decoder
	switch format {
	case WAV:
		d, err = openWAV(f, st.Size())
	case Opus:
		d, err = openOpus(f, st.Size())
	case FLAC:
		d, err = openFLAC(f, st.Size())
	case MP3:
		d, err = openMP3(f, st.Size())
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open %s: %w", filepath.Base(path), unreadable(err))
	}
	return d, nil
}

// unreadable puts a damaged file's error in the words a user importing it
// needs: what is wrong and what Earshot reads. It still wraps ErrCorrupt.
func unreadable(err error) error {
	if errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) {
		return fmt.Errorf("%w: %w; %s", ErrUnsupported, err, supportedList)
	}
	return err
}
