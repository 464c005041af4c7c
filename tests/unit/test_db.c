/*
 * test_db — the storage layer on a fresh SQLite database in a temporary
 * directory: opening by URL and by plain path, the `created` flag, the
 * schema migration, the bind-by-letter helpers (ch_db_run and the query
 * functions), nested transactions and their rollback semantics, the mapping
 * of SQLite errors to ch_err codes, the append-only audit_log triggers, and
 * whole-database copies: a backup taken while another connection writes
 * is a consistent snapshot, a restore replaces the contents, and the check
 * of a file tells a cleanheat database from anything else; SQLite's
 * cache pages taken from the huge-page range and given back to it; and
 * WAL frames written in runs, whole after a crash and failing cleanly.
 */
#include "testutil.h"

#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "db/db.h"
#include "util/buf.h"
#include "util/embedded.h"
#include "util/error.h"
#include "util/file.h"
#include "util/huge_blocks.h"
#include "util/strv.h"

struct fixture {
	char *dir;
	char path[600];
	char url[640];
	ch_db *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->dir = test_tmpdir();
	snprintf(f->path, sizeof f->path, "%s/test.db", f->dir);
	snprintf(f->url, sizeof f->url, "sqlite:%s", f->path);
	int created = -1;
	if (ch_db_open(&f->db, f->url, &created) != 0) {
		fprintf(stderr, "open %s: %s\n", f->url, ch_error_message());
		return -1;
	}
	if (created != 1)
		return -1;
	ch_db_exec_script(f->db, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE,"
	                         " n INTEGER NOT NULL DEFAULT 0)");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	ch_db_close(f->db);
	test_rmdir(f->dir);
	free(f);
	return 0;
}

static int64_t count_rows(ch_db *db, const char *table)
{
	char sql[128];
	int64_t n = -1;
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	assert_int_equal(ch_db_query_int64(db, &n, sql, NULL), 0);
	return n;
}

/* ---- opening ---- */

static void test_open_sqlite_url(void **state)
{
	struct fixture *f = *state;
	assert_non_null(f->db);
	assert_string_equal(ch_db_driver_name(f->db), "sqlite");
	assert_int_equal(access(f->path, F_OK), 0);

	/* reopening the same file: not created again, schema kept */
	ch_db *again = NULL;
	int created = -1;
	assert_int_equal(ch_db_open(&again, f->url, &created), 0);
	assert_non_null(again);
	assert_int_equal(created, 0);
	ch_db_close(again);

	/* CREATED may be NULL */
	assert_int_equal(ch_db_open(&again, f->url, NULL), 0);
	ch_db_close(again);
}

static void test_open_plain_path(void **state)
{
	struct fixture *f = *state;
	char path[700], url[720];
	snprintf(path, sizeof path, "%s/plain.db", f->dir);
	ch_db *db = NULL;
	int created = -1;
	assert_int_equal(ch_db_open(&db, path, &created), 0);
	assert_non_null(db);
	assert_int_equal(created, 1);
	assert_string_equal(ch_db_driver_name(db), "sqlite");
	assert_int_equal(access(path, F_OK), 0);
	ch_db_close(db);

	assert_int_equal(ch_db_open(&db, path, &created), 0);
	assert_int_equal(created, 0);
	ch_db_close(db);

	/* the same file as "sqlite:" and as "file:" */
	snprintf(url, sizeof url, "sqlite:%s", path);
	created = -1;
	assert_int_equal(ch_db_open(&db, url, &created), 0);
	assert_int_equal(created, 0);
	ch_db_close(db);
	snprintf(url, sizeof url, "file:%s", path);
	created = -1;
	assert_int_equal(ch_db_open(&db, url, &created), 0);
	assert_int_equal(created, 0);
	ch_db_close(db);
}

static void test_open_bad_urls(void **state)
{
	struct fixture *f = *state;
	static int dummy;
	ch_db *db = (ch_db *)&dummy; /* must be reset to NULL */
	ch_error_clear();
	/* a PostgreSQL server that cannot be reached: named, nothing opened */
	assert_int_equal(ch_db_open(&db, "postgres://x?connect_timeout=2", NULL), CH_ENOTFOUND);
	assert_null(db);
	assert_int_equal(ch_error_code(), CH_ENOTFOUND);
	assert_true(strstr(ch_error_message(), "postgres://x") != NULL);

	assert_int_equal(ch_db_open(&db, "mysql://x", NULL), CH_EINVALID);
	assert_null(db);

	/* a directory that does not exist: the open itself fails */
	char path[700];
	snprintf(path, sizeof path, "%s/no/such/dir/x.db", f->dir);
	int rc = ch_db_open(&db, path, NULL);
	assert_true(rc < 0);
	assert_null(db);
	assert_true(strlen(ch_error_message()) > 0);
}

static void test_schema_version(void **state)
{
	struct fixture *f = *state;
	int64_t v = 0;
	int64_t nmig = 0, latest = 0;
	/* the migrations compiled in: src/db/sql/NNNN_name.sql (PostgreSQL's
	 * own are in src/db/sql/pg/) */
	for (const struct ch_embedded_file *e = ch_embedded; e->path; e++) {
		if (strncmp(e->path, "src/db/sql/", 11) != 0 || strchr(e->path + 11, '/'))
			continue;
		long n = strtol(e->path + 11, NULL, 10);
		nmig++;
		if (n > latest)
			latest = n;
	}
	assert_true(nmig >= 1);
	assert_int_equal(
	    ch_db_query_int64(f->db, &v, "SELECT max(version) FROM schema_version", NULL), 0);
	assert_int_equal(v, latest);
	assert_int_equal(count_rows(f->db, "schema_version"), nmig);
	assert_int_equal(ch_db_query_int64(f->db, &v,
	                                   "SELECT count(*) FROM schema_version WHERE version = 1",
	                                   NULL),
	                 0);
	assert_int_equal(v, 1);
	char *at = NULL;
	assert_int_equal(ch_db_query_text(f->db, &at,
	                                  "SELECT applied_at FROM schema_version WHERE version = 1",
	                                  NULL),
	                 0);
	assert_non_null(at);
	free(at);

	/* the first migration's tables exist and are empty */
	static const char *const tables[] = {"meta",     "region",     "region_alias",
	                                     "app_user", "audit_log",  "audit_head",
	                                     "plan",     "plan_target"};
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
		assert_int_equal(count_rows(f->db, tables[i]), 0);

	/* reopening does not run the migration again */
	ch_db *again = NULL;
	assert_int_equal(ch_db_open(&again, f->url, NULL), 0);
	assert_int_equal(count_rows(again, "schema_version"), nmig);
	ch_db_close(again);

	/* a database newer than this binary is refused */
	assert_int_equal(ch_db_run(f->db, "INSERT INTO schema_version(version) VALUES (?)", "i",
	                           (int64_t)latest + 1),
	                 0);
	static int dummy;
	again = (ch_db *)&dummy;
	int rc = ch_db_open(&again, f->url, NULL);
	assert_true(rc < 0);
	assert_null(again);
}

/* ---- statements and binding ---- */

static void test_run_and_query(void **state)
{
	struct fixture *f = *state;
	int64_t v = -1;
	char *s = NULL;

	assert_int_equal(ch_db_run(f->db, "INSERT INTO t(name, n) VALUES (?, ?)", "ti", "昌吉市",
	                           (int64_t)13561),
	                 0);
	int64_t id = ch_db_last_id(f->db);
	assert_true(id > 0);
	assert_int_equal(
	    ch_db_run(f->db, "INSERT INTO t(name, n) VALUES (?, ?)", "ti", "阜康市", (int64_t)5958),
	    0);
	assert_int_equal(ch_db_last_id(f->db), id + 1);

	assert_int_equal(
	    ch_db_query_int64(f->db, &v, "SELECT n FROM t WHERE name = ?", "t", "昌吉市"), 0);
	assert_int_equal(v, 13561);
	assert_int_equal(ch_db_query_text(f->db, &s, "SELECT name FROM t WHERE id = ?", "i", id),
	                 0);
	assert_string_equal(s, "昌吉市");
	free(s);

	/* large values survive */
	assert_int_equal(ch_db_query_int64(f->db, &v, "SELECT ?", "i", (int64_t)INT64_MAX), 0);
	assert_int_equal(v, INT64_MAX);
	assert_int_equal(ch_db_query_int64(f->db, &v, "SELECT ?", "i", (int64_t)INT64_MIN), 0);
	assert_int_equal(v, INT64_MIN);

	/* several rows: only the first counts; ch_db_run steps through all */
	assert_int_equal(ch_db_query_int64(f->db, &v, "SELECT n FROM t ORDER BY n", NULL), 0);
	assert_int_equal(v, 5958);
	assert_int_equal(ch_db_run(f->db, "SELECT * FROM t", NULL), 0);
	assert_int_equal(ch_db_run(f->db, "UPDATE t SET n = n + ?", "i", (int64_t)1), 0);
	assert_int_equal(ch_db_query_int64(f->db, &v, "SELECT sum(n) FROM t", ""), 0);
	assert_int_equal(v, 13562 + 5959);
}

