/*
 * rejects — the rejects file of an import (--rejects OUT): every rejected
 * row of the source unchanged, plus a 错误原因 column, as CSV (UTF-8 with
 * BOM) or XLSX by OUT's extension. Importers of every kind use it, and skip
 * the 错误原因 column when the fixed file comes back.
 */
#ifndef CH_IO_REJECTS_H
#define CH_IO_REJECTS_H

#include <stddef.h>

#include "core/problems.h"
#include "util/strv.h"

/* Writes to OUT the rows of PATH (worksheet SHEET, NULL: first) that
 * PROBLEMS rejected, below HEADER (the header cells as written, found on
 * HEADER_LINE). */
int ch_rejects_write(const char *out, const char *path, const char *sheet, const ch_strv *header,
                     size_t header_line, const ch_problems *problems);

#endif
