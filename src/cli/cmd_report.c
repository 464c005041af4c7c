/*
 * cmd_report — `cleanheat report dispatch|remind|freeze|verify`: the weekly
 * and monthly progress dispatch and the notices to lagging counties.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/dispatch.h"
#include "core/event.h"
#include "core/region.h"
#include "io/dispatch_report.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/error.h"

/* Options shared by dispatch and remind. */
struct period_opts {
	long year;
	const char *as_of;
	int monthly;
};

static int parse_period_opts(struct cli *cli, int argc, char **argv, struct period_opts *p)
{
	enum { O_YEAR = 1, O_ASOF, O_PERIOD };
	static const struct option opts[] = {{"year", required_argument, 0, O_YEAR},
	                                     {"as-of", required_argument, 0, O_ASOF},
	                                     {"period", required_argument, 0, O_PERIOD},
	                                     CLI_COMMON_OPTIONS,
	                                     {0, 0, 0, 0}};
	int opt, rc = 0;
	memset(p, 0, sizeof *p);
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (opt == O_YEAR)
			rc = cli_parse_int(cli, "--year", optarg, 2000, 2100, &p->year);
		else if (opt == O_ASOF)
			p->as_of = optarg;
		else if (opt == O_PERIOD) {
			if (strcmp(optarg, "week") == 0)
				p->monthly = 0;
			else if (strcmp(optarg, "month") == 0)
				p->monthly = 1;
			else
				rc = cli_usage(cli, "--period is week or month");
		} else
			rc = cli_common_option(cli, opt, optarg);
		if (rc)
			return rc;
	}
	if (optind != argc || !p->year || !p->as_of)
		return cli_usage(cli, "needs --year Y and --as-of YYYY-MM-DD");
	return 0;
}

static char *prefecture_name(struct cli *cli)
{
	ch_region r;
	char *name = NULL;
	if (ch_region_root(cli->ctx, &r) == 0) {
		name = r.name;
		r.name = NULL;
		ch_region_dispose(&r);
	}
	ch_error_clear();
	return name ? name : ch_strdup("");
}

int cmd_report_dispatch(struct cli *cli, int argc, char **argv)
{
	struct period_opts p;
	ch_dispatch d;
	int rc = parse_period_opts(cli, argc, argv, &p);
	if (rc)
		return rc;
	if (cli->format == CH_FMT_XLSX && !cli->output)
		return cli_usage(cli, "--format xlsx needs -o FILE");
	if ((rc = ch_dispatch_compute(cli->ctx, (int)p.year, p.as_of, p.monthly, &d)) != 0)
		return rc;
	char *pref = prefecture_name(cli);
	rc = ch_dispatch_write(&d, pref, cli->format, cli->output);
	free(pref);
	ch_dispatch_dispose(&d);
	return rc;
}

/* 12.3% from tenths of a percent. */
static void fmt_pct(char *out, size_t n, int64_t tenths)
{
	snprintf(out, n, "%" PRId64 ".%d%%", tenths / 10, (int)(tenths % 10));
}

static void notice(ch_buf *b, const ch_dispatch *d, const ch_dispatch_row *r, const char *pref,
                   int repeated)
{
	ch_date a;
	ch_date_parse(d->as_of, &a);
	ch_buf_printf(b, "关于加快推进%s%d年农村清洁取暖改造进度的提醒\n\n", r->name, d->year);
	ch_buf_printf(b, "%s冬季清洁取暖工作领导小组办公室：\n\n", r->name);
	ch_buf_printf(b,
	              "    截至%d年%d月%d日，你县（市）%d年农村清洁取暖改造任务%" PRId64
	              "户（新建%" PRId64 "户、续建%" PRId64 "户），",
	              a.year, a.month, a.day, d->year, r->target, r->target_new,
	              r->target_continuing);
	int first = 1;
	for (int k = 0; k < CH_DISPATCH_NSTAGES; k++) {
		int s = ch_dispatch_stages[k];
		if (r->expected[s] <= 0)
			continue;
		char act[32], exp[32];
		fmt_pct(act, sizeof act, r->target > 0 ? r->n[s] * 1000 / r->target : 0);
		fmt_pct(exp, sizeof exp, r->expected[s]);
		ch_buf_printf(b, "%s%s%" PRId64 "户（%s），按计划应达到%s", first ? "" : "；",
		              ch_stage_name(s), r->n[s], act, exp);
		if (r->gap[s] > 0)
			ch_buf_printf(b, "，落后%d.%d个百分点", r->gap[s] / 10, r->gap[s] % 10);
		first = 0;
	}
	ch_buf_puts(b, "。");
	for (int k = 0; k < CH_DISPATCH_NSTAGES; k++) {
		int s = ch_dispatch_stages[k];
		const ch_date *dl = &d->cal.deadline[s];
		if (r->expected[s] < 0 || !dl->year || r->n[s] >= r->target)
			continue;
		if (r->late[s])
			ch_buf_printf(b,
			              "按近%d周进度推算，%s将于%d年%d月%d日才能全部完成，晚于%d月%"
			              "d日的节点要求。",
			              d->cal.forecast_weeks, ch_stage_name(s), r->forecast[s].year,
			              r->forecast[s].month, r->forecast[s].day, dl->month, dl->day);
		else if (r->stalled[s])
			ch_buf_printf(b, "近%d周%s没有进展，%d月%d日的节点要求难以完成。",
			              d->cal.forecast_weeks, ch_stage_name(s), dl->month, dl->day);
	}
	if (repeated)
		ch_buf_puts(b, "你县（市）已连续两期处于进度滞后（黄色）状态。");
	ch_buf_printf(
	    b,
	    "\n\n    根据《%s%d年农村清洁取暖改造工作实施方案》“%d月底前全面开工建设，%d月底前"
	    "完成安装调试并达到使用条件”的要求，请你县（市）高度重视，认真分析进度滞后原因，"
	    "倒排工期、压实责任，加快推进项目建设，确保按期完成年度任务。\n\n",
	    pref, d->year, d->cal.deadline[CH_STAGE_STARTED].month,
	    d->cal.deadline[CH_STAGE_INSTALLED].month);
	ch_buf_printf(b, "%*s%s冬季清洁取暖工作领导小组办公室\n%*s%d年%d月%d日\n", 24, "", pref, 32,
	              "", a.year, a.month, a.day);
}

