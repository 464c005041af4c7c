/*
 * fuzz_xlsx — libFuzzer target for the XLSX reader (src/io/xlsx.c: minizip
 * for the zip container, expat for the workbook, relationships, shared
 * strings, styles and worksheet parts).
 *
 * ch_xlsx_open takes a path, so each input is written to one temporary file
 * per process ($TMPDIR, else /dev/shm, else /tmp; removed at exit) and
 * opened from there. The first sheet is read row by row to its end or its
 * first error; then, when the workbook has more, up to MAX_EXTRA further
 * sheets are opened by name and read, and one name no workbook has is asked
 * for (the "its sheets: ..." message). Each row must have a 1-based row
 * number, at least one cell, a NULL-terminated array of non-NULL, valid
 * UTF-8 fields; errors must be negative and carry a message.
 *
 * Under libFuzzer a custom mutator keeps most mutations inside the XML: an
 * input that is a zip of entries without data descriptors has one entry's
 * data mutated (only stored entries; the seeds ending in -stored.xlsx are
 * such zips), and is written back as a fresh zip with correct CRCs, sizes
 * and central directory. Anything else, and one mutation in eight, is
 * mutated as plain bytes (damaged zips, compressed entries). Replay does not
 * use the mutator.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fuzz.h"
#include "io/xlsx.h"
#include "util/error.h"

/* Sheets opened by name after the first (each opening re-reads the shared
 * strings and styles, so keep it small). */
#define MAX_EXTRA 3

/* Entries the custom mutator handles in one zip. */
#define MAX_ENTRIES 64

static char tmp_path[4096];

static void remove_tmp(void)
{
	if (tmp_path[0])
		unlink(tmp_path);
}

static const char *tmp_file(void)
{
	if (!tmp_path[0]) {
		const char *dir = getenv("TMPDIR");
		if (!dir || !*dir)
			dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
		snprintf(tmp_path, sizeof tmp_path, "%s/cleanheat-fuzz-xlsx.%ld.xlsx", dir,
		         (long)getpid());
		atexit(remove_tmp);
	}
	return tmp_path;
}

/* Reads every row of the open sheet; returns the final ch_xlsx_next code. */
static int read_rows(ch_xlsx *x)
{
	ch_csv_row row;
	int rc;
	while ((rc = ch_xlsx_next(x, &row)) == 1) {
		fuzz_check_row(&row);
		FUZZ_CHECK(row.nfields >= 1);
		FUZZ_CHECK(row.fields[row.nfields] == NULL);
	}
	FUZZ_CHECK(rc <= 0);
	if (rc < 0)
		FUZZ_CHECK(ch_error_message()[0] != '\0');
	return rc;
}

/* Opens sheet NAME of PATH and reads it through (when it opens). */
static void read_sheet(const char *path, const char *name)
{
	ch_xlsx *x = NULL;
	ch_error_clear();
	int rc = ch_xlsx_open(&x, path, name);
	if (rc < 0) {
		FUZZ_CHECK(x == NULL);
		FUZZ_CHECK(ch_error_message()[0] != '\0');
		return;
	}
	FUZZ_CHECK(rc == 0 && x != NULL);
	FUZZ_CHECK(strcasecmp(ch_xlsx_current_sheet(x), name) == 0);
	read_rows(x);
	ch_xlsx_free(x);
}

/* ---- the structure-aware mutator ---- */

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size) __attribute__((weak));
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

struct entry {
	const uint8_t *name, *data;
	uint16_t namelen, method;
	uint32_t crc, csize, usize;
};

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | get16(p + 2) << 16;
}

static uint8_t *put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	return p + 2;
}

static uint8_t *put32(uint8_t *p, uint32_t v)
{
	return put16(put16(p, v & 0xFFFF), v >> 16);
}

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFF;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320 & (0 - (c & 1)));
	}
	return ~c;
}

/* Splits a zip into its local entries (E, at most MAX_ENTRIES); the count,
 * or 0 when DATA is not a zip of entries with their sizes in the header. */
static size_t split_zip(const uint8_t *data, size_t size, struct entry *e)
{
	size_t off = 0, n = 0;
	while (off + 30 <= size && get32(data + off) == 0x04034b50) {
		const uint8_t *h = data + off;
		size_t namelen = get16(h + 26), extralen = get16(h + 28);
		if (n == MAX_ENTRIES || (get16(h + 6) & 8) || off + 30 + namelen + extralen > size)
			return 0;
		e[n].namelen = (uint16_t)namelen;
		e[n].method = (uint16_t)get16(h + 8);
		e[n].crc = get32(h + 14);
		e[n].csize = get32(h + 18);
		e[n].usize = get32(h + 22);
		e[n].name = h + 30;
		e[n].data = h + 30 + namelen + extralen;
		off += 30 + namelen + extralen;
		if (e[n].csize > size - off)
			return 0;
		off += e[n].csize;
		n++;
	}
	return n;
}

/* Writes the entries E[0, N) as a zip into OUT (CAP bytes); the size, or 0
 * when it does not fit. */
