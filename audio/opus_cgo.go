package audio

/*
#cgo pkg-config: opus
#include <opus.h>

// earshot_opus_lookahead reports the encoder delay libopus adds for these
// parameters (the pre-skip a decoder must drop). The Go binding does not
// expose OPUS_GET_LOOKAHEAD, and opus_encoder_ctl is variadic, which cgo
// cannot call directly.
static int earshot_opus_lookahead(int rate, int channels, int app, int *out) {
	int err;
	OpusEncoder *e = opus_encoder_create(rate, channels, app, &err);
	if (err != OPUS_OK) return err;
	err = opus_encoder_ctl(e, OPUS_GET_LOOKAHEAD(out));
	opus_encoder_destroy(e);
	return err;
}
*/
import "C"

import "fmt"

// opusLookahead returns libopus's lookahead in input samples per channel
// for an encoder with these parameters.
func opusLookahead(rate, channels, app int) (int, error) {
	var out C.int
	if rc := C.earshot_opus_lookahead(C.int(rate), C.int(channels), C.int(app), &out); rc != C.OPUS_OK {
		return 0, fmt.Errorf("libopus lookahead query failed (code %d)", int(rc))
	}
	return int(out), nil
}