int cmd_report_remind(struct cli *cli, int argc, char **argv)
{
	struct period_opts p;
	ch_dispatch now, prev;
	ch_buf b;
	size_t n = 0;
	int rc = parse_period_opts(cli, argc, argv, &p);
	if (rc)
		return rc;
	if (cli->format != CH_FMT_TABLE)
		return cli_usage(cli, "report remind writes text notices (no --format)");
	if ((rc = ch_dispatch_compute(cli->ctx, (int)p.year, p.as_of, p.monthly, &now)) != 0)
		return rc;
	if ((rc = ch_dispatch_compute(cli->ctx, (int)p.year, now.prev_as_of, p.monthly, &prev)) !=
	    0) {
		ch_dispatch_dispose(&now);
		return rc;
	}
	char *pref = prefecture_name(cli);
	ch_buf_init(&b);
	for (size_t i = 0; i + 1 < now.nrows; i++) {
		const ch_dispatch_row *r = &now.rows[i];
		int yellow_twice = r->status == CH_STATUS_YELLOW && i < prev.nrows &&
		                   prev.rows[i].status >= CH_STATUS_YELLOW;
		if (r->status != CH_STATUS_RED && !yellow_twice)
			continue;
		if (n++)
			ch_buf_puts(&b, "\n\f\n");
		notice(&b, &now, r, pref, yellow_twice);
	}
	if (n == 0)
		ch_buf_printf(&b, "截至%s，没有需要提醒的县（市）（无红色，也无连续两期黄色）。\n",
		              now.as_of);
	FILE *f = cli->output ? fopen(cli->output, "w") : stdout;
	if (!f) {
		rc = ch_error_set(CH_ERROR, "cannot write %s", cli->output);
	} else {
		fputs(b.ptr, f);
		if (cli->output && fclose(f) != 0)
			rc = ch_error_set(CH_ERROR, "writing %s failed", cli->output);
		if (cli->output && rc == 0)
			printf("已生成 %zu 份提醒：%s\n", n, cli->output);
	}
	ch_buf_dispose(&b);
	free(pref);
	ch_dispatch_dispose(&now);
	ch_dispatch_dispose(&prev);
	return rc;
}

int cmd_report_freeze(struct cli *cli, int argc, char **argv)
{
	enum { O_YEAR = 1, O_PERIOD, O_TODAY };
	static const struct option opts[] = {{"year", required_argument, 0, O_YEAR},
	                                     {"period", required_argument, 0, O_PERIOD},
	                                     {"today", required_argument, 0, O_TODAY},
	                                     {0, 0, 0, 0}};
	long year = 0;
	const char *period = NULL, *today = NULL;
	int opt, rc = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == O_YEAR)
			rc = cli_parse_int(cli, "--year", optarg, 2000, 2100, &year);
		else if (opt == O_PERIOD)
			period = optarg;
		else if (opt == O_TODAY)
			today = optarg;
		else
			rc = cli_usage(cli, "unknown or incomplete option");
		if (rc)
			return rc;
	}
	if (optind != argc || !year || !period)
		return cli_usage(cli, "report freeze needs --year Y --period YYYY-Www|YYYY-MM");
	if ((rc = ch_dispatch_freeze(cli->ctx, (int)year, period, today)) == 0)
		printf("%ld年 %s 的调度数据已冻结；此后对该期内事件的更正将作为变化显示\n", year,
		       period);
	return rc;
}

int cmd_report_verify(struct cli *cli, int argc, char **argv)
{
	size_t n = 0;
	(void)argv;
	if (argc > 1)
		return cli_usage(cli, "report verify takes no arguments");
	int rc = ch_progress_verify(cli->ctx, &n);
	if (rc == 0)
		printf("进度汇总与事件一致（%zu 行）\n", n);
	return rc;
}
