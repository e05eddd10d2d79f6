/* xprobe: start a program and report, in milliseconds since just before it
 * was started, when a viewable top-level window of a given name appears and
 * when a pixel of the screen first has a wanted colour.
 *
 *   xprobe NAME X Y HEXDIGITS -- PROGRAM [ARG...]
 *
 * prints "MAPPED PAINTED" on standard output, then exits; the program keeps
 * running. HEXDIGITS lists the accepted first hex digits of the pixel's red
 * channel ("EF": red at least 0xE0). It polls every 2 ms with one XGetImage
 * of one pixel, so it measures the program, not itself: ImageMagick's
 * import, used before, took 40 ms of CPU per look on a 2-core machine and
 * so slowed the launch it was timing and added up to 50 ms of lag. */
#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int named_viewable(Display *d, Window w, const char *name) {
	XWindowAttributes a;
	char *n = NULL;
	int ok = 0;
	if (XGetWindowAttributes(d, w, &a) && a.map_state == IsViewable && XFetchName(d, w, &n) && n) {
		ok = strcmp(n, name) == 0;
	}
	if (n) XFree(n);
	return ok;
}

static int mapped(Display *d, const char *name) {
	Window root = DefaultRootWindow(d), parent, *kids = NULL;
	unsigned int n = 0;
	int found = 0;
	if (!XQueryTree(d, root, &root, &parent, &kids, &n)) return 0;
	for (unsigned int i = 0; i < n && !found; i++) found = named_viewable(d, kids[i], name);
	if (kids) XFree(kids);
	return found;
}

static int painted(Display *d, int x, int y, const char *digits) {
	XImage *img = XGetImage(d, DefaultRootWindow(d), x, y, 1, 1, AllPlanes, ZPixmap);
	if (!img) return 0;
	unsigned long p = XGetPixel(img, 0, 0);
	XDestroyImage(img);
	char hex[3];
	snprintf(hex, sizeof hex, "%02X", (unsigned)((p >> 16) & 0xff));
	return strchr(digits, hex[0]) != NULL;
}

int main(int argc, char **argv) {
	if (argc < 7 || strcmp(argv[5], "--") != 0) {
		fprintf(stderr, "usage: xprobe NAME X Y HEXDIGITS -- PROGRAM [ARG...]\n");
		return 2;
	}
	const char *name = argv[1], *digits = argv[4];
	int x = atoi(argv[2]), y = atoi(argv[3]);
	Display *d = XOpenDisplay(NULL);
	if (!d) {
		fprintf(stderr, "xprobe: cannot open the display\n");
		return 1;
	}
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid == 0) {
		execvp(argv[6], argv + 6);
		perror("xprobe: exec");
		_exit(127);
	}
	double m = -1, p = -1;
	while (now_ms() - t0 < 30000) {
		if (m < 0 && mapped(d, name)) m = now_ms() - t0;
		if (m >= 0 && painted(d, x, y, digits)) {
			p = now_ms() - t0;
			break;
		}
		usleep(2000);
	}
	if (p < 0) {
		fprintf(stderr, "xprobe: %s was not painted at %d,%d within 30 s\n", name, x, y);
		return 1;
	}
	printf("%.0f %.0f\n", m, p);
	return 0;
}
