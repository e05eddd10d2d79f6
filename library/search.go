package library

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
)

// SearchHit is one place where a search matched: a recording's title
// (Segment -1) or a stretch of its transcript.
type SearchHit struct {
	ID        string // the recording
	Title     string
	CreatedAt time.Time
	Segment   int           // index of the matching segment; -1 for the title
	At        time.Duration // when the first matched word is said (the segment's start if unknown); 0 for a title
	End       time.Duration // end of the segment
	// Snippet is the matching text around the first match, "…" where it was
	// cut; Marks are the matched words in it.
	Snippet string
	Marks   []Mark
}

// Mark is a byte range [Start, End) of a snippet.
type Mark struct{ Start, End int }

// SearchOptions shape a Search. The zero value finds up to 50 hits and
// treats the last word as a prefix (search as you type).
type SearchOptions struct {
	Limit      int  // 0: 50
	WholeWords bool // the last word must match whole, not as a prefix
}

// Search finds words across titles and transcripts, outside the trash (and
// cloud-only recordings too: their transcripts are here). Words match by
// stem ("meeting" finds "meetings"), all words must be in one segment or
// title; hits on titles come first, then segments by relevance, newest
// recording first among equals. An empty query finds nothing.
func (l *Library) Search(ctx context.Context, text string, opts SearchOptions) ([]SearchHit, error) {
	q := matchQuery(text, !opts.WholeWords)
	if q == "" {
		return nil, nil
	}
	limit := opts.Limit
	if limit <= 0 {
		limit = 50
	}
	titles, err := l.searchTitles(ctx, q, limit)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", text, err)
	}
	segs, err := l.searchSegments(ctx, q, limit-len(titles))
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", text, err)
	}
	return append(titles, segs...), nil
}

// matchQuery turns what a person typed into an FTS5 query: each word quoted
// (so nothing they type is FTS syntax), all required, the last one a prefix
// when asked.
func matchQuery(text string, prefix bool) string {
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
	var b strings.Builder
	for i, w := range words {
		w = strings.Trim(w, "'")
		if w == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(`"` + w + `"`)
		if prefix && i == len(words)-1 && !endsInSpace(text) {
			b.WriteByte('*')
		}
	}
	return b.String()
}

func endsInSpace(s string) bool {
	return s != "" && unicode.IsSpace(rune(s[len(s)-1]))
}

// Markers FTS5's highlight() puts around matches; cleanText keeps control
// characters out of stored text, so they cannot clash.
const (
	markOpen  = "\x01"
	markClose = "\x02"
)

