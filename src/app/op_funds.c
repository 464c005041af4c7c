/*
 * op_funds — subsidy funds: `subsidy entitlement|reserve|pay|payfile|
 * batches|reconcile|recover|recovered|recoveries`, `funds appropriate|spend|audit`, `report funds`
 * and `ledger verify`.
 *
 * Money moves in core (core/subsidy.c over the ledger); these operations
 * turn what core reports into text and tables in yuan. A payment run and
 * its bank file belong together: `subsidy pay` pays, then writes the batch's
 * file (CSV or XLSX by its extension) at its output path, so that every
 * front end gets the same flow, and says how to write the file again when
 * only the writing failed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/ledger.h"
#include "core/subsidy.h"
#include "io/bank_file.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/money.h"

/* Yuan with thousands separators ("41,000.00"), in a buffer of the caller. */
#define YUAN(fen, buf) ch_money_format((fen), (buf), sizeof(buf))

/* ---- subsidy entitlement ---- */

static int subsidy_entitlement(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_entitlement e;
	char y[40];
	int rc =
	    ch_subsidy_entitlement(ctx, ch_args_str(a, "county"), ch_args_str(a, "household"), &e);
	if (rc)
		return rc;
	ch_result_printf(res, "%s %s %s 的补助核定（%d年补助标准第%d版%s）\n", e.county, e.hh_no,
	                 e.head_name, e.plan_year, e.policy_version,
	                 e.example ? "，示例标准，非本州正式标准" : "");
	for (size_t i = 0; i < e.nlines; i++)
		ch_result_printf(res, "  %s\n", e.lines[i]);
	ch_result_printf(res, "  核定补助：%s 元", YUAN(e.total_fen, y));
	ch_result_printf(res, "（总投资 %s 元）\n  资金来源：", YUAN(e.cost_fen, y));
	for (size_t i = 0; i < e.nsplit; i++) {
		char name[64];
		if (ch_funds_source(ctx, e.split[i].source, NULL, name) != 0)
			snprintf(name, sizeof name, "%s", e.split[i].source);
		ch_result_printf(res, "%s%s %s 元", i ? "，" : "", name, YUAN(e.split[i].fen, y));
	}
	ch_error_clear();
	ch_result_printf(res, "\n");
	ch_result_count(res, "total_fen", e.total_fen);
	return 0;
}

/* ---- subsidy reserve ---- */

static int subsidy_reserve(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_reserve_summary sum;
	char y[40];
	int rc = ch_subsidy_reserve(ctx, ch_args_str(a, "county"), ch_args_str(a, "date"), &sum);
	if (rc)
		return rc;
	ch_result_count(res, "reserved", (int64_t)sum.reserved);
	ch_result_count(res, "total_fen", sum.total_fen);
	ch_result_printf(res,
	                 "已为 %zu 户预留补助资金 %s 元；资金不足待拨付 %zu 户，缺少总投资 %zu 户，"
	                 "该年度无补助标准 %zu 户，核定为零 %zu 户\n",
	                 sum.reserved, YUAN(sum.total_fen, y), sum.short_of_funds, sum.no_cost,
	                 sum.no_policy, sum.zero);
	return 0;
}

/* ---- subsidy pay, payfile ---- */

/* The method keys, indexed by enum ch_pay_method. */
#define PAY_METHODS "card|yikatong|meter"
static const char *const pay_methods[] = {
    [CH_PAY_CARD] = "card", [CH_PAY_YIKATONG] = "yikatong", [CH_PAY_METER] = "meter"};

static enum ch_pay_method pay_method_of(const char *key)
{
	for (size_t i = 0; i < sizeof pay_methods / sizeof pay_methods[0]; i++)
		if (key && strcmp(key, pay_methods[i]) == 0)
			return (enum ch_pay_method)i;
	return CH_PAY_YIKATONG; /* the default */
}

