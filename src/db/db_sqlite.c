/*
 * db_sqlite — the SQLite driver, the only file that includes sqlite3.h.
 *
 * Each connection runs in WAL mode with foreign keys enforced and waits up to
 * ch_busy_wait() seconds (the process's setting when it was opened, 5 by
 * default) for a lock held by another connection (a write in progress)
 * before reporting CH_EBUSY; readers never wait for writers.
 * A connection belongs to one thread (the CLI has one; the HTTP server will
 * open one per worker), so SQLite's own per-connection mutex is left off. It
 * keeps a page cache of up to 64 MiB and reads the file through mmap
 * (except in a large transaction, and for the whole life of one of many
 * connections: sqlite_large_tx): a large
 * import updates indexes all over the file, and a small cache makes it
 * re-read and re-write the same pages. Temporary tables (the rows an
 * import has checked and not yet written) live in a file, not in memory,
 * with a cache of 4 MiB (sqlite_temp_table).
 * SQLite's memory statistics are off (they cost a global mutex per
 * allocation), its cache pages come from huge pages (util/huge_blocks.c;
 * "Cache pages from huge pages" below), and its files go through a thin
 * VFS of ours that writes a WAL's frames in runs and reads pages read in
 * order ahead ("WAL frames written in runs" below).
 * SQLite's result codes are mapped to ch_err: a busy or locked database is
 * CH_EBUSY, a constraint failure CH_ECONFLICT, everything else CH_ERROR,
 * each with SQLite's own message.
 *
 * Backup and restore use SQLite's online backup API (sqlite3_backup_*): a
 * backup copies a consistent snapshot in steps while other connections
 * keep working, a restore copies a file into the open database under its
 * write lock, so every connection sees either the old or the new data.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>

#include "db/db_int.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/huge_blocks.h"

static int map_error(sqlite3 *h, int rc)
{
	int code = CH_ERROR;
	switch (rc & 0xFF) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		/* a change held the database longer than we wait: nothing of this
		 * request was stored, and the same request may simply be sent again */
		return ch_error_set(CH_EBUSY,
		                    "数据库正忙（另一项写入正在进行，已等待 %d 秒），本次未作任何"
		                    "修改，请稍后重试 (database: %s)",
		                    ch_busy_wait(), h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
	case SQLITE_CONSTRAINT:
		code = CH_ECONFLICT;
		break;
	}
	return ch_error_set(code, "database: %s", h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
}

static const char *sqlite_accepts(const char *url)
{
	if (strncmp(url, "sqlite:", 7) == 0)
		return url + 7;
	if (strncmp(url, "file:", 5) == 0)
		return url + 5;
	if (strstr(url, "://"))
		return NULL;
	return url;
}

/* Refuses, with a message naming it, a database file that is missing (when
 * it may not be created) or whose folder is missing. */
static int check_path(const char *path, int create)
{
	struct stat sb;
	if (strcmp(path, ":memory:") == 0 || stat(path, &sb) == 0)
		return 0;
	if (!create)
		return ch_error_set(CH_ENOTFOUND,
		                    "数据库文件「%s」不存在（请检查 --db；只有写入数据的命令和 "
		                    "db init 会新建数据库）",
		                    path);
	char *dir = ch_strdup(path), *slash = strrchr(dir, '/');
	int rc = 0;
	if (slash && slash != dir) {
		*slash = '\0';
		if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
			rc = ch_error_set(
			    CH_ENOTFOUND,
			    "数据库文件「%s」所在的文件夹「%s」不存在，无法新建数据库", path, dir);
	}
	free(dir);
	return rc;
}

/* Cache pages from huge pages.
 *
 * A bulk command fills its page cache (PAGE_CACHE, 64 MiB) one page at a
 * time, each page memory the process touches for the first time: a page
 * fault for every 4 KiB, several microseconds each on a virtual machine;
 * 13,220 faults for a weekly file of 100,000 construction steps, 23,650
 * for an import of 100,000 households (docs/performance.md, "The page
 * cache from huge pages"). An allocator in front of SQLite's own
 * (SQLITE_CONFIG_MALLOC) takes each block of a cache page's size (the
 * page and the header SQLite keeps beside it, SQLITE_CONFIG_PCACHE_HDRSZ)
 * from util/huge_blocks.c, one fault for 480 pages, and hands every other
 * block to SQLite's allocator unchanged. Two bounds, each measured:
 * - The range holds CACHE_HUGE_BYTES, three quarters of one connection's
 *   cache; the pages beyond come from SQLite's allocator. When a bulk
 *   command cuts its cache (the index builds and large sorts cut it to
 *   4 MiB, sqlite_large_sort), the blocks it lets go of in the range can
 *   only become cache pages again, while those of SQLite's allocator can
 *   hold the sorter's runs; with the whole cache in the range, the peak of
 *   an import rose by 5.9 MiB (3,000,000 rows) to 7.6 MiB (100,000).
 * - The process's first CACHE_HUGE_AFTER cache pages come from SQLite's
 *   allocator. A short command (the dispatch reads a few pages through the
 *   file's mapping) then never touches a huge page, whose first touch
 *   zeroes 2 MiB: a millisecond more for the dispatch. */
#define CACHE_HUGE_BYTES ((size_t)48 << 20)
#define CACHE_HUGE_AFTER 512

/* The page size whose cache blocks the range serves: SQLite's default,
 * which every database of the program has (main, temporary, attached). */
#define CACHE_PAGE_BYTES 4096

static sqlite3_mem_methods sqlite_own; /* SQLite's allocator: every other block */

/* A cache page's block: larger than a page, no larger than a block. */
static int is_cache_page(int n)
{
	return n > CACHE_PAGE_BYTES && (size_t)n <= ch_huge_blocks_size();
}

static void *mem_malloc(int n)
{
	void *p = is_cache_page(n) ? ch_huge_blocks_take() : NULL;
	return p ? p : sqlite_own.xMalloc(n);
}

static void mem_free(void *p)
{
	if (ch_huge_blocks_owns(p))
		ch_huge_blocks_give(p);
	else
		sqlite_own.xFree(p);
}

static void *mem_realloc(void *p, int n)
{
	if (!ch_huge_blocks_owns(p))
		return sqlite_own.xRealloc(p, n);
	if (is_cache_page(n))
		return p;
	size_t size = ch_huge_blocks_size();
	void *q = mem_malloc(n);
	if (q) {
		memcpy(q, p, (size_t)n < size ? (size_t)n : size);
		ch_huge_blocks_give(p);
	}
	return q;
}

static int mem_size(void *p)
{
	return ch_huge_blocks_owns(p) ? (int)ch_huge_blocks_size() : sqlite_own.xSize(p);
}

static int mem_roundup(int n)
{
	return is_cache_page(n) ? (int)ch_huge_blocks_size() : sqlite_own.xRoundup(n);
}

static int mem_init(void *arg)
{
	(void)arg;
	return sqlite_own.xInit(sqlite_own.pAppData);
}

/* The range's blocks stay for the life of the process. */
static void mem_shutdown(void *arg)
{
	(void)arg;
	sqlite_own.xShutdown(sqlite_own.pAppData);
}

static void install_allocator(void)
{
	int hdr = 0;
	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_own) != SQLITE_OK ||
	    sqlite3_config(SQLITE_CONFIG_PCACHE_HDRSZ, &hdr) != SQLITE_OK || hdr <= 0)
		return;
	static const sqlite3_mem_methods ours = {
	    mem_malloc, mem_free, mem_realloc, mem_size, mem_roundup, mem_init, mem_shutdown, NULL,
	};
	if (sqlite3_config(SQLITE_CONFIG_MALLOC, &ours) == SQLITE_OK)
		ch_huge_blocks_setup(CACHE_PAGE_BYTES + (size_t)hdr, CACHE_HUGE_BYTES,
		                     CACHE_HUGE_AFTER);
}

