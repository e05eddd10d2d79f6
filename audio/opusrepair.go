package audio

import (
	"io"
	"os"
)

// repairOpus keeps every intact page of an unfinished Ogg Opus file and
// ends the stream on the last one that completes a packet, marking it EOS.
// Earshot's pages each hold whole packets, so what was synced survives.
func repairOpus(path string) (Info, error) {
	src, err := os.Open(path)
	if err != nil {
		return Info{}, err
	}
	defer src.Close()
	s, err := scanOpus(src)
	if err != nil {
		return Info{}, err
	}
	last := s.lastHdr
	for i := len(s.pages) - 1; i >= 0; i-- {
		if s.pages[i].granule != -1 {
			last = s.pages[i]
			break
		}
	}
	page := make([]byte, last.n)
	if _, err := src.ReadAt(page, last.off); err != nil {
		return Info{}, err
	}
	p, _, err := parseOggPage(page)
	if err != nil {
		return Info{}, corruptf("re-reading page at byte %d: %v", last.off, err)
	}
	// Drop the start of a packet that continued onto a lost page.
	segs := p.Segs
	for len(segs) > 0 && segs[len(segs)-1] == 255 {
		segs = segs[:len(segs)-1]
	}
	bodyLen := 0
	for _, v := range segs {
		bodyLen += int(v)
	}
	end := appendOggPage(nil, p.Flags|oggFlagEOS, p.Granule, p.Serial, p.Seq, segs, p.Body[:bodyLen])
	err = writeAtomic(path, path+".repair", func(f *os.File) error {
		if _, err := io.Copy(f, io.NewSectionReader(src, 0, last.off)); err != nil {
			return err
		}
		_, err := f.Write(end)
		return err
	})
	if err != nil {
		return Info{}, err
	}
	if last.granule > 0 {
		s.end = last.granule
	}
	if s.end < s.base+s.head.preSkip {
		s.end = s.base + s.head.preSkip
	}
	n := s.frames()
	return Info{Format: Opus, SampleRate: opusRate, Channels: s.head.channels, Frames: n, Duration: framesDuration(n, opusRate)}, nil
}
