/*
 * testdb — a fresh database for the unit tests that need one: opened as the
 * bootstrap prefecture_admin "root" with the reference data loaded, and, for
 * tests that register households, a small approved plan. On SQLite a file
 * in the test's temporary directory, on PostgreSQL (CLEANHEAT_TEST_PG, see
 * testutil.h) a new database of the pass's server.
 *
 * For the plan, each test describes its rows (county and the four target cells as the
 * printed table would hold them); test_import_plan builds the table the plan
 * reader would, checks it and imports it as the 2023 plan, failing the test
 * on any finding or error.
 */
#ifndef CH_TESTDB_H
#define CH_TESTDB_H

#include "testutil.h"

#include "core/ctx.h"
#include "core/plan.h"
#include "util/error.h"

/* The name of the PostgreSQL database URL names (into OUT, N bytes). */
static inline const char *test_pg_dbname(const char *url, char *out, size_t n)
{
	const char *db = strchr(strstr(url, "://") + 3, '/') + 1;
	snprintf(out, n, "%.*s", (int)strcspn(db, "?"), db);
	return out;
}

/* The URL of the database NAME of the pass's PostgreSQL server, and NAME
 * noted in DIR/.pgdb for test_rmdir to drop. */
static inline void test_pg_url_of(const char *dir, const char *name, char *url, size_t n)
{
	const char *pg = test_pg_url(), *db = strchr(strstr(pg, "://") + 3, '/') + 1;
	snprintf(url, n, "%.*s%s%s", (int)(db - pg), pg, name, db + strcspn(db, "?"));
	char path[600];
	snprintf(path, sizeof path, "%s/.pgdb", dir);
	FILE *f = fopen(path, "a");
	assert_non_null(f);
	fprintf(f, "%s\n", name);
	assert_int_equal(fclose(f), 0);
}

/* The URL of a new empty database NAME for a test whose files are in DIR
 * (made by test_tmpdir; test_rmdir removes both): on SQLite the file
 * DIR/NAME, on PostgreSQL (CLEANHEAT_TEST_PG) a new database of that
 * server, named after the pass's one with a number added. With TEMPLATE
 * (PostgreSQL only) the new database is a copy of TEMPLATE's. -1 after
 * saying why on stderr. */
static inline int test_db_new(const char *dir, const char *name, const char *template, char *url,
                              size_t n)
{
	static int count;
	const char *pg = test_pg_url();
	char newdb[64], sql[256];
	if (!pg) {
		snprintf(url, n, "sqlite:%s/%s", dir, name);
		return 0;
	}
	test_pg_dbname(pg, newdb, 50);
	snprintf(newdb + strlen(newdb), sizeof newdb - strlen(newdb), "_%d", ++count);
	/* FILE_COPY: a copy of the files takes the server less time than
	 * writing each page to its log (WAL_LOG) */
	snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE %s STRATEGY FILE_COPY", newdb,
	         template ? template : "template0");
	if (test_pg_admin(pg, sql) != 0)
		return -1;
	test_pg_url_of(dir, newdb, url, n);
	return 0;
}

/* Copies the database at FROM (a URL test_db_new or test_db_open gave,
 * not open anywhere) to NAME in DIR and puts its URL in URL: on SQLite the
 * file, on PostgreSQL a database made from FROM's, the same one for the
 * same NAME (an older copy is dropped first). */
