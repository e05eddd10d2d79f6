package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	flag "github.com/spf13/pflag"

	"github.com/earshot/earshot/internal/human"
	"github.com/earshot/earshot/library"
)

// jsonHit is one element of `earshot search --json`.
type jsonHit struct {
	ID      string   `json:"id"`
	ShortID string   `json:"short_id"` // what the table shows; accepted wherever an id is
	Title   string   `json:"title"`
	Where   string   `json:"where"` // "title" or "transcript"
	AtMS    int64    `json:"at_ms"` // when the first matched word is said
	At      string   `json:"at"`    // the same, as play --from takes it
	Snippet string   `json:"snippet"`
	Marks   [][2]int `json:"marks"` // byte ranges of matched words in snippet
	Segment *int     `json:"segment,omitempty"`
	Created string   `json:"created_at"`
	Words   []string `json:"matched"`
}

func init() {
	var asJSON, whole bool
	var limit int
	Register(&Command{
		Name: "search", Args: "WORDS...", Summary: "find words in titles and transcripts; each hit says when it is said",
		Long: "Words match by stem (meeting finds meetings), all of them in one stretch of speech; the last word may be " +
			"the start of one (budg finds budget) unless --whole-words. `earshot play ID --from TIME` plays a hit.",
		Examples: `earshot search budget
			earshot search ship friday --json`,
		MinArgs: 1, MaxArgs: -1,
		Flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&asJSON, "json", false, "print a JSON array")
			fs.BoolVar(&whole, "whole-words", false, "the last word must match whole")
			fs.IntVar(&limit, "limit", 20, "at most this many hits")
		},
		Run: func(ctx context.Context, e *Env, args []string) error {
			lib, err := e.Library(ctx)
			if err != nil {
				return err
			}
			hits, err := lib.Search(ctx, strings.Join(args, " "), library.SearchOptions{Limit: limit, WholeWords: whole})
			if err != nil {
				return err
			}
			if asJSON {
				return printHitsJSON(e, hits)
			}
			if len(hits) == 0 {
				e.note("nothing found for %q", strings.Join(args, " "))
				return nil
			}
			return printHits(e, hits)
		},
	})
}

func printHits(e *Env, hits []library.SearchHit) error {
	tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
	bold := isTerminal(e.Stdout)
	for _, h := range hits {
		at := human.Moment(h.At)
		if h.Segment < 0 {
			at = "title"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", library.ShortID(h.ID), at, printable(h.Title), marked(h, bold))
	}
	return tw.Flush()
}

// marked shows the snippet with its matches in bold on a terminal, in
// [brackets] elsewhere.
func marked(h library.SearchHit, bold bool) string {
	open, close := "[", "]"
	if bold {
		open, close = "\x1b[1m", "\x1b[0m"
	}
	var b strings.Builder
	last := 0
	for _, m := range h.Marks {
		b.WriteString(printable(h.Snippet[last:m.Start]))
		b.WriteString(open + printable(h.Snippet[m.Start:m.End]) + close)
		last = m.End
	}
	b.WriteString(printable(h.Snippet[last:]))
	return b.String()
}

func printHitsJSON(e *Env, hits []library.SearchHit) error {
	out := make([]jsonHit, 0, len(hits))
	for _, h := range hits {
		j := jsonHit{ID: h.ID, ShortID: library.ShortID(h.ID), Title: h.Title, Where: "transcript", AtMS: h.At.Milliseconds(), At: human.Moment(h.At),
			Snippet: h.Snippet, Marks: [][2]int{}, Created: h.CreatedAt.Format(time.RFC3339Nano), Words: []string{}}
		if h.Segment < 0 {
			j.Where = "title"
		} else {
			seg := h.Segment
			j.Segment = &seg
		}
		for _, m := range h.Marks {
			j.Marks = append(j.Marks, [2]int{m.Start, m.End})
			j.Words = append(j.Words, h.Snippet[m.Start:m.End])
		}
		out = append(out, j)
	}
	enc := json.NewEncoder(e.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
