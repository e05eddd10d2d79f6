package audio

import (
	"bufio"
	"crypto/md5"
	"io"
	"os"

	"github.com/mewkiz/flac/frame"
	"github.com/mewkiz/flac/meta"
)

// planFLAC keeps every frame that decodes (CRC-checked) in sequence from
// the start, cuts the file after the last one and rewrites STREAMINFO in
// place with the true sample count, frame sizes and MD5 (the decode pass
// that checks the frames also hashes them). Until STREAMINFO is rewritten,
// the cut file still reads: its sample count is the one of the last Sync,
// which the kept frames cover, and its MD5 is unset.
func planFLAC(f *os.File, size int64) (repairPlan, error) {
	h, err := parseFLACHeader(f)
	if err != nil {
		return repairPlan{}, err
	}
	cr := &countReader{r: bufio.NewReaderSize(io.NewSectionReader(f, h.dataStart, max(0, size-h.dataStart)), 64<<10)}
	sum := md5.New()
	var (
		end                = h.dataStart
		samples            int64
		minFrame, maxFrame uint32
		blockMin, blockMax int
	)
	for {
		start := cr.n
		fr, err := frame.Parse(cr)
		if err != nil || !h.matches(fr) || h.sampleOf(fr) != samples {
			break
		}
		fr.Hash(sum)
		size := uint32(cr.n - start)
		if minFrame == 0 || size < minFrame {
			minFrame = size
		}
		maxFrame = max(maxFrame, size)
		bs := int(fr.BlockSize)
		if blockMin == 0 || bs < blockMin {
			blockMin = bs
		}
		blockMax = max(blockMax, bs)
		samples += int64(bs)
		end = h.dataStart + cr.n
	}
	// The last block of a fixed-size stream may be short; STREAMINFO's
	// minimum excludes it.
	if h.blockMin == h.blockMax && h.blockMax > 0 {
		blockMin, blockMax = h.blockMin, h.blockMax
	}
	if blockMin == 0 {
		blockMin, blockMax = max(16, h.blockMin), max(16, h.blockMax)
	}
	si := &meta.StreamInfo{
		BlockSizeMin: uint16(blockMin), BlockSizeMax: uint16(blockMax),
		FrameSizeMin: minFrame, FrameSizeMax: maxFrame,
		SampleRate: uint32(h.rate), NChannels: uint8(h.channels), BitsPerSample: uint8(h.bps),
		NSamples: uint64(samples),
	}
	copy(si.MD5sum[:], sum.Sum(nil))
	return repairPlan{
		info:    Info{Format: FLAC, SampleRate: h.rate, Channels: h.channels, Frames: samples, Duration: framesDuration(samples, h.rate)},
		size:    size,
		cut:     end,
		keep:    end,
		patches: []filePatch{{off: flacStreamInfoOff, data: encodeStreamInfo(si)}},
	}, nil
}
