package cli

import (
	"encoding/json"
	"fmt"
	"strings"
)

// How commands print (the same for every command, so scripts and people
// can rely on it):
//   - results go to stdout: ids, tables, and with --json one JSON value
//     (PrintJSON) and nothing else;
//   - what happened goes to stderr as one line per event (Infof), dropped
//     with -q; details only with -v (Detailf); errors always;
//   - any text from a recording (title, file name) goes through printable.

// PrintJSON writes v to stdout as indented JSON: the --json output of every
// command. Times in it are RFC 3339 strings; field names are snake_case and
// never follow Go renames.
func (e *Env) PrintJSON(v any) error {
	enc := json.NewEncoder(e.Stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}

// Infof prints one line about what happened on stderr, unless -q.
func (e *Env) Infof(format string, args ...any) {
	if e.Quiet {
		return
	}
	fmt.Fprintf(e.Stderr, strings.TrimSuffix(format, "\n")+"\n", args...)
}

// Detailf prints one line on stderr only with -v.
func (e *Env) Detailf(format string, args ...any) {
	if e.Verbose {
		fmt.Fprintf(e.Stderr, strings.TrimSuffix(format, "\n")+"\n", args...)
	}
}

// plural is "1 recording", "2 recordings": n with the word for it.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
