package ui

import "fyne.io/fyne/v2"

// onMain and onMainWait hand work to the Fyne goroutine (fyne.Do and
// fyne.DoAndWait). Tests replace them with a dispatcher of their own, because
// Fyne's test driver runs such calls at once on the calling goroutine, which
// would let a background job and the test touch widgets at the same time.
var (
	onMain     = fyne.Do
	onMainWait = fyne.DoAndWait
)