static int subsidy_pay(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *county = ch_args_str(a, "county"), *out = ch_args_str(a, "output");
	ch_problems *p = ch_problems_new();
	int64_t batch, total;
	size_t n;
	char y[40];
	int rc = ch_subsidy_pay(ctx, county, ch_args_str(a, "date"),
	                        pay_method_of(ch_args_str(a, "method")), &batch, &n, &total, p);
	/* households left out of the batch, said whatever happened next */
	for (size_t i = 0; i < ch_problems_count(p); i++)
		ch_result_printf(res, "%s\n", ch_problems_get(p, i)->reason);
	ch_result_count(res, "left_out", (int64_t)ch_problems_count(p));
	ch_problems_free(p);
	if (rc)
		return rc;
	ch_result_count(res, "batch", batch);
	if (!batch) {
		ch_result_printf(res, "%s 没有待发放的补助\n", county);
		return 0;
	}
	ch_result_count(res, "payments", (int64_t)n);
	ch_result_count(res, "total_fen", total);
	ch_result_printf(res, "发放批次 %" PRId64 "：%zu 户，合计 %s 元\n", batch, n,
	                 YUAN(total, y));
	if (ch_bank_file_write(ctx, batch, out) != 0)
		return ch_error_prefix("the batch is recorded, but its file could not be written "
		                       "(write it again with 'subsidy payfile %" PRId64 "'): ",
		                       batch);
	ch_result_add_file(res, "output", out);
	ch_result_printf(res, "银行发放文件：%s\n", out);
	return 0;
}

static int subsidy_payfile(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *out = ch_args_str(a, "output");
	int rc = ch_bank_file_write(ctx, ch_args_int(a, "batch", 0), out);
	if (rc)
		return rc;
	ch_result_add_file(res, "output", out);
	ch_result_printf(res, "银行发放文件：%s\n", out);
	return 0;
}

/* ---- subsidy batches ---- */

enum { B_BATCH, B_COUNTY, B_DAY, B_METHOD, B_N, B_AMOUNT, B_SENT, B_PAID, B_FAILED, B_BY, B_AT };
static const struct app_col batch_cols[] = {
    [B_BATCH] = {"batch", "批次", CH_COL_INT},     [B_COUNTY] = {"county", "县(市)", CH_COL_TEXT},
    [B_DAY] = {"day", "发放日期", CH_COL_TEXT},    [B_METHOD] = {"method", "发放方式", CH_COL_TEXT},
    [B_N] = {"payments", "笔数", CH_COL_INT},      [B_AMOUNT] = {"amount", "金额(元)", CH_COL_TEXT},
    [B_SENT] = {"sent", "待银行回执", CH_COL_INT}, [B_PAID] = {"paid", "已到账", CH_COL_INT},
    [B_FAILED] = {"failed", "失败", CH_COL_INT},   [B_BY] = {"by", "经办人", CH_COL_TEXT},
    [B_AT] = {"at", "创建时间", CH_COL_TEXT},
};

static int add_batch(const ch_batch_row *b, void *arg)
{
	ch_report *r = arg;
	char y[40];
	ch_report_add_row(r, 0);
	ch_report_set_int(r, B_BATCH, b->id);
	ch_report_set_text(r, B_COUNTY, b->county);
	ch_report_set_text(r, B_DAY, b->day);
	ch_report_set_text(r, B_METHOD, ch_pay_method_label(b->method));
	ch_report_set_int(r, B_N, b->n);
	ch_report_set_text(r, B_AMOUNT, YUAN(b->total_fen, y));
	ch_report_set_int(r, B_SENT, b->sent);
	ch_report_set_int(r, B_PAID, b->paid);
	ch_report_set_int(r, B_FAILED, b->failed);
	ch_report_set_text(r, B_BY, b->created_by);
	ch_report_set_text(r, B_AT, b->created_at);
	return 0;
}

static int subsidy_batches(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_report *r = APP_REPORT("补助发放批次", batch_cols);
	return app_table_unless(res, r,
	                        ch_subsidy_batches(ctx, ch_args_str(a, "county"), add_batch, r));
}

/* ---- subsidy reconcile ---- */

