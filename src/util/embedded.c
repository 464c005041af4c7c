/*
 * embedded — lookup over the generated table of built-in files.
 */
#include <string.h>

#include "util/embedded.h"

const struct ch_embedded_file *ch_embedded_find(const char *path)
{
	for (const struct ch_embedded_file *f = ch_embedded; f->path; f++)
		if (strcmp(f->path, path) == 0)
			return f;
	return NULL;
}
