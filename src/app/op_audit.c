/*
 * op_audit — the audit log and the checks of the whole database:
 * `audit verify`, `audit log`, `audit head`, `audit key init` and
 * `verify` (every check: the chain and its signatures, the rows against the
 * audit log, the payments against the ledger, the ledger, the progress
 * aggregates).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "app/app.h"
#include "core/audit.h"
#include "core/seal.h"
#include "util/date.h"
#include "util/error.h"
#include "util/file.h"

/* Reads the head published in the file of parameter "head" into *H. */
static int read_head(const ch_args *a, ch_audit_head *h)
{
	unsigned char *data = NULL;
	size_t len = 0;
	int rc = ch_file_read(ch_args_str(a, "head"), 64 * 1024, &data, &len);
	if (rc)
		return ch_error_mark_field("head");
	char *text = malloc(len + 1);
	if (!text)
		abort();
	memcpy(text, data, len);
	text[len] = '\0';
	rc = ch_audit_head_parse(text, h);
	free(text);
	free(data);
	return rc ? ch_error_mark_field("head") : 0;
}

/* The chain, its signatures and (with --head) a published head; what holds
 * and what does not into RES. Returns the first failure. */
static int check_chain(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_audit_report rep;
	ch_audit_sig_report sig;
	const char *pk = ch_args_str(a, "public-key");
	int rc = ch_audit_verify(ctx, &rep);
	ch_result_count(res, "entries", rep.entries);
	if (rc == 0)
		ch_result_printf(res, "审计日志完整：%lld 条记录，哈希链无断裂\n",
		                 (long long)rep.entries);
	else if (rep.bad_seq)
		ch_result_printf(res, "审计日志被篡改：第 %lld 条起哈希链断裂（%s）\n",
		                 (long long)rep.bad_seq, rep.problem);
	if (rc)
		return rc;
	rc = ch_audit_verify_signatures(ctx, pk, &sig);
	ch_result_count(res, "checkpoints", sig.checkpoints);
	if (rc == 0 && sig.unsigned_chain)
		ch_result_printf(res, "注意：审计日志未签名（没有签名检查点）：有数据库文件的人可以"
		                      "重算整条哈希链。用 cleanheat audit key init 生成签名密钥\n");
	else if (rc == 0)
		ch_result_printf(res, "签名检查点有效：%" PRId64 " 个，覆盖到第 %" PRId64 " 条\n",
		                 sig.checkpoints, sig.signed_seq);
	else if (sig.problem[0])
		ch_result_printf(res, "签名校验未通过：%s\n", sig.problem);
	if (rc == 0 && ch_args_has(a, "head")) {
		ch_audit_head h;
		if ((rc = read_head(a, &h)) == 0)
			rc = ch_audit_verify_head(ctx, &h, pk);
		if (rc == 0)
			ch_result_printf(res, "与已发布的日志头一致：第 %" PRId64 " 条，签名有效\n",
			                 h.seq);
		else
			ch_result_printf(res, "与已发布的日志头不符：%s\n", ch_error_message());
	}
	return rc;
}

static int audit_verify(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	return check_chain(ctx, a, res);
}

/* ---- verify: everything ---- */

#define MAX_LISTED 200

struct verify_walk {
	ch_result *res;
	int64_t listed;
};

static int add_problem(const ch_seal_problem *p, void *arg)
{
	struct verify_walk *w = arg;
	if (w->listed++ < MAX_LISTED)
		ch_result_printf(w->res, "  %s\n", p->message);
	return 0;
}

/* Runs the operation GROUP VERB (one taking no parameters) into RES. */
static int run_part(ch_ctx *ctx, const char *group, const char *verb, ch_result *res)
{
	const struct ch_op *op = ch_op_find(group, verb);
	if (!op)
		return ch_error_set(CH_ERROR, "no operation %s %s", group, verb);
	ch_args *pa = ch_args_new(op);
	int rc = op->run(ctx, pa, res);
	ch_args_free(pa);
	return rc;
}

static int verify_all_in(ch_ctx *ctx, const ch_args *a, ch_result *res);

/* Every check reads one snapshot, as a large read: verify reads the whole
 * database, and the pages it read through the memory mapping stayed
 * resident until it ended (407 MiB at 1,000,000 households, 260 MiB of
 * them the mapping's; docs/performance.md, "verify at 1,000,000
 * households"). */
static int verify_all(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	int rc = ch_ctx_begin_large_read(ctx);
	if (rc)
		return rc;
	rc = verify_all_in(ctx, a, res);
	ch_ctx_rollback(ctx);
	return rc;
}

