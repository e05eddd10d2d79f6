package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/earshot/earshot/library"
)

// fullDiskWords is what to do when a command ran out of space: the
// commands that free space work on a full disk (the library keeps room
// for them), so they are named.
const fullDiskWords = "the disk is full: free some space (`earshot trash empty`; `earshot rm --local ID` keeps a synced recording in the cloud only) and try again"

// fullDisk says which disk is full when the error names a file (an
// export's destination may be on another disk than the library), with
// the Earshot commands that free space on the library's.
func fullDisk(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path != "" {
		return fmt.Sprintf("the disk holding %s is full: free some space there (in the library: `earshot trash empty`, or `earshot rm --local ID` for a synced recording) and try again", filepath.Dir(pe.Path))
	}
	return fullDiskWords
}

// fullAtOpen is a library that could not even open for want of space:
// only a library that had not been opened since it started keeping room
// aside, on a disk that filled since (see library/fulldisk.go).
type fullAtOpen struct {
	dir string
	err error
}

func (f fullAtOpen) Error() string {
	return fmt.Sprintf("the disk holding %s is full and the library needs about 1 MB to open: free some space on that disk, then run the command again", f.dir)
}

func (f fullAtOpen) Unwrap() error { return f.err }

// warnRecovery prints what Open could not recover or found wrong, one line
// each, except that recordings left unrecovered for want of space share
// one line: they wait, unharmed, for the next start with room.
func (e *Env) warnRecovery(l *library.Library) {
	waiting := 0
	for _, err := range l.RecoveryErrors() {
		if library.DiskFull(err) {
			waiting++
			continue
		}
		fmt.Fprintf(e.Stderr, "warning: %s\n", oneLine(err.Error()))
	}
	if waiting > 0 {
		fmt.Fprintf(e.Stderr, "warning: %s not recovered yet because the disk is full; kept as they are, recovered at the next start with room (`earshot trash empty` frees some)\n",
			plural(waiting, "unfinished recording", "unfinished recordings"))
	}
}
