/*
 * test_db_pg — the storage layer's second dialect. Always: both sets of
 * migrations (src/db/sql/ for SQLite, src/db/sql/pg/ for PostgreSQL) carry
 * the same numbers, so neither dialect's schema is behind the other's. With
 * CLEANHEAT_TEST_PG set to a connection string of an empty PostgreSQL
 * database (tests/cli/test_pg.sh starts a throwaway server and sets it), the
 * PostgreSQL driver itself: migrations applied once, `?` and `?NNN`
 * placeholders next to literals holding '?', row ids of inserts, a failed
 * statement that leaves its transaction usable, nested transactions, the
 * mapping of constraint errors to the same codes and wording as SQLite's,
 * and the append-only and ledger triggers; statements sent in one round
 * trip (pipeline mode) whose failure undoes only themselves, prepared once
 * and prepared again when their types change; and the bulk load through
 * COPY (load_cases.h, the same cases test_db_load runs on SQLite); the
 * change hook's table made on a connection's first write, and every write
 * after it heard; ch_json_min giving SQLite's compact JSON. Without it
 * those cases skip.
 */
#include "load_cases.h"
#include "testutil.h"

#include "db/db.h"
#include "util/buf.h"
#include "util/embedded.h"
#include "util/error.h"
#include "util/strv.h"

/* The numbers of the migrations in folder DIR (not below it), as a bitmap. */
static void numbers(const char *dir, unsigned char seen[1000])
{
	size_t n = strlen(dir);
	memset(seen, 0, 1000);
	for (const struct ch_embedded_file *f = ch_embedded; f->path; f++) {
		if (strncmp(f->path, dir, n) != 0 || strchr(f->path + n, '/'))
			continue;
		long v = strtol(f->path + n, NULL, 10);
		assert_true(v > 0 && v < 1000);
		seen[v] = 1;
	}
}

static void test_same_migration_numbers(void **state)
{
	(void)state;
	unsigned char lite[1000], pg[1000];
	numbers("src/db/sql/", lite);
	numbers("src/db/sql/pg/", pg);
	int count = 0;
	for (int v = 1; v < 1000; v++) {
		if (lite[v] != pg[v])
			fail_msg("migration %04d exists for %s only: port it to the other dialect "
			         "(src/db/sql/ and src/db/sql/pg/ hold the same numbered history)",
			         v, lite[v] ? "SQLite" : "PostgreSQL");
		count += lite[v];
	}
	assert_true(count >= 11);
}

static const char *pg_url(void)
{
	const char *u = getenv("CLEANHEAT_TEST_PG");
	return u && *u ? u : NULL;
}

static ch_db *open_pg(void)
{
	ch_db *db = NULL;
	int created = -1;
	if (ch_db_open(&db, pg_url(), &created) != 0)
		fail_msg("open %s: %s", pg_url(), ch_error_message());
	assert_string_equal(ch_db_driver_name(db), "postgresql");
	assert_string_equal(ch_db_dialect(db), "pg");
	return db;
}

