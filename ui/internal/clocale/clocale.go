// Package clocale keeps the toolkit quiet under the C locale. Fyne reads the
// user's language when its packages initialise and logs an error for "C.UTF-8"
// (the default of many containers and servers), which would clutter every
// command's output, since the CLI and the window share one binary.
//
// ui imports this package for its init. It imports nothing outside the
// standard library, so Go initialises it before Fyne's dependency
// github.com/jeandeaual/go-locale (packages initialise in import path order
// once their own dependencies are done), and so before Fyne asks.
package clocale

import (
	"os"
	"strings"
)

func init() {
	if os.Getenv("LANGUAGE") != "" {
		return
	}
	loc := ""
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if loc = os.Getenv(v); loc != "" {
			break
		}
	}
	// "C" and "POSIX" themselves are understood; "C.UTF-8" and the like are not.
	if strings.HasPrefix(loc, "C.") || strings.HasPrefix(loc, "POSIX.") {
		// LANGUAGE only chooses message translations, and only for the
		// toolkit here: the C library ignores it under the C locale.
		os.Setenv("LANGUAGE", "en")
	}
}