static void test_bind_types(void **state)
{
	struct fixture *f = *state;
	int64_t v = -1;
	char *s = (char *)"sentinel";

	/* 'i' */
	assert_int_equal(
	    ch_db_query_int64(f->db, &v, "SELECT ? + ?", "ii", (int64_t)40, (int64_t)2), 0);
	assert_int_equal(v, 42);
	assert_int_equal(ch_db_query_int64(f->db, &v, "SELECT ? IS NULL", "i", (int64_t)0), 0);
	assert_int_equal(v, 0); /* 'i' binds 0 as 0 */

	/* 'I': 0 binds NULL, anything else the number */
	assert_int_equal(ch_db_query_int64(f->db, &v, "SELECT ? IS NULL", "I", (int64_t)0), 0);
	assert_int_equal(v, 1);
	assert_int_equal(ch_db_query_int64(f->db, &v, "SELECT ?", "I", (int64_t)652301), 0);
	assert_int_equal(v, 652301);
	assert_int_equal(ch_db_query_int64(f->db, &v, "SELECT ?", "I", (int64_t)-1), 0);
	assert_int_equal(v, -1);

	/* 't': NULL binds NULL; text is copied */
	assert_int_equal(ch_db_query_int64(f->db, &v, "SELECT ? IS NULL", "t", (const char *)NULL),
	                 0);
	assert_int_equal(v, 1);
	assert_int_equal(ch_db_query_int64(f->db, &v, "SELECT ? IS NULL", "t", ""), 0);
	assert_int_equal(v, 0);
	assert_int_equal(ch_db_query_text(f->db, &s, "SELECT ? || ?", "tt", "木垒", "县"), 0);
	assert_string_equal(s, "木垒县");
	free(s);

	/* 'n': NULL, consuming no argument */
	assert_int_equal(ch_db_query_int64(f->db, &v, "SELECT ? IS NULL", "n"), 0);
	assert_int_equal(v, 1);
	assert_int_equal(ch_db_query_int64(f->db, &v, "SELECT coalesce(?, ?)", "ni", (int64_t)7),
	                 0);
	assert_int_equal(v, 7);
	assert_int_equal(
	    ch_db_query_text(f->db, &s, "SELECT coalesce(?, ?, ?)", "nIt", (int64_t)0, "third"), 0);
	assert_string_equal(s, "third");
	free(s);

	/* all four in one statement */
	assert_int_equal(ch_db_run(f->db, "INSERT INTO t(id, name, n) VALUES (?, ?, ?)", "Itn",
	                           (int64_t)0, (const char *)NULL),
	                 CH_ECONFLICT); /* n is NOT NULL */
	assert_int_equal(ch_db_run(f->db, "INSERT INTO t(id, name, n) VALUES (?, ?, ?)", "Iti",
	                           (int64_t)0, (const char *)NULL, (int64_t)3),
	                 0);
	assert_int_equal(
	    ch_db_query_int64(f->db, &v, "SELECT count(*) FROM t WHERE name IS NULL", NULL), 0);
	assert_int_equal(v, 1);

	/* an unknown letter is an internal error */
	assert_int_equal(ch_db_run(f->db, "SELECT ?", "x", 1), CH_ERROR);
	assert_int_equal(ch_error_code(), CH_ERROR);

	/* ch_db_preparef: the caller steps */
	ch_stmt *st = NULL;
	assert_int_equal(ch_db_preparef(f->db, &st, "SELECT ?, ?", "ti", "a", (int64_t)5), 0);
	assert_int_equal(ch_stmt_step(st), CH_DB_ROW);
	assert_string_equal(ch_stmt_text(st, 0), "a");
	assert_int_equal(ch_stmt_int64(st, 1), 5);
	assert_false(ch_stmt_is_null(st, 0));
	assert_int_equal(ch_stmt_step(st), CH_DB_DONE);
	assert_int_equal(ch_stmt_reset(st), 0);
	assert_int_equal(ch_stmt_bind_null(st, 1), 0);
	assert_int_equal(ch_stmt_bind_int64(st, 2, 9), 0);
	assert_int_equal(ch_stmt_step(st), CH_DB_ROW);
	assert_true(ch_stmt_is_null(st, 0));
	assert_null(ch_stmt_text(st, 0));
	assert_int_equal(ch_stmt_int64(st, 1), 9);
	ch_stmt_finalize(st);
	ch_stmt_finalize(NULL);
}

/* ch_stmt_bind_text_ref: the text itself is bound (what the statement
 * stores is what the buffer held when it was stepped), NULL binds NULL, and
 * a buffer reused for the next row after a reset gives the next row. */
static void test_bind_text_ref(void **state)
{
	struct fixture *f = *state;
	ch_stmt *st = NULL;
	char buf[32];
	int64_t v = -1;
	assert_int_equal(ch_db_prepare(f->db, &st, "INSERT INTO t(name, n) VALUES (?, ?)"), 0);
	for (int i = 0; i < 3; i++) {
		snprintf(buf, sizeof buf, "昌吉市-%d", i);
		assert_int_equal(ch_stmt_bind_text_ref(st, 1, buf), 0);
		assert_int_equal(ch_stmt_bind_int64(st, 2, i), 0);
		assert_int_equal(ch_stmt_step(st), CH_DB_DONE);
		assert_int_equal(ch_stmt_reset(st), 0);
		memset(buf, 'x', sizeof buf - 1); /* overwritten after the step */
	}
	assert_int_equal(ch_stmt_bind_text_ref(st, 1, NULL), 0);
	assert_int_equal(ch_stmt_bind_int64(st, 2, 9), 0);
	assert_int_equal(ch_stmt_step(st), CH_DB_DONE);
	ch_stmt_finalize(st);
	char *s = NULL;
	assert_int_equal(ch_db_query_text(f->db, &s,
	                                  "SELECT group_concat(name, ',') FROM (SELECT name"
	                                  " FROM t WHERE name IS NOT NULL ORDER BY n)",
	                                  NULL),
	                 0);
	assert_string_equal(s, "昌吉市-0,昌吉市-1,昌吉市-2");
	free(s);
	assert_int_equal(ch_db_query_int64(f->db, &v,
	                                   "SELECT count(*) FROM t WHERE name IS NULL AND n = 9",
	                                   NULL),
	                 0);
	assert_int_equal(v, 1);
}

static void test_query_not_found(void **state)
{
	struct fixture *f = *state;
	int64_t v = 12345;
	char *s = (char *)"sentinel";

	ch_error_clear();
	assert_int_equal(
	    ch_db_query_int64(f->db, &v, "SELECT n FROM t WHERE name = ?", "t", "nowhere"),
	    CH_ENOTFOUND);
	assert_int_equal(v, 12345); /* untouched */
	assert_int_equal(ch_error_code(), CH_ENOTFOUND);
	assert_int_equal(
	    ch_db_query_text(f->db, &s, "SELECT name FROM t WHERE id = ?", "i", (int64_t)99),
	    CH_ENOTFOUND);
	assert_null(s);

	/* a NULL value counts as no row */
	assert_int_equal(ch_db_query_int64(f->db, &v, "SELECT NULL", NULL), CH_ENOTFOUND);
	assert_int_equal(ch_db_query_int64(f->db, &v, "SELECT max(n) FROM t", NULL), CH_ENOTFOUND);
	s = (char *)"sentinel";
	assert_int_equal(ch_db_query_text(f->db, &s, "SELECT ?", "t", (const char *)NULL),
	                 CH_ENOTFOUND);
	assert_null(s);

	/* SQL errors are not "not found" */
	int rc = ch_db_query_int64(f->db, &v, "SELECT nosuchcolumn FROM t", NULL);
	assert_true(rc < 0 && rc != CH_ENOTFOUND);
	assert_int_equal(rc, CH_ERROR);
	assert_true(strlen(ch_error_message()) > 0);
	s = (char *)"sentinel";
	rc = ch_db_query_text(f->db, &s, "SELEKT 1", NULL);
	assert_int_equal(rc, CH_ERROR);
	assert_null(s);
}

/* ---- transactions ---- */

/* Rows of t as seen by a second connection (committed data only). */
static int64_t committed_rows(struct fixture *f)
{
	ch_db *other = NULL;
	assert_int_equal(ch_db_open(&other, f->url, NULL), 0);
	int64_t n = count_rows(other, "t");
	ch_db_close(other);
	return n;
}

static void test_tx_commit_and_rollback(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_run(f->db, "INSERT INTO t(name) VALUES ('a')", NULL), 0);
	assert_int_equal(count_rows(f->db, "t"), 1);
	assert_int_equal(committed_rows(f), 0);
	assert_int_equal(ch_db_commit(f->db), 0);
	assert_int_equal(committed_rows(f), 1);

	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_run(f->db, "INSERT INTO t(name) VALUES ('b')", NULL), 0);
	assert_int_equal(ch_db_rollback(f->db), 0);
	assert_int_equal(count_rows(f->db, "t"), 1);
	assert_int_equal(committed_rows(f), 1);

	/* commit without a transaction is an error; rollback is harmless */
	assert_int_equal(ch_db_commit(f->db), CH_ERROR);
	assert_int_equal(ch_db_rollback(f->db), 0);

	/* rolling back keeps the error that caused it, with its field */
	assert_int_equal(ch_db_begin(f->db), 0);
	ch_error_set_field(CH_ECONFLICT, "replace", "already there");
	assert_int_equal(ch_db_rollback(f->db), 0);
	assert_int_equal(ch_error_code(), CH_ECONFLICT);
	assert_string_equal(ch_error_message(), "already there");
	assert_string_equal(ch_error_field(), "replace");
	ch_error_clear();
}

static void test_tx_nested_only_outer_commits(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_run(f->db, "INSERT INTO t(name) VALUES ('outer')", NULL), 0);
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_run(f->db, "INSERT INTO t(name) VALUES ('inner')", NULL), 0);
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_commit(f->db), 0);
	assert_int_equal(ch_db_commit(f->db), 0); /* inner: nothing reaches the disk */
	assert_int_equal(committed_rows(f), 0);
	assert_int_equal(count_rows(f->db, "t"), 2);
	assert_int_equal(ch_db_commit(f->db), 0); /* outer */
	assert_int_equal(committed_rows(f), 2);
	assert_int_equal(ch_db_commit(f->db), CH_ERROR); /* one commit too many */
}