static void test_pg_driver(void **state)
{
	(void)state;
	if (!pg_url())
		skip();
	ch_db *db = open_pg();
	int64_t v = 0;
	char *s = NULL;

	/* the schema is there, at the version SQLite's is */
	assert_int_equal(ch_db_query_int64(db, &v, "SELECT max(version) FROM schema_version", NULL),
	                 0);
	assert_int_equal(v, ch_db_schema_latest());

	/* placeholders: positional, numbered, and a '?' inside a literal, a
	 * quoted name or a comment stays */
	assert_int_equal(ch_db_query_text(db, &s, "SELECT ? || '?' || ?", "tt", "a", "b"), 0);
	assert_string_equal(s, "a?b");
	free(s);
	assert_int_equal(ch_db_query_text(db, &s,
	                                  "SELECT /* why? */ ? || 'it''s ?' AS \"a?\" -- what?\n",
	                                  "t", "x"),
	                 0);
	assert_string_equal(s, "xit's ?");
	free(s);
	assert_int_equal(ch_db_query_int64(db, &v, "SELECT ?2 - ?1", "ii", (int64_t)5, (int64_t)12),
	                 0);
	assert_int_equal(v, 7);
	/* a comparison reads as 1 / 0, as SQLite's does */
	assert_int_equal(ch_db_query_int64(db, &v, "SELECT 2 > 1", NULL), 0);
	assert_int_equal(v, 1);

	/* row ids come back from the insert, not from a trigger's */
	assert_int_equal(ch_db_begin(db), 0);
	assert_int_equal(
	    ch_db_run(db, "INSERT INTO region(code, name, level) VALUES ('659900', '测试州', 1)",
	              NULL),
	    0);
	int64_t pref = ch_db_last_id(db);
	assert_true(pref > 0);
	assert_int_equal(
	    ch_db_run(db, "INSERT INTO region(code, name, level, parent_id) VALUES (?, ?, 2, ?)",
	              "tti", "659901", "测试县", pref),
	    0);
	int64_t county = ch_db_last_id(db);
	assert_int_equal(county, pref + 1);
	assert_int_equal(ch_db_changes(db), 1);

	/* a failed statement undoes only itself: the transaction goes on */
	assert_int_equal(
	    ch_db_run(db, "INSERT INTO region(code, name, level) VALUES ('659900', 'x', 1)", NULL),
	    CH_ECONFLICT);
	assert_string_equal(ch_error_message(), "database: UNIQUE constraint failed: region.code");
	assert_int_equal(
	    ch_db_run(db, "INSERT INTO region(code, name, level) VALUES ('x', 'x', 9)", NULL),
	    CH_ECONFLICT);
	assert_non_null(strstr(ch_error_message(), "CHECK constraint failed"));
	assert_int_equal(
	    ch_db_run(
	        db, "INSERT INTO region(code, name, level, parent_id) VALUES ('y', 'y', 2, 99999)",
	        NULL),
	    CH_ECONFLICT);
	assert_string_equal(ch_error_message(), "database: FOREIGN KEY constraint failed");
	assert_int_equal(ch_db_query_int64(db, &v, "SELECT count(*) FROM region", NULL), 0);
	assert_int_equal(v, 2);

	/* an inner rollback makes the outer commit fail and undo everything */
	assert_int_equal(ch_db_begin(db), 0);
	ch_db_rollback(db);
	assert_int_equal(ch_db_commit(db), CH_ERROR);
	assert_int_equal(ch_db_query_int64(db, &v, "SELECT count(*) FROM region", NULL), 0);
	assert_int_equal(v, 0);

	/* the audit log is append-only, in the database itself */
	assert_int_equal(ch_db_begin(db), 0);
	assert_int_equal(
	    ch_db_run(db,
	              "INSERT INTO audit_log(seq, at, actor, action, object, prev_hash,"
	              " hash) VALUES (1, 't', 'a', 'x', 'o', '', 'h')",
	              NULL),
	    0);
	assert_int_equal(ch_db_run(db, "UPDATE audit_log SET actor = 'b'", NULL), CH_ECONFLICT);
	assert_string_equal(ch_error_message(), "database: the audit log is append-only");
	assert_int_equal(ch_db_run(db, "DELETE FROM audit_log", NULL), CH_ECONFLICT);
	assert_int_equal(ch_db_exec_script(db, "TRUNCATE audit_log"), CH_ECONFLICT);

	/* ledger: postings add up to zero before a transfer is sealed */
	assert_int_equal(
	    ch_db_run(db,
	              "INSERT INTO account(code, kind, source) VALUES ('origin:central', 'origin',"
	              " 'central'), ('pref:central', 'prefecture', 'central')",
	              NULL),
	    0);
	assert_int_equal(
	    ch_db_run(db,
	              "INSERT INTO transfer(idem_key, kind, content_hash, day, at, actor)"
	              " VALUES ('k1', 'appropriate', 'h', '2023-05-01', 't', 'a')",
	              NULL),
	    0);
	int64_t tr = ch_db_last_id(db);
	assert_int_equal(
	    ch_db_run(db,
	              "INSERT INTO posting(transfer_id, account_id, amount) SELECT ?, id,"
	              " 100 FROM account WHERE code = 'pref:central'",
	              "i", tr),
	    0);
	assert_int_equal(ch_db_run(db, "UPDATE transfer SET sealed = 1 WHERE id = ?", "i", tr),
	                 CH_ECONFLICT);
	assert_string_equal(ch_error_message(), "database: ledger: debits do not equal credits");
	assert_int_equal(
	    ch_db_run(db,
	              "INSERT INTO posting(transfer_id, account_id, amount) SELECT ?, id,"
	              " -100 FROM account WHERE code = 'origin:central'",
	              "i", tr),
	    0);
	assert_int_equal(ch_db_run(db, "UPDATE transfer SET sealed = 1 WHERE id = ?", "i", tr), 0);
	assert_int_equal(
	    ch_db_query_int64(db, &v, "SELECT balance FROM account WHERE code = 'pref:central'",
	                      NULL),
	    0);
	assert_int_equal(v, 100);
	/* a sealed transfer takes no more postings; postings never change */
	assert_int_equal(
	    ch_db_run(db,
	              "INSERT INTO posting(transfer_id, account_id, amount) SELECT ?, id,"
	              " 5 FROM account WHERE code = 'pref:central'",
	              "i", tr),
	    CH_ECONFLICT);
	assert_string_equal(ch_error_message(), "database: ledger: the transfer is sealed");
	assert_int_equal(ch_db_run(db, "UPDATE posting SET amount = 1", NULL), CH_ECONFLICT);
	/* a balance below zero outside an origin account */
	assert_int_equal(
	    ch_db_run(db, "UPDATE account SET balance = -1 WHERE code = 'pref:central'", NULL),
	    CH_ECONFLICT);
	ch_db_rollback(db);

	/* a read snapshot; no write transaction inside it */
	assert_int_equal(ch_db_begin_read(db), 0);
	assert_int_equal(ch_db_begin(db), CH_ERROR);
	assert_int_equal(ch_db_commit(db), 0);

	/* statements with an error in them name it */
	assert_int_equal(ch_db_run(db, "SELECT * FROM no_such_table", NULL), CH_ERROR);
	assert_non_null(strstr(ch_error_message(), "no_such_table"));

	/* the dialects' differences behind the driver: a load keeps every
	 * index, lists are joined by string_agg */
	ch_strv names, defs;
	ch_strv_init(&names);
	ch_strv_init(&defs);
	assert_int_equal(ch_db_deferrable_indexes(db, "household", 0, &names, &defs), 0);
	assert_int_equal(names.len, 0);
	assert_int_equal(defs.len, 0);
	ch_strv_dispose(&names);
	ch_strv_dispose(&defs);
	assert_string_equal(ch_db_fn(db, CH_DB_FN_GROUP_CONCAT), "string_agg");
	/* the search index: one LIKE per string, its wildcards escaped, over
	 * the view household_search (migration pg/0017) */
	{
		const char *alt[2] = {"a%b_c\\", "\x02张\x02"};
		ch_strv values;
		ch_buf sql;
		ch_strv_init(&values);
		ch_buf_init(&sql);
		assert_int_equal(
		    ch_db_text_match(db, "household_search", alt, 2, 17, &sql, &values), 0);
		assert_string_equal(
		    sql.ptr, "SELECT id FROM household_search WHERE doc LIKE ?17 OR doc LIKE ?18");
		assert_int_equal(values.len, 2);
		assert_string_equal(values.items[0], "%a\\%b\\_c\\\\%");
		assert_string_equal(values.items[1], "%\x02张\x02%");
		assert_int_equal(
		    ch_db_query_int64(db, &v, "SELECT count(*) FROM household_search", NULL), 0);
		assert_int_equal(
		    ch_db_text_index(db, "household_search", "doc", "SELECT 1", "SELECT 1"), 0);
		ch_buf_dispose(&sql);
		ch_strv_dispose(&values);
	}
	ch_db_close(db);

	/* opening again migrates nothing */
	db = open_pg();
	assert_int_equal(ch_db_query_int64(db, &v, "SELECT count(*) FROM schema_version", NULL), 0);
	assert_int_equal(v, ch_db_schema_latest());
	ch_db_close(db);
}

