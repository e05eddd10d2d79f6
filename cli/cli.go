// Package cli implements the `earshot` subcommands. Each command lives in its
// own file and registers itself in init with Register, so packages and files
// added later (the cloud commands) plug in without touching this one.
//
// Every command works through the same packages the GUI uses (library,
// audio/device, sync). Errors reach the user as one line on stderr, saying
// what happened and what to do, with a non-zero exit status.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/earshot/earshot/library"
)

// Command is one subcommand.
type Command struct {
	Name    string // the word after `earshot`
	Args    string // the arguments, for usage: "ID TITLE"
	Summary string // one line for `earshot help`
	// Flags declares the command's flags on fs (nil: none). The values it
	// binds are read by Run.
	Flags func(fs *flag.FlagSet)
	// Run does the work. args are what is left after the flags.
	Run func(ctx context.Context, e *Env, args []string) error
	// MinArgs and MaxArgs bound len(args); MaxArgs < 0 means no limit.
	MinArgs, MaxArgs int
}

var commands = map[string]*Command{}

// Register adds a command. It panics on a duplicate name (a programming error).
func Register(c *Command) {
	if _, dup := commands[c.Name]; dup {
		panic("cli: command registered twice: " + c.Name)
	}
	commands[c.Name] = c
}

// Exit statuses.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// Main runs `earshot` with args (os.Args[1:]) and returns the exit status.
// ctx ends on SIGINT/SIGTERM; commands that run long (record, play) stop
// cleanly then.
func Main(ctx context.Context, args []string) int {
	e := &Env{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin}
	defer e.close()
	return e.main(ctx, args)
}

func (e *Env) main(ctx context.Context, args []string) int {
	global := flag.NewFlagSet("earshot", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	global.StringVar(&e.DataDir, "data-dir", "", "")
	if err := global.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			e.usage(e.Stdout)
			return exitOK
		}
		fmt.Fprintf(e.Stderr, "earshot: %v; `earshot help` lists the commands\n", err)
		return exitUsage
	}
	args = global.Args()
	if len(args) == 0 {
		e.usage(e.Stdout)
		return exitOK
	}
	name, args := args[0], args[1:]
	if name == "help" {
		return e.help(args)
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(e.Stderr, "earshot: unknown command %q; `earshot help` lists the commands\n", name)
		return exitUsage
	}
	fs := flag.NewFlagSet("earshot "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&e.DataDir, "data-dir", e.DataDir, "")
	if c.Flags != nil {
		c.Flags(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			e.commandUsage(e.Stdout, c, fs)
			return exitOK
		}
		fmt.Fprintf(e.Stderr, "earshot %s: %v; usage: earshot %s\n", name, err, synopsis(c))
		return exitUsage
	}
	args = fs.Args()
	if len(args) < c.MinArgs || (c.MaxArgs >= 0 && len(args) > c.MaxArgs) {
		fmt.Fprintf(e.Stderr, "earshot %s: wrong number of arguments; usage: earshot %s\n", name, synopsis(c))
		return exitUsage
	}
	if err := c.Run(ctx, e, args); err != nil {
		fmt.Fprintf(e.Stderr, "earshot %s: %s\n", name, oneLine(explain(err)))
		return exitError
	}
	return exitOK
}

func synopsis(c *Command) string {
	s := c.Name
	hasFlags := false
	fs := flag.NewFlagSet("", flag.ContinueOnError)
	if c.Flags != nil {
		c.Flags(fs)
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
	}
	if hasFlags {
		s += " [flags]"
	}
	if c.Args != "" {
		s += " " + c.Args
	}
	return s
}

func (e *Env) usage(w io.Writer) {
	fmt.Fprint(w, "Earshot records your voice and keeps your recordings.\n\nUsage: earshot [--data-dir DIR] COMMAND [ARGS]\n\nCommands:\n")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-28s %s\n", synopsis(commands[n]), commands[n].Summary)
	}
	fmt.Fprint(w, "\n`earshot help COMMAND` describes a command's flags.\n"+
		"The library lives in --data-dir, else $EARSHOT_DATA_DIR, else the user's data folder.\n")
}

func (e *Env) help(args []string) int {
	if len(args) == 0 {
		e.usage(e.Stdout)
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(e.Stderr, "earshot help: unknown command %q; `earshot help` lists the commands\n", args[0])
		return exitUsage
	}
	fs := flag.NewFlagSet("earshot "+c.Name, flag.ContinueOnError)
	if c.Flags != nil {
		c.Flags(fs)
	}
	e.commandUsage(e.Stdout, c, fs)
	return exitOK
}

func (e *Env) commandUsage(w io.Writer, c *Command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: earshot %s\n\n%s\n", synopsis(c), c.Summary)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fs.VisitAll(func(f *flag.Flag) {
		if f.Name == "data-dir" {
			return
		}
		fmt.Fprintf(tw, "  --%s\t%s", f.Name, f.Usage)
		switch f.DefValue {
		case "", "false", "0", "0s":
		default:
			fmt.Fprintf(tw, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(tw)
	})
	tw.Flush()
}

// explain turns the errors a user can meet into what to do about them.
func explain(err error) string {
	var nf *library.NotFoundError
	if errors.As(err, &nf) {
		return fmt.Sprintf("no recording with id %s: `earshot list` shows the ids", nf.ID)
	}
	return err.Error()
}

// oneLine keeps an error message on one line, whatever a lower layer put in it.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Env is what a command runs with: its streams, the data folder, and the
// library, opened on first use.
type Env struct {
	Stdout, Stderr io.Writer
	Stdin          io.Reader
	DataDir        string // --data-dir; "" for the default

	lib *library.Library
}

// Library opens the library on first use, and tells the user about
// recordings recovered after a crash.
func (e *Env) Library(ctx context.Context) (*library.Library, error) {
	if e.lib != nil {
		return e.lib, nil
	}
	dir, err := library.DataDir(e.DataDir)
	if err != nil {
		return nil, err
	}
	l, err := library.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	for _, r := range l.Recovered() {
		fmt.Fprintf(e.Stderr, "recovered: %s (%s), %s — Earshot was interrupted while recording\n",
			r.Title, r.ID, formatDuration(r.Duration))
	}
	for _, err := range l.RecoveryErrors() {
		fmt.Fprintf(e.Stderr, "warning: %s\n", oneLine(err.Error()))
	}
	e.lib = l
	return l, nil
}

// Recording finds the recording a user named by id or unique id prefix.
func (e *Env) Recording(ctx context.Context, idOrPrefix string) (library.Recording, error) {
	l, err := e.Library(ctx)
	if err != nil {
		return library.Recording{}, err
	}
	id, err := l.Resolve(ctx, idOrPrefix)
	if err != nil {
		return library.Recording{}, err
	}
	return l.Get(ctx, id)
}

func (e *Env) close() {
	if e.lib != nil {
		e.lib.Close()
	}
}
