// Package ui is Earshot's desktop window, in Fyne: the only package that
// imports fyne.
//
// The window has three tabs. Recordings: the header (record.go) with the
// big Record button, the input and format under "Input and format"; while
// recording it changes: a red line under it, a tall live waveform over the
// level meter, the timer with tenths, Recording/Paused, Pause/Resume, Stop
// and Discard, and the window title shows "● 0:12 — Earshot". Below, the
// library list (library.go, row.go: search, filters, sort, the recording in
// progress at the top, empty states, the sync status in the footer) and
// the selected recording's details (details.go): the title renamed in
// place (title.go: committed on leaving the field, Escape reverts), the
// player (playback.go: a wide seek bar, Play/Pause, skip ±10 s, and a tools
// row for other features), the transfer bar, Save as… (export.go), Delete…
// (delete.go: only the answers that apply, Undo for a move to the trash),
// Download, then the sections features add (newDetailSections). Trash
// (trash.go): deleted date, days left, Restore, Delete forever, Empty trash.
// Account: sign up, log in (Enter submits), log out, storage used, sync
// status, Sync now and the automatic-download setting. Audio files dropped
// on the window are imported. The system tray offers Record/Stop where the
// desktop has one.
//
// Keys and shortcuts are listed in keys.go: they work whatever has focus,
// wait while a dialog is open (modal.go: one at a time, Escape cancels,
// Enter takes the safe default). Messages go through plain (human.go): one
// line, the cause in plain words, no URLs or Go error chains.
//
// Threading: every callback Fyne makes runs on its one goroutine, so nothing
// here does disk, audio-device or network work there. Clicks start jobs with
// UI.background; jobs report back through onMain (fyne.Do). Animation is
// paced, because every repaint redraws the whole window: the meter and
// waveform repaint at most 10 times a second while recording, and only
// when they would look different, the clock when its text changes, the
// playhead 15 times a second while playing, transfer badges at most 10
// times a second and the account status 4; nothing repaints while idle.
// EARSHOT_PROFILE_DIR=dir writes CPU and heap profiles of a run there
// (SIGUSR1: a heap snapshot at once; see profile.go).
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
