/*
 * strtab — an append-only table of strings read back by number, in memory
 * up to a budget and in a temporary file past it (see strtab.h).
 *
 * Strings [0, nmem) are in memory: string I is TEXT.ptr + OFF[I], ending
 * with the NUL at OFF[I + 1] - 1. Once text and offsets would pass the budget,
 * every later string J (counted from nmem) goes to the file: its bytes and
 * a NUL at the end of the text file, and the offset just past its NUL as
 * the J-th 8-byte entry of the offset file, so that string J lies between
 * entry J - 1 (0 for the first) and entry J. Both files are written
 * through buffers of WRITE_BUF bytes, which a read empties first. A read
 * keeps a window of each file: WINDOW bytes of text and OFF_WINDOW
 * entries, read again only when a string falls outside; a string longer
 * than the window is read into a buffer of its own size.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/file.h"
#include "util/strtab.h"

#define WRITE_BUF  ((size_t)64 << 10) /* bytes buffered before a write */
#define WINDOW     ((size_t)64 << 10) /* bytes of text read at a time */
#define OFF_WINDOW 4096               /* offsets read at a time */

struct ch_strtab {
	size_t memory; /* the budget */
	size_t n;      /* strings in all */
	uint64_t bytes;

	/* in memory: strings [0, nmem) */
	ch_buf text;   /* each string and its NUL */
	uint32_t *off; /* nmem + 1 entries once a string is in */
	size_t nmem, off_cap;

	/* in the file: strings [nmem, n) */
	int fd_text, fd_off; /* -1: none (yet) */
	int no_file;         /* making the files failed: all in memory */
	uint64_t text_end;   /* bytes of the text file, buffered ones included */
	ch_buf wtext, woff;  /* written, not yet in the files */

	/* read windows */
	char *win; /* WINDOW bytes from WIN_AT, WIN_LEN of them valid */
	uint64_t win_at;
	size_t win_len;
	uint64_t *owin; /* entries [OWIN_FIRST, OWIN_FIRST + OWIN_N) */
	size_t owin_first, owin_n;
	char *big; /* a string longer than the window */
	size_t big_cap;
};

ch_strtab *ch_strtab_new(size_t memory)
{
	ch_strtab *t = ch_calloc(1, sizeof *t);
	t->memory = memory;
	t->fd_text = t->fd_off = -1;
	ch_buf_init(&t->text);
	ch_buf_init(&t->wtext);
	ch_buf_init(&t->woff);
	return t;
}

void ch_strtab_free(ch_strtab *t)
{
	if (!t)
		return;
	ch_buf_dispose(&t->text);
	free(t->off);
	if (t->fd_text >= 0)
		close(t->fd_text);
	if (t->fd_off >= 0)
		close(t->fd_off);
	ch_buf_dispose(&t->wtext);
	ch_buf_dispose(&t->woff);
	free(t->win);
	free(t->owin);
	free(t->big);
	free(t);
}

size_t ch_strtab_count(const ch_strtab *t)
{
	return t->n;
}

uint64_t ch_strtab_bytes(const ch_strtab *t)
{
	return t->bytes;
}

size_t ch_strtab_in_file(const ch_strtab *t)
{
	return t->n - t->nmem;
}

static int file_error(const char *what)
{
	return ch_error_set(CH_ERROR, "临时文件%s失败：%s", what, strerror(errno));
}

/* Writes the buffered text and offsets to their files. */
static int flush(ch_strtab *t)
{
	if (t->wtext.len && ch_fd_write(t->fd_text, t->wtext.ptr, t->wtext.len))
		return file_error("写入");
	ch_buf_clear(&t->wtext);
	if (t->woff.len && ch_fd_write(t->fd_off, t->woff.ptr, t->woff.len))
		return file_error("写入");
	ch_buf_clear(&t->woff);
	return 0;
}

/* Whether a string of N bytes goes to memory (1) or to the file (0); the
 * files are made when the first string passes the budget. -1 when it can
 * go to neither: no file, and memory's offsets (32 bits) would overflow. */
