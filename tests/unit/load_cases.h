/*
 * load_cases — the cases of the bulk load (ch_db_load_*, db.h) run against
 * any driver: test_db_load runs them on SQLite, test_db_pg on PostgreSQL
 * when a server is given. Each takes an open database and makes its own
 * table (load_t, dropped first; load_scr, a scratch table).
 */
#ifndef CH_LOAD_CASES_H
#define CH_LOAD_CASES_H

#include "testutil.h"

#include "db/db.h"
#include "util/error.h"
#include "util/strv.h"

static const char *const load_cols[] = {"id", "name", "note", "n"};

static void load_table(ch_db *db)
{
	if (ch_db_exec_script(db, "DROP TABLE IF EXISTS load_t;"
	                          " CREATE TABLE load_t (id BIGINT PRIMARY KEY,"
	                          " name TEXT NOT NULL, note TEXT, n BIGINT)") != 0)
		fail_msg("load_t: %s", ch_error_message());
}

static int64_t load_count(ch_db *db)
{
	int64_t n = -1;
	assert_int_equal(ch_db_query_int64(db, &n, "SELECT count(*) FROM load_t", NULL), 0);
	return n;
}

/* NULLs, the characters COPY's text format must escape, Chinese text and
 * a text that looks like COPY's NULL marker come back as they went in. */
static void load_case_values(ch_db *db)
{
	load_table(db);
	const char *const rows[][4] = {
	    {"1", "plain", NULL, "7"},
	    {"2", "tab\there", "new\nline", NULL},
	    {"3", "back\\slash \\N", "\\N", "-3"},
	    {"4", "昌吉市阜康市·王小明", "备注：已开工\r\n第二行", "1234567890123"},
	    {"5", "", "", "0"},
	};
	ch_db_load *l = NULL;
	assert_int_equal(ch_db_load_begin(db, "load_t", load_cols, 4, &l), 0);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		assert_int_equal(ch_db_load_row(l, rows[i]), 0);
	if (ch_db_load_end(l) != 0)
		fail_msg("load: %s", ch_error_message());
	assert_int_equal(load_count(db), 5);
	ch_stmt *st = NULL;
	assert_int_equal(ch_db_prepare(db, &st, "SELECT id, name, note, n FROM load_t ORDER BY id"),
	                 0);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		assert_int_equal(ch_stmt_step(st), CH_DB_ROW);
		assert_int_equal(ch_stmt_int64(st, 0), strtoll(rows[i][0], NULL, 10));
		assert_string_equal(ch_stmt_text(st, 1), rows[i][1]);
		if (rows[i][2])
			assert_string_equal(ch_stmt_text(st, 2), rows[i][2]);
		else
			assert_true(ch_stmt_is_null(st, 2));
		if (rows[i][3])
			assert_int_equal(ch_stmt_int64(st, 3), strtoll(rows[i][3], NULL, 10));
		else
			assert_true(ch_stmt_is_null(st, 3));
	}
	assert_int_equal(ch_stmt_step(st), CH_DB_DONE);
	ch_stmt_finalize(st);
}

/* More rows than one COPY sends (about 3 MB), with other statements
 * running on the connection between them; all arrive, in a transaction. */
static void load_case_many(ch_db *db)
{
	load_table(db);
	char id[24], name[128];
	ch_db_load *l = NULL;
	assert_int_equal(ch_db_begin(db), 0);
	assert_int_equal(ch_db_load_begin(db, "load_t", load_cols, 4, &l), 0);
	for (int i = 1; i <= 30000; i++) {
		snprintf(id, sizeof id, "%d", i);
		snprintf(name, sizeof name, "第%d户\t%0*d", i, 80, i);
		const char *vals[4] = {id, name, i % 2 ? NULL : "偶", id};
		assert_int_equal(ch_db_load_row(l, vals), 0);
		if (i % 10000 == 0) {
			int64_t one = 0;
			assert_int_equal(ch_db_query_int64(db, &one, "SELECT 1", NULL), 0);
			assert_int_equal(one, 1);
		}
	}
	if (ch_db_load_end(l) != 0)
		fail_msg("load: %s", ch_error_message());
	assert_int_equal(ch_db_commit(db), 0);
	int64_t sum = 0, nulls = 0;
	assert_int_equal(ch_db_query_int64(db, &sum, "SELECT sum(n) FROM load_t", NULL), 0);
	assert_int_equal(sum, 30000LL * 30001 / 2);
	assert_int_equal(
	    ch_db_query_int64(db, &nulls, "SELECT count(*) FROM load_t WHERE note IS NULL", NULL),
	    0);
	assert_int_equal(nulls, 15000);
	char *s = NULL;
	assert_int_equal(ch_db_query_text(db, &s, "SELECT name FROM load_t WHERE id = 29999", NULL),
	                 0);
	assert_true(strncmp(s, "第29999户\t000", strlen("第29999户\t000")) == 0);
	free(s);
}

