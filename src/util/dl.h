/*
 * dl — loading a shared library when it is first needed, not when the
 * program starts (dlopen). The program links a few large libraries that
 * most commands never call (libpq, libmicrohttpd, cairo and pango);
 * loading and relocating them at start cost more than a short command's
 * own work (docs/performance.md, the dispatch).
 *
 * A user lists the functions it calls with the library's own prototypes
 * (a pointer of each function's type, declared with __typeof__), describes
 * the set in one static struct ch_dl_once and calls ch_dl_once before it
 * calls through the pointers. The first call loads; every later one gives
 * the first one's answer without trying again, and when the libraries
 * could not be loaded, the reason with it, so that the feature that needs
 * them can say why it is missing instead of failing in silence.
 */
#ifndef CH_UTIL_DL_H
#define CH_UTIL_DL_H

#include <pthread.h>
#include <stddef.h>

/* Libraries to load once, the functions to find in them, and what came of
 * it. Defined static with CH_DL_ONCE_INIT; after that only ch_dl_once
 * writes it, and a caller reads rc and why only after ch_dl_once returned. */
struct ch_dl_once {
	pthread_once_t once;
	const char *const *libs; /* sonames ("libpq.so.5"), at most 8 */
	size_t nlibs;
	const char *const *names; /* the functions, each found in the first library that has it */
	void **const *addrs;      /* for each, the address of its function pointer */
	size_t n;                 /* of names and of addrs */
	/* NULL, or called once right after the attempt, by the thread that made
	 * it, with its outcome in rc and why: what must happen once with it (a
	 * handler at exit after a load, a line in a log after a failure). It
	 * must not call ch_dl_once for the same set. */
	void (*tried)(const struct ch_dl_once *set);
	int rc;        /* 0 when every function was found, else -1 */
	char why[400]; /* when rc is -1, why: dlerror's text, which names the
	                  library, or the function not found and where */
};

/* The number of elements of array A. */
#define CH_DL_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The initializer of a struct ch_dl_once for the arrays (not pointers)
 * LIBS, NAMES and ADDRS, and the hook TRIED (or NULL). NAMES and ADDRS
 * must have as many elements: the build fails when they have not. */
#define CH_DL_ONCE_INIT(libs_, names_, addrs_, tried_)                                             \
	{                                                                                          \
		.once = PTHREAD_ONCE_INIT, .libs = (libs_), .nlibs = CH_DL_COUNT(libs_),           \
		.names = (names_), .addrs = (addrs_),                                              \
		.n = CH_DL_COUNT(names_) +                                                         \
		     0 * sizeof(char[CH_DL_COUNT(names_) == CH_DL_COUNT(addrs_) ? 1 : -1]),        \
		.tried = (tried_), .rc = -1, .why = ""                                             \
	}

/* Loads SET's libraries (dlopen, by soname) and finds each of its functions
 * into its pointer, the first time it is called for SET; from any thread,
 * a call made while another thread loads waiting for it. 0 when all were
 * found; else -1, with the reason in SET->why. Every later call gives the
 * same answer and reason and tries nothing again: a library installed
 * after the first attempt is seen by the next run of the program. The
 * libraries stay loaded. */
int ch_dl_once(struct ch_dl_once *set);

#endif