/* The other ways to name a server: "pg:" with the libpq variables
 * (PGHOST, PGPORT, PGUSER, PGDATABASE), and a key=value string. */
/* Statements run in one round trip each (savepoint, statement, release):
 * a failing one inside a transaction undoes only itself, and the same
 * prepared statement runs again afterwards; the transaction goes on and
 * commits what succeeded. A statement prepared with one type of parameter
 * is prepared again when bound with another. */
static void test_pg_pipeline(void **state)
{
	(void)state;
	if (!pg_url())
		skip();
	ch_db *db = open_pg();
	int64_t v = 0;
	assert_int_equal(ch_db_exec_script(db,
	                                   "DROP TABLE IF EXISTS pipe_t;"
	                                   " CREATE TABLE pipe_t (k TEXT PRIMARY KEY, v INTEGER)"),
	                 0);
	const char *ins = "INSERT INTO pipe_t(k, v) VALUES (?, ?)";
	assert_int_equal(ch_db_begin(db), 0);
	assert_int_equal(ch_db_run(db, ins, "ti", "a", (int64_t)1), 0);
	/* the same statement fails (duplicate key): undone alone */
	assert_int_equal(ch_db_run(db, ins, "ti", "a", (int64_t)2), CH_ECONFLICT);
	assert_non_null(strstr(ch_error_message(), "UNIQUE constraint failed: pipe_t.k"));
	/* a statement that fails when prepared (no such column) */
	assert_int_equal(ch_db_run(db, "UPDATE pipe_t SET nope = 1", NULL), CH_ERROR);
	/* and again runs, as prepared before */
	assert_int_equal(ch_db_run(db, ins, "ti", "b", (int64_t)3), 0);
	assert_int_equal(ch_db_query_int64(db, &v, "SELECT count(*) FROM pipe_t", NULL), 0);
	assert_int_equal(v, 2);
	assert_int_equal(ch_db_commit(db), 0);
	assert_int_equal(ch_db_query_int64(db, &v, "SELECT sum(v) FROM pipe_t", NULL), 0);
	assert_int_equal(v, 4);

	/* outside a transaction: a failure leaves the connection usable */
	assert_int_equal(ch_db_run(db, ins, "ti", "b", (int64_t)9), CH_ECONFLICT);
	assert_int_equal(ch_db_run(db, ins, "ti", "c", (int64_t)5), 0);

	/* one statement, bound first with a NULL, then an integer, then a
	 * text: each runs (prepared again when the type changes) */
	const char *sel = "SELECT count(*) FROM pipe_t WHERE v IS NOT DISTINCT FROM ?";
	assert_int_equal(ch_db_query_int64(db, &v, sel, "n"), 0);
	assert_int_equal(v, 0);
	assert_int_equal(ch_db_query_int64(db, &v, sel, "i", (int64_t)3), 0);
	assert_int_equal(v, 1);
	assert_int_equal(ch_db_query_int64(db, &v, sel, "t", "5"), 0);
	assert_int_equal(v, 1);
	/* many statements prepared and finalized: each is deallocated on the
	 * server with a later one, none is left behind */
	for (int i = 0; i < 200; i++) {
		char sql[64];
		snprintf(sql, sizeof sql, "SELECT %d + ?", i);
		ch_stmt *st = NULL;
		assert_int_equal(ch_db_prepare(db, &st, sql), 0);
		assert_int_equal(ch_stmt_bind_int64(st, 1, 1), 0);
		assert_int_equal(ch_stmt_step(st), CH_DB_ROW);
		assert_int_equal(ch_stmt_int64(st, 0), i + 1);
		ch_stmt_finalize(st);
	}
	assert_int_equal(
	    ch_db_query_int64(db, &v, "SELECT count(*) FROM pg_prepared_statements", NULL), 0);
	assert_true(v < 100);
	ch_db_close(db);
}