static void test_tx_inner_rollback_fails_outer(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_run(f->db, "INSERT INTO t(name) VALUES ('outer')", NULL), 0);
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_run(f->db, "INSERT INTO t(name) VALUES ('inner')", NULL), 0);
	assert_int_equal(ch_db_rollback(f->db), 0); /* inner */
	assert_int_equal(ch_db_run(f->db, "INSERT INTO t(name) VALUES ('after')", NULL), 0);
	int rc = ch_db_commit(f->db); /* outer: must not commit */
	assert_true(rc < 0);
	assert_int_equal(ch_error_code(), rc);
	assert_int_equal(count_rows(f->db, "t"), 0);
	assert_int_equal(committed_rows(f), 0);

	/* the next transaction is not affected */
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_run(f->db, "INSERT INTO t(name) VALUES ('next')", NULL), 0);
	assert_int_equal(ch_db_commit(f->db), 0);
	assert_int_equal(committed_rows(f), 1);

	/* an inner rollback followed by an outer rollback also leaves nothing */
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_run(f->db, "INSERT INTO t(name) VALUES ('x')", NULL), 0);
	assert_int_equal(ch_db_rollback(f->db), 0);
	assert_int_equal(ch_db_rollback(f->db), 0);
	assert_int_equal(count_rows(f->db, "t"), 1);
	assert_int_equal(ch_db_commit(f->db), CH_ERROR); /* no transaction left */
}

static void test_tx_rollback_keeps_error(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_run(f->db, "INSERT INTO t(name) VALUES ('a')", NULL), 0);
	ch_error_set(CH_EINVALID, "row %d: 合计 does not add up", 4);
	assert_int_equal(ch_db_rollback(f->db), 0);
	assert_int_equal(ch_error_code(), CH_EINVALID);
	assert_string_equal(ch_error_message(), "row 4: 合计 does not add up");
	assert_int_equal(count_rows(f->db, "t"), 0);

	/* also when the rollback unwinds nested levels */
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_begin(f->db), 0);
	ch_error_set(CH_EDENIED, "inner refused");
	assert_int_equal(ch_db_rollback(f->db), 0);
	assert_int_equal(ch_error_code(), CH_EDENIED);
	assert_string_equal(ch_error_message(), "inner refused");
	assert_int_equal(ch_db_rollback(f->db), 0);
	assert_int_equal(ch_error_code(), CH_EDENIED);
	assert_string_equal(ch_error_message(), "inner refused");
	ch_error_clear();
}

/* ---- errors and the audit triggers ---- */

static void test_constraint_is_conflict(void **state)
{
	struct fixture *f = *state;
	assert_int_equal(ch_db_run(f->db, "INSERT INTO t(name) VALUES (?)", "t", "dup"), 0);
	ch_error_clear();
	assert_int_equal(ch_db_run(f->db, "INSERT INTO t(name) VALUES (?)", "t", "dup"),
	                 CH_ECONFLICT);
	assert_int_equal(ch_error_code(), CH_ECONFLICT);
	assert_true(strstr(ch_error_message(), "UNIQUE") != NULL);

	/* schema constraints: CHECK, NOT NULL, foreign keys */
	assert_int_equal(
	    ch_db_run(f->db, "INSERT INTO region(code, name, level) VALUES ('1', 'x', 9)", NULL),
	    CH_ECONFLICT);
	assert_int_equal(ch_db_run(f->db, "INSERT INTO meta(key, value) VALUES ('k', NULL)", NULL),
	                 CH_ECONFLICT);
	assert_int_equal(ch_db_run(f->db,
	                           "INSERT INTO region(code, name, level, parent_id)"
	                           " VALUES ('2', 'y', 2, 12345)",
	                           NULL),
	                 CH_ECONFLICT);
	assert_int_equal(ch_db_run(f->db, "INSERT INTO meta(key, value) VALUES ('k', 'v')", NULL),
	                 0);
	assert_int_equal(ch_db_run(f->db, "INSERT INTO meta(key, value) VALUES ('k', 'w')", NULL),
	                 CH_ECONFLICT);

	/* a syntax error is internal, not a conflict */
	assert_int_equal(ch_db_run(f->db, "INSERT INTO nosuchtable VALUES (1)", NULL), CH_ERROR);
	assert_int_equal(ch_db_exec_script(f->db, "CREATE TABLE t (x)"), CH_ERROR);
}

static void test_audit_log_append_only(void **state)
{
	struct fixture *f = *state;
	const char *h = "0000000000000000000000000000000000000000000000000000000000000000";
	assert_int_equal(ch_db_run(f->db,
	                           "INSERT INTO audit_log(seq, at, actor, action, object, before,"
	                           " after, prev_hash, hash) VALUES (1, ?, ?, ?, ?, NULL, ?, ?, ?)",
	                           "ttttttt", "2023-05-31T00:00:00Z", "root", "user.add", "user:x",
	                           "{}", h, h),
	                 0);

	ch_error_clear();
	int rc = ch_db_run(f->db, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1", NULL);
	assert_true(rc < 0);
	assert_true(strstr(ch_error_message(), "append-only") != NULL);
	rc = ch_db_run(f->db, "DELETE FROM audit_log WHERE seq = 1", NULL);
	assert_true(rc < 0);
	assert_true(strstr(ch_error_message(), "append-only") != NULL);
	rc = ch_db_run(f->db, "DELETE FROM audit_log", NULL);
	assert_true(rc < 0);

	char *actor = NULL;
	assert_int_equal(
	    ch_db_query_text(f->db, &actor, "SELECT actor FROM audit_log WHERE seq = 1", NULL), 0);
	assert_string_equal(actor, "root");
	free(actor);
	assert_int_equal(count_rows(f->db, "audit_log"), 1);

	/* inside a transaction the refusal does not commit anything either */
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_true(ch_db_run(f->db, "UPDATE audit_log SET action = 'x'", NULL) < 0);
	assert_int_equal(ch_db_rollback(f->db), 0);
	assert_int_equal(count_rows(f->db, "audit_log"), 1);
}

/* ---- backup and restore ---- */

struct writer {
	const char *url;
	int stop;        /* atomic: set by the test */
	int64_t written; /* atomic: rows committed so far */
	int failed;      /* atomic */
};

/* Inserts rows one transaction each, on a connection of its own, until
 * told to stop. */
static void *write_rows(void *arg)
{
	struct writer *w = arg;
	ch_db *db;
	char name[32];
	if (ch_db_open(&db, w->url, NULL) != 0) {
		__atomic_store_n(&w->failed, 1, __ATOMIC_SEQ_CST);
		return NULL;
	}
	for (int64_t i = 0; !__atomic_load_n(&w->stop, __ATOMIC_SEQ_CST); i++) {
		snprintf(name, sizeof name, "w%lld", (long long)i);
		if (ch_db_run(db, "INSERT INTO t(name, n) VALUES (?, 1)", "t", name) != 0) {
			__atomic_store_n(&w->failed, 1, __ATOMIC_SEQ_CST);
			break;
		}
		__atomic_store_n(&w->written, i + 1, __ATOMIC_SEQ_CST);
	}
	ch_db_close(db);
	return NULL;
}

static void test_backup_while_writing(void **state)
{
	struct fixture *f = *state;
	char backup[700];
	struct stat sb;
	/* about 2 MB: several steps of 256 pages */
	assert_int_equal(
	    ch_db_exec_script(f->db, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
	                             "FROM c WHERE i < 20000) INSERT INTO t(name, n) "
	                             "SELECT printf('row%06d-%s', i, hex(randomblob(40))), i "
	                             "FROM c"),
	    0);
	struct writer w = {.url = f->url};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, write_rows, &w), 0);
	while (__atomic_load_n(&w.written, __ATOMIC_SEQ_CST) < 20 &&
	       !__atomic_load_n(&w.failed, __ATOMIC_SEQ_CST))
		usleep(1000);
	snprintf(backup, sizeof backup, "%s/backup.db", f->dir);
	int rc = ch_db_backup(f->db, backup);
	int64_t during = __atomic_load_n(&w.written, __ATOMIC_SEQ_CST);
	__atomic_store_n(&w.stop, 1, __ATOMIC_SEQ_CST);
	pthread_join(th, NULL);
	assert_int_equal(rc, 0);
	assert_false(w.failed);
	assert_int_equal(stat(backup, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);

	int64_t version = 0;
	assert_int_equal(ch_db_check_file(backup, &version), 0);
	assert_int_equal(version, ch_db_schema_latest());
	ch_db *b;
	char url[720];
	snprintf(url, sizeof url, "sqlite:%s", backup);
	assert_int_equal(ch_db_open_existing(&b, url), 0);
	int64_t n = count_rows(b, "t"), sum = -1;
	/* a snapshot: the first rows and some of the writer's, never a part of
	 * a transaction (each of the writer's rows has n = 1) */
	assert_true(n >= 20000 + 20 && n <= 20000 + during + 1);
	assert_int_equal(ch_db_query_int64(b, &sum,
	                                   "SELECT count(*) FROM t WHERE n = 1 AND "
	                                   "name LIKE 'w%'",
	                                   NULL),
	                 0);
	assert_int_equal(sum, n - 20000);
	ch_db_close(b);

	/* an existing file is not overwritten */
	assert_int_equal(ch_db_backup(f->db, backup), CH_EEXISTS);
	ch_error_clear();

	/* restore: the contents of the backup replace the database's */
	assert_int_equal(ch_db_run(f->db, "DELETE FROM t", NULL), 0);
	assert_int_equal(count_rows(f->db, "t"), 0);
	assert_int_equal(ch_db_restore(f->db, backup), 0);
	assert_int_equal(count_rows(f->db, "t"), n);
	/* and a restore inside a transaction is refused */
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_restore(f->db, backup), CH_ERROR);
	ch_error_clear();
	assert_int_equal(ch_db_rollback(f->db), 0);
}

