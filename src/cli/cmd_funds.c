/*
 * cmd_funds — `cleanheat subsidy entitlement|reserve|pay|payfile|reconcile`,
 * `funds appropriate|spend|audit`, `ledger verify` and `report funds`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/ledger.h"
#include "core/subsidy.h"
#include "io/bank_file.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/money.h"

static void yuan(int64_t fen, char *out, size_t n)
{
	ch_money_format(fen, out, n);
}

int cmd_subsidy_entitlement(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"county", required_argument, 0, 1}, {0, 0, 0, 0}};
	const char *county = NULL;
	struct cli_sopt s[] = {{1, &county}, {0, NULL}};
	int flags = 0, rc = cli_parse_opts(cli, argc, argv, opts, s, &flags);
	ch_entitlement e;
	char a[40];
	if (rc)
		return rc;
	if (optind + 1 != argc)
		return cli_usage(cli, "subsidy entitlement takes one HOUSEHOLD");
	if ((rc = ch_subsidy_entitlement(cli->ctx, county, argv[optind], &e)) != 0)
		return rc;
	printf("%s %s %s 的补助核定（%d年补助标准第%d版%s）\n", e.county, e.hh_no, e.head_name,
	       e.plan_year, e.policy_version, e.example ? "，示例标准，非本州正式标准" : "");
	for (size_t i = 0; i < e.nlines; i++)
		printf("  %s\n", e.lines[i]);
	yuan(e.total_fen, a, sizeof a);
	printf("  核定补助：%s 元", a);
	yuan(e.cost_fen, a, sizeof a);
	printf("（总投资 %s 元）\n  资金来源：", a);
	for (size_t i = 0; i < e.nsplit; i++) {
		yuan(e.split[i].fen, a, sizeof a);
		printf("%s%s %s 元", i ? "，" : "", e.split[i].source, a);
	}
	printf("\n");
	return 0;
}

int cmd_subsidy_reserve(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"county", required_argument, 0, 1}, {"date", required_argument, 0, 2}, {0, 0, 0, 0}};
	const char *county = NULL, *date = NULL;
	struct cli_sopt s[] = {{1, &county}, {2, &date}, {0, NULL}};
	int flags = 0, rc = cli_parse_opts(cli, argc, argv, opts, s, &flags);
	ch_reserve_summary sum;
	char a[40];
	if (rc)
		return rc;
	if (optind != argc || !county || !date)
		return cli_usage(cli, "subsidy reserve needs --county C --date D");
	if ((rc = ch_subsidy_reserve(cli->ctx, county, date, &sum)) != 0)
		return rc;
	yuan(sum.total_fen, a, sizeof a);
	printf("已为 %zu 户预留补助资金 %s 元；资金不足待拨付 %zu 户，缺少总投资 %zu 户，"
	       "该年度无补助标准 %zu 户，核定为零 %zu 户\n",
	       sum.reserved, a, sum.short_of_funds, sum.no_cost, sum.no_policy, sum.zero);
	return 0;
}

int cmd_subsidy_pay(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"county", required_argument, 0, 1},
	                                     {"date", required_argument, 0, 2},
	                                     {"method", required_argument, 0, 3},
	                                     {"output", required_argument, 0, 'o'},
	                                     {0, 0, 0, 0}};
	const char *county = NULL, *date = NULL, *method = "yikatong";
	struct cli_sopt s[] = {{1, &county}, {2, &date}, {3, &method}, {0, NULL}};
	int flags = 0, rc = cli_parse_opts(cli, argc, argv, opts, s, &flags);
	enum ch_pay_method m;
	int64_t batch, total;
	size_t n;
	char a[40];
	if (rc)
		return rc;
	if (optind != argc || !county || !date || !cli->output)
		return cli_usage(cli,
		                 "subsidy pay needs --county C --date D -o FILE (.csv or .xlsx)");
	if (strcmp(method, "card") == 0)
		m = CH_PAY_CARD;
	else if (strcmp(method, "yikatong") == 0)
		m = CH_PAY_YIKATONG;
	else if (strcmp(method, "meter") == 0)
		m = CH_PAY_METER;
	else
		return cli_usage(cli, "--method is card, yikatong (惠农一卡通) or meter");
	ch_problems *p = ch_problems_new();
	rc = ch_subsidy_pay(cli->ctx, county, date, m, &batch, &n, &total, p);
	for (size_t i = 0; i < ch_problems_count(p); i++)
		printf("%s\n", ch_problems_get(p, i)->reason);
	ch_problems_free(p);
	if (rc)
		return rc;
	if (!batch) {
		printf("%s 没有待发放的补助\n", county);
		return 0;
	}
	yuan(total, a, sizeof a);
	printf("发放批次 %" PRId64 "：%zu 户，合计 %s 元\n", batch, n, a);
	if ((rc = ch_bank_file_write(cli->ctx, batch, cli->output)) != 0)
		return ch_error_prefix("the batch is recorded, but its file could not be written "
		                       "(write it again with 'subsidy payfile %" PRId64 "'): ",
		                       batch);
	printf("银行发放文件：%s\n", cli->output);
	return 0;
}

int cmd_subsidy_payfile(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"output", required_argument, 0, 'o'}, {0, 0, 0, 0}};
	struct cli_sopt s[] = {{0, NULL}};
	int flags = 0, rc = cli_parse_opts(cli, argc, argv, opts, s, &flags);
	long batch;
	if (rc)
		return rc;
	if (optind + 1 != argc || !cli->output)
		return cli_usage(cli, "subsidy payfile takes BATCH and -o FILE");
	if ((rc = cli_parse_int(cli, "BATCH", argv[optind], 1, 2000000000L, &batch)) != 0)
		return rc;
	if ((rc = ch_bank_file_write(cli->ctx, batch, cli->output)) == 0)
		printf("银行发放文件：%s\n", cli->output);
	return rc;
}

static int add_batch(const ch_batch_row *b, void *arg)
{
	ch_report *r = arg;
	char a[40];
	yuan(b->total_fen, a, sizeof a);
	ch_report_add_row(r, 0);
	ch_report_set_int(r, 0, b->id);
	ch_report_set_text(r, 1, b->county);
	ch_report_set_text(r, 2, b->day);
	ch_report_set_text(r, 3, ch_pay_method_label(b->method));
	ch_report_set_int(r, 4, b->n);
	ch_report_set_text(r, 5, a);
	ch_report_set_int(r, 6, b->sent);
	ch_report_set_int(r, 7, b->paid);
	ch_report_set_int(r, 8, b->failed);
	ch_report_set_text(r, 9, b->created_by);
	ch_report_set_text(r, 10, b->created_at);
	return 0;
}

int cmd_subsidy_batches(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"county", required_argument, 0, 1}, CLI_COMMON_OPTIONS, {0, 0, 0, 0}};
	const char *county = NULL;
	struct cli_sopt s[] = {{1, &county}, {0, NULL}};
	int flags = 0, rc = cli_parse_opts(cli, argc, argv, opts, s, &flags);
	if (rc)
		return rc;
	if (optind != argc)
		return cli_usage(cli, "subsidy batches takes no arguments but --county");
	ch_report *r = ch_report_new("补助发放批次");
	ch_report_add_col(r, "batch", "批次", CH_COL_INT);
	ch_report_add_col(r, "county", "县(市)", CH_COL_TEXT);
	ch_report_add_col(r, "day", "发放日期", CH_COL_TEXT);
	ch_report_add_col(r, "method", "发放方式", CH_COL_TEXT);
	ch_report_add_col(r, "payments", "笔数", CH_COL_INT);
	ch_report_add_col(r, "amount", "金额(元)", CH_COL_TEXT);
	ch_report_add_col(r, "sent", "待银行回执", CH_COL_INT);
	ch_report_add_col(r, "paid", "已到账", CH_COL_INT);
	ch_report_add_col(r, "failed", "失败", CH_COL_INT);
	ch_report_add_col(r, "by", "经办人", CH_COL_TEXT);
	ch_report_add_col(r, "at", "创建时间", CH_COL_TEXT);
	if ((rc = ch_subsidy_batches(cli->ctx, county, add_batch, r)) == 0)
		rc = cli_write_report(cli, r);
	ch_report_free(r);
	return rc;
}

int cmd_subsidy_reconcile(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{0, 0, 0, 0}};
	struct cli_sopt s[] = {{0, NULL}};
	int flags = 0, rc = cli_parse_opts(cli, argc, argv, opts, s, &flags);
	ch_return_row *rows = NULL;
	size_t n = 0;
	ch_strv cells;
	ch_reconcile_summary sum;
	char hash[CH_HASH_HEX_LEN + 1];
	if (rc)
		return rc;
	if (optind + 1 != argc)
		return cli_usage(cli, "subsidy reconcile takes the bank's return FILE");
	ch_strv_init(&cells);
	if ((rc = ch_hash_file(argv[optind], hash)) != 0 ||
	    (rc = ch_bank_return_read(argv[optind], &rows, &n, &cells)) != 0) {
		ch_strv_dispose(&cells);
		return rc;
	}
	ch_problems *p = ch_problems_new();
	rc = ch_subsidy_reconcile(cli->ctx, rows, n, hash, p, &sum);
	for (size_t i = 0; i < ch_problems_count(p); i++) {
		const ch_problem *x = ch_problems_get(p, i);
		printf("第%zu行 %s「%s」：%s\n", x->line, x->column ? x->column : "",
		       x->value ? x->value : "", x->reason);
	}
	if (rc == 0)
		printf("对账：入账成功 %zu 笔（其中 %zu 户补助已足额发放），失败退回 %zu "
		       "笔（重新列入待发放），"
		       "重复 %zu 笔，无法识别 %zu 笔\n",
		       sum.confirmed, sum.subsidized, sum.failed, sum.repeated, sum.unknown);
	if (rc == 0 && ch_problems_nrejected(p))
		rc = ch_error_set(CH_EINVALID, "%zu row(s) of the return file could not be applied",
		                  ch_problems_nrejected(p));
	ch_problems_free(p);
	free(rows);
	ch_strv_dispose(&cells);
	return rc;
}

static int parse_amount(struct cli *cli, const char *s, int64_t *fen)
{
	if (!s || ch_money_parse(s, fen) != 0)
		return cli_usage(cli, "--amount '%s': yuan with at most two decimals", s ? s : "");
	return 0;
}

int cmd_funds_appropriate(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"source", required_argument, 0, 1}, {"to", required_argument, 0, 2},
	    {"amount", required_argument, 0, 3}, {"date", required_argument, 0, 4},
	    {"key", required_argument, 0, 5},    {"memo", required_argument, 0, 6},
	    {"direct", no_argument, 0, 0x100},   {0, 0, 0, 0}};
	const char *source = NULL, *to = NULL, *amount = NULL, *date = NULL, *key = NULL,
	           *memo = NULL;
	struct cli_sopt s[] = {{1, &source}, {2, &to},   {3, &amount}, {4, &date},
	                       {5, &key},    {6, &memo}, {0, NULL}};
	int flags = 0, rc = cli_parse_opts(cli, argc, argv, opts, s, &flags);
	int64_t fen;
	if (rc)
		return rc;
	if (optind != argc || !source || !amount || !date || !key)
		return cli_usage(
		    cli, "funds appropriate needs --source S --amount YUAN --date D --key K");
	if ((rc = parse_amount(cli, amount, &fen)) != 0)
		return rc;
	int found = 0;
	rc = ch_funds_appropriate(cli->ctx, source, to, flags & 1, fen, date, key, memo, &found);
	if (rc == 0 && found)
		printf("%s 已记录过，未重复%s\n", key, to ? "拨付" : "下达");
	else if (rc == 0)
		printf("已%s：%s %s 元 → %s（%s）\n", to ? "拨付" : "下达", source, amount,
		       to ? to : "州级", key);
	return rc;
}

int cmd_funds_spend(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"county", required_argument, 0, 1},   {"source", required_argument, 0, 2},
	    {"category", required_argument, 0, 3}, {"amount", required_argument, 0, 4},
	    {"date", required_argument, 0, 5},     {"key", required_argument, 0, 6},
	    {"memo", required_argument, 0, 7},     {0, 0, 0, 0}};
	const char *county = NULL, *source = NULL, *cat = NULL, *amount = NULL, *date = NULL,
	           *key = NULL, *memo = NULL;
	struct cli_sopt s[] = {{1, &county}, {2, &source}, {3, &cat},  {4, &amount},
	                       {5, &date},   {6, &key},    {7, &memo}, {0, NULL}};
	int flags = 0, rc = cli_parse_opts(cli, argc, argv, opts, s, &flags);
	int64_t fen;
	if (rc)
		return rc;
	if (optind != argc || !county || !source || !cat || !amount || !date || !key)
		return cli_usage(
		    cli, "funds spend needs --county --source --category --amount --date --key");
	if ((rc = parse_amount(cli, amount, &fen)) != 0)
		return rc;
	int found = 0;
	rc = ch_funds_spend(cli->ctx, county, source, cat, fen, date, key, memo, &found);
	if (rc == 0 && found)
		printf("%s 已记录过，未重复记录支出\n", key);
	else if (rc == 0)
		printf("已记录支出：%s %s %s 元（%s）\n", county, cat, amount, key);
	return rc;
}

struct finding_out {
	ch_report *r;
	size_t n;
};

static int add_finding(const ch_funds_finding *f, void *arg)
{
	struct finding_out *o = arg;
	char a[40];
	yuan(f->amount_fen, a, sizeof a);
	ch_report_add_row(o->r, 0);
	ch_report_set_text(o->r, 0, f->kind);
	ch_report_set_text(o->r, 1, f->where);
	ch_report_set_text(o->r, 2, f->what);
	ch_report_set_text(o->r, 3, a);
	o->n += strcmp(f->kind, "结余") != 0;
	return 0;
}

int cmd_funds_audit(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"as-of", required_argument, 0, 1}, CLI_COMMON_OPTIONS, {0, 0, 0, 0}};
	const char *as_of = NULL;
	struct cli_sopt s[] = {{1, &as_of}, {0, NULL}};
	int flags = 0, rc = cli_parse_opts(cli, argc, argv, opts, s, &flags);
	struct finding_out o = {0};
	char title[96];
	if (rc)
		return rc;
	if (optind != argc || !as_of)
		return cli_usage(cli, "funds audit needs --as-of D");
	snprintf(title, sizeof title, "补助资金审计（截至%s）", as_of);
	o.r = ch_report_new(title);
	ch_report_add_col(o.r, "kind", "问题类型", CH_COL_TEXT);
	ch_report_add_col(o.r, "where", "对象", CH_COL_TEXT);
	ch_report_add_col(o.r, "what", "情况", CH_COL_TEXT);
	ch_report_add_col(o.r, "amount", "金额(元)", CH_COL_TEXT);
	rc = ch_funds_audit(cli->ctx, as_of, add_finding, &o);
	if (rc == 0) {
		char note[64];
		snprintf(note, sizeof note, "发现问题 %zu 项（结余仅供参考）", o.n);
		if (cli->format == CH_FMT_TABLE)
			ch_report_add_note(o.r, note);
		rc = cli_write_report(cli, o.r);
	}
	ch_report_free(o.r);
	return rc;
}

struct funds_out {
	ch_report *r;
	int64_t tot[4];
};

static int add_funds(const ch_funds_row *x, void *arg)
{
	struct funds_out *o = arg;
	int64_t v[4] = {x->received, x->reserved, x->paid, x->balance};
	char a[40], pct[32];
	ch_report_add_row(o->r, 0);
	ch_report_set_text(o->r, 0, x->county);
	ch_report_set_text(o->r, 1, x->source);
	for (int i = 0; i < 4; i++) {
		yuan(v[i], a, sizeof a);
		ch_report_set_text(o->r, 2 + i, a);
		o->tot[i] += v[i];
	}
	if (x->received > 0)
		snprintf(pct, sizeof pct, "%" PRId64 ".%d%%", x->paid * 100 / x->received,
		         (int)(x->paid * 1000 / x->received % 10));
	else
		snprintf(pct, sizeof pct, "-");
	ch_report_set_text(o->r, 6, pct);
	return 0;
}

struct hh_out {
	ch_report *r;
	int64_t tot[9];
};

/* Columns 1..8 of a household-status row: counts, and yuan in 2 and 8. */
static void set_hh_cells(ch_report *r, const int64_t v[9])
{
	for (int i = 1; i < 9; i++) {
		char a[40];
		if (i == 2 || i == 8) {
			yuan(v[i], a, sizeof a);
			ch_report_set_text(r, i, a);
		} else {
			ch_report_set_int(r, i, v[i]);
		}
	}
}