/* WAL frames written in runs.
 *
 * SQLite writes each frame of the WAL with two calls, its 24-byte header
 * and then the page, at the end of a file that every command begins anew
 * (the last connection to close deletes it). A write that extends a file
 * is the dear kind: the file system (ext4) zeroes the part of each new
 * 4 KiB block the write does not cover, and a frame (4,120 bytes) never
 * covers one. A bulk command writes thousands of frames, at its commit
 * and whenever its page cache spills: 8,040 for a weekly file of 100,000
 * steps, about 31,000 for an import of 100,000 households, a quarter of a
 * million for the year's steps (docs/performance.md, "WAL frames written
 * in runs").
 *
 * So the process's default VFS is a thin layer over SQLite's own (the unix
 * VFS). It keeps the frames of a WAL in a buffer of WAL_RUN_BYTES while
 * each follows the one before, and writes the run with one call when the
 * buffer is full, when a write goes elsewhere in the file, or when anything
 * else asks for the file: a read that overlaps the run without lying
 * inside it (one inside is served from it), its size, a sync, a
 * truncation, a file control, closing. (124 KiB: the unix VFS writes at
 * most 128 KiB less one byte a call and reports a larger write as a full
 * disk.)
 *
 * One pass of SQLite's reads frames whole and writes their headers: at a
 * commit, once the transaction has overwritten a spilled frame in place,
 * every frame after that one gets its checksums again (311,000 calls at
 * an import of 1,000,000 households). A read of a whole frame (its header
 * and a page) therefore fills the same buffer as a window of the frames
 * from there on; later reads inside it are served from it, headers
 * written inside it go into it, and it is written back whole, if written
 * in, when it is let go, by the same rules as a run.
 *
 * Other connections see a frame only once the WAL index's header names
 * it, and SQLite writes that header after the commit's frames. A commit
 * frame (its header gives the database's size in pages, every other
 * frame's gives 0) is therefore written through, header and page, after
 * the run before it: every frame of the commit is in the file before the
 * index is touched, and a failed write is reported to SQLite as the
 * write's own. As a second guard, the database file's memory barrier
 * (xShmBarrier, which SQLite calls between writing the index header's two
 * copies) writes the run of its WAL too. And whenever the connection lets
 * go of a lock on the WAL index (the writer's lock among them), its run
 * goes out first: a transaction rolled back leaves frames that nothing
 * commits, and written later they would land on the next writer's. Every
 * other file's writes, the database's included, go to SQLite's VFS
 * unchanged: a checkpoint's writes to the database must fail where SQLite
 * can see it.
 *
 * Reads in order are read ahead, one page a call no more. A bulk command
 * reads most of its pages in order of their place in the file: a table
 * walked in its key's order from the database, frames from the WAL as the
 * checkpoint copies them, the sorter's runs from a temporary file. Taken
 * one call a page, that was 930,000 read calls for the year's steps, most
 * of them in order. So a read that begins where the one before it ended
 * (in a WAL, at the next frame's page), or in a WAL a little further on
 * (less than WAL_RUN_BYTES: a table a large transaction spilled lies there
 * in order, with other pages' frames between its own), fills a buffer of
 * its own as a window of the bytes from there on, 16 KiB the first time
 * and twice the last after, up to WAL_RUN_BYTES, or 16 KiB again after a
 * window that served no other read; the reads inside it are served from
 * it. A run waiting to be written does not stop it: the window ends where
 * the run begins, and a write over a window lets it go. Only the database,
 * its WAL and the temporary files are read so, and a window is let go at
 * this handle's every write, at every lock taken or let go on the database
 * or its WAL index, and at a size asked, a sync or a file control: another
 * connection writes the database or its WAL only between this one's
 * transactions (while this one reads, a checkpoint writes no page this one
 * reads from the database file), and those begin and end with such a lock.
 * A window only read never needs writing back. */
#define WAL_RUN_BYTES ((size_t)124 << 10)

/* The first window of reads in order; each next one is twice as large, up
 * to WAL_RUN_BYTES, so that two pages read in order cost little more. */
#define READ_AHEAD_FIRST ((size_t)16 << 10)

/* A WAL frame's header: page number, then the database's size in pages
 * after the commit (0: not a commit frame), salts and checksums. */
#define WAL_FRAME_HDR 24

struct run_file {
	sqlite3_file base;    /* pMethods: run_methods */
	sqlite3_file *real;   /* the file of SQLite's VFS, after this struct */
	struct run_file *wal; /* a database file's WAL, while open */
	struct run_file *db;  /* a WAL's database file */
	/* LEN bytes at START of the file: a run to be written, or (WINDOW)
	 * bytes read ahead (in a WAL, frames), DIRTY once a frame's header
	 * was written in them */
	char *buf;
	size_t len;
	sqlite3_int64 start;
	int window;
	int dirty;
	int is_wal;
	int commit_page; /* the last write was a commit frame's header */
	/* reads in order are read ahead (the database, its WAL, temporary
	 * files): where the next read in order would begin, how much the next
	 * window reads, and the window (ALEN bytes at ASTART of the file, in
	 * a buffer of its own, so that a run waiting to be written does not
	 * keep reads from it; only ever read) */
	int ahead_ok;
	sqlite3_int64 next_read;
	size_t ahead;
	char *abuf;
	size_t alen;
	sqlite3_int64 astart;
	int ahits; /* the reads the window served after the one that read it */
};

/* struct run_file rounded up to 8 bytes: where the real file begins. */
#define RUN_FILE_SIZE ((sizeof(struct run_file) + 7) & ~(size_t)7)

static sqlite3_vfs *real_vfs;

/* Writes the run, or the window if a header was written in it, and
 * empties the buffer; lets the window of reads in order go. */
static int run_flush(struct run_file *f)
{
	int rc = SQLITE_OK;
	if (f->len && (!f->window || f->dirty))
		rc = f->real->pMethods->xWrite(f->real, f->buf, (int)f->len, f->start);
	f->len = 0;
	f->window = f->dirty = 0;
	f->alen = 0;
	return rc;
}

/* 1 when the buffer holds all of AMT bytes at OFF. */
static int run_holds(const struct run_file *f, int amt, sqlite3_int64 off)
{
	return f->len && off >= f->start && off + amt <= f->start + (sqlite3_int64)f->len;
}

/* 1 when AMT bytes read from a WAL are a whole frame: its header and a
 * page, whose size is a power of two from 512 to 65,536. */
static int is_frame(int amt)
{
	int page = amt - WAL_FRAME_HDR;
	return page >= 512 && page <= 65536 && (page & (page - 1)) == 0;
}

/* 1 when the window of reads in order holds all of AMT bytes at OFF. */
static int ahead_holds(const struct run_file *f, int amt, sqlite3_int64 off)
{
	return f->alen && off >= f->astart && off + amt <= f->astart + (sqlite3_int64)f->alen;
}

/* Reads up to WANT bytes at OFF, as many as the file has before END, into
 * *BUF (allocated at its first use), and the first AMT of them into P; *N
 * the bytes in *BUF. A window shorter than the read, or not read whole:
 * the read alone, and *N 0. */
