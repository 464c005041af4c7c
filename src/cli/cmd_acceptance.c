/*
 * cmd_acceptance — `cleanheat inspect record`, `rectification list|close`,
 * `followup due|record` and `report acceptance`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/acceptance.h"
#include "core/dispatch.h"
#include "util/error.h"
#include "util/text.h"

#define MAX_ITEMS          32
#define MAX_EVIDENCE_FILES 16

int cmd_inspect_record(struct cli *cli, int argc, char **argv)
{
	enum { O_RESULT = 1, O_DATE, O_INSPECTOR, O_ITEM, O_EVIDENCE, O_COUNTY, O_TODAY };
	static const struct option opts[] = {{"result", required_argument, 0, O_RESULT},
	                                     {"date", required_argument, 0, O_DATE},
	                                     {"inspector", required_argument, 0, O_INSPECTOR},
	                                     {"item", required_argument, 0, O_ITEM},
	                                     {"evidence", required_argument, 0, O_EVIDENCE},
	                                     {"county", required_argument, 0, O_COUNTY},
	                                     {"today", required_argument, 0, O_TODAY},
	                                     {0, 0, 0, 0}};
	ch_inspect_in in = {0};
	const char *items[MAX_ITEMS], *files[MAX_EVIDENCE_FILES];
	ch_evidence ev[MAX_EVIDENCE_FILES];
	size_t nfiles = 0;
	int64_t id, order;
	int opt, rc = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case O_RESULT:
			in.result = optarg;
			break;
		case O_DATE:
			in.day = optarg;
			break;
		case O_INSPECTOR:
			in.inspector = optarg;
			break;
		case O_COUNTY:
			in.county = optarg;
			break;
		case O_TODAY:
			in.today = optarg;
			break;
		case O_ITEM:
			if (in.nitems == MAX_ITEMS)
				return cli_usage(cli, "at most %d --item", MAX_ITEMS);
			items[in.nitems++] = optarg;
			break;
		case O_EVIDENCE:
			if (nfiles == MAX_EVIDENCE_FILES)
				return cli_usage(cli, "at most %d --evidence files",
				                 MAX_EVIDENCE_FILES);
			files[nfiles++] = optarg;
			break;
		default:
			return cli_usage(cli, "unknown or incomplete option");
		}
	}
	if (optind + 1 != argc || !in.result || !in.day)
		return cli_usage(cli, "inspect record takes HOUSEHOLD, --result and --date");
	rc = cli_read_evidence(files, nfiles, ev);
	in.household = argv[optind];
	in.items = items;
	in.evidence = ev;
	in.nevidence = nfiles;
	if (rc == 0 && (rc = ch_inspect_record(cli->ctx, &in, &id, &order)) == 0) {
		if (order)
			printf("自验不合格，已下达整改单 %" PRId64 "（整改完成后重新自验）\n",
			       order);
		else
			printf("自验合格：%s（自验记录 %" PRId64 "）\n", argv[optind], id);
	}
	cli_free_evidence(ev, nfiles);
	return rc;
}

struct order_out {
	ch_report *r;
	int c[9];
};

static int add_order(const ch_rectification *o, void *arg)
{
	struct order_out *x = arg;
	static const ch_label sources[] = {
	    {"inspection", "自验"}, {"review", "复核"}, {"followup", "回访"}, {NULL, NULL}};
	const char *src = ch_label_of(sources, o->source);
	ch_report_add_row(x->r, 0);
	ch_report_set_int(x->r, x->c[0], o->id);
	ch_report_set_text(x->r, x->c[1], o->county);
	ch_report_set_text(x->r, x->c[2], o->hh_no);
	ch_report_set_text(x->r, x->c[3], o->head_name);
	ch_report_set_text(x->r, x->c[4], src);
	ch_report_set_text(x->r, x->c[5], o->issue);
	ch_report_set_text(x->r, x->c[6], o->opened_day);
	ch_report_set_text(x->r, x->c[7], o->deadline);
	ch_report_set_text(x->r, x->c[8],
	                   o->closed_day ? o->closed_day
	                   : o->overdue  ? "逾期未完成"
	                                 : "整改中");
	return 0;
}

int cmd_rectification_list(struct cli *cli, int argc, char **argv)
{
	enum { O_OVERDUE = 1, O_OPEN, O_ASOF };
	static const struct option opts[] = {{"overdue", no_argument, 0, O_OVERDUE},
	                                     {"open", no_argument, 0, O_OPEN},
	                                     {"as-of", required_argument, 0, O_ASOF},
	                                     CLI_COMMON_OPTIONS,
	                                     {0, 0, 0, 0}};
	int opt, rc, overdue = 0, open = 0;
	const char *as_of = NULL;
	struct order_out x;
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (opt == O_OVERDUE)
			overdue = 1;
		else if (opt == O_OPEN)
			open = 1;
		else if (opt == O_ASOF)
			as_of = optarg;
		else if ((rc = cli_common_option(cli, opt, optarg)) != 0)
			return rc;
	}
	if (optind != argc)
		return cli_usage(cli, "rectification list takes no arguments");
	static const char *const heads[9][2] = {
	    {"id", "整改单号"},     {"county", "县市"},       {"hh_no", "户编号"},
	    {"head_name", "户主"},  {"source", "来源"},       {"issue", "问题"},
	    {"opened", "下达日期"}, {"deadline", "整改期限"}, {"state", "状态"}};
	x.r = ch_report_new(overdue ? "逾期整改单" : "整改单");
	for (int i = 0; i < 9; i++)
		x.c[i] =
		    ch_report_add_col(x.r, heads[i][0], heads[i][1], i ? CH_COL_TEXT : CH_COL_INT);
	rc = ch_rectification_each(cli->ctx, open, overdue, as_of, add_order, &x);
	if (rc == 0)
		rc = cli_write_report(cli, x.r);
	ch_report_free(x.r);
	return rc;
}

int cmd_rectification_close(struct cli *cli, int argc, char **argv)
{
	enum { O_DATE = 1, O_NOTE, O_TODAY };
	static const struct option opts[] = {{"date", required_argument, 0, O_DATE},
	                                     {"note", required_argument, 0, O_NOTE},
	                                     {"today", required_argument, 0, O_TODAY},
	                                     {0, 0, 0, 0}};
	const char *date = NULL, *note = NULL, *today = NULL;
	long id = 0;
	struct cli_sopt s[] = {{O_DATE, &date}, {O_NOTE, &note}, {O_TODAY, &today}, {0, NULL}};
	int flags = 0, rc = cli_parse_opts(cli, argc, argv, opts, s, &flags);
	if (rc)
		return rc;
	if (optind + 1 != argc || !date)
		return cli_usage(cli, "rectification close takes an order number and --date");
	if ((rc = cli_parse_int(cli, "order", argv[optind], 1, 2000000000L, &id)) != 0)
		return rc;
	if ((rc = ch_rectification_close(cli->ctx, id, date, note, today)) == 0)
		printf("整改单 %ld 已完成（%s）\n", id, date);
	return rc;
}

static int yes_no(struct cli *cli, const char *opt, const char *v, int *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "是") == 0 || strcmp(v, "1") == 0)
		*out = 1;
	else if (strcmp(v, "no") == 0 || strcmp(v, "否") == 0 || strcmp(v, "0") == 0)
		*out = 0;
	else
		return cli_usage(cli, "%s is yes or no", opt);
	return 0;
}

int cmd_followup_record(struct cli *cli, int argc, char **argv)
{
	enum {
		O_VISIT = 1,
		O_DATE,
		O_INUSE,
		O_COMFORT,
		O_COST,
		O_COAL,
		O_FAULT,
		O_SAT,
		O_NOTE,
		O_VISITOR,
		O_COUNTY,
		O_TODAY
	};
	static const struct option opts[] = {{"visit", required_argument, 0, O_VISIT},
	                                     {"date", required_argument, 0, O_DATE},
	                                     {"in-use", required_argument, 0, O_INUSE},
	                                     {"comfort", required_argument, 0, O_COMFORT},
	                                     {"cost-complaint", required_argument, 0, O_COST},
	                                     {"coal", required_argument, 0, O_COAL},
	                                     {"fault", required_argument, 0, O_FAULT},
	                                     {"satisfaction", required_argument, 0, O_SAT},
	                                     {"note", required_argument, 0, O_NOTE},
	                                     {"visitor", required_argument, 0, O_VISITOR},
	                                     {"county", required_argument, 0, O_COUNTY},
	                                     {"today", required_argument, 0, O_TODAY},
	                                     {0, 0, 0, 0}};
	ch_followup_in in = {.in_use = -1};
	long visit = 0, sat = 0;
	int opt, rc = 0;
	int64_t order;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case O_VISIT:
			rc = cli_parse_int(cli, "--visit", optarg, 1, 2, &visit);
			break;
		case O_DATE:
			in.day = optarg;
			break;
		case O_INUSE:
			rc = yes_no(cli, "--in-use", optarg, &in.in_use);
			break;
		case O_COMFORT:
			in.comfort = optarg;
			break;
		case O_COST:
			rc = yes_no(cli, "--cost-complaint", optarg, &in.cost_complaint);
			break;
		case O_COAL:
			rc = yes_no(cli, "--coal", optarg, &in.coal_burned);
			break;
		case O_FAULT:
			in.fault = optarg;
			break;
		case O_SAT:
			rc = cli_parse_int(cli, "--satisfaction", optarg, 1, 5, &sat);
			break;
		case O_NOTE:
			in.note = optarg;
			break;
		case O_VISITOR:
			in.visitor = optarg;
			break;
		case O_COUNTY:
			in.county = optarg;
			break;
		case O_TODAY:
			in.today = optarg;
			break;
		default:
			rc = cli_usage(cli, "unknown or incomplete option");
		}
		if (rc)
			return rc;
	}
	if (optind + 1 != argc || !visit || !in.day || in.in_use < 0 || !in.comfort)
		return cli_usage(cli, "followup record takes HOUSEHOLD, --visit, --date, --in-use, "
		                      "--comfort and --visitor");
	in.household = argv[optind];
	in.visit = (int)visit;
	in.satisfaction = (int)sat;
	if ((rc = ch_followup_record(cli->ctx, &in, &order)) == 0) {
		if (order)
			printf("已记录回访；发现问题，已下达整改单 %" PRId64 "\n", order);
		else
			printf("已记录回访：%s 第%ld次，未发现问题\n", argv[optind], visit);
	}
	return rc;
}

struct due_out {
	ch_report *r;
	int c[8];
};

static int add_due(const ch_followup_due *d, void *arg)
{
	struct due_out *x = arg;
	ch_report_add_row(x->r, 0);
	ch_report_set_text(x->r, x->c[0], d->county);
	ch_report_set_text(x->r, x->c[1], d->township);
	ch_report_set_text(x->r, x->c[2], d->village);
	ch_report_set_text(x->r, x->c[3], d->hh_no);
	ch_report_set_text(x->r, x->c[4], d->head_name);
	ch_report_set_text(x->r, x->c[5],
	                   d->visit == 1 ? "首次（采暖首月）" : "第二次（采暖中期）");
	ch_report_set_text(x->r, x->c[6], d->due);
	ch_report_set_text(x->r, x->c[7], d->overdue ? "已逾期" : "到期");
	return 0;
}

int cmd_followup_due(struct cli *cli, int argc, char **argv)
{
	enum { O_ASOF = 1 };
	static const struct option opts[] = {
	    {"as-of", required_argument, 0, O_ASOF}, CLI_COMMON_OPTIONS, {0, 0, 0, 0}};
	const char *as_of = NULL;
	struct due_out x;
	int opt, rc;
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (opt == O_ASOF)
			as_of = optarg;
		else if ((rc = cli_common_option(cli, opt, optarg)) != 0)
			return rc;
	}
	if (optind != argc || !as_of)
		return cli_usage(cli, "followup due needs --as-of D");
	static const char *const heads[8][2] = {
	    {"county", "县市"},    {"township", "乡镇"}, {"village", "村"},     {"hh_no", "户编号"},
	    {"head_name", "户主"}, {"visit", "回访"},    {"due", "应回访日期"}, {"state", "状态"}};
	x.r = ch_report_new("待回访农户");
	for (int i = 0; i < 8; i++)
		x.c[i] = ch_report_add_col(x.r, heads[i][0], heads[i][1], CH_COL_TEXT);
	rc = ch_followup_each_due(cli->ctx, as_of, add_due, &x);
	if (rc == 0)
		rc = cli_write_report(cli, x.r);
	ch_report_free(x.r);
	return rc;
}

int cmd_report_acceptance(struct cli *cli, int argc, char **argv)
{
	enum { O_YEAR = 1, O_ASOF };
	static const struct option opts[] = {{"year", required_argument, 0, O_YEAR},
	                                     {"as-of", required_argument, 0, O_ASOF},
	                                     CLI_COMMON_OPTIONS,
	                                     {0, 0, 0, 0}};
	long year = 0;
	const char *as_of = NULL;
	ch_acceptance_row *rows;
	size_t n;
	char title[160];
	int opt, rc = 0;
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (opt == O_YEAR)
			rc = cli_parse_int(cli, "--year", optarg, 2000, 2100, &year);
		else if (opt == O_ASOF)
			as_of = optarg;
		else
			rc = cli_common_option(cli, opt, optarg);
		if (rc)
			return rc;
	}
	if (optind != argc || !year || !as_of)
		return cli_usage(cli, "report acceptance needs --year Y --as-of D");
	if ((rc = ch_acceptance_report(cli->ctx, (int)year, as_of, &rows, &n)) != 0)
		return rc;
	snprintf(title, sizeof title, "%ld年农村清洁取暖改造验收复核进度（截至%s）", year, as_of);
	ch_report *r = ch_report_new(title);
	static const char *const heads[][2] = {
	    {"county", "县(市)"},           {"target", "计划户数"},
	    {"commissioned", "已调试"},     {"self_inspected", "自验合格"},
	    {"applied", "已申请复核"},      {"sampled", "抽样户数"},
	    {"passed", "复核合格"},         {"failed", "复核不合格"},
	    {"reviewed", "复核通过"},       {"open_orders", "整改中"},
	    {"overdue_orders", "逾期整改"}, {"expected_review", "应完成复核"},
	    {"status", "10月底完成风险"}};
	int c[13];
	for (int i = 0; i < 13; i++)
		c[i] = ch_report_add_col(r, heads[i][0], heads[i][1],
		                         i == 0 || i >= 11 ? CH_COL_TEXT : CH_COL_INT);
	for (size_t i = 0; i < n; i++) {
		const ch_acceptance_row *x = &rows[i];
		char pct[32];
		int64_t v[] = {x->target,      x->commissioned,  x->self_inspected, x->applied,
		               x->sampled,     x->passed,        x->failed,         x->reviewed,
		               x->open_orders, x->overdue_orders};
		ch_report_add_row(r, i + 1 == n);
		ch_report_set_text(r, c[0], x->name);
		for (int k = 0; k < 10; k++)
			ch_report_set_int(r, c[k + 1], v[k]);
		if (x->expected_review < 0)
			snprintf(pct, sizeof pct, "-");
		else
			snprintf(pct, sizeof pct, "%d.%d%%", x->expected_review / 10,
			         x->expected_review % 10);
		ch_report_set_text(r, c[11], pct);
		static const char *const risk[] = {"低（绿）", "中（黄）", "高（红）"};
		ch_report_set_text(r, c[12], risk[x->status]);
	}
	ch_report_add_note(r, "风险：自验合格与复核通过户数落后于按节点（10月1日至10月30日自验、10"
	                      "月31日前复核完毕）线性推算的应完成比例的程度");
	rc = cli_write_report(cli, r);
	ch_report_free(r);
	ch_acceptance_free(rows, n);
	return rc;
}
