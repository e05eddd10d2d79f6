package library

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/audio"
	"github.com/earshot/earshot/internal/human"
)

// TrimmedSuffix ends the title of a trimmed recording.
const TrimmedSuffix = " (trimmed)"

// Trim makes a new recording of id's audio from `from` to `to` (see
// audio.Trim for the formats), titled like the original + " (trimmed)",
// with its tags, favourite flag, and the bookmarks and transcript of the
// kept part, their times shifted to the new start. The original is not
// touched: audio never changes after finalising. The caller moves it to
// the trash (sync.Trim does, everywhere). A span that is empty, shorter
// than MinTrim or outside the recording changes nothing (an error matching
// audio.ErrTrimRange, one plain line).
func (l *Library) Trim(ctx context.Context, id string, from, to time.Duration) (Recording, error) {
	r, err := l.Get(ctx, id)
	if err != nil {
		return Recording{}, fmt.Errorf("trim %s: %w", id, err)
	}
	if err := checkTrim(r, from, to); err != nil {
		return Recording{}, err
	}
	src := l.AudioPath(r)
	if src == "" {
		return Recording{}, fmt.Errorf("trim %s: %w; download it first", id, ErrNoAudio)
	}
	marks, err := l.Bookmarks(ctx, id)
	if err != nil {
		return Recording{}, fmt.Errorf("trim %s: %w", id, err)
	}
	tr, err := l.Transcript(ctx, id)
	if err != nil {
		return Recording{}, fmt.Errorf("trim %s: %w", id, err)
	}
	p, err := l.BeginRecording(ctx, TrimmedTitle(r.Title), r.Format)
	if err != nil {
		return Recording{}, fmt.Errorf("trim %s: %w", id, err)
	}
	info, err := audio.Trim(ctx, src, p.PartPath, frameAt(from, r.SampleRate), frameAt(to, r.SampleRate))
	if err == nil {
		err = l.carryBookmarks(ctx, p.ID, marks, from, to)
	}
	if err != nil {
		return Recording{}, errors.Join(fmt.Errorf("trim %s: %w", id, err), l.Abort(ctx, p))
	}
	nr, err := l.Commit(ctx, p, info)
	if err != nil {
		return Recording{}, fmt.Errorf("trim %s: %w", id, err)
	}
	if err := l.carryMetadata(ctx, nr.ID, r, tr, from, to); err != nil {
		return nr, fmt.Errorf("trim %s: the new recording %s is made, but %w", id, nr.ID, err)
	}
	return l.Get(ctx, nr.ID)
}

// trimRangeError is a span that cannot be trimmed, said in plain words; it
// matches audio.ErrTrimRange.
type trimRangeError struct{ msg string }

func (e *trimRangeError) Error() string        { return e.msg }
func (e *trimRangeError) Is(target error) bool { return target == audio.ErrTrimRange }

// MinTrim is the shortest part a trim keeps: anything shorter is a slip of
// the hand, not a recording anyone wants (and rounds to "0:00 long").
const MinTrim = 100 * time.Millisecond

func checkTrim(r Recording, from, to time.Duration) error {
	bad := func(format string, a ...any) error { return &trimRangeError{fmt.Sprintf(format, a...)} }
	switch {
	case from < 0 || to < 0:
		return bad("times cannot be negative; give times within %q (0:00 to %s)", r.Title, human.Moment(r.Duration))
	case from >= r.Duration:
		return bad("the part to keep starts at %s, past the end of %q (%s long); give times within it",
			human.Moment(from), r.Title, human.Moment(r.Duration))
	case to > r.Duration:
		return bad("the part to keep ends at %s, past the end of %q (%s long); give times within it, or leave out the end",
			human.Moment(to), r.Title, human.Moment(r.Duration))
	case to <= from:
		return bad("nothing to keep from %s to %s; the end must come after the start", human.Moment(from), human.Moment(to))
	case to-from < MinTrim:
		return bad("the part to keep is only %g ms long; keep at least 0.1 s", float64((to-from).Microseconds())/1000)
	}
	return nil
}

