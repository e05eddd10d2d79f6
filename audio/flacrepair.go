package audio

import (
	"bufio"
	"crypto/md5"
	"io"
	"os"

	"github.com/mewkiz/flac/frame"
	"github.com/mewkiz/flac/meta"
)

// repairFLAC keeps every frame that decodes (CRC-checked) in sequence from
// the start, cuts the file after the last one and rewrites STREAMINFO with
// the true sample count, frame sizes and MD5.
func repairFLAC(path string) (Info, error) {
	src, err := os.Open(path)
	if err != nil {
		return Info{}, err
	}
	defer src.Close()
	h, err := parseFLACHeader(src)
	if err != nil {
		return Info{}, err
	}
	if _, err := src.Seek(h.dataStart, io.SeekStart); err != nil {
		return Info{}, err
	}
	cr := &countReader{r: bufio.NewReaderSize(src, 64<<10)}
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
	err = writeAtomic(path, path+".repair", func(f *os.File) error {
		if _, err := io.Copy(f, io.NewSectionReader(src, 0, end)); err != nil {
			return err
		}
		_, err := f.WriteAt(encodeStreamInfo(si), flacStreamInfoOff)
		return err
	})
	if err != nil {
		return Info{}, err
	}
	return Info{Format: FLAC, SampleRate: h.rate, Channels: h.channels, Frames: samples, Duration: framesDuration(samples, h.rate)}, nil
}