/* A row the table refuses (NOT NULL): the load fails naming the row, and
 * the transaction goes on; rolled back, the load leaves nothing. */
static void load_case_error(ch_db *db)
{
	load_table(db);
	const char *const ok1[4] = {"1", "a", NULL, "1"};
	const char *const ok2[4] = {"2", "b", NULL, "2"};
	const char *const bad[4] = {"3", NULL, "no name", "3"};
	const char *const after[4] = {"4", "d", NULL, "4"};
	ch_db_load *l = NULL;
	assert_int_equal(ch_db_begin(db), 0);
	assert_int_equal(ch_db_load_begin(db, "load_t", load_cols, 4, &l), 0);
	int rc = ch_db_load_row(l, ok1);
	if (rc == 0)
		rc = ch_db_load_row(l, ok2);
	if (rc == 0)
		rc = ch_db_load_row(l, bad);
	if (rc == 0)
		rc = ch_db_load_row(l, after);
	int end = ch_db_load_end(l);
	assert_int_equal(end, CH_ECONFLICT);
	assert_true(rc == 0 || rc == CH_ECONFLICT);
	if (!strstr(ch_error_message(), "第 3 行") || !strstr(ch_error_message(), "NOT NULL"))
		fail_msg("the error names neither the row nor the reason: %s", ch_error_message());
	/* the transaction is still usable */
	assert_int_equal(ch_db_run(db, "INSERT INTO load_t(id, name) VALUES (10, 'x')", NULL), 0);
	assert_int_equal(ch_db_commit(db), 0);
	int64_t n = 0;
	assert_int_equal(
	    ch_db_query_int64(db, &n, "SELECT count(*) FROM load_t WHERE id = 10", NULL), 0);
	assert_int_equal(n, 1);

	/* a load that succeeded, then rolled back with its transaction */
	load_table(db);
	assert_int_equal(ch_db_begin(db), 0);
	assert_int_equal(ch_db_load_begin(db, "load_t", load_cols, 4, &l), 0);
	assert_int_equal(ch_db_load_row(l, ok1), 0);
	assert_int_equal(ch_db_load_row(l, ok2), 0);
	assert_int_equal(ch_db_load_end(l), 0);
	assert_int_equal(load_count(db), 2);
	assert_int_equal(ch_db_rollback(db), 0);
	assert_int_equal(load_count(db), 0);

	/* a load given up (cancelled) and rolled back: nothing either */
	assert_int_equal(ch_db_begin(db), 0);
	assert_int_equal(ch_db_load_begin(db, "load_t", load_cols, 4, &l), 0);
	assert_int_equal(ch_db_load_row(l, ok1), 0);
	ch_db_load_cancel(l);
	assert_int_equal(ch_db_rollback(db), 0);
	assert_int_equal(load_count(db), 0);

	/* a table that does not exist: refused at the start or the end */
	const char *const one[1] = {"1"};
	l = NULL;
	rc = ch_db_load_begin(db, "no_such_table", load_cols, 1, &l);
	if (rc == 0) {
		assert_int_equal(ch_db_load_row(l, one), 0);
		rc = ch_db_load_end(l);
	}
	assert_int_not_equal(rc, 0);
}

/* Loads 300 rows of which row BAD (counted from 1) breaks a rule: NULL
 * name, or with SAME the id of the row before it; the load fails naming
 * that row and the rule, whichever of the engine's INSERTs of many rows it
 * fell in. */
static void load_refused_at(ch_db *db, int bad, int same, const char *rule)
{
	load_table(db);
	ch_db_load *l = NULL;
	char id[24], name[24], want[32];
	assert_int_equal(ch_db_begin(db), 0);
	assert_int_equal(ch_db_load_begin(db, "load_t", load_cols, 4, &l), 0);
	int rc = 0;
	for (int i = 1; i <= 300 && rc == 0; i++) {
		snprintf(id, sizeof id, "%d", same && i == bad ? i - 1 : i);
		snprintf(name, sizeof name, "户%d", i);
		const char *vals[4] = {id, !same && i == bad ? NULL : name, NULL, id};
		rc = ch_db_load_row(l, vals);
	}
	int end = ch_db_load_end(l);
	assert_int_equal(end, CH_ECONFLICT);
	assert_true(rc == 0 || rc == CH_ECONFLICT);
	snprintf(want, sizeof want, "第 %d 行", bad);
	if (!strstr(ch_error_message(), want) || !strstr(ch_error_message(), rule))
		fail_msg("row %d: the error names neither the row nor the reason: %s", bad,
		         ch_error_message());
	assert_int_equal(ch_db_rollback(db), 0);
	assert_int_equal(load_count(db), 0);
}

