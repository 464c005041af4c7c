/*
 * huge_blocks — blocks of one size from a range of address space backed by
 * huge pages.
 *
 * Memory a process touches for the first time costs a page fault for
 * every 4 KiB; on a virtual machine such a fault costs several
 * microseconds. The range here is advised to the kernel as huge pages
 * (MADV_HUGEPAGE), so the kernel backs it 2 MiB at a time: one fault for
 * every 2 MiB of blocks, the first touch of each zeroing the whole 2 MiB.
 *
 * The range is reserved (MAP_NORESERVE: address space, no memory) when the
 * first block is due after the requests the caller wants refused, and
 * starts on a huge page's boundary. Blocks are handed out from its
 * beginning; a block given back goes on a list, linked through its first
 * word, that the next take uses first. Nothing is given back to the
 * kernel before the process ends: memory given back here serves only as
 * blocks of this size again. When the kernel gives no huge pages (their
 * mode "never"), the range is ordinary memory and works the same. One
 * mutex guards the list and the count; the range's address is published
 * with release and read with acquire, so that ch_huge_blocks_owns takes
 * no lock.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "util/huge_blocks.h"

/* Under the leak checker (ASan's LeakSanitizer) the range is a root
 * region: its blocks are not malloc's, so the checker would not look into
 * them for pointers, and what only a block points to (a statement's bound
 * texts, when SQLite put the statement's registers in a block of the
 * range) would be reported as leaked. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define LEAK_ROOT(p, n) __lsan_register_root_region((p), (n))
#else
#define LEAK_ROOT(p, n) ((void)(p), (void)(n))
#endif

/* The kernel's huge page on x86-64 and arm64 (4 KiB base pages): the
 * range starts on one, so that every 2 MiB of it can be one. */
#define HUGE_BYTES ((size_t)2 << 20)

static size_t block_bytes; /* 0: not set up */
static size_t range_bytes;
static size_t refuse; /* requests still to refuse before the range */
static char *range;   /* the reserved range (atomic); NULL: not yet, or none */
static int no_range;  /* the reservation failed */
static size_t bumped; /* bytes of the range handed out at least once */
static void *freed;   /* blocks given back */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void ch_huge_blocks_setup(size_t block, size_t range_size, size_t after)
{
	pthread_mutex_lock(&lock);
	block_bytes = (block + 15) & ~(size_t)15;
	range_bytes = range_size;
	refuse = after;
	pthread_mutex_unlock(&lock);
}

size_t ch_huge_blocks_size(void)
{
	return block_bytes;
}

/* Reserves the range, under the lock: a huge page more than needed, then
 * keeps the part that starts on a huge page's boundary and advises it. */
static void reserve(void)
{
	char *p = mmap(NULL, range_bytes + HUGE_BYTES, PROT_READ | PROT_WRITE,
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
		munmap((char *)start + range_bytes, HUGE_BYTES - head);
#ifdef MADV_HUGEPAGE
	(void)madvise((void *)start, range_bytes, MADV_HUGEPAGE);
#endif
	LEAK_ROOT((void *)start, range_bytes);
	__atomic_store_n(&range, (char *)start, __ATOMIC_RELEASE);
}

void *ch_huge_blocks_take(void)
{
	void *p = NULL;
	pthread_mutex_lock(&lock);
	if (block_bytes == 0) {
		/* not set up */
	} else if (refuse > 0) {
		refuse--;
	} else if (freed) {
		p = freed;
		memcpy(&freed, p, sizeof freed);
	} else {
		if (!range && !no_range)
			reserve();
		if (range && bumped + block_bytes <= range_bytes) {
			p = range + bumped;
			bumped += block_bytes;
		}
	}
	pthread_mutex_unlock(&lock);
	return p;
}

/* A block of the range reaches here only from a thread that took it after
 * the range was published; a thread that reads NULL holds none of it. */
int ch_huge_blocks_owns(const void *p)
{
	const char *r = __atomic_load_n(&range, __ATOMIC_ACQUIRE);
	return r && (const char *)p >= r && (const char *)p < r + range_bytes;
}

void ch_huge_blocks_give(void *p)
{
	pthread_mutex_lock(&lock);
	memcpy(p, &freed, sizeof freed);
	freed = p;
	pthread_mutex_unlock(&lock);
}

void ch_huge_blocks_counts(size_t *made, size_t *free_now)
{
	size_t n = 0;
	pthread_mutex_lock(&lock);
	for (void *p = freed; p; memcpy(&p, p, sizeof p))
		n++;
	*made = block_bytes ? bumped / block_bytes : 0;
	*free_now = n;
	pthread_mutex_unlock(&lock);
}
