package ui

import (
	"strings"

	"fyne.io/fyne/v2"
)

// onMain and onMainWait hand work to the Fyne goroutine (fyne.Do and
// fyne.DoAndWait). Tests replace them with a dispatcher of their own, because
// Fyne's test driver runs such calls at once on the calling goroutine, which
// would let a background job and the test touch widgets at the same time.
var (
	onMain     = func(f func()) { fyne.Do(func() { defer outlivedDisplay(); f() }) }
	onMainWait = func(f func()) { fyne.DoAndWait(func() { defer outlivedDisplay(); f() }) }
)

// outlivedDisplay ends, quietly, work handed to the Fyne goroutine that
// reached the display after Fyne's event loop had let go of it. Once the
// loop has ended (SIGINT or SIGTERM end it from Fyne's own handler, at any
// moment), Fyne runs such work on the caller's goroutine, where any call
// into GLFW panics with NotInitialized: a recording's clock setting the
// window title, a quit closing the window. There is nothing left to show
// it on, and Run's finish saves what matters (a recording in progress, a
// rename being typed). Any other panic goes on.
func outlivedDisplay() {
	r := recover()
	if r == nil {
		return
	}
	if err, ok := r.(error); ok && strings.HasPrefix(err.Error(), "NotInitialized") {
		return
	}
	panic(r)
}
