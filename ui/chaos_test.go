//go:build chaos

package ui

import (
	"context"
	"slices"
	"time"
)

// With -tags chaos every test window re-applies what its list shows every
// 10 ms on the Fyne goroutine, as a library change notice would. A test
// that reads UI state off that goroutine then races with a write there in
// nearly every run, not only when a reload happens to land at the wrong
// moment, so the race detector reports it at once:
//
//	TESTENV_SERVICES="pulse xvfb keyring s3 dynamodb" bash scripts/testpkgs.sh \
//	  -race -tags chaos -count=1 -skip 'TestTranscriptPane|TestTranscriptInTheWindow|TestTranscriptFollow' ./ui/
//
// (The transcript tests are skipped: each re-apply reloads their
// transcript in the background, so under -race a job is always running
// and u.do never settles.) On the tests as they were before they read
// through onMainValue, it found 11 races in 3 of 6 tests in one run.
func init() {
	chaos = func(ctx context.Context, u *UI) {
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-time.After(10 * time.Millisecond):
				}
				onMainWait(func() { // one at a time: the test's own work gets its turn
					if ctx.Err() != nil {
						return
					}
					p := u.list
					rs := slices.Clone(p.items)
					if p.liveShown && len(rs) > 0 {
						rs = rs[1:]
					}
					p.apply(p.shown, rs, p.counted[1])
				})
			}
		}()
	}
}