static int add_hh_status(const ch_funds_hh_row *x, void *arg)
{
	struct hh_out *o = arg;
	int64_t v[9] = {0,         x->passed,     x->entitled_fen, x->paid_full,      x->at_bank,
	                x->to_pay, x->unreserved, x->overdue,      x->outstanding_fen};
	ch_report_add_row(o->r, 0);
	ch_report_set_text(o->r, 0, x->county);
	for (int i = 1; i < 9; i++)
		o->tot[i] += v[i];
	set_hh_cells(o->r, v);
	return 0;
}

/* `report funds --households`: where each county's households stand. */
static int report_households(struct cli *cli, int year, const char *as_of)
{
	static const char *const heads[9][2] = {
	    {"county", "县(市)"},           {"passed", "复核通过户数"},
	    {"entitled", "应发(元)"},       {"paid_full", "已足额发放"},
	    {"at_bank", "银行处理中"},      {"to_pay", "待发放"},
	    {"unreserved", "未预留"},       {"overdue", "逾期未足额"},
	    {"outstanding", "未发金额(元)"}};
	char title[96];
	struct hh_out o = {0};
	snprintf(title, sizeof title, "%d年农户补助发放情况（截至%s）", year, as_of);
	o.r = ch_report_new(title);
	for (int i = 0; i < 9; i++)
		ch_report_add_col(o.r, heads[i][0], heads[i][1],
		                  i == 0 || i == 2 || i == 8 ? CH_COL_TEXT : CH_COL_INT);
	int rc = ch_funds_households(cli->ctx, year, as_of, add_hh_status, &o);
	if (rc == 0) {
		ch_report_add_row(o.r, 1);
		ch_report_set_text(o.r, 0, "合计");
		set_hh_cells(o.r, o.tot);
		rc = cli_write_report(cli, o.r);
	}
	ch_report_free(o.r);
	return rc;
}