static int subsidy_reconcile(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *file = ch_args_str(a, "file");
	ch_bank_return *in = NULL;
	ch_reconcile_summary sum;
	ch_problems *p = NULL;
	char hash[CH_HASH_HEX_LEN + 1];
	int rc;
	/* the digest the audit records is of the bytes applied: the reader
	 * checks it as it reads */
	if ((rc = ch_hash_file(file, hash)) != 0 ||
	    (rc = ch_bank_return_open(file, hash, &in)) != 0)
		goto done;
	p = ch_problems_new();
	rc = ch_subsidy_reconcile(ctx, ch_bank_return_next, in, hash, p, &sum);
	size_t nrejected = ch_problems_nrejected(p);
	ch_result_add_problems(res, p); /* RES frees P */
	p = NULL;
	if (rc == 0) {
		ch_result_count(res, "confirmed", (int64_t)sum.confirmed);
		ch_result_count(res, "failed", (int64_t)sum.failed);
		ch_result_count(res, "unknown", (int64_t)sum.unknown);
		ch_result_printf(res,
		                 "对账：入账成功 %zu 笔（其中 %zu 户补助已足额发放），失败退回 %zu "
		                 "笔（重新列入待发放），重复 %zu 笔，无法识别 %zu 笔\n",
		                 sum.confirmed, sum.subsidized, sum.failed, sum.repeated,
		                 sum.unknown);
		if (sum.released)
			ch_result_printf(res,
			                 "其中 %zu 笔属于发出后已退出的农户，款项已退回县级专户，"
			                 "不再发放\n",
			                 sum.released);
		ch_result_count(res, "released", (int64_t)sum.released);
	}
	if (rc == 0 && nrejected)
		rc = ch_error_set(CH_EINVALID, "回盘文件有 %zu 行无法入账", nrejected);
done:
	ch_problems_free(p);
	ch_bank_return_close(in);
	return rc;
}

/* ---- funds appropriate, spend ---- */

static int amount_of(const ch_args *a, int64_t *fen)
{
	const char *s = ch_args_str(a, "amount");
	if (ch_money_parse(s, fen) != 0)
		return ch_error_set_field(CH_EUSAGE, "amount",
		                          "“%s”：应为以元为单位、最多两位小数的金额", s);
	return 0;
}

static int funds_appropriate(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *to = ch_args_str(a, "to"), *key = ch_args_str(a, "key");
	int64_t fen;
	int found = 0, rc;
	if (ch_args_flag(a, "direct") && !to)
		return ch_error_set_field(CH_EUSAGE, "direct", "须同时用 --to 指定县市");
	if ((rc = amount_of(a, &fen)) != 0)
		return rc;
	rc = ch_funds_appropriate(ctx, ch_args_str(a, "source"), to, ch_args_flag(a, "direct"), fen,
	                          ch_args_str(a, "date"), key, ch_args_str(a, "memo"), &found);
	if (rc)
		return rc;
	ch_result_count(res, "recorded_before", found);
	if (found)
		ch_result_printf(res, "%s 已记录过，未重复%s\n", key, to ? "拨付" : "下达");
	else {
		char name[64], y[40];
		ch_funds_source(ctx, ch_args_str(a, "source"), NULL, name);
		ch_result_printf(res, "已%s：%s %s 元 → %s（%s）\n", to ? "拨付" : "下达", name,
		                 YUAN(fen, y), to ? to : "州级", key);
	}
	return 0;
}

static int funds_spend(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *county = ch_args_str(a, "county"), *key = ch_args_str(a, "key");
	int64_t fen;
	int found = 0, rc;
	if ((rc = amount_of(a, &fen)) != 0)
		return rc;
	rc = ch_funds_spend(ctx, county, ch_args_str(a, "source"), ch_args_str(a, "category"), fen,
	                    ch_args_str(a, "date"), key, ch_args_str(a, "memo"), &found);
	if (rc)
		return rc;
	ch_result_count(res, "recorded_before", found);
	if (found)
		ch_result_printf(res, "%s 已记录过，未重复记录支出\n", key);
	else {
		char name[64], y[40];
		char *cat = ch_funds_category(ctx, ch_args_str(a, "category"), 1);
		ch_funds_source(ctx, ch_args_str(a, "source"), NULL, name);
		ch_result_printf(res, "已记录支出：%s %s「%s」%s 元（%s）\n", county, name, cat,
		                 YUAN(fen, y), key);
		free(cat);
	}
	return 0;
}

/* ---- funds audit ---- */

enum { F_KIND, F_WHERE, F_WHAT, F_AMOUNT };
static const struct app_col finding_cols[] = {
    [F_KIND] = {"kind", "问题类型", CH_COL_TEXT},
    [F_WHERE] = {"where", "对象", CH_COL_TEXT},
    [F_WHAT] = {"what", "情况", CH_COL_TEXT},
    [F_AMOUNT] = {"amount", "金额(元)", CH_COL_TEXT},
};

