package audio

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// maxTagsSize bounds how much of a file TitleTag reads for its tags.
const maxTagsSize = 1 << 20

// TitleTag returns the TITLE tag (a Vorbis comment) of a FLAC or Ogg Opus
// file, or "" when it has none; WAV files carry none Earshot reads. It reads
// only the start of the file.
func TitleTag(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read tags: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(io.LimitReader(f, maxTagsSize))
	head, err := r.Peek(4)
	if err != nil {
		return "", nil // too short to have tags
	}
	var comments []byte
	switch string(head) {
	case "fLaC":
		comments, err = flacComments(r)
	case "OggS":
		comments, err = opusComments(r)
	default:
		return "", nil
	}
	if err != nil || comments == nil {
		return "", err
	}
	return vorbisTitle(comments), nil
}

var errBadTags = errors.New("read tags: damaged metadata")

// flacComments returns the body of a FLAC file's VORBIS_COMMENT block.
func flacComments(r io.Reader) ([]byte, error) {
	if _, err := io.ReadFull(r, make([]byte, 4)); err != nil {
		return nil, errBadTags
	}
	for {
		var h [4]byte
		if _, err := io.ReadFull(r, h[:]); err != nil {
			return nil, nil
		}
		size := int(h[1])<<16 | int(h[2])<<8 | int(h[3])
		body := make([]byte, size)
		if _, err := io.ReadFull(r, body); err != nil {
			return nil, nil
		}
		if h[0]&0x7f == 4 {
			return body, nil
		}
		if h[0]&0x80 != 0 {
			return nil, nil // the last block: no comments
		}
	}
}

// opusComments returns an Ogg Opus file's OpusTags packet without its magic.
func opusComments(r io.Reader) ([]byte, error) {
	var packet []byte
	packets := 0
	for {
		var h [27]byte
		if _, err := io.ReadFull(r, h[:]); err != nil || string(h[:4]) != "OggS" {
			return nil, nil
		}
		lacing := make([]byte, h[26])
		if _, err := io.ReadFull(r, lacing); err != nil {
			return nil, nil
		}
		for _, n := range lacing {
			seg := make([]byte, n)
			if _, err := io.ReadFull(r, seg); err != nil {
				return nil, nil
			}
			packet = append(packet, seg...)
			if n == 255 {
				continue // the packet goes on
			}
			packets++
			if packets == 2 {
				if !bytes.HasPrefix(packet, []byte("OpusTags")) {
					return nil, errBadTags
				}
				return packet[8:], nil
			}
			packet = packet[:0]
		}
	}
}

// vorbisTitle finds TITLE= in a Vorbis comment block: a vendor string, then
// a count of "KEY=value" strings, each length-prefixed (little-endian).
func vorbisTitle(b []byte) string {
	next := func() (string, bool) {
		if len(b) < 4 {
			return "", false
		}
		n := binary.LittleEndian.Uint32(b)
		if uint64(n) > uint64(len(b)-4) {
			return "", false
		}
		s := string(b[4 : 4+n])
		b = b[4+n:]
		return s, true
	}
	if _, ok := next(); !ok || len(b) < 4 {
		return ""
	}
	count := binary.LittleEndian.Uint32(b)
	b = b[4:]
	for i := uint32(0); i < count; i++ {
		c, ok := next()
		if !ok {
			return ""
		}
		if k, v, found := strings.Cut(c, "="); found && strings.EqualFold(k, "TITLE") {
			return v
		}
	}
	return ""
}
