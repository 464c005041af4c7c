/*
 * cmd_review — `cleanheat review apply|assign|sample|result|list`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/acceptance.h"
#include "core/reflist.h"
#include "io/rows.h"
#include "util/alloc.h"
#include "util/error.h"
#include "util/strv.h"
#include "util/text.h"

/* The 户编号 listed in PATH: the column headed 户编号 (or the first column). */
static int read_hh_list(const char *path, ch_strv *out)
{
	ch_rows *rows;
	ch_csv_row row;
	int rc = ch_rows_open(&rows, path, NULL), col = 0, first = 1;
	if (rc)
		return rc;
	while ((rc = ch_rows_next(rows, &row)) == 1) {
		if (first) {
			first = 0;
			int header = 0;
			for (size_t c = 0; c < row.nfields; c++) {
				char *h = ch_text_normalize(row.fields[c]);
				if (ch_str_in_list(h, "户编号|农户编号|编号")) {
					col = (int)c;
					header = 1;
				}
				free(h);
			}
			if (header)
				continue;
		}
		if ((size_t)col < row.nfields && row.fields[col][0])
			ch_strv_push_owned(out, ch_text_normalize(row.fields[col]));
	}
	ch_rows_free(rows);
	return rc < 0 ? rc : 0;
}

int cmd_review_apply(struct cli *cli, int argc, char **argv)
{
	enum { O_COUNTY = 1, O_FILE, O_ALL, O_YEAR, O_DATE, O_TODAY };
	static const struct option opts[] = {{"county", required_argument, 0, O_COUNTY},
	                                     {"households", required_argument, 0, O_FILE},
	                                     {"all-passed", no_argument, 0, O_ALL},
	                                     {"year", required_argument, 0, O_YEAR},
	                                     {"date", required_argument, 0, O_DATE},
	                                     {"today", required_argument, 0, O_TODAY},
	                                     {0, 0, 0, 0}};
	const char *county = NULL, *file = NULL, *date = NULL, *today = NULL;
	long year = 2023;
	int opt, rc = 0, all = 0;
	char *number = NULL;
	ch_strv hh;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == O_COUNTY)
			county = optarg;
		else if (opt == O_FILE)
			file = optarg;
		else if (opt == O_ALL)
			all = 1;
		else if (opt == O_YEAR)
			rc = cli_parse_int(cli, "--year", optarg, 2000, 2100, &year);
		else if (opt == O_DATE)
			date = optarg;
		else if (opt == O_TODAY)
			today = optarg;
		else
			rc = cli_usage(cli, "unknown or incomplete option");
		if (rc)
			return rc;
	}
	if (optind != argc || !county || !date || (!file == !all))
		return cli_usage(cli, "review apply needs --county C, --date D and either "
		                      "--households FILE or --all-passed");
	ch_strv_init(&hh);
	if (file && (rc = read_hh_list(file, &hh)) != 0)
		goto done;
	if (file && hh.len == 0) {
		rc = ch_error_set(CH_EINVALID, "%s lists no 户编号", file);
		goto done;
	}
	rc = ch_review_apply(cli->ctx, county, (int)year,
	                     file ? (const char *const *)hh.items : NULL, hh.len, date, today,
	                     &number);
	if (rc == 0)
		printf("已提交复核申请：%s\n", number);
done:
	free(number);
	ch_strv_dispose(&hh);
	return rc;
}

int cmd_review_assign(struct cli *cli, int argc, char **argv)
{
	enum { O_UNIT = 1, O_REVIEWER, O_SEED };
	static const struct option opts[] = {{"unit", required_argument, 0, O_UNIT},
	                                     {"reviewer", required_argument, 0, O_REVIEWER},
	                                     {"seed", required_argument, 0, O_SEED},
	                                     {0, 0, 0, 0}};
	const char *unit = NULL, *reviewer = NULL, *seed = NULL;
	struct cli_sopt s[] = {
	    {O_UNIT, &unit}, {O_REVIEWER, &reviewer}, {O_SEED, &seed}, {0, NULL}};
	int flags = 0, rc = cli_parse_opts(cli, argc, argv, opts, s, &flags);
	if (rc)
		return rc;
	if (optind + 1 != argc || !reviewer)
		return cli_usage(cli,
		                 "review assign takes APPLICATION, --unit, --reviewer and --seed");
	if ((rc = ch_review_assign(cli->ctx, argv[optind], unit, reviewer, seed)) == 0)
		printf("%s 已交%s（复核人 %s）复核，已按种子抽样（review sample %s 查看）\n",
		       argv[optind], unit, reviewer, argv[optind]);
	return rc;
}

