/*
 * test_db_load — the bulk load of the storage layer (ch_db_load_*) on
 * SQLite: values with NULLs, tabs, newlines, backslashes and Chinese text
 * come back unchanged, many rows with other statements in between, a
 * refused row named in the error with the transaction going on, and a
 * load rolled back with its transaction leaving nothing, and the scratch
 * tables (ch_db_scratch_*) attached and detached. The same cases
 * run on PostgreSQL in test_db_pg (load_cases.h).
 */
#include "load_cases.h"

static ch_db *open_lite(char **dir)
{
	char url[600];
	ch_db *db = NULL;
	*dir = test_tmpdir();
	snprintf(url, sizeof url, "sqlite:%s/load.db", *dir);
	if (ch_db_open(&db, url, NULL) != 0)
		fail_msg("open %s: %s", url, ch_error_message());
	return db;
}

static void run_case(void (*fn)(ch_db *))
{
	char *dir = NULL;
	ch_db *db = open_lite(&dir);
	fn(db);
	ch_db_close(db);
	test_rmdir(dir);
}

static void test_load_values(void **state)
{
	(void)state;
	run_case(load_case_values);
}

static void test_load_many(void **state)
{
	(void)state;
	run_case(load_case_many);
}

static void test_load_error(void **state)
{
	(void)state;
	run_case(load_case_error);
}

static void test_load_refused_among_many(void **state)
{
	(void)state;
	run_case(load_case_refused_among_many);
}

static void test_load_temp(void **state)
{
	(void)state;
	run_case(load_case_temp);
}

static int scratch_attached(ch_db *db)
{
	int64_t n = -1;
	assert_int_equal(ch_db_query_int64(db, &n,
	                                   "SELECT count(*) FROM pragma_database_list"
	                                   " WHERE name = 'scratch'",
	                                   NULL),
	                 0);
	return (int)n;
}

static void test_load_scratch(void **state)
{
	(void)state;
	run_case(load_case_scratch);
	/* SQLite: the scratch tables' file is attached while they are in use
	 * and detached (deleted whole) by a clear outside a transaction; one
	 * inside a transaction leaves it attached, emptied */
	static const char *const name[] = {"load_scr"};
	char *dir = NULL;
	ch_db *db = open_lite(&dir);
	assert_int_equal(scratch_attached(db), 0);
	assert_int_equal(ch_db_scratch_table(db, "load_scr", "line INTEGER PRIMARY KEY"), 0);
	assert_int_equal(scratch_attached(db), 1);
	assert_int_equal(ch_db_begin(db), 0);
	assert_int_equal(ch_db_scratch_clear(db, name, 1), 0);
	assert_int_equal(scratch_attached(db), 1);
	assert_int_equal(ch_db_commit(db), 0);
	assert_int_equal(ch_db_scratch_clear(db, name, 1), 0);
	assert_int_equal(scratch_attached(db), 0);
	assert_true(ch_db_run(db, "INSERT INTO load_scr(line) VALUES (1)", NULL) != 0);
	ch_error_clear();
	ch_db_close(db);
	test_rmdir(dir);
}

int main(void)
{
	test_sqlite_only(
	    "the bulk load on SQLite (the same cases run on PostgreSQL in test_db_pg)");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_load_values),  cmocka_unit_test(test_load_many),
	    cmocka_unit_test(test_load_error),   cmocka_unit_test(test_load_temp),
	    cmocka_unit_test(test_load_scratch), cmocka_unit_test(test_load_refused_among_many),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
