package library

import (
	"strings"
	"unicode"

	"github.com/earshot/earshot/api"
)

// retimeWords gives the words of a corrected segment text (split at spaces,
// as search counts them) times, so that highlighting and click-to-play go on
// working after an edit. Words also in the old list, in order (their longest
// common subsequence, compared without case or punctuation), keep their
// times; each run of new words shares the time between the kept words around
// it evenly: the time of the words it replaced, or, where it replaced
// none, the pause it was inserted in. A typed word has confidence 1: the user said so.
func retimeWords(old []api.Word, text string, startMS, endMS int64) []api.Word {
	fresh := strings.Fields(text)
	if len(fresh) == 0 {
		return nil
	}
	kept := commonWords(old, fresh) // kept[i]: index into old, or -1
	out := make([]api.Word, len(fresh))
	for i := 0; i < len(fresh); {
		if k := kept[i]; k >= 0 {
			out[i] = api.Word{StartMS: old[k].StartMS, EndMS: old[k].EndMS, Text: fresh[i], Conf: old[k].Conf}
			i++
			continue
		}
		j := i
		for j < len(fresh) && kept[j] < 0 {
			j++
		}
		from, to := gap(old, kept, i, j, startMS, endMS)
		spread(out[i:j], fresh[i:j], from, to)
		i = j
	}
	return out
}

// gap is the time new words fresh[i:j] take: that of the old words they
// replace (those between the kept words around them), or, if they replace
// none, the pause between those kept words (the segment's start or end at
// an edge).
func gap(old []api.Word, kept []int, i, j int, startMS, endMS int64) (from, to int64) {
	first, last := 0, len(old)-1 // the old words between the kept neighbours
	from, to = startMS, endMS
	if i > 0 {
		first, from = kept[i-1]+1, old[kept[i-1]].EndMS
	}
	if j < len(kept) {
		last, to = kept[j]-1, old[kept[j]].StartMS
	}
	if first <= last {
		from, to = old[first].StartMS, old[last].EndMS
	}
	return from, max(from, to)
}

// spread lays words evenly over [from, to), in order.
func spread(out []api.Word, words []string, from, to int64) {
	n := int64(len(words))
	for k, w := range words {
		i := int64(k)
		out[k] = api.Word{StartMS: from + (to-from)*i/n, EndMS: from + (to-from)*(i+1)/n, Text: w, Conf: 1}
	}
}

// commonWords matches fresh against old by a longest common subsequence of
// their folded forms: for each fresh word the index of the old word it is,
// or -1 for a new one.
func commonWords(old []api.Word, fresh []string) []int {
	a := make([]string, len(old))
	for i, w := range old {
		a[i] = foldWord(w.Text)
	}
	b := make([]string, len(fresh))
	for i, w := range fresh {
		b[i] = foldWord(w)
	}
	// lcs[i][j]: the longest common subsequence of a[i:] and b[j:].
	w := len(b) + 1
	lcs := make([]int32, (len(a)+1)*w)
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			switch {
			case a[i] != "" && a[i] == b[j]:
				lcs[i*w+j] = lcs[(i+1)*w+j+1] + 1
			default:
				lcs[i*w+j] = max(lcs[(i+1)*w+j], lcs[i*w+j+1])
			}
		}
	}
	kept := make([]int, len(b))
	for j := range kept {
		kept[j] = -1
	}
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] != "" && a[i] == b[j]:
			kept[j] = i
			i, j = i+1, j+1
		case lcs[(i+1)*w+j] >= lcs[i*w+j+1]:
			i++
		default:
			j++
		}
	}
	return kept
}

// foldWord is a word as compared between versions: lower case, without the
// punctuation around it ("Budget," is "budget").
func foldWord(s string) string {
	return strings.ToLower(strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsPunct(r) || unicode.IsSymbol(r)
	}))
}
