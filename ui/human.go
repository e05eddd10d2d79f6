package ui

import (
	"errors"
	"net/url"
	"os"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/earshot/earshot/audio/device"
	"github.com/earshot/earshot/library"
	"github.com/earshot/earshot/sync"
)

// plain says err in plain words for the window, in one line: the cause
// Go's wrapping chain ends in (a URL, a syscall, a path) is replaced by
// what it means and what to do, the first letter is capital and the
// sentence ends with a full stop. The operations the chain names ("could
// not rename "x"") stay.
func plain(err error) string {
	msg := err.Error()
	if words, cause := plainCause(err); cause != nil {
		if i := strings.LastIndex(msg, cause.Error()); i >= 0 {
			msg = msg[:i] + words
		}
	}
	msg, _, _ = strings.Cut(msg, "\n")
	msg = urlPattern.ReplaceAllStringFunc(msg, hostOf)
	return sentence(msg)
}

var urlPattern = regexp.MustCompile(`https?://[^\s"']+`)

// hostOf shortens a URL to its host.
func hostOf(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	return u.Host
}

// plainCause finds the first error in err's chain that has a plain
// meaning, and says it.
func plainCause(err error) (words string, cause error) {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if p := plainWords(e); p != "" {
			return p, e
		}
	}
	return "", nil
}

// plainWords says e in plain words if it is one of the failures a person
// meets, else "".
func plainWords(e error) string {
	var se *sync.Error
	if errors.As(e, &se) && se == e {
		return syncWords(se)
	}
	var nf *library.NotFoundError
	if errors.As(e, &nf) && nf == e {
		return "it is no longer in the library — removed meanwhile, on another device or with the earshot command"
	}
	var ue *url.Error
	if errors.As(e, &ue) && ue == e && sync.KindOf(e) == sync.KindOffline {
		return "can't reach the server at " + hostOf(ue.URL) + " — is earshot-server running, and is the address right?"
	}
	switch {
	case library.DiskFull(e): // also SQLite's "database or disk is full"
		return "the disk is full; free some space (empty the trash, or remove downloaded copies) and try again"
	case errors.Is(e, os.ErrPermission):
		return "permission denied; choose a folder you can write to"
	case errors.Is(e, device.ErrNoDevice):
		return "no input device could be opened; check that a microphone is connected and allowed"
	}
	return ""
}

// syncWords says a classified sync failure.
func syncWords(e *sync.Error) string {
	switch e.Kind {
	case sync.KindOffline:
		if p := plainWordsOfCause(e.Err); p != "" {
			return p
		}
		return "can't reach the server — is earshot-server running, and is the address right?"
	case sync.KindAuth:
		if e.Message != "" {
			return e.Message
		}
		return "the server did not accept the login; log in again on the Account tab"
	case sync.KindRateLimited:
		return "the server is busy; Earshot tries again shortly"
	}
	if e.Message != "" {
		return e.Message
	}
	return ""
}

func plainWordsOfCause(err error) string {
	if err == nil {
		return ""
	}
	p, _ := plainCause(err)
	return p
}

// sentence starts s with a capital letter and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.ContainsAny(s[len(s)-1:], ".!?…") {
		s += "."
	}
	return s
}
