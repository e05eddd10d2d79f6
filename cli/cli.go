// Package cli implements the `earshot` subcommands. Each command lives in its
// own file and registers itself in init with Register, so a new command is a
// new file and one Register call: nothing here changes.
//
// The command line is parsed by spf13/cobra (flags anywhere, `--` ends them,
// help, shell completion); commands only see Command and Env, so the parser
// stays in this file.
//
// Every command works through the same packages the GUI uses (library,
// audio/device, sync). Errors reach the user as one line on stderr, saying
// what happened and what to do, with the exit status of exitcodes.go.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	flag "github.com/spf13/pflag"

	"github.com/earshot/earshot/audio/device"
	"github.com/earshot/earshot/internal/version"
	"github.com/earshot/earshot/library"
)

// Command is one subcommand.
type Command struct {
	// Name is the words after `earshot`: "rename", or "trash empty" for a
	// subcommand of trash (the parent is made if nobody registers it).
	Name     string
	Args     string   // the arguments, for usage: "ID TITLE"; ID and FILE complete in the shell
	Aliases  []string // other names the last word may be typed as ("list" for `cloud ls`)
	Summary  string   // one line for `earshot help`
	Long     string   // more paragraphs for `earshot help NAME` (optional)
	Examples string   // one example a line, "earshot …  # what it does"; required
	// Flags declares the command's flags on fs (nil: none). The values it
	// binds are read by Run.
	Flags func(fs *flag.FlagSet)
	// Run does the work. args are what is left after the flags. A nil Run
	// makes a group of subcommands (registered as "NAME SUB").
	Run func(ctx context.Context, e *Env, args []string) error
	// MinArgs and MaxArgs bound len(args); MaxArgs < 0 means no limit.
	MinArgs, MaxArgs int
	// Creates lets the command start a new library in a folder that has
	// none (record, import, login, signup). Any other command refuses such
	// a folder, so a mistyped --data-dir creates nothing.
	Creates bool
}

var commands = map[string]*Command{}

// Register adds a command. It panics on a duplicate name (a programming error).
func Register(c *Command) {
	if _, dup := commands[c.Name]; dup {
		panic("cli: command registered twice: " + c.Name)
	}
	commands[c.Name] = c
}

// Main runs `earshot` with args (os.Args[1:]) and returns the exit status.
// ctx ends on SIGINT/SIGTERM; commands that run long (record, play) stop
// cleanly then.
func Main(ctx context.Context, args []string) int {
	e := &Env{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin}
	defer e.close()
	return e.main(ctx, args)
}

func (e *Env) main(ctx context.Context, args []string) int {
	root := e.rootCommand()
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return exitOK
	}
	name := strings.TrimSpace(strings.TrimPrefix(cmd.CommandPath(), "earshot"))
	prefix := "earshot"
	if name != "" {
		prefix += " " + name
	}
	var re runError
	ran := errors.As(err, &re)
	switch {
	case ran && errors.Is(err, context.Canceled) && ctx.Err() != nil:
		fmt.Fprintf(e.Stderr, "%s: interrupted; what was done is kept, run it again to finish\n", prefix)
		return exitInterrupted
	case !ran || isUsage(err):
		fmt.Fprintf(e.Stderr, "%s: %s\n", prefix, oneLine(usageLine(cmd, err)))
		return exitUsage
	}
	fmt.Fprintf(e.Stderr, "%s: %s\n", prefix, oneLine(e.loginHint(ctx, explain(err), err)))
	return exitError
}

// runError marks an error that came from a command's Run, so Main can tell
// a failure (exit 1) from a command line it could not parse (exit 2).
type runError struct{ err error }

func (r runError) Error() string { return r.err.Error() }
func (r runError) Unwrap() error { return r.err }

// rootCommand builds the cobra tree from the registered commands.
func (e *Env) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "earshot",
		Short:         "Earshot records your voice and keeps your recordings.",
		Long:          rootLong,
		Version:       version.String("earshot"),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.CompletionOptions.DisableDefaultCmd = true // completion.go's has examples and no powershell
	e.root = root
	root.SetOut(e.Stdout)
	root.SetErr(e.Stderr)
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{flagProblem(err)} })
	pf := root.PersistentFlags()
	pf.StringVar(&e.DataDir, "data-dir", "", "the library's folder (default $EARSHOT_DATA_DIR, else the user's data folder)")
	pf.BoolVarP(&e.Quiet, "quiet", "q", false, "print only results and errors")
	pf.BoolVarP(&e.Verbose, "verbose", "v", false, "print more detail (every recording a sync touches)")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if e.Quiet && e.Verbose {
			return usageError{errors.New("-q (quiet) and -v (verbose) cannot be used together: pick one")}
		}
		return nil
	}
	root.SetHelpCommand(helpCommand(root))
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names) // parents before their subcommands
	for _, n := range names {
		e.add(root, commands[n])
	}
	for _, t := range topics {
		root.AddCommand(&cobra.Command{Use: t.name, Short: t.summary, Long: t.text})
	}
	return root
}

