/*
 * op_db — the database itself: `db init` creates (or brings up to date) the
 * schema of the database --db names, with the compiled-in reference data,
 * and makes the operating-system user its first prefecture_admin when the
 * database is new.
 *
 * The work is done by opening the store (the CLI opens a creating store
 * for every operation marked CH_OP_WRITES, and only for those): a command
 * that only reads refuses a database that does not exist, so that a
 * mistyped --db leaves nothing behind. `db init` is the way to make an
 * empty database on purpose. Local to the command line: a server has its
 * database already.
 *
 * `db backup FILE` and `db restore FILE` copy the whole database to a file
 * and back (core/backup.h does the checks); local to the command line too:
 * the files are on the machine the database is on.
 *
 * `db copy --from URL --to URL` copies the whole database (--from, else
 * --db) into another, empty one, whatever their drivers: an office that
 * started on SQLite moves to a PostgreSQL server with its history
 * (core/dbcopy.h). With --from, --db need not exist (CH_OP_REFERENCE: the
 * command line then runs it over a scratch database), and the actor must be
 * a user administrator in the source.
 */
#include "app/app.h"
#include "core/backup.h"
#include "core/dbcopy.h"

static int db_init(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	(void)a;
	/* the store is open already; what is left is who may ask for it */
	int rc = ch_ctx_require_role(ctx, CH_PERM_USER_ADMIN);
	if (rc)
		return rc;
	ch_result_printf(res, "数据库已就绪：表结构为本程序的最新版本，参考数据已载入\n");
	return 0;
}

static int db_backup(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_backup_report rep;
	const char *path = ch_args_str(a, "file");
	int rc = ch_backup_write(ctx, path, &rep);
	if (rc)
		return rc;
	ch_result_printf(res,
	                 "已备份到「%s」（仅所有者可读写）：完整性检查通过，审计日志 %lld "
	                 "条记录的哈希链校验通过\n",
	                 path, (long long)rep.audit_entries);
	ch_result_count(res, "audit_entries", rep.audit_entries);
	ch_result_count(res, "schema_version", rep.schema_version);
	return 0;
}

static int db_restore(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_backup_report rep;
	const char *path = ch_args_str(a, "file");
	int rc = ch_backup_restore(ctx, path, &rep);
	if (rc)
		return rc;
	ch_result_printf(
	    res,
	    "已用「%s」恢复数据库：完整性检查通过，审计日志 %lld 条记录的哈希链校验通过\n"
	    "被替换的数据库已另存为「%s」，确认恢复无误后可删除\n",
	    path, (long long)rep.audit_entries, rep.kept);
	ch_result_count(res, "audit_entries", rep.audit_entries);
	return 0;
}

static int db_copy(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_dbcopy_report rep;
	const char *to = ch_args_str(a, "to");
	int rc = ch_dbcopy(ctx, ch_args_str(a, "from"), to, &rep);
	if (rc)
		return rc;
	ch_result_printf(res,
	                 "已复制到「%s」：%lld 张表共 %lld 行；目标数据库中审计日志 %lld 条记录的"
	                 "哈希链校验通过，%lld 笔资金转账校验通过\n",
	                 to, (long long)rep.tables, (long long)rep.rows,
	                 (long long)rep.audit_entries, (long long)rep.transfers);
	ch_result_count(res, "tables", rep.tables);
	ch_result_count(res, "rows", rep.rows);
	ch_result_count(res, "audit_entries", rep.audit_entries);
	ch_result_count(res, "transfers", rep.transfers);
	return 0;
}

static const struct ch_param init_params[] = {
    {0},
};

static const struct ch_param backup_params[] = {
    {"file", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "FILE", NULL, 0, 0,
     "备份文件（新文件，不覆盖已有文件）"},
    {0},
};

static const struct ch_param restore_params[] = {
    {"file", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "FILE", NULL, 0, 0,
     "由 db backup 写出的备份文件"},
    {0},
};

static const struct ch_param copy_params[] = {
    {"from", CH_PT_STRING, 0, "URL", NULL, 0, 0,
     "要复制的数据库（如 sqlite:昌吉州.db；不给时为 --db 所指的数据库）"},
    {"to", CH_PT_STRING, CH_PF_REQUIRED, "URL", NULL, 0, 0,
     "目标数据库（新建的空数据库，如 postgresql://用户@主机/库名）"},
    {0},
};

const struct ch_op ch_ops_db[] = {
    {"db", "init", "创建数据库（或把表结构升级到当前版本）", CH_PERM_USER_ADMIN,
     CH_OP_WRITES | CH_OP_LOCAL, CH_RF_TEXT, init_params, db_init},
    {"db", "backup",
     "把整个数据库在线备份到一个新文件（其他人可继续读写），并校验备份的完整性和审计日志",
     CH_PERM_USER_ADMIN, CH_OP_LOCAL, CH_RF_TEXT, backup_params, db_backup},
    {"db", "restore",
     "用备份文件替换数据库：先校验备份，被替换的数据库另存为“数据库文件名.before-restore-时间”",
     CH_PERM_USER_ADMIN, CH_OP_WRITES | CH_OP_LOCAL, CH_RF_TEXT, restore_params, db_restore},
    {"db", "copy",
     "把整个数据库（含全部历史）复制到另一个空数据库（如从 SQLite 到 PostgreSQL），并在目标中"
     "校验审计日志和资金账",
     CH_PERM_USER_ADMIN, CH_OP_LOCAL | CH_OP_REFERENCE, CH_RF_TEXT, copy_params, db_copy},
    {0},
};