// TrimmedTitle is the title Trim gives a trimmed copy of a recording titled
// t: the suffix is added once, so trimming a trimmed recording again does
// not stack "(trimmed) (trimmed)".
func TrimmedTitle(t string) string {
	if len(t) >= len(TrimmedSuffix) && t[len(t)-len(TrimmedSuffix):] == TrimmedSuffix {
		return t
	}
	return t + TrimmedSuffix
}

func frameAt(d time.Duration, rate int) int64 {
	return int64(d.Seconds()*float64(rate) + 0.5)
}

// carryBookmarks adds the bookmarks inside [from, to] to the recording in
// progress, shifted; they belong to it from its Commit.
func (l *Library) carryBookmarks(ctx context.Context, newID string, marks []api.Bookmark, from, to time.Duration) error {
	for _, b := range marks {
		at := time.Duration(b.AtMS) * time.Millisecond
		if at < from || at > to {
			continue
		}
		if _, err := l.AddBookmark(ctx, newID, at-from, b.Name); err != nil {
			return fmt.Errorf("carry bookmark at %s: %w", human.Moment(at), err)
		}
	}
	return nil
}

// carryMetadata gives the new recording the original's tags, favourite
// flag and the transcript of the kept part.
func (l *Library) carryMetadata(ctx context.Context, newID string, r Recording, tr TranscriptInfo, from, to time.Duration) error {
	if len(r.Tags) > 0 {
		if err := l.SetTags(ctx, newID, r.Tags); err != nil {
			return fmt.Errorf("its tags were not copied: %w", err)
		}
	}
	if r.Favorite {
		if err := l.SetFavorite(ctx, newID, true); err != nil {
			return fmt.Errorf("its favourite mark was not copied: %w", err)
		}
	}
	if !tr.Has {
		return nil
	}
	t := tr.Transcript
	t.Segments = shiftSegments(t.Segments, from.Milliseconds(), to.Milliseconds())
	if err := l.SaveTranscript(ctx, newID, t, true); err != nil {
		return fmt.Errorf("its transcript was not copied: %w", err)
	}
	return nil
}

// shiftSegments keeps what of segs lies in [from, to) ms, moved to start at
// 0. A segment cut by an edge keeps the words inside (its text is theirs),
// or, without word times, stays whole if its middle is inside.
func shiftSegments(segs []api.Segment, from, to int64) []api.Segment {
	out := []api.Segment{}
	for _, s := range segs {
		if s.EndMS <= from || s.StartMS >= to {
			continue
		}
		inside := s.StartMS >= from && s.EndMS <= to
		if !inside && len(s.Words) > 0 {
			s = keepWords(s, from, to)
			if len(s.Words) == 0 {
				continue
			}
		} else if mid := (s.StartMS + s.EndMS) / 2; !inside && (mid < from || mid >= to) {
			continue
		}
		out = append(out, shiftSegment(s, from, to))
	}
	return out
}

func keepWords(s api.Segment, from, to int64) api.Segment {
	var words []api.Word
	text := ""
	for _, w := range s.Words {
		if w.StartMS >= from && w.EndMS <= to {
			words = append(words, w)
			if text != "" {
				text += " "
			}
			text += w.Text
		}
	}
	s.Words = words
	if len(words) > 0 {
		s.StartMS, s.EndMS, s.Text = words[0].StartMS, words[len(words)-1].EndMS, text
	}
	return s
}

func shiftSegment(s api.Segment, from, to int64) api.Segment {
	clip := func(v int64) int64 { return min(max(v, from), to) - from }
	s.StartMS, s.EndMS = clip(s.StartMS), clip(s.EndMS)
	words := make([]api.Word, len(s.Words))
	for i, w := range s.Words {
		w.StartMS, w.EndMS = clip(w.StartMS), clip(w.EndMS)
		words[i] = w
	}
	s.Words = words
	return s
}
