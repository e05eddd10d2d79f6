// A C face for SoundTouch's C++ class, for cgo.
#ifndef EARSHOT_STRETCH_SHIM_H
#define EARSHOT_STRETCH_SHIM_H
#ifdef __cplusplus
extern "C" {
#endif
typedef struct es_stretch es_stretch;
es_stretch *es_new(int rate, int channels, double tempo);
void es_free(es_stretch *s);
// es_put adds frames of interleaved 16-bit samples.
void es_put(es_stretch *s, const short *pcm, int frames);
// es_take writes at most max frames and returns how many it wrote.
int es_take(es_stretch *s, short *pcm, int max);
void es_flush(es_stretch *s);
#ifdef __cplusplus
}
#endif
#endif