func (l *Library) searchTitles(ctx context.Context, q string, limit int) ([]SearchHit, error) {
	rows, err := l.db.QueryContext(ctx, `SELECT r.id, r.created_at, highlight(title_fts, 1, char(1), char(2))
		FROM title_fts JOIN recordings r ON r.id = title_fts.rec
		WHERE title_fts MATCH ? AND r.trashed_at IS NULL AND r.deleted_at IS NULL
		ORDER BY round(bm25(title_fts), 3), r.created_at DESC LIMIT ?`, q, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var hits []SearchHit
	for rows.Next() {
		var h SearchHit
		var created int64
		var marked string
		if err := rows.Scan(&h.ID, &created, &marked); err != nil {
			return nil, err
		}
		h.CreatedAt, h.Segment = time.UnixMilli(created).UTC(), -1
		h.Snippet, h.Marks = unmark(marked)
		h.Title = h.Snippet
		hits = append(hits, h)
	}
	return hits, rows.Err()
}

// candidates bounds the work of ranking: a word said in a hundred
// thousand segments is scored in the most recent this many of them (by
// segment row, which grows as transcripts are made), so a common word or a
// two-letter prefix answers as fast as a rare one. Fewer matches than this
// are all ranked.
const candidates = 2000

// searchSegments ranks in three steps: the newest candidates with their
// bm25 score (integers only), the best of those after recency, then text
// and word times for those few.
func (l *Library) searchSegments(ctx context.Context, q string, limit int) ([]SearchHit, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := l.db.QueryContext(ctx, `WITH cand AS (
			SELECT rowid AS sid, round(bm25(transcript_fts), 3) AS score FROM transcript_fts
			WHERE transcript_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3),
		top AS (
			SELECT cand.sid, cand.score, r.created_at AS created, s.start_ms AS start
			FROM cand JOIN transcript_segments s ON s.sid = cand.sid JOIN recordings r ON r.id = s.id
			WHERE r.trashed_at IS NULL AND r.deleted_at IS NULL
			ORDER BY cand.score, created DESC, start LIMIT ?2)
		SELECT s.sid, s.id, r.title, r.created_at, s.idx, s.start_ms, s.end_ms,
			highlight(transcript_fts, 0, char(1), char(2)), top.score
		FROM top JOIN transcript_fts ON transcript_fts.rowid = top.sid
			JOIN transcript_segments s ON s.sid = top.sid JOIN recordings r ON r.id = s.id
		WHERE transcript_fts MATCH ?1`, q, limit, candidates)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type ranked struct {
		SearchHit
		sid   int64
		score float64
	}
	var found []ranked
	for rows.Next() {
		var h ranked
		var created, start, end int64
		var marked string
		if err := rows.Scan(&h.sid, &h.ID, &h.Title, &created, &h.Segment, &start, &end, &marked, &h.score); err != nil {
			return nil, err
		}
		h.CreatedAt = time.UnixMilli(created).UTC()
		h.At, h.End = time.Duration(start)*time.Millisecond, time.Duration(end)*time.Millisecond
		h.Snippet, h.Marks = snippet(marked)
		h.At = wordTime(ctx, l.db, h.sid, marked, h.At)
		found = append(found, h)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sort.SliceStable(found, func(i, j int) bool {
		a, b := found[i], found[j]
		if a.score != b.score {
			return a.score < b.score
		}
		if !a.CreatedAt.Equal(b.CreatedAt) {
			return a.CreatedAt.After(b.CreatedAt)
		}
		return a.At < b.At
	})
	hits := make([]SearchHit, len(found))
	for i, f := range found {
		hits[i] = f.SearchHit
	}
	return hits, nil
}

// wordTime finds when the first marked word is said: segment text is its
// words joined by spaces, so the number of words before the first marker
// is that word's index. Edited segments have no word times: their start.
func wordTime(ctx context.Context, db *sql.DB, sid int64, marked string, start time.Duration) time.Duration {
	i := strings.Index(marked, markOpen)
	if i < 0 {
		return start
	}
	n := len(strings.Fields(marked[:i]))
	if i > 0 && !unicode.IsSpace(rune(marked[i-1])) {
		n-- // the marker sits inside a word ("don't"): that word
	}
	var ms int64
	err := db.QueryRowContext(ctx, `SELECT start_ms FROM transcript_words WHERE sid = ? AND idx = ?`, sid, n).Scan(&ms)
	if err != nil {
		return start
	}
	return time.Duration(ms) * time.Millisecond
}

// snippetBefore and snippetAfter are how many words a snippet shows before and after the
// first match.
const snippetBefore, snippetAfter = 6, 12

// snippet cuts a highlighted segment text to a few words around the first
// match and turns the markers into Marks.
func snippet(marked string) (string, []Mark) {
	words := strings.Fields(marked)
	first := 0
	for i, w := range words {
		if strings.Contains(w, markOpen) {
			first = i
			break
		}
	}
	from, to := max(0, first-snippetBefore), min(len(words), first+snippetAfter+1)
	s := strings.Join(words[from:to], " ")
	// A cut can leave a marker pair open across the edge: close it.
	if strings.Count(s, markOpen) > strings.Count(s, markClose) {
		s += markClose
	}
	if strings.Count(s, markClose) > strings.Count(s, markOpen) {
		s = markOpen + s
	}
	if from > 0 {
		s = "… " + s
	}
	if to < len(words) {
		s += " …"
	}
	return unmark(s)
}

// unmark removes the markers and says where they were.
func unmark(s string) (string, []Mark) {
	var b strings.Builder
	var marks []Mark
	open := -1
	for _, r := range s {
		switch string(r) {
		case markOpen:
			open = b.Len()
		case markClose:
			if open >= 0 {
				marks = append(marks, Mark{Start: open, End: b.Len()})
				open = -1
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), marks
}