static size_t join_zip(const struct entry *e, size_t n, uint8_t *out, size_t cap)
{
	size_t need = 22;
	for (size_t i = 0; i < n; i++)
		need += 30 + 46 + 2 * (size_t)e[i].namelen + e[i].csize;
	if (need > cap)
		return 0;
	uint8_t *p = out;
	uint32_t *offs = calloc(n ? n : 1, sizeof *offs);
	FUZZ_CHECK(offs != NULL);
	for (size_t i = 0; i < n; i++) {
		offs[i] = (uint32_t)(p - out);
		p = put32(p, 0x04034b50);
		p = put16(put16(put16(p, 20), 0), e[i].method);
		p = put16(put16(p, 0), 0x21); /* 1980-01-01 00:00 */
		p = put32(put32(put32(p, e[i].crc), e[i].csize), e[i].usize);
		p = put16(put16(p, e[i].namelen), 0);
		memmove(p, e[i].name, e[i].namelen);
		p += e[i].namelen;
		memmove(p, e[i].data, e[i].csize);
		p += e[i].csize;
	}
	uint8_t *cd = p;
	for (size_t i = 0; i < n; i++) {
		p = put32(p, 0x02014b50);
		p = put16(put16(put16(put16(p, 20), 20), 0), e[i].method);
		p = put16(put16(p, 0), 0x21);
		p = put32(put32(put32(p, e[i].crc), e[i].csize), e[i].usize);
		p = put16(put16(put16(p, e[i].namelen), 0), 0);
		p = put16(put16(p, 0), 0);
		p = put32(put32(p, 0), offs[i]);
		memmove(p, e[i].name, e[i].namelen);
		p += e[i].namelen;
	}
	free(offs);
	uint32_t cdsize = (uint32_t)(p - cd);
	p = put32(p, 0x06054b50);
	p = put16(put16(p, 0), 0);
	p = put16(put16(p, (uint32_t)n), (uint32_t)n);
	p = put32(put32(p, cdsize), (uint32_t)(cd - out));
	p = put16(p, 0);
	return (size_t)(p - out);
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	struct entry e[MAX_ENTRIES];
	size_t stored[MAX_ENTRIES], nstored = 0;
	size_t n = seed % 8 ? split_zip(data, size, e) : 0;
	for (size_t i = 0; i < n; i++)
		if (e[i].method == 0)
			stored[nstored++] = i;
	if (!nstored || !LLVMFuzzerMutate)
		return LLVMFuzzerMutate ? LLVMFuzzerMutate(data, size, max_size) : size;

	/* mutate a copy of one stored entry's data, in room for it to grow */
	struct entry *t = &e[stored[(seed / 8) % nstored]];
	uint8_t *part = malloc(max_size), *out = malloc(max_size);
	FUZZ_CHECK(part != NULL && out != NULL);
	memcpy(part, t->data, t->csize);
	size_t len = LLVMFuzzerMutate(part, t->csize, max_size);
	t->data = part;
	t->csize = t->usize = (uint32_t)len;
	t->crc = crc32_of(part, len);
	size_t outlen = join_zip(e, n, out, max_size);
	if (outlen)
		memcpy(data, out, outlen);
	free(part);
	free(out);
	return outlen ? outlen : LLVMFuzzerMutate(data, size, max_size);
}

/* ---- the target ---- */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = tmp_file();
	ch_xlsx *x = NULL;
	char **names = NULL;
	size_t nnames = 0;

	fuzz_write_file(path, data, size);
	ch_error_clear();
	int rc = ch_xlsx_open(&x, path, NULL);
	if (rc < 0) {
		FUZZ_CHECK(x == NULL);
		FUZZ_CHECK(rc == CH_EINVALID || rc == CH_ENOTFOUND || rc == CH_ERROR);
		FUZZ_CHECK(ch_error_message()[0] != '\0');
		ch_error_clear();
		return 0;
	}
	FUZZ_CHECK(rc == 0 && x != NULL);
	size_t n = ch_xlsx_sheet_count(x);
	FUZZ_CHECK(n >= 1);
	FUZZ_CHECK(ch_xlsx_sheet_name(x, n) == NULL);
	FUZZ_CHECK(ch_xlsx_current_sheet(x) == ch_xlsx_sheet_name(x, 0));
	/* the names of the other sheets, copied: they die with X */
	if (n > 1) {
		names = calloc(MAX_EXTRA, sizeof *names);
		FUZZ_CHECK(names != NULL);
		for (size_t i = 1; i < n && nnames < MAX_EXTRA; i++) {
			const char *s = ch_xlsx_sheet_name(x, i);
			FUZZ_CHECK(s != NULL);
			names[nnames] = strdup(s);
			FUZZ_CHECK(names[nnames] != NULL);
			nnames++;
		}
	}
	read_rows(x);
	ch_xlsx_free(x);

	for (size_t i = 0; i < nnames; i++) {
		read_sheet(path, names[i]);
		free(names[i]);
	}
	free(names);
	if (n > 1) {
		x = NULL;
		ch_error_clear();
		FUZZ_CHECK(ch_xlsx_open(&x, path, "\x01 no such sheet") == CH_ENOTFOUND);
		FUZZ_CHECK(x == NULL);
		FUZZ_CHECK(ch_error_message()[0] != '\0');
	}
	ch_error_clear();
	return 0;
}
