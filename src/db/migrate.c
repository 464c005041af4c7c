/*
 * migrate — bring a database's schema up to the version this binary needs.
 *
 * Migrations are the files src/db/sql/NNNN_name.sql, compiled into the
 * binary (tools/embed.c) in name order. The table schema_version records
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

#define SQL_DIR "src/db/sql/"

/* The number at the start of a migration's file name, or -1. */
static long migration_version(const char *path)
{
	const char *base = path + strlen(SQL_DIR);
	char *end;
	long v = strtol(base, &end, 10);
	return end != base && *end == '_' ? v : -1;
}

int64_t ch_db_schema_latest(void)
{
	int64_t latest = 0;
	for (const struct ch_embedded_file *f = ch_embedded; f->path; f++)
		if (strncmp(f->path, SQL_DIR, strlen(SQL_DIR)) == 0 &&
		    migration_version(f->path) > latest)
			latest = migration_version(f->path);
	return latest;
}

int ch_db_migrate(ch_db *db, int *created)
{
	int64_t current = 0, latest = 0;
	int rc = ch_db_exec_script(db, "CREATE TABLE IF NOT EXISTS schema_version ("
	                               " version INTEGER PRIMARY KEY,"
	                               " applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)");
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
		if (strncmp(f->path, SQL_DIR, strlen(SQL_DIR)) != 0)
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
