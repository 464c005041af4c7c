/*
 * sqlite_mem — SQLite's memory, its cache pages taken from huge pages.
 *
 * A bulk command fills a page cache of up to 64 MiB (db_sqlite.c) one page
 * at a time, and each page is memory the process touches for the first
 * time: the kernel takes a page fault for every 4 KiB of it. On a virtual
 * machine such a fault costs several microseconds, and a weekly file of
 * construction steps or an import of 100,000 households takes 13,000 to
 * 24,000 of them, most for the cache (docs/performance.md, "The page
 * cache from huge pages").
 *
 * This allocator stands in front of SQLite's own (SQLITE_CONFIG_MALLOC,
 * installed once per process before SQLite initialises itself). A block
 * of a cache page's size (the page, 4 KiB, and the header SQLite keeps
 * beside it, SQLITE_CONFIG_PCACHE_HDRSZ) comes from one range of address
 * space advised to the kernel as huge pages (MADV_HUGEPAGE): the kernel
 * backs it 2 MiB at a time, one fault for 480 cache pages. Every other
 * block goes to SQLite's own allocator, unchanged. A freed block goes on
 * a list that the next page of any connection in the process takes
 * first; the range is never given back before the process ends.
 *
 * Three bounds, each measured (docs/performance.md):
 * - The process's first 512 cache pages come from SQLite's allocator, and
 *   the range is reserved when the 513th is due. A short command (the
 *   dispatch reads a few pages through the file's mapping) then never
 *   pays for the zeroing of a 2 MiB page at its first touch.
 * - The range holds 48 MiB of pages, three quarters of one connection's
 *   cache; the pages beyond come from SQLite's allocator. When a bulk
 *   command cuts its cache (the index builds and large sorts cut it to
 *   4 MiB, db_sqlite.c), the blocks it lets go of in the range can only
 *   become cache pages again, while those of SQLite's allocator can hold
 *   the sorter's runs; with the whole cache in the range, the peak of an
 *   import rose by 6 to 8 MiB.
 * - When the range is full, or cannot be reserved, or the kernel gives no
 *   huge pages, pages come from SQLite's allocator as before.
 * Safe from any thread (one mutex).
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "db/sqlite_mem.h"

/* The address space reserved for cache pages (above), without memory
 * behind it until a block is first handed out (MAP_NORESERVE). */
#define RANGE_BYTES ((size_t)48 << 20)

/* The kernel's huge page on x86-64 and arm64 (4 KiB base pages): the
 * range starts on one, so that every 2 MiB of it can be one. */
#define HUGE_BYTES ((size_t)2 << 20)

/* The cache pages a process takes from SQLite's own allocator before it
 * takes any from the range: a short command (the dispatch reads a few
 * pages through the file's mapping) never touches a huge page, whose
 * first touch costs the zeroing of 2 MiB. */
#define EARLY_PAGES 512

/* The page size whose cache blocks this serves: SQLite's default, which
 * every database of the program has (its main, temporary and attached
 * files). */
#define PAGE_BYTES 4096

static sqlite3_mem_methods base; /* SQLite's own allocator: every other block */
static size_t slot;              /* one cache page's block, rounded up to 16; 0: not installed */
static char *range;              /* the reserved range (atomic); NULL: not yet, or none */
static int no_range;             /* the reservation failed: blocks from base only */
static size_t bumped;            /* bytes of the range handed out at least once */
static size_t early;             /* cache pages taken from SQLite's allocator first */
static void *freed;              /* blocks given back, linked through their first word */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Whether P is a block of the range. A block of it reaches mem_free only
 * after the thread that took it saw the range set (under the lock); a
 * thread that reads NULL here holds a block of SQLite's allocator. */
static int in_range(const void *p)
{
	const char *r = __atomic_load_n(&range, __ATOMIC_ACQUIRE);
	return r && (const char *)p >= r && (const char *)p < r + RANGE_BYTES;
}

/* A cache page's block: larger than a page, no larger than its slot. */
static int is_page(int n)
{
	return n > PAGE_BYTES && (size_t)n <= slot;
}

