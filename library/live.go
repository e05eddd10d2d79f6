package library

import (
	"os"
	"path/filepath"
	"strings"
)

// RecordingInProgress reports whether a recording is being made in this
// library right now, by this process or another: some recording's lock
// file in $DATA/incoming is held. The transcriber pauses on it where
// cores are few, so the recorder never loses samples.
func (l *Library) RecordingInProgress() bool {
	ents, err := os.ReadDir(l.incomingDir())
	if err != nil {
		return false
	}
	for _, e := range ents {
		name := e.Name()
		if !strings.HasSuffix(name, ".lock") || strings.HasPrefix(name, ".") || name == transcriberLock {
			continue
		}
		f, err := os.OpenFile(filepath.Join(l.incomingDir(), name), os.O_RDWR, 0)
		if err != nil {
			continue // gone meanwhile: that recording finished
		}
		ok, err := tryLock(f)
		if ok {
			unlock(f) // a dead recorder's lock: recovery's business, not ours
		}
		f.Close()
		if err == nil && !ok {
			return true
		}
	}
	return false
}
