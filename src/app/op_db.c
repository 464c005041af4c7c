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
 */
#include "app/app.h"

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

static const struct ch_param init_params[] = {
    {0},
};

const struct ch_op ch_ops_db[] = {
    {"db", "init", "创建数据库（或把表结构升级到当前版本）", CH_PERM_USER_ADMIN,
     CH_OP_WRITES | CH_OP_LOCAL, CH_RF_TEXT, init_params, db_init},
    {0},
};