struct findings {
	ch_report *r;
	size_t n; /* problems found: every finding but unspent balances */
};

static int add_finding(const ch_funds_finding *f, void *arg)
{
	struct findings *o = arg;
	char y[40];
	ch_report_add_row(o->r, 0);
	ch_report_set_text(o->r, F_KIND, f->kind);
	ch_report_set_text(o->r, F_WHERE, f->where);
	ch_report_set_text(o->r, F_WHAT, f->what);
	ch_report_set_text(o->r, F_AMOUNT, YUAN(f->amount_fen, y));
	o->n += strcmp(f->kind, "结余") != 0;
	return 0;
}

static int funds_audit(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	const char *as_of = ch_args_str(a, "as-of");
	struct findings o = {0};
	char title[96];
	snprintf(title, sizeof title, "补助资金审计（截至%s）", as_of);
	o.r = APP_REPORT(title, finding_cols);
	int rc = app_table_unless(res, o.r, ch_funds_audit(ctx, as_of, add_finding, &o));
	if (rc)
		return rc;
	ch_result_count(res, "findings", (int64_t)o.n);
	/* for people, under the table */
	ch_result_printf(res, "发现问题 %zu 项（结余仅供参考）\n", o.n);
	return 0;
}

/* ---- report funds ---- */

/* "14.1%": PART of WHOLE with one decimal, cut off rather than rounded, so
 * that spending is never shown ahead of the money paid; "-" when WHOLE <= 0. */
static void pct_down(char *out, size_t outsz, int64_t part, int64_t whole)
{
	if (whole <= 0)
		snprintf(out, outsz, "-");
	else
		snprintf(out, outsz, "%" PRId64 ".%d%%", part * 100 / whole,
		         (int)(part * 1000 / whole % 10));
}

/* 到位 = 已核定预留 + 其他支出 + 专户结余, so the row adds up; 已发放到户 is
 * the part of the reservations the bank has paid */
enum {
	R_COUNTY,
	R_SOURCE,
	R_RECEIVED,
	R_RESERVED,
	R_OTHER,
	R_BALANCE,
	R_PAID,
	R_UTIL,
	R_RECOVERED
};
static const struct app_col funds_cols[] = {
    [R_COUNTY] = {"county", "县(市)", CH_COL_TEXT},
    [R_SOURCE] = {"source", "资金来源", CH_COL_TEXT},
    [R_RECEIVED] = {"received", "到位(元)", CH_COL_TEXT},
    [R_RESERVED] = {"reserved", "已核定预留(元)", CH_COL_TEXT},
    [R_OTHER] = {"other", "其他支出(元)", CH_COL_TEXT},
    [R_BALANCE] = {"balance", "专户结余(元)", CH_COL_TEXT},
    [R_PAID] = {"paid", "已发放到户(元)", CH_COL_TEXT},
    [R_UTIL] = {"utilisation", "支出进度", CH_COL_TEXT},
    /* of the reservations reversed, money recovered from households (追回) */
    [R_RECOVERED] = {"recovered", "已追回(元)", CH_COL_TEXT},
};

struct funds_out {
	ch_report *r;
	ch_funds_row tot; /* the sums of the amounts */
};

/* The five amounts of X, in yuan. */
static void set_amounts(ch_report *r, const ch_funds_row *x)
{
	char y[40];
	ch_report_set_text(r, R_RECEIVED, YUAN(x->received, y));
	ch_report_set_text(r, R_RESERVED, YUAN(x->reserved, y));
	ch_report_set_text(r, R_OTHER, YUAN(x->other, y));
	ch_report_set_text(r, R_PAID, YUAN(x->paid, y));
	ch_report_set_text(r, R_BALANCE, YUAN(x->balance, y));
	ch_report_set_text(r, R_RECOVERED, YUAN(x->recovered, y));
}

static int add_funds(const ch_funds_row *x, void *arg)
{
	struct funds_out *o = arg;
	char pct[32];
	ch_report_add_row(o->r, 0);
	ch_report_set_text(o->r, R_COUNTY, x->county);
	ch_report_set_text(o->r, R_SOURCE, x->source);
	set_amounts(o->r, x);
	pct_down(pct, sizeof pct, x->paid, x->received);
	ch_report_set_text(o->r, R_UTIL, pct);
	o->tot.received += x->received;
	o->tot.reserved += x->reserved;
	o->tot.paid += x->paid;
	o->tot.balance += x->balance;
	o->tot.other += x->other;
	o->tot.recovered += x->recovered;
	return 0;
}