static void test_pg_load(void **state)
{
	(void)state;
	if (!pg_url())
		skip();
	ch_db *db = open_pg();
	load_case_values(db);
	load_case_many(db);
	load_case_error(db);
	load_case_refused_among_many(db);
	load_case_temp(db);
	load_case_scratch(db);
	ch_db_close(db);
}

/* What a change hook heard: the inserts into app_user. */
struct heard {
	int users;
};

static void hear(void *arg, enum ch_db_change op, const char *table, int64_t rowid)
{
	struct heard *h = arg;
	(void)rowid;
	if (op == CH_DB_INSERT && strcmp(table, "app_user") == 0)
		h->users++;
}

/* 1 when this session has the change hook's table ch_changes. */
static int has_changes(ch_db *db)
{
	int64_t v = -1;
	assert_int_equal(
	    ch_db_query_int64(db, &v, "SELECT to_regclass('pg_temp.ch_changes') IS NOT NULL", NULL),
	    0);
	return v == 1;
}

/* The change hook's table is made on the connection's first write, outside
 * any transaction: not for reads and read snapshots (their scratch writes
 * included), before a write outside a transaction, and before the first
 * write transaction; the hook hears the writes after it in each case. */
static void test_pg_change_table(void **state)
{
	(void)state;
	if (!pg_url())
		skip();
	struct heard h = {0};

	/* reads, and a read snapshot writing a scratch table: no table */
	ch_db *db = open_pg();
	ch_db_set_change_hook(db, hear, &h);
	assert_false(has_changes(db));
	assert_int_equal(ch_db_begin_read(db), 0);
	assert_int_equal(ch_db_exec_script(db, "CREATE TEMP TABLE scratch_x (a int);"
	                                       " INSERT INTO scratch_x VALUES (1)"),
	                 0);
	assert_int_equal(ch_db_commit(db), 0);
	assert_false(has_changes(db));

	/* a write outside a transaction: made first, and heard */
	assert_int_equal(ch_db_run(db,
	                           "INSERT INTO app_user(name, role, created_at)"
	                           " VALUES ('hook1', 'reviewer', '2023-01-01T00:00:00Z')",
	                           NULL),
	                 0);
	assert_true(has_changes(db));
	assert_int_equal(h.users, 1);
	ch_db_close(db);

	/* the first write transaction of another connection, rolled back:
	 * the table stays, and the next transaction's write is heard */
	db = open_pg();
	ch_db_set_change_hook(db, hear, &h);
	assert_false(has_changes(db));
	assert_int_equal(ch_db_begin(db), 0);
	assert_true(has_changes(db));
	ch_db_rollback(db);
	assert_true(has_changes(db));
	assert_int_equal(ch_db_begin(db), 0);
	assert_int_equal(ch_db_run(db,
	                           "INSERT INTO app_user(name, role, created_at)"
	                           " VALUES ('hook2', 'reviewer', '2023-01-01T00:00:00Z')",
	                           NULL),
	                 0);
	assert_int_equal(ch_db_commit(db), 0);
	assert_int_equal(h.users, 2);

	/* a script outside a transaction: heard too */
	ch_db_close(db);
	db = open_pg();
	ch_db_set_change_hook(db, hear, &h);
	assert_int_equal(ch_db_exec_script(db,
	                                   "INSERT INTO app_user(name, role, created_at)"
	                                   " VALUES ('hook3', 'reviewer', '2023-01-01T00:00:00Z')"),
	                 0);
	assert_int_equal(h.users, 3);
	ch_db_close(db);
}