struct member_out {
	ch_report *r;
	ch_reflist *tech;
	int c[7];
	size_t sampled;
};

static int add_member(const ch_review_member *m, void *arg)
{
	struct member_out *x = arg;
	char round[16];
	ch_report_add_row(x->r, 0);
	ch_report_set_text(x->r, x->c[0], m->hh_no);
	ch_report_set_text(x->r, x->c[1], m->head_name);
	ch_report_set_text(x->r, x->c[2], m->township);
	ch_report_set_text(x->r, x->c[3],
	                   x->tech ? ch_reflist_name(x->tech, m->technology) : m->technology);
	ch_report_set_text(x->r, x->c[4], m->contractor);
	if (m->sample_round)
		snprintf(round, sizeof round, "第%d轮", m->sample_round);
	ch_report_set_text(x->r, x->c[5], m->sample_round ? round : "未抽中");
	ch_report_set_text(x->r, x->c[6],
	                   !m->result                       ? ""
	                   : strcmp(m->result, "pass") == 0 ? "合格"
	                                                    : "不合格");
	x->sampled += m->sample_round != 0;
	return 0;
}

int cmd_review_sample(struct cli *cli, int argc, char **argv)
{
	enum { O_VERIFY = 1 };
	static const struct option opts[] = {
	    {"verify", no_argument, 0, O_VERIFY}, CLI_COMMON_OPTIONS, {0, 0, 0, 0}};
	int opt, rc, verify = 0;
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		if (opt == O_VERIFY)
			verify = 1;
		else if ((rc = cli_common_option(cli, opt, optarg)) != 0)
			return rc;
	}
	if (optind + 1 != argc)
		return cli_usage(cli, "review sample takes one APPLICATION");
	if (verify) {
		size_t n = 0;
		if ((rc = ch_review_verify(cli->ctx, argv[optind], &n)) == 0)
			printf("%s：按记录的种子与规则重新抽样，%zu 户结果与存储的样本一致\n",
			       argv[optind], n);
		return rc;
	}
	struct member_out x = {0};
	static const char *const heads[7][2] = {
	    {"hh_no", "户编号"},        {"head_name", "户主"},      {"township", "乡镇"},
	    {"technology", "改造方式"}, {"contractor", "施工单位"}, {"sample", "抽样"},
	    {"result", "复核结果"}};
	char title[160];
	snprintf(title, sizeof title, "复核申请 %s 的农户与抽样", argv[optind]);
	x.r = ch_report_new(title);
	for (int i = 0; i < 7; i++)
		x.c[i] = ch_report_add_col(x.r, heads[i][0], heads[i][1], CH_COL_TEXT);
	if (ch_reflist_load(cli->ctx, "technology", &x.tech) != 0)
		ch_error_clear(); /* keys instead of names */
	rc = ch_review_members(cli->ctx, argv[optind], add_member, &x);
	ch_reflist_free(x.tech);
	if (rc == 0) {
		char note[64];
		snprintf(note, sizeof note, "抽中 %zu 户", x.sampled);
		if (cli->format == CH_FMT_TABLE)
			ch_report_add_note(x.r, note);
		rc = cli_write_report(cli, x.r);
	}
	ch_report_free(x.r);
	return rc;
}