static void test_check_file(void **state)
{
	struct fixture *f = *state;
	char path[700];
	int64_t version = -1;
	assert_int_equal(ch_db_check_file(f->path, &version), 0);
	assert_true(version > 0);
	snprintf(path, sizeof path, "%s/none.db", f->dir);
	assert_int_equal(ch_db_check_file(path, &version), CH_ENOTFOUND);
	ch_error_clear();
	assert_int_equal(ch_db_check_file(f->dir, &version), CH_EINVALID);
	ch_error_clear();
	snprintf(path, sizeof path, "%s/text.db", f->dir);
	FILE *fp = fopen(path, "w");
	fputs("this is not a database, it is a line of text long enough to be looked at\n", fp);
	fclose(fp);
	assert_int_equal(ch_db_check_file(path, &version), CH_EINVALID);
	assert_non_null(strstr(ch_error_message(), "text.db"));
	ch_error_clear();
	/* a SQLite database of another program */
	ch_db *other;
	char url[720];
	snprintf(path, sizeof path, "%s/other.db", f->dir);
	fp = fopen(path, "w");
	fclose(fp);
	snprintf(url, sizeof url, "sqlite:%s", path);
	assert_int_equal(ch_db_open(&other, url, NULL), 0); /* migrates it: ours now */
	assert_int_equal(ch_db_exec_script(other, "DROP TABLE audit_log"), 0);
	ch_db_close(other);
	assert_int_equal(ch_db_check_file(path, &version), CH_EINVALID);
	assert_non_null(strstr(ch_error_message(), "不是 cleanheat 的数据库"));
	ch_error_clear();
	/* a database in memory has no file to copy */
	ch_db *mem;
	assert_int_equal(ch_db_open(&mem, ":memory:", NULL), 0);
	assert_string_equal(ch_db_file(mem), "");
	ch_db_close(mem);
	assert_string_equal(ch_db_file(f->db), f->path);
}

/* ---- indexes a bulk load may drop ---- */

static int has(const ch_strv *v, const char *s)
{
	for (size_t i = 0; i < v->len; i++)
		if (strcmp(v->items[i], s) == 0)
			return 1;
	return 0;
}

static void test_deferrable_indexes(void **state)
{
	struct fixture *f = *state;
	ch_strv names, defs;
	ch_strv_init(&names);
	ch_strv_init(&defs);
	assert_int_equal(ch_db_exec_script(f->db, "CREATE INDEX t_n ON t(n);"
	                                          "CREATE UNIQUE INDEX t_nu ON t(n, name);"),
	                 0);
	assert_int_equal(ch_db_deferrable_indexes(f->db, "t", 0, &names, &defs), 0);
	/* the plain index only: not the unique one, nor UNIQUE's own */
	assert_int_equal(names.len, 1);
	assert_int_equal(defs.len, 1);
	assert_string_equal(names.items[0], "t_n");
	/* its statement, which creates it again */
	assert_string_equal(defs.items[0], "CREATE INDEX t_n ON t(n)");
	assert_int_equal(ch_db_exec_script(f->db, "DROP INDEX t_n"), 0);
	assert_int_equal(ch_db_exec_script(f->db, defs.items[0]), 0);
	int64_t n = -1;
	assert_int_equal(ch_db_query_int64(f->db, &n,
	                                   "SELECT count(*) FROM sqlite_master WHERE name = 't_n'",
	                                   NULL),
	                 0);
	assert_int_equal(n, 1);
	ch_strv_dispose(&names);
	ch_strv_dispose(&defs);
	ch_strv_init(&names);
	ch_strv_init(&defs);
	/* the register: its non-unique indexes, each with its statement */
	assert_int_equal(ch_db_deferrable_indexes(f->db, "household", 0, &names, &defs), 0);
	assert_true(has(&names, "household_phone"));
	assert_true(has(&names, "household_list"));
	assert_false(has(&names, "household_id_active"));
	assert_int_equal(names.len, defs.len);
	for (size_t i = 0; i < defs.len; i++)
		assert_int_equal(strncmp(defs.items[i], "CREATE INDEX ", 13), 0);
	ch_strv_dispose(&names);
	ch_strv_dispose(&defs);
	/* with UNIQUE, the unique index made by CREATE UNIQUE INDEX too, still
	 * not the one of the table's UNIQUE constraint (which has no
	 * statement and cannot be dropped) */
	ch_strv_init(&names);
	ch_strv_init(&defs);
	assert_int_equal(ch_db_deferrable_indexes(f->db, "t", 1, &names, &defs), 0);
	assert_int_equal(names.len, 2);
	assert_true(has(&names, "t_n"));
	assert_true(has(&names, "t_nu"));
	assert_string_equal(defs.items[1], "CREATE UNIQUE INDEX t_nu ON t(n, name)");
	ch_strv_dispose(&names);
	ch_strv_dispose(&defs);
	ch_strv_init(&names);
	ch_strv_init(&defs);
	assert_int_equal(ch_db_deferrable_indexes(f->db, "household", 1, &names, &defs), 0);
	assert_true(has(&names, "household_id_active"));
	assert_true(has(&names, "household_phone"));
	ch_strv_dispose(&names);
	ch_strv_dispose(&defs);
}

/* ch_db_large_sort cuts the page cache (which bounds SQLite's sort runs),
 * lets a second thread sort, and sets the connection's own back. */
