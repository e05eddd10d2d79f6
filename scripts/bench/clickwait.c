// clickwait: click at (cx, cy) on the X display, then report how many
// milliseconds pass until the pixel at (px, py) takes the colour RRGGBB
// (within 8 per channel: the X server may round what Fyne drew).
// The GUI benchmark uses it to time "click a row → its waveform on screen"
// as a person sees it, polling the real frame buffer every millisecond
// (ImageMagick's import takes ~100 ms a sample: too coarse for the goal).
//
//   clickwait CX CY PX PY RRGGBB [TIMEOUT_MS]   → prints the milliseconds
//
// Build: cc -O2 -o clickwait clickwait.c -lX11 -lXtst
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XTest.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int near(unsigned long a, unsigned long b) {
	for (int shift = 0; shift < 24; shift += 8) {
		int d = (int)((a >> shift) & 0xff) - (int)((b >> shift) & 0xff);
		if (d < -8 || d > 8) return 0;
	}
	return 1;
}

static unsigned long pixel(Display *d, int x, int y) {
	XImage *img = XGetImage(d, DefaultRootWindow(d), x, y, 1, 1, AllPlanes, ZPixmap);
	unsigned long p = XGetPixel(img, 0, 0) & 0xffffff;
	XDestroyImage(img);
	return p;
}

int main(int argc, char **argv) {
	if (argc < 6) {
		fprintf(stderr, "usage: clickwait CX CY PX PY RRGGBB [TIMEOUT_MS]\n");
		return 2;
	}
	int cx = atoi(argv[1]), cy = atoi(argv[2]), px = atoi(argv[3]), py = atoi(argv[4]);
	unsigned long want = strtoul(argv[5], NULL, 16);
	double timeout = argc > 6 ? atof(argv[6]) : 30000;
	Display *d = XOpenDisplay(NULL);
	if (!d) {
		fprintf(stderr, "clickwait: no X display\n");
		return 1;
	}
	XTestFakeMotionEvent(d, -1, cx, cy, CurrentTime);
	XSync(d, False);
	usleep(50000); // let the hover settle before the timed click
	double t0 = now_ms();
	XTestFakeButtonEvent(d, 1, True, CurrentTime);
	XTestFakeButtonEvent(d, 1, False, CurrentTime);
	XSync(d, False);
	for (;;) {
		if (near(pixel(d, px, py), want)) {
			printf("%.0f\n", now_ms() - t0);
			return 0;
		}
		if (now_ms() - t0 > timeout) {
			fprintf(stderr, "clickwait: pixel %d,%d never became %06lx (is %06lx)\n", px, py, want, pixel(d, px, py));
			return 1;
		}
		usleep(1000);
	}
}
