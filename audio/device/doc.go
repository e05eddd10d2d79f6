// Package device is Earshot's link to sound hardware through miniaudio
// (malgo): it lists input devices, records from one into an audio.Encoder
// (Recorder) and plays a recording back (Player).
//
// Both directions keep the real-time rule: miniaudio's callback only copies
// samples between C memory and a preallocated buffer and returns. Goroutines
// do the encoding, decoding, file I/O and bookkeeping.
//
// Backends are chosen by name: "pulse", "alsa", "jack", "null" (silence at
// real-time rate, for tests), or "" for the first that works. When the
// caller passes "", the environment variable EARSHOT_AUDIO_BACKEND picks one.
package device
