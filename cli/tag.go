package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/earshot/earshot/library"
	flag "github.com/spf13/pflag"
)

func init() {
	Register(&Command{
		Name: "tag", Args: "ID [+TAG|-TAG]...",
		Summary: "add (+TAG) and remove (-TAG) a recording's tags; alone, print them",
		Long: "A tag without a sign is added too. Tags match in any case and are stored in lower case; " +
			"a tag may hold spaces if quoted (\"big meeting\"). Give flags before the ID: after it, " +
			"-WORD removes the tag WORD.",
		Examples: `earshot tag 3f91c07a +work -draft   # add work, remove draft
			earshot tag 3f91c07a "+big meeting"
			earshot tag 3f91c07a                 # print its tags, one a line`,
		// After the ID every word is a tag edit, so that -draft is not a flag.
		Flags:   func(fs *flag.FlagSet) { fs.SetInterspersed(false) },
		MinArgs: 1, MaxArgs: -1,
		Run: tag,
	})
}

func tag(ctx context.Context, e *Env, args []string) error {
	edits, err := tagEdits(e, args[1:])
	if err != nil || edits == nil {
		return err
	}
	r, err := e.Recording(ctx, args[0])
	if err != nil {
		return err
	}
	if len(edits.add) == 0 && len(edits.remove) == 0 {
		for _, t := range r.Tags {
			fmt.Fprintln(e.Stdout, t)
		}
		if len(r.Tags) == 0 && !e.Quiet {
			fmt.Fprintf(e.Stderr, "%q has no tags: `earshot tag %s +work` adds one\n", printable(r.Title), library.ShortID(r.ID))
		}
		return nil
	}
	if err := e.lib.EditTags(ctx, r.ID, edits.add, edits.remove); err != nil {
		return err
	}
	if r, err = e.lib.Get(ctx, r.ID); err != nil {
		return err
	}
	if !e.Quiet {
		fmt.Fprintf(e.Stderr, "tags of %q: %s\n", r.Title, tagList(r.Tags))
	}
	return nil
}

type tagEdit struct{ add, remove []string }

// tagEdits splits +TAG / -TAG / TAG words. Because flags are not parsed
// after the ID, it answers --help itself and refuses other --flags as the
// parser would; a nil result with no error means help was printed.
func tagEdits(e *Env, words []string) (*tagEdit, error) {
	ed := &tagEdit{}
	for _, w := range words {
		switch {
		case w == "--":
		case w == "--help" || w == "-h":
			cmd, _, err := e.root.Find([]string{"tag"})
			if err != nil {
				return nil, err
			}
			return nil, cmd.Help()
		case strings.HasPrefix(w, "--"):
			name, _, _ := strings.Cut(w, "=")
			return nil, Usagef("unknown flag: %s (give flags before the ID; -WORD after it removes the tag WORD)", name)
		case strings.HasPrefix(w, "-"):
			ed.remove = append(ed.remove, w[1:])
		default:
			ed.add = append(ed.add, strings.TrimPrefix(w, "+"))
		}
	}
	return ed, nil
}

// tagList shows tags as people write them in a sentence.
func tagList(tags []string) string {
	if len(tags) == 0 {
		return "none"
	}
	return strings.Join(tags, ", ")
}