static int in_memory(ch_strtab *t, size_t n)
{
	if (t->fd_text >= 0)
		return 0;
	int fits = t->text.len + n + 1 <= UINT32_MAX;
	if (t->no_file)
		return fits ? 1 : -1;
	if (fits && t->text.len + n + 1 + (t->nmem + 2) * sizeof *t->off <= t->memory)
		return 1;
	t->fd_text = ch_tmpfile();
	t->fd_off = t->fd_text >= 0 ? ch_tmpfile() : -1;
	if (t->fd_off < 0) {
		if (t->fd_text >= 0)
			close(t->fd_text);
		t->fd_text = -1;
		t->no_file = 1;
		return fits ? 1 : -1;
	}
	return 0;
}

static void add_in_memory(ch_strtab *t, const char *s, size_t n)
{
	if (t->nmem + 2 > t->off_cap) {
		t->off_cap = t->off_cap ? 2 * t->off_cap : 256;
		t->off = ch_reallocarray(t->off, t->off_cap, sizeof *t->off);
	}
	if (t->nmem == 0)
		t->off[0] = 0;
	ch_buf_put(&t->text, s, n);
	ch_buf_putc(&t->text, '\0');
	t->off[++t->nmem] = (uint32_t)t->text.len;
}

int ch_strtab_add(ch_strtab *t, const char *s, size_t n)
{
	int where = in_memory(t, n);
	if (where < 0)
		return ch_error_set(CH_ERROR, "字符串共超过 4 GiB，又无法写入临时文件");
	if (where) {
		add_in_memory(t, s, n);
	} else {
		ch_buf_put(&t->wtext, s, n);
		ch_buf_putc(&t->wtext, 0);
		t->text_end += n + 1;
		ch_buf_put(&t->woff, &t->text_end, sizeof t->text_end);
		if ((t->wtext.len >= WRITE_BUF || t->woff.len >= WRITE_BUF) && flush(t))
			return CH_ERROR;
	}
	t->n++;
	t->bytes += n;
	return 0;
}

/* The offset just past string J of the file (its entry J). */
static int file_end(ch_strtab *t, size_t j, uint64_t *out)
{
	if (j < t->owin_first || j >= t->owin_first + t->owin_n) {
		size_t in_file = t->n - t->nmem, k = in_file - j;
		if (!t->owin)
			t->owin = ch_reallocarray(NULL, OFF_WINDOW, sizeof *t->owin);
		t->owin_first = j;
		t->owin_n = k < OFF_WINDOW ? k : OFF_WINDOW;
		if (ch_fd_pread(t->fd_off, t->owin, t->owin_n * sizeof *t->owin,
		                (uint64_t)j * sizeof *t->owin)) {
			t->owin_n = 0;
			return file_error("读取");
		}
	}
	*out = t->owin[j - t->owin_first];
	return 0;
}

const char *ch_strtab_get(ch_strtab *t, size_t i, size_t *len)
{
	if (i >= t->n) {
		ch_error_set(CH_ERROR, "没有第 %zu 条字符串（共 %zu 条）", i, t->n);
		return NULL;
	}
	if (i < t->nmem) {
		*len = t->off[i + 1] - t->off[i] - 1;
		return t->text.ptr + t->off[i];
	}
	if ((t->wtext.len || t->woff.len) && flush(t))
		return NULL;
	size_t j = i - t->nmem;
	uint64_t start = 0, end;
	/* the entry before J first: a window starting there holds both */
	if ((j && file_end(t, j - 1, &start)) || file_end(t, j, &end))
		return NULL;
	size_t n = (size_t)(end - start);
	*len = n - 1;
	if (start >= t->win_at && end <= t->win_at + t->win_len)
		return t->win + (start - t->win_at);
	if (n > WINDOW) {
		if (n > t->big_cap) {
			free(t->big);
			t->big = ch_malloc(n);
			t->big_cap = n;
		}
		if (ch_fd_pread(t->fd_text, t->big, n, start)) {
			file_error("读取");
			return NULL;
		}
		return t->big;
	}
	if (!t->win)
		t->win = ch_malloc(WINDOW);
	uint64_t left = t->text_end - start;
	t->win_at = start;
	t->win_len = left < WINDOW ? (size_t)left : WINDOW;
	if (ch_fd_pread(t->fd_text, t->win, t->win_len, start)) {
		t->win_len = 0;
		file_error("读取");
		return NULL;
	}
	return t->win;
}
