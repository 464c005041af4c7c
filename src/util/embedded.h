/*
 * embedded — files compiled into the binary at build time.
 *
 * tools/embed.c generates the tables: ch_embedded[] from the migrations in
 * src/db/sql/ and the reference data in data/, in the library; and
 * ch_web_assets[], the web dashboard's files (each gzip-compressed, named
 * "js/app.js.gz", plus "VERSION", the digest of the set), linked into the
 * cleanheat program only. Each table ends with a zeroed entry.
 */
#ifndef CH_UTIL_EMBEDDED_H
#define CH_UTIL_EMBEDDED_H

#include <stddef.h>

struct ch_embedded_file {
	const char *path; /* as given at build time, e.g. "src/db/sql/0001_init.sql" */
	const char *data; /* NUL-terminated contents */
	size_t len;       /* length without the terminating NUL */
};

extern const struct ch_embedded_file ch_embedded[];
extern const struct ch_embedded_file ch_web_assets[];

/* The embedded file whose path is exactly PATH, or NULL. */
const struct ch_embedded_file *ch_embedded_find(const char *path);

#endif
