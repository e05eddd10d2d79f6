package audio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Repair turns an unfinished recording (the process was killed, the power
// failed or the disk filled: a torn last page or frame, a header never
// patched) into a valid finished file, keeping every complete frame it
// holds. Repairing a finished file leaves its audio as it was.
//
// It works in place and needs no free disk space, since a full disk is
// when it is needed most: it cuts the torn tail off, then overwrites a few
// bytes where they are (Ogg Opus: the last page's EOS flag and checksum;
// FLAC: STREAMINFO; WAV: the chunk sizes) and fsyncs. Cutting comes first,
// and every file it leaves reads as before, so a crash at any step leaves a
// file that Repair, run again, turns into the same result. The one
// exception is a crash tearing the few bytes of the last Ogg page's header
// that it rewrites: the next Repair then ends the stream a page earlier
// (at most 0.5 s of an Earshot recording).
//
// Only when the file cannot be changed in place (it is not writable, or
// cutting it failed) is the repaired file written beside it as
// path+".repair", fsynced and renamed over it; that needs as much free
// space as the file, and a crash leaves either the old or the repaired file.
func Repair(path string, format Format) (Info, error) {
	info, err := repair(path, format)
	if err != nil {
		return Info{}, fmt.Errorf("repair %s: %w", filepath.Base(path), err)
	}
	return info, nil
}

func repair(path string, format Format) (Info, error) {
	plan, err := planner(format)
	if err != nil {
		return Info{}, err
	}
	tmp := path + ".repair"
	// A rewrite interrupted by a crash only takes up space, which a full
	// disk needs back.
	_ = os.Remove(tmp)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	inPlace := err == nil
	if errors.Is(err, fs.ErrPermission) {
		f, err = os.Open(path)
	}
	if err != nil {
		return Info{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return Info{}, err
	}
	p, err := plan(f, st.Size())
	if err != nil {
		return Info{}, err
	}
	var inPlaceErr error
	if inPlace {
		changed, err := p.apply(f)
		if err == nil {
			return p.info, nil
		}
		if changed {
			return Info{}, err // still a file the next Repair handles
		}
		inPlaceErr = err
	}
	if err := p.rewrite(path, tmp, f); err != nil {
		return Info{}, errors.Join(inPlaceErr, err)
	}
	return p.info, nil
}

// planner returns the function that plans the repair of a file in format.
func planner(format Format) (func(f *os.File, size int64) (repairPlan, error), error) {
	switch format {
	case WAV:
		return planWAV, nil
	case Opus:
		return planOpus, nil
	case FLAC:
		return planFLAC, nil
	}
	return nil, fmt.Errorf("%w: cannot repair format %q", ErrBadParams, format)
}

// repairPlan says how to finish a damaged file without moving it. The
// steps run in this order: truncate to cut (only the torn tail goes, and
// the rest reads as it did), write the patches (small overwrites inside
// what is left, none of which a reader of the unpatched file needs), then
// truncate to keep. The planners make the file a crash leaves after any
// step plan to the same result.
type repairPlan struct {
	info    Info
	size    int64 // the file's size when planned
	cut     int64
	patches []filePatch
	keep    int64 // ≤ cut; less only when the last Ogg page gets shorter
}

// filePatch overwrites the bytes at off with data.
type filePatch struct {
	off  int64
	data []byte
}

// apply carries the plan out on f (open for writing) and fsyncs it.
// changed reports whether the file was touched before an error, in which
// case it is not worth trying another way: what is left is still a file
// the next Repair handles. A patch already in place is not written again,
// so a finished file is left as it was.
func (p *repairPlan) apply(f *os.File) (changed bool, err error) {
	if p.cut < p.size {
		if err := f.Truncate(p.cut); err != nil {
			return false, err
		}
		changed = true
	}
	for _, pt := range p.patches {
		cur := make([]byte, len(pt.data))
		if _, err := f.ReadAt(cur, pt.off); err == nil && bytes.Equal(cur, pt.data) {
			continue
		}
		changed = true // a failed write may have written part of it
		if _, err := f.WriteAt(pt.data, pt.off); err != nil {
			return true, err
		}
	}
	if p.keep < p.cut {
		changed = true
		if err := f.Truncate(p.keep); err != nil {
			return true, err
		}
	}
	if err := f.Sync(); err != nil {
		return changed, err
	}
	return changed, nil
}

// rewrite carries the plan out on a copy of src written to tmp, which then
// replaces path (see writeAtomic).
func (p *repairPlan) rewrite(path, tmp string, src *os.File) error {
	return writeAtomic(path, tmp, func(f *os.File) error {
		if _, err := io.Copy(f, io.NewSectionReader(src, 0, p.cut)); err != nil {
			return err
		}
		for _, pt := range p.patches {
			if _, err := f.WriteAt(pt.data, pt.off); err != nil {
				return err
			}
		}
		if p.keep < p.cut {
			return f.Truncate(p.keep)
		}
		return nil
	})
}
