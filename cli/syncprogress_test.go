package cli

import (
	"testing"
	"time"

	"github.com/earshot/earshot/sync"
)

func TestProgressLine(t *testing.T) {
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		p    sync.Progress
		now  time.Time
		want string
	}{
		{sync.Progress{BytesDone: 0, BytesTotal: 50e6, FilesTotal: 12}, start,
			"sync: 0 B / 50.0 MB, 0 %; 0 of 12 files"},
		// A resumed upload: 20 MB were there before; 5 MB moved in 1 s is
		// 5 MB/s, not 25, and the 25 MB left take 5 s.
		{sync.Progress{BytesDone: 25e6, BytesTotal: 50e6, BytesMoved: 5e6, Started: start, FilesDone: 3, FilesTotal: 12, Current: "Call with Ana"},
			start.Add(time.Second), `sync: 25.0 MB / 50.0 MB, 50 %, 5.0 MB/s, 0:05 left; 3 of 12 files; now "Call with Ana"`},
	} {
		if got := progressLine(tc.p, tc.now); got != tc.want {
			t.Errorf("progressLine = %q\nwant            %q", got, tc.want)
		}
	}
}