static int verify_all_in(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	int failed = 0, rc;
	char first[1024] = "";
#define FAIL()                                                                                     \
	do {                                                                                       \
		if (!failed++)                                                                     \
			snprintf(first, sizeof first, "%s", ch_error_message());                   \
	} while (0)

	/* the chain first: the other checks trust what it holds */
	if ((rc = check_chain(ctx, a, res)) != 0) {
		if (rc == CH_EDENIED || rc == CH_EBUSY || rc == CH_ERROR)
			return rc;
		FAIL();
	}
	struct verify_walk w = {res, 0};
	int64_t checked = 0, problems = 0;
	rc = ch_seal_verify(ctx, add_problem, &w, &checked, &problems);
	ch_result_count(res, "objects", checked);
	ch_result_count(res, "differences", problems);
	int started = 1;
	if (rc == 0 && ch_seal_started(ctx, &started) == 0 && !started)
		ch_result_printf(
		    res, "注意：数据尚未封存（升级后第一次写入时封存），未能与审计记录核对；"
		         "付款与资金转账相符\n");
	else if (rc == 0)
		ch_result_printf(res,
		                 "数据与审计记录一致：核对 %" PRId64 " 个对象（农户、用户、付款、"
		                 "补助核定、复核申请、复核结果、年度计划），付款与资金转账相符\n",
		                 checked);
	else if (problems) {
		if (problems > MAX_LISTED)
			ch_result_printf(res, "  ……另有 %" PRId64 " 处\n", problems - MAX_LISTED);
		ch_result_printf(res, "数据与审计记录不符：%" PRId64 " 处（见上）\n", problems);
	}
	if (rc)
		FAIL();
	/* the ledger and the progress aggregates, as their own commands check them */
	static const struct {
		const char *group, *verb, *what;
	} parts[] = {{"ledger", "verify", "账簿"}, {"report", "verify", "进度汇总"}};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		if ((rc = run_part(ctx, parts[i].group, parts[i].verb, res)) != 0) {
			ch_result_printf(res, "%s校验未通过：%s\n", parts[i].what,
			                 ch_error_message());
			FAIL();
		}
	}
#undef FAIL
	ch_result_count(res, "failed", failed);
	if (failed)
		return ch_error_set(CH_EINVALID, "校验未通过（%d 项）：%s", failed, first);
	ch_result_printf(res, "全部校验通过\n");
	return 0;
}

/* ---- audit head ---- */

static int audit_head(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_audit_head h;
	(void)a;
	int rc = ch_audit_head_get(ctx, &h);
	if (rc)
		return rc;
	ch_result_printf(res, "seq: %" PRId64 "\nhash: %s\nat: %s\npublic_key: %s\nsignature: %s\n",
	                 h.seq, h.hash, h.at, h.public_key, h.signature);
	ch_result_set_data(res, json_pack("{s:I, s:s, s:s, s:s, s:s}", "seq", (json_int_t)h.seq,
	                                  "hash", h.hash, "at", h.at, "public_key", h.public_key,
	                                  "signature", h.signature));
	ch_result_count(res, "seq", h.seq);
	if (!h.signature[0])
		return ch_error_set(CH_ECONFLICT,
		                    "审计日志还没有签名检查点：以上日志头未签名（见 cleanheat "
		                    "audit key init）");
	return 0;
}

/* ---- audit key init ---- */

static int audit_key(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	char pk[CH_AUDIT_KEY_HEX + 1];
	const char *path = ch_args_str(a, "key");
	if (!path)
		path = ch_ctx_audit_key_file(ctx);
	if (!path)
		return ch_error_set_field(CH_EUSAGE, "key",
		                          "须指定密钥文件（或设置环境变量 CLEANHEAT_AUDIT_KEY）");
	int rc = ch_audit_key_init(ctx, path, pk);
	if (rc)
		return rc;
	ch_result_printf(res,
	                 "审计签名密钥已写入 %s（仅本人可读；请妥善保管，不要与数据库放在一起）\n"
	                 "公钥：%s\n"
	                 "此后每次写入都会签名审计日志头；运行时用环境变量 CLEANHEAT_AUDIT_KEY 指明"
	                 "密钥文件\n",
	                 path, pk);
	return 0;
}

enum { C_SEQ, C_AT, C_ACTOR, C_SUMMARY, C_ACTION, C_OBJECT, C_BEFORE, C_AFTER, C_UTC };
static const struct app_col log_cols[] = {
    [C_SEQ] = {"seq", "序号", CH_COL_INT},
    [C_AT] = {"at_beijing", "时间(北京时间)", CH_COL_TEXT},
    [C_ACTOR] = {"actor", "操作人", CH_COL_TEXT},
    [C_SUMMARY] = {"summary", "摘要", CH_COL_TEXT},
    [C_ACTION] = {"action", "操作", CH_COL_TEXT},
    [C_OBJECT] = {"object", "对象", CH_COL_TEXT},
    [C_BEFORE] = {"before", "修改前", CH_COL_TEXT},
    [C_AFTER] = {"after", "修改后", CH_COL_TEXT},
    [C_UTC] = {"at", "时间(UTC)", CH_COL_TEXT},
};