/* A refused row in the middle of many: at the start, inside and at the
 * end of a set of rows sent together, and among the last few. */
static void load_case_refused_among_many(ch_db *db)
{
	static const int rows[] = {1, 64, 65, 100, 128, 129, 299, 300};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		load_refused_at(db, rows[i], 0, "NOT NULL");
	load_refused_at(db, 2, 1, "UNIQUE");
	load_refused_at(db, 100, 1, "UNIQUE");
	load_refused_at(db, 65, 1, "UNIQUE");
}

/* A temporary table, as the event import stages its rows in. */
static void load_case_temp(ch_db *db)
{
	assert_int_equal(ch_db_temp_table(db, "load_tmp", "a INTEGER PRIMARY KEY, b TEXT"), 0);
	static const char *const cols[] = {"a", "b"};
	const char *const r1[2] = {"1", "一"}, *const r2[2] = {"2", NULL};
	ch_db_load *l = NULL;
	assert_int_equal(ch_db_load_begin(db, "load_tmp", cols, 2, &l), 0);
	assert_int_equal(ch_db_load_row(l, r1), 0);
	assert_int_equal(ch_db_load_row(l, r2), 0);
	assert_int_equal(ch_db_load_end(l), 0);
	int64_t n = 0;
	assert_int_equal(
	    ch_db_query_int64(db, &n, "SELECT count(*) FROM load_tmp WHERE b = '一' OR b IS NULL",
	                      NULL),
	    0);
	assert_int_equal(n, 2);
}

static int64_t scratch_count(ch_db *db)
{
	int64_t n = -1;
	assert_int_equal(ch_db_query_int64(db, &n, "SELECT count(*) FROM load_scr", NULL), 0);
	return n;
}

/* A scratch table, as the imports keep their checked rows in: made empty,
 * loaded, emptied by making it again, and cleared at the end of an
 * operation, inside a transaction (its rows go, the transaction's own
 * writes stay) and outside one; never one of the database's tables. */
static void load_case_scratch(ch_db *db)
{
	static const char *const name[] = {"load_scr"};
	static const char *const cols[] = {"line", "v"};
	const char *const r1[2] = {"1", "一"}, *const r2[2] = {"2", NULL};
	load_table(db);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(
		    ch_db_scratch_table(db, "load_scr", "line INTEGER PRIMARY KEY, v TEXT"), 0);
		assert_int_equal(scratch_count(db), 0);
		ch_db_load *l = NULL;
		assert_int_equal(ch_db_load_begin(db, "load_scr", cols, 2, &l), 0);
		assert_int_equal(ch_db_load_row(l, r1), 0);
		assert_int_equal(ch_db_load_row(l, r2), 0);
		assert_int_equal(ch_db_load_end(l), 0);
		assert_int_equal(scratch_count(db), 2);
		/* made again: the same table, emptied */
		assert_int_equal(
		    ch_db_scratch_table(db, "load_scr", "line INTEGER PRIMARY KEY, v TEXT"), 0);
		assert_int_equal(scratch_count(db), 0);
		assert_int_equal(
		    ch_db_run(db, "INSERT INTO load_scr(line, v) VALUES (3, 'x')", NULL), 0);
		/* cleared inside a transaction: the rows go, the transaction's
		 * other writes are committed as ever */
		assert_int_equal(ch_db_begin(db), 0);
		assert_int_equal(ch_db_run(db,
		                           "INSERT INTO load_t(id, name)"
		                           " SELECT line + ?, coalesce(v, '') FROM load_scr",
		                           "i", (int64_t)(round * 10)),
		                 0);
		assert_int_equal(ch_db_scratch_clear(db, name, 1), 0);
		assert_int_equal(scratch_count(db), 0);
		assert_int_equal(ch_db_commit(db), 0);
		assert_int_equal(load_count(db), round + 1);
		/* and outside one */
		assert_int_equal(
		    ch_db_run(db, "INSERT INTO load_scr(line, v) VALUES (4, 'y')", NULL), 0);
		assert_int_equal(ch_db_scratch_clear(db, name, 1), 0);
	}
	ch_strv tables;
	ch_strv_init(&tables);
	assert_int_equal(ch_db_tables(db, &tables), 0);
	assert_true(tables.len > 0);
	for (size_t i = 0; i < tables.len; i++)
		assert_string_not_equal(tables.items[i], "load_scr");
	ch_strv_dispose(&tables);
}

#endif
