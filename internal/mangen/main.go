// Command mangen writes Earshot's man pages (`make man`): every *.1 in the
// folder it is given is replaced by pages made from the command tree, so a
// removed command loses its page. cli's TestManPages fails while the
// committed pages differ from what this writes.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/earshot/earshot/cli"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: mangen DIR  (e.g. go run ./internal/mangen docs/man)")
		os.Exit(2)
	}
	dir := os.Args[1]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "mangen:", err)
		os.Exit(1)
	}
	old, _ := filepath.Glob(filepath.Join(dir, "*.1"))
	for _, p := range old {
		if err := os.Remove(p); err != nil {
			fmt.Fprintln(os.Stderr, "mangen:", err)
			os.Exit(1)
		}
	}
	if err := cli.ManPages(dir); err != nil {
		fmt.Fprintln(os.Stderr, "mangen:", err)
		os.Exit(1)
	}
}