enum { H_COUNTY, H_PASSED, H_ENTITLED, H_FULL, H_BANK, H_TOPAY, H_UNRES, H_OVERDUE, H_OWED, H_N };
/* Text columns but the county's are amounts in yuan. */
static const struct app_col hh_cols[H_N] = {
    [H_COUNTY] = {"county", "县(市)", CH_COL_TEXT},
    [H_PASSED] = {"passed", "复核通过户数", CH_COL_INT},
    [H_ENTITLED] = {"entitled", "应发(元)", CH_COL_TEXT},
    [H_FULL] = {"paid_full", "已足额发放", CH_COL_INT},
    [H_BANK] = {"at_bank", "银行处理中", CH_COL_INT},
    [H_TOPAY] = {"to_pay", "待发放", CH_COL_INT},
    [H_UNRES] = {"unreserved", "未预留", CH_COL_INT},
    [H_OVERDUE] = {"overdue", "逾期未足额", CH_COL_INT},
    [H_OWED] = {"outstanding", "未发金额(元)", CH_COL_TEXT},
};

struct hh_out {
	ch_report *r;
	int64_t tot[H_N];
};

/* The cells of a household-status row after the county: V by column. */
static void set_hh_cells(ch_report *r, const int64_t v[H_N])
{
	for (int i = H_COUNTY + 1; i < H_N; i++) {
		char y[40];
		if (hh_cols[i].kind == CH_COL_TEXT)
			ch_report_set_text(r, i, YUAN(v[i], y));
		else
			ch_report_set_int(r, i, v[i]);
	}
}

static int add_hh_status(const ch_funds_hh_row *x, void *arg)
{
	struct hh_out *o = arg;
	const int64_t v[H_N] = {
	    [H_PASSED] = x->passed,   [H_ENTITLED] = x->entitled_fen, [H_FULL] = x->paid_full,
	    [H_BANK] = x->at_bank,    [H_TOPAY] = x->to_pay,          [H_UNRES] = x->unreserved,
	    [H_OVERDUE] = x->overdue, [H_OWED] = x->outstanding_fen,
	};
	ch_report_add_row(o->r, 0);
	ch_report_set_text(o->r, H_COUNTY, x->county);
	set_hh_cells(o->r, v);
	for (int i = 0; i < H_N; i++)
		o->tot[i] += v[i];
	return 0;
}

/* `report funds --households`: where each county's households stand. */
static int report_households(ch_ctx *ctx, int year, const char *as_of, ch_result *res)
{
	struct hh_out o = {0};
	char title[96];
	snprintf(title, sizeof title, "%d年农户补助发放情况（截至%s）", year, as_of);
	o.r = APP_REPORT(title, hh_cols);
	int rc = ch_funds_households(ctx, year, as_of, add_hh_status, &o);
	if (rc == 0) {
		ch_report_add_row(o.r, 1);
		ch_report_set_text(o.r, H_COUNTY, "合计");
		set_hh_cells(o.r, o.tot);
	}
	return app_table_unless(res, o.r, rc);
}

static int report_funds(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	int year = (int)ch_args_int(a, "year", 0);
	const char *as_of = ch_args_str(a, "as-of");
	struct funds_out o = {0};
	char title[96];
	if (ch_args_flag(a, "households"))
		return report_households(ctx, year, as_of, res);
	snprintf(title, sizeof title, "%d年补助资金到位与发放（截至%s）", year, as_of);
	o.r = APP_REPORT(title, funds_cols);
	int rc = ch_funds_report(ctx, year, as_of, add_funds, &o);
	if (rc == 0) {
		ch_report_add_row(o.r, 1);
		ch_report_set_text(o.r, R_COUNTY, "合计");
		set_amounts(o.r, &o.tot);
	}
	return app_table_unless(res, o.r, rc);
}

/* ---- recovery (追回) ---- */

