package library

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// DataDir decides where the library lives: flagValue (from --data-dir) when
// set, else $EARSHOT_DATA_DIR, else the platform's per-user data folder:
// $XDG_DATA_HOME/earshot or ~/.local/share/earshot on Linux and the BSDs,
// ~/Library/Application Support/Earshot on macOS, %LocalAppData%\Earshot on
// Windows.
func DataDir(flagValue string) (string, error) {
	if flagValue != "" {
		return filepath.Abs(flagValue)
	}
	if v := os.Getenv("EARSHOT_DATA_DIR"); v != "" {
		return filepath.Abs(v)
	}
	switch runtime.GOOS {
	case "windows":
		if v := os.Getenv("LocalAppData"); v != "" {
			return filepath.Join(v, "Earshot"), nil
		}
		return "", errors.New("find the data folder: %LocalAppData% is not set; use --data-dir")
	case "darwin", "ios":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", errors.New("find the data folder: no home folder; use --data-dir")
		}
		return filepath.Join(home, "Library", "Application Support", "Earshot"), nil
	}
	if v := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(v) {
		return filepath.Join(v, "earshot"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", errors.New("find the data folder: $HOME is not set; use --data-dir or EARSHOT_DATA_DIR")
	}
	return filepath.Join(home, ".local", "share", "earshot"), nil
}