struct log_walk {
	ch_ctx *ctx;
	ch_report *r;
};

static int add_entry(const ch_audit_entry *e, void *arg)
{
	struct log_walk *w = arg;
	ch_report *r = w->r;
	char at[32], summary[1024];
	ch_utc_to_beijing(e->at, at, sizeof at);
	ch_audit_summary(w->ctx, e, summary, sizeof summary);
	ch_report_add_row(r, 0);
	ch_report_set_int(r, C_SEQ, e->seq);
	ch_report_set_text(r, C_AT, at);
	ch_report_set_text(r, C_SUMMARY, summary);
	ch_report_set_text(r, C_UTC, e->at);
	ch_report_set_text(r, C_ACTOR, e->actor);
	ch_report_set_text(r, C_ACTION, e->action);
	ch_report_set_text(r, C_OBJECT, e->object);
	ch_report_set_text(r, C_BEFORE, e->before);
	ch_report_set_text(r, C_AFTER, e->after);
	return 0;
}

static int audit_log(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	if (ch_args_has(a, "household") && !ch_args_has(a, "county"))
		return ch_error_set_field(CH_EUSAGE, "county", "按户编号查找时须同时指定县市");
	ch_report *r = APP_REPORT("审计日志", log_cols);
	struct log_walk w = {ctx, r};
	ch_audit_filter f = {.object_prefix = ch_args_str(a, "object"),
	                     .county = ch_args_str(a, "county"),
	                     .household = ch_args_str(a, "household"),
	                     .limit = ch_args_int(a, "limit", 50)};
	ch_result_add_table(res, r);
	return ch_audit_each_about(ctx, &f, add_entry, &w);
}

static const struct ch_param log_params[] = {
    {"object", CH_PT_STRING, 0, "PREFIX", NULL, 0, 0,
     "只列对象名以 PREFIX 开头的记录（household:、user:、plan:）"},
    {"county", CH_PT_STRING, 0, "C", NULL, 0, 0, "只列该县市农户的记录或提到该县市的记录"},
    {"household", CH_PT_STRING, 0, "户编号", NULL, 0, 0, "只列该户的记录（配合 --county）"},
    {"limit", CH_PT_INT, 0, "N", NULL, 0, 100000000, "最多 N 条，最新的在前（默认 50；0 为全部）"},
    {0},
};

#define P_PUBLIC_KEY                                                                                       \
	{                                                                                                  \
		"public-key", CH_PT_STRING, 0, "HEX", NULL, 0, 0,                                          \
		    "只承认此公钥的签名（外部核验用；默认为数据库登记的公钥）" \
	}

static const struct ch_param verify_params[] = {
    P_PUBLIC_KEY,
    {"head", CH_PT_FILE, 0, "FILE", NULL, 0, 0,
     "另核对已发布的日志头（cleanheat audit head 的输出）"},
    {0},
};

static const struct ch_param key_params[] = {
    {"action", CH_PT_ENUM, CH_PF_POSITIONAL | CH_PF_REQUIRED, "init", "init", 0, 0,
     "init：生成新的签名密钥"},
    {"key", CH_PT_STRING, 0, "FILE", NULL, 0, 0,
     "密钥文件（默认为环境变量 CLEANHEAT_AUDIT_KEY 所指；已存在则拒绝）"},
    {0},
};

const struct ch_op ch_ops_audit[] = {
    {"verify", NULL, "全面校验：审计日志及其签名、数据与审计记录、付款与资金转账、账簿、进度汇总",
     CH_PERM_AUDIT, 0, CH_RF_TEXT, verify_params, verify_all},
    {"audit", "verify", "校验审计日志的哈希链和签名，指出第一条有问题的记录", CH_PERM_AUDIT, 0,
     CH_RF_TEXT, verify_params, audit_verify},
    {"audit", "log", "列出审计日志，最新的在前", CH_PERM_AUDIT, 0, CH_RF_ALL, log_params,
     audit_log},
    {"audit", "head", "打印签名的审计日志头，供对外发布或报送", CH_PERM_AUDIT, 0, CH_RF_TABLE_JSON,
     NULL, audit_head},
    {"audit", "key", "生成审计日志的签名密钥（init），公钥登记在数据库中", CH_PERM_USER_ADMIN,
     CH_OP_WRITES | CH_OP_LOCAL, CH_RF_TEXT, key_params, audit_key},
    {0},
};
