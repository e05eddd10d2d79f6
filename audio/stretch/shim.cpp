// The SoundTouch side of package stretch: int16 in and out (SoundTouch is
// built with float samples), speech settings set once.
#include <soundtouch/SoundTouch.h>
#include <new>
#include <vector>
#include "shim.h"

using soundtouch::SoundTouch;

struct es_stretch {
	SoundTouch st;
	int ch;
	std::vector<float> buf;
};

extern "C" es_stretch *es_new(int rate, int channels, double tempo) {
	es_stretch *s = new (std::nothrow) es_stretch;
	if (!s) return nullptr;
	s->ch = channels;
	s->st.setSampleRate(rate);
	s->st.setChannels(channels);
	s->st.setTempo(tempo);
	// SoundTouch's settings for speech (its documentation's suggestion):
	// shorter sequences and overlaps than its music defaults.
	s->st.setSetting(SETTING_SEQUENCE_MS, 40);
	s->st.setSetting(SETTING_SEEKWINDOW_MS, 15);
	s->st.setSetting(SETTING_OVERLAP_MS, 8);
	return s;
}

extern "C" void es_free(es_stretch *s) { delete s; }

extern "C" void es_put(es_stretch *s, const short *pcm, int frames) {
	size_t n = (size_t)frames * s->ch;
	if (s->buf.size() < n) s->buf.resize(n);
	for (size_t i = 0; i < n; i++) s->buf[i] = pcm[i] / 32768.0f;
	s->st.putSamples(s->buf.data(), frames);
}

extern "C" int es_take(es_stretch *s, short *pcm, int max) {
	size_t n = (size_t)max * s->ch;
	if (s->buf.size() < n) s->buf.resize(n);
	int got = (int)s->st.receiveSamples(s->buf.data(), max);
	for (size_t i = 0; i < (size_t)got * s->ch; i++) {
		float v = s->buf[i] * 32768.0f;
		pcm[i] = v >= 32767.0f ? 32767 : v <= -32768.0f ? -32768 : (short)(v + (v >= 0 ? 0.5f : -0.5f));
	}
	return got;
}

extern "C" void es_flush(es_stretch *s) { s->st.flush(); }
