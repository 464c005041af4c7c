/*
 * migrate — bring a database's schema up to the version this binary needs.
 *
 * Migrations are the files src/db/sql/NNNN_name.sql (SQLite) and
 * src/db/sql/pg/NNNN_name.sql (PostgreSQL), compiled into the binary
 * (tools/embed.c) in name order: one numbered history written once per
 * dialect, and the driver's dialect picks the set. A set that lacks a number
 * the other has is refused when a database of its dialect is opened, naming
 * the missing migration, rather than skipped: a schema must never be
 * half the other's. The table schema_version records
 * which have run; each pending one runs in its own transaction together with
 * its schema_version row, so a failed migration leaves the database as it
 * was. A database newer than the binary (a version we do not know) is
 * refused rather than guessed at.
 */
#include <stdlib.h>
#include <string.h>

#include "db/db_int.h"
#include "util/embedded.h"
#include "util/error.h"

#define SQL_DIR    "src/db/sql/"
#define PG_SQL_DIR "src/db/sql/pg/"

const char *ch_db_migration_dir(const char *dialect)
{
	return strcmp(dialect, "pg") == 0 ? PG_SQL_DIR : SQL_DIR;
}

/* Is PATH a migration file of the folder DIR (not of a folder below it)? */
static int in_dir(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && strchr(path + n, '/') == NULL;
}

/* The number at the start of a migration's file name, or -1. */
static long migration_version(const char *path)
{
	const char *base = strrchr(path, '/') + 1;
	char *end;
	long v = strtol(base, &end, 10);
	return end != base && *end == '_' ? v : -1;
}

/* The first migration of folder OTHER whose number folder DIR lacks, or NULL. */
static const char *missing_in(const char *dir, const char *other)
{
	for (const struct ch_embedded_file *o = ch_embedded; o->path; o++) {
		if (!in_dir(o->path, other))
			continue;
		int found = 0;
		for (const struct ch_embedded_file *f = ch_embedded; f->path && !found; f++)
			found = in_dir(f->path, dir) &&
			        migration_version(f->path) == migration_version(o->path);
		if (!found)
			return o->path;
	}
	return NULL;
}

int64_t ch_db_schema_latest(void)
{
	int64_t latest = 0;
	for (const struct ch_embedded_file *f = ch_embedded; f->path; f++)
		if (in_dir(f->path, SQL_DIR) && migration_version(f->path) > latest)
			latest = migration_version(f->path);
	return latest;
}

int ch_db_migrate(ch_db *db, int versioned, int *created)
{
	int64_t current = 0, latest = 0;
	const char *dir = ch_db_migration_dir(db->drv->dialect);
	const char *other = strcmp(dir, SQL_DIR) == 0 ? PG_SQL_DIR : SQL_DIR;
	const char *lack = missing_in(dir, other);
	if (lack)
		return ch_error_set(
		    CH_ERROR,
		    "本程序缺少 %s 数据库的第 %ld 号表结构迁移（另一种数据库有 %s），"
		    "不能打开这种数据库；请使用补齐了该迁移的 cleanheat",
		    db->drv->name, migration_version(lack), lack);
	/* made only when missing: on PostgreSQL even an IF NOT EXISTS that
	 * finds the table is a statement the server runs on every open */
	int rc = versioned ? 0
	                   : ch_db_exec_script(db, "CREATE TABLE IF NOT EXISTS schema_version ("
	                                           " version INTEGER PRIMARY KEY,"
	                                           " applied_at TEXT NOT NULL DEFAULT "
	                                           "CURRENT_TIMESTAMP)");
	if (rc)
		return rc;
	rc = ch_db_query_int64(db, &current, "SELECT max(version) FROM schema_version", NULL);
	if (rc == CH_ENOTFOUND)
		current = 0;
	else if (rc)
		return rc;
	if (created)
		*created = current == 0;

	for (const struct ch_embedded_file *f = ch_embedded; f->path; f++) {
		if (!in_dir(f->path, dir))
			continue;
		long v = migration_version(f->path);
		if (v < 0)
			return ch_error_set(CH_ERROR, "migration %s has no number", f->path);
		if (v > latest)
			latest = v;
		if (v <= current)
			continue;
		if ((rc = ch_db_begin(db)) != 0)
			return rc;
		rc = ch_db_exec_script(db, f->data);
		if (rc == 0)
			rc = ch_db_run(db, "INSERT INTO schema_version(version) VALUES (?)", "i",
			               (int64_t)v);
		if (rc == 0)
			rc = ch_db_commit(db);
		else
			ch_db_rollback(db);
		if (rc)
			return ch_error_prefix("migration %s: ", f->path);
	}
	if (current > latest)
		return ch_error_set(CH_ECONFLICT,
		                    "the database has schema version %lld, newer than this "
		                    "cleanheat knows (%lld); use a newer cleanheat",
		                    (long long)current, (long long)latest);
	return 0;
}