/* ch_db_table_grew analyses a temporary table, inside a transaction too:
 * the server then knows its rows (pg_class.reltuples, -1 before), and
 * plans the statements that read it again. */
static void test_pg_table_grew(void **state)
{
	(void)state;
	if (!pg_url())
		skip();
	ch_db *db = open_pg();
	assert_int_equal(ch_db_temp_table(db, "grew_x", "id bigint PRIMARY KEY, v int"), 0);
	assert_int_equal(ch_db_begin(db), 0);
	assert_int_equal(
	    ch_db_run(db, "INSERT INTO grew_x SELECT g, g FROM generate_series(1, 5000) g", NULL),
	    0);
	const char *tuples = "SELECT reltuples::bigint FROM pg_class"
	                     " WHERE oid = 'pg_temp.grew_x'::regclass";
	int64_t n = 0;
	assert_int_equal(ch_db_query_int64(db, &n, tuples, NULL), 0);
	assert_int_equal(n, -1);
	assert_int_equal(ch_db_table_grew(db, "grew_x"), 0);
	assert_int_equal(ch_db_query_int64(db, &n, tuples, NULL), 0);
	assert_int_equal(n, 5000);
	assert_int_equal(ch_db_commit(db), 0);
	ch_db_close(db);
}

static void test_pg_conninfo(void **state)
{
	(void)state;
	const char *host = getenv("PGHOST"), *port = getenv("PGPORT");
	if (!pg_url() || !host || !port || !getenv("PGDATABASE"))
		skip();
	ch_db *db = NULL;
	int64_t v = 0;
	assert_int_equal(ch_db_open(&db, "pg:", NULL), 0);
	assert_string_equal(ch_db_driver_name(db), "postgresql");
	assert_int_equal(ch_db_query_int64(db, &v, "SELECT max(version) FROM schema_version", NULL),
	                 0);
	assert_int_equal(v, ch_db_schema_latest());
	ch_db_close(db);
	char kv[1024];
	snprintf(kv, sizeof kv, "host=%s port=%s dbname=%s", host, port, getenv("PGDATABASE"));
	assert_int_equal(ch_db_open(&db, kv, NULL), 0);
	assert_string_equal(ch_db_driver_name(db), "postgresql");
	ch_db_close(db);
}

