/*
 * stmtprof — where a command's time goes, statement by statement: a
 * library preloaded into cleanheat (or any program on the system's SQLite)
 * that times each SQLite statement and counts the read and write calls
 * made while it ran.
 *
 *   STMTPROF=FILE LD_PRELOAD=build/release/bench/stmtprof.so \
 *       cleanheat --db DB event import FILE.csv
 *
 * At exit it writes to FILE (standard error without STMTPROF) the calls of
 * pread64 and pwrite64 in all, then one line for each of the 60 statements
 * that took longest, the longest first:
 *
 *   SECONDS s  STEPS steps  READS rd  WRITES wr  SQL
 *
 * SECONDS the wall time spent in sqlite3_step for that SQL text (its first
 * 160 bytes), STEPS the calls, READS and WRITES the pread64 and pwrite64
 * calls made meanwhile (one a page: the database, its WAL, the temporary
 * files). A script run with sqlite3_exec appears as "EXEC script", and
 * its statements once more on lines of their own (SQLite's own call of
 * sqlite3_step is interposed too, as the Debian library is built): an
 * EXEC line's figures include theirs. COMMIT includes the checkpoint
 * that follows it when the WAL has grown past its limit. A process that
 * ran no statement writes nothing: a wrapper the preload reaches too
 * (`STMTPROF=… LD_PRELOAD=… /usr/bin/time cleanheat …`) exits after the
 * program and would otherwise overwrite its report with an empty one.
 *
 * Not part of cleanheat: a tool for docs/performance.md, built by
 * `make bench-bin`. The table is guarded by a mutex, so a server's
 * threads may share it; the counts of read and write calls are per thread.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define KEY_LEN   160
#define MAX_STMTS 1024
#define SHOWN     60

struct stmt_prof {
	char sql[KEY_LEN];
	double seconds;
	long steps, reads, writes;
};

static struct stmt_prof profs[MAX_STMTS];
static int nprofs;
static long total_reads, total_writes;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread long thread_reads, thread_writes;

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The entry of SQL; once the table is full, its last entry, "(other
 * statements)", for every SQL text not in it. */
static struct stmt_prof *prof_of(const char *sql)
{
	for (int i = 0; i < nprofs; i++)
		if (strncmp(profs[i].sql, sql, KEY_LEN - 1) == 0)
			return &profs[i];
	if (nprofs == MAX_STMTS - 1) {
		snprintf(profs[nprofs].sql, KEY_LEN, "(other statements)");
		nprofs++;
	}
	if (nprofs == MAX_STMTS)
		return &profs[MAX_STMTS - 1];
	snprintf(profs[nprofs].sql, KEY_LEN, "%s", sql);
	return &profs[nprofs++];
}

static void account(const char *sql, double seconds, long reads, long writes)
{
	pthread_mutex_lock(&lock);
	struct stmt_prof *p = prof_of(sql ? sql : "?");
	p->seconds += seconds;
	p->steps++;
	p->reads += reads;
	p->writes += writes;
	pthread_mutex_unlock(&lock);
}

int sqlite3_step(sqlite3_stmt *st)
{
	static int (*real)(sqlite3_stmt *);
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "sqlite3_step");
	long r = thread_reads, w = thread_writes;
	double t = now();
	int rc = real(st);
	account(sqlite3_sql(st), now() - t, thread_reads - r, thread_writes - w);
	return rc;
}

int sqlite3_exec(sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **), void *arg,
                 char **err)
{
	static int (*real)(sqlite3 *, const char *, int (*)(void *, int, char **, char **), void *,
	                   char **);
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "sqlite3_exec");
	long r = thread_reads, w = thread_writes;
	double t = now();
	int rc = real(db, sql, cb, arg, err);
	char key[KEY_LEN];
	snprintf(key, sizeof key, "EXEC %s", sql ? sql : "");
	account(key, now() - t, thread_reads - r, thread_writes - w);
	return rc;
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	static ssize_t (*real)(int, void *, size_t, off_t);
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "pread64");
	thread_reads++;
	__atomic_add_fetch(&total_reads, 1, __ATOMIC_RELAXED);
	return real(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	static ssize_t (*real)(int, const void *, size_t, off_t);
	if (!real)
		*(void **)&real = dlsym(RTLD_NEXT, "pwrite64");
	thread_writes++;
	__atomic_add_fetch(&total_writes, 1, __ATOMIC_RELAXED);
	return real(fd, buf, n, off);
}

static int by_time(const void *a, const void *b)
{
	const struct stmt_prof *x = a, *y = b;
	return (x->seconds < y->seconds) - (x->seconds > y->seconds);
}

__attribute__((destructor)) static void report(void)
{
	if (nprofs == 0)
		return; /* no SQLite here: a wrapper's exit, not the program's */
	const char *path = getenv("STMTPROF");
	FILE *f = path && *path ? fopen(path, "w") : stderr;
	if (!f)
		return;
	pthread_mutex_lock(&lock);
	qsort(profs, (size_t)nprofs, sizeof *profs, by_time);
	fprintf(f, "pread64 %ld, pwrite64 %ld in all\n", total_reads, total_writes);
	for (int i = 0; i < nprofs && i < SHOWN; i++) {
		for (char *c = profs[i].sql; *c; c++)
			if (*c == '\n' || *c == '\t')
				*c = ' ';
		fprintf(f, "%8.3f s %9ld steps %8ld rd %8ld wr  %s\n", profs[i].seconds,
		        profs[i].steps, profs[i].reads, profs[i].writes, profs[i].sql);
	}
	pthread_mutex_unlock(&lock);
	if (f != stderr)
		fclose(f);
}
