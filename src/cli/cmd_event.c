/*
 * cmd_event — `cleanheat event record|import|correct|evidence-reuse`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/event.h"
#include "core/workflow.h"
#include "io/event_file.h"
#include "util/error.h"

/* Evidence files are photos and scans: 32 MiB each is plenty. */
#define MAX_EVIDENCE_FILES 16

int cmd_event_record(struct cli *cli, int argc, char **argv)
{
	enum { O_DATE = 1, O_NOTE, O_EVIDENCE, O_COUNTY, O_TODAY };
	static const struct option opts[] = {{"date", required_argument, 0, O_DATE},
	                                     {"note", required_argument, 0, O_NOTE},
	                                     {"evidence", required_argument, 0, O_EVIDENCE},
	                                     {"county", required_argument, 0, O_COUNTY},
	                                     {"today", required_argument, 0, O_TODAY},
	                                     {0, 0, 0, 0}};
	const char *date = NULL, *note = NULL, *county = NULL, *files[MAX_EVIDENCE_FILES];
	ch_evidence ev[MAX_EVIDENCE_FILES];
	size_t nev = 0;
	ch_event_opts eo = {0};
	ch_event_batch *b = NULL;
	ch_event_summary sum;
	int opt, rc = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case O_DATE:
			date = optarg;
			break;
		case O_NOTE:
			note = optarg;
			break;
		case O_COUNTY:
			county = optarg;
			break;
		case O_TODAY:
			eo.today = optarg;
			break;
		case O_EVIDENCE:
			if (nev == MAX_EVIDENCE_FILES)
				return cli_usage(cli, "at most %d --evidence files",
				                 MAX_EVIDENCE_FILES);
			files[nev++] = optarg;
			break;
		default:
			return cli_usage(cli, "unknown or incomplete option");
		}
	}
	if (optind + 2 != argc || !date)
		return cli_usage(cli, "event record takes HOUSEHOLD STAGE and --date D");
	rc = cli_read_evidence(files, nev, ev);
	if (rc == 0 && (rc = ch_event_begin(cli->ctx, &eo, &b)) == 0) {
		ch_event_in in = {1,   county, argv[optind], argv[optind + 1], date, note, ev,
		                  nev, 0};
		if ((rc = ch_event_add(b, &in)) == 0) {
			rc = ch_event_finish(b, &sum);
			const ch_problems *p = ch_event_problems(b);
			if (ch_problems_count(p)) {
				/* one step: its problems are the error message */
				const ch_problem *x = ch_problems_get(p, 0);
				ch_error_set(rc, "%s%s%s", x->column ? x->column : "",
				             x->column ? "：" : "", x->reason);
			} else if (rc == 0) {
				printf("已记录：%s %s %s\n", argv[optind], argv[optind + 1], date);
			}
		}
	}
	ch_event_free(b);
	cli_free_evidence(ev, nev);
	return rc;
}

int cmd_event_import(struct cli *cli, int argc, char **argv)
{
	enum { O_COUNTY = 1, O_SHEET, O_SKIP, O_REJECTS, O_TODAY };
	static const struct option opts[] = {{"county", required_argument, 0, O_COUNTY},
	                                     {"sheet", required_argument, 0, O_SHEET},
	                                     {"skip-invalid", no_argument, 0, O_SKIP},
	                                     {"rejects", required_argument, 0, O_REJECTS},
	                                     {"today", required_argument, 0, O_TODAY},
	                                     {0, 0, 0, 0}};
	ch_event_file_opts o = {0};
	ch_event_summary sum;
	ch_event_batch *b = NULL;
	int opt, rc;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case O_COUNTY:
			o.county = optarg;
			break;
		case O_SHEET:
			o.sheet = optarg;
			break;
		case O_SKIP:
			o.skip_invalid = 1;
			break;
		case O_REJECTS:
			o.rejects = optarg;
			break;
		case O_TODAY:
			o.today = optarg;
			break;
		default:
			return cli_usage(cli, "unknown or incomplete option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage(cli, "event import takes one FILE");
	o.path = argv[optind];
	rc = ch_event_import_file(cli->ctx, &o, &sum, &b);
	if (b) {
		cli_print_problems(ch_event_problems(b), CH_FMT_TABLE);
		if (o.rejects && sum.rejected)
			printf("拒收的行已写入 %s（含“错误原因”列），改正后可重新导入\n",
			       o.rejects);
		printf("%s：读入 %zu 行；记录 %zu 条，拒收 %zu 行\n", o.path, sum.rows, sum.stored,
		       sum.rejected);
	}
	ch_event_free(b);
	return rc;
}

int cmd_event_correct(struct cli *cli, int argc, char **argv)
{
	enum { O_DATE = 1, O_NOTE, O_COUNTY, O_TODAY };
	static const struct option opts[] = {{"date", required_argument, 0, O_DATE},
	                                     {"note", required_argument, 0, O_NOTE},
	                                     {"county", required_argument, 0, O_COUNTY},
	                                     {"today", required_argument, 0, O_TODAY},
	                                     {0, 0, 0, 0}};
	const char *date = NULL, *note = NULL, *county = NULL, *today = NULL;
	struct cli_sopt s[] = {
	    {O_DATE, &date}, {O_NOTE, &note}, {O_COUNTY, &county}, {O_TODAY, &today}, {0, NULL}};
	int flags = 0, rc = cli_parse_opts(cli, argc, argv, opts, s, &flags);
	if (rc)
		return rc;
	if (optind + 2 != argc || !date)
		return cli_usage(cli, "event correct takes HOUSEHOLD STAGE and --date D");
	rc = ch_event_correct(cli->ctx, county, argv[optind], argv[optind + 1], date, note, today);
	if (rc == 0)
		printf("已更正：%s「%s」日期改为 %s\n", argv[optind], argv[optind + 1], date);
	return rc;
}

struct reuse_out {
	ch_report *r;
	int c_hash, c_name, c_n, c_hh;
};

static int add_reuse(const ch_evidence_reuse *x, void *arg)
{
	struct reuse_out *o = arg;
	char shorthash[20];
	snprintf(shorthash, sizeof shorthash, "%.16s", x->hash);
	ch_report_add_row(o->r, 0);
	ch_report_set_text(o->r, o->c_hash, shorthash);
	ch_report_set_text(o->r, o->c_name, x->name);
	ch_report_set_int(o->r, o->c_n, (int64_t)x->nhouseholds);
	ch_report_set_text(o->r, o->c_hh, x->households);
	return 0;
}

int cmd_event_evidence_reuse(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {CLI_COMMON_OPTIONS, {0, 0, 0, 0}};
	struct reuse_out o;
	int opt, rc;
	while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1)
		if ((rc = cli_common_option(cli, opt, optarg)) != 0)
			return rc;
	if (optind != argc)
		return cli_usage(cli, "event evidence-reuse takes no arguments");
	o.r = ch_report_new("同一证明材料用于多户");
	o.c_hash = ch_report_add_col(o.r, "hash", "文件指纹", CH_COL_TEXT);
	o.c_name = ch_report_add_col(o.r, "name", "文件名", CH_COL_TEXT);
	o.c_n = ch_report_add_col(o.r, "households", "户数", CH_COL_INT);
	o.c_hh = ch_report_add_col(o.r, "which", "涉及农户", CH_COL_TEXT);
	rc = ch_event_evidence_reuse(cli->ctx, add_reuse, &o);
	if (rc == 0)
		rc = cli_write_report(cli, o.r);
	ch_report_free(o.r);
	return rc;
}
