/*
 * ledger_bench — how many durable ledger postings per second, beside a
 * plain SQLite insert of the same rows measured in the same run.
 *
 *   ledger_bench DBPATH N [N_BATCHED]
 *
 * Creates a fresh cleanheat database at DBPATH (the bootstrap admin adds
 * user "fin" with the finance role; the benchmark acts as "fin") and a
 * fresh plain SQLite database at DBPATH.plain, then makes transfers of two
 * postings each (origin:central -1 fen, pref:central +1 fen, each under its
 * own idempotency key) with ch_ledger_transfer:
 *   - N transfers at batch 1: one transaction per transfer;
 *   - N_BATCHED (default N) transfers at batch 1000: 1,000 transfers per
 *     transaction, ch_ctx_begin / ch_ctx_commit around them.
 * Beside each, the same number of rows (two per transfer) inserted into a
 * table with no indexes, constraints or triggers through the sqlite3 C API
 * (one prepared statement), with the same batch size and the same pragmas
 * as the driver sets (db_sqlite.c: WAL, synchronous=NORMAL, 64 MiB cache,
 * mmap). Both refuse an existing DBPATH. "Durable" means committed: in WAL
 * with synchronous=NORMAL a commit survives a crash of the process, and
 * SQLite syncs the WAL at checkpoints, not at each commit, so the last
 * commits may be lost to a power cut. The ledger's balance and the plain
 * table's row count are checked at the end (not timed).
 *
 * Then, untimed, the WAL frames (pages written) per commit at batch 1, for
 * each side: automatic checkpoints off, the WAL emptied, WAL_RUN transfers
 * (or their rows) committed one by one, the WAL file's size divided by the
 * size of a frame and by the number of commits, and the ledger's frames
 * per commit by the b-tree their page belongs to (dbstat). LEDGER_BENCH_FRAMES=0 in the
 * environment leaves this out (for callgrind --toggle-collect=ledger_run,
 * which then counts the timed runs alone).
 */
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/ctx.h"
#include "core/ledger.h"
#include "core/user.h"
#include "db/db.h"
#include "util/error.h"

/* The pragmas db_sqlite.c sets on every connection. */
#define DRIVER_PRAGMAS                                                                             \
	"PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"              \
	" PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"

#define BATCHED 1000
#define WAL_RUN 200 /* commits counted for the WAL frames per commit */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what)
{
	fprintf(stderr, "ledger_bench: %s: %s\n", what, ch_error_message());
	return 1;
}

static int sq_fail(sqlite3 *h, const char *what)
{
	fprintf(stderr, "ledger_bench: plain sqlite: %s: %s\n", what, sqlite3_errmsg(h));
	return 1;
}

/* A new database with the reference data and user "fin" (finance, the
 * whole prefecture), opened as "fin". */
static int open_ledger(const char *path, ch_ctx **out)
{
	ch_ctx *ctx = NULL;
	if (ch_ctx_open(&ctx, path, "bench", "bench") != 0)
		return fail("opening the database as the bootstrap admin");
	if (ch_user_add(ctx, "fin", CH_ROLE_FINANCE, NULL) != 0) {
		ch_ctx_free(ctx);
		return fail("setting up the database");
	}
	ch_ctx_free(ctx);
	if (ch_ctx_open(out, path, "fin", NULL) != 0)
		return fail("opening the database as fin");
	if (ch_ctx_require_role(*out, CH_PERM_FUNDS) != 0) {
		ch_ctx_free(*out);
		return fail("opening the database as fin");
	}
	return 0;
}

/* N transfers, BATCH per transaction (1: each in its own); *SECONDS. */
static int ledger_run(ch_ctx *ctx, const char *tag, long n, long batch, double *seconds)
{
	static const char *day = "2023-07-01";
	char key[64];
	ch_posting p[2] = {{"origin:central", -1}, {"pref:central", 1}};
	double t0 = now_s();
	for (long i = 0; i < n; i++) {
		int64_t id;
		int existed;
		if (batch > 1 && i % batch == 0 && ch_ctx_begin(ctx) != 0)
			return fail("begin");
		snprintf(key, sizeof key, "bench-%s-%ld", tag, i);
		if (ch_ledger_transfer(ctx, key, "appropriate", day, NULL, 0, 0, p, 2, &id,
		                       &existed) != 0)
			return fail("transfer");
		if (existed) {
			fprintf(stderr, "ledger_bench: transfer %s existed already\n", key);
			return 1;
		}
		if (batch > 1 && ((i + 1) % batch == 0 || i + 1 == n) && ch_ctx_commit(ctx) != 0)
			return fail("commit");
	}
	*seconds = now_s() - t0;
	return 0;
}

/* N * 2 rows into the plain table, the rows of BATCH transfers per
 * transaction; *SECONDS. */