static int subsidy_recover(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	int64_t fen, id;
	char y[40];
	int rc = amount_of(a, &fen);
	if (rc == 0)
		rc = ch_recovery_claim(ctx, ch_args_str(a, "county"), ch_args_str(a, "household"),
		                       fen, ch_args_str(a, "reason"), ch_args_str(a, "date"), &id);
	if (rc)
		return rc;
	ch_result_count(res, "recovery", id);
	ch_result_printf(res, "已登记追回 %" PRId64 "：户编号 %s，应追回 %s 元（%s）\n", id,
	                 ch_args_str(a, "household"), YUAN(fen, y), ch_args_str(a, "reason"));
	return 0;
}

static int subsidy_recovered(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	int64_t fen, tid, id = ch_args_int(a, "recovery", 0);
	char y[40];
	int rc = amount_of(a, &fen);
	if (rc == 0)
		rc = ch_recovery_receive(ctx, id, fen, ch_args_str(a, "date"), &tid);
	if (rc)
		return rc;
	ch_result_count(res, "transfer", tid);
	ch_result_printf(res, "追回 %" PRId64 "：收回 %s 元，已退回县级专户\n", id, YUAN(fen, y));
	return 0;
}

enum { V_ID, V_COUNTY, V_HH, V_HEAD, V_REASON, V_DAY, V_AMOUNT, V_BACK, V_LEFT };
static const struct app_col recovery_cols[] = {
    [V_ID] = {"recovery", "追回编号", CH_COL_INT},
    [V_COUNTY] = {"county", "县(市)", CH_COL_TEXT},
    [V_HH] = {"hh_no", "户编号", CH_COL_TEXT},
    [V_HEAD] = {"head_name", "户主姓名", CH_COL_TEXT},
    [V_REASON] = {"reason", "原因", CH_COL_TEXT},
    [V_DAY] = {"day", "登记日期", CH_COL_TEXT},
    [V_AMOUNT] = {"amount", "应追回(元)", CH_COL_TEXT},
    [V_BACK] = {"recovered", "已追回(元)", CH_COL_TEXT},
    [V_LEFT] = {"outstanding", "待追回(元)", CH_COL_TEXT},
};

static int add_recovery(const ch_recovery_row *x, void *arg)
{
	ch_report *r = arg;
	char y[40];
	ch_report_add_row(r, 0);
	ch_report_set_int(r, V_ID, x->id);
	ch_report_set_text(r, V_COUNTY, x->county);
	ch_report_set_text(r, V_HH, x->hh_no);
	ch_report_set_text(r, V_HEAD, x->head_name);
	ch_report_set_text(r, V_REASON, x->reason);
	ch_report_set_text(r, V_DAY, x->day);
	ch_report_set_text(r, V_AMOUNT, YUAN(x->amount_fen, y));
	ch_report_set_text(r, V_BACK, YUAN(x->recovered_fen, y));
	ch_report_set_text(r, V_LEFT, YUAN(x->amount_fen - x->recovered_fen, y));
	return 0;
}

static int subsidy_recoveries(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_report *r = APP_REPORT("补助追回", recovery_cols);
	return app_table_unless(res, r,
	                        ch_recovery_each(ctx, ch_args_str(a, "county"), add_recovery, r));
}

/* ---- ledger verify ---- */

static int ledger_verify(ch_ctx *ctx, const ch_args *a, ch_result *res)
{
	ch_ledger_report rep;
	(void)a;
	int rc = ch_ledger_verify(ctx, &rep);
	if (rc)
		return rc;
	ch_result_count(res, "transfers", rep.transfers);
	ch_result_printf(res,
	                 "账簿一致：%" PRId64 " 笔转账、%" PRId64 " 条分录、%" PRId64
	                 " 个账户，借贷平衡，余额相符\n",
	                 rep.transfers, rep.postings, rep.accounts);
	return 0;
}

/* ---- the table ---- */

#define P_DATE(help)                                                                               \
	{                                                                                          \
		"date", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, (help)                        \
	}
#define P_AS_OF(help)                                                                              \
	{                                                                                          \
		"as-of", CH_PT_DATE, CH_PF_REQUIRED, "D", NULL, 0, 0, (help)                       \
	}
#define P_OUTPUT(help)                                                                             \
	{                                                                                          \
		"output", CH_PT_OUTFILE, CH_PF_REQUIRED, "FILE", NULL, 0, 0, (help)                \
	}
