package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	flag "github.com/spf13/pflag"
)

func init() {
	var asJSON bool
	Register(&Command{
		Name:    "tags",
		Summary: "list the tags in use, with how many recordings carry each (the trash not counted)",
		Examples: `earshot tags
			earshot tags --json
			earshot list --tag work   # the recordings tagged work`,
		Flags: func(fs *flag.FlagSet) {
			asJSON = false
			fs.BoolVar(&asJSON, "json", false, "print a JSON array of {tag, count}")
		},
		Run: func(ctx context.Context, e *Env, _ []string) error { return tags(ctx, e, asJSON) },
	})
	Register(&Command{
		Name: "tags rename", Args: "OLD NEW",
		Summary: "rename a tag on every recording that carries it (onto an existing tag: the two merge)",
		Examples: `earshot tags rename wrk work
			earshot tags rename meeting "big meeting"`,
		MinArgs: 2, MaxArgs: 2,
		Run: func(ctx context.Context, e *Env, args []string) error {
			lib, err := e.Library(ctx)
			if err != nil {
				return err
			}
			n, err := lib.RenameTag(ctx, args[0], args[1])
			if err != nil {
				return err
			}
			if !e.Quiet {
				fmt.Fprintf(e.Stderr, "renamed the tag %q to %q on %s\n", args[0], args[1], plural(n, "recording", "recordings"))
			}
			return nil
		},
	})
}

func tags(ctx context.Context, e *Env, asJSON bool) error {
	lib, err := e.Library(ctx)
	if err != nil {
		return err
	}
	counts, err := lib.TagCounts(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		type jsonTag struct {
			Tag   string `json:"tag"`
			Count int    `json:"count"`
		}
		out := make([]jsonTag, 0, len(counts))
		for _, c := range counts {
			out = append(out, jsonTag{c.Tag, c.Count})
		}
		enc := json.NewEncoder(e.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(counts) == 0 {
		if !e.Quiet {
			fmt.Fprintln(e.Stderr, "no tags yet: `earshot tag ID +work` tags a recording")
		}
		return nil
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TAG\tRECORDINGS")
	for _, c := range counts {
		fmt.Fprintf(tw, "%s\t%d\n", printable(c.Tag), c.Count)
	}
	return tw.Flush()
}
