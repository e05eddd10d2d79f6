package cli

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/earshot/earshot/internal/human"
	"github.com/earshot/earshot/library"
)

// isTerminal reports whether w is a terminal (live status lines and progress
// bars go only there; pipes and logs get plain lines).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// formatDuration shows a length by the rule the window shares
// (human.Length): 0:00.5, 0:07, 12:34, 1:02:03.
func formatDuration(d time.Duration) string { return human.Length(d) }

// formatSize shows a byte count by the rule the window shares (human.Size).
func formatSize(n int64) string { return human.Size(n) }

// progress returns a library.Progress that draws a bar on w when w is a
// terminal (nil otherwise), and a function to call when done.
func progress(w io.Writer, what string) (library.Progress, func()) {
	if !isTerminal(w) {
		return nil, func() {}
	}
	var bar *progressbar.ProgressBar
	report := func(done, total int64) {
		if bar == nil {
			bar = progressbar.NewOptions64(total,
				progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription(what),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionShowElapsedTimeOnFinish(),
				progressbar.OptionClearOnFinish(),
			)
		}
		if total != bar.GetMax64() {
			bar.ChangeMax64(total)
		}
		bar.Set64(done)
	}
	return report, func() {
		if bar != nil {
			bar.Finish()
		}
	}
}
