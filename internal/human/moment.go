package human

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Moment formats a moment of a recording (a bookmark, a position) as people
// type it back: m:ss, or h:mm:ss from an hour on, with tenths only when there
// are any (truncated: 1:23.46 reads 1:23.4).
func Moment(d time.Duration) string {
	neg := d < 0
	if neg {
		d = -d
	}
	tenths := int64(d/(100*time.Millisecond)) % 10
	s := int64(d / time.Second)
	out := fmt.Sprintf("%d:%02d", s/60, s%60)
	if s >= 3600 {
		out = fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	if tenths != 0 {
		out += "." + strconv.FormatInt(tenths, 10)
	}
	if neg {
		out = "-" + out
	}
	return out
}

// ParseMoment reads a moment as people type it: "83", "1:23", "1:02:03",
// with an optional fraction of a second ("1:23.5"), or as a length the way
// `earshot record --duration` takes one ("90s", "1m30s", "2.5s", "1h2m").
// Moment's output reads back.
func ParseMoment(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("%q is not a time; write it as 1:23 (minutes:seconds), 1:02:03 or 83s", s)
	if strings.ContainsAny(s, "hms") && !strings.Contains(s, ":") {
		d, err := time.ParseDuration(s)
		if err != nil || d < 0 || strings.HasPrefix(s, "+") {
			return 0, bad
		}
		return d, nil
	}
	parts := strings.Split(s, ":")
	if len(parts) > 3 || parts[0] == "" {
		return 0, bad
	}
	var d time.Duration
	for i, p := range parts {
		last := i == len(parts)-1
		v, err := strconv.ParseFloat(p, 64)
		if err != nil || v < 0 || strings.ContainsAny(p, "eE+-") || !last && strings.Contains(p, ".") ||
			i > 0 && (v >= 60 || len(p) < 2) {
			return 0, bad
		}
		d = d*60 + time.Duration(v*float64(time.Second))
	}
	return d, nil
}