/* What every open sets and asks in its first round trips: the session's
 * settings (sent with the collation's query), and a schema with no table
 * refused as not there yet (the schema's table looked up, the list asked
 * only without it). */
static void test_pg_open_checks(void **state)
{
	(void)state;
	if (!pg_url())
		skip();
	ch_db *db = open_pg();
	char *s = NULL;
	int64_t v = 0;
	assert_int_equal(ch_db_query_text(db, &s, "SHOW TimeZone", NULL), 0);
	assert_string_equal(s, "UTC");
	free(s);
	assert_int_equal(ch_db_query_text(db, &s, "SHOW client_min_messages", NULL), 0);
	assert_string_equal(s, "warning");
	free(s);
	assert_int_equal(ch_db_query_text(db, &s, "SHOW client_encoding", NULL), 0);
	assert_string_equal(s, "UTF8");
	free(s);
	assert_int_equal(ch_db_query_int64(db, &v,
	                                   "SELECT setting::bigint FROM pg_settings"
	                                   " WHERE name = 'lock_timeout'",
	                                   NULL),
	                 0);
	assert_int_equal(v, ch_busy_wait() > 0 ? ch_busy_wait() * 1000 : 1);
	assert_int_equal(ch_db_exec_script(db, "DROP SCHEMA IF EXISTS ch_no_tables CASCADE;"
	                                       " CREATE SCHEMA ch_no_tables"),
	                 0);
	ch_db_close(db);

	/* the same database with the empty schema first in its path: refused,
	 * although schema_version is in the other schema of the path */
	char url[1200];
	const char *base = pg_url();
	snprintf(url, sizeof url, "%s%soptions=-csearch_path%%3Dch_no_tables,public", base,
	         strchr(base, '?') ? "&" : "?");
	ch_db *empty = NULL;
	assert_int_equal(ch_db_open_existing(&empty, url), CH_ENOTFOUND);
	assert_null(empty);
	assert_non_null(strstr(ch_error_message(), "还没有建立表结构"));
	ch_error_clear();

	db = open_pg();
	assert_int_equal(ch_db_exec_script(db, "DROP SCHEMA ch_no_tables"), 0);
	ch_db_close(db);
}

static void test_pg_unreachable(void **state)
{
	(void)state;
	ch_db *db = NULL;
	/* a server that is not there: named, and nothing opened */
	int rc = ch_db_open(&db, "postgresql:///nodb?host=/nonexistent&connect_timeout=2", NULL);
	assert_int_equal(rc, CH_ENOTFOUND);
	assert_null(db);
	assert_non_null(strstr(ch_error_message(), "无法连接 PostgreSQL 数据库"));
}