int cmd_report_funds(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {{"year", required_argument, 0, 1},
	                                     {"as-of", required_argument, 0, 2},
	                                     {"households", no_argument, 0, 0x100},
	                                     CLI_COMMON_OPTIONS,
	                                     {0, 0, 0, 0}};
	const char *year_s = NULL, *as_of = NULL;
	struct cli_sopt s[] = {{1, &year_s}, {2, &as_of}, {0, NULL}};
	int flags = 0, rc = cli_parse_opts(cli, argc, argv, opts, s, &flags);
	long year;
	char title[96], a[40];
	if (rc)
		return rc;
	if (optind != argc || !year_s || !as_of)
		return cli_usage(cli, "report funds needs --year Y --as-of D");
	if ((rc = cli_parse_int(cli, "--year", year_s, 2000, 2100, &year)) != 0)
		return rc;
	if (flags & 1)
		return report_households(cli, (int)year, as_of);
	struct funds_out o = {0};
	snprintf(title, sizeof title, "%ld年补助资金到位与发放（截至%s）", year, as_of);
	o.r = ch_report_new(title);
	static const char *const heads[7][2] = {
	    {"county", "县(市)"},           {"source", "资金来源"},     {"received", "到位(元)"},
	    {"reserved", "已核定预留(元)"}, {"paid", "已发放到户(元)"}, {"balance", "专户结余(元)"},
	    {"utilisation", "支出进度"}};
	for (int i = 0; i < 7; i++)
		ch_report_add_col(o.r, heads[i][0], heads[i][1], CH_COL_TEXT);
	rc = ch_funds_report(cli->ctx, (int)year, as_of, add_funds, &o);
	if (rc == 0) {
		ch_report_add_row(o.r, 1);
		ch_report_set_text(o.r, 0, "合计");
		for (int i = 0; i < 4; i++) {
			yuan(o.tot[i], a, sizeof a);
			ch_report_set_text(o.r, 2 + i, a);
		}
		rc = cli_write_report(cli, o.r);
	}
	ch_report_free(o.r);
	return rc;
}

int cmd_ledger_verify(struct cli *cli, int argc, char **argv)
{
	ch_ledger_report rep;
	(void)argv;
	if (argc > 1)
		return cli_usage(cli, "ledger verify takes no arguments");
	int rc = ch_ledger_verify(cli->ctx, &rep);
	if (rc == 0)
		printf("账簿一致：%" PRId64 " 笔转账、%" PRId64 " 条分录、%" PRId64
		       " 个账户，借贷平衡，余额相符\n",
		       rep.transfers, rep.postings, rep.accounts);
	return rc;
}
