package library

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/internal/human"
)

// Import adds an audio file to the library, titled after its name. WAV, FLAC
// and Ogg Opus files that probe as valid are stored as they are; MP3 (and any
// other format audio.Convert reads) is re-encoded to Ogg Opus. A corrupt or
// unsupported file gives a one-line error and adds nothing. A FLAC or WAV
// file that breaks off (a recorder that crashed, a copy cut short) is
// imported up to where it breaks, as a crashed take is recovered; the
// error is then a *DamagedImport beside the recording made. progress may
// be nil.
func (l *Library) Import(ctx context.Context, src string, progress Progress) (Recording, error) {
	base := filepath.Base(src)
	st, err := os.Stat(src)
	if err != nil {
		return Recording{}, &ImportError{File: base, Err: err}
	}
	if st.IsDir() {
		return Recording{}, &ImportError{File: base, Err: errors.New("it is a folder; name an audio file")}
	}
	format, err := audio.DetectFormat(src)
	if err != nil {
		return Recording{}, &ImportError{File: base, Err: err}
	}
	id := api.NewID()
	var lockFile *os.File
	if err := l.withIncomingLock(func() (err error) { lockFile, err = l.createLock(id); return }); err != nil {
		return Recording{}, &ImportError{File: base, Err: err}
	}
	title := api.CleanTitle(strings.TrimSuffix(base, filepath.Ext(base)))
	r, claimed, err := l.importAs(ctx, id, title, src, format, progress)
	if err != nil {
		l.cleanupIncoming(id, lockFile)
		return Recording{}, &ImportError{File: base, Err: err}
	}
	l.cleanupIncoming(id, lockFile)
	if claimed > r.Duration {
		return r, &DamagedImport{File: base, Kept: r.Duration, Claimed: claimed}
	}
	return r, nil
}

// DamagedImport says that an import kept only the part of File before it breaks
// off: Kept of the Claimed its header gave. The recording was made.
type DamagedImport struct {
	File          string
	Kept, Claimed time.Duration
}

func (e *DamagedImport) Error() string {
	return fmt.Sprintf("%s ends early or is damaged after %s (its header says %s): the %s before that was imported",
		e.File, human.Length(e.Kept), human.Length(e.Claimed), human.Length(e.Kept))
}

// importAs stores src as recording id. claimed is the length src's header
// gives when only a shorter part of it could be kept, else 0.
func (l *Library) importAs(ctx context.Context, id, title, src string, format audio.Format, progress Progress) (r Recording, claimed time.Duration, err error) {
	stored := format
	var info audio.Info
	switch format {
	case audio.WAV, audio.FLAC, audio.Opus:
		if info, err = audio.Probe(src); err != nil {
			return Recording{}, 0, err
		}
		err = copyFile(ctx, src, l.partPath(id, format), 0o600, progress)
	default:
		stored = audio.Opus
		info, err = audio.Convert(ctx, src, l.partPath(id, stored), stored, progress)
	}
	part := l.partPath(id, stored)
	var a *Analysis // made while checking a FLAC file, else at the end
	switch {
	case err != nil:
	case format == audio.FLAC:
		info, claimed, a, err = keepWhatDecodes(ctx, part, info)
	case format == audio.WAV:
		claimed, err = mendCutWAV(part)
	}
	if err != nil {
		os.Remove(part)
		return Recording{}, 0, err
	}
	info.Format = stored
	sc := sidecar{ID: id, Title: title, Format: stored, CreatedAt: l.now().UTC()}
	r, err = l.adopt(ctx, sc, part, info, false)
	if err != nil {
		os.Remove(part)
		return Recording{}, 0, err
	}
	// Best effort, like at commit: Unanalyzed finds it if this fails.
	if a != nil {
		_ = l.store(r.ID, r.SHA256, a)
	} else {
		_ = l.analyzeFile(ctx, r.ID, r.SHA256, l.audioPath(r.ID, r.Format))
	}
	return r, claimed, nil
}

