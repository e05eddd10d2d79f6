// Command earshot is the Earshot desktop program: with no arguments it opens
// the window; with a subcommand (`earshot help` lists them) it works from
// the command line. Everything here is wiring; the work is in cli/ and ui/.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/earshot/earshot/cli"
)

func main() {
	// Ctrl-C and SIGTERM end ctx: a recording in progress is then finalised
	// and kept, not lost.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
