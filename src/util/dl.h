/*
 * dl — loading a shared library when it is first needed, not when the
 * program starts (dlopen). The program links a few large libraries that
 * most commands never call (libpq, libmicrohttpd, cairo and pango);
 * loading and relocating them at start cost more than a short command's
 * own work (docs/performance.md, the dispatch).
 *
 * A user lists the functions it calls with the library's own prototypes
 * (a pointer of each function's type, declared with __typeof__), loads
 * them once (pthread_once) and calls through the pointers.
 */
#ifndef CH_UTIL_DL_H
#define CH_UTIL_DL_H

#include <stddef.h>

/* Loads the libraries LIBS[0..NLIBS) (by soname, e.g. "libpq.so.5") and
 * finds each function NAMES[i], in the first library that has it, into
 * *ADDRS[i] (the address of a function pointer of the function's type).
 * 0 when all were found; else -1, with the reason (dlerror's, or the
 * function not found) in WHY (WHYSZ bytes). The libraries stay loaded. */
int ch_dl_load(const char *const *libs, size_t nlibs, const char *const *names, void **const *addrs,
               size_t n, char *why, size_t whysz);

#endif