/* Every note a change hook heard, in order. */
struct notes {
	char seen[32][48];
	int n;
};

static void note(void *arg, enum ch_db_change op, const char *table, int64_t rowid)
{
	struct notes *t = arg;
	static const char *const ops[] = {
	    [CH_DB_INSERT] = "I", [CH_DB_UPDATE] = "U", [CH_DB_DELETE] = "D"};
	if (t->n < 32)
		snprintf(t->seen[t->n++], sizeof t->seen[0], "%s %s %lld", ops[op], table,
		         (long long)rowid);
}

/* Expects the notes heard since the last call to be WANT (a list of "OP
 * TABLE ID" joined by "; "), in any order, and forgets them. */
static void expect_notes(struct notes *t, const char *want)
{
	char got[1024] = "";
	qsort(t->seen, (size_t)t->n, sizeof t->seen[0],
	      (int (*)(const void *, const void *))strcmp);
	for (int i = 0; i < t->n; i++)
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? "; " : "",
		         t->seen[i]);
	assert_string_equal(got, want);
	t->n = 0;
}

/* The change notes (migration 0031: statement triggers with the
 * statement's transition table): each row a statement inserts, updates or
 * deletes is heard once, with its key; a row of a table that belongs to
 * another is heard as a change of that other row; a note trigger with a
 * key the function does not know refuses the write. */
static void test_pg_change_notes(void **state)
{
	(void)state;
	if (!pg_url())
		skip();
	struct notes t = {0};
	ch_db *db = open_pg();
	assert_int_equal(
	    ch_db_exec_script(db, "DROP TABLE IF EXISTS note_child, note_odd;"
	                          " CREATE TABLE note_child (plan_id bigint, v int);"
	                          " CREATE TRIGGER note_child_insert AFTER INSERT ON"
	                          " note_child REFERENCING NEW TABLE AS ch_rows FOR EACH"
	                          " STATEMENT EXECUTE FUNCTION ch_note_rows('plan',"
	                          " 'plan_id');"
	                          " CREATE TABLE note_odd (odd_id bigint);"
	                          " CREATE TRIGGER note_odd_insert AFTER INSERT ON note_odd"
	                          " REFERENCING NEW TABLE AS ch_rows FOR EACH STATEMENT"
	                          " EXECUTE FUNCTION ch_note_rows('note_odd', 'odd_id')"),
	    0);
	ch_db_set_change_hook(db, note, &t);
	assert_int_equal(ch_db_begin(db), 0);
	assert_int_equal(
	    ch_db_run(db,
	              "INSERT INTO app_user(id, name, role, created_at) SELECT 9000 + g,"
	              " 'notes' || g, 'reviewer', '2023-01-01T00:00:00Z'"
	              " FROM generate_series(1, 3) g",
	              NULL),
	    0);
	expect_notes(&t, "I app_user 9001; I app_user 9002; I app_user 9003");
	assert_int_equal(
	    ch_db_run(db, "UPDATE app_user SET disabled_at = 'x' WHERE id IN (9001, 9003)", NULL),
	    0);
	expect_notes(&t, "U app_user 9001; U app_user 9003");
	assert_int_equal(ch_db_run(db, "UPDATE app_user SET disabled_at = 'y' WHERE id = -1", NULL),
	                 0);
	expect_notes(&t, "");
	assert_int_equal(ch_db_run(db, "DELETE FROM app_user WHERE id = 9002", NULL), 0);
	expect_notes(&t, "D app_user 9002");
	assert_int_equal(
	    ch_db_run(db, "INSERT INTO note_child VALUES (7, 1), (8, 2), (7, 3)", NULL), 0);
	expect_notes(&t, "U plan 7; U plan 7; U plan 8");
	assert_int_equal(ch_db_commit(db), 0);
	assert_int_equal(ch_db_begin(db), 0);
	assert_int_not_equal(ch_db_run(db, "INSERT INTO note_odd VALUES (1)", NULL), 0);
	assert_non_null(strstr(ch_error_message(), "no note for the key odd_id"));
	ch_db_rollback(db);
	ch_db_set_change_hook(db, NULL, NULL);
	assert_int_equal(ch_db_exec_script(db, "DROP TABLE note_child, note_odd;"
	                                       " DELETE FROM app_user WHERE id > 9000"),
	                 0);
	ch_db_close(db);
}