static void test_large_sort(void **state)
{
	struct fixture *f = *state;
	int64_t n = 0;
	assert_int_equal(ch_db_query_int64(f->db, &n, "PRAGMA main.cache_size", NULL), 0);
	assert_int_equal(n, -65536);
	assert_int_equal(ch_db_large_sort(f->db, 1), 0);
	assert_int_equal(ch_db_query_int64(f->db, &n, "PRAGMA main.cache_size", NULL), 0);
	assert_int_equal(n, -4096);
	assert_int_equal(ch_db_query_int64(f->db, &n, "PRAGMA threads", NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ch_db_large_sort(f->db, 0), 0);
	assert_int_equal(ch_db_query_int64(f->db, &n, "PRAGMA main.cache_size", NULL), 0);
	assert_int_equal(n, -65536);
	assert_int_equal(ch_db_query_int64(f->db, &n, "PRAGMA threads", NULL), 0);
	assert_int_equal(n, 0);
}

/* The connection's page cache (SQLite's units) and sorting threads. */
static void expect_sort_settings(ch_db *db, int64_t cache, int64_t threads)
{
	int64_t n = 0;
	assert_int_equal(ch_db_query_int64(db, &n, "PRAGMA main.cache_size", NULL), 0);
	assert_int_equal(n, cache);
	assert_int_equal(ch_db_query_int64(db, &n, "PRAGMA threads", NULL), 0);
	assert_int_equal(n, threads);
}

/* ch_db_index_builds: the indexes of a table that fits in half the page
 * cache are built under the whole cache; a larger table's under the cut
 * one of a large sort. A second thread sorts either way, and ON 0 sets
 * the connection's own settings back. */
static void test_index_builds(void **state)
{
	struct fixture *f = *state;
	int64_t n = 0;
	/* t: a few rows, a page or two */
	assert_int_equal(ch_db_index_builds(f->db, "t", 1), 0);
	expect_sort_settings(f->db, -65536, 1);
	assert_int_equal(ch_db_index_builds(f->db, "t", 0), 0);
	expect_sort_settings(f->db, -65536, 0);
	/* big: 8,192 rows of 3,000 bytes, one a page, and the b-tree's inner
	 * pages: more than half the cache (8,192 pages of 4 KiB) */
	assert_int_equal(ch_db_exec_script(f->db, "CREATE TABLE big(b BLOB);"
	                                          " WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL"
	                                          " SELECT k + 1 FROM i WHERE k < 8192)"
	                                          " INSERT INTO big SELECT zeroblob(3000) FROM i;"),
	                 0);
	assert_int_equal(
	    ch_db_query_int64(f->db, &n, "SELECT count(*) FROM dbstat WHERE name = 'big'", NULL),
	    0);
	assert_true(n > 8192);
	assert_int_equal(ch_db_index_builds(f->db, "big", 1), 0);
	expect_sort_settings(f->db, -4096, 1);
	assert_int_equal(ch_db_index_builds(f->db, "big", 0), 0);
	expect_sort_settings(f->db, -65536, 0);
}

/* The temporary database and the scratch one leave the pages a table
 * frees as they are, where Debian's SQLite writes zeros over each (their
 * files are unlinked when made and gone at close); the main database keeps
 * the library's setting. */
static void test_temp_no_secure_delete(void **state)
{
	struct fixture *f = *state;
	int64_t main_before = -1, n = -1;
	assert_int_equal(ch_db_query_int64(f->db, &main_before, "PRAGMA main.secure_delete", NULL),
	                 0);
	assert_int_equal(ch_db_temp_table(f->db, "t_sd", "k INTEGER PRIMARY KEY"), 0);
	assert_int_equal(ch_db_query_int64(f->db, &n, "PRAGMA temp.secure_delete", NULL), 0);
	assert_int_equal(n, 0);
	assert_int_equal(ch_db_scratch_table(f->db, "s_sd", "k INTEGER"), 0);
	assert_int_equal(ch_db_query_int64(f->db, &n, "PRAGMA scratch.secure_delete", NULL), 0);
	assert_int_equal(n, 0);
	assert_int_equal(ch_db_query_int64(f->db, &n, "PRAGMA main.secure_delete", NULL), 0);
	assert_int_equal(n, main_before);
}

/* A bulk statement stops at its first failing row with the rows before it
 * still written (SQLite's OR FAIL, which keeps no statement journal), so
 * its caller rolls back, and the rollback takes them back. */
static void test_bulk_verb(void **state)
{
	struct fixture *f = *state;
	char sql[128];
	int64_t n = -1;
	assert_string_equal(ch_db_bulk_verb(f->db, CH_DB_BULK_UPDATE), "UPDATE OR FAIL");
	assert_string_equal(ch_db_bulk_verb(f->db, CH_DB_BULK_INSERT), "INSERT OR FAIL");
	assert_int_equal(ch_db_exec_script(f->db, "CREATE TABLE b(id INTEGER PRIMARY KEY,"
	                                          " v INTEGER NOT NULL CHECK (v < 25));"
	                                          "INSERT INTO b(v) VALUES (1), (2), (3);"),
	                 0);
	assert_int_equal(ch_db_begin(f->db), 0);
	snprintf(sql, sizeof sql, "%s b SET v = v * 10", ch_db_bulk_verb(f->db, CH_DB_BULK_UPDATE));
	assert_true(ch_db_run(f->db, sql, NULL) < 0);
	assert_int_equal(ch_db_query_int64(f->db, &n, "SELECT sum(v) FROM b", NULL), 0);
	assert_int_equal(n, 10 + 20 + 3);
	snprintf(sql, sizeof sql, "%s INTO b(v) SELECT v + 20 FROM b ORDER BY v",
	         ch_db_bulk_verb(f->db, CH_DB_BULK_INSERT));
	assert_true(ch_db_run(f->db, sql, NULL) < 0);
	assert_int_equal(ch_db_query_int64(f->db, &n, "SELECT count(*) FROM b", NULL), 0);
	assert_int_equal(n, 4); /* 3 + 20 written, then 10 + 20 failed */
	ch_db_rollback(f->db);
	ch_error_clear();
	assert_int_equal(ch_db_query_int64(f->db, &n, "SELECT sum(v) FROM b", NULL), 0);
	assert_int_equal(n, 6);
	assert_int_equal(ch_db_query_int64(f->db, &n, "SELECT count(*) FROM b", NULL), 0);
	assert_int_equal(n, 3);
}

static int64_t mmap_size(ch_db *db)
{
	int64_t v = -1;
	assert_int_equal(ch_db_query_int64(db, &v, "PRAGMA main.mmap_size", NULL), 0);
	return v;
}

/* A large write transaction reads without the memory mapping, and only
 * until it ends, by commit or by rollback; outside a write transaction
 * there is none to mark. */
static void test_large_write(void **state)
{
	struct fixture *f = *state;
	int64_t usual = mmap_size(f->db);
	assert_true(usual > 0);
	assert_int_equal(ch_db_large_write(f->db), CH_ERROR); /* no transaction */
	ch_error_clear();
	assert_int_equal(ch_db_begin_read(f->db), 0);
	assert_int_equal(ch_db_large_write(f->db), CH_ERROR); /* a read snapshot */
	ch_error_clear();
	assert_int_equal(ch_db_commit(f->db), 0);
	assert_int_equal(mmap_size(f->db), usual);

	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_large_write(f->db), 0);
	assert_int_equal(mmap_size(f->db), 0);
	assert_int_equal(ch_db_begin(f->db), 0); /* nested: still large */
	assert_int_equal(ch_db_large_write(f->db), 0);
	assert_int_equal(ch_db_run(f->db, "INSERT INTO t(name) VALUES ('big')", NULL), 0);
	assert_int_equal(ch_db_commit(f->db), 0);
	assert_int_equal(mmap_size(f->db), 0);
	assert_int_equal(ch_db_commit(f->db), 0);
	assert_int_equal(mmap_size(f->db), usual);
	assert_int_equal(committed_rows(f), 1);

	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_large_write(f->db), 0);
	assert_int_equal(ch_db_run(f->db, "INSERT INTO t(name) VALUES ('gone')", NULL), 0);
	assert_int_equal(ch_db_rollback(f->db), 0);
	assert_int_equal(mmap_size(f->db), usual);
	assert_int_equal(committed_rows(f), 1);

	/* the next transaction is an ordinary one */
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(mmap_size(f->db), usual);
	assert_int_equal(ch_db_commit(f->db), 0);
}

/* ch_db_large_append: only in a large write transaction, where it holds
 * the page cache to the part that comes from huge pages (48 MiB:
 * CACHE_HUGE_BYTES in db_sqlite.c, in SQLite's KiB) for the rest of the
 * transaction, also while a statement reads; the cache is set back when
 * the transaction ends, by commit or by rollback, and every row written
 * around it is there. */
static void test_large_append(void **state)
{
	struct fixture *f = *state;
	const int64_t usual = -65536, held = -49152;
	expect_sort_settings(f->db, usual, 0);
	assert_int_equal(ch_db_large_append(f->db), 0); /* no transaction */
	expect_sort_settings(f->db, usual, 0);
	assert_int_equal(ch_db_begin_read(f->db), 0);
	assert_int_equal(ch_db_large_append(f->db), 0); /* a read snapshot */
	expect_sort_settings(f->db, usual, 0);
	assert_int_equal(ch_db_commit(f->db), 0);
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_large_append(f->db), 0); /* an ordinary write */
	expect_sort_settings(f->db, usual, 0);
	assert_int_equal(ch_db_commit(f->db), 0);

	/* a large write: rows appended while a statement reads the ones
	 * before, the cache held at each call */
	assert_int_equal(ch_db_exec_script(f->db, "CREATE TABLE u (name TEXT NOT NULL)"), 0);
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_large_write(f->db), 0);
	for (int i = 0; i < 200; i++) {
		char name[16];
		snprintf(name, sizeof name, "%s%d", i % 2 ? "odd" : "even", i);
		assert_int_equal(ch_db_run(f->db, "INSERT INTO t(name) VALUES (?)", "t", name), 0);
	}
	ch_stmt *st;
	assert_int_equal(ch_db_prepare(f->db, &st, "SELECT name FROM t ORDER BY id"), 0);
	int read = 0, rc;
	while ((rc = ch_stmt_step(st)) == CH_DB_ROW) {
		if (read++ % 50 == 0) {
			assert_int_equal(ch_db_large_append(f->db), 0);
			expect_sort_settings(f->db, held, 0);
		}
		assert_int_equal(
		    ch_db_run(f->db, "INSERT INTO u(name) VALUES (?)", "t", ch_stmt_text(st, 0)),
		    0);
	}
	assert_int_equal(rc, CH_DB_DONE);
	ch_stmt_finalize(st);
	assert_int_equal(read, 200);
	assert_int_equal(ch_db_commit(f->db), 0);
	expect_sort_settings(f->db, usual, 0);
	int64_t n = 0;
	assert_int_equal(
	    ch_db_query_int64(f->db, &n, "SELECT count(*) FROM u WHERE name LIKE 'odd%'", NULL), 0);
	assert_int_equal(n, 100);

	/* rolled back: the cache set back all the same */
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_large_write(f->db), 0);
	assert_int_equal(ch_db_large_append(f->db), 0);
	expect_sort_settings(f->db, held, 0);
	assert_int_equal(ch_db_rollback(f->db), 0);
	expect_sort_settings(f->db, usual, 0);
}

/* ch_db_work: a scan of a table counts its rows, a look-up by the key
 * counts none, whether the statement is still in the cache or was
 * finalized; each transaction made large counts once. */
static void test_work(void **state)
{
	struct fixture *f = *state;
	struct ch_db_work w0, w;
	ch_db_work(f->db, &w0);
	assert_int_equal(ch_db_begin(f->db), 0);
	for (int i = 0; i < 300; i++) {
		char name[16];
		snprintf(name, sizeof name, "n%d", i);
		assert_int_equal(ch_db_run(f->db, "INSERT INTO t(name) VALUES (?)", "t", name), 0);
	}
	assert_int_equal(ch_db_commit(f->db), 0);
	int64_t n = 0;
	/* by the unique index on name, through the cache: nothing scanned,
	 * and the statement prepared once for both look-ups */
	assert_int_equal(ch_db_query_int64(f->db, &n, "SELECT id FROM t WHERE name = ?", "t", "n7"),
	                 0);
	assert_int_equal(ch_db_query_int64(f->db, &n, "SELECT id FROM t WHERE name = ?", "t", "n8"),
	                 0);
	ch_db_work(f->db, &w);
	assert_int_equal(w.scan_steps, w0.scan_steps);
	assert_int_equal(w.prepares, w0.prepares + 2); /* with the INSERT's */
	/* a condition no index serves: every row stepped over (SQLite counts
	 * the steps from one row to the next: 299 for 300 rows), while the
	 * statement is cached and after it is finalized alike */
	assert_int_equal(ch_db_query_int64(f->db, &n, "SELECT count(*) FROM t WHERE n = 0", NULL),
	                 0);
	assert_true(n >= 300);
	ch_db_work(f->db, &w);
	assert_true(w.scan_steps >= w0.scan_steps + 299);
	ch_stmt *st;
	assert_int_equal(ch_db_prepare(f->db, &st, "SELECT name FROM t WHERE n = 1"), 0);
	while (ch_stmt_step(st) == CH_DB_ROW)
		;
	ch_stmt_finalize(st);
	struct ch_db_work w2;
	ch_db_work(f->db, &w2);
	assert_true(w2.scan_steps >= w.scan_steps + 299);
	assert_int_equal(w2.prepares, w.prepares + 1);
	/* large transactions */
	assert_int_equal(w2.large_tx, w0.large_tx);
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_large_write(f->db), 0);
	assert_int_equal(ch_db_large_write(f->db), 0); /* said twice, counted once */
	assert_int_equal(ch_db_commit(f->db), 0);
	assert_int_equal(ch_db_begin_read(f->db), 0);
	assert_int_equal(ch_db_large_read(f->db), 0);
	assert_int_equal(ch_db_commit(f->db), 0);
	ch_db_work(f->db, &w);
	assert_int_equal(w.large_tx, w0.large_tx + 2);
}

