package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// manDate is the date every man page carries. It is fixed so that
// regenerating the pages (`make man`) changes a page only when its command
// changed, and the committed pages can be compared with generated ones.
var manDate = time.Date(2026, time.December, 1, 0, 0, 0, 0, time.UTC)

// ManPages writes the man pages of earshot into dir: earshot.1, one page per
// command (earshot-trash-empty.1 for `earshot trash empty`) and one per help
// topic (earshot-exit-codes.1). They are made from the same command tree as
// `earshot help`, so they say the same.
func ManPages(dir string) error {
	e := &Env{Stdout: io.Discard, Stderr: io.Discard, Stdin: strings.NewReader("")}
	root := e.rootCommand()
	walk(root, func(c *cobra.Command) {
		c.DisableAutoGenTag = true
		c.Long = preformatted(c.Long)
	})
	header := func() *doc.GenManHeader {
		return &doc.GenManHeader{Section: "1", Date: &manDate, Source: "Earshot", Manual: "Earshot Manual"}
	}
	if err := doc.GenManTree(root, header(), dir); err != nil {
		return fmt.Errorf("write man pages: %w", err)
	}
	for _, c := range root.Commands() {
		if c.IsAdditionalHelpTopicCommand() {
			if err := topicPage(c, header(), dir); err != nil {
				return err
			}
		}
	}
	return nil
}

// topicPage writes the page of a help topic, which GenManTree leaves out.
func topicPage(c *cobra.Command, h *doc.GenManHeader, dir string) error {
	f, err := os.Create(filepath.Join(dir, "earshot-"+c.Name()+".1"))
	if err != nil {
		return fmt.Errorf("write man pages: %w", err)
	}
	err = doc.GenMan(c, h, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write man page of %s: %w", c.Name(), err)
	}
	return nil
}

// preformatted keeps the indented blocks of help text (the exit-code
// table) as they are laid out: the page's text goes through Markdown,
// where only four spaces make a block.
func preformatted(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, " ") {
			lines[i] = "    " + l
		}
	}
	return strings.Join(lines, "\n")
}

func walk(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, s := range c.Commands() {
		walk(s, fn)
	}
}
