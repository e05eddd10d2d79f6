package library

import (
	"context"
	"database/sql"
	"fmt"
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

// SearchOptions shape a Search. The zero value finds up to 20 hits and
// treats the last word as a prefix (search as you type).
type SearchOptions struct {
	Limit      int  // 0: 20
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
		limit = 20
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
const candidates = 1000

// searchSegments ranks in two steps: the newest candidates with their
// bm25 score, then the best of those after recency, joined to their
// segments and recordings (integers only); then text and word times for
// those few, one indexed lookup each (a join back to the full-text match
// would walk every match of a common word).
func (l *Library) searchSegments(ctx context.Context, q string, limit int) ([]SearchHit, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := l.db.QueryContext(ctx, `WITH cand AS (
			SELECT rowid AS sid, round(bm25(transcript_fts), 3) AS score FROM transcript_fts
			WHERE transcript_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?3)
		SELECT cand.sid, s.id, r.title, r.created_at, s.idx, s.start_ms, s.end_ms
		FROM cand JOIN transcript_segments s ON s.sid = cand.sid JOIN recordings r ON r.id = s.id
		WHERE r.trashed_at IS NULL AND r.deleted_at IS NULL
		ORDER BY cand.score, r.created_at DESC, s.start_ms LIMIT ?2`, q, limit, candidates)
	if err != nil {
		return nil, err
	}
	var hits []SearchHit
	var sids []int64
	for rows.Next() {
		var h SearchHit
		var sid, created, start, end int64
		if err := rows.Scan(&sid, &h.ID, &h.Title, &created, &h.Segment, &start, &end); err != nil {
			rows.Close()
			return nil, err
		}
		h.CreatedAt = time.UnixMilli(created).UTC()
		h.At, h.End = time.Duration(start)*time.Millisecond, time.Duration(end)*time.Millisecond
		hits = append(hits, h)
		sids = append(sids, sid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(hits) == 0 {
		return nil, nil
	}
	terms := queryTerms(q)
	word, err := l.db.PrepareContext(ctx, `SELECT start_ms FROM transcript_words WHERE sid = ? AND idx = ?`)
	if err != nil {
		return nil, err
	}
	defer word.Close()
	for i := range hits {
		marked, err := l.markSegment(ctx, q, terms, sids[i])
		if err != nil {
			return nil, err
		}
		hits[i].Snippet, hits[i].Marks = snippet(marked)
		hits[i].At = wordTime(ctx, word, sids[i], marked, hits[i].At)
	}
	return hits, nil
}

// markSegment is a segment's text with the words the query matched
// between the markers. The porter stemmer here finds them from the plain
// text; FTS5's highlight() (one full-text query per hit, far slower) is
// asked only when it found none (a word with accents, say).
func (l *Library) markSegment(ctx context.Context, q string, terms []term, sid int64) (string, error) {
	var text string
	if err := l.db.QueryRowContext(ctx, `SELECT text FROM transcript_segments WHERE sid = ?`, sid).Scan(&text); err != nil {
		return "", err
	}
	if marked, ok := markTerms(text, terms); ok {
		return marked, nil
	}
	err := l.db.QueryRowContext(ctx, `SELECT highlight(transcript_fts, 0, char(1), char(2)) FROM transcript_fts
		WHERE transcript_fts MATCH ? AND rowid = ?`, q, sid).Scan(&text)
	return text, err
}

// term is one word of a query as the index holds it: its stem, and
// whether it matches as a prefix.
type term struct {
	stem   string
	prefix bool
}

// queryTerms reads back the words of a query matchQuery built.
func queryTerms(q string) []term {
	var out []term
	for _, f := range strings.Fields(q) {
		prefix := strings.HasSuffix(f, "*")
		w := strings.ToLower(strings.Trim(f, `"*`))
		out = append(out, term{stem: porterStem(w), prefix: prefix})
	}
	return out
}

// markTerms marks the tokens of text (runs of letters and digits, as the
// index's unicode61 tokenizer cuts them) whose stem a term matches; ok is
// false when none did.
func markTerms(text string, terms []term) (string, bool) {
	var b strings.Builder
	found := false
	start := -1
	flush := func(end int) {
		tok := text[start:end]
		if matchesAny(porterStem(strings.ToLower(tok)), terms) {
			b.WriteString(markOpen + tok + markClose)
			found = true
		} else {
			b.WriteString(tok)
		}
		start = -1
	}
	for i, r := range text {
		word := unicode.IsLetter(r) || unicode.IsDigit(r)
		switch {
		case word && start < 0:
			start = i
		case !word && start >= 0:
			flush(i)
		}
		if !word {
			b.WriteRune(r)
		}
	}
	if start >= 0 {
		flush(len(text))
	}
	return b.String(), found
}

func matchesAny(stem string, terms []term) bool {
	for _, t := range terms {
		if stem == t.stem || (t.prefix && strings.HasPrefix(stem, t.stem)) {
			return true
		}
	}
	return false
}

// wordTime finds when the first marked word is said: segment text is its
// words joined by spaces, so the number of words before the first marker
// is that word's index (an edit retimes the words to match its text).
// A segment without word times gives its start.
func wordTime(ctx context.Context, word *sql.Stmt, sid int64, marked string, start time.Duration) time.Duration {
	i := strings.Index(marked, markOpen)
	if i < 0 {
		return start
	}
	n := len(strings.Fields(marked[:i]))
	if i > 0 && !unicode.IsSpace(rune(marked[i-1])) {
		n-- // the marker sits inside a word ("don't"): that word
	}
	var ms int64
	err := word.QueryRowContext(ctx, sid, n).Scan(&ms)
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