// keepWhatDecodes checks that the FLAC file at path decodes to the end its
// header gives, in the decode that makes its analysis (returned, so the
// file is decoded once). If it breaks off before, it is cut after its last
// whole frame (audio.Repair, as for a crashed take), and the new info comes
// back with the length the header claimed and no analysis. Only FLAC is
// checked: its header's length is written by the encoder, not measured (a
// WAV's comes from the file's size, an Ogg Opus's from its last page).
func keepWhatDecodes(ctx context.Context, path string, info audio.Info) (audio.Info, time.Duration, *Analysis, error) {
	a, err := decodeAnalysis(ctx, path, analyses)
	if err == nil && a.frames() == info.Frames {
		return info, 0, a, nil
	}
	if err != nil && !errors.Is(err, audio.ErrCorrupt) {
		return audio.Info{}, 0, nil, err
	}
	kept, rerr := audio.Repair(path, audio.FLAC)
	if rerr != nil {
		return audio.Info{}, 0, nil, rerr
	}
	if kept.Frames == 0 {
		return audio.Info{}, 0, nil, fmt.Errorf("%w: not one whole FLAC frame in it", audio.ErrCorrupt)
	}
	return kept, info.Duration, nil, nil
}

// mendCutWAV returns the length the WAV file at path claims when it holds
// less (it was cut short), after making its chunk sizes say what it holds
// (audio.Repair), so that a copy exported or synced from it reads the same
// length everywhere. Its length as Probe gives it is already what it
// holds. Repair handles 16-bit PCM only; another WAV keeps its header.
func mendCutWAV(path string) (time.Duration, error) {
	claimed, err := audio.WAVClaim(path)
	if err != nil || claimed == 0 {
		return 0, err
	}
	if _, err := audio.Repair(path, audio.WAV); err != nil && !errors.Is(err, audio.ErrUnsupported) {
		return 0, err
	}
	return claimed, nil
}

// Export writes a recording's audio to dst: a copy in its own format when
// dst has no extension or the recording's own, else converted to the format
// dst's extension names (.opus/.ogg, .flac, .wav, .mp3). When dst is a folder the
// file is named after the title. It returns the path written; dst appears
// only once complete. progress may be nil.
func (l *Library) Export(ctx context.Context, id, dst string, progress Progress) (string, error) {
	return l.export(ctx, id, dst, func(r Recording, src, tmp string, format audio.Format) error {
		if format == r.Format {
			// The mode audio.Convert gives a converted export: the same file
			// whatever the format.
			return copyFile(ctx, src, tmp, 0o644, progress)
		}
		_, err := audio.Convert(ctx, src, tmp, format, progress)
		return err
	})
}

// export resolves dst and its format for recording id, has write make the
// file at tmp from the audio at src, and renames it into place.
func (l *Library) export(ctx context.Context, id, dst string, write func(r Recording, src, tmp string, format audio.Format) error) (string, error) {
	r, err := l.Get(ctx, id)
	if err != nil {
		return "", err
	}
	if !r.HasAudio {
		return "", fmt.Errorf("export %s: %w; download it first", id, ErrNoAudio)
	}
	if st, err := os.Stat(dst); err == nil && st.IsDir() {
		dst = filepath.Join(dst, FileName(r.Title)+r.Format.Ext())
	}
	format := r.Format
	if ext := filepath.Ext(dst); ext != "" {
		if format, err = audio.ParseExportFormat(ext); err != nil {
			return "", fmt.Errorf("export to %s: Earshot writes .opus, .flac, .wav or .mp3 files; end the name with one of those", filepath.Base(dst))
		}
	}
	if st, err := os.Stat(filepath.Dir(dst)); err != nil || !st.IsDir() {
		return "", fmt.Errorf("export to %s: there is no folder %s; create it or pick another", filepath.Base(dst), filepath.Dir(dst))
	}
	tmp := filepath.Join(filepath.Dir(dst), "."+filepath.Base(dst)+".earshot-tmp")
	src := l.audioPath(r.ID, r.Format)
	err = write(r, src, tmp, format)
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		os.Remove(tmp)
		if errors.Is(err, os.ErrNotExist) && !fileExists(src) {
			return "", fmt.Errorf("export %s: its audio file %s is missing", id, src)
		}
		return "", fmt.Errorf("export %s to %s: %w", id, dst, err)
	}
	return dst, nil
}

// FileName turns a title into a file name (without extension) that works on
// every platform and file system, FAT and exFAT included.
func FileName(title string) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < 32 {
			return '_'
		}
		return r
	}, strings.TrimSpace(title))
	name = strings.Trim(name, ". ")
	if name == "" {
		name = "recording"
	}
	return name
}
