package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/library"
)

// completeArgs completes c's positional arguments in the shell from its Args
// synopsis: an ID completes to the library's recordings (with their titles),
// a FILE to file names, anything else to nothing.
func (e *Env) completeArgs(c *Command) cobra.CompletionFunc {
	words := strings.Fields(c.Args)
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		switch argWord(words, len(args)) {
		case "ID":
			return e.completeIDs(cmd, toComplete), cobra.ShellCompDirectiveNoFileComp
		case "FILE":
			return nil, cobra.ShellCompDirectiveDefault
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
}

// argWord is the synopsis word (without "..." or brackets) for argument i.
func argWord(words []string, i int) string {
	var flat []string
	for _, w := range words {
		if !strings.HasPrefix(w, "[-") && !strings.HasPrefix(w, "-") {
			flat = append(flat, w)
		}
	}
	if len(flat) == 0 {
		return ""
	}
	w := flat[min(i, len(flat)-1)]
	if i >= len(flat) && !strings.HasSuffix(w, "...") {
		return ""
	}
	return strings.Trim(w, "[].")
}

func (e *Env) completeIDs(cmd *cobra.Command, prefix string) []string {
	l, err := e.Library(cmd.Context())
	if err != nil {
		return nil
	}
	rs, err := l.List(cmd.Context(), library.ListOptions{Trash: library.WithTrashed})
	if err != nil {
		return nil
	}
	var out []string
	for _, r := range rs {
		short := library.ShortID(r.ID)
		if strings.HasPrefix(short, strings.ToLower(prefix)) {
			out = append(out, short+"\t"+printable(r.Title))
		} else if strings.HasPrefix(r.ID, strings.ToLower(prefix)) {
			out = append(out, r.ID+"\t"+printable(r.Title))
		}
	}
	return out
}