/* A large read: only inside a read snapshot, without the mapping until
 * the snapshot ends, whether it is committed or rolled back. */
static void test_large_read(void **state)
{
	struct fixture *f = *state;
	int64_t usual = mmap_size(f->db), n = 0;
	assert_true(usual > 0);
	assert_int_equal(ch_db_large_read(f->db), CH_ERROR); /* no transaction */
	ch_error_clear();
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_large_read(f->db), CH_ERROR); /* a write transaction */
	ch_error_clear();
	assert_int_equal(ch_db_commit(f->db), 0);
	assert_int_equal(mmap_size(f->db), usual);

	assert_int_equal(ch_db_begin_read(f->db), 0);
	assert_int_equal(ch_db_large_read(f->db), 0);
	assert_int_equal(mmap_size(f->db), 0);
	assert_int_equal(ch_db_large_read(f->db), 0); /* again: no change */
	assert_int_equal(ch_db_query_int64(f->db, &n, "SELECT count(*) FROM t", NULL), 0);
	assert_int_equal(mmap_size(f->db), 0);
	assert_int_equal(ch_db_commit(f->db), 0);
	assert_int_equal(mmap_size(f->db), usual);

	assert_int_equal(ch_db_begin_read(f->db), 0);
	assert_int_equal(ch_db_large_read(f->db), 0);
	assert_int_equal(ch_db_rollback(f->db), 0);
	assert_int_equal(mmap_size(f->db), usual);
	/* the next snapshot is an ordinary one */
	assert_int_equal(ch_db_begin_read(f->db), 0);
	assert_int_equal(mmap_size(f->db), usual);
	assert_int_equal(ch_db_commit(f->db), 0);
}

/* One of many connections reads without the mapping for the rest of its
 * life: large transactions ending do not give it back; it cannot be said
 * inside a transaction. */
static void test_one_of_many(void **state)
{
	struct fixture *f = *state;
	assert_true(mmap_size(f->db) > 0);
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_one_of_many(f->db), CH_ERROR);
	ch_error_clear();
	assert_int_equal(ch_db_commit(f->db), 0);
	assert_true(mmap_size(f->db) > 0);

	assert_int_equal(ch_db_one_of_many(f->db), 0);
	assert_int_equal(mmap_size(f->db), 0);
	assert_int_equal(ch_db_one_of_many(f->db), 0); /* again: no change */
	assert_int_equal(mmap_size(f->db), 0);

	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(ch_db_large_write(f->db), 0);
	assert_int_equal(ch_db_run(f->db, "INSERT INTO t(name) VALUES ('many')", NULL), 0);
	assert_int_equal(ch_db_commit(f->db), 0);
	assert_int_equal(mmap_size(f->db), 0);
	assert_int_equal(committed_rows(f), 1);

	assert_int_equal(ch_db_begin_read(f->db), 0);
	assert_int_equal(ch_db_large_read(f->db), 0);
	assert_int_equal(ch_db_rollback(f->db), 0);
	assert_int_equal(mmap_size(f->db), 0);
}

/* The cache's pages come from the range of huge pages (db_sqlite.c and
 * util/huge_blocks.c): a
 * table written through the cache takes blocks of it; the pages a cut
 * cache lets go return to it, and the next pages are those, not new ones.
 * A block of a page's size moved out by realloc keeps its bytes. */
static void test_cache_pages(void **state)
{
	struct fixture *f = *state;
	size_t made0, free0, made1, free1, made2, free2, made3, free3;
	ch_huge_blocks_counts(&made0, &free0);
	/* 4,000 rows of 3,000 bytes, one a page, all cached after the commit;
	 * at most 512 of them from SQLite's allocator (the process's first) */
	assert_int_equal(ch_db_exec_script(f->db,
	                                   "CREATE TABLE pages(b BLOB);"
	                                   " WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL"
	                                   " SELECT k + 1 FROM i WHERE k < 4000)"
	                                   " INSERT INTO pages SELECT zeroblob(3000) FROM i;"),
	                 0);
	ch_huge_blocks_counts(&made1, &free1);
	assert_true(made1 - free1 >= made0 - free0 + 3400);
	/* the cache cut to 4 MiB (under 1,000 pages) lets the others go */
	assert_int_equal(ch_db_large_sort(f->db, 1), 0);
	ch_huge_blocks_counts(&made2, &free2);
	assert_int_equal(made2, made1);
	assert_true(free2 >= free1 + 2400);
	assert_int_equal(ch_db_large_sort(f->db, 0), 0);
	/* 2,000 pages more (nearly all cached): blocks let go before, no new
	 * one */
	assert_int_equal(ch_db_exec_script(f->db,
	                                   "WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL"
	                                   " SELECT k + 1 FROM i WHERE k < 2000)"
	                                   " INSERT INTO pages SELECT zeroblob(3000) FROM i;"),
	                 0);
	ch_huge_blocks_counts(&made3, &free3);
	assert_int_equal(made3, made2);
	assert_true(free3 + 1500 <= free2);

	/* a block of a page's size, through SQLite's allocator: the first
	 * block let go */
	unsigned char *p = sqlite3_malloc(4096 + 200);
	assert_non_null(p);
	ch_huge_blocks_counts(&made1, &free1);
	assert_int_equal(made1, made3);
	assert_int_equal(free1 + 1, free3);
	assert_true(sqlite3_msize(p) >= 4096 + 200);
	for (int i = 0; i < 4096 + 200; i++)
		p[i] = (unsigned char)(i * 7);
	/* within the block's size: the same block */
	assert_ptr_equal(sqlite3_realloc(p, 4096 + 100), p);
	/* smaller than a page: moved out, its first bytes kept */
	unsigned char *q = sqlite3_realloc(p, 1000);
	assert_non_null(q);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(q[i], (unsigned char)(i * 7));
	/* and back to a page's size (SQLite's own realloc), its bytes kept */
	p = sqlite3_realloc(q, 4096 + 200);
	assert_non_null(p);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(p[i], (unsigned char)(i * 7));
	sqlite3_free(p);
}

/* ---- WAL frames written in runs (db_sqlite.c) ---- */

/* The process's calls so far of the kind FIELD of /proc/self/io ("syscw:
 * %lld" for writes, "syscr: %lld" for reads), -1 when not known. */
static int64_t io_calls(const char *field)
{
	FILE *fp = fopen("/proc/self/io", "r");
	char line[128];
	long long n = -1;
	if (!fp)
		return -1;
	while (fgets(line, sizeof line, fp))
		if (sscanf(line, field, &n) == 1)
			break;
	fclose(fp);
	return n;
}

/* The process's write calls so far, -1 when not known. */
static int64_t write_calls(void)
{
	return io_calls("syscw: %lld");
}

/* Copies the file FROM to TO, byte for byte. */
static void copy_file(const char *from, const char *to)
{
	unsigned char *data = NULL;
	size_t len = 0;
	assert_int_equal(ch_file_read(from, (size_t)1 << 30, &data, &len), 0);
	assert_int_equal(ch_file_write(to, data, len), 0);
	free(data);
}

/* Table pages holds COUNT rows whose v add up to SUM, and the database
 * passes SQLite's integrity check. */
static void check_pages(ch_db *db, int64_t count, int64_t sum)
{
	int64_t n = -1, s = -1;
	char *ok = NULL;
	assert_int_equal(ch_db_query_int64(db, &n, "SELECT count(*) FROM pages", NULL), 0);
	assert_int_equal(n, count);
	assert_int_equal(ch_db_query_int64(db, &s, "SELECT sum(v) FROM pages", NULL), 0);
	assert_int_equal(s, sum);
	assert_int_equal(ch_db_query_text(db, &ok, "PRAGMA integrity_check", NULL), 0);
	assert_string_equal(ok, "ok");
	free(ok);
}

/* Adds rows FROM to TO to pages, v = k, each row about a page. */
static int add_pages(ch_db *db, int from, int to)
{
	char sql[256];
	snprintf(sql, sizeof sql,
	         "WITH RECURSIVE i(k) AS (SELECT %d UNION ALL SELECT k + 1 FROM i WHERE k < %d)"
	         " INSERT INTO pages SELECT k, k, randomblob(3000) FROM i",
	         from, to);
	return ch_db_exec_script(db, sql);
}

/* Adds rows FROM to TO to pages in one transaction, which must fail for
 * the disk's sake (SQLite's words: "disk I/O error", "database or disk is
 * full"), not for the rollback after it. */
static void add_pages_fails(ch_db *db, int from, int to)
{
	assert_int_equal(ch_db_begin(db), 0);
	int rc = add_pages(db, from, to);
	if (rc == 0)
		rc = ch_db_commit(db);
	else
		ch_db_rollback(db);
	assert_int_equal(rc, CH_ERROR);
	assert_non_null(strstr(ch_error_message(), "disk"));
	ch_error_clear();
}

/* F's database and its WAL copied while F's connection is open, opened as
 * after a crash (SQLite checks each frame's checksum and keeps only the
 * frames of committed transactions): pages as check_pages says. */
