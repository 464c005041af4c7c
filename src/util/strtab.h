/*
 * strtab — an append-only table of strings read back by number: in memory
 * up to a budget, the rest in a temporary file.
 *
 * A workbook's shared strings (io/xlsx.c) are read whole before the sheet
 * whose cells refer to them by number, and a large workbook has many
 * megabytes of them: 104 MB of text in 5,046,452 strings for a register of
 * 1,000,000 households with every text cell shared, as Excel writes it.
 * The table keeps its first strings in memory, up to MEMORY bytes of text
 * and offsets; every later string goes to an unlinked temporary file
 * (ch_tmpfile), its text to one and where it ends to another, each written
 * through a buffer. A string of the file is read through a window of it
 * that the next read uses again when it falls inside: strings read in the
 * order they were added (as Excel, LibreOffice and libxlsxwriter number a
 * sheet's new strings) cost one read a window. When no temporary file can
 * be made the table stays in memory. One thread at a time.
 */
#ifndef CH_UTIL_STRTAB_H
#define CH_UTIL_STRTAB_H

#include <stddef.h>
#include <stdint.h>

typedef struct ch_strtab ch_strtab;

/* A new, empty table keeping up to MEMORY bytes in memory. */
ch_strtab *ch_strtab_new(size_t memory);
void ch_strtab_free(ch_strtab *t);

/* Appends the N bytes at S (no NUL among them) as string number
 * ch_strtab_count(T). CH_ERROR, with the reason, when the file cannot be
 * written (the table is then good only for ch_strtab_free) or, with no
 * file, the table would pass 4 GiB. */
int ch_strtab_add(ch_strtab *t, const char *s, size_t n);

/* How many strings, and how many bytes of text, the table holds. */
size_t ch_strtab_count(const ch_strtab *t);
uint64_t ch_strtab_bytes(const ch_strtab *t);

/* String I (below the count), NUL-terminated, its length in *LEN: good
 * until the next ch_strtab_get or ch_strtab_add. NULL, with the reason
 * set, when the file cannot be read. */
const char *ch_strtab_get(ch_strtab *t, size_t i, size_t *len);

/* For tests: how many strings are in the file. */
size_t ch_strtab_in_file(const ch_strtab *t);

#endif
