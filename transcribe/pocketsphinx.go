package transcribe

/*
#cgo pkg-config: pocketsphinx
#include <stdlib.h>
#include <pocketsphinx.h>
#include <sphinxbase/logmath.h>

// cmd_ln_init is variadic, which cgo cannot call.
//
// -remove_silence no: the splitter already cut the long pauses, and the
// decoder's own silence removal would drop the short ones inside an
// utterance, shifting every later word time (by over a second in the JFK
// clip). -maxhmmpf 10000 -maxwpf 20 (defaults 30000, unlimited) prune the
// search: 22 % less CPU on the JFK clips with the same words
// (scripts/bench/transcribe.sh measures both against pocketsphinx_continuous).
static ps_decoder_t *es_ps_init(const char *hmm, const char *lm, const char *dict) {
	cmd_ln_t *cfg = cmd_ln_init(NULL, ps_args(), TRUE,
		"-hmm", hmm, "-lm", lm, "-dict", dict, "-logfn", "/dev/null", "-remove_silence", "no",
		"-maxhmmpf", "10000", "-maxwpf", "20", NULL);
	if (cfg == NULL) return NULL;
	ps_decoder_t *ps = ps_init(cfg);
	cmd_ln_free_r(cfg);
	return ps;
}

static double es_seg_conf(ps_decoder_t *ps, ps_seg_t *seg) {
	int32 ascr, lscr, lback;
	int32 prob = ps_seg_prob(seg, &ascr, &lscr, &lback);
	return logmath_exp(ps_get_logmath(ps), prob);
}
*/
import "C"

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unsafe"

	"github.com/earshot/earshot/api"
)

// ModelDir is where Debian's pocketsphinx-en-us puts the US English model.
const ModelDir = "/usr/share/pocketsphinx/model/en-us"

// PocketSphinx is the PocketSphinx engine (cgo; Debian's libpocketsphinx
// 5prealpha with the en-us model).
type PocketSphinx struct {
	ps   *C.ps_decoder_t
	info Info
}

var _ Engine = (*PocketSphinx)(nil)

// NewPocketSphinx loads the model in dir (ModelDir when empty). It takes a
// second or two and about 30 MB.
func NewPocketSphinx(dir string) (*PocketSphinx, error) {
	if dir == "" {
		dir = ModelDir
	}
	hmm, lm, dict := filepath.Join(dir, "en-us"), filepath.Join(dir, "en-us.lm.bin"), filepath.Join(dir, "cmudict-en-us.dict")
	for _, p := range []string{filepath.Join(hmm, "mdef"), lm, dict} {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("%w: install the pocketsphinx-en-us package (sudo apt-get install pocketsphinx-en-us)", ErrModelMissing)
		}
	}
	chmm, clm, cdict := C.CString(hmm), C.CString(lm), C.CString(dict)
	defer C.free(unsafe.Pointer(chmm))
	defer C.free(unsafe.Pointer(clm))
	defer C.free(unsafe.Pointer(cdict))
	ps := C.es_ps_init(chmm, clm, cdict)
	if ps == nil {
		return nil, fmt.Errorf("%w: PocketSphinx could not load it from %s; reinstall the pocketsphinx-en-us package", ErrModelMissing, dir)
	}
	return &PocketSphinx{ps: ps, info: Info{Engine: "pocketsphinx", Model: "en-us", Version: "5prealpha", Language: "en-US"}}, nil
}

// Info says pocketsphinx, en-us, 5prealpha, en-US.
func (p *PocketSphinx) Info() Info { return p.info }

// Decode recognises one utterance.
func (p *PocketSphinx) Decode(ctx context.Context, pcm []int16) ([]api.Word, error) {
	if len(pcm) == 0 {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if C.ps_start_utt(p.ps) < 0 {
		return nil, fmt.Errorf("pocketsphinx: start utterance failed")
	}
	// All at once, as a full utterance: the model normalises cepstra over
	// the whole utterance (-cmn batch), and fed in pieces it recognises far
	// worse. The splitter keeps utterances short (MaxUtterance), which
	// bounds both memory and how long a cancel waits.
	if C.ps_process_raw(p.ps, (*C.int16)(unsafe.Pointer(&pcm[0])), C.size_t(len(pcm)), 0, 1) < 0 {
		C.ps_end_utt(p.ps)
		return nil, fmt.Errorf("pocketsphinx: processing audio failed")
	}
	if C.ps_end_utt(p.ps) < 0 {
		return nil, fmt.Errorf("pocketsphinx: end utterance failed")
	}
	return p.words(), nil
}

// words reads the best hypothesis's words with their times (10 ms frames)
// and posterior confidence, leaving out silences, fillers and sentence marks.
func (p *PocketSphinx) words() []api.Word {
	var out []api.Word
	for seg := C.ps_seg_iter(p.ps); seg != nil; seg = C.ps_seg_next(seg) {
		w := cleanWord(C.GoString(C.ps_seg_word(seg)))
		if w == "" {
			continue
		}
		var sf, ef C.int
		C.ps_seg_frames(seg, &sf, &ef)
		conf := float32(C.es_seg_conf(p.ps, seg))
		out = append(out, api.Word{StartMS: int64(sf) * 10, EndMS: int64(ef+1) * 10, Text: w, Conf: min(max(conf, 0), 1)})
	}
	return out
}

// cleanWord drops PocketSphinx's non-words (<s>, </s>, <sil>, [NOISE]) and
// the pronunciation variant suffix ("can(2)" is "can").
func cleanWord(w string) string {
	if w == "" || strings.ContainsAny(w[:1], "<[+") {
		return ""
	}
	if i := strings.IndexByte(w, '('); i > 0 && strings.HasSuffix(w, ")") {
		w = w[:i]
	}
	return w
}

// Close frees the decoder.
func (p *PocketSphinx) Close() error {
	if p.ps != nil {
		C.ps_free(p.ps)
		p.ps = nil
	}
	return nil
}
