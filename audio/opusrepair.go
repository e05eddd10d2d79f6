package audio

import (
	"io"
	"os"
)

// planOpus keeps every intact page of an unfinished Ogg Opus file and ends
// the stream on the last one that completes a packet, marking it EOS.
// Earshot's pages each hold whole packets, so what was synced survives.
//
// In place, the pages after that one are cut off and its header gets the
// EOS flag and a new checksum: the same length, and the granule positions
// stay as they are. A page that ends with the start of a packet continued
// on a lost page (never one of Earshot's) loses that start and so gets
// shorter: it is rewritten where it is before the file is cut to its new
// end, and a crash in between leaves an EOS page followed by leftovers,
// which the next plan cuts off. A file cut inside its header pages is an
// error; one with no audio page ends on its comment header.
func planOpus(f *os.File, size int64) (repairPlan, error) {
	s, err := scanOpus(io.NewSectionReader(f, 0, size))
	if err != nil {
		return repairPlan{}, err
	}
	last := s.lastHdr
	for i := len(s.pages) - 1; i >= 0; i-- {
		if s.pages[i].granule != -1 {
			last = s.pages[i]
			break
		}
	}
	page := make([]byte, last.n)
	if _, err := f.ReadAt(page, last.off); err != nil {
		return repairPlan{}, err
	}
	p, _, err := parseOggPage(page)
	if err != nil {
		return repairPlan{}, corruptf("re-reading page at byte %d: %v", last.off, err)
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
	plan := repairPlan{size: size, cut: last.off + int64(last.n), keep: last.off + int64(len(end))}
	if len(end) == last.n {
		// Only the flags (byte 5) and the checksum (bytes 22–25) change:
		// one write from the first to the last.
		plan.patches = []filePatch{{off: last.off + 5, data: end[5 : oggHeaderSize-1]}}
	} else {
		plan.patches = []filePatch{{off: last.off, data: end}}
	}

	if last.granule > 0 {
		s.end = last.granule
	}
	if s.end < s.base+s.head.preSkip {
		s.end = s.base + s.head.preSkip
	}
	n := s.frames()
	plan.info = Info{Format: Opus, SampleRate: opusRate, Channels: s.head.channels, Frames: n, Duration: framesDuration(n, opusRate)}
	return plan, nil
}