static int fill(struct run_file *f, char **buf, void *p, int amt, sqlite3_int64 off,
                sqlite3_int64 end, size_t want, size_t *n)
{
	sqlite3_int64 size = 0;
	int rc = f->real->pMethods->xFileSize(f->real, &size);
	*n = 0;
	if (rc != SQLITE_OK)
		return rc;
	if (size > end)
		size = end;
	sqlite3_int64 left = size > off ? size - off : 0;
	size_t got = left < (sqlite3_int64)want ? (size_t)left : want;
	if (!*buf)
		*buf = malloc(WAL_RUN_BYTES);
	if (!*buf || got < (size_t)amt ||
	    f->real->pMethods->xRead(f->real, *buf, (int)got, off) != SQLITE_OK)
		return f->real->pMethods->xRead(f->real, p, amt, off);
	memcpy(p, *buf, (size_t)amt);
	*n = got;
	return SQLITE_OK;
}

/* Reads AMT bytes at OFF through the window of reads in order, of up to
 * WANT bytes from OFF on: as many as the file has, and none the buffer of
 * runs holds unwritten. A run waiting to be written lies after the read
 * (run_read wrote one the read overlaps), so the window ends where it
 * begins; a window of frames with headers written in it is written
 * first. */
static int read_window(struct run_file *f, void *p, int amt, sqlite3_int64 off, size_t want)
{
	sqlite3_int64 end = off + (sqlite3_int64)want;
	int rc = SQLITE_OK;
	if (f->len && (!f->window || f->dirty) && off < f->start + (sqlite3_int64)f->len &&
	    end > f->start) {
		if (!f->window && f->start > off)
			end = f->start;
		else
			rc = run_flush(f);
	}
	f->alen = 0;
	if (rc == SQLITE_OK)
		rc = fill(f, &f->abuf, p, amt, off, end, want, &f->alen);
	f->astart = off;
	return rc;
}

/* Reads AMT bytes at OFF through a window of up to WANT bytes from OFF on,
 * as many as the file has, in the buffer of runs. */
static int read_ahead(struct run_file *f, void *p, int amt, sqlite3_int64 off, size_t want)
{
	size_t n;
	int rc = fill(f, &f->buf, p, amt, off, off + (sqlite3_int64)want, want, &n);
	if (rc == SQLITE_OK && n) {
		f->start = off;
		f->len = n;
		f->window = 1;
	}
	return rc;
}

static int run_close(sqlite3_file *file)
{
	struct run_file *f = (struct run_file *)file;
	int rc = run_flush(f);
	if (f->db)
		f->db->wal = NULL;
	if (f->wal)
		f->wal->db = NULL;
	free(f->buf);
	free(f->abuf);
	f->buf = f->abuf = NULL;
	int rc2 = f->real->pMethods->xClose(f->real);
	return rc != SQLITE_OK ? rc : rc2;
}

/* Lets go of the windows that hold nothing to be written. */
static void drop_window(struct run_file *f)
{
	if (f->window && !f->dirty)
		f->len = 0, f->window = 0;
	f->alen = 0;
}

static int run_read(sqlite3_file *file, void *p, int amt, sqlite3_int64 off)
{
	struct run_file *f = (struct run_file *)file;
	int frame = f->is_wal && is_frame(amt);
	/* where the next read in order begins: in a WAL, a page read is
	 * followed by the next frame's page, past that frame's header */
	sqlite3_int64 next = off + amt + (f->is_wal && !frame ? WAL_FRAME_HDR : 0);
	if (run_holds(f, amt, off)) {
		memcpy(p, f->buf + (off - f->start), (size_t)amt);
		f->next_read = next;
		return SQLITE_OK;
	}
	if (ahead_holds(f, amt, off)) {
		memcpy(p, f->abuf + (off - f->astart), (size_t)amt);
		f->next_read = next;
		f->ahits++;
		return SQLITE_OK;
	}
	/* a read of a page or more that begins where the one before ended, or
	 * in a WAL a little further on (less than a window): a window, twice
	 * as large as the last. A table a large transaction spilled to the WAL
	 * lies there in order, with the frames of other pages the cache let
	 * go between its own. (In the database file, pages a little apart are
	 * mostly rows looked up in key order, one page each: a window there
	 * read a third more bytes for the weekly steps and served no more.) */
	int in_order = f->ahead_ok && !frame && amt >= 512 && f->next_read >= 0 &&
	               off >= f->next_read &&
	               (off == f->next_read ||
	                (f->is_wal && off - f->next_read < (sqlite3_int64)WAL_RUN_BYTES));
	f->next_read = next;
	if (f->len && (frame || (off < f->start + (sqlite3_int64)f->len && off + amt > f->start))) {
		int rc = run_flush(f);
		if (rc != SQLITE_OK)
			return rc;
	}
	if (frame)
		return read_ahead(f, p, amt, off, WAL_RUN_BYTES);
	if (in_order) {
		/* a window that served no other read: reads too far apart for
		 * a larger one (the year's steps read 6.8 GB without this, 5.9
		 * GB with it, 5.0 GB a page a call) */
		if (f->alen && f->ahits == 0)
			f->ahead = 0;
		f->ahits = 0;
		size_t want = f->ahead < READ_AHEAD_FIRST ? READ_AHEAD_FIRST : f->ahead;
		f->ahead = want * 2 < WAL_RUN_BYTES ? want * 2 : WAL_RUN_BYTES;
		return read_window(f, p, amt, off, want);
	}
	f->ahead = 0;
	return f->real->pMethods->xRead(f->real, p, amt, off);
}

static int run_write(sqlite3_file *file, const void *p, int amt, sqlite3_int64 off)
{
	struct run_file *f = (struct run_file *)file;
	int rc;
	if (!f->is_wal) { /* its buffers hold only windows read ahead */
		drop_window(f);
		return f->real->pMethods->xWrite(f->real, p, amt, off);
	}
	/* the window of reads in order over the bytes written: let go */
	if (f->alen && off < f->astart + (sqlite3_int64)f->alen && off + amt > f->astart)
		f->alen = 0;
	/* a commit frame (its header, then its page): the run before it, then
	 * the frame itself, written through */
	const unsigned char *h = p;
	int commit_hdr = amt == WAL_FRAME_HDR && (h[4] | h[5] | h[6] | h[7]) != 0;
	if (commit_hdr || f->commit_page) {
		f->commit_page = commit_hdr;
		if ((rc = run_flush(f)) != SQLITE_OK)
			return rc;
		return f->real->pMethods->xWrite(f->real, p, amt, off);
	}
	if (run_holds(f, amt, off)) { /* a frame of the run, or a header read */
		memcpy(f->buf + (off - f->start), p, (size_t)amt);
		f->dirty = f->window;
		return SQLITE_OK;
	}
	if (f->len == 0 || f->window || off != f->start + (sqlite3_int64)f->len ||
	    f->len + (size_t)amt > WAL_RUN_BYTES) {
		if ((rc = run_flush(f)) != SQLITE_OK)
			return rc;
		if (!f->buf && (size_t)amt < WAL_RUN_BYTES)
			f->buf = malloc(WAL_RUN_BYTES);
		if (!f->buf || (size_t)amt >= WAL_RUN_BYTES)
			return f->real->pMethods->xWrite(f->real, p, amt, off);
		f->start = off;
	}
	memcpy(f->buf + f->len, p, (size_t)amt);
	f->len += (size_t)amt;
	return SQLITE_OK;
}

static int run_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	struct run_file *f = (struct run_file *)file;
	int rc = run_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xTruncate(f->real, size);
}

static int run_sync(sqlite3_file *file, int flags)
{
	struct run_file *f = (struct run_file *)file;
	int rc = run_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xSync(f->real, flags);
}