/* Reserves the range, called under the lock when the first block is due:
 * a huge page more than needed, then the part that starts on a huge
 * page's boundary is kept and advised. */
static void reserve(void)
{
	char *p = mmap(NULL, RANGE_BYTES + HUGE_BYTES, PROT_READ | PROT_WRITE,
	               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		no_range = 1;
		return;
	}
	uintptr_t start = ((uintptr_t)p + HUGE_BYTES - 1) & ~(uintptr_t)(HUGE_BYTES - 1);
	size_t head = start - (uintptr_t)p;
	if (head)
		munmap(p, head);
	if (HUGE_BYTES - head)
		munmap((char *)start + RANGE_BYTES, HUGE_BYTES - head);
#ifdef MADV_HUGEPAGE
	(void)madvise((void *)start, RANGE_BYTES, MADV_HUGEPAGE);
#endif
	__atomic_store_n(&range, (char *)start, __ATOMIC_RELEASE);
}

/* A block of the range for a cache page, or NULL: one of the process's
 * first EARLY_PAGES, or the range full or not to be had. */
static void *take_slot(void)
{
	void *p = NULL;
	pthread_mutex_lock(&lock);
	if (early < EARLY_PAGES) {
		early++;
	} else if (freed) {
		p = freed;
		memcpy(&freed, p, sizeof freed);
	} else {
		if (!range && !no_range)
			reserve();
		if (range && bumped + slot <= RANGE_BYTES) {
			p = range + bumped;
			bumped += slot;
		}
	}
	pthread_mutex_unlock(&lock);
	return p;
}

static void give_slot(void *p)
{
	pthread_mutex_lock(&lock);
	memcpy(p, &freed, sizeof freed);
	freed = p;
	pthread_mutex_unlock(&lock);
}

static void *mem_malloc(int n)
{
	void *p = is_page(n) ? take_slot() : NULL;
	return p ? p : base.xMalloc(n);
}

static void mem_free(void *p)
{
	if (in_range(p))
		give_slot(p);
	else
		base.xFree(p);
}

static void *mem_realloc(void *p, int n)
{
	if (!in_range(p))
		return base.xRealloc(p, n);
	if (is_page(n))
		return p;
	void *q = mem_malloc(n);
	if (q) {
		memcpy(q, p, (size_t)n < slot ? (size_t)n : slot);
		give_slot(p);
	}
	return q;
}

static int mem_size(void *p)
{
	return in_range(p) ? (int)slot : base.xSize(p);
}

static int mem_roundup(int n)
{
	return is_page(n) ? (int)slot : base.xRoundup(n);
}

static int mem_init(void *arg)
{
	(void)arg;
	return base.xInit(base.pAppData);
}

/* The range stays for the life of the process, with the blocks in it
 * (SQLite shuts down only when asked, and may start again). */
static void mem_shutdown(void *arg)
{
	(void)arg;
	base.xShutdown(base.pAppData);
}

void ch_sqlite_mem_install(void)
{
	int hdr = 0;
	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &base) != SQLITE_OK ||
	    sqlite3_config(SQLITE_CONFIG_PCACHE_HDRSZ, &hdr) != SQLITE_OK || hdr <= 0)
		return;
	slot = ((size_t)PAGE_BYTES + (size_t)hdr + 15) & ~(size_t)15;
	static const sqlite3_mem_methods ours = {
	    mem_malloc, mem_free, mem_realloc, mem_size, mem_roundup, mem_init, mem_shutdown, NULL,
	};
	(void)sqlite3_config(SQLITE_CONFIG_MALLOC, &ours);
}

void ch_sqlite_mem_counts(size_t *made, size_t *free_now)
{
	size_t n = 0;
	pthread_mutex_lock(&lock);
	for (void *p = freed; p; memcpy(&p, p, sizeof p))
		n++;
	*made = slot ? bumped / slot : 0;
	*free_now = n;
	pthread_mutex_unlock(&lock);
}
