/*
 * backup — whole-database copies (see backup.h): the checks around the
 * driver's copy, the names of the files involved, and the audit entries.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/audit.h"
#include "core/backup.h"
#include "core/ctx_int.h"
#include "core/store.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

/* Removes PATH and SQLite's -wal and -shm files beside it. */
static void remove_copy(const char *path)
{
	ch_buf b;
	ch_buf_init(&b);
	unlink(path);
	ch_buf_printf(&b, "%s-wal", path);
	unlink(b.ptr);
	ch_buf_clear(&b);
	ch_buf_printf(&b, "%s-shm", path);
	unlink(b.ptr);
	ch_buf_dispose(&b);
}

/* Checks the database file PATH (one of our own copies, which may be
 * migrated): integrity, a schema version this program knows, the audit
 * chain. SHOWN is the name to use in messages (the user's file). */
static int verify_copy(const char *path, const char *shown, ch_backup_report *rep)
{
	ch_store *store = NULL;
	ch_audit_report arep;
	ch_buf url;
	int64_t version = 0;
	int rc = ch_db_check_file(path, &version);
	if (rc)
		return rc;
	if (version > ch_db_schema_latest())
		return ch_error_set(CH_ECONFLICT,
		                    "「%s」的表结构版本为 %lld，比本程序的 %lld 新：请用新版本的 "
		                    "cleanheat",
		                    shown, (long long)version, (long long)ch_db_schema_latest());
	rep->schema_version = version;
	ch_buf_init(&url);
	ch_buf_printf(&url, "sqlite:%s", path);
	rc = ch_store_open_existing(&store, url.ptr);
	ch_buf_dispose(&url);
	if (rc)
		return ch_error_prefix("「%s」：", shown);
	ch_ctx sys;
	ch_ctx_init_system(&sys, store);
	memset(&arep, 0, sizeof arep);
	rc = ch_audit_verify(&sys, &arep);
	if (rc == CH_EINVALID)
		rc = ch_error_set(CH_EINVALID, "「%s」的审计日志校验失败：第 %lld 条记录（%s）",
		                  shown, (long long)arep.bad_seq, arep.problem);
	else if (rc)
		ch_error_prefix("「%s」：", shown);
	rep->audit_entries = arep.entries;
	ch_store_free(store);
	return rc;
}

/* Appends one audit entry ACTION about the database, with AFTER's fields,
 * in a transaction of its own. Takes AFTER. */
static int audit_database(ch_ctx *ctx, const char *action, json_t *after)
{
	char *text = json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = ch_ctx_begin(ctx);
	if (rc == 0)
		rc = ch_ctx_end(ctx, ch_audit_append(ctx, action, "database", NULL, text));
	free(text);
	json_decref(after);
	return rc;
}

/* The database's own file, or CH_EINVALID for one that is not a file. */
static int database_file(ch_ctx *ctx, const char **file)
{
	*file = ch_db_file(ctx->db);
	if (!**file)
		return ch_error_set(CH_EINVALID,
		                    "数据库不在文件中（内存数据库），无法备份或恢复；PostgreSQL "
		                    "请用 pg_dump 和 pg_restore");
	return 0;
}

int ch_backup_write(ch_ctx *ctx, const char *path, ch_backup_report *rep)
{
	ch_buf tmp;
	struct stat sb;
	const char *file;
	memset(rep, 0, sizeof *rep);
	int rc = ch_ctx_require(ctx, CH_PERM_USER_ADMIN, 0);
	if (rc == 0)
		rc = ch_ctx_require(ctx, CH_PERM_REVEAL, 0);
	if (rc == 0)
		rc = database_file(ctx, &file);
	if (rc)
		return rc;
	if (stat(path, &sb) == 0)
		return ch_error_set(CH_EEXISTS,
		                    "文件「%s」已存在：备份不覆盖已有文件，请换一个文件名", path);
	/* recorded first, so that the copy itself says who made it */
	if ((rc = audit_database(ctx, "db.backup", json_pack("{s:s}", "file", path))) != 0)
		return rc;
	/* written under a temporary name and named only when it verifies */
	ch_buf_init(&tmp);
	ch_buf_printf(&tmp, "%s.partial-%ld", path, (long)getpid());
	remove_copy(tmp.ptr);
	rc = ch_db_backup(ctx->db, tmp.ptr);
	if (rc == 0)
		rc = verify_copy(tmp.ptr, path, rep);
	if (rc == 0 && link(tmp.ptr, path) != 0)
		rc = ch_error_set(errno == EEXIST ? CH_EEXISTS : CH_ERROR,
		                  "无法把备份命名为「%s」：%s", path, strerror(errno));
	remove_copy(tmp.ptr);
	ch_buf_dispose(&tmp);
	return rc;
}

int ch_backup_restore(ch_ctx *ctx, const char *path, ch_backup_report *rep)
{
	char stamp[32];
	ch_buf stage, stage_url;
	const char *file;
	ch_db *sdb = NULL;
	int64_t version;
	memset(rep, 0, sizeof *rep);
	int rc = ch_ctx_require(ctx, CH_PERM_USER_ADMIN, 0);
	if (rc == 0)
		rc = database_file(ctx, &file);
	/* a quick look at the file itself before anything is copied */
	if (rc == 0)
		rc = ch_db_check_file(path, &version);
	if (rc)
		return rc;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);

	/* a private copy to check (migrating it if it is older): the user's
	 * file is only read */
	ch_buf_init(&stage);
	ch_buf_init(&stage_url);
	ch_buf_printf(&stage, "%s.restore-%ld", file, (long)getpid());
	ch_buf_printf(&stage_url, "sqlite:%s", stage.ptr);
	remove_copy(stage.ptr);
	rc = ch_db_open(&sdb, stage_url.ptr, NULL);
	if (rc == 0)
		rc = ch_db_restore(sdb, path);
	ch_db_close(sdb);
	if (rc == 0)
		rc = verify_copy(stage.ptr, path, rep);

	/* the database being replaced is kept beside it */
	if (rc == 0 && (size_t)snprintf(rep->kept, sizeof rep->kept, "%s.before-restore-%s", file,
	                                stamp) >= sizeof rep->kept)
		rc = ch_error_set(CH_EINVALID, "数据库文件的路径太长：%s", file);
	if (rc == 0)
		rc = ch_db_backup(ctx->db, rep->kept);
	if (rc == 0 && (rc = ch_db_restore(ctx->db, stage.ptr)) != 0)
		ch_error_prefix("数据库未改变（原数据库的副本在「%s」）：", rep->kept);
	remove_copy(stage.ptr);
	ch_buf_dispose(&stage);
	ch_buf_dispose(&stage_url);
	if (rc == 0)
		rc = audit_database(ctx, "db.restore",
		                    json_pack("{s:s, s:s, s:I}", "file", path, "kept", rep->kept,
		                              "audit_entries", (json_int_t)rep->audit_entries));
	return rc;
}
