/*
 * testutil — what every cmocka unit test includes.
 *
 * cmocka needs <stdarg.h>, <stddef.h>, <stdint.h> and <setjmp.h> before its
 * own header; this file keeps that order in one place and adds helpers
 * shared by the unit tests.
 *
 * The database the tests use: SQLite files in a temporary directory by
 * default. With CLEANHEAT_TEST_PG set to the URL of an empty PostgreSQL
 * database (tests/run.sh gives each unit binary a fresh one in its
 * PostgreSQL pass), the tests that open databases through testdb.h use
 * PostgreSQL databases of that server instead, one per test (see there),
 * and a binary that cannot run there says so (test_sqlite_only).
 */
#ifndef CH_TESTUTIL_H
#define CH_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The threads of this process (Linux: the entries of /proc/self/task),
 * for a test that must know a second thread ran and ended. */
static inline int test_thread_count(void)
{
	DIR *d = opendir("/proc/self/task");
	int n = 0;
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* A fresh temporary directory path for a test database; the caller frees
 * the string and removes the directory. */
static inline char *test_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char tmpl[512];
	snprintf(tmpl, sizeof tmpl, "%s/cleanheat-unit-XXXXXX", base && *base ? base : "/tmp");
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return strdup(d);
}

/* A TMPDIR where no temporary file can be made (util/file.c, ch_tmpfile):
 * for the paths that keep data in memory when they cannot spill it. */
#define TEST_TMPDIR_NOWHERE "/nonexistent/cleanheat-test"

/* TMPDIR as the test found it (NULL: not set), for test_tmpdir_restore. */
static inline char *test_tmpdir_save(void)
{
	const char *t = getenv("TMPDIR");
	return t ? strdup(t) : NULL;
}

/* Sets TMPDIR back as test_tmpdir_save found it, and frees SAVED. */
static inline void test_tmpdir_restore(char *saved)
{
	if (saved)
		setenv("TMPDIR", saved, 1);
	else
		unsetenv("TMPDIR");
	free(saved);
}

/* The URL of the PostgreSQL database the tests run against
 * (CLEANHEAT_TEST_PG), NULL on SQLite. */
static inline const char *test_pg_url(void)
{
	const char *u = getenv("CLEANHEAT_TEST_PG");
	return u && *u ? u : NULL;
}

/* At the start of main of a binary that runs on SQLite only: against
 * PostgreSQL it prints "# SKIP sqlite-only: REASON" (tests/run.sh reports
 * the binary skipped with what follows "# SKIP ") and exits 0. */
static inline void test_sqlite_only(const char *reason)
{
	if (!test_pg_url())
		return;
	printf("# SKIP sqlite-only: %s\n", reason);
	exit(0);
}

/* In a case that runs on SQLite only: against PostgreSQL it prints
 * "# case skipped: NAME: REASON" (tests/run.sh shows it) and skips the
 * case (cmocka's skip, which returns from the case). */
#define test_skip_unless_sqlite(name, reason)                                                      \
	do {                                                                                       \
		if (test_pg_url()) {                                                               \
			printf("# case skipped: %s: %s\n", name, reason);                          \
			skip();                                                                    \
		}                                                                                  \
	} while (0)

/* The same for a binary that opens no database: the SQLite pass runs it,
 * the PostgreSQL one would only run it again. */
static inline void test_no_database(void)
{
	if (!test_pg_url())
		return;
	printf("# SKIP opens no database (the SQLite pass runs it)\n");
	exit(0);
}

/* Runs the SQL statement SQL (without double quotes, dollars, backquotes
 * or backslashes: names in it are plain) in the maintenance database
 * "postgres" of the server at URL (a postgresql:// URL naming some
 * database of it), by psql; 0 when it succeeded, else -1 after saying why
 * on stderr. */
static inline int test_pg_admin(const char *url, const char *sql)
{
	char conn[1024];
	const char *path = strstr(url, "://");
	path = path ? strchr(path + 3, '/') : NULL;
	if (!path) {
		fprintf(stderr, "not a postgresql:// URL with a database: %s\n", url);
		return -1;
	}
	const char *rest = path + strcspn(path, "?");
	snprintf(conn, sizeof conn, "%.*s/postgres%s", (int)(path - url), url, rest);
	const char *fmt = "PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1"
	                  " -d '%s' -c \"%s\" >/dev/null";
	size_t n = (size_t)snprintf(NULL, 0, fmt, conn, sql) + 1;
	char *cmd = malloc(n);
	assert_non_null(cmd);
	snprintf(cmd, n, fmt, conn, sql);
	int rc = system(cmd) == 0 ? 0 : -1;
	if (rc)
		fprintf(stderr, "psql: %s: failed\n", sql);
	free(cmd);
	return rc;
}

/* Removes DIR and what is in it (test databases only): on PostgreSQL also
 * the databases testdb.h made for it (their names are in DIR/.pgdb). */
static inline void test_rmdir(char *dir)
{
	char cmd[600];
	if (test_pg_url()) {
		snprintf(cmd, sizeof cmd, "%s/.pgdb", dir);
		FILE *f = fopen(cmd, "r");
		char name[128], sql[256];
		while (f && fgets(name, sizeof name, f)) {
			name[strcspn(name, "\n")] = '\0';
			snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
			test_pg_admin(test_pg_url(), sql);
		}
		if (f)
			fclose(f);
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	free(dir);
}

#endif
