// Package version tells which build of Earshot is running, for the
// `--version` flag of both binaries. The figures come from the build
// information the Go toolchain embeds (module version, VCS revision), so no
// release step has to stamp them.
package version

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// String is "PROGRAM VERSION (commit REV[, modified], GOVERSION)", e.g.
// "earshot v1.2.0 (commit 3f9a2c1b7d20, go1.27.3)". A build from a work tree
// without tags says "devel" for the version.
func String(program string) string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return program + " (no build information)"
	}
	v := info.Main.Version
	if v == "" || v == "(devel)" {
		v = "devel"
	}
	var details []string
	rev, modified := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev != "" {
		c := "commit " + rev[:min(12, len(rev))]
		if modified {
			c += ", modified"
		}
		details = append(details, c)
	}
	details = append(details, info.GoVersion)
	return fmt.Sprintf("%s %s (%s)", program, v, strings.Join(details, ", "))
}
