package device

/*
#cgo LDFLAGS: -ldl
#include <dlfcn.h>
#include <stdarg.h>

// alsaSilent replaces libasound's default error handler, which prints every
// failed configuration lookup ("ALSA lib confmisc.c: cannot find card '0'",
// dozens of lines) to stderr when a machine has no sound card.
static void alsaSilent(const char *file, int line, const char *function, int err, const char *fmt, ...) {}

// quietALSA installs alsaSilent in libasound if the library is present.
// miniaudio loads the same library with dlopen later and so shares the
// handler. Returns 1 when installed.
static int quietALSA(void) {
	void *lib = dlopen("libasound.so.2", RTLD_NOW | RTLD_GLOBAL);
	if (!lib) return 0;
	typedef int (*setter)(void *);
	setter set = (setter)dlsym(lib, "snd_lib_error_set_handler");
	if (!set) return 0;
	set((void *)alsaSilent);
	return 1; // the handle stays open: the handler must outlive miniaudio's use
}
*/
import "C"

import (
	"os"
	"sync"
)

var quietOnce sync.Once

// silenceALSA keeps libasound's diagnostics off the user's terminal: Earshot
// reports a missing device itself, in one line. EARSHOT_AUDIO_DEBUG=1 keeps
// them, for diagnosing a sound setup.
func silenceALSA() {
	quietOnce.Do(func() {
		if os.Getenv("EARSHOT_AUDIO_DEBUG") != "1" {
			C.quietALSA()
		}
	})
}
