package cli

import (
	"time"

	"github.com/earshot/earshot/internal/human"
)

// playStart reads --from ("" is the start).
func playStart(from string) (time.Duration, error) {
	if from == "" {
		return 0, nil
	}
	d, err := human.ParseMoment(from)
	if err != nil {
		return 0, Usagef("--from: %w", err)
	}
	return d, nil
}