static void check_after_crash(struct fixture *f, int64_t count, int64_t sum)
{
	char wal[700], copy[700], copy_wal[720], url[720];
	ch_db *db;
	snprintf(wal, sizeof wal, "%s-wal", f->path);
	snprintf(copy, sizeof copy, "%s/copy.db", f->dir);
	snprintf(copy_wal, sizeof copy_wal, "%s-wal", copy);
	copy_file(f->path, copy);
	copy_file(wal, copy_wal);
	snprintf(url, sizeof url, "sqlite:%s", copy);
	assert_int_equal(ch_db_open_existing(&db, url), 0);
	check_pages(db, count, sum);
	ch_db_close(db);
	unlink(copy);
	unlink(copy_wal);
}

/* A transaction of 4,000 pages through a cache of 200: its frames reach
 * the WAL in runs (far fewer write calls than frames), the pages it spilled
 * are read back and written again in place, and what it committed is whole
 * for the connection itself, for another connection, and for a copy of
 * the files taken while the WAL still held every frame (opened as after a
 * crash: SQLite then checks each frame's checksum and keeps only those of
 * committed transactions). */
static void test_wal_runs(void **state)
{
	struct fixture *f = *state;
	char wal[700];
	struct stat sb;
	assert_string_equal(sqlite3_vfs_find(NULL)->zName, "cleanheat");
	assert_int_equal(ch_db_exec_script(f->db, "PRAGMA wal_checkpoint(TRUNCATE);"
	                                          " PRAGMA wal_autocheckpoint = 0;"
	                                          " PRAGMA cache_size = 200;"
	                                          " CREATE TABLE pages(k INTEGER PRIMARY KEY,"
	                                          " v INTEGER, b BLOB)"),
	                 0);
	int64_t calls = write_calls(), sum = -1;
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(add_pages(f->db, 1, 4000), 0);
	/* the insert spilled nearly every page: one write call a frame and
	 * another for its header when written one by one */
	calls = calls >= 0 ? write_calls() - calls : -1;
	if (calls >= 0)
		assert_true(calls < 1000);
	/* read back from the WAL while the run may still hold them */
	assert_int_equal(ch_db_query_int64(f->db, &sum, "SELECT sum(v) FROM pages", NULL), 0);
	assert_int_equal(sum, 4000 * 4001 / 2);
	/* half the pages again: frames rewritten in place */
	assert_int_equal(ch_db_run(f->db,
	                           "UPDATE pages SET v = v + 1, b = randomblob(3000)"
	                           " WHERE k % 2 = 0",
	                           NULL),
	                 0);
	/* so the commit reads every frame after the first rewritten one and
	 * writes its header again: two calls a frame when one by one */
	calls = write_calls();
	assert_int_equal(ch_db_commit(f->db), 0);
	calls = calls >= 0 ? write_calls() - calls : -1;
	if (calls >= 0)
		assert_true(calls < 1000);

	snprintf(wal, sizeof wal, "%s-wal", f->path);
	assert_int_equal(stat(wal, &sb), 0);
	int64_t frames = ((int64_t)sb.st_size - 32) / (24 + 4096);
	assert_true(frames >= 4000);
	check_pages(f->db, 4000, 4000 * 4001 / 2 + 2000);

	ch_db *other;
	assert_int_equal(ch_db_open_existing(&other, f->url), 0);
	check_pages(other, 4000, 4000 * 4001 / 2 + 2000);
	ch_db_close(other);

	check_after_crash(f, 4000, 4000 * 4001 / 2 + 2000);
}

/* A transaction rolled back after its cache spilled leaves frames in its
 * connection's run that nothing commits. Another connection then commits
 * frames at the same places in the WAL, and the first writes again: the
 * second's rows are whole, for the live connections and after a crash. */
static void test_wal_run_rolled_back(void **state)
{
	struct fixture *f = *state;
	ch_db *other;
	assert_int_equal(ch_db_exec_script(f->db, "CREATE TABLE pages(k INTEGER PRIMARY KEY,"
	                                          " v INTEGER, b BLOB);"
	                                          " PRAGMA wal_checkpoint(TRUNCATE);"
	                                          " PRAGMA wal_autocheckpoint = 0;"
	                                          " PRAGMA cache_size = 10"),
	                 0);
	assert_int_equal(ch_db_open_existing(&other, f->url), 0);
	assert_int_equal(ch_db_exec_script(other, "PRAGMA wal_autocheckpoint = 0"), 0);
	/* about 60 frames spilled, then rolled back */
	assert_int_equal(ch_db_begin(f->db), 0);
	assert_int_equal(add_pages(f->db, 1, 70), 0);
	assert_int_equal(ch_db_rollback(f->db), 0);
	/* the other connection's 200 pages, over the same part of the WAL */
	assert_int_equal(add_pages(other, 1001, 1200), 0);
	/* and the first writes again, after them */
	assert_int_equal(add_pages(f->db, 1, 10), 0);
	int64_t sum = (1001 + 1200) * 200 / 2 + 55;
	check_pages(f->db, 210, sum);
	check_pages(other, 210, sum);
	ch_db_close(other);

	check_after_crash(f, 210, sum);
}

/* Runs SQL on the bare connection DB; it must succeed. */
static void raw_exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, err ? err : "?");
}

/* The first column of the first row of SQL on DB, which must be WANT, and
 * the read calls it took (-1 when not known). */
static int64_t raw_check(sqlite3 *db, const char *sql, int64_t want)
{
	sqlite3_stmt *st = NULL;
	int64_t calls = io_calls("syscr: %lld");
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), want);
	sqlite3_finalize(st);
	return calls >= 0 ? io_calls("syscr: %lld") - calls : -1;
}

/* Pages read in order, from the database file and from its WAL, come in
 * windows read ahead: a scan of 2,000 pages through a cache of 50 takes
 * far fewer read calls than pages. Another connection then changes every
 * row between the reader's transactions, through the database file (a
 * checkpoint) and through the WAL (emptied first, so that its frames land
 * at the places the reader read before). The last row read alone and each
 * scan see the rows as they are: in the file, that row's page lies in the
 * reader's last window, and with windows kept across the locks the reader
 * reads the old value. Bare connections through the process's VFS, so
 * that the table is the file's last pages and the reader reads by calls,
 * as a large transaction does, not through the memory mapping. */
static void test_read_ahead(void **state)
{
	struct fixture *f = *state;
	char path[700];
	sqlite3 *reader, *writer;
	int64_t sum = 2000 * 2001 / 2, calls;
	snprintf(path, sizeof path, "%s/ahead.db", f->dir);
	assert_int_equal(sqlite3_open(path, &reader), SQLITE_OK);
	assert_int_equal(sqlite3_open(path, &writer), SQLITE_OK);
	raw_exec(reader, "PRAGMA journal_mode = WAL; PRAGMA mmap_size = 0;"
	                 " PRAGMA cache_size = 50;"
	                 " CREATE TABLE pages(k INTEGER PRIMARY KEY, v INTEGER, b BLOB);"
	                 " WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i"
	                 " WHERE k < 2000) INSERT INTO pages SELECT k, k, randomblob(3000) FROM i;"
	                 " PRAGMA wal_checkpoint(TRUNCATE)");
	raw_exec(writer, "PRAGMA wal_autocheckpoint = 0");
	/* from the database file */
	calls = raw_check(reader, "SELECT sum(v) FROM pages", sum);
	if (calls >= 0)
		assert_true(calls < 500);
	/* the file rewritten by the other's checkpoint (and a frame left in
	 * the WAL, which then gives the database's size) */
	raw_exec(writer, "UPDATE pages SET v = v + 1; PRAGMA wal_checkpoint(TRUNCATE);"
	                 " CREATE TABLE other(x)");
	raw_check(reader, "SELECT v FROM pages WHERE k = 2000", 2001);
	raw_check(reader, "SELECT sum(v) FROM pages", sum += 2000);
	/* from the WAL */
	raw_exec(writer, "UPDATE pages SET v = v + 1");
	calls = raw_check(reader, "SELECT sum(v) FROM pages", sum += 2000);
	if (calls >= 0)
		assert_true(calls < 500);
	/* the WAL emptied and written again from its start */
	raw_exec(writer, "PRAGMA wal_checkpoint(TRUNCATE); UPDATE pages SET v = v + 1");
	raw_check(reader, "SELECT v FROM pages WHERE k = 2000", 2003);
	raw_check(reader, "SELECT sum(v) FROM pages", sum += 2000);
	raw_check(reader,
	          "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'", 1);
	sqlite3_close(writer);
	sqlite3_close(reader);
}

/* A table a large transaction spilled to the WAL, read back in that
 * transaction while it writes: the table's frames lie in order but a few
 * apart, the cache having let another table's pages go between them, and
 * the copy's own frames wait in a run to be written while the scan reads.
 * Both are read ahead: the scan takes fewer read calls than half its
 * pages (216 here; under valgrind, which reads too, 669; before, each page
 * was a call of its own: 2,022). The copy is then whole on the connection
 * and on another, and the database passes its integrity check. */
