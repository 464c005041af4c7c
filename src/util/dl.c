/*
 * dl — loading a shared library when it is first needed (see dl.h).
 */
#include <dlfcn.h>
#include <stdio.h>

#include "util/dl.h"

/* Loads the libraries LIBS[0..NLIBS) and finds each function NAMES[i], in
 * the first library that has it, into *ADDRS[i]. 0 when all were found;
 * else -1, with the reason in WHY (WHYSZ bytes). */
static int load(const char *const *libs, size_t nlibs, const char *const *names,
                void **const *addrs, size_t n, char *why, size_t whysz)
{
	void *lib[8] = {0};
	if (nlibs > sizeof lib / sizeof lib[0]) {
		snprintf(why, whysz, "too many libraries (%zu)", nlibs);
		return -1;
	}
	for (size_t l = 0; l < nlibs; l++)
		if (!(lib[l] = dlopen(libs[l], RTLD_NOW | RTLD_LOCAL))) {
			const char *e = dlerror();
			snprintf(why, whysz, "%s", e ? e : libs[l]);
			return -1;
		}
	for (size_t i = 0; i < n; i++) {
		/* a function pointer from dlsym's object pointer, as POSIX allows */
		*addrs[i] = NULL;
		for (size_t l = 0; l < nlibs && !*addrs[i]; l++)
			*addrs[i] = dlsym(lib[l], names[i]);
		if (!*addrs[i]) {
			snprintf(why, whysz, "%s%s 中没有 %s", libs[0], nlibs > 1 ? " 等库" : "",
			         names[i]);
			return -1;
		}
	}
	return 0;
}

/* The set the calling thread is loading: pthread_once's routine takes no
 * argument, and runs in the thread that calls pthread_once. */
static _Thread_local struct ch_dl_once *attempting;

static void attempt(void)
{
	struct ch_dl_once *set = attempting;
	set->rc =
	    load(set->libs, set->nlibs, set->names, set->addrs, set->n, set->why, sizeof set->why);
	if (set->rc == 0)
		set->why[0] = '\0';
	if (set->tried)
		set->tried(set);
}

int ch_dl_once(struct ch_dl_once *set)
{
	attempting = set;
	pthread_once(&set->once, attempt);
	return set->rc;
}
