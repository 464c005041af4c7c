/*
 * embedded — files compiled into the binary at build time.
 *
 * tools/embed.c generates the table from the migrations in src/db/sql/ and
 * the reference regions in data/regions/. The table ends with a zeroed entry.
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

/* The embedded file whose path is exactly PATH, or NULL. */
const struct ch_embedded_file *ch_embedded_find(const char *path);

#endif
