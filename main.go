// Command earshot is the Earshot desktop program: with no arguments it opens
// the window; with a subcommand (`earshot help` lists them) it works from
// the command line. Everything here is wiring; the work is in cli/ and ui/.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/earshot/earshot/cli"
	"github.com/earshot/earshot/ui"
)

func main() {
	var code int
	if dir, ok := windowArgs(os.Args[1:]); ok {
		// The window's driver catches Ctrl-C and SIGTERM itself and ends
		// its event loop; ui.Run then finalises a recording in progress.
		// A second handler here would race that shutdown (its quit ran
		// after the loop had let go of the display, and panicked).
		code = openWindow(context.Background(), dir)
	} else {
		// Ctrl-C and SIGTERM end ctx: a recording in progress is then
		// finalised and kept, not lost.
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code = cli.Main(ctx, os.Args[1:])
		stop()
	}
	os.Exit(code)
}

// windowArgs reports whether args ask for the window: no subcommand, at most
// --data-dir. Anything else, including -h, goes to the command line.
func windowArgs(args []string) (dataDir string, ok bool) {
	fs := flag.NewFlagSet("earshot", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&dataDir, "data-dir", "", "")
	if fs.Parse(args) != nil || fs.NArg() > 0 {
		return "", false
	}
	return dataDir, true
}

func openWindow(ctx context.Context, dataDir string) int {
	if err := ui.Run(ctx, ui.Options{DataDir: dataDir}); err != nil {
		fmt.Fprintln(os.Stderr, "earshot:", err)
		return 1
	}
	return 0
}
