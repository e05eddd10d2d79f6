// Package ui is Earshot's desktop window, in Fyne: the only package that
// imports fyne.
//
// The window has three tabs. Recordings: the record button (Record → Stop,
// with Pause/Resume beside it), the elapsed time, a level meter (RMS bar,
// peak tick, clipping lamp) and a scrolling waveform, the input device and
// format under "Input and format", a warning the moment the recorder drops
// samples; below, the library list (newest first, search, All / On this
// device / Cloud only, sync badges with transfer percentages) and the
// selected recording's details: rename in place, play with a seek bar over
// the waveform overview, Save as… with a format, Delete… with its three
// answers, Download for cloud-only recordings. Trash: deleted recordings with
// Restore. Account: sign up, log in, log out, sync status, Sync now and the
// automatic-download setting. Audio files dropped on the window are
// imported. The system tray offers Record/Stop where the desktop has one.
//
// Keyboard shortcuts (Cmd instead of Ctrl on macOS): Ctrl+R records or stops,
// Ctrl+P pauses or resumes, Ctrl+F searches, Delete deletes the selection.
//
// Threading: every callback Fyne makes runs on its one goroutine, so nothing
// here does disk, audio-device or network work there. Clicks start jobs with
// UI.background; jobs report back through onMain (fyne.Do). Animation is
// paced, because every repaint redraws the whole window: the meter and
// waveform repaint at most 12.5 times a second while recording, and only
// when they would look different, the clock when its text changes, the
// playhead 15 times a second while playing, transfer badges at most 10
// times a second and the account status 4; nothing repaints while idle.
// EARSHOT_PROFILE_DIR=dir writes CPU and heap profiles of a run there.
//
// The panels use the engine's own types: *library.Library, audio/device's
// Recorder and Player, and SyncCloud (cloudsync.go) over the sync engine
// (package sync), bundled in a Backend. SyncCloud keeps sessions in the OS keyring as the
// CLI keeps them, so a login made in either is resumed by the other, kept in
// memory until the window closes where no keyring is usable, and said so on
// the Account tab.
//
// Sizes derive from the theme's text size (no fixed pixels), the theme
// follows the system's light or dark preference, and settings (input device,
// format, server, email, automatic download) persist in Fyne's preferences.
package ui
