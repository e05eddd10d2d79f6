package cli_test

import (
	"encoding/json"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/cli"
	"github.com/earshot/earshot/internal/testenv"
)

// jsonRuns says how to run each command that has --json so that it prints
// data: the arguments after the command's words (ID is replaced by a real
// recording's id). A command with --json missing here fails the test.
var jsonRuns = map[string][]string{
	"list":     {"--json"},
	"trash":    {"--json"},
	"devices":  {"--json"},
	"cloud ls": {"--json"},
	"marks":    {"ID", "--json"},
	"tags":     {"--json"},
	"record":   {"--json", "--duration", "1s"},
	"import":   {"--json", "../library/testdata/tone.flac"},
	"search":   {"tone", "--json"},
	"check":    {"--json"},
	"whoami":   {"--json"},
	"sync":     {"--json"},
	"history":  {"ID", "--json"},
}

// TestConventions holds every command (found in the binary's own command
// tree, so new ones are covered without editing this test) to the command
// line's rules: --help exits 0 on stdout with examples; an unknown flag is a
// usage error (exit 2, one line), also after the arguments; --json prints
// JSON that parses.
func TestConventions(t *testing.T) {
	testenv.Need(t, "DBUS_SESSION_BUS_ADDRESS", "a D-Bus session with gnome-keyring (start_keyring)")
	env := pulse(t)
	url, _ := startSyncServer(t)
	dir := t.TempDir()
	email := "conv-" + api.NewID()[24:] + "@example.com"
	mustIn(t, dir, "a long enough password\n", "signup", "--server", url, "--email", email, "--password-stdin")
	id := strings.TrimSpace(mustEarshot(t, dir, "import", "../library/testdata/tone.flac").stdout)

	cmds := cli.Commands()
	if len(cmds) < 20 {
		t.Fatalf("only %d commands found: %+v", len(cmds), cmds)
	}
	for _, c := range cmds {
		name := strings.Join(c.Path, " ")
		args := placeholders(c.Args, id)
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			for _, help := range [][]string{{"--help"}, append(args, "--help"), {"-h"}} {
				r := earshot(t, dir, env, append(slices.Clone(c.Path), help...)...)
				if r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, "Usage:") || !strings.Contains(r.stdout, "Examples:\n  earshot ") {
					t.Errorf("%s %v: exit %d, stdout %q, stderr %q; want exit 0 and usage with examples on stdout", name, help, r.code, r.stdout, r.stderr)
				}
			}
			help := earshot(t, dir, env, append(slices.Clone(c.Path), "--help")...)
			_, examples, _ := strings.Cut(help.stdout, "Examples:")
			for _, w := range exampleIDs.FindAllString(examples, -1) {
				if strings.ContainsAny(w, "0123456789") && strings.Trim(w, "0123456789") != "" && !hexID.MatchString(w) {
					t.Errorf("%s --help: the example id %q is not one Earshot accepts (ids are hex; list shows their last 8 digits)", name, w)
				}
			}
			for _, bad := range [][]string{{"--no-such-flag"}, append(args, "--no-such-flag")} {
				r := earshot(t, dir, env, append(slices.Clone(c.Path), bad...)...)
				if r.code != 2 || !strings.Contains(r.stderr, "unknown flag: --no-such-flag") || r.stdout != "" {
					t.Errorf("%s %v: exit %d, stderr %q; want exit 2 and the unknown flag named", name, bad, r.code, r.stderr)
				}
				oneLine(t, name, r.stderr)
			}
			if !slices.Contains(c.Flags, "json") {
				return
			}
			run, ok := jsonRuns[name]
			if !ok {
				t.Fatalf("%s has --json: add how to run it to jsonRuns", name)
			}
			r := earshot(t, dir, env, append(slices.Clone(c.Path), withID(run, id)...)...)
			if r.code != 0 || !json.Valid([]byte(r.stdout)) || strings.TrimSpace(r.stdout) == "" {
				t.Errorf("%s %v: exit %d, stdout %q (not JSON), stderr %q", name, run, r.code, r.stdout, r.stderr)
			}
		})
	}
}

// exampleIDs finds the 8-character words of help examples; those with
// both digits and letters stand for ids and must be ids Earshot accepts.
var (
	exampleIDs = regexp.MustCompile(`\b[0-9a-z]{8}\b`)
	hexID      = regexp.MustCompile(`^[0-9a-f]{8}$`)
)

// placeholders turns an argument synopsis into arguments: ID becomes id,
// any other word itself (the runs here stop at the flags).
func placeholders(synopsis, id string) []string {
	var out []string
	for _, w := range strings.Fields(synopsis) {
		w = strings.Trim(w, "[].")
		if w == "ID" {
			w = id
		}
		if w != "" && !strings.Contains(w, "|") {
			out = append(out, w)
		}
	}
	return out
}

// withID replaces the word ID in args by id.
func withID(args []string, id string) []string {
	out := slices.Clone(args)
	for i, a := range out {
		if a == "ID" {
			out[i] = id
		}
	}
	return out
}

// TestFlagsAnywhere: a flag after the arguments is a flag, not part of a
// title or a file name, and -- ends the flags.
func TestFlagsAnywhere(t *testing.T) {
	dir := t.TempDir()
	id := strings.TrimSpace(mustEarshot(t, dir, "import", "../library/testdata/tone.flac").stdout)
	r := earshot(t, dir, nil, "rename", id, "new", "title", "--json")
	if r.code != 2 || !strings.Contains(r.stderr, "unknown flag: --json") {
		t.Fatalf("rename ID new title --json: exit %d, %q", r.code, r.stderr)
	}
	mustEarshot(t, dir, "rename", id, "--", "-3", "dB", "--loud")
	if ls, _ := listJSON(t, dir); ls[0].Title != "-3 dB --loud" {
		t.Fatalf("title after rename -- …: %q", ls[0].Title)
	}
	mustEarshot(t, dir, "list", "--limit", "1", "--data-dir", dir)
	if r := earshot(t, dir, nil, "rm", id, "--local", "--cloud"); r.code != 2 || !strings.Contains(r.stderr, "choose one of") {
		t.Fatalf("rm with two scopes: exit %d, %q", r.code, r.stderr)
	}
}

// TestVersion: both binaries answer --version on stdout with exit 0.
func TestVersion(t *testing.T) {
	r := earshot(t, t.TempDir(), nil, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "earshot ") || r.stderr != "" {
		t.Errorf("earshot --version: exit %d, %q, %q", r.code, r.stdout, r.stderr)
	}
	out, err := exec.Command(testenv.ServerBin(t), "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), "earshot-server ") {
		t.Errorf("earshot-server --version: %q, %v", out, err)
	}
}