static inline void test_db_copy(const char *dir, const char *from, const char *name, char *url,
                                size_t n)
{
	char sql[256], fromdb[64], db[64];
	const char *pg = test_pg_url();
	if (!pg) {
		const char *fmt = "cp '%s' '%s/%s' && rm -f '%s/%s-wal' '%s/%s-shm'";
		const char *path = from + strlen("sqlite:");
		size_t len =
		    (size_t)snprintf(NULL, 0, fmt, path, dir, name, dir, name, dir, name) + 1;
		char *cp = malloc(len);
		assert_non_null(cp);
		snprintf(cp, len, fmt, path, dir, name, dir, name, dir, name);
		assert_int_equal(system(cp), 0);
		free(cp);
		snprintf(url, n, "sqlite:%s/%s", dir, name);
		return;
	}
	/* the pass's name, "_" and NAME's letters and digits up to its dot */
	test_pg_dbname(pg, db, 40);
	size_t len = strlen(db);
	db[len++] = '_';
	for (const char *c = name; *c && *c != '.' && len < 60; c++)
		db[len++] = (char)((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ? *c : '_');
	db[len] = '\0';
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", db);
	assert_int_equal(test_pg_admin(pg, sql), 0);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s TEMPLATE %s STRATEGY FILE_COPY", db,
	         test_pg_dbname(from, fromdb, sizeof fromdb));
	assert_int_equal(test_pg_admin(pg, sql), 0);
	test_pg_url_of(dir, db, url, n);
}

/* Same as test_db_new without a template. */
static inline int test_db_url(const char *dir, const char *name, char *url, size_t n)
{
	return test_db_new(dir, name, NULL, url, n);
}

/* Opens a new database NAME in DIR (test_db_new) as root (URL receives its
 * address), which loads the reference data; -1 after saying why on
 * stderr. On PostgreSQL the pass's database is opened so once, the first
 * time, and each test's database is a copy of it (a copy is quicker than
 * migrating and loading each one). */
static inline int test_db_open(const char *dir, const char *name, char *url, size_t n, ch_ctx **ctx)
{
	static int template_ready;
	const char *pg = test_pg_url(), *template = NULL;
	char tname[64];
	if (pg) {
		if (!template_ready) {
			if (ch_ctx_open(ctx, pg, "root", "root") != 0) {
				fprintf(stderr, "ch_ctx_open %s: %s\n", pg, ch_error_message());
				return -1;
			}
			ch_ctx_free(*ctx);
			*ctx = NULL;
			template_ready = 1;
		}
		template = test_pg_dbname(pg, tname, sizeof tname);
	}
	if (test_db_new(dir, name, template, url, n) != 0)
		return -1;
	if (ch_ctx_open(ctx, url, "root", "root") != 0) {
		fprintf(stderr, "ch_ctx_open: %s\n", ch_error_message());
		return -1;
	}
	return 0;
}

typedef struct {
	const char *county, *total, *new_, *continuing, *energy_saving;
} test_plan_row;

static inline void test_import_plan(ch_ctx *ctx, const char *title, const test_plan_row *rows,
                                    size_t n)
{
	ch_plan_table t;
	ch_plan_check c;
	ch_plan_table_init(&t);
	t.title = strdup(title);
	t.source = strdup("unit");
	t.label[CH_PCOL_TOTAL] = strdup("合计");
	t.label[CH_PCOL_NEW] = strdup("新建");
	t.label[CH_PCOL_CONTINUING] = strdup("续建");
	t.label[CH_PCOL_ES] = strdup("建筑节能改造户数");
	for (size_t i = 0; i < n; i++) {
		ch_plan_row *r = ch_plan_table_add_row(&t);
		r->line = 4 + (int)i;
		r->county = strdup(rows[i].county);
		ch_plan_cell_set(&r->cell[CH_PCOL_TOTAL], rows[i].total);
		ch_plan_cell_set(&r->cell[CH_PCOL_NEW], rows[i].new_);
		ch_plan_cell_set(&r->cell[CH_PCOL_CONTINUING], rows[i].continuing);
		ch_plan_cell_set(&r->cell[CH_PCOL_ES], rows[i].energy_saving);
	}
	assert_int_equal(ch_plan_check_table(ctx, &t, &c), 0);
	assert_int_equal(c.nfindings, 0);
	ch_plan_import_opts o = {.year = 2023};
	enum ch_plan_outcome out;
	int version = 0;
	if (ch_plan_import(ctx, &t, &c, &o, &out, &version) != 0)
		fail_msg("ch_plan_import: %s", ch_error_message());
	ch_plan_check_dispose(&c);
	ch_plan_table_dispose(&t);
}

#endif