#define P_AMOUNT                                                                                   \
	{                                                                                          \
		"amount", CH_PT_STRING, CH_PF_REQUIRED, "YUAN", NULL, 0, 0,                        \
		    "金额（元），最多两位小数"                                         \
	}
#define P_KEY                                                                                              \
	{                                                                                                  \
		"key", CH_PT_STRING, CH_PF_REQUIRED, "K", NULL, 0, 0,                                      \
		    "本笔资金的唯一编号（如文号）：同一编号再次提交不重复记账" \
	}
#define P_MEMO                                                                                     \
	{                                                                                          \
		"memo", CH_PT_STRING, 0, "T", NULL, 0, 0, "随本笔资金保存的备注"         \
	}

static const struct ch_param entitlement_params[] = {
    {"household", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "HOUSEHOLD", NULL, 0, 0,
     "农户的户编号（配合 --county）或身份证号"},
    APP_P_COUNTY(0, "户编号所在县市（名称或代码）"),
    {0},
};

static const struct ch_param reserve_params[] = {
    APP_P_COUNTY(CH_PF_REQUIRED, "为哪个县市的农户预留（名称或代码）"),
    P_DATE("预留日期"),
    {0},
};

static const struct ch_param pay_params[] = {
    APP_P_COUNTY(CH_PF_REQUIRED, "给哪个县市的农户发放（名称或代码）"),
    P_DATE("发放日期"),
    {"method", CH_PT_ENUM, 0, NULL, PAY_METHODS, 0, 0,
     "发放方式：银行卡 card、惠农一卡通 yikatong（默认）或取暖表充值 meter"},
    P_OUTPUT("本批次的银行代发文件（.csv 或 .xlsx），含完整身份证号和账号"),
    {0},
};

static const struct ch_param payfile_params[] = {
    {"batch", CH_PT_INT, CH_PF_POSITIONAL | CH_PF_REQUIRED, "BATCH", NULL, 1, 2000000000L,
     "发放批次号（见 subsidy batches）"},
    P_OUTPUT("本批次的银行代发文件（.csv 或 .xlsx），含完整身份证号和账号"),
    {0},
};

static const struct ch_param batches_params[] = {
    APP_P_COUNTY(0, "只列该县市的批次（名称或代码）"),
    {0},
};

static const struct ch_param reconcile_params[] = {
    {"file", CH_PT_FILE, CH_PF_POSITIONAL | CH_PF_REQUIRED, "FILE", NULL, 0, 0,
     "银行回盘文件，列为流水号、金额、状态（成功／失败）、日期、原因（CSV 或 XLSX）"},
    {0},
};

static const struct ch_param appropriate_params[] = {
    {"source", CH_PT_STRING, CH_PF_REQUIRED, "S", NULL, 0, 0,
     "资金来源：中央资金、自治区资金、州级资金或县级资金（也可写中央、自治区、州级、县级）"},
    P_AMOUNT,
    P_DATE("资金划转日期"),
    P_KEY,
    {"to", CH_PT_STRING, 0, "COUNTY", NULL, 0, 0, "拨付给该县市；不给时为下达到州"},
    {"direct", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "配合 --to：由资金来源直接拨到县市，不经州级"},
    P_MEMO,
    {0},
};

static const struct ch_param spend_params[] = {
    APP_P_COUNTY(CH_PF_REQUIRED, "从哪个县市的专户支出（名称或代码）"),
    {"source", CH_PT_STRING, CH_PF_REQUIRED, "S", NULL, 0, 0,
     "资金来源：中央资金、自治区资金、州级资金或县级资金（也可写中央、自治区、州级、县级）"},
    {"category", CH_PT_STRING, CH_PF_REQUIRED, "CAT", NULL, 0, 0,
     "支出用途：农户补助（或写补助）；其他用途计为挤占"},
    P_AMOUNT,
    P_DATE("支出日期"),
    P_KEY,
    P_MEMO,
    {0},
};

static const struct ch_param recover_params[] = {
    {"household", CH_PT_STRING, CH_PF_POSITIONAL | CH_PF_REQUIRED, "HOUSEHOLD", NULL, 0, 0,
     "户编号（配合 --county）或身份证号"},
    APP_P_COUNTY(0, "户编号所在县市（名称或代码）"),
    P_AMOUNT,
    {"reason", CH_PT_STRING, CH_PF_REQUIRED, "TEXT", NULL, 0, 0,
     "追回原因：设备已拆除、核实不符合条件、重复发放等"},
    P_DATE("登记日期"),
    {0},
};