static int run_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	struct run_file *f = (struct run_file *)file;
	int rc = run_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileSize(f->real, size);
}

static int run_lock(sqlite3_file *file, int lock)
{
	struct run_file *f = (struct run_file *)file;
	drop_window(f);
	return f->real->pMethods->xLock(f->real, lock);
}

static int run_unlock(sqlite3_file *file, int lock)
{
	struct run_file *f = (struct run_file *)file;
	drop_window(f);
	return f->real->pMethods->xUnlock(f->real, lock);
}

static int run_check_reserved(sqlite3_file *file, int *out)
{
	sqlite3_file *r = ((struct run_file *)file)->real;
	return r->pMethods->xCheckReservedLock(r, out);
}

static int run_file_control(sqlite3_file *file, int op, void *arg)
{
	struct run_file *f = (struct run_file *)file;
	int rc = run_flush(f);
	return rc != SQLITE_OK ? rc : f->real->pMethods->xFileControl(f->real, op, arg);
}

static int run_sector_size(sqlite3_file *file)
{
	sqlite3_file *r = ((struct run_file *)file)->real;
	return r->pMethods->xSectorSize(r);
}

static int run_device(sqlite3_file *file)
{
	sqlite3_file *r = ((struct run_file *)file)->real;
	return r->pMethods->xDeviceCharacteristics(r);
}

static int run_shm_map(sqlite3_file *file, int page, int size, int extend, void volatile **p)
{
	sqlite3_file *r = ((struct run_file *)file)->real;
	return r->pMethods->xShmMap(r, page, size, extend, p);
}

/* A lock let go, the WAL's writer's among them: the run goes out first, so
 * that no frame of this connection is left to be written once another
 * may write the WAL (a transaction rolled back leaves frames nothing
 * commits; written later, they would land on the next writer's). And at
 * any lock taken or let go, the windows read ahead in the database and in
 * its WAL go: another connection writes either file only between this
 * one's transactions, which begin and end here. */
static int run_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
	struct run_file *f = (struct run_file *)file;
	drop_window(f);
	if (f->wal) {
		if (flags & SQLITE_SHM_UNLOCK)
			(void)run_flush(f->wal);
		drop_window(f->wal);
	}
	return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

static void run_shm_barrier(sqlite3_file *file)
{
	struct run_file *f = (struct run_file *)file;
	if (f->wal)
		(void)run_flush(f->wal);
	f->real->pMethods->xShmBarrier(f->real);
}

static int run_shm_unmap(sqlite3_file *file, int delete_flag)
{
	sqlite3_file *r = ((struct run_file *)file)->real;
	return r->pMethods->xShmUnmap(r, delete_flag);
}

static int run_fetch(sqlite3_file *file, sqlite3_int64 off, int amt, void **p)
{
	sqlite3_file *r = ((struct run_file *)file)->real;
	return r->pMethods->xFetch(r, off, amt, p);
}

static int run_unfetch(sqlite3_file *file, sqlite3_int64 off, void *p)
{
	sqlite3_file *r = ((struct run_file *)file)->real;
	return r->pMethods->xUnfetch(r, off, p);
}

static const sqlite3_io_methods run_methods = {
    3,
    run_close,
    run_read,
    run_write,
    run_truncate,
    run_sync,
    run_file_size,
    run_lock,
    run_unlock,
    run_check_reserved,
    run_file_control,
    run_sector_size,
    run_device,
    run_shm_map,
    run_shm_lock,
    run_shm_barrier,
    run_shm_unmap,
    run_fetch,
    run_unfetch,
};

static int run_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
                    int *out_flags)
{
	(void)vfs;
	struct run_file *f = (struct run_file *)file;
	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)((char *)file + RUN_FILE_SIZE);
	int rc = real_vfs->xOpen(real_vfs, name, f->real, flags, out_flags);
	/* SQLite's files all have methods of version 3 (unix); another kind
	 * is left as it is */
	if (f->real->pMethods == NULL || f->real->pMethods->iVersion < 3) {
		file->pMethods = NULL;
		if (f->real->pMethods)
			f->real->pMethods->xClose(f->real);
		return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
	}
	file->pMethods = &run_methods;
	f->next_read = -1;
	/* the files whose bytes change only through this handle or, for the
	 * database, between its transactions (run_shm_lock, run_lock); a WAL
	 * likewise once linked to its database below */
	f->ahead_ok =
	    (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_TEMP_DB | SQLITE_OPEN_TRANSIENT_DB |
	              SQLITE_OPEN_TEMP_JOURNAL | SQLITE_OPEN_SUBJOURNAL)) != 0;
	/* a WAL's frames go in runs only when its database's file is one of
	 * ours, whose locks and barrier write them out */
	sqlite3_file *db = rc == SQLITE_OK && (flags & SQLITE_OPEN_WAL) && name
	                       ? sqlite3_database_file_object(name)
	                       : NULL;
	if (db && db->pMethods == &run_methods) {
		f->is_wal = f->ahead_ok = 1;
		f->db = (struct run_file *)db;
		f->db->wal = f;
	}
	return rc;
}

static int run_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
	(void)vfs;
	return real_vfs->xDelete(real_vfs, name, sync_dir);
}

static int run_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int run_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *run_dlopen(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	return real_vfs->xDlOpen(real_vfs, name);
}

static void run_dlerror(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	real_vfs->xDlError(real_vfs, n, out);
}

static void (*run_dlsym(sqlite3_vfs *vfs, void *lib, const char *sym))(void)
{
	(void)vfs;
	return real_vfs->xDlSym(real_vfs, lib, sym);
}

static void run_dlclose(sqlite3_vfs *vfs, void *lib)
{
	(void)vfs;
	real_vfs->xDlClose(real_vfs, lib);
}

static int run_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int run_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return real_vfs->xSleep(real_vfs, us);
}

static int run_current_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return real_vfs->xCurrentTime(real_vfs, out);
}

static int run_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xGetLastError(real_vfs, n, out);
}

static int run_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

/* Puts the layer in front of SQLite's default VFS, as the new default. */
static void install_vfs(void)
{
	static sqlite3_vfs ours;
	sqlite3_vfs *real = sqlite3_vfs_find(NULL);
	if (!real || real->iVersion < 2 || !real->xCurrentTimeInt64)
		return;
	real_vfs = real;
	ours = (sqlite3_vfs){
	    .iVersion = 2,
	    .szOsFile = (int)RUN_FILE_SIZE + real->szOsFile,
	    .mxPathname = real->mxPathname,
	    .zName = "cleanheat",
	    .xOpen = run_open,
	    .xDelete = run_delete,
	    .xAccess = run_access,
	    .xFullPathname = run_full_pathname,
	    .xDlOpen = run_dlopen,
	    .xDlError = run_dlerror,
	    .xDlSym = run_dlsym,
	    .xDlClose = run_dlclose,
	    .xRandomness = run_randomness,
	    .xSleep = run_sleep,
	    .xCurrentTime = run_current_time,
	    .xGetLastError = run_last_error,
	    .xCurrentTimeInt64 = run_current_time64,
	};
	(void)sqlite3_vfs_register(&ours, 1);
}

/* SQLite's memory statistics (sqlite3_status) take a global mutex on every
 * allocation; nothing reads them, so they are turned off once per process,
 * before SQLite initialises itself (sqlite3_config must come first). Each
 * page cache would start with one block for its first 20 pages
 * (SQLITE_DEFAULT_PCACHE_INITSZ), every page of it written at once: 87 KB
 * of fresh memory, about 21 page faults, for the main and for the temporary
 * database of a command that may read a few pages. Without it the cache
 * takes each page when it needs it, from the allocator below. The
 * allocator of cache pages goes in at the same moment, and the VFS before
 * the first database is opened. */
