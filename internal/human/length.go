// Package human formats values the way the window and the command line both
// show them, so the two front ends never disagree about what they print.
package human

import (
	"fmt"
	"time"
)

// Length formats a recording's length: 0:00.5 below one second (tenths,
// so a short clip never reads as empty), else m:ss, or h:mm:ss from an hour
// on, rounded to the nearest second (9.6 s reads 0:10). Negative lengths
// read 0:00.
func Length(d time.Duration) string {
	if d <= 0 {
		return "0:00"
	}
	if tenths := d.Round(100 * time.Millisecond); tenths < time.Second {
		return fmt.Sprintf("0:00.%d", tenths/(100*time.Millisecond))
	}
	s := int64(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// Timer formats a running clock with tenths, m:ss.t (h:mm:ss.t from an hour
// on). It truncates, as a stopwatch does: the clock never shows a tenth that
// has not yet passed.
func Timer(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	t := int64(d / (100 * time.Millisecond))
	s := t / 10
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d.%d", s/3600, s/60%60, s%60, t%10)
	}
	return fmt.Sprintf("%d:%02d.%d", s/60, s%60, t%10)
}