static const struct ch_param recovered_params[] = {
    {"recovery", CH_PT_INT, CH_PF_POSITIONAL | CH_PF_REQUIRED, "RECOVERY", NULL, 1, 2000000000L,
     "追回编号（见 subsidy recoveries）"},
    P_AMOUNT,
    P_DATE("款项退回日期"),
    {0},
};

static const struct ch_param recoveries_params[] = {
    APP_P_COUNTY(0, "只列该县市的追回（名称或代码）"),
    {0},
};

static const struct ch_param audit_params[] = {
    P_AS_OF("检查截至的日期"),
    {0},
};

static const struct ch_param report_params[] = {
    APP_P_YEAR(CH_PF_REQUIRED, "计划年度"),
    P_AS_OF("统计截至的日期"),
    {"households", CH_PT_FLAG, 0, NULL, NULL, 0, 0, "改为列出各县市农户的补助发放情况"},
    {0},
};

const struct ch_op ch_ops_funds[] = {
    {"subsidy", "entitlement", "按当年政策计算一户的补助，逐项说明", CH_PERM_READ, 0, CH_RF_TEXT,
     entitlement_params, subsidy_entitlement},
    {"subsidy", "reserve", "从县市专户为复核合格的农户预留应得补助", CH_PERM_FUNDS, CH_OP_WRITES,
     CH_RF_TEXT, reserve_params, subsidy_reserve},
    {"subsidy", "pay", "发放全部可发补助，写出银行代发文件（CSV 或 XLSX）", CH_PERM_FUNDS,
     CH_OP_WRITES | CH_OP_REAUTH, CH_RF_TEXT, pay_params, subsidy_pay},
    /* writing the file is audited: it carries full ID and account numbers */
    {"subsidy", "payfile", "重新写出某发放批次的银行代发文件", CH_PERM_FUNDS, CH_OP_WRITES,
     CH_RF_TEXT, payfile_params, subsidy_payfile},
    {"subsidy", "batches", "发放批次（最新的在前）：已发出、已到账、失败的笔数和金额", CH_PERM_READ,
     0, CH_RF_ALL, batches_params, subsidy_batches},
    {"subsidy", "reconcile", "导入银行回盘：确认到账，冲回失败，列出对不上的记录", CH_PERM_FUNDS,
     CH_OP_WRITES, CH_RF_TEXT, reconcile_params, subsidy_reconcile},
    {"subsidy", "recover", "登记对已发放农户的追回（设备拆除、不符合条件、重复发放）",
     CH_PERM_FUNDS, CH_OP_WRITES, CH_RF_TEXT, recover_params, subsidy_recover},
    {"subsidy", "recovered", "登记追回款项到账：按来源退回其发出的县级专户", CH_PERM_FUNDS,
     CH_OP_WRITES, CH_RF_TEXT, recovered_params, subsidy_recovered},
    {"subsidy", "recoveries", "追回登记：应追回、已追回、待追回", CH_PERM_READ, 0, CH_RF_ALL,
     recoveries_params, subsidy_recoveries},
    {"funds", "appropriate", "资金由来源下达到州，或拨付到县市", CH_PERM_FUNDS, CH_OP_WRITES,
     CH_RF_TEXT, appropriate_params, funds_appropriate},
    {"funds", "spend", "县市专户的其他支出（农户补助以外的均为挤占）", CH_PERM_FUNDS,
     CH_OP_WRITES | CH_OP_GROUP, CH_RF_TEXT, spend_params, funds_spend},
    {"funds", "audit", "检查滞留、截留、挪用、挤占，同一身份证号或账号重复发放，以及结余未用",
     CH_PERM_READ, 0, CH_RF_ALL, audit_params, funds_audit},
    {"report", "funds",
     "分县市、分来源：到位、预留、其他支出、余额、已发放、支出进度；"
     "加 --households 列出各县市农户发放情况",
     CH_PERM_READ, 0, CH_RF_ALL, report_params, report_funds},
    {"ledger", "verify", "根据资金流水重新核对全部账务规则", CH_PERM_READ, 0, CH_RF_TEXT, NULL,
     ledger_verify},
    {0},
};
