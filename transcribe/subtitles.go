package transcribe

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/human"
)

// Cue limits: a subtitle line a person can read at a glance.
const (
	cueChars = 42
	cueSpan  = 6 * time.Second
	cueGap   = time.Second // a pause this long starts a new cue
)

// Cue is one subtitle: a few words and when they are on screen.
type Cue struct {
	Start, End time.Duration
	Text       string
}

// Cues cuts a transcript into subtitle-sized cues, at word times where the
// engine gave them; a segment without them is one cue.
func Cues(t api.Transcript) []Cue {
	var out []Cue
	for _, s := range t.Segments {
		if len(s.Words) == 0 {
			out = append(out, Cue{ms(s.StartMS), ms(s.EndMS), s.Text})
			continue
		}
		cur := Cue{Start: ms(s.Words[0].StartMS)}
		for _, w := range s.Words {
			long := len(cur.Text)+1+len(w.Text) > cueChars || ms(w.EndMS)-cur.Start > cueSpan ||
				ms(w.StartMS)-cur.End > cueGap
			if cur.Text != "" && long {
				out = append(out, cur)
				cur = Cue{Start: ms(w.StartMS)}
			}
			cur.Text = strings.TrimSpace(cur.Text + " " + w.Text)
			cur.End = ms(w.EndMS)
		}
		out = append(out, cur)
	}
	return out
}

func ms(v int64) time.Duration { return time.Duration(v) * time.Millisecond }

// Formats are the transcript formats WriteFormat knows, as a person types them.
var Formats = []string{"txt", "srt", "vtt"}

// WriteFormat writes t as plain text, each segment after the moment it
// starts as `earshot play --from` takes it ("txt"), SubRip
// ("srt") or WebVTT ("vtt").
func WriteFormat(w io.Writer, t api.Transcript, format string) error {
	var err error
	switch strings.ToLower(format) {
	case "txt", "text":
		err = writeText(w, t)
	case "srt":
		err = writeSRT(w, t)
	case "vtt", "webvtt":
		err = writeVTT(w, t)
	default:
		return fmt.Errorf("unknown transcript format %q: use txt, srt or vtt", format)
	}
	if err != nil {
		return fmt.Errorf("write transcript: %w", err)
	}
	return nil
}

func writeText(w io.Writer, t api.Transcript) error {
	for _, s := range t.Segments {
		if _, err := fmt.Fprintf(w, "[%s] %s\n", human.Moment(ms(s.StartMS)), s.Text); err != nil {
			return err
		}
	}
	return nil
}

func writeSRT(w io.Writer, t api.Transcript) error {
	for i, c := range Cues(t) {
		if _, err := fmt.Fprintf(w, "%d\n%s --> %s\n%s\n\n", i+1, stamp(c.Start, ','), stamp(c.End, ','), c.Text); err != nil {
			return err
		}
	}
	return nil
}

func writeVTT(w io.Writer, t api.Transcript) error {
	if _, err := io.WriteString(w, "WEBVTT\n\n"); err != nil {
		return err
	}
	for _, c := range Cues(t) {
		// "-->" inside a cue's text would end it early.
		text := strings.ReplaceAll(c.Text, "-->", "→")
		if _, err := fmt.Fprintf(w, "%s --> %s\n%s\n\n", stamp(c.Start, '.'), stamp(c.End, '.'), text); err != nil {
			return err
		}
	}
	return nil
}

// stamp is hh:mm:ss,mmm (SubRip) or hh:mm:ss.mmm (WebVTT).
func stamp(d time.Duration, sep byte) string {
	d = max(d, 0)
	h, m, s := int(d/time.Hour), int(d/time.Minute)%60, int(d/time.Second)%60
	return fmt.Sprintf("%02d:%02d:%02d%c%03d", h, m, s, sep, int(d/time.Millisecond)%1000)
}