int cmd_review_result(struct cli *cli, int argc, char **argv)
{
	enum { O_RESULT = 1, O_DATE, O_NOTE, O_TODAY, O_EVIDENCE };
	static const struct option opts[] = {{"result", required_argument, 0, O_RESULT},
	                                     {"date", required_argument, 0, O_DATE},
	                                     {"note", required_argument, 0, O_NOTE},
	                                     {"today", required_argument, 0, O_TODAY},
	                                     {"evidence", required_argument, 0, O_EVIDENCE},
	                                     {0, 0, 0, 0}};
	const char *result = NULL, *date = NULL, *note = NULL, *today = NULL, *files[16];
	ch_evidence ev[16];
	size_t nfiles = 0;
	int opt, rc = 0, widened, completed;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == O_EVIDENCE) {
			if (nfiles == 16)
				return cli_usage(cli, "at most 16 --evidence files");
			files[nfiles++] = optarg;
		} else if (opt == O_RESULT)
			result = optarg;
		else if (opt == O_DATE)
			date = optarg;
		else if (opt == O_NOTE)
			note = optarg;
		else if (opt == O_TODAY)
			today = optarg;
		else
			return cli_usage(cli, "unknown or incomplete option");
	}
	if (optind + 2 != argc || !result || !date)
		return cli_usage(cli,
		                 "review result takes APPLICATION HOUSEHOLD, --result and --date");
	rc = cli_read_evidence(files, nfiles, ev);
	if (rc == 0)
		rc = ch_review_result(cli->ctx, argv[optind], argv[optind + 1], result, date, note,
		                      ev, nfiles, today, &widened, &completed);
	cli_free_evidence(ev, nfiles);
	if (rc == 0) {
		printf("已记录：%s %s %s\n", argv[optind], argv[optind + 1],
		       strcmp(result, "pass") == 0 ? "合格" : "不合格");
		if (widened)
			printf(
			    "样本不合格率超过阈值，已扩大抽样（review sample %s 查看新增农户）\n",
			    argv[optind]);
		if (completed)
			printf("复核申请 %s 已完成：不合格户退回整改，其余农户复核通过\n",
			       argv[optind]);
	}
	return rc;
}

struct app_out {
	ch_report *r;
	int c[10];
};

static int add_app(const ch_review_app *a, void *arg)
{
	struct app_out *x = arg;
	static const ch_label st[] = {
	    {"applied", "待分配"}, {"assigned", "复核中"}, {"completed", "已完成"}, {NULL, NULL}};
	const char *status = ch_label_of(st, a->status);
	ch_report_add_row(x->r, 0);
	ch_report_set_text(x->r, x->c[0], a->number);
	ch_report_set_text(x->r, x->c[1], a->county);
	ch_report_set_text(x->r, x->c[2], status);
	ch_report_set_text(x->r, x->c[3], a->unit);
	ch_report_set_text(x->r, x->c[4], a->reviewer);
	ch_report_set_int(x->r, x->c[5], a->households);
	ch_report_set_int(x->r, x->c[6], a->sampled);
	ch_report_set_int(x->r, x->c[7], a->passed);
	ch_report_set_int(x->r, x->c[8], a->failed);
	ch_report_set_text(x->r, x->c[9],
	                   !a->outcome                         ? ""
	                   : strcmp(a->outcome, "passed") == 0 ? "全部通过"
	                                                       : "部分不合格");
	return 0;
}

int cmd_review_list(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS, {0, 0, 0, 0}};
	struct app_out x;
	int opt, rc;
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1)
		if ((rc = cli_common_option(cli, opt, optarg)) != 0)
			return rc;
	if (optind != argc)
		return cli_usage(cli, "review list takes no arguments");
	static const char *const heads[10][2] = {{"number", "申请编号"}, {"county", "县市"},
	                                         {"status", "状态"},     {"unit", "复核单位"},
	                                         {"reviewer", "复核人"}, {"households", "户数"},
	                                         {"sampled", "抽样"},    {"passed", "合格"},
	                                         {"failed", "不合格"},   {"outcome", "结果"}};
	x.r = ch_report_new("复核申请");
	for (int i = 0; i < 10; i++)
		x.c[i] = ch_report_add_col(x.r, heads[i][0], heads[i][1],
		                           i >= 5 && i <= 8 ? CH_COL_INT : CH_COL_TEXT);
	rc = ch_review_each(cli->ctx, add_app, &x);
	if (rc == 0)
		rc = cli_write_report(cli, x.r);
	ch_report_free(x.r);
	return rc;
}
