package cli

import (
	"errors"
	"fmt"
)

// Exit statuses: the same for every command, listed in `earshot help
// exit-codes` and README.
const (
	exitOK          = 0   // done
	exitError       = 1   // the command ran and failed
	exitUsage       = 2   // the command line was wrong; nothing was done
	exitInterrupted = 130 // Ctrl-C (or SIGTERM) cut the work short
)

// usageError is a command line that cannot be carried out as written: an
// unknown flag, a wrong number of arguments, a value a flag does not take.
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

// Usagef makes an error that exits with status 2 (usage), for a Run that
// finds a flag value or an argument it cannot take: `--format mp3`,
// `cloud foo`. The message says what is wrong; the usage line is added.
func Usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}

func init() {
	RegisterTopic("exit-codes", "what earshot's exit statuses mean", `Every earshot command exits with one of these statuses:

  0    done (also for --help and --version, which print to standard output)
  1    the command ran and failed; the last line on standard error says why
       and what to do (for import of several files: at least one failed,
       every good one was imported)
  2    the command line was wrong (unknown command or flag, wrong number of
       arguments, a value a flag does not take); nothing was done
  130  interrupted (Ctrl-C or SIGTERM) while work was in progress; what was
       finished is kept. record and play stop cleanly on Ctrl-C and exit 0.`)
}