static void test_read_ahead_spilled(void **state)
{
	struct fixture *f = *state;
	char path[700];
	sqlite3 *db, *other;
	int64_t sum = 2000 * 2001 / 2, calls;
	snprintf(path, sizeof path, "%s/spilled.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	raw_exec(db, "PRAGMA journal_mode = WAL; PRAGMA mmap_size = 0; PRAGMA cache_size = 50;"
	             " CREATE TABLE pages(k INTEGER PRIMARY KEY, v INTEGER, b BLOB);"
	             " CREATE TABLE other(k INTEGER PRIMARY KEY, b BLOB);"
	             " CREATE TABLE copy(k INTEGER PRIMARY KEY, v INTEGER, b BLOB);"
	             " CREATE TEMP TRIGGER beside AFTER INSERT ON pages"
	             " BEGIN INSERT INTO other VALUES (new.k, randomblob(3000)); END;"
	             " BEGIN;"
	             " WITH RECURSIVE i(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM i"
	             " WHERE k < 2000) INSERT INTO pages SELECT k, k, randomblob(3000) FROM i");
	calls = io_calls("syscr: %lld");
	raw_exec(db, "INSERT INTO copy SELECT * FROM pages");
	if (calls >= 0) {
		calls = io_calls("syscr: %lld") - calls;
		assert_true(calls < 1000);
	}
	raw_check(db, "SELECT sum(v) FROM copy", sum);
	raw_exec(db, "COMMIT");
	raw_check(db, "SELECT sum(v) FROM copy", sum);
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	raw_exec(other, "PRAGMA mmap_size = 0");
	raw_check(other, "SELECT count(*) FROM copy c JOIN pages p USING (k) WHERE c.b = p.b",
	          2000);
	raw_check(other, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'",
	          1);
	sqlite3_close(other);
	sqlite3_close(db);
}

/* A write the file system refuses (here: past the process's file size
 * limit) fails the transaction with SQLite's word for it ("disk I/O
 * error", "database or disk is full"), not with that of the rollback after
 * it, whether it comes at a small commit, at a large one or while the
 * cache spills; the committed rows stay as they were. */
static void test_wal_run_fails(void **state)
{
	struct fixture *f = *state;
	struct rlimit was, small;
	assert_int_equal(ch_db_exec_script(f->db, "CREATE TABLE pages(k INTEGER PRIMARY KEY,"
	                                          " v INTEGER, b BLOB)"),
	                 0);
	assert_int_equal(add_pages(f->db, 1, 100), 0);
	assert_int_equal(ch_db_exec_script(f->db, "PRAGMA wal_checkpoint(TRUNCATE)"), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &was), 0);
	void (*handler)(int) = signal(SIGXFSZ, SIG_IGN);
	small = was;

	/* a commit of ten pages, its frames one run: the run and the commit
	 * frame fail when written through, before SQLite names them in the WAL
	 * index (were the commit frame kept in the run, the commit would seem
	 * to pass) */
	small.rlim_cur = 16 << 10;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	add_pages_fails(f->db, 101, 110);
	check_pages(f->db, 100, 100 * 101 / 2);

	/* the commit: 4,000 pages in the cache, 16 MB of WAL */
	small.rlim_cur = 4 << 20;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
	add_pages_fails(f->db, 101, 4100);
	check_pages(f->db, 100, 100 * 101 / 2);

	/* spilling: the same through a cache of 200 pages */
	assert_int_equal(ch_db_exec_script(f->db, "PRAGMA cache_size = 200"), 0);
	add_pages_fails(f->db, 101, 4100);

	assert_int_equal(setrlimit(RLIMIT_FSIZE, &was), 0);
	signal(SIGXFSZ, handler);
	check_pages(f->db, 100, 100 * 101 / 2);
	ch_db *other;
	assert_int_equal(ch_db_open_existing(&other, f->url), 0);
	check_pages(other, 100, 100 * 101 / 2);
	ch_db_close(other);
}

/* The trigram search index: the FTS5 query of two strings (each one's
 * trigrams ANDed, a quote doubled, the strings ORed) finds the rows that
 * hold either; ch_db_text_index takes an entry out and puts one in. */
static void test_text_match(void **state)
{
	struct fixture *f = *state;
	const char *alt[2] = {"张三丰x", "a\"bc"};
	ch_strv values;
	ch_buf sql;
	ch_stmt *st;
	int64_t n = 0;
	ch_strv_init(&values);
	ch_buf_init(&sql);
	assert_int_equal(ch_db_exec_script(f->db, "CREATE VIRTUAL TABLE s USING fts5(a, b,"
	                                          " content = '', tokenize = 'trigram',"
	                                          " detail = none);"
	                                          "CREATE TABLE src(id INTEGER PRIMARY KEY,"
	                                          " a TEXT, b TEXT);"
	                                          "INSERT INTO src VALUES (1, '张三丰xy', 'q'),"
	                                          " (2, 'q', 'za\"bcz'), (3, '张三', '丰x')"),
	                 0);
	assert_int_equal(ch_db_text_index(f->db, "s", "a, b", NULL, "SELECT id, a, b FROM src"), 0);
	assert_int_equal(ch_db_text_match(f->db, "s", alt, 2, 17, &sql, &values), 0);
	assert_string_equal(sql.ptr, "SELECT rowid FROM s WHERE s MATCH ?17");
	assert_int_equal(values.len, 1);
	assert_string_equal(values.items[0],
	                    "(\"张三丰\" AND \"三丰x\") OR (\"a\"\"b\" AND \"\"\"bc\")");
	/* rows 1 and 2; row 3 holds 张三 and 丰x apart, no trigram of them */
	ch_buf_clear(&sql);
	ch_buf_puts(&sql, "SELECT sum(rowid), count(*) FROM s WHERE s MATCH ?");
	assert_int_equal(ch_db_prepare(f->db, &st, sql.ptr), 0);
	assert_int_equal(ch_stmt_bind_text(st, 1, values.items[0]), 0);
	assert_int_equal(ch_stmt_step(st), CH_DB_ROW);
	assert_int_equal(ch_stmt_int64(st, 0), 3);
	assert_int_equal(ch_stmt_int64(st, 1), 2);
	ch_stmt_finalize(st);
	/* row 1's entry out, then nothing holds 张三丰 */
	assert_int_equal(
	    ch_db_text_index(f->db, "s", "a, b", "SELECT id, a, b FROM src WHERE id = 1", NULL), 0);
	assert_int_equal(
	    ch_db_query_int64(f->db, &n, "SELECT count(*) FROM s WHERE s MATCH '\"张三丰\"'", NULL),
	    0);
	assert_int_equal(n, 0);
	ch_buf_dispose(&sql);
	ch_strv_dispose(&values);
}

/* Opening an existing database to read: a file with none of the program's
 * tables is refused as missing (not given a schema without a first user,
 * so refused again the next time); one with the schema opens. */
static void test_open_existing_needs_schema(void **state)
{
	struct fixture *f = *state;
	char path[700], url[720];
	ch_db *db = NULL;
	snprintf(path, sizeof path, "%s/empty.db", f->dir);
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fclose(fp);
	snprintf(url, sizeof url, "sqlite:%s", path);
	assert_int_equal(ch_db_open_existing(&db, url), CH_ENOTFOUND);
	assert_null(db);
	assert_non_null(strstr(ch_error_message(), "还没有建立表结构"));
	ch_error_clear();
	/* still without a schema: refused again */
	assert_int_equal(ch_db_open_existing(&db, url), CH_ENOTFOUND);
	ch_error_clear();
	assert_int_equal(ch_db_open_existing(&db, f->url), 0);
	ch_db_close(db);
}

/* A file holding only another program's table has no schema_version:
 * opened to read it is not refused (it has a table) and gets the schema,
 * its own table kept; opened again it is versioned and migrates nothing. */
static void test_open_unversioned(void **state)
{
	struct fixture *f = *state;
	char path[700], url[720];
	ch_db *db = NULL;
	int64_t v = 0;
	snprintf(path, sizeof path, "%s/stranger.db", f->dir);
	sqlite3 *h = NULL;
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "CREATE TABLE theirs(x); INSERT INTO theirs VALUES (7)",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	sqlite3_close(h);
	snprintf(url, sizeof url, "sqlite:%s", path);
	assert_int_equal(ch_db_open_existing(&db, url), 0);
	assert_int_equal(ch_db_query_int64(db, &v, "SELECT max(version) FROM schema_version", NULL),
	                 0);
	assert_int_equal(v, ch_db_schema_latest());
	assert_int_equal(ch_db_query_int64(db, &v, "SELECT x FROM theirs", NULL), 0);
	assert_int_equal(v, 7);
	ch_db_close(db);
	assert_int_equal(ch_db_open_existing(&db, url), 0);
	assert_int_equal(count_rows(db, "schema_version"), ch_db_schema_latest());
	ch_db_close(db);
}

int main(void)
{
	test_sqlite_only(
	    "the SQLite driver and its file (test_db_pg holds the PostgreSQL driver's cases)");
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_open_sqlite_url),
	    T(test_open_plain_path),
	    T(test_open_bad_urls),
	    T(test_open_existing_needs_schema),
	    T(test_schema_version),
	    T(test_open_unversioned),
	    T(test_run_and_query),
	    T(test_bind_types),
	    T(test_bind_text_ref),
	    T(test_query_not_found),
	    T(test_tx_commit_and_rollback),
	    T(test_tx_nested_only_outer_commits),
	    T(test_tx_inner_rollback_fails_outer),
	    T(test_tx_rollback_keeps_error),
	    T(test_constraint_is_conflict),
	    T(test_audit_log_append_only),
	    T(test_backup_while_writing),
	    T(test_check_file),
	    T(test_deferrable_indexes),
	    T(test_large_sort),
	    T(test_index_builds),
	    T(test_temp_no_secure_delete),
	    T(test_bulk_verb),
	    T(test_large_write),
	    T(test_large_append),
	    T(test_large_read),
	    T(test_work),
	    T(test_one_of_many),
	    T(test_cache_pages),
	    T(test_wal_runs),
	    T(test_wal_run_rolled_back),
	    T(test_read_ahead),
	    T(test_read_ahead_spilled),
	    T(test_text_match),
	    /* last: a failure there leaves the process's file size limit low */
	    T(test_wal_run_fails),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