static int plain_run(sqlite3 *h, sqlite3_stmt *ins, long first, long n, long batch, double *seconds)
{
	double t0 = now_s();
	for (long i = 0; i < n; i++) {
		if (i % batch == 0 &&
		    sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
			return sq_fail(h, "begin");
		for (int k = 0; k < 2; k++) {
			sqlite3_bind_int64(ins, 1, first + i + 1);
			sqlite3_bind_text(ins, 2, k ? "pref:central" : "origin:central", -1,
			                  SQLITE_STATIC);
			sqlite3_bind_int64(ins, 3, k ? 1 : -1);
			if (sqlite3_step(ins) != SQLITE_DONE)
				return sq_fail(h, "insert");
			sqlite3_reset(ins);
		}
		if (((i + 1) % batch == 0 || i + 1 == n) &&
		    sqlite3_exec(h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			return sq_fail(h, "commit");
	}
	*seconds = now_s() - t0;
	return 0;
}

/* The frames in the WAL of the database at PATH, whose pages are PAGE
 * bytes (a 32-byte header, then a 24-byte header and a page per frame). */
static double wal_frames(const char *path, int64_t page)
{
	char wal[4200];
	struct stat st;
	snprintf(wal, sizeof wal, "%s-wal", path);
	if (stat(wal, &st) != 0 || st.st_size < 32)
		return 0;
	return (double)(st.st_size - 32) / (double)(page + 24);
}

#define WAL_OFF "PRAGMA wal_autocheckpoint=0; PRAGMA wal_checkpoint(TRUNCATE);"

/* Which b-trees the frames in the WAL of the database at PATH belong to
 * (pages of PAGE bytes, each frame's page number in the first four bytes
 * of its header, big-endian; the page's b-tree from the dbstat table),
 * printed per commit of N. */
static void wal_trees(const char *path, int64_t page, long n)
{
	char wal[4200];
	unsigned char hdr[24];
	sqlite3 *h = NULL;
	sqlite3_stmt *st = NULL;
	FILE *f;
	snprintf(wal, sizeof wal, "%s-wal", path);
	if (!(f = fopen(wal, "rb")))
		return;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_exec(h, "CREATE TEMP TABLE frame(pageno INTEGER)", NULL, NULL, NULL) !=
	        SQLITE_OK ||
	    sqlite3_prepare_v2(h, "INSERT INTO frame VALUES (?)", -1, &st, NULL) != SQLITE_OK) {
		sqlite3_close(h);
		fclose(f);
		return;
	}
	fseek(f, 32, SEEK_SET);
	while (fread(hdr, 1, sizeof hdr, f) == sizeof hdr) {
		sqlite3_bind_int64(st, 1,
		                   (int64_t)hdr[0] << 24 | hdr[1] << 16 | hdr[2] << 8 | hdr[3]);
		sqlite3_step(st);
		sqlite3_reset(st);
		if (fseek(f, (long)page, SEEK_CUR) != 0)
			break;
	}
	fclose(f);
	sqlite3_finalize(st);
	printf("  ledger's WAL frames per commit by b-tree:");
	if (sqlite3_prepare_v2(h,
	                       "SELECT coalesce(d.name, '(free list or header)'), count(*)"
	                       " FROM frame f LEFT JOIN dbstat d ON d.pageno = f.pageno"
	                       " GROUP BY 1 ORDER BY 2 DESC, 1",
	                       -1, &st, NULL) == SQLITE_OK)
		while (sqlite3_step(st) == SQLITE_ROW)
			printf(" %s %.2f", (const char *)sqlite3_column_text(st, 0),
			       (double)sqlite3_column_int64(st, 1) / (double)n);
	printf("\n");
	sqlite3_finalize(st);
	sqlite3_close(h);
}
#define WAL_ON "PRAGMA wal_autocheckpoint=1000;"

/* WAL frames per commit at batch 1: the ledger's (WAL_RUN transfers) into
 * *LEDGER, the plain table's (their rows, from FIRST on) into *PLAIN; the
 * ledger's page size into *PAGESZ (its WAL stays until its next commit). */
static int wal_per_commit(ch_ctx *ctx, const char *path, sqlite3 *h, sqlite3_stmt *ins,
                          const char *plain_path, long first, double *ledger, double *plain,
                          int64_t *pagesz)
{
	int64_t page = 4096;
	double s;
	if (ch_db_query_int64(ch_ctx_db(ctx), &page, "PRAGMA page_size", NULL) != 0 ||
	    ch_db_exec_script(ch_ctx_db(ctx), WAL_OFF) != 0 ||
	    ledger_run(ctx, "wal", WAL_RUN, 1, &s) != 0)
		return fail("counting the WAL frames");
	*ledger = wal_frames(path, page) / WAL_RUN;
	*pagesz = page;
	if (ch_db_exec_script(ch_ctx_db(ctx), WAL_ON) != 0)
		return fail("counting the WAL frames");
	if (sqlite3_exec(h, WAL_OFF, NULL, NULL, NULL) != SQLITE_OK ||
	    plain_run(h, ins, first, WAL_RUN, 1, &s) != 0)
		return sq_fail(h, "counting the WAL frames");
	*plain = wal_frames(plain_path, page) / WAL_RUN;
	if (sqlite3_exec(h, WAL_ON, NULL, NULL, NULL) != SQLITE_OK)
		return sq_fail(h, "counting the WAL frames");
	return 0;
}

static double per_s(long n, double s)
{
	return s > 0 ? (double)n / s : 0;
}

static void report(long batch, long n, double ledger_s, double plain_s)
{
	double l = per_s(2 * n, ledger_s), q = per_s(2 * n, plain_s);
	char b[24];
	snprintf(b, sizeof b, "%ld:", batch);
	printf("ledger, batch %-5s %9.0f postings/s (%ld in %6.2f s) | plain sqlite insert,"
	       " batch %-5s %9.0f rows/s (%ld in %6.2f s) | ratio %.3f\n",
	       b, l, 2 * n, ledger_s, b, q, 2 * n, plain_s, q > 0 ? l / q : 0);
	fflush(stdout);
}

static long parse_count(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	return *s && !*end && v > 0 && v <= 100000000 ? v : -1;
}

int main(int argc, char **argv)
{
	ch_ctx *ctx = NULL;
	sqlite3 *h = NULL;
	sqlite3_stmt *ins = NULL, *cnt = NULL;
	char plain[4096];
	long n1, nb;
	double l1, q1, lb, qb, wl = 0, wp = 0;
	int64_t balance = -1, rows = -1;
	int rc = 1;

	if (argc < 3 || argc > 4 || (n1 = parse_count(argv[2])) < 0 ||
	    (nb = argc > 3 ? parse_count(argv[3]) : n1) < 0) {
		fprintf(stderr,
		        "usage: ledger_bench DBPATH N [N_BATCHED]\n"
		        "  N transfers of two postings at batch 1, N_BATCHED (default N)"
		        " at batch %d\n",
		        BATCHED);
		return 2;
	}
	snprintf(plain, sizeof plain, "%s.plain", argv[1]);
	if (access(argv[1], F_OK) == 0 || access(plain, F_OK) == 0) {
		fprintf(stderr, "ledger_bench: %s or %s exists: give a new path\n", argv[1], plain);
		return 2;
	}
	if (open_ledger(argv[1], &ctx) != 0)
		return 1;
	if (sqlite3_open(plain, &h) != SQLITE_OK) {
		sq_fail(h, "open");
		goto done;
	}
	if (sqlite3_exec(h,
	                 DRIVER_PRAGMAS "CREATE TABLE posting(transfer INTEGER, account TEXT,"
	                                " amount INTEGER);",
	                 NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(h, "INSERT INTO posting(transfer, account, amount) VALUES (?, ?, ?)",
	                       -1, &ins, NULL) != SQLITE_OK) {
		sq_fail(h, "set up");
		goto done;
	}

	printf("ledger_bench: transfers of 2 postings (origin:central -> pref:central, 1 fen,"
	       " one key each) through ch_ledger_transfer as user fin (finance)\n"
	       "  vs the same rows into a plain table (no index) through the sqlite3 C API;"
	       " both WAL, synchronous=NORMAL as the driver sets it\n"
	       "  (a commit survives a crash of the process; the WAL is synced at checkpoints,"
	       " not at each commit)\n");
	fflush(stdout);
	if (ledger_run(ctx, "b1", n1, 1, &l1) != 0 || plain_run(h, ins, 0, n1, 1, &q1) != 0)
		goto done;
	report(1, n1, l1, q1);
	if (ledger_run(ctx, "b1000", nb, BATCHED, &lb) != 0 ||
	    plain_run(h, ins, n1, nb, BATCHED, &qb) != 0)
		goto done;
	report(BATCHED, nb, lb, qb);
	const char *frames = getenv("LEDGER_BENCH_FRAMES");
	long walrun = frames && strcmp(frames, "0") == 0 ? 0 : WAL_RUN;
	int64_t pagesz = 4096;
	if (walrun && wal_per_commit(ctx, argv[1], h, ins, plain, n1 + nb, &wl, &wp, &pagesz) != 0)
		goto done;
	if (walrun) {
		printf("WAL frames per commit at batch 1 (%d commits, untimed): ledger %.2f,"
		       " plain sqlite insert %.2f\n",
		       WAL_RUN, wl, wp);
		wal_trees(argv[1], pagesz, WAL_RUN);
	}

	/* the check: every fen arrived, every row is there */
	if (ch_ledger_balance(ctx, "pref:central", &balance) != 0) {
		fail("balance");
		goto done;
	}
	if (sqlite3_prepare_v2(h, "SELECT count(*) FROM posting", -1, &cnt, NULL) == SQLITE_OK &&
	    sqlite3_step(cnt) == SQLITE_ROW)
		rows = sqlite3_column_int64(cnt, 0);
	sqlite3_finalize(cnt);
	if (balance != n1 + nb + walrun || rows != 2 * (n1 + nb + walrun)) {
		fprintf(stderr,
		        "ledger_bench: check failed: pref:central holds %" PRId64
		        " fen (want %ld), plain table %" PRId64 " rows (want %ld)\n",
		        balance, n1 + nb + walrun, rows, 2 * (n1 + nb + walrun));
		goto done;
	}
	rc = 0;
done:
	sqlite3_finalize(ins);
	sqlite3_close(h);
	ch_ctx_free(ctx);
	return rc;
}
