package ui

import (
	"strings"
	"testing"
)

// Save as… takes every format Export writes, MP3 included, and names them
// all when the extension is not one.
func TestSaveAsFormats(t *testing.T) {
	for _, name := range []string{"memo.mp3", "memo.opus", "memo.ogg", "memo.flac", "memo.wav"} {
		if err := checkExportName("/tmp/" + name); err != nil {
			t.Errorf("%s refused: %v", name, err)
		}
	}
	err := checkExportName("/tmp/memo.m4a")
	if err == nil || !strings.Contains(err.Error(), ".mp3") || !strings.Contains(err.Error(), ".flac") {
		t.Fatalf("memo.m4a: %v; want the formats named", err)
	}
}