// add places c in the tree under root, making missing parents.
func (e *Env) add(root *cobra.Command, c *Command) {
	words := strings.Fields(c.Name)
	parent := root
	for _, w := range words[:len(words)-1] {
		next := child(parent, w)
		if next == nil {
			next = &cobra.Command{Use: w}
			fill(e, next, &Command{Name: w, Summary: "see the subcommands below"})
			parent.AddCommand(next)
		}
		parent = next
	}
	if existing := child(parent, words[len(words)-1]); existing != nil {
		// A placeholder parent made for an earlier subcommand: fill it in.
		fill(e, existing, c)
		return
	}
	cc := &cobra.Command{}
	fill(e, cc, c)
	parent.AddCommand(cc)
}

func child(parent *cobra.Command, name string) *cobra.Command {
	for _, c := range parent.Commands() {
		if c.Name() == name {
			return c
		}
	}
	return nil
}

// fill makes cc run c.
func fill(e *Env, cc *cobra.Command, c *Command) {
	words := strings.Fields(c.Name)
	args := c.Args
	if c.Run == nil && args == "" {
		args = "COMMAND"
	}
	cc.Use = strings.TrimSpace(words[len(words)-1] + " " + args)
	cc.Aliases = c.Aliases
	cc.Short = c.Summary
	cc.Long = strings.TrimSpace(c.Summary + "\n\n" + c.Long)
	cc.Example = indentExamples(c.Examples)
	cc.Args = argCount(c)
	cc.ValidArgsFunction = e.completeArgs(c)
	if c.Flags != nil {
		c.Flags(cc.Flags())
	}
	if c.Run == nil {
		// A group such as `cloud`: alone it shows its subcommands; with a
		// word that is none of them, cobra.NoArgs makes it a usage error.
		cc.Args = cobra.NoArgs
		cc.RunE = func(cmd *cobra.Command, _ []string) error { return runErrorOrNil(cmd.Help()) }
		return
	}
	cc.RunE = func(cmd *cobra.Command, args []string) error {
		e.creates = c.Creates
		if err := c.Run(cmd.Context(), e, args); err != nil {
			return runError{err}
		}
		return nil
	}
}

func indentExamples(s string) string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		lines = append(lines, "  "+strings.TrimSpace(l))
	}
	return strings.Join(lines, "\n")
}

// argCount checks the number of positional arguments.
func argCount(c *Command) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) < c.MinArgs || (c.MaxArgs >= 0 && len(args) > c.MaxArgs) {
			return usageError{errors.New(argCountProblem(c, len(args)))}
		}
		return nil
	}
}

func argCountProblem(c *Command, n int) string {
	switch {
	case c.MaxArgs == 0:
		return fmt.Sprintf("takes no arguments, got %d", n)
	case n < c.MinArgs:
		return "needs " + c.Args
	}
	return fmt.Sprintf("too many arguments (%d)", n)
}

// usageLine is a parse failure with the synopsis and where to find more.
func usageLine(cmd *cobra.Command, err error) string {
	switch {
	case !cmd.HasParent():
		return fmt.Sprintf("%s; `earshot help` lists the commands", err)
	case cmd.Name() == "help":
		return err.Error()
	}
	return fmt.Sprintf("%s; usage: %s (`earshot help %s` has examples)", err,
		cmd.UseLine(), strings.TrimPrefix(cmd.CommandPath(), "earshot "))
}

// explain turns the errors a user can meet into what to do about them.
func explain(err error) string {
	var full fullAtOpen
	switch {
	case errors.As(err, &full):
		return full.Error()
	case library.DiskFull(err) && !errors.Is(err, device.ErrDiskFull): // record says it its own way
		return fullDisk(err)
	}
	var nf *library.NotFoundError
	if errors.As(err, &nf) {
		return fmt.Sprintf("no recording with id %s: `earshot list` shows the ids", nf.ID)
	}
	if s, ok := networkWords(err); ok {
		return s
	}
	return err.Error()
}

// oneLine keeps an error message on one line, whatever a lower layer put in
// it, and safe for a terminal (a file name or title in it may hold escapes).
func oneLine(s string) string {
	return printable(strings.Join(strings.Fields(s), " "))
}

// Env is what a command runs with: its streams, the data folder, the global
// flags, and the library, opened on first use.
type Env struct {
	Stdout, Stderr io.Writer
	Stdin          io.Reader
	DataDir        string // --data-dir; "" for the default
	Quiet          bool   // -q: results and errors only
	Verbose        bool   // -v: more detail

	lib     *library.Library
	root    *cobra.Command // the command tree, for completion
	creates bool           // the running command may start a library
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
	open := library.OpenExisting
	if e.creates {
		open = library.Open
	}
	l, err := open(ctx, dir)
	if library.DiskFull(err) {
		return nil, fullAtOpen{dir: dir, err: err}
	} else if err != nil {
		return nil, err
	}
	for _, r := range l.Recovered() {
		fmt.Fprintf(e.Stderr, "recovered: %s (%s), %s — Earshot was interrupted while recording\n",
			printable(r.Title), r.ID, formatDuration(r.Duration))
	}
	e.warnRecovery(l)
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