static pthread_once_t config_once = PTHREAD_ONCE_INIT;

static void configure_sqlite(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	(void)sqlite3_config(SQLITE_CONFIG_PAGECACHE, (void *)NULL, 0, 0);
	install_allocator();
	install_vfs();
}

/* The memory-mapped part of the database file (PRAGMA mmap_size): reads
 * from it skip a copy, outside a large transaction
 * (sqlite_large_tx). */
#define MMAP_SIZE "268435456"

/* The page cache of every connection (PRAGMA cache_size; negative: KiB). */
#define PAGE_CACHE "-65536"

/* The least an open waits for another connection's exclusive moment. */
#define OPEN_WAIT_MS 2000

static int sqlite_open(void **impl, const char *path, int create)
{
	sqlite3 *h = NULL;
	int rc = check_path(path, create);
	if (rc)
		return rc;
	pthread_once(&config_once, configure_sqlite);
	/* a new database holds personal data: readable by its owner only
	 * (SQLite creates its -wal and -shm files with the same mode) */
	struct stat sb;
	if (create && strcmp(path, ":memory:") != 0 && stat(path, &sb) != 0) {
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
		if (fd >= 0)
			close(fd);
	}
	rc = sqlite3_open_v2(
	    path, &h,
	    SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		ch_error_set(CH_ERROR, "无法打开数据库「%s」：%s", path,
		             h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close(h);
		return CH_ERROR;
	}
	/* Opening reads the header and the WAL index: it never waits for a
	 * writer's transaction, only for the moments another connection holds
	 * the file exclusively (the last one closing checkpoints the WAL, or a
	 * crashed writer's WAL is recovered). Those are short, so the open waits
	 * for them at least OPEN_WAIT_MS even when the busy wait is 0; the
	 * statements afterwards wait as long as the busy wait says. */
	int wait_ms = ch_busy_wait() * 1000;
	sqlite3_busy_timeout(h, wait_ms > OPEN_WAIT_MS ? wait_ms : OPEN_WAIT_MS);
	rc = sqlite3_exec(h,
	                  "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA temp_store=FILE;"
	                  "PRAGMA synchronous=NORMAL; PRAGMA cache_size=" PAGE_CACHE
	                  "; PRAGMA mmap_size=" MMAP_SIZE ";",
	                  NULL, NULL, NULL);
	sqlite3_busy_timeout(h, wait_ms);
	if (rc != SQLITE_OK) {
		int code = map_error(h, rc);
		ch_error_prefix("无法打开数据库「%s」：", path);
		sqlite3_close(h);
		return code;
	}
	*impl = h;
	return 0;
}

static void sqlite_close(void *impl)
{
	free(sqlite3_update_hook(impl, NULL, NULL)); /* the change hook's state */
	sqlite3_close(impl);
}

static int sqlite_prepare(void *impl, void **stmt, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(impl, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_error(impl, rc);
	*stmt = st;
	return 0;
}

static int sqlite_bind_int64(void *stmt, int idx, int64_t v)
{
	int rc = sqlite3_bind_int64(stmt, idx, v);
	return rc == SQLITE_OK ? 0 : map_error(sqlite3_db_handle(stmt), rc);
}

static int sqlite_bind_text(void *stmt, int idx, const char *s)
{
	int rc = sqlite3_bind_text(stmt, idx, s, -1, SQLITE_TRANSIENT);
	return rc == SQLITE_OK ? 0 : map_error(sqlite3_db_handle(stmt), rc);
}

static int sqlite_bind_text_ref(void *stmt, int idx, const char *s)
{
	int rc = sqlite3_bind_text(stmt, idx, s, -1, SQLITE_STATIC);
	return rc == SQLITE_OK ? 0 : map_error(sqlite3_db_handle(stmt), rc);
}

static int sqlite_bind_blob(void *stmt, int idx, const void *data, size_t len)
{
	int rc = sqlite3_bind_blob64(stmt, idx, data, (sqlite3_uint64)len, SQLITE_TRANSIENT);
	return rc == SQLITE_OK ? 0 : map_error(sqlite3_db_handle(stmt), rc);
}

static int sqlite_bind_null(void *stmt, int idx)
{
	int rc = sqlite3_bind_null(stmt, idx);
	return rc == SQLITE_OK ? 0 : map_error(sqlite3_db_handle(stmt), rc);
}

static int sqlite_step(void *stmt)
{
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		return CH_DB_ROW;
	if (rc == SQLITE_DONE)
		return CH_DB_DONE;
	return map_error(sqlite3_db_handle(stmt), rc);
}

static int sqlite_reset(void *stmt)
{
	/* bindings stay: every caller binds all parameters before stepping again */
	sqlite3_reset(stmt);
	return 0;
}

static int64_t sqlite_column_int64(void *stmt, int col)
{
	return sqlite3_column_int64(stmt, col);
}

static const char *sqlite_column_text(void *stmt, int col)
{
	return (const char *)sqlite3_column_text(stmt, col);
}

static int sqlite_column_is_null(void *stmt, int col)
{
	return sqlite3_column_type(stmt, col) == SQLITE_NULL;
}

static int sqlite_column_count(void *stmt)
{
	return sqlite3_column_count(stmt);
}

static const char *sqlite_column_name(void *stmt, int col)
{
	return sqlite3_column_name(stmt, col);
}

static const void *sqlite_column_blob(void *stmt, int col, size_t *len)
{
	if (sqlite3_column_type(stmt, col) != SQLITE_BLOB)
		return NULL;
	const void *p = sqlite3_column_blob(stmt, col);
	*len = (size_t)sqlite3_column_bytes(stmt, col);
	return p ? p : "";
}

/* The program's tables: not SQLite's own, nor the parts of a full-text
 * table (household_search_data ...), which its own table stands for. The
 * full-text tables are found once (MATERIALIZED): asked for each table,
 * the catalogue's every row and its SQL text were read again, which cost a
 * short command more than its own work (every open asked then; now only
 * the open of a file without schema_version, require_schema in db.c). */
static int sqlite_tables(void *impl, ch_strv *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(
	    impl,
	    "WITH v(name) AS MATERIALIZED (SELECT name FROM sqlite_master WHERE type = 'table'"
	    " AND sql LIKE 'CREATE VIRTUAL TABLE%')"
	    " SELECT m.name FROM sqlite_master m WHERE m.type = 'table'"
	    " AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
	    " AND NOT EXISTS (SELECT 1 FROM v WHERE m.name LIKE v.name || '\\_%' ESCAPE '\\')",
	    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_error(impl, rc);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		ch_strv_push(out, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : map_error(impl, rc);
}

static int sqlite_has_table(void *impl, const char *name, int *has)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(
	    impl, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_error(impl, rc);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*has = rc == SQLITE_ROW;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : map_error(impl, rc);
}

static void sqlite_finalize(void *stmt)
{
	sqlite3_finalize(stmt);
}

static int64_t sqlite_scan_steps(void *stmt)
{
	return sqlite3_stmt_status(stmt, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0);
}

static int sqlite_exec_script(void *impl, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(impl, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		int code = map_error(impl, rc);
		sqlite3_free(msg);
		return code;
	}
	return 0;
}

static int sqlite_defer_checks(void *impl)
{
	return sqlite_exec_script(impl, "PRAGMA defer_foreign_keys = ON");
}

/* The page cache while the indexes of a large table are built
 * (sqlite_index_builds) or a large sort runs (sqlite_large_sort), in
 * SQLite's units (negative is KiB); and the sorter's helper threads
 * meanwhile. SQLite's sorter keeps each run in memory until it is as
 * large as the page cache, one run for each thread that sorts, so one
 * helper beside the connection's own thread under half the cache holds
 * what one thread held before under all of it, and the two sort and merge
 * at once (docs/performance.md, "The indexes sorted by two threads"). */
#define INDEX_BUILD_CACHE   (-4096)
#define INDEX_BUILD_THREADS 1

/* The indexes of TABLE from the catalogue that are not made by SQLite
 * itself (a key's or a UNIQUE constraint's, which have no SQL), and not
 * unique unless UNIQUE. */
static int sqlite_deferrable_indexes(void *impl, const char *table, int unique, ch_strv *names,
                                     ch_strv *defs)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(impl,
	                            "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
	                            " AND tbl_name = ?1 AND sql IS NOT NULL"
	                            " AND (?2 OR sql NOT LIKE 'CREATE UNIQUE %') ORDER BY name",
	                            -1, &st, NULL);
	if (rc != SQLITE_OK)
		return map_error(impl, rc);
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, unique != 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ch_strv_push(names, (const char *)sqlite3_column_text(st, 0));
		ch_strv_push(defs, (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : map_error(impl, rc);
}

static int sqlite_reset_ids(void *impl, const char *table)
{
	/* a rowid table hands out max(rowid) + 1 by itself */
	(void)impl;
	(void)table;
	return 0;
}

static int sqlite_temp_table(void *impl, const char *name, const char *definition)
{
	/* the temporary database's cache: 4 MiB. It holds the list of objects
	 * a transaction changed and the rows an import checked; beyond 4 MiB
	 * they go to the temporary file (the operating system's page cache).
	 * At 64 MiB an import of 100,000 households peaked at 112 MiB of
	 * memory, at 4 MiB at 88 MiB, in no more processor time
	 * (docs/performance.md, "Memory").
	 * Debian's SQLite zeroes and writes every page a table frees
	 * (SECURE_DELETE); not in the temporary database, whose file was
	 * unlinked when it was made and is gone when the connection closes:
	 * there the zeros protect nothing and cost a write per page each time
	 * a table of it is emptied (the commit's list of changed objects,
	 * seal_dirty; an event import's households, ev_hh;
	 * docs/performance.md). */
	char *sql = sqlite3_mprintf("PRAGMA temp.cache_size = -4096; PRAGMA temp.secure_delete = 0;"
	                            " CREATE TEMP TABLE IF NOT EXISTS %s (%s) WITHOUT ROWID",
	                            name, definition);
	int rc = sqlite_exec_script(impl, sql);
	sqlite3_free(sql);
	return rc;
}

/* The scratch tables live in a database of their own, private to the
 * connection (ATTACH '' makes a temporary file, deleted when it is
 * detached): detaching it when an operation is done drops every table at
 * once, where emptying them frees one page after the other (SQLite reads
 * each page of a table it clears, and writes the free list: 26,000 write
 * calls for the 100,000 rows an import kept). Its cache is 2 MiB, beside
 * the temporary database's 4 MiB (sqlite_temp_table): rows past it wait
 * in the file (the operating system's page cache); 4 MiB made an import
 * of 100,000 rows peak 2 MiB higher in no less time. */
#define SCRATCH "scratch"

static int scratch_attached(sqlite3 *h)
{
	sqlite3_stmt *st = NULL;
	int found = 0;
	if (sqlite3_prepare_v2(h, "SELECT 1 FROM pragma_database_list WHERE name = '" SCRATCH "'",
	                       -1, &st, NULL) == SQLITE_OK)
		found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

static int sqlite_scratch_table(void *impl, const char *name, const char *definition)
{
	int rc = 0;
	if (!scratch_attached(impl))
		rc = sqlite_exec_script(impl, "ATTACH '' AS " SCRATCH ";"
		                              " PRAGMA " SCRATCH ".cache_size = -2048;"
		                              " PRAGMA " SCRATCH ".secure_delete = 0");
	if (rc)
		return rc;
	/* emptied too: the last clear may have failed, or not run */
	char *sql = sqlite3_mprintf("CREATE TABLE IF NOT EXISTS " SCRATCH ".%s (%s);"
	                            " DELETE FROM " SCRATCH ".%s",
	                            name, definition, name);
	rc = sqlite_exec_script(impl, sql);
	sqlite3_free(sql);
	return rc;
}

static int sqlite_scratch_clear(void *impl, const char *const *names, size_t n)
{
	if (!scratch_attached(impl))
		return 0;
	/* a transaction still open, or a statement still reading, holds the
	 * file: then only the rows go */
	if (sqlite3_get_autocommit(impl) &&
	    sqlite3_exec(impl, "DETACH " SCRATCH, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		char *sql = sqlite3_mprintf("DELETE FROM " SCRATCH ".%s", names[i]);
		rc = sqlite_exec_script(impl, sql);
		sqlite3_free(sql);
	}
	return rc;
}

static int sqlite_large_tx(void *impl, int on)
{
	/* Inside a write transaction SQLite reads a page through the mapping
	 * only after searching the WAL for a newer copy, for every page a
	 * read-only cursor touches, even one already in the page cache; the
	 * search looks at one hash table per 4,096 frames the transaction has
	 * written. Without the mapping the page cache answers first. In a
	 * large read, every page read through the mapping stays resident in
	 * the process until the mapping is dropped. In a process of many
	 * connections, each transaction that finds the database changed
	 * drops its connection's whole mapping (pagerBeginReadTransaction)
	 * and faults its pages in again, and each unmapping interrupts every
	 * processor running one of the process's threads (ch_db_one_of_many:
	 * ON for good). The mapping changes only while no page of it is in
	 * use (between statements here). */
	return sqlite_exec_script(impl, on ? "PRAGMA main.mmap_size = 0"
	                                   : "PRAGMA main.mmap_size = " MMAP_SIZE
	                                     "; PRAGMA main.cache_size = " PAGE_CACHE);
}

static int sqlite_large_append(void *impl)
{
	/* The cache pages beyond CACHE_HUGE_BYTES come from SQLite's
	 * allocator, that is from malloc, which keeps the memory of a freed
	 * block for its next request. Held to the huge pages' part, the cache
	 * takes every new page from the blocks of the range it lets go of,
	 * and the pages it took from malloc go back to the system here; the
	 * range itself stays as it is (util/huge_blocks.c gives nothing
	 * back). A dirty page is let go of only once it has been written to
	 * the WAL: what this call cannot give back now, the next one does. */
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA main.cache_size = -%zu", CACHE_HUGE_BYTES >> 10);
	int rc = sqlite_exec_script(impl, sql);
	(void)sqlite3_db_release_memory(impl);
#ifdef __GLIBC__
	(void)malloc_trim(0);
#endif
	return rc;
}

static int sqlite_large_sort(void *impl, int on)
{
	/* SQLite's sorter keeps each run in memory until it reaches the main
	 * database's page cache in size (vdbesort.c), so a sort of more rows
	 * than that holds up to 64 MiB beside the 64 MiB of the cache. The
	 * dirty pages the smaller cache cannot keep go to the WAL, as they
	 * would at the commit. */
	char sql[96];
	if (on)
		snprintf(sql, sizeof sql, "PRAGMA main.cache_size = %d; PRAGMA threads = %d",
		         INDEX_BUILD_CACHE, INDEX_BUILD_THREADS);
	else
		snprintf(sql, sizeof sql, "PRAGMA threads = 0; PRAGMA main.cache_size = %s",
		         PAGE_CACHE);
	return sqlite_exec_script(impl, sql);
}

/* A table of at most INDEX_BUILD_FITS bytes, half the page cache, has its
 * indexes built under the connection's own cache: the keys SQLite's sorter
 * holds are fewer bytes than the table, so they fit in the other half, and
 * the table's pages stay cached for each build after the first. A larger
 * table's builds cut the cache as a large sort does (sqlite_large_sort):
 * its keys would be held in runs as large as the whole cache. At 100,000
 * households (the table 30 MiB) the six builds took 0.4 s instead of 0.6,
 * at the same peak (docs/performance.md, "The indexes of a small register
 * built under the whole page cache"). */
#define INDEX_BUILD_FITS (32 * 1024 * 1024)

static int sqlite_index_builds(void *impl, const char *table, int on)
{
	if (!on)
		return sqlite_large_sort(impl, 0);
	/* the table's pages counted, up to one more than fits: dbstat walks
	 * the table's b-tree in order, so the count stops there. A library
	 * built without dbstat gets the cut cache, as every table did before. */
	sqlite3_stmt *st = NULL;
	int page = 0;
	int rc = sqlite3_prepare_v2(impl, "PRAGMA main.page_size", -1, &st, NULL);
	if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		page = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (page <= 0 || sqlite3_prepare_v2(impl,
	                                    "SELECT count(*) FROM (SELECT 1 FROM dbstat('main')"
	                                    " WHERE name = ?1 LIMIT ?2)",
	                                    -1, &st, NULL) != SQLITE_OK)
		return sqlite_large_sort(impl, 1);
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, INDEX_BUILD_FITS / page + 1);
	rc = sqlite3_step(st);
	sqlite3_int64 bytes = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) * page : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return map_error(impl, rc);
	if (bytes > INDEX_BUILD_FITS)
		return sqlite_large_sort(impl, 1);
	char sql[32];
	snprintf(sql, sizeof sql, "PRAGMA threads = %d", INDEX_BUILD_THREADS);
	return sqlite_exec_script(impl, sql);
}

static int sqlite_note_deletes(void *impl, const char *table, const char *key,
                               const char *note_table, int value)
{
	char *sql = sqlite3_mprintf("CREATE TEMP TRIGGER IF NOT EXISTS %s_%s_del AFTER DELETE"
	                            " ON main.%s BEGIN INSERT OR IGNORE INTO %s"
	                            " VALUES (%d, OLD.%s); END",
	                            note_table, table, table, note_table, value, key);
	int rc = sqlite_exec_script(impl, sql);
	sqlite3_free(sql);
	return rc;
}

static int sqlite_begin(void *impl, int read)
{
	return sqlite_exec_script(impl, read ? "BEGIN DEFERRED" : "BEGIN IMMEDIATE");
}

static int sqlite_commit(void *impl)
{
	return sqlite_exec_script(impl, "COMMIT");
}

static int sqlite_rollback(void *impl)
{
	return sqlite_exec_script(impl, "ROLLBACK");
}

static int64_t sqlite_changes(void *impl)
{
	return sqlite3_changes64(impl);
}

static int64_t sqlite_last_id(void *impl)
{
	return sqlite3_last_insert_rowid(impl);
}

static const char *sqlite_file(void *impl)
{
	const char *f = sqlite3_db_filename(impl, "main");
	return f ? f : "";
}

/* Removes PATH and the journal files SQLite may have left beside it. */
static void remove_db_files(const char *path)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	char name[4096];
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(name, sizeof name, "%s%s", path, suffix[i]);
		unlink(name);
	}
}

/* Pages copied per step of a backup (4 KiB each: 1 MiB a step). */
#define BACKUP_STEP_PAGES 256
/* Restarts (another connection wrote between two steps) before the rest of
 * a backup is copied in one step. */
#define BACKUP_MAX_RESTARTS 3

static int sqlite_backup(void *impl, const char *path)
{
	sqlite3 *dst = NULL;
	sqlite3_backup *b = NULL;
	struct stat sb;
	int rc, code = 0;
	if (stat(path, &sb) == 0)
		return ch_error_set(CH_EEXISTS,
		                    "文件「%s」已存在：备份不覆盖已有文件，请换一个文件名", path);
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return ch_error_set(errno == ENOENT ? CH_ENOTFOUND : CH_ERROR,
		                    "无法新建备份文件「%s」：%s", path, strerror(errno));
	close(fd);
	rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		b = sqlite3_backup_init(dst, "main", impl, "main");
	if (!b) {
		code = ch_error_set(CH_ERROR, "无法开始备份到「%s」：%s", path,
		                    dst ? sqlite3_errmsg(dst) : sqlite3_errstr(rc));
		goto done;
	}
	int restarts = 0, waits = 0, last = -1;
	for (;;) {
		int pages = restarts >= BACKUP_MAX_RESTARTS ? -1 : BACKUP_STEP_PAGES;
		rc = sqlite3_backup_step(b, pages);
		if (rc == SQLITE_DONE)
			break;
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
			/* a writer holds the source for a moment: wait as a write would */
			if (++waits > CH_BUSY_WAIT_S * 50)
				break;
			sqlite3_sleep(20);
			continue;
		}
		if (rc != SQLITE_OK)
			break;
		int remaining = sqlite3_backup_remaining(b);
		if (last >= 0 && remaining > last)
			restarts++;
		last = remaining;
	}
	rc = sqlite3_backup_finish(b);
	if (rc != SQLITE_OK)
		code = map_error(dst, rc);
done:
	sqlite3_close(dst);
	if (code) {
		ch_error_prefix("备份到「%s」失败：", path);
		remove_db_files(path);
	}
	return code;
}

/* Opens the existing file PATH to read it: read-write (never created) when
 * allowed, so that a database in WAL mode can be read and SQLite removes
 * its -wal and -shm files again when it closes; nothing is written. */
static int open_for_reading(const char *path, sqlite3 **h)
{
	int rc = sqlite3_open_v2(path, h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_close(*h);
		*h = NULL;
		rc = sqlite3_open_v2(path, h, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	}
	return rc;
}

static int sqlite_restore(void *impl, const char *path)
{
	sqlite3 *src = NULL;
	sqlite3_backup *b = NULL;
	int rc = open_for_reading(path, &src);
	if (rc == SQLITE_OK)
		b = sqlite3_backup_init(impl, "main", src, "main");
	if (!b) {
		int code = ch_error_set(CH_ERROR, "无法从「%s」恢复：%s", path,
		                        rc == SQLITE_OK ? sqlite3_errmsg(impl)
		                        : src           ? sqlite3_errmsg(src)
		                                        : sqlite3_errstr(rc));
		sqlite3_close(src);
		return code;
	}
	/* one step: the database's write lock is held until the copy is whole */
	rc = sqlite3_backup_step(b, -1);
	int frc = sqlite3_backup_finish(b);
	int code = rc == SQLITE_DONE && frc == SQLITE_OK ? 0
	           : rc != SQLITE_DONE                   ? map_error(impl, rc)
	                                                 : map_error(impl, frc);
	sqlite3_close(src);
	return code;
}

static int sqlite_check_file(const char *path, int64_t *schema_version)
{
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	struct stat sb;
	int code = 0, rc;
	if (stat(path, &sb) != 0)
		return ch_error_set(CH_ENOTFOUND, "文件「%s」不存在", path);
	if (!S_ISREG(sb.st_mode))
		return ch_error_set(CH_EINVALID, "「%s」不是文件", path);
	rc = open_for_reading(path, &h);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(h, "PRAGMA integrity_check(1)", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		code = ch_error_set(CH_EINVALID, "「%s」不是可读的数据库文件（%s）", path,
		                    h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		goto done;
	}
	const char *ok = (const char *)sqlite3_column_text(st, 0);
	if (!ok || strcmp(ok, "ok") != 0) {
		code = ch_error_set(CH_EINVALID, "数据库文件「%s」已损坏：完整性检查报告「%s」",
		                    path, ok ? ok : "");
		goto done;
	}
	sqlite3_finalize(st);
	st = NULL;
	rc = sqlite3_prepare_v2(h,
	                        "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'table'"
	                        " AND name IN ('schema_version', 'audit_log', 'audit_head')),"
	                        " (SELECT max(version) FROM schema_version)",
	                        -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc != SQLITE_ROW || sqlite3_column_int(st, 0) != 3 ||
	    sqlite3_column_type(st, 1) == SQLITE_NULL) {
		code = ch_error_set(
		    CH_EINVALID, "「%s」不是 cleanheat 的数据库（没有表结构版本和审计日志）", path);
		goto done;
	}
	*schema_version = sqlite3_column_int64(st, 1);
done:
	sqlite3_finalize(st);
	sqlite3_close(h);
	return code;
}

/* sqlite3_update_hook's call, passed on when it is about the main database */
struct change_hook {
	ch_db_change_fn fn;
	void *arg;
};

static void sqlite_update_hook(void *arg, int op, const char *dbname, const char *table,
                               sqlite3_int64 rowid)
{
	struct change_hook *h = arg;
	if (strcmp(dbname, "main") != 0)
		return;
	h->fn(h->arg,
	      op == SQLITE_INSERT   ? CH_DB_INSERT
	      : op == SQLITE_UPDATE ? CH_DB_UPDATE
	                            : CH_DB_DELETE,
	      table, (int64_t)rowid);
}

static void sqlite_change_hook(void *impl, ch_db_change_fn fn, void *arg)
{
	struct change_hook *h = NULL;
	if (fn) {
		h = ch_malloc(sizeof *h);
		h->fn = fn;
		h->arg = arg;
	}
	free(sqlite3_update_hook(impl, fn ? sqlite_update_hook : NULL, h));
}

/* The byte after the UTF-8 character at I in S (LEN bytes). */
static size_t next_char(const char *s, size_t len, size_t i)
{
	if (i >= len)
		return len;
	for (i++; i < len && ((unsigned char)s[i] & 0xC0) == 0x80; i++)
		;
	return i;
}

/* The FTS5 query for each string's trigrams (quoted, ANDed, in
 * parentheses), the strings ORed: every row holding a string holds each of
 * its trigrams (in some column). */
static int sqlite_text_match(const char *table, const char *const *alt, size_t n, int param,
                             ch_buf *sql, ch_strv *values)
{
	ch_buf q;
	ch_buf_init(&q);
	for (size_t k = 0; k < n; k++) {
		const char *s = alt[k];
		size_t len = strlen(s), a = 0, c1 = next_char(s, len, a),
		       c2 = next_char(s, len, c1), d = next_char(s, len, c2);
		ch_buf_puts(&q, k ? " OR (" : "(");
		for (int first = 1; c2 < len; first = 0) {
			ch_buf_puts(&q, first ? "\"" : " AND \"");
			for (size_t j = a; j < d; j++) {
				if (s[j] == '"')
					ch_buf_putc(&q, '"');
				ch_buf_putc(&q, s[j]);
			}
			ch_buf_putc(&q, '"');
			a = c1;
			c1 = c2;
			c2 = d;
			d = next_char(s, len, d);
		}
		ch_buf_putc(&q, ')');
	}
	ch_buf_printf(sql, "SELECT rowid FROM %s WHERE %s MATCH ?%d", table, table, param);
	ch_strv_push_owned(values, ch_buf_detach(&q));
	return 0;
}

/* FTS5's 'delete' command for the entries as they were, then the new
 * entries: two statements, two segments. */
static int sqlite_text_index(void *impl, const char *table, const char *cols, const char *out_sql,
                             const char *in_sql)
{
	ch_buf b;
	int rc = 0;
	ch_buf_init(&b);
	if (out_sql) {
		ch_buf_printf(&b, "INSERT INTO %s(%s, rowid, %s) SELECT 'delete', * FROM (%s)",
		              table, table, cols, out_sql);
		rc = sqlite_exec_script(impl, b.ptr);
	}
	if (rc == 0 && in_sql) {
		ch_buf_clear(&b);
		ch_buf_printf(&b, "INSERT INTO %s(rowid, %s) %s", table, cols, in_sql);
		rc = sqlite_exec_script(impl, b.ptr);
	}
	ch_buf_dispose(&b);
	return rc;
}

const struct ch_db_driver ch_db_sqlite_driver = {
    .name = "sqlite",
    .version = CH_DB_DRIVER_VERSION,
    .dialect = "sqlite",
    .accepts = sqlite_accepts,
    .open = sqlite_open,
    .close = sqlite_close,
    .prepare = sqlite_prepare,
    .bind_int64 = sqlite_bind_int64,
    .bind_text = sqlite_bind_text,
    .bind_null = sqlite_bind_null,
    .bind_blob = sqlite_bind_blob,
    .step = sqlite_step,
    .reset = sqlite_reset,
    .column_int64 = sqlite_column_int64,
    .column_text = sqlite_column_text,
    .column_is_null = sqlite_column_is_null,
    .column_count = sqlite_column_count,
    .column_name = sqlite_column_name,
    .column_blob = sqlite_column_blob,
    .finalize = sqlite_finalize,
    .tables = sqlite_tables,
    .has_table = sqlite_has_table,
    .defer_checks = sqlite_defer_checks,
    .reset_ids = sqlite_reset_ids,
    .deferrable_indexes = sqlite_deferrable_indexes,
    .large_tx = sqlite_large_tx,
    .large_append = sqlite_large_append,
    .large_sort = sqlite_large_sort,
    .index_builds = sqlite_index_builds,
    .scratch_table = sqlite_scratch_table,
    .scratch_clear = sqlite_scratch_clear,
    .temp_table = sqlite_temp_table,
    .note_deletes = sqlite_note_deletes,
    .json =
        {
            [CH_DB_JSON_ARRAY] = {"json_array(", ")"},
            [CH_DB_JSON_INNER_ARRAY] = {"json_array(", ")"},
            [CH_DB_JSON_GROUP_ARRAY] = {"json_group_array(", ")"},
            [CH_DB_JSON_EMBED] = {"json(", ")"},
        },
    .fn = {[CH_DB_FN_INSTR] = "instr", [CH_DB_FN_GROUP_CONCAT] = "group_concat"},
    .indexed_by = " INDEXED BY ",
    .bulk = {[CH_DB_BULK_UPDATE] = "UPDATE OR FAIL", [CH_DB_BULK_INSERT] = "INSERT OR FAIL"},
    .text_match = sqlite_text_match,
    .text_index = sqlite_text_index,
    .exec_script = sqlite_exec_script,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .last_id = sqlite_last_id,
    .changes = sqlite_changes,
    .file = sqlite_file,
    .backup = sqlite_backup,
    .restore = sqlite_restore,
    .check_file = sqlite_check_file,
    .change_hook = sqlite_change_hook,
    .bind_text_ref = sqlite_bind_text_ref,
    .scan_steps = sqlite_scan_steps,
};