/* ch_json_min (migrations 0011 and 0030) gives SQLite's compact form of
 * PostgreSQL's JSON: the blank after each separator goes, and every blank
 * inside a string stays. Each case beside the text SQLite's json_array
 * writes for it, then random arrays of strings made of commas, blanks,
 * quotes and backslashes against the regular expression of 0011. */
static void test_pg_json_min(void **state)
{
	(void)state;
	if (!pg_url())
		skip();
	ch_db *db = open_pg();
	static const char *const cases[][2] = {
	    {"json_build_array(1, 'a, b', NULL, 2.5)", "[1,\"a, b\",null,2.5]"},
	    {"json_build_array()", "[]"},
	    {"json_build_array('x')", "[\"x\"]"},
	    {"json_build_array(1, json_build_array(2, 3), 'q')", "[1,[2,3],\"q\"]"},
	    {"json_build_array('say \"hi\", ok', E'back\\\\, x', 3)",
	     "[\"say \\\"hi\\\", ok\",\"back\\\\, x\",3]"},
	    {"json_build_array('中文, 逗号', '，全角', 4)", "[\"中文, 逗号\",\"，全角\",4]"},
	    {"json_build_array(', ', ',', ' ,', '')", "[\", \",\",\",\" ,\",\"\"]"},
	    {"json_build_array(1, (SELECT json_agg(json_build_array(a, b)) FROM"
	     " (VALUES (1, 'p, q'), (2, 'r')) t(a, b)))",
	     "[1,[[1,\"p, q\"],[2,\"r\"]]]"},
	    {"json_build_array(1, (SELECT json_agg(a) FROM (VALUES (1), (2)) t(a)))", "[1,[1,2]]"},
	    {"json_build_array(true, 'x', false)", "[true,\"x\",false]"},
	    {"'\"a, b\"'::json", "\"a, b\""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char sql[512], *got = NULL;
		snprintf(sql, sizeof sql, "SELECT ch_json_min(%s)", cases[i][0]);
		if (ch_db_query_text(db, &got, sql, NULL) != 0)
			fail_msg("%s: %s", sql, ch_error_message());
		if (!got || strcmp(got, cases[i][1]) != 0)
			fail_msg("%s gave %s, SQLite's json_array %s", cases[i][0],
			         got ? got : "NULL", cases[i][1]);
		free(got);
	}
	int64_t differ = -1;
	assert_int_equal(
	    ch_db_query_int64(
	        db, &differ,
	        "SELECT count(*) FROM (SELECT (SELECT json_agg(s) FROM (SELECT string_agg("
	        "substr(', \"\\x', 1 + (random() * 5)::int % 5, 1), '') AS s FROM"
	        " generate_series(1, 1 + g % 7) c GROUP BY c % (1 + g % 3)) p) AS j"
	        " FROM generate_series(1, 3000) g) a WHERE j IS NOT NULL AND ch_json_min(j)"
	        " IS DISTINCT FROM regexp_replace(j::text, '(\"(?:[^\"\\\\]|\\\\.)*\")|(,) ',"
	        " '\\1\\2', 'g')",
	        NULL),
	    0);
	assert_int_equal(differ, 0);
	ch_db_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_migration_numbers),
	    cmocka_unit_test(test_pg_unreachable),
	    cmocka_unit_test(test_pg_driver),
	    cmocka_unit_test(test_pg_conninfo),
	    cmocka_unit_test(test_pg_open_checks),
	    cmocka_unit_test(test_pg_pipeline),
	    cmocka_unit_test(test_pg_load),
	    cmocka_unit_test(test_pg_change_table),
	    cmocka_unit_test(test_pg_table_grew),
	    cmocka_unit_test(test_pg_change_notes),
	    cmocka_unit_test(test_pg_json_min),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
